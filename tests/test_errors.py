"""Bad input: every case ends in a clear message naming the file and line, never a traceback.

Each case changes the minimal project (tests/conftest.py) and asserts the exact
diagnostics of ``nianbao check`` and that ``nianbao build`` writes nothing.
"""

import re

import pytest

from conftest import SITE_CONFIG, run_cli, section

CASES = {
    "invalid YAML in report.yml": (
        {"content/2021/report.yml": "title: {zh: 标题, en: Title}\nyear: 2021\nsummary: {zh: a: b, en: c}\n"},
        ["content/2021/report.yml:3:16: error: invalid YAML: expected ',' or '}', but got ':'"],
    ),
    "invalid YAML in front matter": (
        {"content/2021/01-first.zh.md": "---\ntitle: 一、总结: 成效\n---\n\n正文。\n"},
        ["content/2021/01-first.zh.md:2:12: error: invalid YAML: mapping values are not allowed here"],
    ),
    "missing front matter": (
        {"content/2021/01-first.zh.md": "正文，没有标题。\n"},
        ["content/2021/01-first.zh.md:1: error: the section has no front matter with its title"],
    ),
    "front matter without a title": (
        {"content/2021/01-first.en.md": "---\nsummary: A summary.\n---\n\nText.\n"},
        ["content/2021/01-first.en.md: error: 'title' is missing in the front matter"],
    ),
    "empty title": (
        {"content/2021/01-first.en.md": '---\ntitle: ""\n---\n\nText.\n'},
        ["content/2021/01-first.en.md:2:1: error: 'title' is empty in the front matter"],
    ),
    "empty front matter": (
        {"content/2021/01-first.en.md": "---\n---\n\nText.\n"},
        ["content/2021/01-first.en.md:2: error: the front matter is empty: the section has no title"],
    ),
    "unknown key in front matter": (
        {"content/2021/01-first.en.md": '---\ntitle: "Part one"\nsumary: x\n---\n\nText.\n'},
        ["content/2021/01-first.en.md:3:1: error: unknown key 'sumary' in the front matter"],
    ),
    "two sections with the same number": (
        {"content/2021/02-second.zh.md": None, "content/2021/01-second.zh.md": section("第二部分")},
        ["content/2021/01-second.zh.md: error: two sections in 'zh' have the number 01: "
         "01-first.zh.md and 01-second.zh.md"],
    ),
    "two sections with the same slug": (
        {"content/2021/03-first.zh.md": section("重复")},
        ["content/2021/03-first.zh.md: error: two sections in 'zh' have the slug 'first': "
         "01-first.zh.md and 03-first.zh.md"],
    ),
    "unknown config key": (
        {"site_config.yml": SITE_CONFIG + "ouptut: public\n"},
        ["site_config.yml:9:1: error: unknown key 'ouptut' in site_config.yml"],
    ),
    "config text in an unknown language": (
        {"site_config.yml": SITE_CONFIG.replace("en: Test Office", "eng: Test Office")},
        ["site_config.yml:3:1: error: 'organisation' has no text for 'en'",
         "site_config.yml:3:27: error: 'organisation' has text for 'eng', which is not a language of this site"],
    ),
    "file that is not UTF-8": (
        {"content/2021/01-first.zh.md": "---\ntitle: 第一部分\n---\n\n第一段。\n".encode("gb18030")},
        ["content/2021/01-first.zh.md:2:8: error: the file is in GBK (GB2312/GB18030), not UTF-8"],
    ),
    "empty file": (
        {"content/2021/01-first.en.md": ""},
        ["content/2021/01-first.en.md: error: the file is empty"],
    ),
    "report folder without report.yml": (
        {"content/2020/01-old.zh.md": section("旧")},
        ["content/2020: error: the report folder has no report.yml"],
    ),
    "badly named section file": (
        {"content/2021/first.zh.md": section("无编号")},
        ["content/2021/first.zh.md: error: this file name does not name a section"],
    ),
    "section in a language the site does not have": (
        {"content/2021/01-first.fr.md": section("Première partie")},
        ["content/2021/01-first.fr.md: error: 'fr' is not a language of this site"],
    ),
    "link to a missing section": (
        {"content/2021/02-second.en.md": section("Part two", "Text.\n\nSee [part three](03-third.en.md).")},
        ["content/2021/02-second.en.md:7: error: the link '03-third.en.md' points to no section of the site"],
    ),
    "report.yml with wrong types": (
        {"content/2021/report.yml": "title: {zh: 标题, en: Title}\nyear: 二〇二一\ndate: soon\nsummary: {zh: a, en: b}\n"},
        ["content/2021/report.yml:2:1: error: 'year' must be a whole number, not the text '二〇二一'",
         "content/2021/report.yml:3:1: error: 'date' must be a date written YYYY-MM-DD, not the text 'soon'"],
    ),
}


