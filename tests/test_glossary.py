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


def test_a_rendering_to_avoid_is_named_where_the_original_has_the_term(tmp_path):
    config = project(tmp_path, ["办好冬奥会。", "冬奥会圆满成功。"],
                     ["We served the Olympic Winter Games.", "The Winter Olympics were a success."])
    code, out, err = run_cli("check", "--config", str(config))
    assert ("content/2021/01-first.en.md:7: warning: 'Winter Olympics' is a rendering to avoid for '冬奥会'\n"
            "    hint: write 'Olympic Winter Games', as the glossary says") in err


def test_a_rendering_to_avoid_is_not_looked_for_where_the_original_lacks_the_term(tmp_path):
    """Where the original has no 冬奥会, 'Winter Olympics' may be another thing (the 2014 ones);
    an avoided "(" is not every "(1)" of the report."""
    glossary = GLOSSARY + "  - zh: 第一条\n    en: Article 1\n    avoid: {en: [\"(\"]}\n"
    config = project(tmp_path, ["办好冬奥会。", "借鉴往届经验。", "依照第一条（一）。", "见附件（1）。"],
                     ["We served the Olympic Winter Games.", "We drew on the Winter Olympics of 2014.",
                      "Under Article 1 (1).", "See annex (1)."], glossary=glossary)
    found = term_warnings(config)[1]
    assert found == ["content/2021/01-first.en.md:9: warning: '(' is a rendering to avoid for '第一条'"]


def test_where_the_paragraphs_differ_in_number_the_whole_section_is_searched_for_renderings_to_avoid(tmp_path):
    config = project(tmp_path, ["办好冬奥会。"],
                     ["We served the Olympic Winter Games.", "The Winter Olympics were a success."])
    assert term_warnings(config)[1] == ["content/2021/01-first.en.md:7: warning: 'Winter Olympics' is a "
                                        "rendering to avoid for '冬奥会'"]


@pytest.mark.parametrize("english", [
    "We advanced the Belt and Road Initiative.",
    "We advanced the Belt and Road Initiative and its Belt and Road Initiative projects.",
])
def test_a_rendering_to_avoid_inside_the_preferred_one_is_no_rendering_to_avoid(tmp_path, english):
    glossary = GLOSSARY + ("  - zh: 一带一路倡议\n    en: Belt and Road Initiative\n    avoid: {en: [Belt and Road]}\n"
                           "  - zh: 北京冬奥会\n    en: Olympic Winter Games\n    avoid: {en: [Winter Games]}\n")
    config = project(tmp_path, ["推进一带一路倡议。", "办好北京冬奥会。"],
                     [english, "We served the Olympic Winter Games."], glossary=glossary)
    assert term_warnings(config)[1] == []
    config = project(tmp_path, ["推进一带一路倡议。", "推进一带一路倡议。"],
                     [english, "The Belt and Road made progress, as did the Belt and Road Initiative."],
                     glossary=glossary)
    assert term_warnings(config)[1] == ["content/2021/01-first.en.md:7: warning: 'Belt and Road' is a rendering "
                                        "to avoid for '一带一路倡议'"]


def test_a_paragraph_with_a_rendering_to_avoid_is_not_also_said_to_render_the_term_another_way(tmp_path):
    config = project(tmp_path, ["办好冬奥会。", "冬奥会圆满成功。", "服务冬奥会。"],
                     ["We served the Olympic Winter Games.", "The Winter Olympics were a success.",
                      "We served the Games."])
    assert term_warnings(config)[1] == [
        "content/2021/01-first.en.md:7: warning: 'Winter Olympics' is a rendering to avoid for '冬奥会'",
        "content/2021/01-first.en.md:9: warning: '冬奥会' is rendered two ways in en: as 'Olympic Winter Games' "
        "in 1 place(s), another way in 1: content/2021/01-first.en.md:9"]


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


def test_another_form_of_the_rendering_is_named_in_the_hint_with_the_list_that_accepts_it(tmp_path):
    glossary = "terms:\n  - zh: 友好城市\n    en: sister city\n"
    config = project(tmp_path, ["结交友好城市。"], ["We made new sister cities."], glossary=glossary)
    code, out, err = run_cli("check", "--config", str(config))
    assert ("    hint: render it as the glossary does ('sister city'), or change the glossary "
            "(content/glossary.yml:2); to accept 'sister cities' too, list its forms: "
            "en: [sister city, sister cities]") in err
    config = project(tmp_path, ["推进冬奥会。"], ["We served the Olympic Winter Game."])  # the singular
    code, out, err = run_cli("check", "--config", str(config))
    assert "to accept 'Olympic Winter Game' too, list its forms: en: [Olympic Winter Games, Olympic Winter Game]" in err
    for chinese, english in [("结交友好城市。", "We made new partners."),
                             ("落实十四五规划。", "We carried out the 14th Five-Year Planning.")]:  # no other number
        code, out, err = run_cli("check", "--config", str(project(tmp_path, [chinese], [english])))
        assert "is not rendered" in err and "to accept" not in err


