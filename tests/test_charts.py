"""Charts and figures pages: chart, table, CSV and summary say the same; masks are ranges, never zero."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, build_once, run_cli
from generator.charts import BACKGROUND, PALETTE

THREE_YEARS = REPO / "tests" / "fixtures" / "three-years"


@pytest.fixture(scope="module")
def three_years(tmp_path_factory) -> Path:
    return build_once(tmp_path_factory, THREE_YEARS / "site_config.yml", "three-years")


def read(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def charts_of(page: Path) -> list[dict]:
    """Each chart of a page: its figure JSON (and the narrow one, for a phone), table cells and CSV rows."""
    html = read(page)
    found = []
    for figure in html.select("figure.chart"):
        plot = figure.select_one(".chart-plot")
        data = json.loads(figure.find("script", id=plot["data-figure"]).string)
        narrow = json.loads(figure.find("script", id=plot["data-narrow-figure"]).string)
        rows = [[visible_text(cell) for cell in tr.find_all(["th", "td"])] for tr in figure.select("tbody tr")]
        href = figure.select_one(".chart-download a")["href"]
        text = (page.parent / href).read_bytes().decode("utf-8-sig")
        found.append({"figure": data, "narrow": narrow, "table": rows, "csv": list(csv.reader(io.StringIO(text))),
                      "summary": visible_text(figure.select_one(".chart-summary")), "element": figure})
    return found


def visible_text(element) -> str:
    """An element's text as it shows, without the words only a screen reader reads (a mask's "4
    characters withheld")."""
    element = BeautifulSoup(str(element), "html.parser")
    for hidden in element.select(".visually-hidden"):
        hidden.decompose()
    return element.get_text()


def unwrapped(label: str) -> str:
    """A label as written, without the line breaks that fit it under or beside its bar."""
    return label.replace("<br>", "" if re.search(r"[\u4e00-\u9fff]", label) else " ")


def bars(figure: dict) -> dict[str, dict]:
    """Category → what the bar traces draw for it (value, or base and span)."""
    drawn: dict[str, dict] = {}
    for trace in figure["data"]:
        if trace["type"] != "bar":
            continue
        horizontal = trace.get("orientation") == "h"
        categories = trace["y"] if horizontal else trace["x"]
        values = trace["x"] if horizontal else trace["y"]
        for index, category in enumerate(categories):
            if values[index] is None:
                continue
            entry = drawn.setdefault(unwrapped(category), {})
            if "base" in trace:
                entry.update(low=trace["base"][index], high=trace["base"][index] + values[index])
            else:
                entry.update(value=values[index])
    return drawn


def test_table_csv_and_figure_agree_for_published_figures(three_years):
    [chart, line] = charts_of(three_years / "en/2022/visits/index.html")
    pie = chart["figure"]["data"][0]
    assert pie["type"] == "pie" and pie["hole"] == 0.5
    assert [unwrapped(label) for label in pie["labels"]] == ["from Asia", "from Europe", "from other regions"]
    assert pie["values"] == [80, 45, 25]
    assert chart["table"] == [["from Asia", "80"], ["from Europe", "45"], ["from other regions", "25"]]
    assert [row[:2] for row in chart["csv"][1:]] == [["from Asia", "80"], ["from Europe", "45"],
                                                      ["from other regions", "25"]]
    assert chart["summary"] == "from Asia: 80 delegations; from Europe: 45 delegations; from other regions: 25 delegations."
    trace = line["figure"]["data"][0]
    assert trace["x"] == ["2020", "2021", "2022"] and trace["y"] == [118, 126, 150]
    assert line["table"] == [["2020", "118"], ["2021", "126"], ["2022", "150"]]


def test_chinese_tables_use_chinese_number_conventions(three_years):
    charts = charts_of(three_years / "zh/2020/figures/index.html")
    visitors = next(c for c in charts if "人次" in c["csv"][0][1])
    assert visitors["table"] == [["2020年", "9,800余"], ["2021年", "1.2万余"], ["2022年", "3.56万余"]]
    assert [row[1] for row in visitors["csv"][1:]] == ["9800", "12000", "35600"]
    assert visitors["figure"]["data"][0]["y"] == [9800, 12000, 35600]


