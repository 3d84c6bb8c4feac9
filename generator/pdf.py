"""The PDF edition: each report, in each language, as one document printed by headless Chromium.

Why Chromium (measured in docs/pdf.md): it prints the same HTML and print style as the site and
draws the Plotly charts as readers see them, as vector graphics; it writes a tagged PDF with the
document's language, bookmarks from the headings and working links. What it leaves undone is done
here with pikepdf on the printed file: the contents' page numbers (a second printing, once the first
has shown where each part begins), fixed dates and tagged ids (the same sources give the same
bytes), bookmark titles whole again where a heading wrapped, and text that searches as written.
A PDF in which a character has no font is not published.

The documents print at once, each its own site to the browser (so its own process), in a thread
beside the build's rendering of the pages. They are served to the browser from memory, at
addresses that do not exist; every other request is refused, so printing fetches nothing from
outside. A PDF is kept in the build cache by a digest of its HTML (which names the assets by their
content) and of the browser, so a build that changed nothing prints nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import html as html_module
import io
import mimetypes
import os
import posixpath
import re
import shutil
import tempfile
import threading
import unicodedata
import urllib.parse
import zlib
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

# Where the browser believes the documents lie; .invalid never resolves (RFC 6761). Each document has
# a site of its own (nianbao-1.invalid …), so a process of its own: the documents load and draw
# their charts on separate cores.
HOST = re.compile(r"nianbao-\d+\.invalid")
# Part of every PDF's cache key: raise it when what is done to a printed file changes.
ENGINE = "chromium-2"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What the messages tell an editor to install: Debian's package names.
PACKAGES = "chromium fonts-noto-cjk"
CHART_TIMEOUT_MS = 20_000
LAUNCH_TIMEOUT_MS = 30_000
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


def locate_browser() -> str:
    """Chromium's program: $NIANBAO_CHROMIUM, else the first of BROWSERS on the PATH, else the one
    Playwright downloads (``playwright install chromium``); Unavailable, saying what to do, if none."""
    chosen = os.environ.get("NIANBAO_CHROMIUM")
    if chosen:
        if Path(chosen).is_file() and os.access(chosen, os.X_OK):
            return chosen
        raise Unavailable(Problem(f"no PDF was made: NIANBAO_CHROMIUM names {chosen}, which is not a program",
                                  "set NIANBAO_CHROMIUM to Chromium's program (e.g. /usr/bin/chromium), or unset it"))
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    try:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # no Playwright, or no driver: nothing downloaded either
        path = None
    if path and Path(path).is_file():
        return path
    raise Unavailable(Problem("no PDF was made: Chromium, which prints them, is not installed",
                              f"install Debian's packages with `sudo apt install {PACKAGES}` (or set "
                              "NIANBAO_CHROMIUM to a Chromium program), or set `pdf: false` in site_config.yml"))


def report_problems(problems: list[Problem], required: bool, config_path: Path, diagnostics) -> None:
    """What kept PDFs from being made, said once: a warning, or an error where the config requires
    them (``pdf: required``), at the config's ``pdf:`` line."""
    if not problems:
        return
    line = next((number for number, text in enumerate(config_path.read_text(encoding="utf-8").splitlines(), 1)
                 if text.startswith("pdf:")), None)
    message = problems[0].message
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more PDF(s) not made)"
    if required:
        diagnostics.error(config_path, message, line=line, hint=problems[0].hint + " (pdf: required)")
    else:
        diagnostics.warning(config_path, message + "; everything else is built", line=line, hint=problems[0].hint)


def browser_identity(path: str) -> str:
    """What the cache key knows of the browser: its program's path, size and time."""
    status = Path(path).stat()
    return f"{Path(path).resolve()}:{status.st_size}:{status.st_mtime_ns}"


def cache_key(document: Document, browser: str) -> bytes:
    return hashlib.sha256("\0".join([ENGINE, browser, document.output, document.html, document.author,
                                     document.date.isoformat()]).encode("utf-8")).digest()