def test_terms_are_found_among_thousands_longest_first(tmp_path):
    """Thousands of terms, many sharing their first characters, one of a single character: each
    paragraph is checked for the longest terms it has, and only for those."""
    many = "".join(f"  - zh: 冬奥会第{n}项\n    en: event {n}\n" for n in range(3000))
    glossary = GLOSSARY + many + "  - zh: 京\n    en: Beijing\n  - zh: 冬奥\n    en: Winter Games\n"
    config = project(tmp_path, ["冬奥会第12项。", "办好冬奥会。", "京津冀。", "推进国际交往中心功能建设。"],
                     ["The event 12.", "We served the Olympic Winter Games.", "Beijing and its neighbours.",
                      "We built the international exchange centre."], glossary=glossary)
    found = term_warnings(config)[1]
    assert len(found) == 1 and "'国际交往中心功能建设' is not rendered" in found[0], found
    config = project(tmp_path, ["冬奥会第12项。", "办好冬奥会。", "京津冀。"],
                     ["The event 11.", "We served the Games.", "Tianjin."], glossary=glossary)
    found = term_warnings(config)[1]
    assert [line.split("warning: ")[1].split(" is ")[0] for line in found] == ["'冬奥会第12项'", "'冬奥会'", "'京'"]


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
    ("terms:\n  - zh: 冬奥会\n    en: []\n", "the term '冬奥会' has no rendering", 3),
    ("terms:\n  - zh: 冬奥会\n    en: Olympic Winter Games\n    avoid: {en: [OLYMPIC  winter games]}\n",
     "'OLYMPIC  winter games' is both a rendering of '冬奥会' and one to avoid", 4),
    ("terms:\n  - zh: 友好城市\n    en: [sister city, sister cities]\n    avoid:\n      en:\n        - twin town\n"
     "        - Sister Cities\n", "'Sister Cities' is both a rendering of '友好城市' and one to avoid", 7),
    ("terms:\n  - zh: 冬奥会\n    en: Olympic Winter Games\n    en: Winter Olympics\n",
     "the key 'en' appears twice in the glossary", 4),
    ("terms:\n  - zh: \"**\"\n    en: x\n", "a term is words of the text, not a mask", 2),
    ("terms:\n  - zh: \"* *\"\n    en: x\n", "a term is words of the text, not a mask", 2),
])
def test_mistakes_in_the_glossary_are_errors_with_file_and_line(tmp_path, glossary, message, line):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Olympic Winter Games."], glossary=glossary)
    code, out, err = run_cli("check", "--config", str(config))
    assert code == 1
    if message is None:
        assert re.search(r"content/glossary\.yml:\d+(:\d+)?: error: ", err), err
    else:
        assert re.search(rf"content/glossary\.yml:{line}(:\d+)?: error: {re.escape(message)}", err), err


@pytest.mark.parametrize("glossary", [
    "terms:\n  - zh: 冬奥会\n    eng: Olympic Winter Games\n",  # not also "the term has no rendering"
    "terms:\n  - zhh: 冬奥会\n    en: Olympic Winter Games\n",  # not also "the term has no 'zh' text"
    "terms:\n  - zh: 冬奥会\n    avoid: {eng: [Winter Olympics]}\n",
])
def test_a_misspelt_key_is_one_error(tmp_path, glossary):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Olympic Winter Games."], glossary=glossary)
    code, out, err = run_cli("check", "--config", str(config))
    assert code == 1
    [error] = [line for line in err.splitlines() if ": error: " in line]
    assert "is neither a language of the site" in error or "is no language a term is rendered in" in error


def test_the_hints_about_the_glossary_read_as_one_line_each(tmp_path):
    code, out, err = run_cli("check", "--config", str(project(tmp_path, ["正文。"], ["Text."],
                                                              glossary="terms:\n  - zh: 冬奥会\n")))
    assert "error: the term '冬奥会' has no rendering\n    hint: add its rendering in en, e.g. en: …\n" in err
    code, out, err = run_cli("check", "--config", str(project(tmp_path, ["正文。"], ["Text."],
                                                              glossary="- zh: 冬奥会\n  en: x\n")))
    assert ("error: the glossary must have a list 'terms:'\n"
            "    hint: write the glossary like this: terms: [{zh: …, en: …}]\n") in err


