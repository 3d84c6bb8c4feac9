"""Light, legible charts (issue 15, point 3), measured in headless Chromium: the script a chart page
loads, the note the chart's box shows until the chart is drawn (or if plotly.js fails), tick labels
that never overlap on a phone, chart text that follows the reader's text size, and masked figures
drawn as ranges that read as no value."""

import functools
import http.server
import threading

import pytest

from conftest import REPO, build_once
from test_browser import _QuietHandler, browser, server  # noqa: F401  (fixtures)

SCRIPT_BUDGET = 1_500_000  # bytes of script a page with charts may load
PHONE = {"width": 390, "height": 844}
CHART_PAGES = ["zh/2022/serving-national-diplomacy/index.html", "en/2022/serving-national-diplomacy/index.html",
               "zh/2022/governance-and-services/index.html", "en/2022/governance-and-services/index.html",
               "zh/2022/figures/index.html", "en/2022/figures/index.html"]
# The fixture of three reports draws the other kinds: a donut, and lines across the years.
FIXTURE_PAGES = ["zh/2022/visits/index.html", "en/2022/visits/index.html",
                 "zh/2020/figures/index.html", "en/2022/figures/index.html"]


@pytest.fixture(scope="module")
def three_years_server(tmp_path_factory):
    site = build_once(tmp_path_factory, REPO / "tests/fixtures/three-years/site_config.yml", "three-years-browser")
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture
def open_page(browser):  # noqa: F811
    """A new page of the given viewport, that records console errors and warnings."""
    contexts = []

    def open_with(viewport: dict, text_size: str = "standard"):
        context = browser.new_context(viewport=viewport)
        if text_size != "standard":  # as the reading controls remember it (prefs.js applies it)
            context.add_init_script(f"localStorage.setItem('nianbao-text-size', '{text_size}')")
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        return page

    yield open_with
    for context in contexts:
        context.close()


def draw_all(page) -> int:
    """Scrolls each chart into view and waits until it is drawn; how many there are."""
    plots = page.locator(".chart-plot")
    for index in range(plots.count()):
        plots.nth(index).scroll_into_view_if_needed()
        page.wait_for_selector(f".chart-plot >> nth={index} >> .main-svg", timeout=15000)
    page.wait_for_function("() => [...document.querySelectorAll('.chart-plot')].every(p => p.hasAttribute('data-drawn'))")
    return plots.count()


# Each chart's tick labels whose boxes overlap another's.
OVERLAPS = """() => [...document.querySelectorAll('.chart-plot')].map(plot => {
    const boxes = [...plot.querySelectorAll('.xtick text, .ytick text')]
        .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    const overlaps = [];
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
        if (r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom) overlaps.push(a + ' / ' + b);
    }));
    return {labels: boxes.length, overlaps};
})"""


def test_a_chart_page_loads_at_most_1_5_mb_of_script(open_page, server):  # noqa: F811
    page = open_page({"width": 1280, "height": 800})
    scripts = []
    page.on("response", lambda r: r.request.resource_type == "script" and scripts.append(r))
    page.goto(server + "en/2022/serving-national-diplomacy/index.html")
    draw_all(page)
    page.wait_for_load_state("networkidle")
    sizes = {r.url.rsplit("/", 1)[-1]: len(r.body()) for r in scripts}
    assert any(name.startswith("plotly.") for name in sizes), sizes  # the chart's library is counted
    assert sum(sizes.values()) <= SCRIPT_BUDGET, sizes
    assert page.problems == []


