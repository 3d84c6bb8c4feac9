"""One way to hear a mask, in real headless Chromium: wherever a mask shows (a paragraph, a
summary, a chart's summary and table, a figures table, a search result), Chromium's own
accessibility tree has its words ("已隐去4字") in the run of text, no image, and no asterisk; the
asterisks stay what is seen, copied and printed. Search results keep masks as masks and mark the
words found, and draw nothing of an excerpt as HTML but <mark>."""

import re

import pytest
from bs4 import BeautifulSoup

from test_browser import browser, page, server  # noqa: F401  (fixtures)

LABELS = {"zh": ("已隐去{}字", "已隐去1字"), "en": ("{} characters withheld", "1 character withheld")}
# Roles that hold text without breaking a sentence for a screen reader: spans (generic, or
# ignored), text and its boxes.
TEXT_ROLES = {"StaticText", "InlineTextBox", "generic", "none"}


def label(lang: str, mask: str) -> str:
    many, one = LABELS[lang]
    return one if len(mask) == 1 else many.format(len(mask))


def ax_nodes(page, selector: str) -> list[list[dict]]:
    """Chromium's accessibility tree (CDP) under each element ``selector`` names: its nodes in
    document order, the element's own first, each with ``container``: the role of the nearest
    node above it, within the element, that is more than text ("" for none: the element's text)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
        backends = [cdp.send("DOM.describeNode", {"nodeId": i})["node"]["backendNodeId"] for i in ids]
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    by_backend = {n["backendDOMNodeId"]: n for n in nodes if "backendDOMNodeId" in n}

    def walk(node: dict, container: str) -> list[dict]:
        found = [{**node, "container": container}]
        inner = container if node.get("ignored") or role(node) in TEXT_ROLES else role(node)
        for child in node.get("childIds", []):
            if child in by_id:
                found.extend(walk(by_id[child], inner))
        return found

    assert backends, selector
    tops = [by_backend[backend] for backend in backends]
    return [[{**top, "container": ""}, *(node for child in top.get("childIds", []) if child in by_id
                                         for node in walk(by_id[child], ""))]
            for top in tops]


def heard(nodes: list[dict]) -> list[dict]:
    """The nodes a screen reader reads: not ignored (aria-hidden, or with nothing to say)."""
    return [n for n in nodes if not n.get("ignored")]


def role(node: dict) -> str:
    return node["role"]["value"]


def name(node: dict) -> str:
    return str(node.get("name", {}).get("value", ""))


def spoken_text(nodes: list[dict]) -> str:
    return "".join(name(n) for n in heard(nodes) if role(n) == "StaticText")


def runs(nodes: list[dict]) -> int:
    """Runs of the element's own text that a screen reader reads as one, broken by anything more
    than text (a link, an image)."""
    count, in_text = 0, False
    for node in heard(nodes)[1:]:
        if node["container"]:
            continue  # inside a link: the link broke the run
        if role(node) == "StaticText":
            count += not in_text
            in_text = True
        elif role(node) not in TEXT_ROLES:
            in_text = False
    return count


def visible_text(html: str) -> str:
    """An element's text as shown: a mask's words are for screen readers only."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup.select(".visually-hidden"):
        hidden.decompose()
    return soup.get_text()


# A masked figure written in full (English: *,**0,000 for ***万), or a run of asterisks.
MASK = re.compile(r"\*+[*0]*(?:,[*0]{3})*,000(?![\w*])|\*+")


def as_heard(lang: str, text: str) -> str:
    """The oracle: the shown text with each mask read as its words (a masked figure written in
    full as its masked digits, then its zeros)."""
    def words(match: re.Match) -> str:
        mask = match.group(0)
        if "0" not in mask:
            return label(lang, mask)
        digits, rest = mask.count("*"), mask[mask.index("0"):]
        return ("1 digit" if digits == 1 else f"{digits} digits") + f" withheld, followed by {rest}"

    return MASK.sub(words, text)


