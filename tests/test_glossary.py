"""The terminology check (issue 14, point 4): content/glossary.yml gives each official term one
rendering; nianbao check warns where a translation renders it another way, two ways, or as the
glossary says to avoid. Through the CLI, on small projects and on the shipped report."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import MINIMAL, REPO, run_cli, write_project

GLOSSARY = """\
terms:
  - zh: 冬奥会
    en: Olympic Winter Games
    avoid: {en: [Winter Olympics]}
  - zh: 友好城市
    en: [sister city, sister cities]
  - zh: 国际交往中心
    en: centre for international exchanges
  - zh: 国际交往中心功能建设
    en: developing the city's functions as a centre for international exchanges
  - zh: 十四五规划
    en: 14th Five-Year Plan
"""


def project(tmp_path: Path, zh: list[str], en: list[str], glossary: str | None = GLOSSARY, **more) -> Path:
    files = {**MINIMAL,
             "content/2021/01-first.zh.md": "---\ntitle: 第一部分\n---\n\n" + "\n\n".join(zh) + "\n",
             "content/2021/01-first.en.md": "---\ntitle: Part one\n---\n\n" + "\n\n".join(en) + "\n",
             **more}
    if glossary is not None:
        files["content/glossary.yml"] = glossary
    return write_project(tmp_path, files)


def term_warnings(config: Path, *args: str) -> tuple[int, list[str]]:
    code, out, err = run_cli("check", "--config", str(config), *args)
    lines = err.splitlines()
    return code, [line for line in lines if re.search(r"rendered|rendering to avoid|glossary|term", line)
                  and not line.startswith("    hint")]


def test_a_paragraph_that_renders_a_term_another_way_is_named_with_its_line(tmp_path):
    config = project(tmp_path, ["办好冬奥会。", "冬奥会圆满成功。"],
                     ["We served the Olympic Winter Games.", "The Games were a success."])
    code, found = term_warnings(config)
    assert code == 0
    assert found == ["content/2021/01-first.en.md:7: warning: '冬奥会' is rendered two ways in en: as 'Olympic "
                     "Winter Games' in 1 place(s), another way in 1: content/2021/01-first.en.md:7"]


def test_a_term_never_rendered_the_glossary_way(tmp_path):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Beijing Games."])
    assert term_warnings(config)[1] == ["content/2021/01-first.en.md:5: warning: '冬奥会' is not rendered as "
                                        "'Olympic Winter Games' (the glossary's rendering) in en: "
                                        "content/2021/01-first.en.md:5"]


def test_a_rendering_to_avoid_is_named_wherever_it_is(tmp_path):
    config = project(tmp_path, ["办好冬奥会。", "第二段。"],
                     ["We served the Olympic Winter Games.", "The Winter Olympics were a success."])
    code, out, err = run_cli("check", "--config", str(config))
    assert ("content/2021/01-first.en.md:7: warning: 'Winter Olympics' is a rendering to avoid for '冬奥会'\n"
            "    hint: write 'Olympic Winter Games', as the glossary says") in err


@pytest.mark.parametrize("english", [
    "We served the OLYMPIC WINTER GAMES.",  # case
    "We served the Olympic\nWinter Games.",  # a line break in the source
    "We served the Olympic  Winter Games.",
])
def test_renderings_are_found_whatever_the_case_and_spacing(tmp_path, english):
    assert term_warnings(project(tmp_path, ["办好冬奥会。"], [english]))[1] == []


def test_any_form_of_a_rendering_counts_and_only_as_a_whole_word(tmp_path):
    config = project(tmp_path, ["与友好城市交流。", "结交友好城市。", "落实十四五规划。"],
                     ["Exchanges with sister cities.", "A new sister city.", "We carried out the 14th Five-Year Planning."])
    assert term_warnings(config)[1] == ["content/2021/01-first.en.md:9: warning: '十四五规划' is not rendered as "
                                        "'14th Five-Year Plan' (the glossary's rendering) in en: "
                                        "content/2021/01-first.en.md:9"]


def test_a_longer_term_is_checked_where_it_contains_a_shorter_one(tmp_path):
    config = project(tmp_path, ["推进国际交往中心功能建设。"],
                     ["We advanced developing the city's functions as a centre for international exchanges."])
    assert term_warnings(config)[1] == []
    config = project(tmp_path, ["推进国际交往中心功能建设。"], ["We built the international exchange centre."])
    [warning] = term_warnings(config)[1]
    assert "'国际交往中心功能建设' is not rendered" in warning  # and not also 国际交往中心


def test_titles_and_summaries_are_checked_too(tmp_path):
    config = project(tmp_path, ["正文。"], ["Text."],
                     **{"content/2021/01-first.zh.md": "---\ntitle: 服务冬奥会\nsummary: 服务冬奥会。\n---\n\n正文。\n",
                        "content/2021/01-first.en.md": "---\ntitle: Serving the Games\nsummary: Serving the "
                                                       "Olympic Winter Games.\n---\n\nText.\n"})
    [warning] = term_warnings(config)[1]
    assert warning.startswith("content/2021/01-first.en.md:2: warning: '冬奥会' is rendered two ways in en: as "
                              "'Olympic Winter Games' in 1 place(s), another way in 1")  # the title, on line 2


def test_without_a_glossary_nothing_is_checked_and_the_file_is_expected(tmp_path):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Beijing Games."], glossary=None)
    assert term_warnings(config)[1] == []
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Olympic Winter Games."])
    code, out, err = run_cli("check", "--config", str(config))
    assert "glossary.yml" not in err  # read, not warned about as a file nianbao does not read


def test_a_misnamed_glossary_is_named(tmp_path):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Beijing Games."], glossary=None,
                     **{"content/Glossary.yaml": GLOSSARY})
    code, out, err = run_cli("check", "--config", str(config))
    assert "content/Glossary.yaml: warning: nianbao does not read this file" in err
    assert "did you mean glossary.yml?" in err


@pytest.mark.parametrize("glossary, message, line", [
    ("terms:\n  - zh: 冬奥会\n    eng: Olympic Winter Games\n", "'eng' is neither a language of the site nor 'avoid'", 3),
    ("terms:\n  - en: Olympic Winter Games\n", "the term has no 'zh' text", 2),
    ("terms:\n  - zh: 冬奥会\n", "the term '冬奥会' has no rendering", 2),
    ("terms:\n  - zh: 冬奥会\n    en: x\n  - zh: 冬奥会\n    en: y\n", "the term '冬奥会' is listed twice (first on line 2)", 4),
    ("terms:\n  - zh: 冬奥会\n    en: {a: b}\n", "a rendering is a text, or a list of texts", 3),
    ("terms:\n  - zh: 冬奥会\n    en: x\n    avoid: [y]\n", "'avoid' lists the renderings to avoid, by language", 4),
    ("- zh: 冬奥会\n  en: x\n", "the glossary must have a list 'terms:'", 1),
    ("terms:\n  - 冬奥会\n", "each term is a set of 'language: text' lines", 2),
    ("terms:\n  - zh: 冬奥会\n    en: x\n    avoid:\n      eng: [y]\n",
     "'avoid' lists renderings by language: 'eng' is no language a term is rendered in", 5),
    ("terms:\n  - zh: 冬奥会\n    en: [x\n", None, None),  # YAML it cannot read: the parser's own message
])
def test_mistakes_in_the_glossary_are_errors_with_file_and_line(tmp_path, glossary, message, line):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Olympic Winter Games."], glossary=glossary)
    code, out, err = run_cli("check", "--config", str(config))
    assert code == 1
    if message is None:
        assert re.search(r"content/glossary\.yml:\d+(:\d+)?: error: ", err), err
    else:
        assert re.search(rf"content/glossary\.yml:{line}(:\d+)?: error: {re.escape(message)}", err), err


def test_the_messages_are_in_chinese(tmp_path):
    config = project(tmp_path, ["办好冬奥会。", "冬奥会圆满成功。"],
                     ["We served the Olympic Winter Games.", "The Winter Olympics were a success."])
    code, out, err = run_cli("check", "--config", str(config), "--lang", "zh")
    assert "警告: “冬奥会”在 en 中有两种译法：1处译作“Olympic Winter Games”，另有1处不同" in err
    assert "警告: “Winter Olympics”是“冬奥会”应避免的译法" in err
    assert "建议：按术语表译作“Olympic Winter Games”，或修改术语表（content/glossary.yml:2）" in err


def test_the_shipped_report_follows_its_glossary(tmp_path):
    """Every term of the project's glossary is one the report uses, and every paragraph renders it."""
    glossary = yaml.safe_load((REPO / "content/glossary.yml").read_text(encoding="utf-8"))["terms"]
    chinese = "".join(path.read_text(encoding="utf-8") for path in (REPO / "content/2022").glob("*.zh.md"))
    assert len(glossary) >= 40
    assert [term["zh"] for term in glossary if term["zh"] not in re.sub(r"\s", "", chinese)] == []
    code, found = term_warnings(REPO / "site_config.yml")
    assert found == []
    # and the check sees a change: one rendering replaced in one paragraph
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "site_config.yml", tmp_path)
    section = tmp_path / "content/2022/01-serving-national-diplomacy.en.md"
    text = section.read_text(encoding="utf-8")
    assert "Olympic Winter Games" in text
    section.write_text(text.replace("Olympic Winter Games", "Winter Olympics"), encoding="utf-8")
    found = term_warnings(tmp_path / "site_config.yml")[1]
    assert any("'Winter Olympics' is a rendering to avoid for '冬奥会'" in line for line in found)
    assert any("'冬奥会' is rendered two ways in en" in line or "'冬奥会' is not rendered" in line for line in found)