def test_figures_are_written_as_plain_lists(shipped_site, three_years):
    pages = [*shipped_site.rglob("*.html"), *three_years.rglob("*.html")]
    assert sum(len(charts_of(p)) for p in pages) > 10
    for page in pages:
        for chart in charts_of(page):
            for trace in chart["figure"]["data"]:
                for key in ("x", "y", "values", "base"):
                    assert isinstance(trace.get(key, []), list), (page, key)
        assert "bdata" not in page.read_text(encoding="utf-8")


def assert_valid_plotly(figure: dict) -> None:
    """The build writes figures as plain data without going through plotly.py; plotly's own
    validator is the oracle: it must accept the figure and add, drop or change nothing."""
    import plotly.graph_objects as go

    assert json.loads(go.Figure(figure).to_json(validate=True, pretty=False, engine="json")) == figure


def test_figures_are_valid_plotly_figures_that_validation_leaves_unchanged(shipped_site, three_years):
    figures = [chart[kind] for page in [*shipped_site.rglob("*.html"), *three_years.rglob("*.html")]
               for chart in charts_of(page) for kind in ("figure", "narrow")]
    assert {trace["type"] for figure in figures for trace in figure["data"]} == {"bar", "scatter", "pie"}
    for figure in figures:
        assert_valid_plotly(figure)


def test_masked_figures_are_ranges_never_zero(shipped_site):
    [chart] = charts_of(shipped_site / "en/2022/serving-national-diplomacy/index.html")
    for figure in (chart["figure"], chart["narrow"]):
        assert bars(figure) == {
            "overseas news alerts": {"low": 1000, "high": 9999},
            "alerts on major foreign-related emergencies": {"low": 1000, "high": 9999},
            "security reminders": {"low": 100, "high": 999},
        }
    assert chart["table"] == [["overseas news alerts", "****", "1,000 to 9,999"],
                              ["alerts on major foreign-related emergencies", "****", "1,000 to 9,999"],
                              ["security reminders", "***", "100 to 999"]]
    assert [row[1:] for row in chart["csv"][1:]] == [["****", "1000", "9999"], ["****", "1000", "9999"],
                                                     ["***", "100", "999"]]
    assert "withheld, 1,000 to 9,999" in chart["summary"]
    masks = chart["element"].select("td .mask")
    # the words a screen reader hears for each mask, however the mask is marked up
    assert [m.get("aria-label") or m.select_one(".visually-hidden").get_text() for m in masks] == [
        "4 characters withheld", "4 characters withheld", "3 characters withheld"]


@pytest.mark.parametrize("page", ["en/2022/serving-national-diplomacy/index.html",
                                  "zh/2022/governance-and-services/index.html"])
def test_a_masked_figure_is_drawn_as_a_range_that_reads_as_no_value(shipped_site, page):
    """Issue 15, point 3: a 1,000–9,999 range must not read as "nearly 10,000", nor two such ranges
    as two equal figures: a pale band (no bar's solid colour) spanned by an interval mark with a cap
    at each end, and a legend entry that says what it is, in the page's language."""
    [chart] = charts_of(shipped_site / page)
    lang = page[:2]
    for figure in (chart["figure"], chart["narrow"]):
        [band] = [t for t in figure["data"] if "base" in t]
        horizontal = band["orientation"] == "h"
        span = band["x"] if horizontal else band["y"]
        interval = band["error_x" if horizontal else "error_y"]
        # the mark runs from the top of the range down to its base, not from zero
        assert interval["arrayminus"] == span and set(interval["array"]) == {0} and interval["width"] > 0
        assert all(low >= 100 for low in band["base"])
        assert band["marker"]["opacity"] < 0.3  # the band is pale: the mark, not a bar, carries it
        assert contrast(interval["color"], BACKGROUND) >= 3
        assert band["showlegend"] is False
        [legend] = [t for t in figure["data"] if t.get("legendgroup") == band["legendgroup"] and t is not band]
        assert legend["x"] == [None] and legend["line"]["color"] == interval["color"]  # draws nothing
        name = unwrapped(legend["name"])
        if lang == "en":
            assert name == "Withheld: possible range not a value; equal ranges need not be equal values"
        else:
            assert name == "已隐去：可能的范围不是数值；范围相同不等于数值相同"
        assert figure["layout"]["showlegend"] is True
        assert figure["layout"]["legend"]["itemclick"] is False
        hover = unwrapped(band["customdata"][0])
        assert ("withheld, 1,000 to 9,999" if lang == "en" else "（已隐去，1,000至9,999）") in hover


