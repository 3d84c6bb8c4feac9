"""Metrics: metrics.yml checked, figures formatted per language, masks kept, references resolved."""

import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli, section
from generator.diagnostics import Diagnostics
from generator.i18n import load_translations
from generator.metrics import Metric, display, plain_value

TRANSLATIONS = load_translations([REPO / "templates"], ["zh", "en"], Diagnostics(REPO))


def metric(**fields) -> Metric:
    base = dict(id="x", report_id="2022", year=2022, label={"zh": "项目", "en": "items"},
                unit={"zh": "个", "en": "items"}, value=None, mask=None, qualifier=None, section="s",
                note=None, text=None, source=Path("metrics.yml"), line=1)
    return Metric(**(base | fields))


@pytest.mark.parametrize("fields, zh, en", [
    ({"value": 12000}, "1.2万", "12,000"),
    ({"value": 35600, "qualifier": "余"}, "3.56万余", "more than 35,600"),
    ({"value": 123456789}, "1.23456789亿", "123,456,789"),
    ({"value": 9800}, "9,800", "9,800"),
    ({"value": 2.5}, "2.5", "2.5"),
    ({"mask": "**"}, "**", "**"),
    ({"mask": "***", "qualifier": "余"}, "***余", "more than ***"),
    ({"mask": "**万", "qualifier": "余"}, "**万余", "more than **0,000"),
    ({"mask": "***万", "qualifier": "多"}, "***多万", "more than *,**0,000"),
    ({"mask": "****万", "qualifier": "超"}, "超****万", "over **,**0,000"),
    ({"mask": "***万"}, "***万", "*,**0,000"),
    ({"mask": "*万"}, "*万", "*0,000"),
    ({"mask": "**亿"}, "**亿", "*,*00,000,000"),
    ({"mask": "*亿", "qualifier": "近"}, "近*亿", "nearly *00,000,000"),
    ({"mask": "***亿", "qualifier": "约"}, "约***亿", "about **,*00,000,000"),
    ({"value": 300000000, "qualifier": "逾"}, "逾3亿", "over 300,000,000"),
    ({"value": 1500000000000}, "1.5万亿", "1,500,000,000,000"),  # not 2万亿
    ({"value": 1200000000000}, "1.2万亿", "1,200,000,000,000"),
    ({"value": 0.0001}, "0.0001", "0.0001"),  # not 0
    ({"mask": "*万亿"}, "*万亿", "*,000,000,000,000"),
    ({"value": 15000.5}, "1.50005万", "15,000.5"),
    ({"value": 100, "qualifier": "逾", "text": {"zh": "逾百", "en": "over a hundred"}}, "逾百", "over a hundred"),
    ({"value": 50, "qualifier": "约"}, "约50", "about 50"),
])
def test_display_in_each_language(fields, zh, en):
    m = metric(**fields)
    assert display(m, "zh", TRANSLATIONS) == zh
    assert display(m, "en", TRANSLATIONS) == en


def test_plain_value_has_no_qualifier():
    assert plain_value(metric(mask="**万", qualifier="余"), "zh", TRANSLATIONS) == "**万"
    assert plain_value(metric(mask="**万", qualifier="余"), "en", TRANSLATIONS) == "**0,000"
    assert plain_value(metric(value=12000, qualifier="余"), "en", TRANSLATIONS) == "12,000"


@pytest.mark.parametrize("mask, expected", [
    ("*", (1, 9)), ("**", (10, 99)), ("***", (100, 999)), ("****", (1000, 9999)),
    ("**万", (100_000, 990_000)), ("*亿", (100_000_000, 900_000_000)),
])
def test_a_mask_implies_an_order_of_magnitude(mask, expected):
    assert metric(mask=mask).magnitude() == expected
    assert metric(value=5).magnitude() is None


METRICS_BAD = """\
metrics:
  - id: leaders
    label: {zh: 外国领导人, en: foreign leaders}
    mask: "**"
    unit: {zh: 位, en: leaders}
    section: first
  - id: leaders
    label: {zh: 重复, en: twice}
    value: 3
    unit: {zh: 个, en: items}
    section: frist
  - id: both
    label: {zh: 两者, en: both}
    value: 3
    mask: "*"
    unit: {zh: 个, en: items}
    section: first
  - id: neither
    label: {zh: 都没有, en: neither}
    unit: {zh: 个, en: items}
    section: first
  - id: typed
    label: {zh: 类型, en: types}
    value: lots
    unit: {zh: 个}
    section: first
"""


def test_metrics_file_errors_name_file_and_line(project):
    config = project({"content/2021/metrics.yml": METRICS_BAD})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert lines == [
        "content/2021/metrics.yml:12:5: error: metrics[both]: give either 'value' (the figure) or 'mask' "
        "(as published), not both",
        "content/2021/metrics.yml:24:5: error: 'metrics[typed].value' must be a number, not the text 'lots'",
    ]


def test_a_figure_without_value_is_still_to_be_filled_in(project, tmp_path):
    metrics = "metrics:\n  - id: later\n    label: {zh: 待填, en: later}\n    unit: {zh: 个, en: items}\n" \
              "    section: first\n"
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": section("第一部分", "共{{ later }}个。\n\n第二段。"),
                      "content/2021/01-first.en.md": section("Part one", "{{ later }} in all.\n\nSecond.")})
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    assert "content/2021/metrics.yml:2:5: warning: the figure 'later' has no value yet" in err
    assert "共<span class=\"metric\" id=\"fig-later\" data-metric=\"later\">（待填）</span>个" in \
        (tmp_path / "site/zh/2021/first/index.html").read_text(encoding="utf-8")


