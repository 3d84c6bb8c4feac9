"""What a reader sees, in real headless Chromium (Debian's, driven by Playwright)."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from conftest import require_tool

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's services at start-up.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    require_tool(Path(CHROMIUM).is_file(), "Debian's chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(shipped_site):
    """The shipped site on a loopback port, under a sub-path, as a deployment would have it."""
    root = shipped_site.parent
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{shipped_site.name}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    # A request the browser gave up because the page moved on is not a failure; a missing
    # file is (a 404 over HTTP, net::ERR_FILE_NOT_FOUND from disk).
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
            and page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    yield page
    context.close()


def test_every_page_loads_without_errors_or_outside_requests(page, server, shipped_site):
    outside = []
    page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    for path in sorted(shipped_site.rglob("*.html")):
        if path.name == "404.html":  # tested elsewhere
            continue
        page.goto(server + path.relative_to(shipped_site).as_posix())
        assert page.locator("h1").first.is_visible()
    assert page.problems == []
    assert outside == []


def test_language_switch_keeps_the_readers_place(page, server):
    page.goto(server + "zh/2022/governance-and-services/index.html")
    page.evaluate("document.getElementById('p2').scrollIntoView({block: 'start'})")
    page.locator(".language-switch a").click()
    page.wait_for_load_state()
    assert page.url == server + "en/2022/governance-and-services/index.html#p2"
    box = page.locator("#p2").bounding_box()
    assert box is not None and 0 <= box["y"] < 800
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.problems == []


def test_language_switch_without_javascript_goes_to_the_same_page(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "en/2022/outlook/index.html")
    assert "2023" in page.locator(".prose").inner_text()  # the text needs no script
    page.locator(".language-switch a").click()
    assert page.url == server + "zh/2022/outlook/index.html"
    context.close()


def test_masks_are_visible_blocks_with_an_accessible_name(page, server):
    page.goto(server + "zh/2022/serving-national-diplomacy/index.html")
    mask = page.locator(".prose .mask").first
    assert mask.locator("[aria-hidden='true']").inner_text() == "**"
    assert mask.is_visible()
    assert mask.locator(".visually-hidden").text_content() == "已隐去2字"  # read instead of the asterisks
    background = mask.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_site_opened_straight_from_disk(page, shipped_site):
    page.goto((shipped_site / "index.html").as_uri())
    page.locator("[data-language-choice] a[hreflang='zh-CN']").click()  # the chooser works from disk
    page.wait_for_url("**/zh/index.html")
    page.locator(".toc a").nth(2).click()  # the home page is the one report's
    assert page.url.endswith("/zh/2022/international-exchange-centre/index.html")
    # the stylesheet loaded from disk too
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    page.locator(".language-switch a").click()
    assert page.url.endswith("/en/2022/international-exchange-centre/index.html")
    assert page.problems == []


def test_charts_draw_under_the_strict_policy_and_fit_a_phone(browser, server):
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        problems = []
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        for path in ("en/2022/serving-national-diplomacy/index.html", "zh/2022/governance-and-services/index.html",
                     "zh/2022/figures/index.html"):
            page.goto(server + path)
            plots = page.locator(".chart-plot")
            for index in range(plots.count()):
                plots.nth(index).scroll_into_view_if_needed()
                page.wait_for_selector(f".chart-plot >> nth={index} >> .main-svg", timeout=15000)
                box = plots.nth(index).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, width, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        assert problems == [], problems
        context.close()


def test_plotly_loads_only_when_a_chart_comes_near(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 600})
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(server + "en/2022/serving-national-diplomacy/index.html")
    page.wait_for_load_state("networkidle")
    assert not any("plotly" in url for url in requested)  # the chart is below the fold
    page.locator("figure.chart").scroll_into_view_if_needed()
    page.wait_for_selector(".chart-plot[data-drawn]", timeout=15000)
    assert any("/assets/plotly." in url for url in requested)
    context.close()


def test_charts_without_javascript_are_their_tables(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "zh/2022/serving-national-diplomacy/index.html")
    assert page.locator(".chart-plot").is_hidden()
    assert page.locator(".chart-table").is_visible()
    assert page.locator(".chart-summary").inner_text().startswith("境外快讯****")
    context.close()


def test_the_root_page_offers_every_language_and_opens_only_a_remembered_choice(page, server):
    """Issue 15, point 8: no blind refresh to one language; a choice made is remembered."""
    page.goto(server + "index.html")
    page.wait_for_timeout(500)
    assert page.url == server + "index.html"  # a first visit stays on the chooser
    assert page.locator("[data-language-choice] a").count() == 2
    page.locator("[data-language-choice] a[hreflang='en']").click()
    page.wait_for_load_state()
    assert page.url == server + "en/index.html"
    page.goto(server + "index.html")  # the choice is remembered: the root opens it at once
    page.wait_for_url(server + "en/index.html")
    page.locator(".language-switch a").click()  # a language switch is a choice too
    page.wait_for_load_state()
    page.goto(server + "index.html")
    page.wait_for_url(server + "zh/index.html")
    assert page.problems == []


def test_a_site_of_one_report_opens_on_it(page, server):
    page.goto(server + "en/index.html")
    assert page.locator("h1").inner_text().startswith("Work Summary of the Foreign Affairs Office")
    assert page.locator(".report .toc li").count() == 7  # its sections, not a list of one report
    assert page.locator("p.meta").first.inner_text().startswith("Web edition published: ")


def test_each_language_is_set_in_its_own_fonts_charts_included(page, server):
    """Issue 15, point 10: :lang(zh) and :lang(en) stacks, so Chinese beside English (the side-by-
    side view) is set in Chinese fonts and English in Latin ones; a chart's text likewise."""
    page.goto(server + "en/2022/serving-national-diplomacy/bilingual.html")
    first_fonts = page.evaluate("""() => {
        const font = lang => [...document.querySelectorAll("main p")]
            .find(p => p.closest("[lang]").getAttribute("lang").startsWith(lang));
        return ["zh", "en"].map(lang => getComputedStyle(font(lang)).fontFamily.split(",")[0].trim().replace(/"/g, ""));
    }""")
    assert first_fonts == ["PingFang SC", "system-ui"]
    for lang, font in (("zh", "PingFang SC"), ("en", "system-ui")):
        page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
        figure = page.locator("figure.chart script[type='application/json']").first.evaluate("e => JSON.parse(e.textContent)")
        assert figure["layout"]["font"]["family"].split(",")[0].strip().strip('"') == font
    assert page.problems == []