# What `nianbao check` reviews besides (tests/test_check.py): not what these cases are about.
REVIEW = ("the section has no summary", "sections have no summary", "nothing records which version",
          "do not record which version", "is defined but never shown", "are defined but never shown")


def messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if (": error: " in line or ": warning: " in line)
            and not any(note in line for note in REVIEW)]


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_with_file_and_line(name, project, tmp_path):
    changes, expected = CASES[name]
    config = project(changes)
    code, out, err = run_cli("check", "--config", str(config))
    assert "Traceback" not in out + err
    assert messages(err) == expected
    assert code == 1
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 1
    assert "the output folder was left as it was" in err
    assert not (tmp_path / "site").exists()


def test_every_error_has_a_hint(project):
    config = project({"site_config.yml": SITE_CONFIG + "ouptut: public\n"})
    _, _, err = run_cli("check", "--config", str(config))
    assert "hint: did you mean 'output'?" in err


def test_all_errors_of_a_run_are_reported_together(project):
    config = project({
        "content/2021/01-first.zh.md": "正文。\n",
        "content/2021/02-second.en.md": "",
        "content/2021/report.yml": REPORT_WITH_TYPO,
    })
    _, _, err = run_cli("check", "--config", str(config))
    found = messages(err)
    assert any("01-first.zh.md:1: error: the section has no front matter" in m for m in found)
    assert any("02-second.en.md: error: the file is empty" in m for m in found)
    assert any("report.yml:5:1: error: unknown key 'yaer'" in m for m in found)


REPORT_WITH_TYPO = """\
title: {zh: 标题, en: Title}
year: 2021
summary: {zh: a, en: b}
date: 2022-01-01
yaer: 2021
"""


def test_missing_translation_is_a_warning_and_gets_a_pending_page(project, tmp_path):
    config = project({"content/2021/02-second.en.md": None})
    code, out, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    assert "content/2021/02-second.zh.md: warning: the section 'second' has no 'en' version" in err
    pending = (tmp_path / "site/en/2021/second/index.html").read_text(encoding="utf-8")
    assert "Translation pending" in pending
    assert 'href="../../../zh/2021/second/index.html"' in pending
    assert '<html lang="en">' in pending
    # the page's own language is English; the original title it shows is marked Chinese
    assert '<article class="section" lang="zh-CN">' in pending


def test_strict_turns_the_missing_translation_into_a_failure(project, tmp_path):
    config = project({"content/2021/02-second.en.md": None})
    code, _, err = run_cli("build", "--strict", "--config", str(config))
    assert code == 1
    assert "1 warning(s) with --strict" in err
    assert not (tmp_path / "site").exists()


def test_missing_config_file(tmp_path):
    code, _, err = run_cli("check", "--config", str(tmp_path / "nope.yml"))
    assert code == 1
    assert "nope.yml: error: the site config file does not exist" in err


def test_usage_errors_exit_2(project):
    assert run_cli("build", "--bogus")[0] == 2
    assert run_cli("publish")[0] == 2
    assert run_cli()[0] == 2


def test_help_on_each_command():
    for args in (["--help"], ["build", "--help"], ["check", "--help"]):
        code, out, _ = run_cli(*args)
        assert code == 0 and "usage: nianbao" in out


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", CASES)
def test_every_message_speaks_chinese_with_lang_zh(name, project):
    changes, _ = CASES[name]
    code, _, err = run_cli("check", "--lang", "zh", "--config", str(project(changes)))
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and all(CJK.search(line) for line in lines), lines
    assert any(": 错误: " in line for line in lines)


def test_the_language_follows_the_locale(project, monkeypatch):
    config = project({"site_config.yml": SITE_CONFIG + "ouptut: public\n"})
    monkeypatch.delenv("NIANBAO_LANG")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert "未知的键“ouptut”" in run_cli("check", "--config", str(config))[2]
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert "unknown key 'ouptut'" in run_cli("check", "--config", str(config))[2]


def test_two_sections_renumbered_to_the_same_number_in_both_languages(project):
    """Renaming 02-second.* to 01-second.* (a duplicate number in both languages) crashed the build."""
    from conftest import MINIMAL

    config = project({"content/2021/02-second.zh.md": None, "content/2021/02-second.en.md": None,
                      "content/2021/01-second.zh.md": MINIMAL["content/2021/02-second.zh.md"],
                      "content/2021/01-second.en.md": MINIMAL["content/2021/02-second.en.md"]})
    files = "01-first.en.md, 01-second.en.md, 01-first.zh.md, 01-second.zh.md"
    for lang, message in (("en", f"error: two sections have the number 01: {files}"),
                          ("zh", f"错误: 两个部分的编号都是 01：{files}")):
        code, _, err = run_cli("check", "--config", str(config), "--lang", lang)
        assert code == 1 and message in err and "internal error" not in err, err
        assert err.count("error") + err.count("错误") == 2  # the one error, and the summary line


