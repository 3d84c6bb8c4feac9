"""Issue 15, points 6, 9 and 10 (the 404 page), measured in headless Chromium: figures tables that fit a
phone, targets of at least 24 × 24 px, printed pages, and a 404 page that works at any address. Also
a crawl of the built site: every file it writes is reached from its pages."""

import functools
import http.server
import io
import posixpath
import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pypdf
import pytest
from bs4 import BeautifulSoup

from test_browser import browser, server  # noqa: F401  (fixtures)

FIGURES_PAGES = ["zh/2022/figures/index.html", "en/2022/figures/index.html"]


def html_pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def collect_problems(page, expected_status: str = "") -> list[str]:
    """Console errors, script errors and failed requests (``expected_status``: the one console error
    that the page's own status causes, "404")."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and not (expected_status and m.location["url"] == page.url
                                                             and f"status of {expected_status}" in m.text)
            and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and problems.append(f"failed: {r.url}"))
    return problems


# --- Point 6: tables that fit ------------------------------------------------------------------

@pytest.mark.parametrize("width", [360, 390])
def test_figures_tables_fit_a_phone_without_scrolling(browser, server, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    for path in FIGURES_PAGES:
        page.goto(server + path)
        assert page.locator(".figures-table").count() >= 5
        too_wide = page.evaluate("""() => [...document.querySelectorAll('.figures-table')]
            .map(t => [t.getBoundingClientRect().width, t.parentElement.clientWidth])
            .filter(([table, column]) => table > column + 0.5)""")
        assert too_wide == [], (path, width)
        scroll = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
            .filter(r => r.querySelector('.figures-table') && r.scrollWidth > r.clientWidth).length""")
        assert scroll == 0, (path, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        # Each row reads as a card: its cells stacked, each under its column's header as a label.
        label = page.locator(".figures-table td[data-label]").first.evaluate(
            "td => getComputedStyle(td, '::before').content")
        header = page.locator(".figures-table thead th").nth(1).text_content()
        assert header in label
        # and is still a table to a screen reader, its drawn labels not read twice
        tree = page.locator(".figures-table").first.aria_snapshot()
        assert f'columnheader "{header}"' in tree and "rowheader" in tree and f"cell \"{header}" not in tree
    context.close()


@pytest.mark.parametrize("text_size", ["standard", "larger"])
def test_the_figures_page_never_scrolls_sideways(browser, server, text_size):  # noqa: F811
    """Between a phone and a desktop a wide table scrolls in its own region, never the page (what is
    positioned inside it, such as a link's visually hidden words, included)."""
    for width in (360, 600, 800, 1024, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(f"localStorage.setItem('nianbao-text-size', '{text_size}')")
        page = context.new_page()
        for path in FIGURES_PAGES:
            page.goto(server + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        context.close()


def test_each_figure_link_is_named_by_its_figure(browser, server, shipped_site):  # noqa: F811
    """WCAG 2.4.4: the links "See the text" of the figures tables, one per figure, each say which."""
    page = browser.new_page()
    for path in FIGURES_PAGES:
        page.goto(server + path)
        tables = page.locator(".figures-table")
        tree = "\n".join(tables.nth(i).aria_snapshot() for i in range(tables.count()))
        names, labels = re.findall(r'link "([^"]+)"', tree), re.findall(r'rowheader "([^"]+)"', tree)
        rows = BeautifulSoup((shipped_site / path).read_text(encoding="utf-8"), "html.parser").select(
            ".figures-table tbody tr")
        assert len(names) == len(labels) == len(rows) > 30
        assert len(set(names)) == len(names), path
        visible = "见原文" if path.startswith("zh/") else "See the text"
        for name, label in zip(names, labels):
            assert name.startswith(visible) and flat(label) in flat(name), (name, label)
    page.close()


# Every a, button, input and summary the reader can reach, measured; a link within a sentence is
# exempt (2.5.8's "inline" exception: its height is the line's). A link counts as within a sentence
# when it is laid out inline and its block holds text of its own besides it: text nodes whose
# nearest block is the link's block, outside the link. A link alone in its list item, paragraph or
# cell (contents, navigation, "See the text", the footer's links) is not exempt.
SMALL_TARGETS = """() => {
    const isBlock = e => !getComputedStyle(e).display.startsWith('inline') && getComputedStyle(e).display !== 'contents';
    const blockOf = node => { let e = node.parentElement; while (!isBlock(e)) e = e.parentElement; return e; };
    function inSentence(link) {
        if (link.tagName !== 'A' || getComputedStyle(link).display !== 'inline') return false;
        const block = blockOf(link);
        const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!link.contains(node) && node.textContent.trim() && blockOf(node) === block) return true;
        }
        return false;
    }
    const small = [];
    for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
        if (!e.checkVisibility({visibilityProperty: true}) || inSentence(e)) continue;
        const box = e.getBoundingClientRect();
        if (box.width < 24 || box.height < 24) {
            small.push(`${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}" in ${e.parentElement.tagName.toLowerCase()}.${e.parentElement.className}: ${box.width.toFixed(1)} × ${box.height.toFixed(1)}`);
        }
    }
    return small;
}"""


def test_every_target_is_at_least_24_px_on_every_page(browser, server, shipped_site):  # noqa: F811
    """WCAG 2.2, 2.5.8 (target size, minimum) at 390 px, on every page of the site."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    small = {}
    for path in html_pages(shipped_site):
        page.goto(server + path)
        if found := page.evaluate(SMALL_TARGETS):
            small[path] = found
    context.close()
    assert small == {}


def test_the_exemption_for_links_in_a_sentence_is_narrow(browser, server):  # noqa: F811
    """The test above exempts only links inside a sentence: a link alone in its paragraph is measured."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "en/withheld/index.html")
    page.evaluate("""() => {
        const p = document.createElement('p');
        p.innerHTML = 'Words before <a href="#x" id="in-sentence">a link</a> and after.';
        const alone = document.createElement('p');
        alone.innerHTML = '<a href="#x" id="alone" style="font-size: 12px">alone</a>';
        document.querySelector('main').append(p, alone);
    }""")
    found = page.evaluate(SMALL_TARGETS)
    assert any('"alone"' in item for item in found)
    assert not any('"a link"' in item for item in found)
    page.close()


# --- Point 6: no file that no page links to ------------------------------------------------------

# What the server or the tools need, not a page: the 404 page (served for missing addresses),
# robots.txt and sitemap.xml (read by crawlers), the search index (fetched by the search script),
# and the build's own records (manifest.json for `nianbao verify`, nianbao-site.json marking the
# folder as nianbao's).
NOT_LINKED = {"404.html", "robots.txt", "sitemap.xml", "manifest.json", "nianbao-site.json"}


def test_every_file_of_the_site_is_reached_from_its_pages(shipped_site):
    """A crawl from the root page (and the 404 page) through every href, src and form action, the
    script a page loads by data-plotly, and the url()s of its stylesheets."""
    files = {p.relative_to(shipped_site).as_posix() for p in shipped_site.rglob("*") if p.is_file()}
    reached: set[str] = set()
    queue = ["index.html", "404.html"]
    while queue:
        name = queue.pop()
        if name in reached or name not in files:
            continue
        reached.add(name)
        text = (shipped_site / name).read_text(encoding="utf-8", errors="replace")
        if name.endswith(".html"):
            soup = BeautifulSoup(text, "html.parser")
            refs = [element.get(attribute) for attribute in ("href", "src", "action", "data-plotly")
                    for element in soup.find_all(attrs={attribute: True})]
        elif name.endswith(".css"):
            refs = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
        else:
            continue
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # outside the site, or this page
            base = "" if parts.path.startswith("/") else posixpath.dirname(name)
            target = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
            queue.append(posixpath.join(target, "index.html") if ref.endswith("/") else target)
    unreached = sorted(f for f in files - reached if f not in NOT_LINKED and not f.startswith("pagefind/"))
    assert unreached == []
    assert len(reached) > 50


# --- Point 9: print ---------------------------------------------------------------------------

def pdf_of(page, url: str, paper: str = "A4", **options) -> list:
    page.goto(url)
    return pypdf.PdfReader(io.BytesIO(page.pdf(format=paper, **options))).pages


def flat(text: str) -> str:
    """Text to compare: no white space, and ligatures ("ﬀ" in a PDF) as their letters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_printed_pages_have_margins_and_numbers(browser, server):  # noqa: F811
    page = browser.new_page()
    for path in ("zh/2022/full.html", "en/2022/full.html", "en/2022/figures/index.html"):
        pages = pdf_of(page, server + path)
        assert len(pages) > 3
        for number, sheet in enumerate(pages, 1):
            assert f"{number}/{len(pages)}" in flat(sheet.extract_text()), (path, number)
            left = []

            def visit(text, cm, tm, _font, _size):
                if text.strip():
                    left.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])
            sheet.extract_text(visitor_text=visit)
            assert min(left) >= 15 / 25.4 * 72, (path, number)  # 15 mm: no text at the paper's edge
    page.close()


def test_the_printed_full_report_opens_with_its_contents(browser, server, shipped_site):  # noqa: F811
    page = browser.new_page()
    pages = pdf_of(page, server + "en/2022/full.html")
    soup = BeautifulSoup((shipped_site / "en/2022/full.html").read_text(encoding="utf-8"), "html.parser")
    first = flat(pages[0].extract_text())
    assert flat(soup.h1.get_text()) in first  # the title, and not alone: every section listed
    for heading in soup.select(".full-section > h2"):
        assert flat(heading.get_text()) in first, heading.get_text()
    assert flat(soup.select(".full-section")[0].p.get_text())[:40] not in first  # the text starts on page 2
    # The list is shown on screen too, and links to each section in both languages.
    for lang in ("zh", "en"):
        page.goto(server + f"{lang}/2022/full.html")
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            links = page.locator(".full-report .page-toc a")
            assert links.first.is_visible()
            targets = [href.lstrip("#") for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")]
            assert targets == page.locator(".full-section").evaluate_all("s => s.map(e => e.id)")
    page.close()


def test_no_printed_page_ends_with_a_heading(browser, server, shipped_site):  # noqa: F811
    """A heading or a caption is printed with what follows it, on several paper sizes."""
    page = browser.new_page()
    ended = []
    for path in ("en/2022/full.html", "en/2022/figures/index.html"):
        soup = BeautifulSoup((shipped_site / path).read_text(encoding="utf-8"), "html.parser")
        headings = [flat(h.get_text()) for h in soup.select("main h2, main h3, main h4, main caption, main figcaption")]
        # the pages of the full report's contents end with a section's title: the text starts after them
        start = flat(soup.select_one(".full-section p").get_text())[:30] if soup.select_one(".full-section") else ""
        for paper in ("A4", "Letter", "A5", "Legal"):
            texts = [flat(sheet.extract_text()) for sheet in pdf_of(page, server + path, paper)]
            first = next(number for number, text in enumerate(texts) if start in text)
            ended += [(path, paper, number + 1, h) for number, text in enumerate(texts[:-1]) if number >= first
                      for h in headings if h and text.endswith(h)]
    page.close()
    assert ended == []


def test_the_browsers_footer_with_the_address_still_prints(browser, server):  # noqa: F811
    """Chromium's own headers and footers (the print dialog's option) give the page's address: the
    page's margin box must not take the footer's edge."""
    page = browser.new_page()
    pages = pdf_of(page, server + "en/2022/full.html", display_header_footer=True,
                   footer_template='<span class="url" style="font-size: 8px"></span>', header_template="<span></span>")
    assert (server + "en/2022/full.html") in pages[1].extract_text()
    page.close()


# --- Point 10: the 404 page at any address ------------------------------------------------------

class _NotFoundHandler(http.server.SimpleHTTPRequestHandler):
    """The site at the server's root; a missing address answered with 404.html and status 404, as
    servers are told to in docs/deploying.md."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def root_server(shipped_site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(_NotFoundHandler, directory=str(shipped_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.mark.parametrize("address", ["en/2022/typo/", "zh/2022/overview/missing.html", "a/b/c/d/e"])
def test_the_404_page_works_at_any_depth(browser, root_server, address):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems = collect_problems(page, expected_status="404")
    responses = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    response = page.goto(root_server + address)
    assert response.status == 404
    assert responses == [(404, root_server + address)]  # it needs no other file
    # styled: the site's stylesheet applies (its header rule, its body text size)
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert page.locator(".skip-link").evaluate("e => getComputedStyle(e).position") == "absolute"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    homes = {link.get_attribute("hreflang"): link.evaluate("a => a.href")
             for link in page.locator("main a[hreflang]").all()}
    switch = page.locator(".language-switch a")
    assert switch.get_attribute("hreflang") == "en" and switch.evaluate("a => a.href") == homes["en"]
    assert problems == []
    for hreflang, href in homes.items():
        assert href == urljoin(root_server, ("zh" if hreflang == "zh-CN" else "en") + "/index.html")
        home = page.goto(href)
        assert home.status == 200 and page.locator("html").get_attribute("lang") == hreflang
    context.close()


@pytest.mark.parametrize("width", [360, 390])
def test_every_table_of_every_page_fits_its_column_on_a_phone(browser, server, shipped_site, width):  # noqa: F811
    """Charts' tables too, in both languages: none wider than its column, none to scroll."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    for path in sorted(p.relative_to(shipped_site).as_posix() for p in shipped_site.rglob("*.html")):
        if "<table" not in (shipped_site / path).read_text(encoding="utf-8"):
            continue
        page.goto(server + path)
        too_wide = page.evaluate("""() => [...document.querySelectorAll('table')]
            .map(t => [t.className, t.getBoundingClientRect().width, t.parentElement.clientWidth])
            .filter(([name, table, column]) => table > column + 0.5)""")
        assert too_wide == [], (path, width)
    context.close()