def test_chart_interface_is_in_the_page_language(shipped_site):
    [chart] = charts_of(shipped_site / "zh/2022/governance-and-services/index.html")
    figure = chart["figure"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "人次"
    assert {t["name"] for t in figure["data"]} >= {"已隐去：可能的范围"}
    assert chart["element"].select_one(".chart-download a").get_text() == "下载数据（CSV）"
    assert chart["table"][0][2] == "1,000至9,999"


def test_pie_names_withheld_slices_instead_of_dropping_them(project, tmp_path):
    metrics = "metrics:\n" + "".join(
        f"  - id: {i}\n    label: {{zh: {z}, en: {e}}}\n    {v}\n    unit: {{zh: 个, en: items}}\n    section: first\n"
        for i, z, e, v in (("a", "甲", "A", "value: 10"), ("b", "乙", "B", 'mask: "**"')))
    chart = "第一段。\n\n```chart\ntype: pie\nmetrics: [a, b]\n```"
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": f"---\ntitle: 第一部分\n---\n\n{chart}\n",
                      "content/2021/01-first.en.md": f"---\ntitle: Part one\n---\n\n{chart}\n"})
    assert run_cli("build", "--config", str(config))[0] == 0
    [found] = charts_of(tmp_path / "site/zh/2021/first/index.html")
    assert found["figure"]["data"][0]["values"] == [10]
    assert found["figure"]["layout"]["annotations"][0]["text"] == "未绘出（已隐去）：乙 **"
    assert_valid_plotly(found["figure"])
    assert found["table"] == [["甲", "10", ""], ["乙", "**", "10至99"]]


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_palette_contrasts_with_background_and_neighbours():
    for index, colour in enumerate(PALETTE):
        assert contrast(colour, BACKGROUND) >= 3
        assert contrast(colour, PALETTE[(index + 1) % len(PALETTE)]) >= 3


def test_figures_page_lists_every_metric_with_a_link_to_its_statement(shipped_site):
    metrics = re.findall(r"^  - id: (\S+)", (REPO / "content/2022/metrics.yml").read_text(), re.M)
    assert len(metrics) == 35
    for lang, title in (("zh", "数说2022"), ("en", "2022 in figures")):
        page = shipped_site / f"{lang}/2022/figures/index.html"
        html = read(page)
        assert html.h1.get_text() == title
        links = [a["href"] for a in html.select(".figures-table a")]
        assert sorted(link.split("#fig-")[1] for link in links) == sorted(metrics)
        for link in links:
            target, fragment = link.split("#")
            assert read(page.parent / target).find(id=fragment) is not None, link
        assert len(html.select("figure.chart")) == 2
    report = read(shipped_site / "zh/2022/index.html")
    assert report.select_one(".figures-link a")["href"] == "figures/index.html"


def test_every_figure_of_the_official_text_is_a_metric(shipped_site):
    """A mask followed by a measure word (个, 名, 条 …) is a figure: it must be a metric reference."""
    measure = re.compile(r"^(余|多)?(万)?(余)?(位|个|名|家|条|期|项|场|起|份|次|块|人次)")
    for path in sorted((shipped_site / "zh/2022").glob("*/index.html")):
        for mask in read(path).select(".prose p > .mask"):
            following = mask.next_sibling if isinstance(mask.next_sibling, str) else ""
            assert not measure.match(following), f"{path}: {mask.get_text()}{following[:6]}"
    references = sum(len(read(p).select(".prose .metric")) for p in (shipped_site / "zh/2022").glob("*/index.html"))
    assert references == 35