def print_documents(documents: list[Document], files: dict[str, bytes], cache: dict | None = None,
                    printing: Printing | None = None) -> tuple[dict[str, bytes], list[Problem]]:
    """Each document's PDF by output path, and what kept some from being made. ``files``: the
    site's files the documents load (stylesheets, scripts). ``cache``: the last build's PDFs by
    key, replaced by this build's. Runs an event loop: call it where none runs (start_printing)."""
    previous = cache if cache is not None else {}
    try:
        browser_path = locate_browser()
    except Unavailable as exc:
        return {}, [exc.problem]
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
        work = _print_all(browser_path, files, [document for _, document in to_print])
        printed = asyncio.run(printing.cancellable(work) if printing is not None else work)
        for (key, document), result in zip(to_print, printed):
            if isinstance(result, Problem):
                problems.append(result)
            else:
                made[document.output] = kept[key] = result
    if cache is not None:
        cache.clear()
        cache.update(kept)
    return made, problems


def start_printing(documents: list[Document], files: dict[str, bytes], cache: dict | None = None) -> Printing:
    """``print_documents`` in a thread of its own, so that the build goes on meanwhile (and its
    event loop is none of the caller's); its result: ``.result()``."""
    return Printing(documents, files, cache)


class Printing:
    """PDFs printing in a thread: ``result()`` waits for them; ``cancel()`` stops them at once,
    the browser closed (a build stopped by Ctrl-C or SIGTERM leaves no browser running)."""

    def __init__(self, documents: list[Document], files: dict[str, bytes], cache: dict | None) -> None:
        self.running: tuple[asyncio.AbstractEventLoop, asyncio.Task] | None = None
        self.cancelled = False
        self.lock = threading.Lock()
        thread = ThreadPoolExecutor(1, thread_name_prefix="nianbao-pdf")
        self.future: Future = thread.submit(lambda: print_documents(documents, files, cache, self))
        thread.shutdown(wait=False)

    def result(self) -> tuple[dict[str, bytes], list[Problem]]:
        return self.future.result()

    async def cancellable(self, work):
        """``work`` run as a task that ``cancel()`` can stop (its ``finally`` closes the browser)."""
        with self.lock:
            self.running = asyncio.get_running_loop(), asyncio.current_task()
            if self.cancelled:
                self.running[1].cancel()
        try:
            return await work
        finally:
            with self.lock:  # its loop is closed next: nothing more to cancel
                self.running = None

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            if self.running is not None:
                loop, task = self.running
                loop.call_soon_threadsafe(task.cancel)
        wait([self.future])


async def _print_all(browser_path: str, files: dict[str, bytes], documents: list[Document]) -> list[bytes | Problem]:
    """Every document printed in one browser, all at once: each is its own site to the browser, so
    its own process, and they load, draw and print on separate cores."""
    try:
        from playwright.async_api import Error, async_playwright
    except ImportError:
        return [Problem("no PDF was made: the Python package playwright, which drives Chromium, is not installed",
                        "reinstall nianbao (`pip install -e .`), which installs it, or set `pdf: false` in "
                        "site_config.yml")] * len(documents)
    try:
        playwright = await _let_start(async_playwright().start(), lambda driver: driver.stop())
    except Exception as exc:  # its driver cannot start: a broken install
        return [Problem(f"no PDF was made: Playwright could not start ({_first_line(exc)})",
                        "reinstall nianbao, or set `pdf: false` in site_config.yml")] * len(documents)
    browser = None
    # Chromium's own temporary folders go into one of ours, removed after it: a browser stopped
    # abruptly (Ctrl-C reaches the whole process group, and its driver then kills it) leaves them behind.
    scratch = tempfile.mkdtemp(prefix="nianbao-browser-")
    try:
        try:
            browser = await _let_start(playwright.chromium.launch(
                executable_path=browser_path, timeout=LAUNCH_TIMEOUT_MS, env={**os.environ, "TMPDIR": scratch}),
                lambda started: started.close())
        except Error as exc:
            return [Problem(f"no PDF was made: Chromium ({browser_path}) did not start: {_first_line(exc)}",
                            f"check that `{browser_path} --version` runs, or reinstall it "
                            f"(`sudo apt install {PACKAGES}`)")] * len(documents)
        served = {document.location: document.html.encode("utf-8") for document in documents}
        context = await browser.new_context(viewport={"width": PAPER["width_px"], "height": 1000},
                                            service_workers="block")
        await context.route("**/*", lambda route: _serve(route, served, files))
        # Every chart at once: on screen they wait until they come near (IntersectionObserver).
        await context.add_init_script("delete window.IntersectionObserver;")
        return await asyncio.gather(*(_print_one(context, document, number, Error)
                                      for number, document in enumerate(documents, 1)))
    finally:  # also when cancelled (Printing.cancel): the browser closed as it should, then its driver
        if browser is not None:
            with contextlib.suppress(Exception):
                await browser.close()
        await playwright.stop()
        shutil.rmtree(scratch, ignore_errors=True)


