"""The PDF edition: each report, in each language, as one document printed by headless Chromium.

Why Chromium (measured in docs/pdf.md): it prints the same HTML and print style as the site and
draws the Plotly charts as readers see them, as vector graphics; it writes a tagged PDF with the
document's language, bookmarks from the headings and working links. What it leaves undone is done
here with pikepdf on the printed file: the contents' page numbers (a second printing, once the first
has shown where each part begins), fixed dates (the same sources give the same bytes), bookmark
titles whole again where a heading wrapped, and text that searches as written.

The document is served to the browser from memory, at an address that does not exist; every other
request is refused, so printing fetches nothing from outside. A PDF is kept in the build cache by
a digest of its HTML (which names the assets by their content) and of the browser, so a build that
changed nothing prints nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_module
import io
import mimetypes
import os
import posixpath
import re
import shutil
import unicodedata
import urllib.parse
import zlib
from dataclasses import dataclass, field
from pathlib import Path

# Where the browser believes the documents lie; .invalid never resolves (RFC 6761).
ORIGIN = "https://nianbao.invalid/"
# Part of every PDF's cache key: raise it when what is done to a printed file changes.
ENGINE = "chromium-2"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What the messages tell an editor to install: Debian's package names.
PACKAGES = "chromium fonts-noto-cjk"
CHART_TIMEOUT_MS = 20_000
PAPER = {"format": "A4", "width_px": 673}  # A4 less the print style's 16 mm side margins, in CSS px


@dataclass
class Document:
    """One PDF to print: its HTML and where it pretends to lie, beside the full report."""

    output: str  # "zh/2022/report-2022-zh.pdf"
    location: str  # "zh/2022/report-2022-zh.html": its links and assets are relative to it
    html: str
    lang: str
    title: str
    author: str
    date: dt.date  # its creation and modification date: the report's, so that a rebuild is identical
    anchors: list[str]  # the parts, whose first page the contents give
    headings: list[str] = field(default_factory=list)  # every heading's text, to mend the bookmarks


@dataclass
class Problem:
    """Why PDFs were not made: said once per build, as an error where the config requires them."""

    message: str
    hint: str


class Unavailable(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def find_browser() -> str | None:
    """Chromium's program: $NIANBAO_CHROMIUM, else the first of BROWSERS on the PATH, else the one
    Playwright downloads (``playwright install chromium``)."""
    chosen = os.environ.get("NIANBAO_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # no Playwright, or no driver: nothing downloaded either
        return None
    return path if path and Path(path).is_file() else None


def browser_identity(path: str) -> str:
    """What the cache key knows of the browser: its program's path, size and time."""
    status = Path(path).stat()
    return f"{Path(path).resolve()}:{status.st_size}:{status.st_mtime_ns}"


def cache_key(document: Document, browser: str) -> bytes:
    return hashlib.sha256("\0".join([ENGINE, browser, document.output, document.html, document.author,
                                     document.date.isoformat()]).encode("utf-8")).digest()


def print_documents(documents: list[Document], files: dict[str, bytes], cache: dict | None = None
                    ) -> tuple[dict[str, bytes], list[Problem]]:
    """Each document's PDF by output path, and what kept some from being made. ``files``: the
    site's files the documents load (stylesheets, scripts). ``cache``: the last build's PDFs by
    key, replaced by this build's."""
    previous = cache if cache is not None else {}
    browser_path = find_browser()
    if browser_path is None:
        return {}, [Problem("no PDF was made: Chromium, which prints them, is not installed",
                            f"install Debian's packages with `sudo apt install {PACKAGES}` (or set "
                            "NIANBAO_CHROMIUM to a Chromium program), or set `pdf: false` in site_config.yml")]
    identity = browser_identity(browser_path)
    made: dict[str, bytes] = {}
    kept: dict[bytes, bytes] = {}
    to_print = []
    for document in documents:
        key = cache_key(document, identity)
        if key in previous:
            made[document.output] = kept[key] = previous[key]
        else:
            to_print.append((key, document))
    problems: list[Problem] = []
    if to_print:
        try:
            with Printer(browser_path, files) as printer:
                # Every document starts loading at once: the browser loads and draws one while the
                # other prints (2 cores: about a second less for two documents).
                opened = [(key, document, printer.open(document)) for key, document in to_print]
                for key, document, page in opened:
                    try:
                        made[document.output] = kept[key] = printer.print(document, page)
                    except Unavailable as exc:
                        problems.append(exc.problem)
                    except Exception as exc:  # pikepdf or PDFium could not read what was printed
                        problems.append(Problem(f"{document.output} was not made: printing failed: "
                                                f"{_first_line(exc)}", "build again; if it fails again, report "
                                                "it with `nianbao --version`"))
        except Unavailable as exc:
            problems.append(exc.problem)
    if cache is not None:
        cache.clear()
        cache.update(kept)
    return made, problems