def test_metric_references_render_the_same_mask_in_both_languages(shipped_site):
    for path in sorted((shipped_site / "zh/2022").glob("*/index.html")):
        en = read(Path(str(path).replace("/zh/", "/en/")))
        zh_figures = {m["data-metric"]: m for m in read(path).select(".prose .metric")}
        en_figures = {m["data-metric"]: m for m in en.select(".prose .metric")}
        assert zh_figures.keys() == en_figures.keys()
        for key, span in zh_figures.items():
            # the same number of masked digits; English writes 万 as zeros (***万: *,**0,000)
            assert ([m.get_text().count("*") for m in span.select(".mask")]
                    == [m.get_text().count("*") for m in en_figures[key].select(".mask")])


def test_plotly_is_served_from_the_site_and_only_on_chart_pages(shipped_site):
    plotly = list((shipped_site / "assets").glob("plotly.*.min.js"))
    assert len(plotly) == 1
    with_charts = read(shipped_site / "zh/2022/serving-national-diplomacy/index.html")
    assert with_charts.body["data-plotly"] == f"../../../assets/{plotly[0].name}"
    without = read(shipped_site / "zh/2022/overview/index.html")
    assert "data-plotly" not in without.body.attrs
    for path in shipped_site.rglob("*.html"):
        assert "plotly" not in " ".join(s.get("src", "") for s in read(path).find_all("script"))
    # the charts' script, deferred, on pages with charts only
    [charts_js] = [s for s in with_charts.find_all("script", src=True) if "/charts." in s["src"]]
    assert charts_js.has_attr("defer") and (shipped_site / "zh/2022/serving-national-diplomacy" / charts_js["src"]).is_file()
    assert not [s for s in without.find_all("script", src=True) if "/charts." in s["src"]]


def test_plotly_is_the_vendored_basic_bundle_with_its_licence():
    """Issue 15, point 3: plotly.js's basic partial bundle (bar, scatter, pie), not the 4.8 MB whole,
    shipped in the package with its licence and where it came from; no npm needed to build."""
    vendor = REPO / "generator/vendor/plotly"
    bundle = (vendor / "plotly-basic.min.js").read_bytes()
    assert len(bundle) <= 1_500_000
    version = re.match(rb"/\*\*\n\* plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)\n", bundle).group(1).decode()
    assert json.loads((vendor / "package.json").read_text())["version"] == version
    assert "MIT License" in (vendor / "LICENSE").read_text()
    readme = (vendor / "README.md").read_text()
    assert f"| version | {version} " in readme and "npm pack plotly.js-basic-dist-min" in readme
    import hashlib
    assert hashlib.sha256(bundle).hexdigest() in readme
    # the build copies it unchanged
    from generator.render import plotly_asset
    assert plotly_asset()[0].data == bundle


def test_every_page_sets_a_strict_content_security_policy(shipped_site):
    for path in shipped_site.rglob("*.html"):
        policy = read(path).find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        if path.name == "404.html":  # it loads no file: its one inline stylesheet, allowed by its hash
            policy = re.sub(r"style-src 'self' 'sha256-[A-Za-z0-9+/]+={0,2}';", "style-src 'self';", policy)
        assert "default-src 'self'" in policy and "style-src 'self';" in policy
        if path.parent.name == "search":  # Pagefind's WebAssembly, on the search page only
            assert "script-src 'self' 'wasm-unsafe-eval';" in policy
            policy = policy.replace(" 'wasm-unsafe-eval'", "")
        assert "script-src 'self';" in policy and "unsafe" not in policy


def test_nice_ticks():
    from generator.charts import nice_ticks

    assert nice_ticks(9999) == [0, 2000, 4000, 6000, 8000, 10000]
    assert nice_ticks(150) == [0, 50, 100, 150]
    assert nice_ticks(0.8) == [0, 0.2, 0.4, 0.6, 0.8]
    assert nice_ticks(0) == [0, 1]


def test_axis_ticks_follow_the_language(shipped_site, three_years):
    [zh] = charts_of(shipped_site / "zh/2022/serving-national-diplomacy/index.html")
    assert zh["figure"]["layout"]["yaxis"]["ticktext"] == ["0", "2,000", "4,000", "6,000", "8,000", "10,000"]
    [en] = charts_of(shipped_site / "en/2022/serving-national-diplomacy/index.html")
    assert en["figure"]["layout"]["yaxis"]["ticktext"][-1] == "10,000"
    visitors = next(c for c in charts_of(three_years / "zh/2020/figures/index.html") if "人次" in c["csv"][0][1])
    assert visitors["figure"]["layout"]["yaxis"]["ticktext"] == ["0", "1万", "2万", "3万", "4万"]


