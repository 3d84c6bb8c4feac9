"""The leak check: every file a public build would write, searched for what the sources withhold.

Independently of the masking (``withheld.py``), after rendering and before anything is written,
the check reads every content file the way a reader or a program can (``LeakScanner``), then
looks for every withheld string and figure in what it read (``LeakScanner.find``), and the build
fails on a hit. The rules, exactly, are in docs/withheld.md ("What the leak check searches").

Two parts:

1. **Extraction**, once per file: the text a reader or a program gets out of it, normalised
   (NFKC, case-folded, soft hyphens, zero-width characters and joiners removed): an HTML page's
   text (inline markup such as ``<span lang="en">`` joined, block markup a line break), its
   attribute values, comments and scripts, URLs with their escapes and punycode host names
   decoded, the file's own name; JSON strings and numbers (plotly's ``bdata`` decoded), CSV
   cells, XML, the decompressed search index, base64 runs. Vendored code (the theme's own
   assets and plotly.js, recognised by their bytes; Pagefind's program files) holds no content
   and is not read; images, fonts and WebAssembly are not text.
2. **Search.** Strings: in a spaced view (white space collapsed) and a compact one (white space
   and markup removed). Figures: every number the site states is read once into a table of
   values (with and without group separators, decimals, full-width digits, Chinese numerals in
   both styles, 万/亿, thousand/K/million, e-notation, per cent), so that thousands of withheld
   figures cost one look-up each; a number whose significant digits are none of theirs, with no
   scale after it that could make it a rounding of one, is passed over unread.

Files are checked apart (``scan.check_files``): each file's leaks are kept by its bytes for the
next build, and many files are read in worker processes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import dataclasses
import functools
import hashlib
import html
import json
import re
import struct
import unicodedata
import urllib.parse
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .metrics import plain_number
from .pdf import pdf_text
from .vendor import EQUIVALENT_UNIFIED_IDEOGRAPH
from .scan import check_files, gunzipped
from .withheld import Secret, Secrets


@dataclass(frozen=True)
class Leak:
    file: str
    line: int
    column: int
    secret: Secret
    found: str  # what was found, as the check read it
    how: str  # "as written", "after decoding HTML entities" …


def find_leaks(files: dict[str, bytes], secrets: Secrets, kept: dict | None = None,
               public: frozenset[float] = frozenset(), jobs: int | None = None) -> list[Leak]:
    """Every file that would publish something ``secrets`` withholds (one leak per file, secret and
    written form). ``kept``: each file's leaks from the last check of the same things withheld (see
    scan.py). ``public``: the published figures' values: a rounded form (1.2万) that may be one of
    them is not taken as the rounding of a withheld one. ``jobs``: see scan.check_files."""
    if not secrets.items:
        return []
    # Each thing withheld is searched once, however many places withhold it; where it stands in
    # the sources (which changes with every edit above it) does not change what is found.
    by_search: dict[tuple, list[Secret]] = {}
    for secret in secrets.items:
        by_search.setdefault(_searched(secret), []).append(secret)
    searched = Secrets([same[0] for same in by_search.values()])
    shown = frozenset(value for number in public if (value := _value(plain_number(number))) is not None)
    key = hashlib.blake2b(repr((sorted(by_search, key=repr), sorted(shown))).encode(), digest_size=32).digest()
    found = check_files(files, _leaks_in, (searched, shown), kept, key, jobs)
    return [dataclasses.replace(leak, secret=secret) for leak in found for secret in by_search[_searched(leak.secret)]]


def _searched(secret: Secret) -> tuple:
    """What the search for a secret depends on."""
    return secret.text, secret.number, secret.units, secret.before, secret.after


def _leaks_in(files: dict[str, bytes], secrets: Secrets, public: frozenset[Decimal] = frozenset()) -> list[Leak]:
    figures = {value for secret in secrets.items if (value := _figure(secret)) is not None}
    return LeakScanner(files, figures, public).find(secrets)


# --- normalisation -------------------------------------------------------------------------------

# Removed before comparing: soft hyphen, combining grapheme joiner, zero-width and bidirectional
# marks, word joiners, variation selectors, BOM, Mongolian vowel separator, Hangul fillers.
IGNORABLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                       "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")


@functools.lru_cache(maxsize=1)
def radical_equivalents() -> dict[int, str]:
    """Each CJK radical → the unified ideograph it looks like (⻅ → 见, ⼯ → 工), from Unicode's
    EquivalentUnifiedIdeograph.txt (generator/vendor/unicode): NFKC leaves the radicals supplement
    as it is, and a PDF's text or a paste from one may hold them."""
    table: dict[int, str] = {}
    for line in EQUIVALENT_UNIFIED_IDEOGRAPH.read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) == 2:
            first, _, last = fields[0].strip().partition("..")
            for code in range(int(first, 16), int(last or first, 16) + 1):
                table[code] = chr(int(fields[1].strip(), 16))
    return table


def normalise(text: str) -> str:
    """What is compared: NFKC, case-folded, invisible characters removed, radicals read as the
    characters they look like. The ideographic full-width comma separates clauses, never digit
    groups: it is kept from becoming "," under NFKC (六百，一十九 is not 600,19)."""
    if text.isascii():
        return text.lower()
    text = IGNORABLE.sub("", text.replace("\uff0c", "\u3001")).translate(radical_equivalents())
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.casefold())
        return IGNORABLE.sub("", text)
    return text.lower()


WHITESPACE = re.compile(r"\s+")
LATIN = "0-9a-z\u00c0-\u024f"
LETTERS = "a-z\u00c0-\u024f"
LONG_NAME = 7  # letters: a name this long is searched inside longer words and letter by letter too


# --- what is read and what is not ----------------------------------------------------------------

BINARY = {"png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "tif", "tiff", "woff", "woff2", "ttf",
          "otf", "eot", "wasm", "pagefind", "mp3", "mp4", "ogg", "webm", "zip"}