def test_a_figure_reference_missing_a_brace_is_one_error(project):
    metrics = ("metrics:\n  - id: visits\n    label: {zh: 来访, en: visits}\n    value: 12\n"
               "    unit: {zh: 次, en: visits}\n    section: first\n  - id: talks\n    label: {zh: 会谈, en: talks}\n"
               "    mask: \"**\"\n    unit: {zh: 次, en: talks}\n    section: first\n")
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": "---\ntitle: 一\n---\n\n来访{{ visits }次，会谈{{ talks }}次。\n",
                      "content/2021/01-first.en.md": "---\ntitle: One\n---\n\n{{ visits }} visits, {{ talks }} talks.\n"})
    code, _, err = run_cli("check", "--config", str(config))
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert code == 1 and errors == [
        "content/2021/01-first.zh.md:5: error: a figure reference is not closed right: '{{ visits }次，会谈{{ talks }}'"], err


def test_a_misnamed_section_file_is_an_error_naming_the_name_meant(project):
    config = project({"content/2021/03-third.ZH.MD": "---\ntitle: 三\n---\n\n正文。\n"})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "content/2021/03-third.ZH.MD: error: this file name does not name a section" in err
    assert "hint: did you mean 03-third.zh.md? Rename it so that it is read" in err


def test_the_placeholder_summary_of_a_new_report_is_warned_about(project):
    report = "title: {zh: 标题, en: Title}\nyear: 2021\nsummary: {zh: （待写）本年度工作的摘要。, en: A year.}\n"
    config = project({"content/2021/report.yml": report})
    code, _, err = run_cli("check", "--strict", "--config", str(config))
    assert code == 1 and ("content/2021/report.yml:3:11: warning: the report's summary in zh is still the "
                          "placeholder nianbao new report wrote") in err, err


@pytest.mark.parametrize("written", ["｛｛ visits ｝｝", "{ visits }", "{{ visits }", "{visits}"])
def test_a_figure_with_the_wrong_braces_is_an_error(project, written):
    metrics = ("metrics:\n  - id: visits\n    label: {zh: 来访, en: visits}\n    value: 12\n"
               "    unit: {zh: 次, en: visits}\n    section: first\n")
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": f"---\ntitle: 一\n---\n\n来访{written}次。\n",
                      "content/2021/01-first.en.md": "---\ntitle: One\n---\n\n{{ visits }} visits.\n"})
    code, _, err = run_cli("check", "--config", str(config), "--lang", "zh")
    assert code == 1 and f"content/2021/01-first.zh.md:5:3: 错误: 数字“visits”写成了“{written}”：会原样显示在页面上" in err, err


def test_a_section_pair_misnamed_is_two_errors_about_its_files_and_nothing_else(project):
    """Renaming a pair to 02-Second.* (upper case): its files' names are the errors; what names the
    section elsewhere (report.yml's sections, a figure's section) is not reported as well."""
    from conftest import MINIMAL

    metrics = ("metrics:\n  - id: visits\n    label: {zh: 来访, en: visits}\n    value: 12\n"
               "    unit: {zh: 次, en: visits}\n    section: second\n")
    report = MINIMAL["content/2021/report.yml"] + "sections: [first, second]\n"
    config = project({"content/2021/02-second.zh.md": None, "content/2021/02-second.en.md": None,
                      "content/2021/02-Second.zh.md": MINIMAL["content/2021/02-second.zh.md"],
                      "content/2021/02-Second.en.md": MINIMAL["content/2021/02-second.en.md"],
                      "content/2021/metrics.yml": metrics, "content/2021/report.yml": report})
    code, _, err = run_cli("check", "--config", str(config))
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert code == 1 and errors == ["content/2021/02-Second.en.md: error: this file name does not name a section",
                                    "content/2021/02-Second.zh.md: error: this file name does not name a section"], err


def test_the_official_text_beside_a_report_is_expected_other_files_are_not(project):
    config = project({"content/2021/official-text.zh.txt": "官方原文。\n", "content/2021/notes.txt": "笔记\n"})
    code, _, err = run_cli("check", "--config", str(config))
    assert "official-text.zh.txt" not in err
    assert "content/2021/notes.txt: warning: nianbao does not read this file: it is not part of the site" in err
