"""Property test over folder layouts (issue 13, point 1): renamed, duplicated, missing, extra,
empty and oddly named files and folders, one or several reports, both languages. Every command
ends in exit 0, 1 or 2 with messages: never an internal error (exit 3), never a traceback.

    NIANBAO_FUZZ_EXAMPLES=500 NIANBAO_FUZZ_RANDOM=1 .venv/bin/python -m pytest tests/test_layouts.py
"""

import io
import os
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, REPORT_YML, SITE_CONFIG, run_cli, section

EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("NIANBAO_FUZZ_RANDOM") == "1"

METRICS_YML = """\
metrics:
  - id: visits
    label: {zh: 来访, en: Visits}
    value: 12
    unit: {zh: 次, en: visits}
    section: first
"""
FILE_BODIES = st.sampled_from([
    section("第一部分", "正文。"), section("Part one", "Text {{ visits }}."), "", "---\n---\n", "---\ntitle: [\n---\n",
    "no front matter", b"\xff\xfe\x00b\xd6\xd0", "---\ntitle: x\n---\n", section("第二", "```chart\ntype: bar\n```"),
])
YAML_BODIES = st.sampled_from([REPORT_YML, "", "year: x\n", "title: [\n", METRICS_YML, "metrics: 3\n", b"\xd6\xd0\xce\xc4"])
NUMBERS = st.sampled_from(["00", "01", "02", "1", "99", "100", "03"])
SLUGS = st.sampled_from(["first", "second", "a", "x-y", "figures", "Upper", "中文"])
LANGS = st.sampled_from(["zh", "en", "ZH", "fr", ""])
EXTENSIONS = st.sampled_from([".md", ".md", ".md", ".MD", ".markdown", ".txt"])
SEPARATORS = st.sampled_from(["-", "-", "_", " "])
REPORT_IDS = st.sampled_from(["2021", "2022", "2023", "x", "20 22", "2021-old"])


@st.composite
def section_names(draw) -> str:
    lang = draw(LANGS)
    return f"{draw(NUMBERS)}{draw(SEPARATORS)}{draw(SLUGS)}{'.' + lang if lang else ''}{draw(EXTENSIONS)}"


@st.composite
def drawn_layouts(draw) -> dict[str, str | bytes | None]:
    """Path → file text (bytes for other encodings), or None for an empty folder: drawn from scratch."""
    files: dict[str, str | bytes | None] = {"site_config.yml": SITE_CONFIG}
    for report in draw(st.lists(REPORT_IDS, min_size=0, max_size=3, unique=True)):
        base = f"content/{report}/"
        if draw(st.booleans()):
            files[base + "report.yml"] = draw(YAML_BODIES)
        if draw(st.booleans()):
            files[base + "metrics.yml"] = draw(YAML_BODIES)
        for name in draw(st.lists(section_names(), max_size=6)):
            files[base + name] = draw(FILE_BODIES)
        for extra in draw(st.lists(st.sampled_from(["README.md", ".DS_Store", "notes.txt", "sub/01-x.zh.md",
                                                    "empty/", "01-first.zh.md/", "~$draft.docx"]), max_size=2)):
            files[base + extra] = None if extra.endswith("/") else "x"
    for extra in draw(st.lists(st.sampled_from(["content/README.md", "content/.git/", "content/2021.zip",
                                                "templates/", "content/01-first.zh.md"]), max_size=2)):
        files[extra] = None if extra.endswith("/") else "x"
    return files


@st.composite
def edited_layouts(draw) -> dict[str, str | bytes | None]:
    """A project that builds (MINIMAL with figures and a second report), then what editors do to
    its files: rename, copy, delete, empty, add; so that the later stages see odd layouts too."""
    files: dict[str, str | bytes | None] = dict(MINIMAL)
    files["content/2021/metrics.yml"] = METRICS_YML
    if draw(st.booleans()):  # a second report, copied from the first
        for name, text in list(files.items()):
            if name.startswith("content/2021/"):
                text = text.replace("2021", "2022") if isinstance(text, str) and name.endswith("report.yml") else text
                files[name.replace("2021", "2022", 1)] = text
    for _ in range(draw(st.integers(1, 5))):
        names = sorted(n for n, t in files.items() if n.startswith("content/") and t is not None)
        if not names:
            break
        source = draw(st.sampled_from(names))
        folder = source.rsplit("/", 1)[0]
        action = draw(st.sampled_from(["rename", "copy", "delete", "empty", "add", "rename folder"]))
        if action in ("rename", "copy"):
            target = f"{folder}/{draw(section_names())}"
            files[target] = files[source]
            if action == "rename":
                del files[source]
        elif action == "delete":
            del files[source]
        elif action == "empty":
            files[source] = ""
        elif action == "add":
            files[f"{folder}/{draw(section_names())}"] = draw(FILE_BODIES)
        else:  # the report's folder renamed
            new = "content/" + draw(REPORT_IDS)
            files = {(new + n[len(folder):] if n.startswith(folder + "/") else n): t for n, t in files.items()}
    return files


layouts = lambda: st.one_of(drawn_layouts(), edited_layouts())  # noqa: E731


def write(root, files) -> None:
    for name, data in files.items():
        path = root / name
        if data is None:
            path.mkdir(parents=True, exist_ok=True)
            continue
        if path.is_dir():
            continue  # a folder already holds this name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def assert_handled(result: tuple[int, str, str], command: str) -> None:
    code, out, err = result
    assert code in (0, 1, 2), f"{command}: exit {code}\n{err[-2000:]}"
    assert "Traceback" not in out + err and "internal error" not in out + err, f"{command}:\n{err[-2000:]}"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(layout=layouts(), lang=st.sampled_from(["zh", "en"]))
def test_no_command_fails_with_an_internal_error_on_any_layout(tmp_path_factory, layout, lang):
    from generator.serve import Server

    root = tmp_path_factory.mktemp("layout")
    write(root, layout)
    config = str(root / "site_config.yml")
    out = root / "site"
    assert_handled(run_cli("check", "--config", config, "--lang", lang), "check")
    assert_handled(run_cli("build", "--config", config, "--out", str(out), "--lang", lang), "build")
    assert_handled(run_cli("build", "--config", config, "--edition", "internal", "--lang", lang), "build internal")
    assert_handled(run_cli("verify", str(out if out.is_dir() else root)), "verify")
    sections = sorted(p for p in root.glob("content/*/*.md") if p.is_file())
    if sections:
        assert_handled(run_cli("translated", str(sections[-1])), "translated")
    # serve: the dev server's build, once, without a port
    log = io.StringIO()
    server = Server(root / "site_config.yml", 0, "public", out=log, lang=lang)
    server.rebuild()
    assert "Traceback" not in log.getvalue() and "internal error" not in log.getvalue(), log.getvalue()
    # new report writes into the project: on a copy, so that the other commands saw the layout as drawn
    copy = root.with_name(root.name + "-new")
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", "site-internal", ".nianbao-cache"))
    assert_handled(run_cli("new", "report", "2099", "--config", str(copy / "site_config.yml")), "new report")