class Printer:
    """One browser, for every document of a build."""

    def __init__(self, browser_path: str, files: dict[str, bytes]):
        self.browser_path = browser_path
        self.files = files
        self.served: dict[str, bytes] = {}  # the documents' HTML, by where each pretends to lie
        self.context = None

    def __enter__(self) -> Printer:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise Unavailable(Problem("no PDF was made: the Python package playwright, which drives Chromium, "
                                      "is not installed", "reinstall nianbao (`pip install -e .`), which "
                                      "installs it, or set `pdf: false` in site_config.yml"))
        self.error_type = Error
        try:
            self.playwright = sync_playwright().start()
        except Exception as exc:  # its driver cannot start: an asyncio loop runs here, a broken install
            raise Unavailable(Problem(f"no PDF was made: Playwright could not start ({exc})",
                                      "reinstall nianbao, or set `pdf: false` in site_config.yml"))
        try:
            self.browser = self.playwright.chromium.launch(executable_path=self.browser_path)
        except Error as exc:
            self.playwright.stop()
            raise Unavailable(Problem(f"no PDF was made: Chromium ({self.browser_path}) did not start: "
                                      f"{_first_line(exc)}", f"check that `{self.browser_path} --version` runs, "
                                      f"or reinstall it (`sudo apt install {PACKAGES}`)"))
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self.context is not None:
                self.context.close()
            self.browser.close()
        finally:
            self.playwright.stop()

    def open(self, document: Document):
        """A page for ``document``, which starts loading it; None if it could not start."""
        self.served[document.location] = document.html.encode("utf-8")
        try:
            if self.context is None:  # one for every document: each page of its own costs ~0.4 s
                self.context = self.browser.new_context(viewport={"width": PAPER["width_px"], "height": 1000},
                                                        service_workers="block")
                self.context.route("**/*", self._serve)
                # Every chart at once: on screen they wait until they come near (IntersectionObserver).
                self.context.add_init_script("delete window.IntersectionObserver;")
            page = self.context.new_page()
            page.goto(ORIGIN + document.location, wait_until="commit")
        except self.error_type:
            return None
        return page

    def print(self, document: Document, page) -> bytes:
        if page is None:
            raise Unavailable(Problem(f"{document.output} was not made: Chromium could not open it",
                                      "build again; if it fails again, report it with `nianbao --version`"))
        try:
            page.wait_for_load_state("load")
            page.emulate_media(media="print")
            self._wait_for_charts(page, document)
            first = page.pdf(**PRINT_OPTIONS)
            pages = first_pages(first, document.anchors)
            if pages:  # the contents with page numbers: printed again, nothing else moves
                page.evaluate(FILL_CONTENTS, {anchor: str(number) for anchor, number in pages.items()})
                printed = page.pdf(**PRINT_OPTIONS)
            else:
                printed = first
            shown = page.evaluate(SHOWN_TEXT)
            mapped = unicode_mapped(printed)
            unified = self._unify(page, mapped, shown)
        except self.error_type as exc:
            raise Unavailable(Problem(f"{document.output} was not made: printing failed: {_first_line(exc)}",
                                      "build again; if it fails again, report it with `nianbao --version`"))
        finally:
            page.close()
        missing = missing_characters(shown, "".join(mapped) + "".join(unified.values()))
        if missing:
            sample = "".join(sorted(missing)[:12])
            raise Unavailable(Problem(
                f"{document.output} was not made: no installed font has {len(missing)} of its characters "
                f"({sample}{'…' if len(missing) > 12 else ''}), which it would show as empty boxes",
                f"install a font that has them: `sudo apt install {PACKAGES}` (Noto CJK)"))
        return finish(printed, document, unified)

    def _unify(self, page, mapped: set[str], shown: str) -> dict[str, str]:
        """The character of the text each radical in the PDF's Unicode maps (``mapped``) stands for:
        the one of the text that no map gives (its glyph went to the radical), by its compatibility
        form or, failing that (⼾ is 戶 there, but the glyph is 户's), by the font's drawing of both."""
        radicals = sorted(c for c in mapped if RADICAL.match(c) and c not in shown)
        unmapped = {c for c in shown if c not in mapped and unicodedata.category(c) == "Lo"}
        unified = {}
        for radical in radicals:
            character = unicodedata.normalize("NFKC", radical)
            if character in unmapped:
                unified[radical] = character
        rest = [radical for radical in radicals if radical not in unified]
        if rest and unmapped - set(unified.values()):
            unified.update(page.evaluate(SAME_GLYPH, [rest, sorted(unmapped - set(unified.values()))]))
        return unified

    def _serve(self, route) -> None:
        url = route.request.url
        if not url.startswith(ORIGIN):
            route.abort("blockedbyclient")  # nothing from outside, ever
            return
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        body = self.served.get(path, self.files.get(path))
        if body is None:
            route.fulfill(status=404, body=b"")
            return
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        route.fulfill(status=200, body=body, content_type=kind)

    def _wait_for_charts(self, page, document: Document) -> None:
        waited = 0
        while not page.evaluate(CHARTS_SETTLED):
            if waited >= CHART_TIMEOUT_MS:
                raise Unavailable(Problem(f"{document.output} was not made: its charts were not drawn within "
                                          f"{CHART_TIMEOUT_MS // 1000} s", "build again on a less busy machine"))
            page.wait_for_timeout(50)
            waited += 50
        if page.evaluate("document.querySelectorAll('.chart-plot.chart-failed').length"):
            raise Unavailable(Problem(f"{document.output} was not made: a chart could not be drawn",
                                      "check the chart in the browser (nianbao serve) and build again"))