@pytest.mark.parametrize("lang, loading, failed", [
    ("zh", "正在载入图表", "图表未能载入。下表列出同样的数据。"),
    ("en", "Loading the chart", "The chart could not be loaded. The table below gives the same figures."),
])
def test_the_table_and_a_loading_note_show_at_once_and_a_failure_says_so(open_page, server, lang,  # noqa: F811
                                                                         loading, failed):
    page = open_page({"width": 1280, "height": 800})
    held = []
    page.route("**/assets/plotly.*", lambda route: held.append(route))  # plotly.js on a slow line
    page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
    chart = page.locator("figure.chart")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.chart-plot').hasAttribute('data-wanted')")
    # plotly.js is on its way: the box says the chart is loading, the table is there already
    note = chart.locator(".chart-plot .chart-status")
    assert note.is_visible() and note.inner_text().startswith(loading)
    assert chart.locator(".chart-table").is_visible()
    assert held, "plotly.js was not requested"
    held[0].abort()  # and never comes
    page.wait_for_function("() => document.querySelector('.chart-plot').classList.contains('chart-failed')")
    assert note.is_visible() and note.inner_text() == failed
    box = chart.locator(".chart-plot").bounding_box()
    assert box["height"] < 200  # the note, not an empty box the height of a chart
    assert chart.locator(".chart-table").is_visible()


def test_no_chart_box_is_ever_empty_without_a_message(open_page, server):  # noqa: F811
    page = open_page({"width": 1280, "height": 800})
    page.goto(server + "zh/2022/figures/index.html")
    # Before and after each chart is drawn, its box holds either the chart or the note.
    empty = """() => [...document.querySelectorAll('.chart-plot')].filter(p =>
        !p.querySelector('.main-svg') && !(p.querySelector('.chart-status') || {}).textContent).length"""
    assert page.evaluate(empty) == 0
    draw_all(page)
    assert page.evaluate(empty) == 0
    assert page.locator(".chart-status").count() == 0  # drawn: the notes are gone
    assert page.problems == []


@pytest.mark.parametrize("text_size", ["standard", "larger"])
def test_no_two_tick_labels_overlap_on_a_phone(open_page, server, three_years_server, text_size):  # noqa: F811
    """At 390 px, in both languages: the labels' boxes as Chromium lays them out."""
    pages = [server + p for p in CHART_PAGES] + [three_years_server + p for p in FIXTURE_PAGES]
    page = open_page(PHONE, text_size)
    for url in pages:
        page.goto(url)
        draw_all(page)
        for chart in page.evaluate(OVERLAPS):
            assert chart["overlaps"] == [], (url, chart)
        # on a phone, bars lie horizontally: their labels have the screen's width
        drawn = page.locator(".chart-plot").evaluate_all("ps => ps.map(p => p.getAttribute('data-drawn'))")
        assert set(drawn) == {"narrow"}, url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
    assert page.problems == []


def test_a_bar_chart_turns_horizontal_when_the_window_narrows(open_page, server):  # noqa: F811
    page = open_page({"width": 1280, "height": 800})
    page.goto(server + "en/2022/serving-national-diplomacy/index.html")
    draw_all(page)
    assert page.locator(".chart-plot").get_attribute("data-drawn") == "wide"
    labels = {"overseas news alerts", "alerts on major foreign-related emergencies", "security reminders"}
    assert set(tick_labels(page, "x")) == labels  # under the columns
    page.set_viewport_size(PHONE)
    page.wait_for_function("() => document.querySelector('.chart-plot').getAttribute('data-drawn') === 'narrow'")
    assert set(tick_labels(page, "y")) == labels  # beside the bars
    assert page.evaluate(OVERLAPS)[0]["overlaps"] == []


def tick_labels(page, axis: str) -> list[str]:
    """An axis's tick labels as written (plotly keeps each label's text before it breaks it in lines)."""
    return [label.replace("<br>", " ") for label in page.locator(f".chart-plot .{axis}tick text").evaluate_all(
        "ts => ts.map(t => t.getAttribute('data-unformatted'))")]


def tick_font_size(page) -> float:
    return page.locator(".chart-plot .ytick text").first.evaluate("t => parseFloat(getComputedStyle(t).fontSize)")


