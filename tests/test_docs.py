"""The docs stay true to the code."""

from conftest import REPO
from generator.reference import reference


def test_reference_is_generated_from_the_schemas():
    committed = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == reference(), "run: python -m generator.reference > docs/reference.md"


def test_readme_quick_start_is_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert len(commands) == 2
    assert "nianbao build" in commands[0]
    assert commands[1] == "bash .ci/run"


def test_the_guide_builds_strictly_in_both_languages(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "writing/index.html", "zh/index.html", "zh/withheld/index.html",
                 "zh/translation/index.html", "reference/index.html", "zh/deploying/index.html"):
        assert (tmp_path / page).is_file(), page
    assert "快速入门" in (tmp_path / "zh/index.html").read_text(encoding="utf-8")
