"""Headings inside sections, in headless Chromium: each official item （一）（二）… opens with its lead
sentence as an h3, which the page's contents box links to; headings step down h1 > h2 > h3 at
every width and text size; the language switch from an item keeps its paragraph."""

import json
import re

import pytest

from conftest import REPO
from test_browser import browser, server  # noqa: F401  (fixtures)

expect = pytest.importorskip("playwright.sync_api").expect

OFFICIAL = REPO / "content" / "2022" / "official-text.zh.txt"
SECTIONS = ["overview", "serving-national-diplomacy", "international-exchange-centre",
            "serving-high-quality-development", "exchanges-and-cooperation", "governance-and-services",
            "outlook"]
NUMERALS = "一二三四五六七八九十"
WIDTHS = [360, 390, 768, 1280]

# Every h1, h2 and h3 of the page's main part: its level, whether it labels a navigation box (the
# contents box, the report's sections: small labels, not steps of the text's outline), its size.
HEADINGS = """() => Array.from(document.querySelectorAll("main h1, main h2, main h3")).map(h =>
  [Number(h.tagName[1]), h.closest("nav") !== null, parseFloat(getComputedStyle(h).fontSize)])"""

# Every h3 of a page: the text a sighted reader sees of it (words drawn in a box of a pixel or
# less, such as a mask's words for screen readers, are left out), its id, whether it stands in
# the text, and the element after it.
ITEMS = """() => {
  const seen = element => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let text = "";
    while (walker.nextNode()) {
      const box = walker.currentNode.parentElement.getBoundingClientRect();
      if (box.width > 1 && box.height > 1) text += walker.currentNode.textContent;
    }
    return text;
  };
  return Array.from(document.querySelectorAll("h3")).map(h => ({
    text: seen(h), id: h.id, inProse: h.parentElement.matches(".prose"),
    next: h.nextElementSibling ? h.nextElementSibling.tagName + "#" + h.nextElementSibling.id : ""}));
}"""


def official_leads() -> list[list[str]]:
    """The lead sentence of each item, section by section, read from the official text: a
    section opens with 一、…; an item with （一）… and its lead ends at the first 。"""
    sections: list[list[str]] = [[]]  # the overview has no items
    for line in OFFICIAL.read_text(encoding="utf-8").splitlines():
        if re.match(f"[{NUMERALS}]+、", line):
            sections.append([])
        elif line.startswith("（"):
            sections[-1].append(re.match(f"（[{NUMERALS}]+）[^。]+。", line).group(0))
    return sections + [[]] * (len(SECTIONS) - len(sections))  # the outlook has none either