def check_masks_heard_as_words(nodes: list[dict], lang: str, shown: str) -> None:
    assert "*" in shown  # the element shows masks
    assert [role(n) for n in heard(nodes) if role(n) in ("image", "img", "graphics-symbol")] == []
    assert [name(n) for n in heard(nodes) if "*" in name(n)] == []
    assert re.sub(r"\s+", "", spoken_text(nodes)) == re.sub(r"\s+", "", as_heard(lang, shown))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_masked_paragraph_is_one_run_of_text_with_its_masks_as_words(page, server, lang):  # noqa: F811
    page.goto(server + f"{lang}/2022/governance-and-services/index.html")
    for selector in ("#p1", "#p4"):  # the text's first mask (a link to the note), and others
        [nodes] = ax_nodes(page, selector)
        check_masks_heard_as_words(nodes, lang, visible_text(page.locator(selector).inner_html()))
        links = [n for n in heard(nodes) if role(n) == "link"]
        assert len(links) <= 1 and all(name(n) in spoken_text(nodes) for n in links)
        assert runs(nodes) <= 1 + len(links), selector  # one run, broken by the one link at most
    assert page.locator("#p4 .mask").count() >= 5  # a paragraph of many masks is one run


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summaries_charts_and_figure_tables_read_masks_as_words(page, server, lang):  # noqa: F811
    places = [
        (f"{lang}/2022/index.html", ".toc li p"),  # the contents' summaries
        (f"{lang}/2022/governance-and-services/index.html", ".chart-summary"),
        (f"{lang}/2022/governance-and-services/index.html", ".chart-table td"),
        (f"{lang}/2022/figures/index.html", ".figures-table td:nth-child(2)"),  # the figure
        (f"{lang}/2022/figures/index.html", ".chart-summary"),
    ]
    for path, selector in places:
        page.goto(server + path)
        masked = page.locator(selector).filter(has=page.locator(".mask"))
        assert masked.count() > 0, (path, selector)
        shown = [visible_text(html) for html in masked.evaluate_all("els => els.map(e => e.innerHTML)")]
        masked.evaluate_all("els => els.forEach(e => e.setAttribute('data-masked-place', ''))")
        all_nodes = ax_nodes(page, f"{selector}[data-masked-place]")
        for nodes, text in zip(all_nodes, shown):
            check_masks_heard_as_words(nodes, lang, text)
            assert runs(nodes) == 1, (path, selector, text)


def test_a_mask_is_seen_and_copied_as_its_asterisks_and_printed(page, server):  # noqa: F811
    page.goto(server + "zh/2022/governance-and-services/index.html")
    mask = page.locator("#p4 .mask").first
    assert mask.locator("[aria-hidden='true']").inner_text() == "****" and mask.is_visible()
    words = mask.locator(".visually-hidden").bounding_box()
    assert words is not None and words["width"] <= 1 and words["height"] <= 1  # read, not drawn
    # A selection of the paragraph, as a reader copies it, is the official text: asterisks, no words.
    copied = page.evaluate("""() => { const range = document.createRange();
        range.selectNodeContents(document.getElementById('p4'));
        getSelection().removeAllRanges(); getSelection().addRange(range);
        return getSelection().toString(); }""")
    assert "全年共审批****人次" in copied and "已隐去" not in copied
    page.emulate_media(media="print")
    style = mask.evaluate("m => { const s = getComputedStyle(m.querySelector('[aria-hidden]')); "
                          "return [s.color, getComputedStyle(m).borderTopStyle, s.visibility]; }")
    assert style == ["rgb(0, 0, 0)", "solid", "visible"]
    assert mask.locator("[aria-hidden='true']").is_visible()


