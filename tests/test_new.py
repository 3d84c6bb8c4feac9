"""The editor's day without traps (issue 13): nianbao new site, finding the config from a
subfolder, nianbao new report starting clean, and every command in the editor's language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli, section
from generator import cli
from generator.schema import SiteConfig

CJK = re.compile(r"[\u4e00-\u9fff]")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def new_site(tmp_path: Path, *args: str) -> Path:
    folder = tmp_path / "annual-report"
    code, out, err = run_cli("new", "site", str(folder), *args)
    assert code == 0, err
    return folder


# --- nianbao new site ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_site_builds_and_passes_the_strict_check_at_once(tmp_path, lang):
    folder = tmp_path / "annual-report"
    code, out, err = run_cli("new", "site", str(folder), "--year", "2024", "--lang", lang)
    assert code == 0, err
    assert sorted(tree(folder)) == [".gitignore", "content/2024/01-exchanges.en.md", "content/2024/01-exchanges.zh.md",
                                    "content/2024/02-services.en.md", "content/2024/02-services.zh.md",
                                    "content/2024/metrics.yml", "content/2024/report.yml", "site_config.yml"]
    lines = out.splitlines()
    assert all(f"  {folder.as_posix()}/{name}" in lines for name in tree(folder))  # what it wrote
    assert any("nianbao serve --open" in line for line in lines) and any("nianbao check --strict" in line for line in lines)
    if lang == "zh":
        assert CJK.search(lines[0]) and all(CJK.search(line) for line in lines if "nianbao " in line and "  cd" not in line)
    code, out, err = run_cli("check", "--strict", "--lang", lang, cwd=folder)
    assert code == 0 and not err, err
    code, out, err = run_cli("build", "--strict", "--lang", lang, cwd=folder)
    assert code == 0 and not err, err
    page = (folder / "site/zh/2024/exchanges/index.html").read_text(encoding="utf-8")
    assert "合作协议" in page and ">48<" not in page and "锦江" not in page  # withheld: the public edition masks them
    code, _, err = run_cli("build", "--strict", "--edition", "internal", "--lang", lang, cwd=folder)
    assert code == 0, err
    assert ">48<" in (folder / "site-internal/zh/2024/exchanges/index.html").read_text(encoding="utf-8")


def test_the_new_site_explains_every_field_and_shows_each_kind_of_figure(tmp_path):
    folder = new_site(tmp_path, "--year", "2024")
    config = (folder / "site_config.yml").read_text(encoding="utf-8").splitlines()
    for name in SiteConfig.model_fields:
        at = next(i for i, line in enumerate(config) if line.startswith(f"{name}:"))
        comments = []
        for line in reversed(config[:at]):
            if not line.startswith("#"):
                break
            comments.append(line)
        assert any(CJK.search(c) for c in comments) and any(re.search(r"[a-z]{4} [a-z]{3}", c) for c in comments), name
    metrics = yaml.safe_load((folder / "content/2024/metrics.yml").read_text(encoding="utf-8"))["metrics"]
    assert any("mask" in m for m in metrics) and any(m.get("public") is False for m in metrics)
    assert "```chart" in (folder / "content/2024/02-services.zh.md").read_text(encoding="utf-8")
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/site/", "/site-internal/", "/.nianbao-cache/"} <= set(ignored)
    meta = yaml.safe_load((folder / "content/2024/report.yml").read_text(encoding="utf-8"))
    assert meta["year"] == 2024 and "2024" in meta["title"]["zh"] and "2025" in meta["summary"]["en"]


def test_the_first_report_is_this_years_by_default(tmp_path):
    import datetime

    folder = new_site(tmp_path)
    assert (folder / f"content/{datetime.date.today().year}/report.yml").is_file()


def test_a_new_site_goes_only_into_a_new_or_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("new", "site", str(empty))[0] == 0 and (empty / "site_config.yml").is_file()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(tmp_path)
    code, out, err = run_cli("new", "site", str(busy))
    assert code == 2 and not out
    assert f"nianbao: {busy} is not empty: nothing was written\n    hint: name a new or empty folder" in err
    code, _, err = run_cli("new", "site", str(busy / "notes.txt"), "--lang", "zh")
    assert code == 2 and "不是文件夹：没有写入任何文件" in err and "建议：" in err
    assert tree(tmp_path) == before


def test_a_failed_new_site_leaves_nothing_behind(tmp_path, monkeypatch):
    import generator.new

    written = []

    def failing_open(path, *args, **kwargs):
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(generator.new, "open", failing_open, raising=False)
    code, out, err = run_cli("new", "site", str(tmp_path / "deep" / "annual-report"))
    assert code == 2 and not out
    assert "cannot write a new folder into this folder: the disk is full" in err and "nothing was written" in err
    assert written and list(tmp_path.iterdir()) == []  # neither the folder, nor its parent, nor a temporary one


def test_a_new_site_needs_nothing_from_the_repository(tmp_path):
    """As installed: the package alone (its theme where the wheel puts it), run away from the repository."""
    package = tmp_path / "installed" / "generator"
    shutil.copytree(REPO / "generator", package, ignore=shutil.ignore_patterns("__pycache__", "theme"))
    shutil.copytree(REPO / "templates", package / "theme")  # pyproject's force-include
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(package.parent), "NIANBAO_LANG": "en"}

    def nianbao(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert where.stdout.strip() == str(package / "__init__.py")
    result = nianbao("new", "site", "mine", "--year", "2030", cwd=work)
    assert result.returncode == 0, result.stderr
    result = nianbao("check", "--strict", cwd=work / "mine" / "content" / "2030")
    assert result.returncode == 0, result.stderr
    assert "nianbao: using the site config ../../site_config.yml" in result.stderr


def test_the_starter_files_are_packaged():
    """The wheel takes the package folder (pyproject.toml), less what git ignores."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "generator" in project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    starter = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "generator/starter").rglob("*") if p.is_file())
    assert "generator/starter/site_config.yml" in starter
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("git is not available to read .gitignore")
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", *starter], capture_output=True, text=True)
    assert ignored.stdout == ""