async def _let_start(starting, stop):
    """What ``starting`` starts (Playwright's driver, the browser), let start even when cancelled
    meanwhile (Printing.cancel), then stopped with ``stop`` before the cancel goes on: one cancelled
    while it starts is never closed, and leaves its pipes to be closed after the event loop (a
    traceback at exit) and its folders behind."""
    task = asyncio.ensure_future(starting)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await stop(await task)
        raise


async def _print_one(context, document: Document, number: int, error_type) -> bytes | Problem:
    """One document's PDF, or why it was not made."""
    try:
        page = await context.new_page()
        try:
            await page.goto(f"https://nianbao-{number}.invalid/{document.location}", wait_until="load")
            await page.emulate_media(media="print")
            problem = await _wait_for_charts(page, document)
            if problem:
                return problem
            first = await page.pdf(**PRINT_OPTIONS)
            pages = await asyncio.to_thread(first_pages, first, document.anchors)
            if pages:  # the contents with page numbers: printed again, nothing else moves
                await page.evaluate(FILL_CONTENTS, {anchor: str(first_page) for anchor, first_page in pages.items()})
                printed = await page.pdf(**PRINT_OPTIONS)
            else:
                printed = first
            shown = await page.evaluate(SHOWN_TEXT)
            mapped = await asyncio.to_thread(unicode_mapped, printed)
            unified = await _unify(page, mapped, shown)
        finally:
            await page.close()
    except error_type as exc:
        return Problem(f"{document.output} was not made: printing failed: {_first_line(exc)}",
                       "build again; if it fails again, report it with `nianbao --version`")
    except Exception as exc:  # pikepdf could not read what was printed
        return Problem(f"{document.output} was not made: printing failed: {_first_line(exc)}",
                       "build again; if it fails again, report it with `nianbao --version`")
    missing = missing_characters(shown, "".join(mapped) + "".join(unified.values()))
    if missing:
        sample = "".join(sorted(missing)[:12])
        chinese = any(unicodedata.name(c, "").startswith("CJK") for c in missing)
        return Problem(
            f"{document.output} was not made: no installed font has {len(missing)} of its characters "
            f"({sample}{'…' if len(missing) > 12 else ''}), which it would show as empty boxes",
            f"install a font that has them: `sudo apt install {PACKAGES}` (Noto CJK)" if chinese else
            "install a font that has them (for emoji, Debian's fonts-noto-color-emoji), or write the text "
            "without them")
    return await asyncio.to_thread(finish, printed, document, unified)