def test_masks_lead_to_the_note_with_one_stop_for_the_keyboard(page, server):  # noqa: F811
    page.goto(server + "en/2022/governance-and-services/index.html")
    masks = page.locator(".prose .mask").count()
    assert masks > 20
    # Tab through the whole page: one stop at a mask, the text's first.
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        stop = page.evaluate("() => { const e = document.activeElement; "
                             "return e === document.body ? null : [e.className, e.closest('.prose') !== null]; }")
        if stop is None:
            break
        stops.append(stop)
    assert [s for s in stops if s[0] == "mask"] == [["mask", True]]
    first = page.locator("a.mask")
    assert first.count() == 1 and first.get_attribute("href") == "../../withheld/index.html"
    # Every other mask is a link for a pointer or a finger, with a tooltip.
    other = page.locator(".prose .mask a[tabindex='-1']").nth(3)
    assert other.get_attribute("title") == other.locator("xpath=..").locator(".visually-hidden").text_content()
    other.click()
    page.wait_for_url("**/en/withheld/index.html")


@pytest.fixture
def search(page, server):  # noqa: F811
    def run(lang: str, query: str):
        page.goto(f"{server}{lang}/search/index.html?q={query}")  # as the header's form sends it
        page.wait_for_selector("#search-status:not(:empty)", timeout=15000)
        return page.locator("#search-results li")

    return run


@pytest.mark.parametrize("lang, query, found, words", [
    ("zh", "审批", "审批", "已隐去4字"),
    ("en", "invitation", "invitation", "4 characters withheld"),
])
def test_search_results_keep_masks_as_masks_and_mark_the_words_found(page, search, lang, query, found, words):
    results = search(lang, query)
    assert results.count() >= 1
    assert page.locator("#search-input").input_value() == query  # ?q= read on load
    item = results.first
    assert found in item.locator("p mark").all_inner_texts()
    excerpt = item.locator("p")
    html = excerpt.inner_html()
    # The masks as the page has them: the same asterisks where they stand, read as words.
    shown = visible_text(html)
    assert re.search(r"\*\*\*\*(人次|\s+entries)", shown), shown
    assert words in excerpt.locator(".mask .visually-hidden").all_text_contents()
    excerpt.evaluate("e => e.setAttribute('data-checked', '')")
    [nodes] = ax_nodes(page, "#search-results p[data-checked]")
    check_masks_heard_as_words(nodes, lang, shown)
    assert words in spoken_text(nodes)
    assert page.problems == []


def test_a_mask_is_never_cut_in_a_chinese_excerpt(search):
    # Chinese excerpts are cut between words, and each asterisk is one: the mask at an excerpt's
    # end keeps its four asterisks (全年共审批****人次，办理来*签证邀请函****余份).
    results = search("zh", "审批")
    text = visible_text(results.first.locator("p").inner_html())
    assert "审批****人次" in text
    for mask in re.findall(r"\*+", text):
        assert mask in ("****", "*"), text


def test_search_results_draw_no_html_of_an_excerpt_but_mark(page, server):  # noqa: F811
    # A Pagefind that answers with markup in its excerpt and title: only <mark> becomes an element.
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(content_type="text/javascript", body="""
        export async function search() { return {results: [{data: async () => ({
            url: "/zh/2022/overview/index.html", locations: [0], anchors: [],
            meta: {title: "<img src=x onerror=\\"window.pwned = 1\\">标题**"},
            content: "前文<b>粗</b> 审批****人次 &lt;i&gt;",
            excerpt: "<b>粗</b> <mark>审批</mark>****人次 &lt;i&gt;<script>window.pwned = 2</script>"})}]}; }
    """))
    page.goto(server + "zh/search/index.html?q=x")
    page.wait_for_selector("#search-status:not(:empty)")
    item = page.locator("#search-results li").first
    assert item.locator("img, b, i, script").count() == 0
    assert item.locator("mark").all_inner_texts() == ["审批"]
    assert item.locator(".mask .visually-hidden").all_text_contents() == ["已隐去2字", "已隐去4字"]
    assert visible_text(item.locator("p").inner_html()) == "<b>粗</b> 审批****人次 <i><script>window.pwned = 2</script>"
    assert page.evaluate("window.pwned") is None
