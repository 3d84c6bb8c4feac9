"""Withheld content: one source, two editions, and the check that nothing leaks.

The office keeps one source with the real names and numbers. Text is marked
withheld with a span, ``[北京]{.withheld}``; a figure with ``public: false``.

* The **public** edition replaces every withheld span by its mask in the
  official convention — one ``*`` per character, per digit for a number — in
  the source text itself, before anything is parsed. The real text never
  enters the model, so no page, index, chart or attribute can carry it.
* The **internal** edition keeps it, highlighted, for colleagues to review.

Independently of that, the **leak check** searches every file a public build
would write for every withheld string and number, in the forms a reader might
find it (``1234``, ``1,234``, ``1 234``, ``1.2万``; HTML entities, JSON and URL
escapes, base64 such as plotly's ``bdata``), and fails the build on a hit.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import html
import json
import re
import struct
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from .metrics import plain_number

PUBLIC, INTERNAL = "public", "internal"
EDITIONS = (PUBLIC, INTERNAL)

# [text]{.withheld}: the span syntax of mdit-py-plugins' attrs plugin. A withheld span
# holds no brackets and no line break, so this one pattern finds it in any file.
WITHHELD_SPAN = re.compile(r"(?<!\\)\[([^\[\]\n]+)\]\{\s*\.withheld\s*\}")
NUMBER = re.compile(r"^[0-9][0-9,.\s]*$")
MASK_RUN = re.compile(r"(?<!\\)\*+")
FIXED_MASK = "***"  # with `masks: fixed`, every mask, whatever it hides


def mask_for(text: str) -> str:
    """The official convention: one ``*`` per character, per digit for a number."""
    if NUMBER.match(text):
        return "*" * sum(c.isdigit() for c in text)
    return "*" * len(text)


@dataclass(frozen=True)
class Secret:
    """A withheld string, and where the source withholds it."""

    text: str
    source: Path
    line: int
    before: str = ""  # a short span is searched with what surrounds it in the source
    after: str = ""
    number: float | None = None  # a withheld figure, searched in every written form


@dataclass
class Secrets:
    items: list[Secret] = field(default_factory=list)

    def add_spans(self, text: str, source: Path) -> None:
        """Record the withheld spans of one source file."""
        if ".withheld" not in text:  # most files withhold nothing: no need to look further
            return
        plain = WITHHELD_SPAN.sub(lambda m: m.group(1), text)
        offset = 0
        for match in WITHHELD_SPAN.finditer(text):
            value = match.group(1)
            start = match.start() - offset  # where the value stands in the plain text
            offset += len(match.group(0)) - len(value)
            line = text.count("\n", 0, match.start()) + 1
            number = float(value.replace(",", "").replace(" ", "")) if NUMBER.match(value) and \
                re.fullmatch(r"[0-9]+(\.[0-9]+)?", value.replace(",", "").replace(" ", "")) else None
            self.items.append(Secret(value, source, line, plain[max(0, start - 2):start],
                                     plain[start + len(value):start + len(value) + 2], number))

    def add_number(self, value: float, source: Path, line: int, units: list[str]) -> None:
        for unit in units:
            self.items.append(Secret(plain_number(value), source, line, after=unit, number=value))
        self.items.append(Secret(plain_number(value), source, line, number=value))


def apply_edition(text: str, edition: str) -> str:
    """A source file's text as the edition publishes it."""
    if edition == PUBLIC and ".withheld" in text:
        return WITHHELD_SPAN.sub(lambda m: mask_for(m.group(1)), text)
    return text


def fix_masks(text: str) -> str:
    """``masks: fixed``: every mask the same width, so that no length shows."""
    return MASK_RUN.sub(FIXED_MASK, text)


def prepare_edition(folders: list, edition: str, fixed_masks: bool) -> Secrets:
    """Record what the sources withhold, then rewrite them as the edition publishes them."""
    from .sources import replace_texts, source_files

    secrets = Secrets()
    for folder in folders:
        for source in source_files(folder):
            secrets.add_spans(source.text, source.path)

        def publish(source, edition=edition):
            text = apply_edition(source.text, edition)
            return fix_masks(text) if fixed_masks else text

        replace_texts(folder, publish)
    return secrets


def withhold_figures(reports: list, edition: str, fixed_masks: bool, secrets: Secrets) -> None:
    """Figures with ``public: false``: recorded as secrets; masked in the public edition."""
    import dataclasses

    from .metrics import withhold

    for report in reports:
        published = []
        for metric in report.metrics:
            if not metric.public and metric.value is not None:
                secrets.add_number(metric.value, metric.source, metric.line or 1, list(metric.unit.values()))
                if edition == PUBLIC:
                    metric = withhold(metric)
            if fixed_masks and metric.mask is not None:
                metric = dataclasses.replace(metric, mask=FIXED_MASK, ranged=False)
            published.append(metric)
        report.metrics = published


# --- the leak check ------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    file: str
    line: int
    column: int
    secret: Secret
    found: str  # what was found, as written
    how: str  # "as written", "after decoding HTML entities" …