PRINT_OPTIONS = {"format": PAPER["format"], "print_background": True, "prefer_css_page_size": True,
                 "tagged": True, "outline": True}

CHARTS_SETTLED = """() => [...document.querySelectorAll('.chart-plot[data-figure]')]
  .every(plot => plot.hasAttribute('data-drawn') || plot.classList.contains('chart-failed'))"""

FILL_CONTENTS = """pages => {
  for (const place of document.querySelectorAll('[data-page-of]')) {
    place.textContent = pages[place.getAttribute('data-page-of')] || '';
  }
}"""

# The text the document shows, once printed: what must be in the PDF, each character in a font
# that has it (innerText leaves out what the print style hides; the words kept for screen readers
# only are not drawn either).
SHOWN_TEXT = """() => {
  document.querySelectorAll('.visually-hidden').forEach(node => node.remove());
  return document.body.innerText;
}"""


# Which character each radical stands for: the one the font draws with the same glyph.
SAME_GLYPH = """([radicals, characters]) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  context.font = '48px ' + getComputedStyle(document.body).fontFamily;
  const drawn = text => {
    context.clearRect(0, 0, 64, 64);
    context.fillText(text, 4, 52);
    return context.getImageData(0, 0, 64, 64).data.join();
  };
  const glyphs = new Map(characters.map(character => [drawn(character), character]));
  const unified = {};
  for (const radical of radicals) {
    const character = glyphs.get(drawn(radical));
    if (character) unified[radical] = character;
  }
  return unified;
}"""