MARKUP = {"html", "htm", "xhtml", "xml", "svg"}
SCRIPTS = {"js", "mjs", "css"}
# Pagefind's program files: code its binary writes, the same for every site.
PAGEFIND_CODE = re.compile(r"pagefind/(pagefind[\w.-]*\.(js|css)|wasm\.[\w-]+\.pagefind)$")
MANIFEST = "manifest.json"
# Files of figures, one value a cell: a bare number there equal to a published figure is that figure.
DATA_FILES = (".csv", ".json")


@functools.lru_cache(maxsize=4)
def _vendored(theme: str, plotly_path: str) -> dict[int, list[bytes]]:
    """The bytes of the theme's own assets and of plotly.js, by size: a file identical to one of
    them is code shipped with nianbao, not content."""
    found: dict[int, list[bytes]] = {}
    paths = [p for p in Path(theme, "assets").rglob("*") if p.is_file()] if theme else []
    if plotly_path:
        paths.append(Path(plotly_path))
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        found.setdefault(len(data), []).append(data)
    return found


def vendored_sources() -> dict[int, list[bytes]]:
    from .config import theme_dir

    from .vendor import PLOTLY_JS

    plotly_path = str(PLOTLY_JS)
    theme = theme_dir()
    assets = theme / "assets"
    stamp = max((p.stat().st_mtime_ns for p in assets.rglob("*")), default=0) if assets.is_dir() else 0
    return _vendored_stamped(str(theme), plotly_path, stamp)


@functools.lru_cache(maxsize=4)
def _vendored_stamped(theme: str, plotly_path: str, stamp: int) -> dict[int, list[bytes]]:
    return _vendored(theme, plotly_path)


def is_vendored(name: str, data: bytes, vendored: dict[int, list[bytes]]) -> bool:
    if PAGEFIND_CODE.search(name):
        return True
    return any(data == known for known in vendored.get(len(data), ()))


# --- extraction ----------------------------------------------------------------------------------


@dataclass
class Piece:
    """A run of text read from a file: where it starts in the file, and how it was read."""

    start: int  # in the view
    raw: int  # in the file's text
    how: str
    numbers: bool  # whether its numbers are figures (not sizes, positions, hashes, chart layout)


@dataclass
class FileText:
    name: str
    raw: str
    parts: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    length: int = 0
    view: str = ""  # the pieces read, joined and normalised
    plain_how: str = "as written"  # "after decompressing …" for a compressed file

    def add(self, text: str, raw: int, how: str = "as written", numbers: bool = True, join: str = "\n") -> None:
        if not text:
            return
        if join and self.parts:
            self.parts.append(join)
            self.length += len(join)
        self.pieces.append(Piece(self.length, raw, how, numbers))
        self.parts.append(text)
        self.length += len(text)

    def finish(self) -> None:
        joined = "".join(self.parts)
        view = normalise(joined)
        if len(view) != len(joined):  # normalising changed lengths (ß, ﬁ, ㎡): piece by piece
            position, parts, length = 0, [], 0
            for index, piece in enumerate(self.pieces):
                end = self.pieces[index + 1].start if index + 1 < len(self.pieces) else len(joined)
                between = joined[position:piece.start]
                piece_text = normalise(joined[piece.start:end])
                position = end
                piece.start = length + len(between)
                length = piece.start + len(piece_text)
                parts += (between, piece_text)
            view = "".join(parts)
        self.view = view
        self.parts = []
        self._starts = [p.start for p in self.pieces]

    # The other views are made when first searched: most builds withhold no figure, or no text.

    @functools.cached_property
    def folded(self) -> str:
        """The view without accents on Latin letters (Jǐnjiāng is Jinjiang); positions may differ."""
        if self.view.isascii():
            return self.view
        return "".join(c for c in unicodedata.normalize("NFD", self.view) if not unicodedata.combining(c))

    @functools.cached_property
    def compact(self) -> str:
        """The view without white space (and so without the markup between pieces)."""
        return "".join(self.view.split())

    @functools.cached_property
    def numbers(self) -> str:
        """The view with the pieces whose numbers are not figures, and hash-like runs, blanked out."""
        view = self.view
        if all(p.numbers for p in self.pieces):
            numbers = view
        else:
            out, position = [], 0
            for index, piece in enumerate(self.pieces):
                end = self.pieces[index + 1].start if index + 1 < len(self.pieces) else len(view)
                if not piece.numbers:
                    out.append(view[position:piece.start])
                    out.append("\x00" * (end - piece.start))
                    position = end
            out.append(view[position:])
            numbers = "".join(out)
        return HASHLIKE.sub(_blank_hash, numbers)

    def piece_at(self, position: int) -> Piece | None:
        index = bisect_right(self._starts, position) - 1
        return self.pieces[index] if index >= 0 else None

    def how(self, position: int, found: str) -> str:
        """"as written" when the file holds what was found as it is; else how its piece was read."""
        self.location(position, found)
        if found and self._normalised.find(found) != -1:
            return self.plain_how
        piece = self.piece_at(position)
        return piece.how if piece else "as written"

    def location(self, position: int, found: str) -> tuple[int, int]:
        """Line and column in the file: where what was found stands in it, or failing that
        (split by markup, or written only in an encoded form) where its first word stands."""
        raw = self.raw
        if not hasattr(self, "_normalised"):
            normalised = normalise(raw)
            self._normalised = normalised if len(normalised) == len(raw) else raw.lower()
        where = -1
        for probe in (found, found.strip()[:1]):
            if probe:
                where = self._normalised.find(probe)
                if where != -1:
                    break
        if where == -1:
            return 1, 1
        line = raw.count("\n", 0, where) + 1
        return line, where - (raw.rfind("\n", 0, where) + 1) + 1

    def compact_to_view(self, position: int) -> int:
        """The position in the spaced view of a position in the compact view."""
        seen = 0
        for match in re.finditer(r"\S+", self.view):
            if seen + len(match.group(0)) > position:
                return match.start() + position - seen
            seen += len(match.group(0))
        return len(self.view)


# Hex digests and colours in names and attributes (site.119fe8e4b3.css, #12436D): not figures.
HASHLIKE = re.compile(r"[0-9a-f]{6,}|#[0-9a-f]{3,4}(?![0-9a-z])")

HASH_WORD = set("0123456789abcdefghijklmnopqrstuvwxyz")


