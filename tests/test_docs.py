"""The docs stay true to the code."""

import re

import pytest
import yaml

from conftest import REPO
from generator import reference as ref
from generator.reference import reference

DOCS = REPO / "docs"


@pytest.mark.parametrize("lang, name", [("en", "reference.md"), ("zh", "reference.zh.md")])
def test_reference_is_generated_from_the_schemas(lang, name):
    committed = (DOCS / name).read_text(encoding="utf-8")
    command = "python -m generator.reference" + (" zh" if lang == "zh" else "")
    assert committed == reference(lang), f"run: {command} > docs/{name}"


def test_every_field_has_a_chinese_description():
    """A field added to generator/schema.py fails here until its Chinese description is written."""
    for _, model in ref.FILES:
        assert model.__name__ in ref.ZH, f"{model.__name__}: add its Chinese heading and description to ZH"
        described = ref.ZH[model.__name__][2]
        missing = set(model.model_fields) - set(described)
        stale = set(described) - set(model.model_fields)
        assert not missing, f"{model.__name__}: no Chinese description of {sorted(missing)} in generator/reference.py"
        assert not stale, f"{model.__name__}: {sorted(stale)} are no longer fields: remove them from ZH"
        for name, text in described.items():
            assert re.search(r"[\u4e00-\u9fff]", text), f"{model.__name__}.{name}: not Chinese"


def test_the_corrections_of_schema_descriptions_still_apply():
    """Each correction of schema.py's English still replaces what schema.py says; once schema.py
    says the right thing, remove the correction."""
    models = {model.__name__: model for _, model in ref.FILES}
    for (model, name), (corrected, _) in ref.EN_CORRECTIONS.items():
        assert models[model].model_fields[name].description == corrected, \
            f"schema.py changed the description of {model}.{name}: remove its correction from reference.py"


def test_the_reference_says_across_years_draws_bars_too():
    for lang in ("en", "zh"):
        row = next(line for line in reference(lang).splitlines() if line.startswith("| `across_years` |"))
        assert "bar" in row and "line chart" not in row, row


def chart_blocks(name: str) -> list[dict]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"^```chart\n(.*?)^```", text, re.S | re.M)]


@pytest.mark.parametrize("page", ["figures", "withheld"])
def test_the_guides_charts_are_the_same_in_both_languages_but_for_title_and_caption(page):
    """The rule the guide states: a chart block differs between the two language files of a section
    only in its title and caption. The guide's own examples keep it."""
    def drawn(block: dict) -> dict:
        return {key: value for key, value in block.items() if key not in ("title", "caption")}

    english, chinese = chart_blocks(f"{page}.md"), chart_blocks(f"{page}.zh.md")
    assert [drawn(b) for b in english] == [drawn(b) for b in chinese]


def test_the_figures_guide_draws_a_figure_across_the_years_in_bars():
    for name in ("figures.md", "figures.zh.md"):
        types = {block["type"] for block in chart_blocks(name) if "across_years" in block}
        assert {"bar", "line"} <= types, f"{name}: across_years examples of types {types}"


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
    assert "必填" in (tmp_path / "zh/reference/index.html").read_text(encoding="utf-8")  # the Chinese reference
