"""The benchmark's own logic: its synthetic projects and how it reads its numbers against the targets.
(The measurements themselves run in bench/compare.py, never in the tests.)"""

import sys
from pathlib import Path

from conftest import REPO
from generator.build import build

sys.path.insert(0, str(REPO / "bench"))
from compare import targets  # noqa: E402
from generate import generate  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_synthetic_projects_are_deterministic_and_hold_what_the_issue_asks(tmp_path):
    first = generate(tmp_path / "a", 60)
    generate(tmp_path / "b", 60)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    nianbao = first["nianbao"]
    assert sorted(p.name for p in (nianbao / "content").iterdir()) == ["2000", "2001"]  # reports of 50 sections
    assert len(list((nianbao / "content/2000").glob("*.zh.md"))) == 50
    assert len(list((nianbao / "content/2001").glob("*.en.md"))) == 10
    sections = [p.read_text(encoding="utf-8") for p in sorted((nianbao / "content").rglob("*.zh.md"))]
    assert sum("```chart" in s for s in sections) == 20  # every third
    assert all("## " in s and "\n- " in s and "|---|" in s and "**" in s and "{{ m" in s for s in sections)
    # the same Markdown for the peers, laid out their way
    assert len(list((first["mkdocs"] / "docs").rglob("*.md"))) == 2 * 60 + 2
    assert len(list((first["hugo"] / "content").rglob("*.md"))) == 2 * 60
    result = build(nianbao / "site_config.yml", write=False, search=False)
    assert not result.diagnostics.errors
    assert result.page_count > 4 * 60


def test_targets_are_read_as_ratios_of_the_same_run():
    rows = [[1000, "nianbao", 4.0, 4000, 1000, 250, 80.0], [1000, "nianbao, warm", 1.0, 4000, 4000, 200, None],
            [1000, "MkDocs + static-i18n", 20.0, 2000, 100, 100, 1000.0], [1000, "Hugo", 2.5, 2000, 800, 200, 400.0],
            [1000, "Hugo + Pagefind", 6.0, 2000, 333, 380, None], [10, "nianbao", 9.0, 50, 5, 900, 900.0]]
    assert targets(rows, 0.4).splitlines() == [
        "Targets at 1,000 sections:",
        "- cold build at most 1.0× Hugo + Pagefind: 0.67× its time — reached",
        "- cold build at most 0.2× MkDocs + static-i18n: 0.20× its time — reached",
        "- warm build at most 0.5× Hugo's cold build: 0.40× its time — reached",
        "- one-file edit to rebuilt page under 100 ms: 80 ms — reached",
        "- peak memory of a cold build under 300 MiB: 250 MiB — reached",
        "- the shipped report's whole build under 0.5 s: 0.40 s — reached",
    ]
    rows[0][2], rows[0][5] = 6.6, 301
    lines = targets(rows, 0.6)
    assert "1.10× its time — not reached" in lines and "0.33× its time — not reached" in lines
    assert "301 MiB — not reached" in lines and "0.60 s — not reached" in lines