def _blank_hash(match: re.Match) -> str:
    run = match.group(0)
    if run[0] == "#":
        return "\x00" * len(run)
    string, start, end = match.string, match.start(), match.end()
    if (start and string[start - 1] in HASH_WORD) or (end < len(string) and string[end] in HASH_WORD):
        return run
    if not (run.isdigit() or run.isalpha()):
        return "\x00" * len(run)
    return run


ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
# Inline elements: a browser joins their text with the text around them.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
          "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt",
          "u", "var", "wbr", "label", "output"}
URL_ATTRIBUTES = {"href", "src", "action", "srcset", "poster", "cite", "data", "formaction", "content",
                  "xlink:href", "data-plotly", "ping", "background", "longdesc", "manifest"}
# Attributes whose numbers are layout (sizes, SVG geometry), not figures; their text is still read.
LAYOUT_ATTRIBUTES = {"d", "points", "viewbox", "transform", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r",
                     "rx", "ry", "width", "height", "stroke-width", "stroke-dasharray", "offset", "opacity",
                     "fill-opacity", "font-size", "tabindex", "colspan", "rowspan", "size", "sizes", "maxlength",
                     "minlength", "cols", "rows", "start", "span", "integrity", "nonce"}
PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
PUNYCODE = re.compile(r"xn--[a-z0-9-]+", re.I)
JS_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")
DTYPES = {"f8": "d", "f4": "f", "i4": "i", "u4": "I", "i2": "h", "u2": "H", "i1": "b", "u1": "B",
          "float64": "d", "float32": "f", "int32": "i", "uint32": "I", "int16": "h", "uint16": "H",
          "int8": "b", "uint8": "B"}


def extract(name: str, data: bytes) -> FileText | None:
    """What a reader or a program can read from one file, or None for a file that is not text."""
    kind = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    how = "as written"
    decompressed = gunzipped(data)
    if decompressed is not None:
        data, how = decompressed, "after decompressing"
    if kind in BINARY:
        return None
    if kind == "pdf":  # its text as a reader's search or copy gets it (a PDF that cannot be read: its bytes)
        try:
            data, how = pdf_text(data).encode("utf-8"), "in the PDF's text"
        except Exception:
            pass
    raw = data.decode("utf-8", errors="replace")
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    text = FileText(name, raw)
    if how != "as written":
        text.plain_how = "after decompressing the search index" if name.startswith("pagefind/") else how
    text.add(urllib.parse.unquote(name), 0, "in the file's name", numbers=False)  # hashes, chart-1.csv
    for label in PUNYCODE.findall(name):
        text.add(_punycode(label), 0, "after decoding a punycode host name")
    if kind in MARKUP:
        _read_markup(text, raw, how)
    elif kind == "csv":
        _read_csv(text, raw, how)
    elif kind in ("json", "webmanifest", "geojson", "map") or name.startswith("pagefind/"):
        _read_json_or_index(text, raw, data, how)
    elif kind in SCRIPTS:
        _read_code(text, raw, how)
    else:
        text.add(raw, 0, how)
        _read_decoded(text, raw, 0, how)
    text.finish()
    return text


def _punycode(label: str) -> str:
    try:
        return codecs.decode(label[4:].lower().encode("ascii"), "punycode")
    except (UnicodeError, ValueError):
        return ""


def _read_decoded(text: FileText, value: str, raw: int, how: str, numbers: bool = True) -> None:
    """What decoding adds to a value: URL escapes, punycode host names, JavaScript escapes, base64."""
    if "%" in value and PERCENT_ESCAPE.search(value):
        text.add(urllib.parse.unquote(value), raw, "after decoding URL escapes", numbers)
    if "xn--" in value.lower():
        for label in PUNYCODE.findall(value):
            text.add(_punycode(label), raw, "after decoding a punycode host name", numbers)
    if "\\" in value and JS_ESCAPE.search(value):
        text.add(unescape_js(value), raw, "after decoding JSON escapes", numbers)
    if len(value) >= 24:
        for match in BASE64_RUN.finditer(value):
            decoded = _base64_text(match.group(0))
            if decoded:
                text.add(decoded, raw + match.start(), "after decoding base64 data", numbers)


def unescape_js(value: str) -> str:
    return JS_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2) or m.group(3), 16)), value)


def _base64_text(run: str) -> str:
    if run.isalnum() and (run.isdigit() or run.isalpha()):
        return ""  # a word or a number, not data
    try:
        decoded = base64.b64decode(run.replace("-", "+").replace("_", "/") + "=" * (-len(run) % 4))
        result = decoded.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return ""
    printable = sum(1 for c in result if c.isprintable() or c in "\n\t")
    return result if printable >= 0.9 * len(result) else ""


MARKUP_TOKEN = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)|<!\[CDATA\[|\]\]>"
    r"|</?([a-zA-Z][\w:.-]*)[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>|<[!?][^>]*>", re.S | re.I)
COMMENT = re.compile(r"<!--(.*?)(?:-->|$)", re.S)
SCRIPT = re.compile(r"<(script|style)\b([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>(.*?)(?:</\1\s*>|$)",
                    re.S | re.I)
TAG = re.compile(r"<[a-zA-Z][\w:.-]*(\s[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>")


INLINE_TAG = re.compile(r"</?(?:%s)(?:\s[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)?/?>"
                        % "|".join(sorted(INLINE, key=len, reverse=True)), re.I)


DATA_BASE64 = re.compile(r"data:[^,]*;base64,", re.I)