def test_each_value_axis_writes_its_numbers_in_one_style(shipped_site, three_years):
    """Issue 15, point 3: never "1万" beside "8,000" on one axis: every tick's label in 万 (or 亿), or none."""
    axes = [axis for page in [*shipped_site.rglob("*.html"), *three_years.rglob("*.html")]
            for chart in charts_of(page) for kind in ("figure", "narrow")
            for axis in (chart[kind]["layout"].get("xaxis"), chart[kind]["layout"].get("yaxis"))
            if axis and axis.get("type") != "category"]
    assert len(axes) > 20
    for axis in axes:
        labels = [label for label in axis["ticktext"] if label != "0"]
        styles = {"亿" if label.endswith("亿") else "万" if label.endswith("万") else "digits" for label in labels}
        assert len(styles) == 1, axis["ticktext"]
        # and each label says the number its tick stands for
        for value, label in zip(axis["tickvals"], axis["ticktext"]):
            scale = {"万": 10_000, "亿": 100_000_000}.get(label[-1], 1)
            assert float(label.rstrip("万亿").replace(",", "")) * scale == value


def test_axis_tick_text_chooses_one_unit_for_the_whole_axis():
    from generator.charts import axis_tick_text
    from test_metrics import TRANSLATIONS

    assert axis_tick_text([0, 5000, 10000, 15000], "zh", TRANSLATIONS) == ["0", "5,000", "10,000", "15,000"]
    assert axis_tick_text([0, 20000, 40000], "zh", TRANSLATIONS) == ["0", "2万", "4万"]
    assert axis_tick_text([0, 50_000_000, 100_000_000], "zh", TRANSLATIONS) == ["0", "5,000万", "10,000万"]
    assert axis_tick_text([0, 200_000_000, 400_000_000], "zh", TRANSLATIONS) == ["0", "2亿", "4亿"]
    assert axis_tick_text([0, 20000, 40000], "en", TRANSLATIONS) == ["0", "20,000", "40,000"]


def test_a_masked_year_in_a_line_chart_is_a_range(tmp_path):
    from generator.charts import build_chart
    from generator.schema import ChartSpec
    from test_metrics import TRANSLATIONS, metric

    history = {"x": [metric(year=2020, value=40), metric(year=2021, mask="**"), metric(year=2022, value=70)]}
    chart = build_chart(ChartSpec(type="line", across_years="x"), "chart-1", "en", {}, history, TRANSLATIONS)
    known, withheld, legend = chart.figure["data"]
    assert known["x"] == ["2020", "2022"] and known["y"] == [40, 70]
    assert bars(chart.figure) == {"2021": {"low": 10, "high": 99}}  # the range, not a point of the line
    assert legend["x"] == [None] and chart.figure["layout"]["showlegend"] is True
    assert chart.table_rows == [["2020", "40", ""], ["2021", "**", "10 to 99"], ["2022", "70", ""]]


CHART_METRICS = """\
metrics:
  - id: visits
    label: {zh: 来访, en: visits}
    value: 12
    unit: {zh: 次, en: visits}
    section: first
  - id: talks
    label: {zh: 会谈, en: talks}
    value: 7
    unit: {zh: 次, en: visits}
    section: first
"""


def _chart_section(title: str, *charts: str) -> str:
    blocks = "".join(f"\n```chart\n{chart}```\n" for chart in charts)
    return f"---\ntitle: \"{title}\"\n---\n\n正文 {{{{ visits }}}} {{{{ talks }}}}。\n{blocks}"