@pytest.mark.parametrize("text_size", ["standard", "larger"])
@pytest.mark.parametrize("width", WIDTHS)
def test_headings_step_down_at_every_width(browser, server, width, text_size):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844})
    if text_size == "larger":  # as the reading controls remember it (see test_reader.py)
        context.add_init_script(f"localStorage.setItem('nianbao-text-size', {json.dumps(text_size)})")
    page = context.new_page()
    measured = {}
    everywhere: dict[int, list[float]] = {1: [], 2: [], 3: []}  # the same step on every page
    for lang in ("zh", "en"):
        for path in (f"{lang}/2022/index.html", f"{lang}/2022/serving-national-diplomacy/index.html",
                     f"{lang}/2022/figures/index.html", f"{lang}/2022/full.html"):
            page.goto(server + path)
            headings = page.evaluate(HEADINGS)
            sizes = {level: [size for lvl, nav, size in headings if lvl == level and not nav] for level in (1, 2, 3)}
            labels = [size for _, nav, size in headings if nav]
            measured[path] = {level: (min(s), max(s)) for level, s in sizes.items() if s}
            for level, found in sizes.items():
                everywhere[level] += found
            assert sizes[1], path
            for higher, lower in ((1, 2), (2, 3), (1, 3)):
                if sizes[higher] and sizes[lower]:
                    assert min(sizes[higher]) > max(sizes[lower]), (path, width, text_size, measured[path])
            assert all(size < min(sizes[1]) for size in labels), (path, labels)
            if "/serving-national-diplomacy/" in path:
                text = page.locator(".prose > p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
                assert sizes[3] and min(sizes[3]) > text, (path, sizes[3], text)  # an item's heading stands out
    assert min(everywhere[1]) > max(everywhere[2]) and min(everywhere[2]) > max(everywhere[3]), measured
    context.close()


def test_section_h3s_are_the_item_leads(browser, server):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for slug, leads in zip(SECTIONS, official_leads()):
        items = {}
        for lang in ("zh", "en"):
            page.goto(server + f"{lang}/2022/{slug}/index.html")
            items[lang] = page.evaluate(ITEMS)
            contents = page.evaluate("""() => Array.from(document.querySelectorAll(".page-toc li")).map(li =>
                [li.className, decodeURIComponent(li.querySelector("a").hash.slice(1))])""")
            # The contents box lists the items, each linking to its heading.
            assert contents == [["level-3", item["id"]] for item in items[lang]], (slug, lang)
            for item in items[lang]:
                assert item["inProse"] and re.fullmatch(r"P#p\d+", item["next"]), (slug, lang, item)
        assert [item["text"] for item in items["zh"]] == leads, slug
        assert len(items["en"]) == len(leads), slug
        for number, (zh, en) in enumerate(zip(items["zh"], items["en"]), start=1):
            assert zh["text"].startswith(f"（{NUMERALS[number - 1]}）"), zh
            assert re.fullmatch(rf"\({number}\) [^.]+\.", en["text"]), en  # one sentence
            assert zh["next"] == en["next"], (slug, number)  # the item's paragraph has one id in both languages
    page.close()


def test_the_language_switch_from_an_item_keeps_its_paragraph(browser, server):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server + "zh/2022/governance-and-services/index.html")
    # The third item's heading just under the header, which stays in view on a wide screen: the
    # reader is at that item.
    page.evaluate("""() => {
        const heading = document.querySelectorAll(".prose > h3")[2];
        const header = document.querySelector(".site-header").getBoundingClientRect().bottom;
        window.scrollTo(0, window.scrollY + heading.getBoundingClientRect().top - header - 2);
    }""")
    switch = page.locator("a[data-keep-place]").first
    expect(switch).to_have_attribute("href", re.compile(r"#p3$"))
    switch.click()
    page.wait_for_url(re.compile(r"/en/2022/governance-and-services/(index\.html)?#p3$"))
    heading = page.evaluate("document.getElementById('p3').previousElementSibling.textContent")
    assert heading.startswith("(3) Fostering a safe and stable foreign-related environment")
    page.close()


def test_no_page_of_a_section_skips_a_heading_level(browser, server):  # noqa: F811
    """The outline goes down one level at a time on the section's page (h1, the contents box's h2,
    the items' h3), the full report (h1, a section's h2, its items' h3) and the side-by-side view
    (h1, the items' h2), where each item's heading stands beside its translation."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    for lang in ("zh", "en"):
        for path, items in ((f"{lang}/2022/exchanges-and-cooperation/index.html", 3), (f"{lang}/2022/full.html", 3),
                            (f"{lang}/2022/exchanges-and-cooperation/bilingual.html", 2)):
            page.goto(server + path)
            levels = page.evaluate("""() => Array.from(document.querySelectorAll("main h1, main h2, main h3, main h4"))
                                      .map(h => Number(h.tagName[1]))""")
            assert levels[0] == 1 and levels.count(items) >= 3, (path, levels)  # the items' headings at their level
            for previous, level in zip(levels, levels[1:]):
                assert level <= previous + 1, (path, levels)
        rows = page.evaluate("""() => Array.from(document.querySelectorAll(".pair")).map(pair =>
                                  Array.from(pair.querySelectorAll(".pair-cell > *")).map(e => e.tagName).join(" "))""")
        assert rows[:2] == ["H2 H2", "P P"], rows  # heading beside heading, paragraph beside paragraph
    page.close()
