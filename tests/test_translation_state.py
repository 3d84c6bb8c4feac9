"""Stale translations, right (issue 13, point 5): a translation's record is taken on what the
editor wrote, so neither the edition, nor withheld content, nor fixed masks, nor a figure's value
makes a paragraph of the original look changed; `nianbao translated` clears the warning in both
editions, and a real change to the original is still named."""

import shutil

import pytest

from conftest import REPO, run_cli

WITHHELD = REPO / "tests" / "fixtures" / "withheld"
STALE = "the translation is out of date"


@pytest.fixture
def fixture(tmp_path):
    shutil.copytree(WITHHELD, tmp_path / "project")
    root = tmp_path / "project"
    chinese = root / "content/2023/01-exchanges.zh.md"
    # a withheld span wrapped over two lines, and masks the editor typed
    chinese.write_text(chinese.read_text(encoding="utf-8") + "\n与[锦\n江]{.withheld}的交流，**。\n", encoding="utf-8")
    english = root / "content/2023/01-exchanges.en.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nWith [Jin\njiang]{.withheld}, **.\n", encoding="utf-8")
    return root


def warnings(root, *args: str) -> str:
    code, _, err = run_cli("check", "--config", str(root / "site_config.yml"), *args)
    assert code in (0, 1), err
    return err


@pytest.mark.parametrize("fixed", [False, True])
def test_translated_clears_the_warning_in_both_editions(fixture, fixed):
    if fixed:
        config = fixture / "site_config.yml"
        config.write_text(config.read_text(encoding="utf-8") + "masks: fixed\n", encoding="utf-8")
    english = fixture / "content/2023/01-exchanges.en.md"
    assert run_cli("translated", str(english))[0] == 0
    for edition in ("public", "internal"):
        assert STALE not in warnings(fixture, "--edition", edition), edition
    # a figure's value is not what the editor wrote in the text: changing it changes no paragraph
    metrics = fixture / "content/2023/metrics.yml"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("value: 168", "value: 170"), encoding="utf-8")
    assert STALE not in warnings(fixture)
    # a real change to the original is named, in both editions, until translated again
    chinese = fixture / "content/2023/01-exchanges.zh.md"
    chinese.write_text(chinese.read_text(encoding="utf-8").replace("的交流，**。", "的交流，***。"), encoding="utf-8")
    for edition in ("public", "internal"):
        assert "block(s) 4 of 01-exchanges.zh.md changed" in warnings(fixture, "--edition", edition)
    assert run_cli("translated", str(english))[0] == 0
    for edition in ("public", "internal"):
        assert STALE not in warnings(fixture, "--edition", edition)


@pytest.mark.parametrize("argument, message", [
    ("content/2023/nope.en.md", "error: the file does not exist"),
    ("content/2023/report.yml", "error: not a section file: a translation is named NN-slug.LANG.md"),
])
def test_translated_names_what_it_cannot_record(fixture, argument, message):
    code, _, err = run_cli("translated", str(fixture / argument))
    assert code == 2 and message in err and "Traceback" not in err


def test_translated_reports_an_original_it_cannot_read(fixture):
    (fixture / "content/2023/01-exchanges.zh.md").write_bytes("与锦江的交流".encode("gbk"))
    code, _, err = run_cli("translated", str(fixture / "content/2023/01-exchanges.en.md"))
    assert code == 1 and "01-exchanges.zh.md" in err and "UTF-8" in err and "internal error" not in err


def test_translated_refuses_the_original(fixture):
    code, _, err = run_cli("translated", str(fixture / "content/2023/01-exchanges.zh.md"), "--config",
                           str(fixture / "site_config.yml"))
    assert code == 2 and "01-exchanges.zh.md is the original of its section, not a translation" in err
    assert "translated_from" not in (fixture / "content/2023/01-exchanges.zh.md").read_text(encoding="utf-8")


def test_the_out_of_date_hint_names_a_path_that_works_from_the_project(fixture):
    english = fixture / "content/2023/01-exchanges.en.md"
    assert run_cli("translated", str(english))[0] == 0
    chinese = fixture / "content/2023/01-exchanges.zh.md"
    chinese.write_text(chinese.read_text(encoding="utf-8").replace("的交流，**。", "的交流，***。"), encoding="utf-8")
    err = warnings(fixture)
    assert "then run: nianbao translated content/2023/01-exchanges.en.md" in err
    assert run_cli("translated", "content/2023/01-exchanges.en.md", cwd=fixture)[0] == 0
