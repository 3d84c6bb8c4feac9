"""What readers get, checked in headless Chromium: accessibility (axe-core, WCAG 2.x A and AA), no
console errors and no failed requests on every page in both languages, at phone and desktop widths
and in every colour mode; reading controls; print; read aloud; page weight."""

import gzip
import json
import re
from pathlib import Path

import pytest

from conftest import TOOLS, require_tool
from test_browser import CHROMIUM_ARGS, browser, server  # noqa: F401  (fixtures)

AXE = TOOLS / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]]


# Every page at a phone's width and a desktop's, in the light and dark colour schemes, in high
# contrast and with the largest text: (width, colour scheme, remembered setting).
MODES = {
    "phone": (360, "light", None), "desktop": (1280, "light", None),
    "dark-phone": (360, "dark", None), "dark": (1280, "dark", None),
    "high-contrast-phone": (360, "light", ("nianbao-contrast", "high")),
    "high-contrast": (1280, "light", ("nianbao-contrast", "high")),
    "largest-text": (360, "light", ("nianbao-text-size", "larger")),
    "largest-text-desktop": (1280, "dark", ("nianbao-text-size", "larger")),
}


@pytest.mark.parametrize("mode", MODES)
def test_no_accessibility_violations_on_any_page(browser, server, shipped_site, mode):  # noqa: F811
    require_tool(AXE.is_file(), "axe-core")
    width, scheme, setting = MODES[mode]
    # axe is injected as a script: the test page lets it in (bypass_csp); test_browser.py checks the policy.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, color_scheme=scheme)
    if setting:
        key, value = setting
        context.add_init_script(f"localStorage.setItem({json.dumps(key)}, {json.dumps(value)})")
    page = context.new_page()
    failures: dict = {}
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and problems.append(r.url))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    for path in pages_of(shipped_site):
        problems.clear()
        page.goto(server + path)  # the root page too: its chooser stays (no language was chosen)
        violations = run_axe(page)
        if violations:
            failures[path] = violations
        if width == 360:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                failures.setdefault(path, []).append({"id": "horizontal-scroll", "overflow": overflow})
        if problems:  # console errors, failed requests
            failures.setdefault(path, []).append({"id": "problems", "found": list(problems)})
    context.close()
    assert failures == {}


def test_body_text_size_and_line_height(browser, server):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for lang in ("zh", "en"):
        page.goto(server + f"{lang}/2022/serving-national-diplomacy/index.html")
        style = page.locator(".prose p").first.evaluate(
            "p => [parseFloat(getComputedStyle(p).fontSize), parseFloat(getComputedStyle(p).lineHeight)]")
        assert style[0] >= 16 and style[1] / style[0] >= 1.5
        width = page.locator(".prose p").first.evaluate("p => p.getBoundingClientRect().width")
        assert width / style[0] <= 42  # a comfortable line: at most about 40 characters of Chinese
    page.close()


def test_text_size_and_contrast_are_remembered_across_pages(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(server + "zh/2022/overview/index.html")
    base = page.locator(".prose p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    page.locator("summary", has_text="字号和对比度").click()  # the one control that holds them
    page.get_by_role("button", name="特大").click()
    page.get_by_role("button", name="高对比度").click()
    assert page.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"
    page.goto(server + "zh/2022/outlook/index.html")
    larger = page.locator(".prose p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert larger >= base * 1.3
    background = page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("summary", has_text="字号和对比度").click()
    page.get_by_role("button", name="标准").click()
    page.get_by_role("button", name="高对比度").click()
    page.reload()
    assert page.locator(".prose p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)") == base
    context.close()


def test_keyboard_skip_link_and_visible_focus(browser, server):  # noqa: F811
    page = browser.new_page()
    page.goto(server + "en/2022/outlook/index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to main content"]
    assert page.locator(".skip-link").evaluate("a => getComputedStyle(a).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_print_shows_text_and_tables_not_navigation(browser, server):  # noqa: F811
    page = browser.new_page()
    page.goto(server + "zh/2022/full.html")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".reading-controls").is_hidden()
    assert page.locator(".chart-table").first.is_visible()
    assert page.locator(".chart-plot").first.is_hidden()
    breaks = page.locator(".full-section").evaluate_all("s => s.map(e => getComputedStyle(e).breakBefore)")
    assert set(breaks) == {"page"} and len(breaks) == 7
    page.close()


def test_read_aloud_is_hidden_without_a_voice(browser, server):  # noqa: F811
    page = browser.new_page()
    page.goto(server + "zh/2022/overview/index.html")
    page.wait_for_timeout(300)
    if page.evaluate("speechSynthesis.getVoices().some(v => v.lang.startsWith('zh'))"):
        pytest.skip("this browser has a Chinese voice")
    assert page.locator("[data-read-aloud]").is_hidden()
    page.close()


def test_read_aloud_speaks_the_section_with_masks_as_their_labels(browser, server):  # noqa: F811
    context = browser.new_context()
    context.add_init_script("""
        // A browser with a Chinese voice, recording what it is asked to say.
        window.__spoken = [];
        const voice = {lang: 'zh-CN', name: 'test voice'};
        window.SpeechSynthesisUtterance = function (text) { this.text = text; };
        Object.defineProperty(window, 'speechSynthesis', {value: {
            speaking: false, getVoices: () => [voice], addEventListener: () => {},
            speak(u) { window.__spoken.push([u.lang, u.text]); this.speaking = true; },
            cancel() { this.speaking = false; }}});
    """)
    page = context.new_page()
    page.goto(server + "zh/2022/serving-national-diplomacy/index.html")
    button = page.locator("[data-read-aloud] button")
    assert button.is_visible() and button.inner_text() == "朗读本节"
    button.click()
    assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "停止朗读"
    [[lang, text]] = page.evaluate("window.__spoken")
    assert lang == "zh-CN"
    assert text.startswith("一、强化政治担当") and "已隐去2字" in text and "**" not in text
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    context.close()


def test_bilingual_view_pairs_paragraphs_and_stacks_on_phones(browser, server):  # noqa: F811
    for width, columns in ((1280, 2), (360, 1)):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(server + "en/2022/governance-and-services/bilingual.html")
        pairs = page.locator(".pair")
        assert pairs.count() >= 5
        first = pairs.first.locator(".pair-cell")
        assert [first.nth(i).get_attribute("lang") for i in range(2)] == ["zh-CN", "en"]
        boxes = [first.nth(i).bounding_box() for i in range(2)]
        side_by_side = abs(boxes[0]["y"] - boxes[1]["y"]) < 5
        assert side_by_side == (columns == 2)
        page.close()


def test_section_page_weight(shipped_site):
    page = shipped_site / "zh/2022/governance-and-services/index.html"
    css = next((shipped_site / "assets").glob("site.*.css"))
    compressed = len(gzip.compress(page.read_bytes())) + len(gzip.compress(css.read_bytes()))
    assert compressed < 50_000


def test_government_site_meta_tags(shipped_site):
    html = (shipped_site / "zh/2022/overview/index.html").read_text(encoding="utf-8")
    for name in ("SiteName", "ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource"):
        assert re.search(f'<meta name="{name}" content="[^"]+">', html), name
    assert '<meta property="og:title"' in html and '<meta property="og:locale" content="zh_CN">' in html