def first_pages(pdf: bytes, anchors: list[str]) -> dict[str, int]:
    """The page (from 1) on which each anchor lies, from the printed file's named destinations."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        destinations = document.Root.get("/Dests") or {}
        pages = {}
        for anchor in anchors:
            destination = destinations.get("/" + anchor)
            if destination is not None:
                pages[anchor] = document.pages.index(pikepdf.Page(destination[0])) + 1
        return pages


def finish(pdf: bytes, document: Document, unified: dict[str, str]) -> bytes:
    """The printed file with fixed dates and metadata, whole bookmark titles, and the characters
    ``unified`` maps (a radical to the character the text holds) mended in what its text extracts to."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as printed:
        stamp = document.date.strftime("D:%Y%m%d000000Z")
        printed.docinfo = printed.make_indirect(pikepdf.Dictionary(
            Title=document.title, Author=document.author, Creator="nianbao",
            Producer="nianbao with Chromium (Skia/PDF) and pikepdf", CreationDate=stamp, ModDate=stamp))
        if "/Lang" not in printed.Root:
            printed.Root.Lang = document.lang
        _mend_bookmarks(printed, document.headings)
        _stable_ids(printed)
        if unified:
            _mend_text(printed, unified)
        out = io.BytesIO()
        printed.save(out, deterministic_id=True)  # an /ID from the content: the same sources, the same bytes
        return out.getvalue()


def _stable_ids(printed) -> None:
    """Chromium names the tagged elements that a table's cells refer to after its own DOM nodes
    (node00000251), whose numbers vary from one printing to the next: they are numbered again in
    the order the structure tree holds them."""
    import pikepdf

    tree = printed.Root.get("/StructTreeRoot")
    if tree is None or "/IDTree" not in tree:
        return
    renamed: dict[bytes, pikepdf.String] = {}
    named, headed = [], []
    stack = [tree.get("/K")]
    while stack:  # depth first, in document order
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if "/ID" in node:
                renamed[bytes(node.ID)] = pikepdf.String(f"node{len(renamed) + 1:08d}")
                named.append(node)
            attributes = node.get("/A")
            for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
                if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                    headed.append(attribute)
            stack.append(node.get("/K"))
    for node in named:
        node.ID = renamed[bytes(node.ID)]
    for attribute in headed:
        attribute.Headers = pikepdf.Array([renamed.get(bytes(name), name) for name in attribute.Headers])
    names = pikepdf.Array()
    for node in named:  # numbered in order, so already sorted as a name tree must be
        names.extend([node.ID, node])
    tree.IDTree = printed.make_indirect(pikepdf.Dictionary(Names=names))


def _mend_bookmarks(printed, headings: list[str]) -> None:
    """Chromium drops the space where a heading wrapped ("Foreign AffairsOffice"): each bookmark
    whose title is a heading's without its spaces gets the heading's."""
    by_letters = {re.sub(r"\s+", "", heading): heading for heading in headings}
    with printed.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            heading = by_letters.get(re.sub(r"\s+", "", item.title or ""))
            if heading is not None and heading != item.title:
                item.title = heading
            stack.extend(item.children)


# Chromium writes, for each glyph, the first character the font draws with it: for 工 the Kangxi
# radical ⼯ (U+2F2F), for 见 the radical ⻅, so a reader's search for 工作 would not find it. Which
# character a radical stands for is found by drawing both (Printer.unify); here it is put right.
RADICAL = re.compile("[\u2e80-\u2fdf]")
CMAP_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)


def unicode_mapped(pdf: bytes) -> set[str]:
    """Every character the PDF's fonts map a glyph to (their ToUnicode maps)."""
    import pikepdf

    mapped: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as printed:
        for font in _fonts(printed):
            cmap = font.get("/ToUnicode")
            if cmap is None:
                continue
            for kind, block in CMAP_BLOCK.findall(cmap.read_bytes()):
                for line in block.decode("latin-1").splitlines():
                    codes = re.findall(r"<([0-9A-Fa-f]+)>", line)
                    if kind == b"bfrange" and len(codes) >= 3 and "[" not in line:
                        low, high, first = int(codes[0], 16), int(codes[1], 16), _utf16(codes[2])
                        if len(first) == 1:
                            mapped.update(chr(ord(first) + step) for step in range(high - low + 1))
                        continue
                    for code in codes[1 if kind == b"bfchar" else 2:]:
                        mapped.update(_utf16(code))
    return mapped