# --- finding the config ----------------------------------------------------------------------


def test_every_command_finds_the_config_from_a_subfolder(project, tmp_path, monkeypatch):
    project()
    below = tmp_path / "content" / "2021"
    code, out, err = run_cli("check", cwd=below)
    assert code == 0 and "nianbao: using the site config ../../site_config.yml\n" in err
    assert "nianbao: check passed" in out
    code, _, err = run_cli("check", "-q", cwd=below)
    assert code == 0 and "using" not in err
    code, _, err = run_cli("build", "--lang", "zh", cwd=below)
    assert code == 0 and "nianbao：使用网站配置 ../../site_config.yml" in err
    assert (tmp_path / "site/zh/2021/index.html").is_file()
    code, out, err = run_cli("new", "report", "2022", cwd=below)
    assert code == 0 and "using the site config ../../site_config.yml" in err
    assert (tmp_path / "content/2022/report.yml").is_file()

    served = []
    monkeypatch.setattr("generator.serve.serve", lambda config, **options: served.append(config) or 0)
    assert run_cli("serve", cwd=below)[0] == 0
    assert served == [Path("../../site_config.yml")]
    # in the project folder itself, as before: nothing to say
    code, _, err = run_cli("check", cwd=tmp_path)
    assert code == 0 and "using" not in err


def test_an_explicit_config_is_used_as_given(project, tmp_path):
    config = project()
    elsewhere = tmp_path / "content"
    code, _, err = run_cli("check", "--config", str(config), cwd=elsewhere)
    assert code == 0 and "using" not in err
    code, _, err = run_cli("check", "--config", "nope.yml", cwd=elsewhere)
    assert code == 1 and "nope.yml: error: the site config file does not exist" in err


