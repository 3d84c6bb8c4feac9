"""An independent leak scanner for built sites: the tests' own oracle.

It imports nothing from ``generator``. Given a built site folder and what must not be published
(strings and figures), it reads every file and searches it in the views a reader, a browser or a
script could get from it:

* the bytes as UTF-8; gunzipped (Pagefind's index files are gzip, possibly after a small header:
  gzip, and zlib with several ``wbits``); base64 runs decoded as UTF-8 text, and plotly's typed
  arrays (``"bdata": …, "dtype": "f8"``) decoded to numbers;
* HTML entities decoded, URL-decoded (``%xx``, and ``+`` as a space), JSON/JavaScript escapes
  decoded (``\\uXXXX``, ``\\xHH``), tags stripped, and chains of these;
* every view Unicode-normalised (invisible characters removed, NFKC, casefold), and for strings a
  whitespace-free view as well.

A figure is found by value: every number a view states is read — plain digits, digits with group
separators (``,``, space, thin space, no-break space, ``'``), decimals and exponents equal to it
(``619.0``, ``6.19e2``), 万 and 亿 forms (``73.8291万``, also rounded to the decimals written,
``73.8万``) — always as a whole number, not continued by digits or letters (a hash) on either
side. A figure under 1000 is everywhere (in sizes, CSS, layout), so it is found only where it
would be a figure: before one of its units, alone in a table cell or a CSV field, or in a chart's
data (plotly arrays, typed or not).

``scan(site, texts=[...], figures=[...])`` returns the hits, each with the file, the view and the
form that matched.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import html
import json
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, unquote_plus

INVISIBLE = re.compile("[\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff]")
WHITESPACE = re.compile(r"\s+")
TAG = re.compile(r"<[^<>]*>")
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\u\{([0-9a-fA-F]{1,6})\}|\\([\\/\"'])")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
BDATA = re.compile(r'"bdata"\s*:\s*"([^"]*)"')
DTYPE = re.compile(r'"dtype"\s*:\s*"([a-z][0-9])"')
MAX_INFLATED = 64 * 1024 * 1024
CACHE_MIN_BYTES = 16 * 1024  # large files (plotly.js, Pagefind's wasm) are the same in every build
STRUCT_CODES = {"f8": "d", "f4": "f", "i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I",
                "i8": "q", "u8": "Q"}


def normalise(text: str) -> str:
    """What a reader could not tell apart: invisible characters, compatibility forms, case."""
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", text)).casefold()


# --- secrets ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A withheld figure; ``units`` (项, agreements) give a short figure its context."""

    value: float
    units: tuple[str, ...] = ()

    @property
    def short(self) -> bool:
        return abs(self.value) < 1000


@dataclass(frozen=True)
class Hit:
    file: str  # relative to the site, with /
    view: str  # how the file was read, e.g. "utf-8 > html-unescaped > tags-stripped"
    secret: str
    form: str  # the written form that matched

    def __str__(self) -> str:
        return f"{self.file} [{self.view}]: {self.secret!r} as {self.form!r}"


# --- views of a file -------------------------------------------------------------------------

URL_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _json_unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(m: re.Match) -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        if m.group(2):
            return chr(int(m.group(2), 16))
        if m.group(3):
            code = int(m.group(3), 16)
            return chr(code) if code < 0x110000 else m.group(0)
        return m.group(4)

    decoded = JSON_ESCAPE.sub(one, text)
    if re.search("[\ud800-\udfff]", decoded):  # surrogate pairs written as two \uXXXX escapes
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return decoded


