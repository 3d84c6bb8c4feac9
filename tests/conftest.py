"""Shared helpers: small projects written on the fly, the CLI run in-process,
and the external tools (vnu.jar) that some tests need."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import cli

# Messages in English whatever the machine's locale: the tests compare them word for word.
os.environ["NIANBAO_LANG"] = "en"

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / "tests" / "tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"

SITE_CONFIG = """\
title: {zh: 测试年报, en: Test Reports}
languages: [zh, en]
organisation: {zh: 测试办公室, en: Test Office}
search: false
contact: {zh: 电话 010-00000000, en: Telephone +86 10 0000 0000}
site_id_code: "0000000000"
icp_record: 测ICP备00000000号
public_security_record: 测公网安备00000000000000号
"""

REPORT_YML = """\
title: {zh: 2021年工作总结, en: Work Summary 2021}
year: 2021
date: 2022-01-15
summary: {zh: 一年的工作。, en: A year of work.}
"""


def section(title: str, body: str = "正文。") -> str:
    return f"---\ntitle: \"{title}\"\n---\n\n{body}\n"


MINIMAL = {
    "site_config.yml": SITE_CONFIG,
    "content/2021/report.yml": REPORT_YML,
    "content/2021/01-first.zh.md": section("第一部分", "第一段，隐去**字。\n\n第二段。"),
    "content/2021/01-first.en.md": section("Part one", "First paragraph, ** withheld.\n\nSecond paragraph."),
    "content/2021/02-second.zh.md": section("第二部分", "见[第一部分](01-first.zh.md#p1)。"),
    "content/2021/02-second.en.md": section("Part two", "See [part one](01-first.en.md#p1)."),
}


def write_project(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a project from ``{path: text}`` (None deletes a default file); return its config path."""
    for name, text in files.items():
        path = root / name
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root / "site_config.yml"


@pytest.fixture
def project(tmp_path: Path):
    """``project(**overrides)`` writes the minimal two-section project with changes."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        return write_project(tmp_path, {**MINIMAL, **(files or {})})

    return make


def run_cli(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run ``nianbao ARGS`` in-process; return (exit code, stdout, stderr)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse: --help and usage errors
                code = int(exc.code or 0)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def require_tool(available: bool, what: str) -> None:
    """Skip when a tool is missing on a developer's machine; in CI a missing tool is a failure."""
    if available:
        return
    message = f"{what} is not installed: run tests/tools/install.sh"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_vnu(paths: list[Path]) -> subprocess.CompletedProcess:
    require_tool(VNU_JAR.is_file() and shutil.which("java") is not None, "vnu.jar (with Java)")
    return subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "text",
                           *map(str, paths)], capture_output=True, text=True, timeout=300)


def build_once(tmp_path_factory, config: Path, name: str, *options: str) -> Path:
    """Build the project of ``config`` into a fresh temporary folder; fail on any error."""
    out = tmp_path_factory.mktemp(name) / "site"
    code, _, err = run_cli("build", *options, "--config", str(config), "--out", str(out))
    assert code == 0, err
    return out


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    """The shipped report, built once."""
    return build_once(tmp_path_factory, REPO / "site_config.yml", "shipped")


WITHHELD = REPO / "tests" / "fixtures" / "withheld"


@pytest.fixture(scope="session")
def withheld_public(tmp_path_factory) -> Path:
    """The withheld fixture's public edition, built once."""
    return build_once(tmp_path_factory, WITHHELD / "site_config.yml", "withheld-public")


@pytest.fixture(scope="session")
def withheld_internal(tmp_path_factory) -> Path:
    """The withheld fixture's internal edition, built once."""
    return build_once(tmp_path_factory, WITHHELD / "site_config.yml", "withheld-internal", "--edition", "internal")


PYTHON = sys.executable
