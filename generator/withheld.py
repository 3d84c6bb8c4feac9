"""Withheld content: one source, two editions.

The office keeps one source with the real names and numbers. Text is marked
withheld with a span, ``[北京]{.withheld}``; a figure with ``public: false``.

Withheld spans are found where the parsers find them, never by a pattern over
the source: in Markdown on the parsed tokens (``markdown.withheld_plugin``), in
YAML on the parsed values (``Withholding.values``: every text of every YAML file,
whatever quoting, escapes or line folding produced it).

* The **public** edition replaces every withheld span by its mask in the
  official convention — one ``*`` per character, per digit for a number — on
  the tokens and values, before anything reaches the model; a withheld figure
  by its mask. The real text never enters the model, so no page, index, chart
  or attribute can carry it.
* The **internal** edition keeps it, highlighted, for colleagues to review.

What the sources withhold is recorded as :class:`Secrets` for two checks after
rendering: ``published.py`` (nothing marked withheld is left in a public file)
and ``leaks.py`` (no unmarked copy of a secret is in one).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

from markdown_it import MarkdownIt

from . import markdown
from .diagnostics import Diagnostics
from .edition import INTERNAL, PUBLIC
from .markdown import FIXED_MASK, mask_length
from .metrics import plain_number, withhold
from .yamlfile import YamlDocument

T = TypeVar("T")
MASK_RUN = re.compile(r"(?<!\\)\*+")


def mask_for(text: str) -> str:
    """The official convention: one ``*`` per character, per digit for a number."""
    return "*" * mask_length(text)


@dataclass(frozen=True)
class Secret:
    """A withheld string or figure, and where the source withholds it."""

    text: str  # as a reader would see it in clear: a span's plain text, a figure's plain number (4729, 2.5)
    source: Path
    line: int
    before: str = ""  # the plain text just before it in its source (a few characters), to search a short one in context
    after: str = ""  # the plain text just after it
    number: float | None = None  # a figure, or a span that is a number: searched in every written form
    units: tuple[str, ...] = ()  # a figure's unit in every language (项, agreements): a short figure is searched with them


@dataclass
class Secrets:
    """Everything a build's sources withhold, for the leak check."""

    items: list[Secret] = field(default_factory=list)

    def add_span(self, text: str, source: Path, line: int, before: str = "", after: str = "") -> None:
        """A withheld span's plain text; a span that is a number is searched as a figure too."""
        if not text.strip():
            return
        compact = text.replace(",", "").replace(" ", "")
        number = float(compact) if re.fullmatch(r"[0-9]+(\.[0-9]+)?", compact) else None
        self.items.append(Secret(text, source, line, before, after, number))

    def add_number(self, value: float, source: Path, line: int, units: list[str]) -> None:
        """A figure with ``public: false``."""
        self.items.append(Secret(plain_number(value), source, line, number=value,
                                 units=tuple(u for u in units if u)))


@dataclass
class Withholding:
    """How one build's edition treats withheld content, and what the sources withhold."""

    edition: str
    fixed_masks: bool = False  # set from the site config as soon as it is read
    secrets: Secrets = field(default_factory=Secrets)
    # Finds the spans of a YAML value (the masking of Markdown is the edition's own parser's).
    locator: MarkdownIt = field(default_factory=markdown.create_parser, repr=False)

    @property
    def public(self) -> bool:
        return self.edition == PUBLIC

    @property
    def key(self) -> tuple[str, bool]:
        """What a text parsed or checked for this edition depends on besides the text."""
        return self.edition, self.fixed_masks

    def parser(self) -> MarkdownIt:
        """The edition's Markdown parser: the public one masks withheld spans on the tokens."""
        return markdown.create_parser(withhold=self.public, fixed_masks=self.fixed_masks)

    def values(self, document: YamlDocument, path: Path, diagnostics: Diagnostics) -> None:
        """Every text of a parsed YAML file as the edition publishes it: in the public edition
        each withheld span masked (and recorded); in both, what cannot be withheld safely reported."""
        document.data = self._value(document.data, (), document, path, diagnostics)

    def _value(self, value: Any, loc: tuple, document: YamlDocument, path: Path, diagnostics: Diagnostics) -> Any:
        if isinstance(value, dict):
            return {key: self._value(item, loc + (key,), document, path, diagnostics) for key, item in value.items()}
        if isinstance(value, list):
            return [self._value(item, loc + (index,), document, path, diagnostics) for index, item in enumerate(value)]
        if isinstance(value, (bytes, bytearray)):  # !!binary: a text no reader of the file can check
            diagnostics.error(path, "binary values (!!binary) are not allowed", line=document.line_of(loc)[0],
                              hint="write the text itself")
            return ""
        if isinstance(value, str) and ("{" in value or "<" in value):
            return self._text(value, loc, document, path, diagnostics)
        return value

    def _text(self, text: str, loc: tuple, document: YamlDocument, path: Path, diagnostics: Diagnostics) -> str:
        line = document.line_of(loc)[0]
        # The parser turns CR and NUL into other characters: positions hold only without them.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
        ranges, problems = markdown.withheld_ranges(self.locator, text)
        for problem in problems:
            diagnostics.error(path, problem.message, line=line, hint=problem.hint)
        if problems or not self.public:
            return text
        for start, end, span in reversed(ranges):
            self.secrets.add_span(span.text, path, line or 1, span.before, span.after)
            text = text[:start] + (FIXED_MASK if self.fixed_masks else "*" * max(1, mask_length(span.text))) + text[end:]
        if ranges and markdown.withheld_ranges(self.locator, text)[0]:  # never: but if, nothing is published
            diagnostics.error(path, "a withheld span could not be masked", line=line, hint=markdown.SPAN_HINT)
        return text

    def captured(self, make: Callable[[], T]) -> tuple[T, list[Secret]]:
        """What ``make()`` gives and the secrets it records, taken out of ``secrets``: for a result
        kept in a cache, whose secrets every build that takes it adds again."""
        mark = len(self.secrets.items)
        result = make()
        withheld = self.secrets.items[mark:]
        del self.secrets.items[mark:]
        return result, withheld

    def spans(self, found: list[markdown.WithheldSpan], path: Path) -> None:
        """Record the withheld spans the parser found in a Markdown text."""
        for span in found:
            self.secrets.add_span(span.text, path, span.line or 1, span.before, span.after)


def fix_masks(text: str) -> str:
    """``masks: fixed``: every mask the same width, so that no length shows."""
    return MASK_RUN.sub(FIXED_MASK, text)


def prepare_edition(folders: list, fixed_masks: bool) -> None:
    """``masks: fixed``: the masks the sources write themselves, each as ``***``."""
    from .sources import replace_texts

    if fixed_masks:
        for folder in folders:
            replace_texts(folder, lambda source: fix_masks(source.text))


def withhold_figures(reports: list, withholding: Withholding) -> None:
    """Figures with ``public: false``: recorded as secrets; masked in the public edition."""
    for report in reports:
        published = []
        for metric in report.metrics:
            if metric.withheld_value:
                withholding.secrets.add_number(metric.value, metric.source, metric.line or 1,
                                               list(metric.unit.values()))
                if withholding.public:
                    metric = withhold(metric)
            if withholding.fixed_masks and metric.mask is not None:  # 万 and 亿 are no withheld digits: kept
                metric = dataclasses.replace(metric, mask=FIXED_MASK + metric.mask_scale, ranged=False)
            published.append(metric)
        report.metrics = published