def find_leaks(files: dict[str, bytes], secrets: Secrets) -> list[Leak]:
    needles = [(secret, _needles(secret)) for secret in secrets.items]
    needles = [(secret, literals) for secret, literals in needles if literals]
    # One report per file and withheld thing (a figure is searched with and without its unit).
    leaks: dict[tuple, Leak] = {}
    if not needles:
        return []
    for name in sorted(files):
        data = files[name]
        if data[:2] == b"\x1f\x8b":  # gzip, as Pagefind writes its index
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                pass
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") > len(text) // 10:
            continue  # not text: images, fonts, WebAssembly
        for view, how in _views(text, name.rsplit(".", 1)[-1].lower()):
            for secret, literals in needles:
                key = (name, secret.source, secret.line, secret.text)
                if key in leaks:
                    continue
                found = _find(view, literals, numeric=secret.number is not None)
                if found is not None:
                    start, literal = found
                    line = view.count("\n", 0, start) + 1
                    column = start - (view.rfind("\n", 0, start) + 1) + 1
                    leaks[key] = Leak(name, line, column, secret, literal, how)
    return list(leaks.values())


def _find(view: str, literals: list[str], numeric: bool) -> tuple[int, str] | None:
    """The first place a literal stands in ``view``; a number must not be part of a longer one."""
    for literal in literals:
        start = view.find(literal)
        while start != -1:
            end = start + len(literal)
            if not numeric or (_not_digit(view, start - 1, ".,") and _not_digit(view, end, "")
                               and not (view[end:end + 1] in ".," and _is_digit(view, end + 1))):
                return start, literal
            start = view.find(literal, start + 1)
    return None


def _not_digit(text: str, index: int, also: str) -> bool:
    return not (0 <= index < len(text) and (text[index].isdigit() or text[index] in also))


def _is_digit(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isdigit()


def _needles(secret: Secret) -> list[str]:
    """The literal strings whose presence in a file means the secret is there."""
    if secret.number is not None:
        if secret.after or secret.before:
            return [secret.before + form + space + secret.after
                    for form in number_forms(secret.number) for space in ("", " ")]
        if len(plain_number(secret.number).replace(".", "")) < 2:
            return []  # a lone digit is everywhere: it is searched with its unit instead
        return number_forms(secret.number)
    if len(secret.text) >= 2:
        return [secret.text]
    # A single character is everywhere: search it with its neighbours in the source.
    return [c for c in (secret.before + secret.text, secret.text + secret.after) if len(c) >= 2]


def number_forms(value: float) -> list[str]:
    """The ways a figure may be written: 1234, 1,234, 1 234, 1.234万, 0.1234万 …"""
    forms = {plain_number(value)}
    if float(value).is_integer():
        whole = int(value)
        forms |= {f"{whole:,}", f"{whole:,}".replace(",", " "), f"{whole:,}".replace(",", "\u202f"),
                  f"{whole:,}".replace(",", "\u00a0")}
        for scale, char in ((10_000, "万"), (100_000_000, "亿")):
            if whole >= scale // 10:  # 0.4729万 is rare, but a reader would still recognise it
                for digits in range(0, 9):
                    forms.add(f"{whole / scale:.{digits}f}".rstrip("0").rstrip(".") + char)
    return sorted(forms, key=len, reverse=True)



def _views(text: str, kind: str) -> list[tuple[str, str]]:
    """The file as written, and as a reader's tools would decode it: HTML entities and
    URL escapes where a browser decodes them (HTML, XML), JSON and JavaScript escapes,
    and base64 data anywhere."""
    views = [(text, "as written")]
    joined = ZERO_WIDTH.sub("", text)
    if joined != text:  # a search index separates the words it segments with zero-width spaces
        views.append((joined, "after removing zero-width characters"))
    markup = kind in ("html", "htm", "xml", "svg", "txt")
    if markup and "&" in text:
        views.append((html.unescape(text), "after decoding HTML entities"))
    if "\\u" in text:
        views.append((re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text),
                      "after decoding JSON escapes"))
    if markup and "%" in text:
        views.append((urllib.parse.unquote(text), "after decoding URL escapes"))
    decoded = _decode_base64(text)
    if decoded:
        views.append((decoded, "after decoding base64 data"))
    return views


ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
BDATA = re.compile(r'"bdata"\s*:\s*"([A-Za-z0-9+/=]+)"\s*,\s*"dtype"\s*:\s*"([a-z0-9]+)"'
                   r'|"dtype"\s*:\s*"([a-z0-9]+)"\s*,\s*"bdata"\s*:\s*"([A-Za-z0-9+/=]+)"')
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")
DTYPES = {"f8": "d", "f4": "f", "i4": "i", "u4": "I", "i2": "h", "u2": "H", "i1": "b", "u1": "B"}


def _decode_base64(text: str) -> str:
    """Typed arrays (plotly's ``bdata``) as numbers, and other base64 runs as text."""
    parts: list[str] = []
    for match in BDATA.finditer(text):
        data, dtype = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        code = DTYPES.get(dtype)
        try:
            raw = base64.b64decode(data)
        except (binascii.Error, ValueError):
            continue
        if code:
            size = struct.calcsize(code)
            values = struct.unpack(f"<{len(raw) // size}{code}", raw[: len(raw) // size * size])
            parts.append(" ".join(plain_number(v) for v in values))
    for match in BASE64_RUN.finditer(text):
        try:
            decoded = base64.b64decode(match.group(0) + "=" * (-len(match.group(0)) % 4)).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        parts.append(decoded)
    return "\n".join(parts)


def describe(leak: Leak) -> tuple[str, str]:
    """The message and hint of a leak, for a diagnostic."""
    what = json.dumps(leak.found, ensure_ascii=False)
    return (f"the public edition would publish withheld content: {what} ({leak.how}), withheld in "
            f"{leak.secret.source.name}:{leak.secret.line}",
            "mark it withheld here too ([…]{.withheld}, or public: false for a figure), or remove it")