def _url(text: str) -> str:
    if "%" not in text:
        return text
    return URL_RUN.sub(lambda m: bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8", "replace"), text)


def _url_plus(text: str) -> str:
    return _url(text.replace("+", " "))


def _strip_tags(text: str) -> str:
    return TAG.sub("", text) if "<" in text else text


def _decode_all(text: str) -> str:
    return _url(html.unescape(_json_unescape(text)))


DECODERS = {"html-unescaped": html.unescape, "json-unescaped": _json_unescape, "url-decoded": _url,
            "url-decoded(+)": _url_plus, "json+html+url-decoded": _decode_all}


def _inflate(data: bytes) -> list[tuple[str, bytes]]:
    """Every way the bytes (or the bytes after a small header) inflate."""
    found: list[tuple[str, bytes]] = []
    starts = {0}
    magic = data.find(b"\x1f\x8b", 0, 256)
    if magic >= 0:
        starts.add(magic)
    for start in sorted(starts):
        chunk = data[start:]
        if not chunk[:1] in (b"\x1f", b"\x78", b"\x08", b"\x18", b"\x28", b"\x38", b"\x48", b"\x58",
                              b"\x68") and start == 0 and magic < 0:
            # not gzip, not a zlib header: still try raw deflate below
            variants = (("deflate(raw)", -15),)
        else:
            variants = (("gunzipped", 31), ("zlib(auto)", 47), ("zlib", 15), ("deflate(raw)", -15))
        for name, wbits in variants:
            if name == "gunzipped" and not chunk.startswith(b"\x1f\x8b"):
                continue
            try:
                inflater = zlib.decompressobj(wbits)
                inflated = inflater.decompress(chunk, MAX_INFLATED)
            except zlib.error:
                continue
            if name == "deflate(raw)" and not inflater.eof:
                continue  # random bytes often start a raw deflate stream that never ends
            if inflated and len(inflated) > 4:
                found.append((f"{name}@{start}" if start else name, inflated))
        if chunk.startswith(b"\x1f\x8b"):
            try:
                found.append(("gzip.decompress", gzip.decompress(chunk)))
            except (OSError, EOFError, zlib.error):
                pass
    unique: dict[bytes, str] = {}
    for name, inflated in found:
        unique.setdefault(inflated, name)
    return [(name, inflated) for inflated, name in unique.items()]


def _b64decode(run: str) -> bytes | None:
    run = run.rstrip("=")
    if len(run) % 4 == 1:
        run = run[:-1]
    padded = run + "=" * (-len(run) % 4)
    try:
        if "-" in run or "_" in run:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _base64_texts(text: str) -> list[str]:
    """Base64 runs that decode to valid UTF-8 text (or to gzip/zlib data that inflates to it)."""
    texts = []
    for run in set(BASE64_RUN.findall(text)):
        raw = _b64decode(run)
        if raw is None or len(raw) < 3:
            continue
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            if raw[:2] == b"\x1f\x8b" or raw[:1] == b"\x78":
                texts += [inflated.decode("utf-8", "replace") for _, inflated in _inflate(raw)]
    return sorted(texts)


def _bdata_numbers(text: str) -> list[list[float]]:
    """plotly's typed arrays: {"bdata": "<base64>", "dtype": "f8"} (either order)."""
    arrays = []
    for match in BDATA.finditer(text):
        window = text[max(0, match.start() - 200): match.end() + 200]
        dtype = DTYPE.search(window)
        raw = _b64decode(match.group(1))
        if raw is None:
            continue
        codes = [dtype.group(1)] if dtype and dtype.group(1) in STRUCT_CODES else list(STRUCT_CODES)
        for code in codes:
            size = struct.calcsize(STRUCT_CODES[code])
            if len(raw) % size:
                continue
            values = struct.unpack("<" + STRUCT_CODES[code] * (len(raw) // size), raw)
            arrays.append([float(v) for v in values])
    return arrays


def _format_number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return "null"
    return str(int(value)) if value.is_integer() else repr(value)


class View:
    """One way of reading a file, normalised; its whitespace-free form and its runs of digits
    (a figure is looked for only where its digits are) are made when first needed."""

    def __init__(self, name: str, text: str):
        self.name, self.text = name, text
        self._flat: str | None = None
        self._runs: frozenset | None = None
        self._chars: frozenset | None = None

    @property
    def chars(self) -> frozenset:
        if self._chars is None:
            self._chars = frozenset(self.text)
        return self._chars

    @property
    def flat(self) -> str:
        if self._flat is None:
            self._flat = WHITESPACE.sub("", self.text)
        return self._flat

    @property
    def runs(self) -> frozenset:
        if self._runs is None:
            self._runs = frozenset(DIGITS.findall(self.text))
        return self._runs


@dataclass
class FileViews:
    name: str
    views: list[View] = field(default_factory=list)


def _views_of(name: str, data: bytes) -> FileViews:
    bases: list[tuple[str, str]] = [("utf-8", data.decode("utf-8", "replace"))]
    for how, inflated in _inflate(data):
        bases.append((how, inflated.decode("utf-8", "replace")))
    extra: list[tuple[str, str]] = []
    for how, text in bases:
        runs: list[str] = []
        arrays: list[list[float]] = []
        for source_text in dict.fromkeys([text, html.unescape(text), _json_unescape(text)]):
            runs += _base64_texts(source_text)
            arrays += _bdata_numbers(source_text)
        if runs:
            extra.append((f"{how} > base64", "\n".join(dict.fromkeys(runs))))
        if arrays:
            extra.append((f"{how} > plotly bdata", "\n".join(
                "[" + ", ".join(_format_number(v) for v in values) + "]" for values in arrays)))
    result = FileViews(name)
    seen: set[str] = set()
    for how, text in bases + extra:
        for step in (None, *DECODERS):
            decoded = text if step is None else DECODERS[step](text)
            label = how if step is None else f"{how} > {step}"
            for final, final_label in ((decoded, label), (_strip_tags(decoded), label + " > tags-stripped")):
                if final in seen:
                    continue
                seen.add(final)
                result.views.append(View(final_label, normalise(final)))
    return result


_CACHE: dict[str, FileViews] = {}


def file_views(name: str, data: bytes) -> FileViews:
    if len(data) < CACHE_MIN_BYTES:
        return _views_of(name, data)
    key = hashlib.sha256(data).hexdigest()
    if key not in _CACHE:
        if len(_CACHE) > 16:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _views_of(name, data)
    cached = _CACHE[key]
    return FileViews(name, cached.views)


# --- searching -------------------------------------------------------------------------------

DIGITS = re.compile(r"[0-9]+")
# Patterns start with the figure's digits, so that the search is fast; what comes before a match is
# checked by hand (Python's lookbehinds must be of fixed width and would slow every search down).
CONTINUED = re.compile(r"(?:[0-9A-Za-z]|[0-9][.,])$")  # not a whole number: digits (or a hash's letters) before
CELL_BEFORE = re.compile(r">\s*$")
DATA_ARRAY_KEY = re.compile(r'"(?:x|y|z|r|base|values|text|customdata|hovertext|labels|value|theta)"\s*:\s*\[$')
CSV_BEFORE = re.compile(r'(?:^|[,;\t\n])[ \t]*"?$')


def _whole(text: str, start: int, name: str) -> bool:
    return not CONTINUED.search(text, max(0, start - 2), start)


def _in_cell(text: str, start: int, name: str) -> bool:
    return bool(CELL_BEFORE.search(text, max(0, start - 40), start))


def _in_data_array(text: str, start: int, name: str) -> bool:
    window = text[max(0, start - 4000): start]
    if not window.rstrip('"').rstrip().endswith(("[", ",")):
        return False
    opening = window.rfind("[")
    if opening < 0 or window.rfind("]") > opening:
        return False
    return bool(DATA_ARRAY_KEY.search(window, max(0, opening - 40), opening + 1))


def _in_csv(text: str, start: int, name: str) -> bool:
    return name.endswith(".csv") and bool(CSV_BEFORE.search(text, max(0, start - 8), start))
AFTER = r"(?![0-9A-Za-z]|[.,][0-9])"


def _decimal(value: float) -> Decimal:
    return Decimal(int(value)) if float(value).is_integer() else Decimal(repr(float(value)))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class _FigureNeedle:
    figure: Figure
    label: str
    runs: set[str]  # digit runs of which at least one must be in a view for any form to be there
    patterns: list[tuple[str, str, re.Pattern, object]]  # (form, its literal start, pattern, check of what is before)

    def __post_init__(self):
        # per pattern: every run of digits its form has (a view without one of them cannot match),
        # and the literal text it starts with, found with str.find (far faster than a regex search)
        self.required = [set(DIGITS.findall(literal)) for _, literal, _, _ in self.patterns]


def _needle(figure: Figure) -> _FigureNeedle:
    value = _decimal(figure.value)
    plain = _plain(value)
    whole, _, fraction = plain.partition(".")
    frac = (r"\." + fraction + "0*") if fraction else r"(?:\.0+)?"
    runs = {whole}
    patterns: list[tuple[str, str, re.Pattern, object]] = []
    if figure.short:
        n = re.escape(whole) + frac
        units = [re.escape(normalise(u)) for u in figure.units if u]
        if units:
            patterns.append((f"{plain} with its unit", plain, re.compile(n + r"(?![0-9])\s*(?:" + "|".join(units) + ")"),
                             _whole))
        patterns += [
            (f">{plain}< (a table cell)", plain, re.compile(n + r"\s*<"), _in_cell),
            (f"{plain} in chart data", plain, re.compile(n + r"\"?\s*[,\]]"), _in_data_array),
            (f"{plain} (a CSV field)", plain, re.compile(n + r"\"?[ \t]*(?:[,;\t]|\r?$)", re.M), _in_csv),
        ]
        return _FigureNeedle(figure, plain, runs, patterns)
    # plain, and decimals equal to it
    patterns.append((plain, whole, re.compile(re.escape(whole) + frac + AFTER), _whole))
    # grouped by thousands (after NFKC a no-break or thin space is a space)
    if len(whole) > 3:
        groups, rest = [], whole
        while len(rest) > 3:
            groups.insert(0, rest[-3:])
            rest = rest[:-3]
        groups.insert(0, rest)
        runs.add(groups[0])
        for sep in (",", " ", "'", "."):
            grouped = re.escape(sep).join(groups)
            patterns.append((sep.join(groups), sep.join(groups), re.compile(grouped + frac + AFTER), _whole))
    # scientific notation
    digits = (whole + fraction).lstrip("0") or "0"
    mantissa = digits.rstrip("0") or "0"
    exponent = len(whole.lstrip("0")) - 1 if whole.lstrip("0") else -(len(fraction) - len(fraction.lstrip("0")) + 1)
    if len(mantissa) > 1:
        runs.add(mantissa[1:])
        patterns.append((f"{mantissa[0]}.{mantissa[1:]}e{exponent}", f"{mantissa[0]}.{mantissa[1:]}", re.compile(
            mantissa[0] + r"\." + mantissa[1:] + r"0*[eE]\+?0*" + str(exponent) + r"(?![0-9])"), _whole))
    # 万 and 亿, exact or rounded to one or two decimals, and the English "× 10,000"
    for scale, words in ((Decimal(10**4), "万|× ?10,000"), (Decimal(10**8), "亿|× ?100 million")):
        if abs(value) < scale / 100:
            continue
        scaled = value / scale
        forms = {_plain(scaled)}
        for places in (1, 2):
            rounded = _plain(scaled.quantize(Decimal(1).scaleb(-places)))
            if "." in rounded:
                forms.add(rounded)
        for form in sorted(forms):
            w, _, f = form.partition(".")
            runs.add(w)
            number = re.escape(w) + (r"\." + f + "0*" if f else r"(?:\.0+)?")
            patterns.append((form + words.split("|")[0], form, re.compile(
                number + r"(?![0-9])\s?(?:" + words + ")"), _whole))
    return _FigureNeedle(figure, plain, runs, patterns)


def _figure_hit(fv: FileViews, needle: _FigureNeedle) -> tuple[str, str] | None:
    for view in fv.views:
        runs = view.runs
        if not (needle.runs & runs):
            continue
        text = view.text
        for (form, literal, pattern, before), required in zip(needle.patterns, needle.required):
            if not required <= runs:
                continue
            start = text.find(literal)
            while start >= 0:
                if pattern.match(text, start) and before(text, start, fv.name):
                    return view.name, form
                start = text.find(literal, start + 1)
    return None


def search(files: Iterable[FileViews], texts: Iterable[str] = (), figures: Iterable[Figure] = ()) -> list[Hit]:
    texts = list(texts)
    for text in texts:
        if len(WHITESPACE.sub("", normalise(text))) < 2:
            raise ValueError(f"a secret of one character is found everywhere: {text!r}")
    needles = [(text, normalise(text), WHITESPACE.sub("", normalise(text))) for text in texts]
    figure_needles = [_needle(figure) for figure in figures]
    hits: list[Hit] = []
    for fv in files:
        for secret, norm, flat in needles:
            for view in fv.views:
                if len(view.text) > 65536 and not set(flat) <= view.chars:
                    continue
                if norm in view.text:
                    hits.append(Hit(fv.name, view.name, secret, norm))
                    break
                if flat in view.flat:
                    hits.append(Hit(fv.name, view.name + " > whitespace removed", secret, flat))
                    break
        for needle in figure_needles:
            found = _figure_hit(fv, needle)
            if found:
                hits.append(Hit(fv.name, found[0], needle.label, found[1]))
    return hits


def read_site(site: Path) -> list[FileViews]:
    site = Path(site)
    return [file_views(path.relative_to(site).as_posix(), path.read_bytes())
            for path in sorted(site.rglob("*")) if path.is_file()]


def _figures(figures) -> list[Figure]:
    return [f if isinstance(f, Figure) else Figure(float(f)) for f in figures]


def scan(site: Path, texts: Iterable[str] = (), figures: Iterable[Figure | float | int] = ()) -> list[Hit]:
    """Every place in the site where one of ``texts`` or ``figures`` can be read."""
    return search(read_site(site), texts, _figures(figures))


def scan_bytes(files: dict[str, bytes], texts: Iterable[str] = (),
               figures: Iterable[Figure | float | int] = ()) -> list[Hit]:
    """The same search over files given as ``{name: bytes}`` (to test the oracle itself)."""
    return search([file_views(name, data) for name, data in files.items()], texts, _figures(figures))


def site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in Path(site).rglob("*") if p.is_file())


def report(hits: list[Hit], limit: int = 12) -> str:
    lines = [str(hit) for hit in hits[:limit]]
    if len(hits) > limit:
        lines.append(f"… and {len(hits) - limit} more")
    return "\n".join(lines)