def _read_markup(text: FileText, raw: str, how: str) -> None:
    """The page's text as a browser shows it (inline elements joined, others a line break); then
    its attribute values, comments and scripts, each apart, so that none joins the text."""
    shown = MARKUP_TOKEN.sub("\n", INLINE_TAG.sub("", raw)) if "<" in raw else raw
    _add_text(text, shown, 0, how, "\n")
    values, layout = [], []
    # Every tag's attributes at once: a quoted value never leaves its tag, nor a name a space.
    for key, double, single, bare in ATTRIBUTE.findall(" ".join(TAG.findall(raw))):
        value = double or single or bare
        key = key.lower()
        if not value or key.startswith("xmlns"):  # a namespace's name (…/1999/xhtml) is no content
            continue
        # A Content-Security-Policy's hashes (sha256-…) and a data: address's base64 letters are no
        # figures, like a layout attribute's numbers; what the base64 says is read in full.
        policy = key == "content" and "default-src" in value
        embedded = DATA_BASE64.match(value)
        (layout if key in LAYOUT_ATTRIBUTES or policy or embedded else values).append(value)
        if embedded:
            values.append(_base64_text(value[embedded.end():]))
        elif key in URL_ATTRIBUTES and "+" in value and not policy:
            values.append(urllib.parse.unquote_plus(html.unescape(value)))
    _add_text(text, "\n".join(values), 0, how, "\n")
    _add_text(text, "\n".join(layout), 0, how, "\n", numbers=False)
    if "<!--" in raw:
        _add_text(text, "\n".join(COMMENT.findall(raw)), 0, how, "\n")
    if "<script" in raw or "<style" in raw or "<SCRIPT" in raw:
        for match in SCRIPT.finditer(raw):
            attrs, body = match.group(2), match.group(3)
            if not body.strip():
                continue
            kind = re.search(r"type\s*=\s*[\"']?([\w/+.-]+)", attrs or "")
            if kind and "json" in kind.group(1).lower():
                _read_json(text, body, match.start(3), how)
            else:
                # A stylesheet's numbers are lengths and colours, like a layout attribute's (the 404
                # page carries the theme's inline); its words and strings are read all the same.
                _read_code(text, body, how, match.start(3), numbers=match.group(1).lower() != "style")


def _add_text(text: FileText, value: str, raw: int, how: str, join: str, numbers: bool = True) -> None:
    if "&" in value:
        decoded = html.unescape(value)
        if decoded != value:
            how = "after decoding HTML entities"
            value = decoded
    text.add(value, raw, how, numbers, join)
    if "%" in value or "\\" in value or "xn--" in value or len(value) >= 24:
        _read_decoded(text, value, raw, how, numbers)


def _read_code(text: FileText, raw: str, how: str, offset: int = 0, numbers: bool = True) -> None:
    text.add(raw, offset, how, numbers)
    _read_decoded(text, raw, offset, how, numbers)
    if "\\" in raw and CSS_ESCAPE.search(raw):
        text.add(CSS_ESCAPE.sub(lambda m: _chr(int(m.group(1), 16)), raw), offset, "after decoding CSS escapes",
                 numbers)


def _chr(code: int) -> str:
    return chr(code) if 0 < code <= 0x10FFFF else ""


def _read_csv(text: FileText, raw: str, how: str) -> None:
    offset = 0
    for line in raw.splitlines(keepends=True):
        try:
            cells = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            cells = [line]
        for cell in cells:
            _add_text(text, cell, offset, how, "\n")
        offset += len(line)


def _read_json_or_index(text: FileText, raw: str, data: bytes, how: str) -> None:
    body = raw
    if body.startswith("pagefind_dcd"):  # Pagefind: a JSON fragment, or a CBOR index
        body = body[len("pagefind_dcd"):]
        payload = data[len(b"pagefind_dcd"):]
        if not body.lstrip().startswith("{"):
            words = _cbor_strings(payload)
            # The index's words are the pages' words, whose text (and so every figure) is
            # searched in the fragments: its numbers are positions and counts.
            text.add("\n".join(words) if words is not None else raw, 0,
                     "after decompressing the search index", numbers=False)
            return
        how = "after decompressing the search index"
    if text.name == MANIFEST:
        _read_json(text, body, 0, how, numbers=False, string_numbers=False)
        return
    # A fragment's numbers are word counts and positions; its strings are the page's text, figures included.
    _read_json(text, body, 0, how, numbers=not text.name.startswith("pagefind/"))


def _read_json(text: FileText, body: str, offset: int, how: str, numbers: bool = True,
               string_numbers: bool = True) -> None:
    try:
        value = json.loads(body)
    except ValueError:
        _read_code(text, body, how, offset)
        return
    strings: list[str] = []
    figures: list[str] = []
    _walk(value, strings, figures, numbers, plotly=isinstance(value, dict) and "data" in value and "layout" in value)
    if "\\u" in body:
        how = "after decoding JSON escapes"
    if strings:  # one piece: entities and escapes never span a line, so decoding them all at once is the same
        _add_text(text, "\n".join(strings), offset, how, "\n", numbers=string_numbers)
    if figures:
        text.add(" \n".join(figures), offset, how)


