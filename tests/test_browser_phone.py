"""A phone first (issue 15, points 1 and 2), measured in headless Chromium at 390 × 844: the
header is one short row that scrolls away, the reading controls are one control, the breadcrumb
one line, the year's results and every section's text start on the first screen."""

import json
import urllib.parse

import pytest

from test_browser import CHROMIUM_ARGS, browser, server  # noqa: F401  (fixtures)

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["zh", "en"]
SECTIONS = ["overview", "serving-national-diplomacy", "international-exchange-centre",
            "serving-high-quality-development", "exchanges-and-cooperation", "governance-and-services", "outlook"]


@pytest.fixture
def phone(browser):  # noqa: F811
    contexts = []

    def open_phone(text_size: str = "standard", javascript: bool = True):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        if text_size != "standard":
            context.add_init_script(f"localStorage.setItem('nianbao-text-size', {json.dumps(text_size)})")
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    found = page.evaluate("""s => { const e = document.querySelector(s); if (!e) return null;
        const r = e.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY, height: r.height}; }""",
                          selector)
    assert found, f"{selector} not on {page.url}"
    return found


def eventually(page, condition: str, seconds: float = 5) -> bool:
    """Whether ``condition`` (JavaScript) comes true within ``seconds``: polled from here, since the
    pages' policy forbids the string evaluation Playwright's wait_for_function uses."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(condition):
            return True
        page.wait_for_timeout(100)
    return False


def test_the_section_list_is_the_shipped_reports(shipped_site):
    assert sorted(p.name for p in (shipped_site / "zh/2022").iterdir() if (p / "index.html").is_file()
                  and p.name != "figures") == sorted(SECTIONS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_is_one_row_of_at_most_56_px_that_scrolls_away(phone, server, lang):  # noqa: F811
    page = phone()
    for path in ["index.html", "2022/index.html", "2022/serving-national-diplomacy/index.html",
                 "2022/figures/index.html", "2022/full.html", "search/index.html", "withheld/index.html"]:
        page.goto(server + f"{lang}/{path}")
        header = box(page, ".site-header")
        assert header["height"] <= 56, (path, header)
        # one row: the title, the search field, the reading control and the language link side by side
        tops = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.site-title, .header-search input, .reading-controls summary, .language-switch a'))
            .filter(e => e.offsetParent).map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; })""")
        assert len(tops) >= 3
        assert max(t for t, _ in tops) < min(b for _, b in tops), (path, tops)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    # While reading, it covers nothing: scrolled down, it is gone from the screen; scrolling up
    # brings it back, to search or change language. Without JavaScript it scrolls away with the page.
    page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
    header_bottom = "document.querySelector('.site-header').getBoundingClientRect().bottom"
    page.mouse.wheel(0, 1200)
    assert eventually(page, f"{header_bottom} <= 0 && window.scrollY > 1000")
    page.mouse.wheel(0, -200)
    assert eventually(page, "document.querySelector('.site-header').getBoundingClientRect().top === 0")
    plain = phone(javascript=False)
    plain.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
    plain.evaluate("window.scrollTo(0, 1200)")
    assert plain.evaluate(header_bottom) <= 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_shows_the_short_title_on_a_phone_and_the_full_one_on_a_desktop(browser, server, lang):  # noqa: F811
    titles = {"zh": ("外办年报", "市政府外办工作年报"), "en": ("FAO Reports", "Annual Work Reports of the Foreign Affairs Office")}
    for width, expected in [(390, titles[lang][0]), (1280, titles[lang][1])]:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(server + f"{lang}/2022/index.html")
        assert page.inner_text(".site-title").strip() == expected
        context.close()