def test_values_are_read_as_typed(tmp_path):
    """YAML reads 12345 as a number and 1.10 as 1.1: the glossary takes them as the texts typed."""
    glossary = "terms:\n  - zh: 12345\n    en: [12345, 12345 hotline]\n  - zh: 第1.10版\n    en: 1.10\n"
    config = project(tmp_path, ["拨打12345。", "见第1.10版。"], ["Call 12345.", "See 1.10."], glossary=glossary)
    code, out, err = run_cli("check", "--config", str(config))
    assert code == 0 and "glossary" not in err, err
    config = project(tmp_path, ["拨打12345。", "见第1.10版。"], ["Call the hotline.", "See 1.1."], glossary=glossary)
    assert term_warnings(config)[1] == [
        "content/2021/01-first.en.md:5: warning: '12345' is not rendered as '12345' (the glossary's rendering) in "
        "en: content/2021/01-first.en.md:5",
        "content/2021/01-first.en.md:7: warning: '第1.10版' is not rendered as '1.10' (the glossary's rendering) in "
        "en: content/2021/01-first.en.md:7"]


@pytest.mark.parametrize("glossary", [
    "terms:\n  - zh: 冬奥会\n",
    "- zh: 冬奥会\n  en: x\n",
    "terms:\n  - zh: 冬奥会\n    en: []\n",
    "terms:\n  - zh: 冬奥会\n    en: Olympic Winter Games\n    avoid: {en: [olympic winter games]}\n",
    "terms:\n  - zh: 冬奥会\n    en: Olympic Winter Games\n    en: Winter Olympics\n",
    "terms:\n  - zh: \"**\"\n    en: x\n",
    "terms:\n  - zh: 友好城市\n    en: sister city\n",  # the hint naming another form
])
def test_the_messages_about_the_glossary_are_in_chinese(tmp_path, glossary):
    from test_language import assert_chinese

    config = project(tmp_path, ["结交友好城市。"], ["We made new sister cities."], glossary=glossary)
    code, out, err = run_cli("check", "--config", str(config), "--lang", "zh")
    assert "glossary" not in err.replace("content/glossary.yml", "")
    assert_chinese(err, glossary)


def test_the_messages_are_in_chinese(tmp_path):
    config = project(tmp_path, ["办好冬奥会。", "冬奥会圆满成功。", "服务冬奥会。"],
                     ["We served the Olympic Winter Games.", "The Winter Olympics were a success.",
                      "We served the Games."])
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
    # and the check sees a change: a rendering to avoid in one paragraph (line 9), another in the next (13)
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "site_config.yml", tmp_path)
    section = tmp_path / "content/2022/01-serving-national-diplomacy.en.md"
    lines = section.read_text(encoding="utf-8").split("\n")
    assert "Olympic Winter Games" in lines[8] and "Olympic Winter Games" in lines[12]
    lines[8] = lines[8].replace("Olympic Winter Games", "Winter Olympics")
    lines[12] = lines[12].replace("Olympic Winter Games", "Games")
    section.write_text("\n".join(lines), encoding="utf-8")
    found = term_warnings(tmp_path / "site_config.yml")[1]
    [avoided, two_ways] = [line for line in found if "'冬奥会'" in line]  # line 9 is not also "another way"
    assert avoided == ("content/2022/01-serving-national-diplomacy.en.md:9: warning: 'Winter Olympics' is a "
                       "rendering to avoid for '冬奥会'")
    assert re.fullmatch(r"content/2022/01-serving-national-diplomacy\.en\.md:13: warning: '冬奥会' is rendered two "
                        r"ways in en: as 'Olympic Winter Games' in \d+ place\(s\), another way in 1: "
                        r"content/2022/01-serving-national-diplomacy\.en\.md:13", two_ways), two_ways


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


def test_invisible_characters_in_a_rendering_are_nothing(tmp_path):
    for english in ("We attended the Zhong\u00adguancun Forum.", "We attended the Zhongguancun\u200b Forum."):
        config = project(tmp_path, ["参加中关村论坛。"], [english],
                         glossary="terms:\n  - zh: 中关村论坛\n    en: Zhongguancun Forum\n")
        assert term_warnings(config)[1] == [], english


def test_a_term_of_punctuation_is_an_error(tmp_path):
    config = project(tmp_path, ["办好冬奥会。"], ["We served the Olympic Winter Games."],
                     glossary='terms:\n  - zh: "，"\n    en: ","\n')
    code, out, err = run_cli("check", "--config", str(config))
    assert code == 1 and "a term is words of the text, not a mask" in err