def test_duplicate_id_unknown_section_and_missing_language(project):
    text = METRICS_BAD.split("  - id: both")[0] + (
        "  - id: nolang\n    label: {zh: 缺英文}\n    value: 1\n    unit: {zh: 个, en: items}\n    section: first\n")
    config = project({"content/2021/metrics.yml": text})
    _, _, err = run_cli("check", "--config", str(config))
    lines = [line for line in err.splitlines() if ": error: " in line or "hint:" in line]
    assert "content/2021/metrics.yml:7:5: error: the metric id 'leaders' is defined twice (first on line 2)" in lines
    assert "content/2021/metrics.yml:11:5: error: the section 'frist' does not exist in this report" in lines
    assert "    hint: did you mean 'first'?" in lines
    assert "content/2021/metrics.yml:13:5: error: 'metrics[nolang].label' has no text for 'en'" in lines


def test_unknown_reference_is_an_error_with_line(project):
    metrics = "metrics:\n  - id: leaders\n    label: {zh: 领导人, en: leaders}\n    mask: \"**\"\n" \
              "    unit: {zh: 位, en: leaders}\n    section: first\n"
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.en.md": section("Part one", "Text.\n\nWe met {{ leader }} leaders.")})
    _, _, err = run_cli("check", "--config", str(config))
    assert "content/2021/01-first.en.md:7: error: the figure '{{ leader }}' is not defined in 2021/metrics.yml" in err
    assert "hint: did you mean 'leaders'?" in err


CHART_METRICS = """\
metrics:
  - id: a
    label: {zh: 甲, en: A}
    value: 10
    unit: {zh: 个, en: items}
    section: first
  - id: b
    label: {zh: 乙, en: B}
    value: 20
    unit: {zh: 人次, en: person-times}
    section: first
"""


@pytest.mark.parametrize("block, message", [
    ("type: bars\nmetrics: [a]", "content/2021/01-first.zh.md:8:1: error: 'type' cannot be 'bars'"),
    ("type: bar\nmetrics: [a, c]", "content/2021/01-first.zh.md:9:14: error: the chart names 'c', which is not a figure of this report"),
    ("type: bar\nmetrics: [a, b]", "content/2021/01-first.zh.md:9:1: error: the chart mixes units (个, 人次): bars of different units cannot be compared"),
    ("type: bar", "content/2021/01-first.zh.md: error: the chart: give either 'metrics' (a list of ids) or 'across_years' (one id)"),
    ("type: bar\nmetrics: [a\n", "content/2021/01-first.zh.md:9:10: error: in the chart: invalid YAML: the [ opened here is not closed"),
])
def test_chart_block_errors(project, block, message):
    body = f"第一段。\n\n```chart\n{block}\n```"
    config = project({"content/2021/metrics.yml": CHART_METRICS,
                      "content/2021/01-first.zh.md": section("第一部分", body)})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1
    assert message in err.splitlines()


def test_figures_slug_is_reserved(project):
    config = project({"content/2021/05-figures.zh.md": section("数字")})
    _, _, err = run_cli("check", "--config", str(config))
    assert "content/2021/05-figures.zh.md: error: 'figures' cannot name a section" in err


@pytest.mark.parametrize("qualifier", [None, "余", "多", "逾", "超", "约", "近"])
@pytest.mark.parametrize("scale, zeros", [("万", 4), ("亿", 8)])
@pytest.mark.parametrize("digits", [1, 2, 3, 4, 5])
def test_a_masked_figure_in_wan_or_yi_reads_in_full_in_english(digits, scale, zeros, qualifier):
    """Oracle: the digits of the figure with every masked digit a 9, grouped by Python's own
    format, then each 9 an asterisk; the Chinese keeps the mask and 万 or 亿 as written."""
    m = metric(mask="*" * digits + scale, qualifier=qualifier)
    expected = f"{int('9' * digits + '0' * zeros):,}".replace("9", "*")
    assert plain_value(m, "en", TRANSLATIONS) == expected
    assert expected in display(m, "en", TRANSLATIONS) and "×" not in display(m, "en", TRANSLATIONS)
    assert display(m, "en", TRANSLATIONS).count("*") == digits
    assert "*" * digits in display(m, "zh", TRANSLATIONS) and scale in display(m, "zh", TRANSLATIONS)


@pytest.mark.parametrize("value", [0.001, 3.14159, 0.5, 2.5])
def test_a_withheld_figure_with_decimals_builds(project, tmp_path, value):
    metrics = ("metrics:\n  - id: a\n    label: {zh: 甲, en: a}\n    value: %s\n    public: false\n"
               "    unit: {zh: 个, en: items}\n    section: first\n" % value)
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": "---\ntitle: 第一部分\n---\n\n共{{ a }}个。\n",
                      "content/2021/01-first.en.md": "---\ntitle: Part one\n---\n\n{{ a }} items.\n"})
    code, out, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    page = (tmp_path / "site/en/2021/first/index.html").read_text(encoding="utf-8")
    shown = re.sub(r'<span class="visually-hidden"[^>]*>[^<]*</span>', "", page)  # a mask's words: not shown
    prose = re.sub(r"<[^>]+>", "", shown)
    assert re.sub(r"[0-9]", "*", str(value)) + " items" in prose and str(value) not in prose