def _walk(value, strings: list[str], figures: list[str], numbers: bool, plotly: bool = False,
          layout: bool = False) -> None:
    if isinstance(value, str):
        strings.append(value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        if numbers and not layout:
            figures.append(plain_number(value))
    elif isinstance(value, list):
        for item in value:
            _walk(item, strings, figures, numbers, False, layout)
    elif isinstance(value, dict):
        if isinstance(value.get("bdata"), str):
            decoded = _typed_array(value["bdata"], str(value.get("dtype", "")))
            if decoded and numbers and not layout:
                figures.append(decoded)
        for key, item in value.items():
            strings.append(key)  # a key can hold content too (a manifest's file names)
            if plotly and key == "layout":
                # A chart's layout: its sizes, ranges and ticks are no figures; its titles are read.
                _walk(item, strings, figures, numbers, False, layout=True)
            elif plotly and key == "data" and isinstance(item, list):
                for trace in item:
                    # A trace that draws masked ranges (a base under each bar) states what the masks state.
                    _walk(trace, strings, figures, numbers and not (isinstance(trace, dict) and "base" in trace),
                          False, layout)
            elif key in ("ticktext", "tickvals", "sha256", "size") and (layout or not numbers):
                continue
            else:
                _walk(item, strings, figures, numbers, False, layout)


def _typed_array(data: str, dtype: str) -> str:
    code = DTYPES.get(dtype)
    try:
        raw = base64.b64decode(data)
    except (binascii.Error, ValueError):
        return ""
    if not code:
        return ""
    size = struct.calcsize(code)
    values = struct.unpack(f"<{len(raw) // size}{code}", raw[: len(raw) // size * size])
    return " \n".join(plain_number(v) for v in values)


def _cbor_strings(data: bytes) -> list[str] | None:
    """The text strings of a CBOR document (Pagefind's index and metadata), or None if it is not one."""
    strings: list[str] = []
    position = 0
    try:
        while position < len(data):
            initial = data[position]
            position += 1
            major, info = initial >> 5, initial & 0x1F
            if info < 24:
                argument = info
            elif info in (24, 25, 26, 27):
                size = 1 << (info - 24)
                argument = int.from_bytes(data[position:position + size], "big")
                position += size
            elif info == 31:
                argument = 0
            else:
                return None
            if major in (2, 3):  # byte and text strings
                chunk = data[position:position + argument]
                position += argument
                if major == 3:
                    strings.append(chunk.decode("utf-8", errors="replace"))
            # other major types: integers, arrays, maps, tags and simple values carry no text
    except IndexError:
        return None
    return strings


# --- numbers -------------------------------------------------------------------------------------

# A number as written: digit groups (1,234 or 1 234, 4 729 with a thin or non-breaking space),
# decimals, e-notation; not continued by a digit, decimal point or group separator on either side.
ARABIC = re.compile(
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]{1,3}(?:[ '][0-9]{3})+(?![0-9])|[0-9]+)"
    r"(?P<frac>\.[0-9]+)?(?P<exp>e[+-]?[0-9]{1,3})?(?![0-9]|[.,][0-9])")
DIGITS = set("0123456789")
CONTINUES = set("0123456789.,")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_SCALES = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_SCALES)
CN_NUMERAL = re.compile(f"[{CN_CHARS}]")
# A Chinese numeral; 百分之 before it makes it a percentage (looked at apart: a pattern that starts
# with a set of characters is searched several times faster).
CHINESE = re.compile(f"[{CN_CHARS}]+(?:点[{''.join(CN_DIGITS)}]+)?")
PERCENT_BEFORE = "百分之"
SCALE_WORDS = [("万亿", Decimal(10) ** 12), ("万", Decimal(10_000)), ("亿", Decimal(100_000_000)),
               ("千", Decimal(1000)), ("thousand", Decimal(1000)), ("k", Decimal(1000)),
               ("million", Decimal(10) ** 6), ("mln", Decimal(10) ** 6), ("mn", Decimal(10) ** 6),
               ("billion", Decimal(10) ** 9), ("bn", Decimal(10) ** 9)]
SCALE_STARTS = set("万亿千tmbk×x")
SCALE = re.compile(r" ?(万亿|万|亿|千|thousand|million|mln|mn|billion|bn|k)(?![a-z])")
# A number followed by a scale (SCALE) or a multiplier (TIMES_TEN): what may be a rounding.
SCALE_AFTER = re.compile(r"[0-9] ?(?:万|亿|千|thousand|million|mln|mn|billion|bn|k(?![a-z])|[×x] ?10)")
DIGIT_RUN = re.compile("[0-9]+")
TIMES_TEN = re.compile(r" ?[×x] ?(?:10(?:\^|\*\*)(?P<pow>[0-9]{1,2})|10(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?P<big>10(?:,000)+|10+))"
                       r"(?![0-9])")
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@functools.lru_cache(maxsize=65536)
def chinese_number(text: str) -> Decimal | None:
    """六百一十九 → 619, 六一九 → 619, 三十五万 → 350000, 六点一九 → 6.19; None if it is no number."""
    whole, _, decimals = text.partition("点")
    fraction = "".join(str(CN_DIGITS[c]) for c in decimals)
    if not any(c in CN_DIGITS or c in "十拾" for c in whole):
        return None  # a bare 万, 千万 or 百: a word, not a number
    if all(c in CN_DIGITS for c in whole):  # 六一九, 二〇二二: digit by digit
        value = "".join(str(CN_DIGITS[c]) for c in whole)
    else:
        total, section, digit = 0, 0, None
        last_unit = None
        for c in whole:
            if c in CN_DIGITS:
                if digit is not None and CN_DIGITS[c] != 0 and digit != 0:
                    return None  # 十一五: not one number
                digit = CN_DIGITS[c]
            elif c in CN_UNITS:
                unit = CN_UNITS[c]
                if last_unit is not None and unit >= last_unit and digit is None:
                    return None
                section += (1 if digit is None else digit) * unit
                digit, last_unit = None, unit
            else:
                scale = CN_SCALES[c]
                section += digit or 0
                if section == 0 and total == 0:
                    section = 1  # 万一: rare; read as written
                total = (total + section) * scale if scale > total else total + section * scale
                section, digit, last_unit = 0, None, None
        total += section + (digit or 0)
        value = str(total)
    try:
        return Decimal(value + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None


@dataclass(slots=True)
class Occurrence:
    file: FileText
    start: int
    end: int  # after the number and its scale
    written: str
    bare: bool  # a statement of the figure on its own (not a year, a range a mask implies, a multiplier)
    range: bool = False  # a bound of the range a mask implies
    unit: str = ""  # a unit the form itself states: 百分之四十七 is 47 %


@functools.lru_cache(maxsize=65536)
def _value(text: str) -> Decimal | None:
    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return None


class LeakScanner:
    """The content of a site's files, read once; ``find`` then searches it for what is withheld."""

    def __init__(self, files: dict[str, bytes], figures: set[Decimal] | None = None,
                 public: frozenset[Decimal] = frozenset()):
        """``figures``: the withheld values looked for; only the numbers that may state one of
        them (or bound the range a mask implies) are kept. None reads every number; an empty
        set none. ``public``: the published figures (see find_leaks)."""
        vendored = vendored_sources()
        self.texts: list[FileText] = []
        self.skipped: list[str] = []  # vendored code
        for name in sorted(files):
            data = files[name]
            if is_vendored(name, data, vendored):
                self.skipped.append(name)
                continue
            text = extract(name, data)
            if text is not None:
                self.texts.append(text)
        self.figures = figures
        self.public = public  # published figures: see find_leaks
        # The significant digits of what is looked for: a number with other digits, and no scale
        # after it that could make it a rounding, states none of them (checked before any Decimal).
        self.digits = None if figures is None else {_significant(str(v)) for v in figures}
        self.values: dict[Decimal, list[Occurrence]] = {}
        self.rounded: list[tuple[Decimal, Decimal, Occurrence]] = []  # 1.2万: every figure it rounds
        for text in self.texts if figures is None or figures else ():
            self._read_numbers(text)

    # numbers

    def _wanted(self, value: Decimal) -> bool:
        """A value looked for, or one that may bound a mask's range (10ⁿ, 99…9 × 1, 万 or 亿)."""
        if self.figures is None or value in self.figures:
            return True
        digits = _significant(str(value))
        return digits == "1" or not digits.strip("9")

    def _add(self, value: Decimal | None, occurrence: Occurrence) -> None:
        if value is not None:
            self.values.setdefault(value.normalize(), []).append(occurrence)

    def _may_state_a_figure(self, view: str) -> bool:
        """Whether a file's numbers may state a figure looked for: a number followed by a scale
        that could make it a rounding of one, the figure's significant digits among the file's
        digits (a number's digits, separators and decimal point left out, run together in the
        file's digits with everything else left out), or a Chinese numeral of that value. Most
        files have none, and are passed over without reading each number."""
        if self.figures is None:
            return True
        if SCALE_AFTER.search(view):
            return True
        digits = "".join(DIGIT_RUN.findall(view))
        if any(significant in digits for significant in self.digits):
            return True
        return not view.isascii() and CN_NUMERAL.search(view) is not None and \
            any(chinese_number(cn) in self.figures for cn in set(CHINESE.findall(view)))

    def _read_numbers(self, text: FileText) -> None:
        # Asked of the whole view, which holds more numbers than the one read (layout, hashes): as quick, and never less.
        if not self._may_state_a_figure(text.view):
            return
        view = text.numbers
        wanted = self.digits
        found: list[tuple[Decimal, Occurrence]] = []
        for match in ARABIC.finditer(view):
            start = match.start()
            if start:
                previous = view[start - 1]
                if previous in CONTINUES or (previous in " '" and start > 1 and view[start - 2] in DIGITS
                                             and not _comma_grouped_before(view, start - 1)):
                    continue  # the end of a longer number (4 729), not one after another (*0,000 10,000)
            integer, frac, exp = match.group("int"), match.group("frac") or "", match.group("exp") or ""
            digits = integer.replace(",", "").replace(" ", "").replace("'", "")
            # 010, 0000: a code, and × 4729: a multiplier, not figures on their own; they count with the
            # figure's unit after them (04729 agreements, × 4729 agreements).
            coded = len(digits) > 1 and digits[0] == "0" and not frac
            start, end = match.span()
            if wanted is not None and not exp and " " not in integer:
                significant = _significant(digits + frac)
                if significant not in wanted and significant != "1" and significant.strip("9") \
                        and view[end:end + 2].lstrip(" ")[:1] not in SCALE_STARTS:
                    continue  # none of the values looked for, whatever its scale or decimals
            before = view[max(0, start - 2):start]
            if view[max(0, start - 3):start].lower() == "sha":
                continue  # sha256: a digest's name (a data package's hashes)
            multiplier = "×" in before or before.endswith("x ")
            if multiplier and not frac and digits.rstrip("0") == "1":
                continue  # ** × 10,000: 万 as a theme may write it, whatever follows
            coded = coded or multiplier
            value = _value(digits + frac + exp)
            if value is None:
                continue
            year = not frac and not exp and len(integer) == 4 and 1900 <= int(digits) <= 2100
            occurrence = Occurrence(text, start, end, match.group(0), not year and not coded)
            found.append((value, occurrence))
            if " " in integer:  # 2022 619: a group, or two numbers
                for part in integer.split(" "):
                    self._add(_value(part), Occurrence(text, start, end, part, True))
            follows = view[end:end + 2].lstrip(" ")[:1]
            if not follows or follows not in SCALE_STARTS:
                continue
            tail = view[end:end + 16]
            scale = SCALE.match(tail)
            if scale:
                factor = dict(SCALE_WORDS)[scale.group(1)]
                scaled_end = end + scale.end()
                self._scaled(value, factor, frac, text, start, scaled_end, view[start:scaled_end], found)
            times = TIMES_TEN.match(tail)
            if times:
                if times.group("big"):
                    factor = Decimal(times.group("big").replace(",", ""))
                else:
                    factor = Decimal(10) ** int((times.group("pow") or times.group("sup")).translate(SUPERSCRIPT))
                self._scaled(value, factor, frac, text, start, end + times.end(), view[start:end + times.end()], found)
        if not view.isascii():
            for match in CHINESE.finditer(view):
                cn = match.group(0)
                value = chinese_number(cn)
                if value is None or not self._wanted(value):
                    continue
                start, end = match.span()
                if view.endswith(PERCENT_BEFORE, 0, start):
                    start -= len(PERCENT_BEFORE)
                    occurrence = Occurrence(text, start, end, view[start:end], True, unit="%")
                else:
                    year = len(cn) == 4 and all(c in CN_DIGITS for c in cn) and 1900 <= int(value) <= 2100
                    occurrence = Occurrence(text, start, end, cn, not year)
                found.append((value, occurrence))
        self._mark_ranges(found)
        self._mark_ticks(found)
        for value, occurrence in found:
            if self.figures is None or value in self.figures:
                self._add(value, occurrence)

    def _scaled(self, value: Decimal, factor: Decimal, frac: str, text: FileText, start: int, end: int,
                written: str, found: list) -> None:
        """1.2万, 0.619 thousand, 0.6K: the exact value, and every figure it is a rounding of."""
        exact = value * factor
        occurrence = Occurrence(text, start, end, written, True)
        found.append((exact, occurrence))
        # A rounded form (0.6K for 619, 1.2万 for 12,345) is recorded as a range, checked in find().
        if frac or len(str(value).replace(".", "").lstrip("0")) >= 2:
            step = factor * (Decimal(10) ** -len(frac.lstrip(".")) if frac else 1)
            low, high = exact - step / 2, exact + step / 2
            if self.figures is None or any(low <= figure < high for figure in self.figures):
                self.rounded.append((low, high, occurrence))

    @staticmethod
    def _mark_ticks(found: list[tuple[Decimal, Occurrence]]) -> None:
        """Numbers in a run of three or more from 0 in equal steps, nothing but white space between
        them (0 2,000 4,000 6,000): a chart's axis as a PDF's text gives it, not figures."""
        runs: dict[int, list[tuple[int, int]]] = {}  # by file: the spans of the runs in its view
        for _, occurrence in found:
            text = occurrence.file
            if id(text) not in runs:
                runs[id(text)] = [match.span() for match in TICK_RUN.finditer(text.numbers)
                                  if _equal_steps(match.group(0).split())]
            if any(low <= occurrence.start < high for low, high in runs[id(text)]):
                occurrence.bare = False

    @staticmethod
    def _mark_ranges(found: list[tuple[Decimal, Occurrence]]) -> None:
        """A pair 1,000 … 9,999 (10ⁿ and 10ⁿ⁺¹−1, ×1, ×万 or ×亿) close together is the range a mask
        implies ("withheld, 1,000 to 9,999"), which states no more than the mask: not figures."""
        found.sort(key=lambda item: item[1].start)
        for index, (low, first) in enumerate(found):
            if low <= 0 or first.written[:1] not in "1一十" or not _power_of_ten(low):
                continue
            # Every number close after it, however many: which numbers are read must not change the pairs.
            for high, second in found[index + 1:]:
                if second.start - first.end > 16:
                    break
                for scale in (1, 10_000, 100_000_000):
                    if low % scale == 0 and _power_of_ten(low / scale) and high == 10 * low - scale:
                        first.bare = second.bare = False
                        first.range = second.range = True

    # search

    def find(self, secrets: Secrets) -> list[Leak]:
        leaks: dict[tuple, Leak] = {}
        for secret in secrets.items:
            for leak in self._find_one(secret):
                key = (leak.file, leak.found, secret.source, secret.line, secret.text)
                leaks.setdefault(key, leak)
        return list(leaks.values())

    def _find_one(self, secret: Secret) -> list[Leak]:
        if secret.number is not None:
            leaks = self._find_figure(secret)
            if leaks or secret.units or not secret.text:
                return leaks
        return self._find_text(secret)

    def _find_figure(self, secret: Secret) -> list[Leak]:
        value = _figure(secret)
        if value is None:
            return []
        short = len(plain_number(secret.number).replace(".", "").replace("-", "").lstrip("0")) <= 2
        contexts = _unit_contexts(secret)
        befores = [b for b in _before_contexts(secret)]
        by_file: dict[str, Leak] = {}
        with_unit: set[str] = set()
        candidates = list(self.values.get(value, ()))
        candidates += [o for low, high, o in self.rounded if low <= value < high and not short
                       and not any(low <= shown < high for shown in self.public)]
        for occurrence in sorted(candidates, key=lambda o: (o.file.name, o.start)):
            view = occurrence.file.numbers
            tail = view[occurrence.end:occurrence.end + 24]
            unit = _unit_after(tail, contexts)
            if unit is None and occurrence.unit and occurrence.unit in contexts:
                unit = ""
            if unit is None:
                head = view[max(0, occurrence.start - 24):occurrence.start]
                unit = next((b for b in befores if head.endswith(b) or head.endswith(b + " ")), None)
                if unit is not None:
                    unit = ""
            if occurrence.range:
                continue
            if unit is None and (short or not occurrence.bare):
                continue
            if unit is None and value in self.public and occurrence.file.name.endswith(DATA_FILES):
                continue  # a published figure's own cell in a chart's CSV or the open data, equal to it by chance
            name = occurrence.file.name
            # One report per file and written form (4729, 四千七百二十九 …): the first, or the first that shows the unit.
            key = (name, occurrence.file.view[occurrence.start:occurrence.end])
            if key in by_file and (key in with_unit or not unit):
                continue
            if unit:
                with_unit.add(key)
            text = occurrence.file
            found = _as_written(text, occurrence.start, text.view[occurrence.start:occurrence.end] + (unit or ""))
            line, column = text.location(occurrence.start, normalise(found))
            by_file[key] = Leak(name, line, column, secret, found, text.how(occurrence.start, normalise(found)))
        return list(by_file.values())

    def _find_text(self, secret: Secret) -> list[Leak]:
        needles = _text_needles(secret)
        if not needles:
            return []
        leaks = []
        for text in self.texts:
            hit = _search(text, needles)
            if hit is not None:
                position, found, how = hit
                line, column = text.location(position, found)
                leaks.append(Leak(text.name, line, column, secret, found, how or text.how(position, normalise(found))))
        return leaks


def _figure(secret: Secret) -> Decimal | None:
    """The value of a withheld figure, as the numbers read are keyed."""
    if secret.number is None:
        return None
    return _value(repr(float(secret.number))) if isinstance(secret.number, float) else _value(str(secret.number))


def _significant(digits: str) -> str:
    """619, 61.9, 0.619, 6190 → "619": the digits a number states whatever its scale."""
    return digits.split("e")[0].split("E")[0].replace(".", "").replace("-", "").strip("0")


def _comma_grouped_before(view: str, end: int) -> bool:
    """Whether the number that ends at ``end`` groups its digits with commas (1,000): a number after
    it and a space is another number, not its next group."""
    start = end
    while start > 0 and view[start - 1] in CONTINUES:
        start -= 1
    return "," in view[start:end]


# 0, then two or more numbers (1,000, 0.5 or 2万 written), white space only between them.
TICK = r"\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:万|亿)?"
TICK_RUN = re.compile(rf"(?<![\w.,])0(?:\s+{TICK}){{2,}}(?![\w.,])")


def _equal_steps(numbers: list[str]) -> bool:
    values = [Decimal(number.rstrip("万亿").replace(",", "")) * CN_SCALES.get(number[-1], 1) for number in numbers]
    step = values[1] - values[0]
    return step > 0 and all(b - a == step for a, b in zip(values, values[1:]))


def _power_of_ten(value: Decimal) -> bool:
    text = str(value.normalize()) if isinstance(value, Decimal) else str(value)
    digits = text.replace("E+", "e").split("e")[0].rstrip("0").rstrip(".")
    return digits == "1"


PERCENT_UNITS = ("%", "per cent", "percent", "pct")


def _unit_contexts(secret: Secret) -> list[str]:
    units = [normalise(u).strip() for u in secret.units if u and u.strip()]
    if any(u in PERCENT_UNITS or u == "%" for u in units):
        units += list(PERCENT_UNITS)
    singular = [u[:-1] for u in units if len(u) > 3 and u.endswith("s") and u.isascii()]
    after = normalise(secret.after).strip() if secret.after else ""
    contexts = units + singular
    if after:
        contexts.append(after[:4] if not after[:1].isascii() else after.split(" ")[0])
    return sorted({c for c in contexts if c}, key=len, reverse=True)


def _before_contexts(secret: Secret) -> list[str]:
    before = normalise(secret.before).strip() if secret.before else ""
    if not before:
        return []
    return [before[-2:] if not before[-1:].isascii() else before.split(" ")[-1]]


QUALIFIERS = re.compile(r"[ \u00a0]?(?:余|多|来|\+|more |or more )?[ \u00a0]?")


def _unit_after(tail: str, contexts: list[str]) -> str | None:
    """The unit (or source context) the text right after a number starts with, if any."""
    if not contexts:
        return None
    skip = QUALIFIERS.match(tail)
    rest = tail[skip.end():] if skip else tail
    for context in contexts:
        if rest.startswith(context):
            if context[-1:].isascii() and context[-1:].isalnum() and rest[len(context):len(context) + 1].isalnum() \
                    and not rest[len(context):len(context) + 1] == "s":
                continue
            return tail[:skip.end() if skip else 0] + context
    return None


def _as_written(text: FileText, position: int, found: str) -> str:
    """What was found at ``position`` of the view as the file writes it, when the file's text holds
    it as read; else as read."""
    piece = text.piece_at(position)
    if piece is None:
        return found
    offset = position - piece.start
    raw = text.raw[piece.raw + offset:piece.raw + offset + len(found)]
    return raw if normalise(raw) == found else found


# --- strings -------------------------------------------------------------------------------------

CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass(frozen=True)
class Needle:
    text: str  # normalised
    latin: bool  # searched at word boundaries in the spaced view, white space or - _ . between words
    pattern: re.Pattern | None = None


def _text_needles(secret: Secret) -> list[Needle]:
    text = WHITESPACE.sub(" ", normalise(secret.text)).strip()
    if not text:
        return []
    cjk = len(CJK.findall(text))
    latin = len(re.findall(f"[{LATIN}]", text))
    short = (cjk == 1 and latin == 0 and len(text) == 1) or (cjk == 0 and len(text.replace(" ", "")) <= 2)
    if not short:
        candidates = [text]
    else:  # a single character, one or two letters: searched with its neighbours in the source
        before = WHITESPACE.sub(" ", normalise(secret.before or "")).rstrip()
        after = WHITESPACE.sub(" ", normalise(secret.after or "")).lstrip()
        candidates = []
        if cjk:
            if before:
                candidates.append(before.replace(" ", "")[-2:] + text)
            if after:
                candidates.append(text + after.replace(" ", "")[:2])
        else:
            # whole words, at least five letters of them: "with the US", not "the US"
            if before.strip():
                candidates.append(_words(before.split(), reverse=True) + " " + text)
            if after.strip():
                candidates.append(text + " " + _words(after.split()))
    needles = []
    for candidate in candidates:
        if not candidate.strip():
            continue
        if re.search(f"[{LATIN}]", candidate):
            words = [re.escape(w) for w in candidate.split(" ") if w]
            body = r"[\s\-_.]*".join(words) if len(words) > 1 else words[0]
            # A whole word: no letter on either side (a digit may touch it: Jinjiang2022); a long
            # name is found inside a longer word too (JinjiangDistrict, jinjiangcity.gov.cn).
            letters = len(re.findall(f"[{LETTERS}]", candidate))
            bounded = f"(?<![{LETTERS}]){body}(?![{LETTERS}])" if letters < LONG_NAME else body
            pattern = re.compile(bounded if not CJK.search(candidate) else body)
            needles.append(Needle(candidate, True, pattern))
        else:
            needles.append(Needle(candidate.replace(" ", ""), False))
    return needles


def _words(words: list[str], reverse: bool = False) -> str:
    taken: list[str] = []
    for word in reversed(words) if reverse else words:
        taken.append(word)
        if sum(len(w) for w in taken) >= 5:
            break
    return " ".join(reversed(taken) if reverse else taken)


def _search(text: FileText, needles: list[Needle]) -> tuple[int, str, str] | None:
    for needle in needles:
        if needle.latin:
            first = needle.text.split(" ")[0][:6]
            if first not in text.view and first in text.folded:  # Jǐnjiāng: written with accents
                match = needle.pattern.search(text.folded)
                if match:
                    return 0, match.group(0), "after removing accents"
            if first in text.view:
                match = needle.pattern.search(text.view)
                if match:
                    return match.start(), _as_written(text, match.start(), match.group(0)), ""
            compact = needle.text.replace(" ", "")
            if (CJK.search(compact) or len(compact) >= LONG_NAME) and compact in text.compact:
                position = text.compact_to_view(text.compact.find(compact))
                return position, compact, "after removing markup and white space"
        else:
            position = text.view.find(needle.text)
            if position != -1:
                return position, _as_written(text, position, needle.text), ""
            position = text.compact.find(needle.text)
            if position != -1:
                return (text.compact_to_view(position), needle.text,
                        "after removing markup and white space")
    return None


def describe(leak: Leak) -> tuple[str, str]:
    """The message and hint of a leak, for a diagnostic."""
    what = json.dumps(leak.found, ensure_ascii=False)
    figure = leak.secret.units or leak.secret.source.name == "metrics.yml"
    return (f"the public edition would publish withheld content: {what} ({leak.how}), withheld in "
            f"{leak.secret.source.name}:{leak.secret.line}",
            "write the figure as {{ its id }}, which shows it masked, or remove it" if figure else
            "mark it withheld here too, as [text]{.withheld}, or remove it")