@pytest.mark.parametrize("english, message, zh", [
    (["type: line\nmetrics: [visits, talks]\ntitle: {zh: 来访, en: Visits}\n"],
     "chart 1 differs from chart 1 of its 'zh' original (01-first.zh.md:8) in: type",
     "第1个图表与“zh”原文（01-first.zh.md:8）的第1个图表不同：type"),
    (["type: bar\nmetrics: [talks, visits]\ntitle: {zh: 来访, en: Visits}\n"],
     "chart 1 differs from chart 1 of its 'zh' original (01-first.zh.md:8) in: metrics",
     "第1个图表与“zh”原文（01-first.zh.md:8）的第1个图表不同：metrics"),
    ([], "the section has 0 chart(s) here but 1 in its 'zh' original (01-first.zh.md)",
     "这个部分这里有0个图表，而“zh”原文（01-first.zh.md）中有1个"),
])
def test_a_chart_draws_the_same_in_both_languages(project, english, message, zh):
    chinese = _chart_section("第一部分", "type: bar\nmetrics: [visits, talks]\ntitle: {zh: 来访, en: Visits}\n")
    config = project({"content/2021/metrics.yml": CHART_METRICS, "content/2021/01-first.zh.md": chinese,
                      "content/2021/01-first.en.md": _chart_section("Part one", *english)})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and f"content/2021/01-first.en.md:" in err and message in err, err
    assert "hint: draw the same charts in every language; only title and caption are translated" in err
    assert zh in run_cli("check", "--config", str(config), "--lang", "zh")[2]
    # only the title and caption may differ
    same = _chart_section("Part one", "type: bar\nmetrics: [visits, talks]\ntitle: {zh: 来访（译）, en: Visits!}\n"
                                      "caption: {zh: 说明, en: A caption}\n")
    config = project({"content/2021/metrics.yml": CHART_METRICS, "content/2021/01-first.zh.md": chinese,
                      "content/2021/01-first.en.md": same})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 0 and "chart" not in err, err


def test_a_misspelt_across_years_id_gets_a_suggestion(project):
    chart = "type: bar\nacross_years: visit\n"
    config = project({"content/2021/metrics.yml": CHART_METRICS,
                      "content/2021/01-first.zh.md": _chart_section("第一部分", chart),
                      "content/2021/01-first.en.md": _chart_section("Part one", chart)})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and "error: the chart names 'visit', which no report defines\n    hint: did you mean 'visits'?" in err


# Figures counted in 万 and 亿, masked and not, with each qualifier: (mask or value, qualifier,
# the Chinese as the text writes it, the English in full, the English without its qualifier).
WAN_AND_YI = [
    ('mask: "***万"', "多", "***多万", "more than *,**0,000", "*,**0,000"),
    ('mask: "**万"', "余", "**万余", "more than **0,000", "**0,000"),
    ('mask: "****万"', "超", "超****万", "over **,**0,000", "**,**0,000"),
    ('mask: "**亿"', None, "**亿", "*,*00,000,000", "*,*00,000,000"),
    ('mask: "*亿"', "近", "近*亿", "nearly *00,000,000", "*00,000,000"),
    ('mask: "***亿"', "约", "约***亿", "about **,*00,000,000", "**,*00,000,000"),
    ("value: 12000", None, "1.2万", "12,000", "12000"),
    ("value: 35600", "逾", "逾3.56万", "over 35,600", "35600"),
    ("value: 300000000", "余", "3亿余", "more than 300,000,000", "300000000"),
]