async def _unify(page, mapped: set[str], shown: str) -> dict[str, str]:
    """The character of the text each radical in the PDF's Unicode maps (``mapped``) stands for:
    the one of the text that no map gives (its glyph went to the radical), by its compatibility
    form or Unicode's equivalent ideograph or, failing both (⼾ is 戶 there, but the glyph is
    户's), by the font's drawing of both."""
    from .leaks import radical_equivalents

    radicals = sorted(c for c in mapped if RADICAL.match(c) and c not in shown)
    unmapped = {c for c in shown if c not in mapped and unicodedata.category(c) == "Lo"}
    unified = {}
    for radical in radicals:
        for character in (unicodedata.normalize("NFKC", radical), radical_equivalents().get(ord(radical))):
            if character in unmapped:
                unified[radical] = character
                break
    rest = [radical for radical in radicals if radical not in unified]
    if rest and unmapped - set(unified.values()):
        unified.update(await page.evaluate(SAME_GLYPH, [rest, sorted(unmapped - set(unified.values()))]))
    return unified


async def _serve(route, served: dict[str, bytes], files: dict[str, bytes]) -> None:
    parts = urllib.parse.urlsplit(route.request.url)
    if parts.scheme != "https" or not HOST.fullmatch(parts.hostname or ""):
        await route.abort("blockedbyclient")  # nothing from outside, ever
        return
    path = urllib.parse.unquote(parts.path).lstrip("/")
    body = served.get(path, files.get(path))
    if body is None:
        await route.fulfill(status=404, body=b"")
        return
    await route.fulfill(status=200, body=body, content_type=mimetypes.guess_type(path)[0] or "application/octet-stream")


async def _wait_for_charts(page, document: Document) -> Problem | None:
    waited = 0
    while not await page.evaluate(CHARTS_SETTLED):
        if waited >= CHART_TIMEOUT_MS:
            return Problem(f"{document.output} was not made: its charts were not drawn within "
                           f"{CHART_TIMEOUT_MS // 1000} s", "build again on a less busy machine")
        await asyncio.sleep(0.05)
        waited += 50
    if await page.evaluate("document.querySelectorAll('.chart-plot.chart-failed').length"):
        return Problem(f"{document.output} was not made: a chart could not be drawn",
                       "check the chart in the browser (nianbao serve) and build again")
    return None


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
    """The printed file with fixed dates, metadata and tagged ids, whole bookmark titles, and the characters
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
# character a radical stands for is found by _unify; here it is put right.
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


@functools.lru_cache(maxsize=8)  # the withheld check and the leak check read the same PDFs
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


def resolve_links(html: str, location: str, base_url: str | None, inside: dict[str, str] | None = None) -> str:
    """The document's links as a PDF can keep them: to a place in the document as they are; to a
    page the document holds (``inside``: its path in the site → its part's anchor) at that place;
    to another page of the site at the site's address (``base_url``) or, without it, not at all (a
    PDF read from a download folder has no site beside it)."""
    inside = inside or {}
    ids = set(ID.findall(html))

    def resolved(match: re.Match) -> str:
        href = html_module.unescape(match.group(1))
        if href.startswith("#") or urllib.parse.urlsplit(href).scheme:
            return match.group(0)
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(location), path or posixpath.basename(location)))
        if path.endswith("/") or not posixpath.splitext(target)[1]:
            target = posixpath.join(target, "index.html")
        if target in inside:
            return f'<a href="#{html_module.escape(fragment if fragment in ids else inside[target])}"'
        if base_url:
            return f'<a href="{html_module.escape(base_url.rstrip("/") + "/" + target + ("#" + fragment if fragment else ""))}"'
        return "<a"
    return LINK.sub(resolved, html)


ID = re.compile(r'\sid="([^"]+)"')
HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def headings(html: str) -> list[str]:
    """The text of each heading of the document's HTML, as its bookmark should read."""
    return [" ".join(html_module.unescape(TAG.sub("", found)).split()) for found in HEADING.findall(html)]


def running_header(title: str, columns: int = 90) -> str:
    """A title short enough for one line of the running header: at most ``columns`` columns (a
    Chinese character takes two), cut with "…"."""
    width = 0
    for index, character in enumerate(title):
        width += 2 if unicodedata.east_asian_width(character) in "WF" else 1
        if width > columns:
            return title[:index].rstrip() + "…"
    return title


def css_string(text: str) -> str:
    """``text`` as a CSS string that is safe inside <style>: every character but letters and
    digits escaped."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text) + '"'


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