def test_no_config_anywhere_above_is_a_usage_error(tmp_path):
    if any((folder / "site_config.yml").exists() for folder in tmp_path.parents):
        pytest.skip("a folder above the temporary folder holds a site_config.yml")
    for command in (["check"], ["build"], ["serve"], ["new", "report", "2023"]):
        code, out, err = run_cli(*command, cwd=tmp_path)
        assert code == 2 and not out, command
        assert err == (f"nianbao: no site_config.yml in {tmp_path.resolve()} or any folder above it\n"
                       "    hint: start a project with: nianbao new site FOLDER; or name the config with --config PATH\n")
    code, _, err = run_cli("check", "--lang", "zh", cwd=tmp_path)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2 and all(CJK.search(line) for line in lines) and "nianbao new site" in lines[1]


# --- nianbao new report ----------------------------------------------------------------------

VALUE_LINE = re.compile(r"^\s*(value|mask|qualifier|note|text):")


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    shutil.copy(REPO / "site_config.yml", tmp_path / "site_config.yml")
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path


def test_next_years_report_starts_clean_from_the_shipped_one(shipped_copy):
    old, new = shipped_copy / "content/2022", shipped_copy / "content/2023"
    before = tree(old)
    code, out, err = run_cli("new", "report", "2023", cwd=old)
    assert code == 0, err
    assert "created content/2023/ from 2022: 14 section files, report.yml, metrics.yml (no values yet)" in out
    assert tree(old) == before
    assert sorted(tree(new)) == sorted(n for n in before if n.endswith((".md", ".yml")))

    # the figures: the same lines, values gone; every label byte for byte
    old_lines = [line for line in (old / "metrics.yml").read_text(encoding="utf-8").splitlines()
                 if not VALUE_LINE.match(line)]
    new_lines = (new / "metrics.yml").read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(new_lines) if not line.startswith("#") or line in old_lines[:1])
    assert new_lines[header:] == old_lines and 2 <= header <= 4
    assert ("    label: {zh: 统筹安排的市领导在京外事和港澳活动, en: foreign affairs and Hong Kong and Macao-related events "
            "attended by municipal leaders in Beijing}") in new_lines

    # the report: the year moved on, no date, no summary of 2022
    meta_text = (new / "report.yml").read_text(encoding="utf-8")
    meta = yaml.safe_load(meta_text)
    assert meta["year"] == 2023 and "date" not in meta
    assert meta["title"] == {"zh": "市政府外办2023年工作总结",
                             "en": "Work Summary of the Foreign Affairs Office of the Municipal People's Government for 2023"}
    old_summary = yaml.safe_load((old / "report.yml").read_text(encoding="utf-8"))["summary"]
    assert all(text not in meta_text for text in old_summary.values()) and "2022" not in str(meta["summary"])

    # the sections: titles (years moved on), empty summaries, chart blocks, no text
    for path in sorted(new.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["summary"] == "" and set(front) <= {"title", "summary", "translated_from"}
        body = text.split("---\n", 2)[2]
        assert re.sub(r"```chart\n.*?```\n", "", body, flags=re.S).strip() == "", path.name
    assert yaml.safe_load((new / "06-outlook.zh.md").read_text(encoding="utf-8").split("---\n")[1])["title"] == "2024年工作展望"
    assert '"Outlook for 2024"' in (new / "06-outlook.en.md").read_text(encoding="utf-8")
    chart = (new / "01-serving-national-diplomacy.zh.md").read_text(encoding="utf-8")
    assert "caption: {zh: 2023年推送的信息条数, en: Items sent in 2023}" in chart
    assert "metrics: [overseas-news-alerts, emergency-alerts, security-reminders]" in chart

    # check: nothing about last year's paragraphs, nothing of last year's summaries
    code, out, err = run_cli("check", cwd=old)
    assert code == 0, err
    assert "translat" not in err  # neither out of date nor unrecorded
    for path in old.glob("*.md"):
        old_front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        assert old_front["summary"] not in err
    assert all(text not in err for text in old_summary.values())


LAST_YEAR = {
    "content/2021/report.yml": """\
# The 2021 report.
title:   # both languages
  zh: "2021年工作总结"
  en: >-
    Work Summary 2021
year: 2021
date: 2022-01-15   # published
summary:
  zh: |
    2021年的工作，以及2022年的打算。
  en: "The work of 2021, with plans for 2022."
sections: [first, second]
""",
    "content/2021/metrics.yml": """\
# Figures of 2021.
metrics:
  - id: delegations   # visits
    label: {zh: 接待来访团组, en: "visiting delegations received in the year under review, from every region of the world"}
    value: 150
    qualifier: 余
    unit: {zh: 个, en: delegations}
    section: first
    note: {zh: 含线上, en: online included}

  # withheld, in flow style
  - {id: agreements, label: {zh: 协议, en: agreements}, value: 4729, public: false, unit: {zh: 项, en: agreements}, section: first}
  - mask: "**"
    id: staff
    label:
      zh: 工作人员
      en: staff
    unit: {zh: 人, en: people}
    section: second
    text:
      zh: 数十
      en: dozens
""",
    "content/2021/01-first.zh.md": "---\ntitle: \"一、2021年工作\"   # 标题\nsummary: >\n  2021年\n  的工作。\n"
                                   "---\n\n第一段{{ delegations }}，{{ agreements }}。\n\n```chart\ntype: bar\n"
                                   "metrics: [delegations]\ntitle: {zh: 2021年, en: \"2021, and 12021\"}\n```\n",
    "content/2021/01-first.en.md": "---\ntitle: \"I. Work in 2021\"\nsummary: \"The work.\"\n"
                                   "translated_from: [\"0000aaaa\", \"1111bbbb\"]\n---\n\nOne {{ delegations }}, "
                                   "{{ agreements }}.\n\n```chart\ntype: bar\nmetrics: [delegations]\n"
                                   "title: {zh: 2021年, en: \"2021, and 12021\"}\n```\n",
    "content/2021/02-second.zh.md": section("二、2022年打算", "{{ staff }}人。"),
    "content/2021/02-second.en.md": section("II. Plans for 2022", "{{ staff }} people."),
}


def test_what_new_report_keeps_it_keeps_as_written(project, tmp_path):
    project(LAST_YEAR)
    code, _, err = run_cli("new", "report", "2022", "--config", str(tmp_path / "site_config.yml"))
    assert code == 0, err
    new = tmp_path / "content/2022"
    assert (new / "report.yml").read_text(encoding="utf-8") == """\
# 由 nianbao new report 根据 2021 年报告生成：请撰写摘要和各部分正文；报告发布时加上日期（date）。
# Started from the 2021 report by `nianbao new report`: write the summary and the sections;
# add the date when the report is published.
# The 2021 report.
title:   # both languages
  zh: "2022年工作总结"
  en: >-
    Work Summary 2022
year: 2022
# date: YYYY-MM-DD (the day this report is published)   # published
summary:
  zh: "（待写）本年度工作的摘要。"
  en: "(To be written) A summary of the year's work."
sections: [first, second]
"""
    assert (new / "metrics.yml").read_text(encoding="utf-8") == """\
# 由 nianbao new report 根据 2021 年报告生成：数字相同，但还没有数值。
# 数字确定后逐一填写 value（原文用星号隐去的，填写 mask）。
# Started from the 2021 report by `nianbao new report`: the same figures, without values.
# Give each its value (or, where the published text masks it, its mask) as the figures come in.
# Figures of 2021.
metrics:
  - id: delegations   # visits
    label: {zh: 接待来访团组, en: "visiting delegations received in the year under review, from every region of the world"}
    unit: {zh: 个, en: delegations}
    section: first

  # withheld, in flow style
  - {id: agreements, label: {zh: 协议, en: agreements}, public: false, unit: {zh: 项, en: agreements}, section: first}
  - id: staff
    label:
      zh: 工作人员
      en: staff
    unit: {zh: 人, en: people}
    section: second
"""
    zh = (new / "01-first.zh.md").read_text(encoding="utf-8")
    assert zh == ("---\ntitle: \"一、2022年工作\"   # 标题\nsummary: \"\"\n---\n\n```chart\ntype: bar\n"
                  "metrics: [delegations]\ntitle: {zh: 2022年, en: \"2022, and 12021\"}\n```\n")
    en = (new / "01-first.en.md").read_text(encoding="utf-8")
    assert en.startswith("---\ntitle: \"I. Work in 2022\"\nsummary: \"\"\ntranslated_from: [\"")
    assert (new / "02-second.zh.md").read_text(encoding="utf-8") == "---\ntitle: \"二、2023年打算\"\n---\n\n"
    code, _, err = run_cli("check", "--config", str(tmp_path / "site_config.yml"))
    assert code == 0, err
    # last year's recorded translation is out of date; this year's is in line with its empty original
    assert "content/2021/01-first.en.md:1: warning: the translation is out of date" in err
    assert not [line for line in err.splitlines() if line.startswith("content/2022/01-first") and "translat" in line]


def test_a_broken_source_stops_new_report_before_it_writes(project, tmp_path):
    project({"content/2021/metrics.yml": "metrics:\n  - id: a\n    label: {zh: 甲, en: a\n"})
    code, out, err = run_cli("new", "report", "2022", "--config", str(tmp_path / "site_config.yml"))
    assert code == 1 and not out
    assert "content/2021/metrics.yml:3:" in err and "error: invalid YAML" in err
    assert "nianbao: cannot start from 2021: nothing was changed" in err
    assert sorted(p.name for p in (tmp_path / "content").iterdir()) == ["2021"]


# --- every command in the editor's language --------------------------------------------------


def test_verify_translated_and_new_report_speak_chinese(project, tmp_path, monkeypatch):
    config = project()
    assert run_cli("build", "--config", str(config))[0] == 0
    code, out, _ = run_cli("verify", str(tmp_path / "site"), "--lang", "zh")
    assert code == 0 and "nianbao：已校验" in out
    (tmp_path / "site/zh/index.html").write_text("changed", encoding="utf-8")
    monkeypatch.setenv("NIANBAO_LANG", "zh")
    code, _, err = run_cli("verify", str(tmp_path / "site"))
    assert code == 1 and f"{tmp_path}/site/zh/index.html：有改动" in err and "nianbao：校验失败" in err
    code, out, _ = run_cli("translated", str(tmp_path / "content/2021/01-first.en.md"))
    assert code == 0 and out.startswith("nianbao：已记录 01-first.en.md 与 01-first.zh.md 一致")
    code, out, _ = run_cli("new", "report", "2022", "--config", str(config))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 and all(CJK.search(line) for line in lines)
    code, _, err = run_cli("new", "report", "2022", "--config", str(config))
    assert code == 1 and "已存在；未做任何改动" in err


def test_an_internal_error_is_reported_in_the_editors_language(project, monkeypatch):
    config = project()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("generator.build.build", broken)
    code, _, err = run_cli("check", "--lang", "zh", "--config", str(config))
    lines = err.splitlines()
    assert code == 3 and "Traceback" not in err
    assert lines == ["nianbao：内部错误（nianbao 自身的问题，不是内容的问题）：“RuntimeError: boom”",
                     "  输出文件夹保持原样。请报告这个问题，并附上所运行的命令（设置 NIANBAO_DEBUG=1 可看到详情）。"]


@pytest.mark.parametrize("report_id", ["99999", "1899", "2200"])
def test_new_report_refuses_a_year_no_report_can_cover(project, tmp_path, report_id):
    """report.yml takes years 1900 to 2200, and the new report's outlook looks a year on."""
    config = project()
    before = tree(tmp_path)
    code, _, err = run_cli("new", "report", report_id, "--config", str(config))
    assert code == 2 and f"the year {report_id} is not a year a report can cover" in err
    assert tree(tmp_path) == before
    assert run_cli("new", "report", "2199", "--config", str(config))[0] == 0
    assert run_cli("check", "--config", str(config))[0] == 0