def test_figures_in_wan_and_yi_read_in_full_in_english_everywhere(project, tmp_path):
    """The page, the figures page, the chart's table and its CSV, in both languages."""
    ids = [f"f{n}" for n in range(len(WAN_AND_YI))]
    metrics = "metrics:\n" + "".join(
        f"  - id: {i}\n    label: {{zh: 项{i}, en: item {i}}}\n    {v}\n" + (f"    qualifier: {q}\n" if q else "")
        + "    unit: {zh: 人次, en: visits}\n    section: first\n"
        for i, (v, q, *_) in zip(ids, WAN_AND_YI))
    chart = f"```chart\ntype: bar\nmetrics: [{', '.join(ids)}]\n```"
    zh = "".join(f"{i}为{{{{ {i} }}}}人次。" for i in ids)
    en = " ".join(f"{i} was {{{{ {i} }}}} visits." for i in ids)
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": f"---\ntitle: 第一部分\n---\n\n{zh}\n\n{chart}\n",
                      "content/2021/01-first.en.md": f"---\ntitle: Part one\n---\n\n{en}\n\n{chart}\n"})
    assert run_cli("build", "--config", str(config))[0] == 0
    site = tmp_path / "site"
    for lang, text_column, cell_column, csv_column in (("zh", 2, 2, None), ("en", 3, 4, 4)):
        page = read(site / f"{lang}/2021/first/index.html")
        prose = visible_text(page.select_one(".prose p"))
        figures = visible_text(read(site / f"{lang}/2021/figures/index.html"))
        [found] = charts_of(site / f"{lang}/2021/first/index.html")
        for i, row in zip(ids, WAN_AND_YI):
            written = row[text_column]
            assert (f"{i}为{written}人次" if lang == "zh" else f"{i} was {written} visits") in prose
            assert written in figures
        assert [cells[1] for cells in found["table"]] == [row[text_column] for row in WAN_AND_YI]
        csv_values = [cells[1] for cells in found["csv"][1:]]
        if lang == "en":
            assert csv_values == [row[csv_column] for row in WAN_AND_YI]
            assert "×" not in page.get_text() and "万" not in page.select_one("main").get_text()
        else:  # the Chinese CSV writes a mask as the text does, a value in digits
            assert csv_values == [row[0].split('"')[1] if "mask" in row[0] else row[4] for row in WAN_AND_YI]


def test_a_label_that_looks_like_a_formula_is_text_in_the_csv(project, tmp_path):
    """A spreadsheet would run =HYPERLINK(…) from a CSV cell: such a label gets a leading '."""
    metrics = ("metrics:\n  - id: a\n    label: {zh: \"=HYPERLINK(\\\"http://evil.example/\\\",\\\"点击\\\")\", en: \"@SUM(1)\"}\n"
               "    value: -5\n    unit: {zh: 个, en: items}\n    section: first\n")
    chart = "第一段。\n\n```chart\ntype: bar\nmetrics: [a]\n```"
    config = project({"content/2021/metrics.yml": metrics,
                      "content/2021/01-first.zh.md": f"---\ntitle: 第一部分\n---\n\n{chart}\n",
                      "content/2021/01-first.en.md": f"---\ntitle: Part one\n---\n\n{chart}\n"})
    assert run_cli("build", "--config", str(config))[0] == 0
    for lang, label in (("zh", "'=HYPERLINK(\"http://evil.example/\",\"点击\")"), ("en", "'@SUM(1)")):
        [found] = charts_of(tmp_path / f"site/{lang}/2021/first/index.html")
        assert found["csv"][1][:2] == [label, "-5"]  # the figure itself stays a number


def test_a_small_figure_is_written_in_digits_in_the_csv():
    from generator.metrics import plain_number
    assert [plain_number(v) for v in (0.0000001, 2.5, 4729, 1e-12)] == ["0.0000001", "2.5", "4729", "0.000000000001"]


def test_the_same_chart_in_two_reports_shows_each_reports_figures(tmp_path):
    """A chart is made once per report, spec and language: the same spec in another report's text
    is a chart of that report's figures, not the first one's."""
    import shutil

    from generator.build import build

    project = tmp_path / "project"
    shutil.copytree(THREE_YEARS, project, ignore=shutil.ignore_patterns(".nianbao-cache"))
    block = "\n```chart\ntype: bar\nmetrics: [delegations]\n```\n"
    for year in ("2021", "2022"):
        for lang in ("zh", "en"):
            section = project / f"content/{year}/01-visits.{lang}.md"
            section.write_text(section.read_text(encoding="utf-8") + block, encoding="utf-8")
    result = build(project / "site_config.yml", write=False, search=False, pdfs=False)
    assert not result.diagnostics.errors, result.diagnostics.errors
    cells = {}
    for year in ("2021", "2022"):  # the table beside the section's page of its last chart, the one added
        last = max((name for name in result.files if re.fullmatch(f"zh/{year}/visits/chart-[0-9]+\\.csv", name)),
                   key=lambda name: int(re.findall("[0-9]+", name)[-1]))
        table = result.files[last].decode("utf-8-sig")
        cells[year] = {cell for row in csv.reader(io.StringIO(table)) for cell in row}
    assert "126" in cells["2021"] and "150" not in cells["2021"], cells
    assert "150" in cells["2022"] and "126" not in cells["2022"], cells