def test_the_reading_controls_are_one_control_that_opens_and_is_remembered(phone, server):  # noqa: F811
    page = phone()
    page.goto(server + "en/2022/overview/index.html")
    summary = page.locator(".reading-controls summary")
    assert summary.is_visible()
    assert summary.evaluate("e => e.getBoundingClientRect().height") <= 44
    buttons = page.locator(".reading-controls button")
    assert buttons.count() == 4 and not any(buttons.nth(i).is_visible() for i in range(4))
    summary.click()
    assert all(buttons.nth(i).is_visible() for i in range(4))
    # each button is a target of at least 24 × 24 px, inside the screen
    for i in range(4):
        b = buttons.nth(i).bounding_box()
        assert b["width"] >= 24 and b["height"] >= 24 and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"]
    page.locator("[data-text-size=larger]").click()
    assert "text-larger" in page.evaluate("document.documentElement.className")
    page.goto(server + "en/2022/outlook/index.html")
    assert "text-larger" in page.evaluate("document.documentElement.className")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_breadcrumb_is_one_line_naming_the_page_above(phone, server, lang):  # noqa: F811
    page = phone()
    page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
    crumb = box(page, ".breadcrumb")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.breadcrumb ol')).lineHeight)")
    assert crumb["height"] <= line + 1
    visible = page.locator(".breadcrumb a:visible")
    assert visible.count() == 1
    assert visible.get_attribute("href") == "../index.html"  # the report, the page above
    h1 = page.inner_text("h1").strip()
    assert h1 not in page.inner_text(".breadcrumb")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("text_size, screens", [("standard", 1), ("larger", 1.5)])
def test_every_sections_text_starts_on_the_first_screen(phone, server, lang, text_size, screens):  # noqa: F811
    page = phone(text_size)
    for slug in SECTIONS:
        page.goto(server + f"{lang}/2022/{slug}/index.html")
        first = box(page, ".prose > :first-child")
        line = page.evaluate("""() => { const e = document.querySelector('.prose > :first-child');
            return parseFloat(getComputedStyle(e).lineHeight); }""")
        # the first line of the text, entirely within the screen(s)
        assert first["top"] + line <= PHONE["height"] * screens, (slug, first, text_size)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_years_results_start_on_the_first_screen(phone, server, lang):  # noqa: F811
    page = phone()
    for path in ["2022/index.html", "index.html"]:  # the home page of a site with one report opens on it
        page.goto(server + f"{lang}/{path}")
        highlights = box(page, ".highlights")
        first = box(page, ".highlight-list li")
        assert highlights["top"] < PHONE["height"] and first["top"] + 30 <= PHONE["height"], (path, highlights)
        assert page.locator(".key-figures li").count() == 6


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_search_is_a_plain_form_to_the_search_page(phone, server, lang):  # noqa: F811
    page = phone(javascript=False)
    page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
    field = page.locator(".site-header form[role=search] input[name=q]")
    assert field.is_visible()
    assert field.get_attribute("aria-label")
    field.fill("冬奥")
    with page.expect_navigation():
        field.press("Enter")
    url = urllib.parse.urlsplit(page.url)
    assert url.path.endswith(f"/{lang}/search/index.html")
    assert urllib.parse.parse_qs(url.query) == {"q": ["冬奥"]}
    # the search page has its own field: the header's is not repeated there
    assert page.locator(".site-header form[role=search]").count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_opened_reading_settings_and_contents_have_no_accessibility_violations(browser, server, scheme):  # noqa: F811
    from conftest import require_tool
    from test_reader import AXE, run_axe
    require_tool(AXE.is_file(), "axe-core")
    context = browser.new_context(viewport=PHONE, bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    for lang in LANGUAGES:
        page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
        page.locator(".reading-controls summary").click()
        page.locator(".page-toc summary").click()
        assert page.locator(".page-toc li").first.is_visible()
        assert run_axe(page) == [], lang
    context.close()


def test_the_language_switch_keeps_the_readers_place_on_a_phone(phone, server):  # noqa: F811
    page = phone()
    page.goto(server + "zh/2022/serving-national-diplomacy/index.html")
    page.evaluate("window.scrollTo(0, document.getElementById('p3').getBoundingClientRect().top + scrollY - 30)")
    assert eventually(page, "document.querySelector('.language-switch a').getAttribute('href').endsWith('#p3')")
    # The header slides away (0.2 s); only once it is gone does scrolling back up bring it back.
    # Waiting on a mid-slide header let the click scroll the page to find the switch (a CI flake).
    assert eventually(page, "document.querySelector('.site-header').getBoundingClientRect().bottom <= 0")
    place = page.evaluate("scrollY")
    page.mouse.wheel(0, -10)  # a little back up: the header, and its switch, come back
    assert eventually(page, f"scrollY < {place} && document.querySelector('.site-header').getBoundingClientRect().top >= 0")
    with page.expect_navigation():
        page.locator(".language-switch a").click()
    assert page.url.endswith("/en/2022/serving-national-diplomacy/index.html#p3")
