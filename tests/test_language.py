"""Every message in the editor's language (issue 13, point 7): under --lang zh, no English word
reaches an editor outside code, paths, ids, commands and quoted input; in the catalog
(generator/messages.yml) and in what every command prints, for the mistakes editors make."""

import io
import re
import shutil

import pytest
import yaml

from conftest import MINIMAL, REPO, run_cli
from generator import schema
from generator.cli import make_parser

# Names an editor types or reads as they are: formats, tools, the project's own words.
ALLOWED = {w.lower() for w in """nianbao yaml utf utf-8 gbk html json csv url urls pdf icp css js id ids zh en true false
    pagefind markdown nn slug lang md yml txt docs http https www gzip xml svg png jpg jpeg webp plotly jinja git pip
    mb kb ctrl punycode base64 withheld binary tab chromium playwright debian noto cjk""".split()}


def _names() -> set[str]:
    """Every key of the files an editor writes, and every command and option: code, as typed."""
    names: set[str] = set()
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, schema.BaseModel):
            names |= set(model.model_fields)
    parser = make_parser()
    for action in parser._subparsers._group_actions:
        for command, sub in action.choices.items():
            names.add(command)
            for inner in getattr(sub, "_subparsers", None)._group_actions if sub._subparsers else []:
                names |= set(inner.choices)
    return {part.lower() for name in names for part in re.split(r"[_\s]", name) if part}


CODE = _names() | ALLOWED
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|'[^']*'|`[^`]*`|‘[^’]*’|\{\{[^}]*\}\}|\{[^{}]*\}")
# paths, files, keys with a colon, flags, ids with - or digits, YAML tags, e-mail and host names
TOKENISH = re.compile(r"\S*[/\\._\-=:#*\[\]<>@!0-9|]\S*")
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(line: str) -> list[str]:
    """The English words of a line meant to be Chinese, outside code, paths, ids and quotes."""
    line = QUOTED.sub(" ", line)
    line = TOKENISH.sub(" ", line)
    line = re.sub(r"nianbao(\s+[a-z]+)+", " ", line)  # a command line: nianbao new site …
    return [word for word in WORD.findall(line) if word.lower() not in CODE]


def assert_chinese(output: str, where: str) -> None:
    for line in output.splitlines():
        if line.strip() and not line.startswith(("usage:", "  ")) or line.startswith("    建议"):
            assert not english_words(line), f"{where}: {line!r} has English: {english_words(line)}"


def test_every_chinese_message_of_the_catalog_is_chinese():
    catalog = yaml.safe_load((REPO / "generator/messages.yml").read_text(encoding="utf-8"))["messages"]
    untranslated = [(item["en"], english_words(item["zh"])) for item in catalog if english_words(item.get("zh", ""))]
    assert not untranslated, untranslated


def test_the_checker_finds_english():
    assert english_words("建议：添加 it to content/2023/metrics.yml") == ["it", "to"]
    assert english_words("YAML 格式错误：could not find expected ':'") == ["could", "not", "find", "expected"]
    assert english_words("建议：在 site_config.yml 中添加“contact:”（见 docs/reference.md）") == []


BROKEN = {  # what editors do wrong, one file each
    "front matter": {"content/2021/01-first.zh.md": "没有前言区\n"},
    "yaml": {"content/2021/report.yml": "title: {zh: 标题, en: Title\nyear: 2021\n"},
    "full-width colon": {"content/2021/report.yml": "title：{zh: 标题, en: Title}\n"},
    "tab": {"content/2021/report.yml": "title:\n\tzh: 标题\n"},
    "unknown key": {"site_config.yml": MINIMAL["site_config.yml"] + "ouptut: public\n"},
    "gbk": {"content/2021/01-first.zh.md": "---\ntitle: 第一部分\n---\n\n正文。\n".encode("gbk")},
    "figure": {"content/2021/01-first.zh.md": "---\ntitle: 第一部分\n---\n\n{{ nope }}\n"},
    "metrics": {"content/2021/metrics.yml": "metrics:\n  - id: a\n    label: {zh: 甲, en: a}\n    unit: 个\n"},
    "misnamed": {"content/2021/03_third.ZH.MD": "x", "content/2021/notes.txt": "x"},
    "duplicate": {"content/2021/01-second.zh.md": MINIMAL["content/2021/02-second.zh.md"]},
    "span": {"content/2021/01-first.zh.md": "---\ntitle: 第一部分\n---\n\n与[锦江]{.witheld}。\n"},
    "leak": {"content/2021/metrics.yml": "metrics:\n  - id: a\n    label: {zh: 甲, en: a}\n    value: 4729\n"
                                         "    public: false\n    unit: {zh: 项, en: items}\n    section: first\n",
             "content/2021/02-second.zh.md": "---\ntitle: 第二部分\n---\n\n共4729项。\n"},
    "mask filled in": {"content/2021/metrics.yml": "metrics:\n  - id: a\n    label: {zh: 隐去12字。, en: a}\n"
                                                   "    value: 1\n    unit: {zh: 个, en: items}\n    section: first\n"},
}