def _utf16(hex_code: str) -> str:
    try:
        return bytes.fromhex(hex_code).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return ""


def _mend_text(printed, unified: dict[str, str]) -> None:
    import pikepdf

    codes = {f"<{ord(radical):04X}>": f"<{ord(character):04X}>" for radical, character in unified.items()}

    def mend_block(match: re.Match) -> bytes:
        lines = []
        for line in match.group(2).decode("latin-1").split("\n"):
            tokens = line.split(" ", 2 if match.group(1) == b"bfrange" else 1)
            if len(tokens) > 1:  # what a code maps to, never the code
                tokens[-1] = re.sub(r"<[0-9A-Fa-f]{4}>", lambda m: codes.get(m.group(0).upper(), m.group(0)),
                                    tokens[-1])
            lines.append(" ".join(tokens))
        return b"begin" + match.group(1) + "\n".join(lines).encode("latin-1") + b"end" + match.group(1)

    seen = set()
    for font in _fonts(printed):
        cmap = font.get("/ToUnicode")
        if cmap is None or cmap.objgen in seen:
            continue
        seen.add(cmap.objgen)
        data = cmap.read_bytes()
        mended = CMAP_BLOCK.sub(mend_block, data)
        if mended != data:
            cmap.write(zlib.compress(mended), filter=pikepdf.Name.FlateDecode)


def _fonts(printed):
    """Every font of the document: the pages', and those of the forms and fonts they draw."""
    seen: set = set()
    stack = [page.obj.get("/Resources") for page in printed.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        for group, nested in (("/Font", True), ("/XObject", True)):
            for item in (resources.get(group) or {}).values():
                if item.objgen in seen and item.objgen != (0, 0):
                    continue
                seen.add(item.objgen)
                if group == "/Font":
                    yield item
                stack.append(item.get("/Resources"))


def pdf_text(pdf: bytes) -> str:
    """A PDF's text as a reader's search or copy gets it: every page's (PDFium reads it, as Chrome's
    viewer does), and its metadata, bookmarks and links."""
    import pikepdf
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        parts = []
        for page in document:
            text_page = page.get_textpage()
            parts.append(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        document.close()
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        parts += [str(value) for value in opened.docinfo.values()]
        with opened.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                parts.append(item.title or "")
                stack.extend(item.children)
        for page in opened.pages:
            for annotation in page.obj.get("/Annots") or []:
                action = annotation.get("/A")
                if action is not None and "/URI" in action:
                    parts.append(str(action.URI))
    return "\n".join(parts)


def missing_characters(shown: str, extracted: str) -> set[str]:
    """The characters of the document's text that its PDF's text lacks: drawn in no font (a glyph
    missing from every font is drawn as an empty box that maps to no character, or to U+0000)."""
    have = set(unicodedata.normalize("NFKC", extracted))
    return {character for character in set(shown)
            if not character.isspace() and unicodedata.category(character)[0] not in "CZ"
            and character not in have and unicodedata.normalize("NFKC", character) not in have}


# --- the document's HTML --------------------------------------------------------------------------

LINK = re.compile(r'<a href="([^"]*)"')


def resolve_links(html: str, location: str, base_url: str | None) -> str:
    """The document's links as a PDF can keep them: to a place in the document as they are, to
    another page of the site at the site's address (``base_url``) or, without it, not at all (a
    PDF read from a download folder has no site beside it)."""
    def resolved(match: re.Match) -> str:
        href = match.group(1)
        if href.startswith("#") or urllib.parse.urlsplit(href).scheme:
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(location), href.replace("&amp;", "&")))
        if base_url:
            return f'<a href="{base_url.rstrip("/")}/{target}"'
        return "<a"
    return LINK.sub(resolved, html)


HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def headings(html: str) -> list[str]:
    """The text of each heading of the document's HTML, as its bookmark should read."""
    return [" ".join(html_module.unescape(TAG.sub("", found)).split()) for found in HEADING.findall(html)]


def css_string(text: str) -> str:
    """``text`` as a CSS string that is safe inside <style>: every character but letters and
    digits escaped."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text) + '"'


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
