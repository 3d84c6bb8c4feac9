"""Results at a glance (issue 15, point 1): the highlights report.yml gives in every language and
its key figures as cards open the report page, and the home page of a site with one report.
They are checked like any text: figures named, masks and withheld spans, filled masks."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, REPORT_YML, section, run_cli, write_project

METRICS = """\
metrics:
  - id: visitors
    label: {zh: 来访外宾, en: foreign visitors received}
    mask: "***"
    unit: {zh: 人, en: visitors}
    section: first
  - id: meetings
    label: {zh: 会见, en: meetings held}
    value: 1234
    unit: {zh: 场, en: meetings}
    section: first
  - id: reach
    label: {zh: 宣传覆盖, en: people reached}
    mask: "**万"
    qualifier: 超
    unit: {zh: 人次, en: people}
    section: first
"""

HIGHLIGHTS = """\
highlights:
  - zh: 接待来访外宾{{ visitors }}人，举办会见{{ meetings }}场。
    en: We received {{ visitors }} foreign visitors and held {{ meetings }} meetings.
  - zh: 与**市签署合作备忘录。
    en: We signed a memorandum of cooperation with **.
key_figures: [visitors, meetings, reach]
"""

FIRST_ZH = section("第一部分", "接待来访外宾{{ visitors }}人，举办会见{{ meetings }}场，宣传覆盖{{ reach }}人次。与**市签署合作备忘录。")
FIRST_EN = section("Part one", "We received {{ visitors }} foreign visitors, held {{ meetings }} meetings and reached "
                               "{{ reach }} people. We signed a memorandum of cooperation with **.")


def build(tmp_path: Path, report_extra: str = HIGHLIGHTS, files: dict | None = None, *args: str):
    config = write_project(tmp_path, {**MINIMAL, "content/2021/report.yml": REPORT_YML + report_extra,
                                      "content/2021/metrics.yml": METRICS,
                                      "content/2021/01-first.zh.md": FIRST_ZH, "content/2021/01-first.en.md": FIRST_EN,
                                      **(files or {})})
    return run_cli("build", "--config", str(config), *args)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def visible_text(element) -> str:
    """What a sighted reader reads: the text, without words hidden for screen readers only."""
    element = BeautifulSoup(str(element), "html.parser")
    for hidden in element.select(".visually-hidden, [hidden]"):
        hidden.decompose()
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


def test_the_report_page_opens_with_the_highlights_and_the_key_figures(tmp_path):
    code, _, err = build(tmp_path)
    assert code == 0, err
    for lang, first, card_texts in [
        ("zh", "接待来访外宾 *** 人，举办会见 1,234 场。", ["*** 人 来访外宾 已隐去，在100至999之间",
                                                     "1,234 场 会见", "超 ** 万 人次 宣传覆盖 已隐去，在10万至99万之间"]),
        ("en", "We received *** foreign visitors and held 1,234 meetings.",
         ["*** visitors foreign visitors received Withheld: from 100 to 999", "1,234 meetings meetings held",
          "over **0,000 people people reached Withheld: from 100,000 to 990,000"])]:
        page = soup(tmp_path / f"site/{lang}/2021/index.html")
        main = page.select_one("main")
        highlights = main.select_one(".highlights")
        # it comes first: right after the title and the dates, before the summary and the contents
        assert [h.name for h in main.find_all(["h1", "h2"])][:2] == ["h1", "h2"]
        assert main.find_all("h2")[0] is highlights.h2
        assert highlights.find_next("p", class_="summary") is not None
        items = [visible_text(li) for li in highlights.select(".highlight-list li")]
        assert items[0] == first
        assert len(items) == 2 and "**" in items[1]
        cards = [visible_text(li) for li in highlights.select(".key-figures li")]
        assert cards == card_texts
        # each card leads to where the text states its figure
        hrefs = [a["href"] for a in highlights.select(".key-figures a")]
        assert hrefs == [f"first/index.html#fig-{name}" for name in ("visitors", "meetings", "reach")]
        target = soup(tmp_path / f"site/{lang}/2021/first/index.html")
        assert all(target.find(id=f"fig-{name}") for name in ("visitors", "meetings", "reach"))
        # and the highlights give no second place to a figure: its id is the text's only
        assert not highlights.select("[id^=fig-]")


def test_a_site_of_one_report_opens_on_its_highlights(tmp_path):
    assert build(tmp_path)[0] == 0
    home = soup(tmp_path / "site/zh/index.html")
    assert visible_text(home.select_one(".highlights .highlight-list li")) == "接待来访外宾 *** 人，举办会见 1,234 场。"
    assert len(home.select(".key-figures li")) == 3


def test_without_highlights_the_report_page_has_no_empty_box(tmp_path):
    assert build(tmp_path, "")[0] == 0
    assert soup(tmp_path / "site/zh/2021/index.html").select(".highlights") == []


def test_a_withheld_span_in_a_highlight_never_reaches_the_public_edition(tmp_path):
    secret = "秘密合作伙伴"
    extra = HIGHLIGHTS.replace("与**市签署", f"与[{secret}]{{.withheld}}签署").replace(
        "with **.", "with [Secret Partner City]{.withheld}.")
    zh = FIRST_ZH.replace("与**市签署", f"与[{secret}]{{.withheld}}签署")
    en = FIRST_EN.replace("with **.", "with [Secret Partner City]{.withheld}.")
    code, _, err = build(tmp_path, extra, {"content/2021/01-first.zh.md": zh, "content/2021/01-first.en.md": en})
    assert code == 0, err
    # The oracle: every byte of every file written, read here, not by the build's own leak check.
    for path in (tmp_path / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret.encode() not in data and b"Secret Partner" not in data, path
    item = soup(tmp_path / "site/zh/2021/index.html").select(".highlight-list li")[1]
    assert visible_text(item) == "与 ****** 签署合作备忘录。"


def test_a_figure_the_report_does_not_define_is_an_error_at_its_line(tmp_path):
    extra = HIGHLIGHTS.replace("{{ meetings }}场", "{{ meeting }}场").replace("key_figures: [visitors,",
                                                                            "key_figures: [visitor,")
    code, _, err = build(tmp_path, extra)
    assert code == 1
    line = (REPORT_YML + extra).splitlines().index("  - zh: 接待来访外宾{{ visitors }}人，举办会见{{ meeting }}场。") + 1
    assert f"report.yml:{line}:" in err and "the figure '{{ meeting }}' is not defined in 2021/metrics.yml" in err
    assert "did you mean 'meetings'?" in err
    key_line = len((REPORT_YML + extra).splitlines())
    assert f"report.yml:{key_line}:" in err and "'{{ visitor }}' is not defined" in err


def test_a_highlight_must_be_given_in_every_language(tmp_path):
    extra = HIGHLIGHTS.replace("    en: We signed a memorandum of cooperation with **.\n", "")
    code, _, err = build(tmp_path, extra)
    assert code == 1
    line = (REPORT_YML + extra).splitlines().index("  - zh: 与**市签署合作备忘录。") + 1
    assert f"report.yml:{line}:" in err and "has no text for 'en'" in err


def test_a_translation_that_drops_a_mask_of_its_highlight_is_refused(tmp_path):
    extra = HIGHLIGHTS.replace("with **.", "with Hanoi.")
    code, _, err = build(tmp_path, extra)
    assert code == 1
    assert "the report's highlight 2 has 0 mask(s) in 'en' but 1 in 'zh'" in err


def test_a_highlight_that_fills_a_mask_of_the_text_is_refused(tmp_path):
    # The text masks the city; a highlight that names it publishes what the text hides.
    # Both languages drop the mask, so the masks still agree: only the mask-fill check can see it.
    extra = HIGHLIGHTS.replace("与**市签署", "与河内市签署").replace("with **.", "with Hanoi.")
    code, _, err = build(tmp_path, extra)
    assert code == 1
    assert "report.yml" in err and "highlight 2" in err and "河内" in err


def test_next_years_report_does_not_inherit_the_highlights(tmp_path):
    build(tmp_path)
    assert run_cli("new", "report", "2022", "--config", str(tmp_path / "site_config.yml"))[0] == 0
    text = (tmp_path / "content/2022/report.yml").read_text(encoding="utf-8")
    assert "highlights" not in text and "接待来访外宾" not in text
    assert "key_figures: [visitors, meetings, reach]" in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40),
                min_size=1, max_size=3))
def test_any_highlight_text_builds_or_fails_with_a_message_never_a_crash(tmp_path_factory, texts):
    root = tmp_path_factory.mktemp("any")
    import json
    extra = "highlights:\n" + "".join(f"  - {{zh: {json.dumps(t)}, en: {json.dumps(t)}}}\n" for t in texts)
    code, _, err = build(root, extra)
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        page = soup(root / "site/en/2021/index.html")
        assert len(page.select(".highlight-list li")) == len(texts)


@pytest.mark.parametrize("written, message", [
    ("We received {{ visitors } foreign visitors.", "the figure 'visitors' is written as '{{ visitors }"),
    ("We received ｛｛ visitors ｝｝ foreign visitors.", "the figure 'visitors' is written as '｛｛ visitors ｝｝'"),
    ("See [part one](01-first.en.md).", "a highlight cannot hold a link or an image"),
    ("See ![a chart](chart.png).", "a highlight cannot hold a link or an image"),
])
def test_what_a_highlight_would_publish_broken_is_an_error_at_its_line(tmp_path, written, message):
    extra = HIGHLIGHTS.replace("We received {{ visitors }} foreign visitors and held {{ meetings }} meetings.", written)
    code, _, err = build(tmp_path, extra)
    assert code == 1
    line = (REPORT_YML + extra).splitlines().index(f"    en: {written}") + 1
    assert f"report.yml:{line}:" in err and message in err, err


def test_a_highlight_of_several_lines_is_an_error(tmp_path):
    extra = HIGHLIGHTS.replace("    en: We signed a memorandum of cooperation with **.\n",
                               "    en: |\n      We signed a memorandum.\n\n      With **.\n")
    code, _, err = build(tmp_path, extra)
    assert code == 1 and "a highlight is one line" in err


def test_a_key_figure_listed_twice_is_an_error(tmp_path):
    code, _, err = build(tmp_path, HIGHLIGHTS.replace("[visitors, meetings, reach]", "[visitors, meetings, visitors]"))
    assert code == 1 and "the key figure 'visitors' is listed twice" in err


def test_a_mask_missing_in_one_language_is_named_at_that_languages_line(tmp_path):
    extra = HIGHLIGHTS.replace("with **.", "with Hanoi.")
    code, _, err = build(tmp_path, extra)
    line = (REPORT_YML + extra).splitlines().index("    en: We signed a memorandum of cooperation with Hanoi.") + 1
    assert f"report.yml:{line}: error: the report's highlight 2 has 0 mask(s) in 'en'" in err


def test_a_card_leads_to_where_the_text_states_its_figure_whatever_section_metrics_yml_names(tmp_path):
    # metrics.yml files 'visitors' under the first section, but the second states it: the card
    # leads there; a figure no text states leads to the figures page.
    metrics = METRICS + """\
  - id: unquoted
    label: {zh: 未引用, en: not quoted}
    value: 7
    unit: {zh: 个, en: items}
    section: first
"""
    zh = FIRST_ZH.replace("接待来访外宾{{ visitors }}人，", "")
    en = FIRST_EN.replace("We received {{ visitors }} foreign visitors, held", "We held")
    code, _, err = build(tmp_path, HIGHLIGHTS.replace("[visitors, meetings, reach]", "[visitors, meetings, unquoted]"), {
        "content/2021/metrics.yml": metrics, "content/2021/01-first.zh.md": zh, "content/2021/01-first.en.md": en,
        "content/2021/02-second.zh.md": section("第二部分", "接待来访外宾{{ visitors }}人。"),
        "content/2021/02-second.en.md": section("Part two", "We received {{ visitors }} foreign visitors.")})
    assert code == 0, err
    for lang in ("zh", "en"):
        hrefs = [a["href"] for a in soup(tmp_path / f"site/{lang}/2021/index.html").select(".key-figures a")]
        assert hrefs == ["second/index.html#fig-visitors", "first/index.html#fig-meetings", "figures/index.html"]
        for href in hrefs:  # every card's target exists, its anchor too
            path, _, anchor = href.partition("#")
            target = soup(tmp_path / f"site/{lang}/2021" / path)
            assert not anchor or target.find(id=anchor), href