@pytest.mark.parametrize("name", BROKEN)
def test_every_command_speaks_chinese_about_every_mistake(name, project, tmp_path):
    config = project(BROKEN[name])
    for args in (("check",), ("build",), ("build", "--edition", "internal"), ("build", "-v"),
                 ("check", "--strict")):
        code, out, err = run_cli(*args, "--config", str(config), "--lang", "zh")
        assert code in (0, 1), err
        assert_chinese(out + err, f"{name}: {' '.join(args)}")


def test_the_other_commands_speak_chinese(project, tmp_path, monkeypatch):
    config = project()
    assert run_cli("build", "--config", str(config))[0] == 0
    site = tmp_path / "site"
    (site / "zh" / "index.html").write_bytes(b"changed")
    (site / "extra.txt").write_text("x")
    code, out, err = run_cli("verify", str(site), "--lang", "zh")
    assert code == 1
    assert_chinese(out + err, "verify")
    code, out, err = run_cli("translated", str(tmp_path / "content/2021/01-first.en.md"), "--lang", "zh")
    assert_chinese(out + err, "translated")
    code, out, err = run_cli("new", "report", "2022", "--config", str(config), "--lang", "zh")
    assert code == 0
    assert_chinese(out + err, "new report")
    code, out, err = run_cli("new", "site", str(tmp_path / "new-site"), "--lang", "zh")
    assert code == 0
    assert_chinese(out + err, "new site")
    # a bug in nianbao: the internal-error line
    monkeypatch.setattr("generator.build.build", lambda *a, **k: 1 / 0)
    code, out, err = run_cli("check", "--config", str(config), "--lang", "zh")
    assert code == 3
    assert_chinese(out + err, "internal error")


def test_the_dev_server_log_speaks_chinese(tmp_path):
    from generator.serve import Server

    project = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/three-years", project)
    log = io.StringIO()
    server = Server(project / "site_config.yml", 0, "public", out=log, lang="zh")
    server.rebuild()
    section = project / "content/2022/01-visits.zh.md"
    section.write_text(section.read_text(encoding="utf-8").replace("{{ agreements }}", "{{ agreement }}"),
                       encoding="utf-8")
    server.cache.texts.clear()
    server.rebuild("01-visits.zh.md: ")
    section.write_text("没有前言区\n", encoding="utf-8")
    server.cache.texts.clear()
    server.rebuild("01-visits.zh.md: ")
    assert "生成失败" in log.getvalue()
    assert_chinese(re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", log.getvalue(), flags=re.M), "serve")


@pytest.mark.parametrize("args", [("build", "--lang", "zh", "--edition", "foo"), ("--lang", "zh", "build", "--port", "3"),
                                  ("--lang=zh", "nosuchcommand"), ("build", "--lang", "zh", "--config")])
def test_usage_errors_speak_chinese(args):
    code, out, err = run_cli(*args)
    assert code == 2 and err.startswith("用法：") and "nianbao：错误：" in err, err
    assert_chinese("\n".join(line for line in err.splitlines() if not line.startswith(("用法：", " "))), "usage")


def test_the_language_may_come_before_the_command(project):
    config = project({"site_config.yml": MINIMAL["site_config.yml"] + "ouptut: public\n"})
    assert "未知的键“ouptut”" in run_cli("--lang", "zh", "check", "--config", str(config))[2]
    assert "unknown key 'ouptut'" in run_cli("--lang", "zh", "check", "--lang", "en", "--config", str(config))[2]


@pytest.mark.parametrize("manifest", [None, "{x", '{"files": 3}'])
def test_verify_says_why_it_cannot_read_a_manifest_in_chinese(tmp_path, manifest):
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    code, out, err = run_cli("verify", str(tmp_path), "--lang", "zh")
    assert code == 2 and "无法读取清单" in err
    assert_chinese(out + err, "verify")


@pytest.mark.parametrize("args, meant", [(("biuld",), "nianbao build"), (("build", "--edition", "publik"),
                                                                          "--edition public")])
def test_a_mistyped_command_or_choice_gets_a_suggestion(args, meant):
    code, _, err = run_cli(*args)
    assert code == 2 and f"hint: did you mean: {meant}?" in err
    assert f"是否应为：{meant}？" in run_cli("--lang", "zh", *args)[2]