def test_chart_text_follows_the_text_size_controls(open_page, server):  # noqa: F811
    page = open_page({"width": 1280, "height": 800})
    page.goto(server + "zh/2022/governance-and-services/index.html")
    draw_all(page)
    standard = tick_font_size(page)
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    height = page.locator(".chart-plot").bounding_box()["height"]
    # what the reading controls do (site.js): a class on <html>
    page.evaluate("document.documentElement.classList.add('text-larger')")
    page.wait_for_function(f"() => parseFloat(getComputedStyle(document.querySelector('.chart-plot .ytick text')).fontSize) > {standard}")
    larger = tick_font_size(page)
    ratio = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") / body
    assert ratio > 1.3 and abs(larger / standard - ratio) < 0.1  # as much larger as the page's text
    assert page.locator(".chart-plot").bounding_box()["height"] > height * 1.2  # and room for it
    page.evaluate("document.documentElement.classList.remove('text-larger')")
    page.wait_for_function(f"() => parseFloat(getComputedStyle(document.querySelector('.chart-plot .ytick text')).fontSize) === {standard}")
    assert page.problems == []


def test_a_remembered_text_size_applies_to_charts_at_once(open_page, server):  # noqa: F811
    page = open_page({"width": 1280, "height": 800}, text_size="large")
    page.goto(server + "en/2022/serving-national-diplomacy/index.html")
    draw_all(page)
    assert tick_font_size(page) == pytest.approx(14 * 1.1875, abs=0.6)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE])
def test_a_masked_figure_is_drawn_as_a_range_named_in_the_legend_and_on_hover(open_page, server, viewport):  # noqa: F811
    page = open_page(viewport)
    page.goto(server + "en/2022/serving-national-diplomacy/index.html")
    draw_all(page)
    legend = " ".join(page.locator(".chart-plot .legendtext").evaluate_all(
        "ts => ts.map(t => t.getAttribute('data-unformatted'))")).replace("<br>", " ")
    assert "Withheld: possible range" in legend and "equal ranges need not be equal values" in legend
    assert "not a value" in legend
    geometry = page.evaluate("""() => {
        const plot = document.querySelector('.chart-plot');
        const horizontal = plot.getAttribute('data-drawn') === 'narrow';
        const zero = plot.querySelector('.zerolinelayer path').getBoundingClientRect();
        const bands = [...plot.querySelectorAll('.barlayer .trace .point path')].map(p => p.getBoundingClientRect())
            .filter(r => r.width > 0 && r.height > 0);
        const marks = [...plot.querySelectorAll('.errorbar')].length;
        return {horizontal, zero: horizontal ? zero.left : zero.bottom,
                starts: bands.map(r => horizontal ? r.left : r.bottom), marks};
    }""")
    assert len(geometry["starts"]) == 3 and geometry["marks"] == 3  # a band and an interval mark per figure
    # no band starts at zero: a range from 1,000 (or 100) is no bar from nothing
    for start in geometry["starts"]:
        assert (start > geometry["zero"] + 0.5) if geometry["horizontal"] else (start < geometry["zero"] - 0.5)
    # hovering over the first band names its range
    page.locator(".chart-plot").scroll_into_view_if_needed()
    centre = page.evaluate("""() => {
        const r = [...document.querySelectorAll('.chart-plot .barlayer .trace .point path')]
            .map(p => p.getBoundingClientRect()).find(r => r.width > 0 && r.height > 0);
        return [r.left + r.width / 2, r.top + r.height / 2];
    }""")
    page.mouse.move(*centre)
    page.wait_for_selector(".chart-plot .hoverlayer .hovertext", timeout=5000)
    hover = page.locator(".chart-plot .hoverlayer .hovertext text").evaluate("t => t.getAttribute('data-unformatted')")
    assert "overseas news alerts" in hover and "withheld, 1,000 to 9,999" in hover
    assert page.problems == []


def test_charts_of_every_kind_draw_without_console_warnings(open_page, three_years_server):
    for viewport in ({"width": 1280, "height": 800}, PHONE):
        page = open_page(viewport)
        for path in FIXTURE_PAGES:
            page.goto(three_years_server + path)
            assert draw_all(page) >= 1
            box = page.locator(".chart-plot").first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert page.problems == [], (viewport, page.problems)
