"""The public edition fails closed: no file it would write carries anything marked withheld.

The masking (``markdown.withheld_plugin``, ``withheld.Withholding``) replaces every withheld
span before it reaches the model, so a public file never has an element marked withheld, nor
the span syntax as text. This check is the second line, independent of how the masking is
done: after rendering and before anything is written, every file is read as a browser or a
program would (gzip undone, HTML entities and JSON escapes decoded) and any mark of withheld
content fails the build, naming the file, the line and the sources of that page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .leaks import is_vendored, unescape_js, vendored_sources
from .markdown import ATTRIBUTES_WITHHELD
from .pdf import pdf_text
from .scan import check_files, gunzipped

# An element marked withheld (by class or a data attribute), also where escaped into text or JSON
# (class=\"withheld\"), and the attribute syntax {… withheld …} left as text: what a public file never holds.
MARKED = re.compile(rf"""\bclass\s*=\s*\\?["']?[^"'<>]*?\bwithheld(?![a-z])|\bdata-withheld|{ATTRIBUTES_WITHHELD}""",
                    re.IGNORECASE)
TAG = re.compile(r"<[^<>]*>")
PERCENT_ESCAPE = re.compile("%[0-9a-fA-F]{2}")  # what unquote decodes
BINARY = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".wasm")


@dataclass(frozen=True)
class Marked:
    file: str
    line: int
    column: int
    found: str


def find_marked(files: dict[str, bytes], kept: dict | None = None, jobs: int | None = None) -> list[Marked]:
    """Every place a file would publish something marked withheld (one per file). The theme's own
    scripts and styles and plotly.js, byte for byte as shipped, hold no content and are skipped.
    ``kept``: each file's result from the last check (see scan.py)."""
    return check_files(files, _marked_in, (), kept, b"marked", jobs)


def _marked_in(files: dict[str, bytes]) -> list[Marked]:
    found = []
    vendored = vendored_sources()
    for name in sorted(files):
        if name.lower().endswith(BINARY) or is_vendored(name, files[name], vendored):
            continue
        text = _readable(files[name])
        if "&" not in text and "\\u" not in text and "\\x" not in text and not WITHHELD_WORD.search(text):
            continue  # nothing could spell it, even encoded: most files, and the large scripts
        for view in _views(text):
            match = _search(view)
            if match:
                line = view.count("\n", 0, match.start()) + 1
                column = match.start() - (view.rfind("\n", 0, match.start()) + 1) + 1
                found.append(Marked(name, line, column, match.group(0)))
                break
    return found


def _views(text: str):
    """As written, as a browser shows it, as a script decodes it, and without the tags a page puts
    inside text (<span lang="en">); a view that decoding would not change is not read twice."""
    yield text
    if "&" in text:
        yield html.unescape(text)
    if "\\" in text:
        yield unescape_js(text)
    if "<" in text:
        yield html.unescape(TAG.sub("", text))
    if "%" in text:  # an address: %5B锦江%5D%7B.withheld%7D (read when it has an escape to undo)
        unescaped = html.unescape(text)
        if PERCENT_ESCAPE.search(unescaped):
            yield unquote(unescaped)


def _search(view: str) -> re.Match[str] | None:
    """MARKED near each "withheld" of ``view`` only: a long line of minified code stays linear."""
    lowered = view.lower()
    if len(lowered) != len(view):  # a character that lower-cases to two (İ): found where it stands
        return next((match for word in WITHHELD_WORD.finditer(view)
                     if (match := _marked_before(view, view[max(0, word.start() - WINDOW):word.start()].lower(),
                                                 word.start()))), None)
    start = lowered.find("withheld")
    while start != -1:
        match = _marked_before(view, lowered[max(0, start - WINDOW):start], start)
        if match:
            return match
        start = lowered.find("withheld", start + 1)
    return None


def _marked_before(view: str, before: str, start: int) -> re.Match[str] | None:
    """MARKED ending with the "withheld" at ``start`` of ``view``, ``before`` being the lower-cased
    window before it."""
    if _may_be_marked(before):
        return MARKED.search(view, start - len(before), start + len("withheld") + 1)
    return None


WITHHELD_WORD = re.compile("withheld", re.IGNORECASE)
WINDOW = 200  # how far before "withheld" its class attribute or brace may stand


def _may_be_marked(before: str) -> bool:
    """Whether MARKED can match with a "withheld" that ``before`` (lower-cased) precedes: most are a
    mask's label ("2 characters withheld"), and the regular expression is tried only where one of
    its three forms could end there."""
    if before.endswith("data-"):
        return True
    # {… withheld …}: a brace with no brace or line break between it and the word
    brace = max(before.rfind("{"), before.rfind("}"), before.rfind("\n"))
    if brace != -1 and before[brace] == "{":
        return True
    # class="… withheld": no quote or angle bracket between the value's start and the word, so
    # "class" stands after the last one, or right before it (class = "…)
    quote = max(before.rfind('"'), before.rfind("'"), before.rfind("<"), before.rfind(">"))
    if "class" in before[max(quote, 0):]:
        return True
    if quote > 0 and before[quote] in "\"'":
        end = quote  # back over the white space, "=" and "\\" (JSON) before the quote
        while end > 0 and (before[end - 1].isspace() or before[end - 1] in "=\\"):
            end -= 1
        return before.endswith("class", 0, end)
    return False


def _readable(data: bytes) -> str:
    """The file as text; Pagefind's index files are compressed; a PDF's, its text."""
    if data.startswith(b"%PDF-"):
        try:
            return pdf_text(data)
        except Exception:  # one that cannot be read: its bytes
            pass
    decompressed = gunzipped(data)
    return (data if decompressed is None else decompressed).decode("utf-8", errors="replace")


def sources_of_pages(site) -> dict[str, list[Path]]:
    """The source files each page is made from, by output file, to name them in an error."""
    config = site.project.config_path
    sources: dict[str, list[Path]] = {}
    for page in site.pages.values():
        paths: list[Path] = []
        if page.report_id:
            report = site.report(page.report_id)
            folder = next((text.source.parent for section in report.sections for text in section.texts.values()), None)
            if page.section_slug:
                section = next(s for s in report.sections if s.slug == page.section_slug)
                paths = [text.source for text in section.texts.values()]
            elif folder is not None:
                paths = [folder / "report.yml", folder / "metrics.yml"]
        sources[page.output] = [*paths, config]
    return sources