# --- property: paragraphs with the term, rendered or not, in any spelling the check accepts ---


@st.composite
def paragraphs(draw):
    count = draw(st.integers(1, 5))
    found = []
    for _ in range(count):
        has_term = draw(st.booleans())
        rendered = draw(st.booleans())
        form = draw(st.sampled_from(["Olympic Winter Games", "olympic winter games", "Olympic\nWinter Games",
                                     "OLYMPIC WINTER GAMES", "Olympic   Winter Games"]))
        found.append((has_term, rendered, form))
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=paragraphs())
def test_the_warning_names_exactly_the_paragraphs_that_lack_the_rendering(tmp_path_factory, drawn):
    tmp_path = tmp_path_factory.mktemp("glossary")
    zh = [("办好冬奥会。" if has_term else "做好接待。") for has_term, _, _ in drawn]
    en = [(f"We served the {form}." if rendered else "We served the Games.") for _, rendered, form in drawn]
    config = project(tmp_path, zh, en)
    # each paragraph's first line: 5, then two lines more per paragraph and one per line break
    lines, line = [], 5
    for text in en:
        lines.append(line)
        line += 2 + text.count("\n")
    missing = [lines[i] for i, (has_term, rendered, _) in enumerate(drawn) if has_term and not rendered]
    with_term = sum(has_term for has_term, _, _ in drawn)
    found = term_warnings(config)[1]
    if not missing:
        assert found == []
        return
    [warning] = found
    assert warning.startswith(f"content/2021/01-first.en.md:{missing[0]}: warning: '冬奥会' ")
    assert ("rendered two ways" in warning) == (len(missing) < with_term)
    assert re.findall(r"01-first\.en\.md:(\d+)", warning.split(": ", 2)[2]) == [str(n) for n in missing[:6]]
