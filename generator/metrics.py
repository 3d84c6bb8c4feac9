"""Metrics: every figure of a report defined once, in ``metrics.yml``.

The text quotes a figure by reference (``{{ leaders-received }}``) and charts
draw it, so the number in a sentence and the number in a chart are the same
value. A figure the official text masks keeps its mask everywhere; where the
mask shows how many digits are withheld, it still tells an order of magnitude
(``***`` is 100–999), which charts show as a range, never as zero.
"""

from __future__ import annotations

import dataclasses
import decimal
import difflib
import functools
import re
import typing
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_compact_decimal, format_decimal

from .config import check_localized
from .diagnostics import Diagnostics, listed
from .i18n import Translations
from .schema import MetricsFile, ValuesHook, parse_and_validate
from .sources import METRICS_FILE, SourceFile
from .yamlfile import YamlDocument

SCALES = {"万": 10_000, "亿": 100_000_000, "万亿": 10 ** 12}


@dataclass(frozen=True)
class Metric:
    id: str
    report_id: str
    year: int
    label: dict[str, str]
    unit: dict[str, str]
    value: int | float | None
    mask: str | None
    qualifier: str | None
    section: str
    note: dict[str, str] | None
    text: dict[str, str] | None
    source: Path
    line: int | None
    public: bool = True  # False: withheld; the public edition shows its mask
    ranged: bool = True  # False with `masks: fixed`: a mask then tells no magnitude

    @property
    def masked(self) -> bool:
        return self.mask is not None

    @property
    def withheld_value(self) -> bool:
        """Withheld (public: false) with its value given: the public edition masks it, the internal
        edition shows it highlighted."""
        return not self.public and self.value is not None

    @property
    def pending(self) -> bool:
        """Neither value nor mask yet: a new report's figure still to be filled in."""
        return self.value is None and self.mask is None

    @property
    def mask_digits(self) -> str:
        """The asterisks of the mask, without its 万 or 亿."""
        return (self.mask or "").rstrip("万亿")  # 万亿 too

    @property
    def mask_scale(self) -> str:
        return (self.mask or "")[len(self.mask_digits):]

    def __repr__(self) -> str:
        # What the caches' keys are made of, build after build, for the same loaded figures: made once.
        # (Frozen, and no stage changes a figure's dictionaries in place: a new figure is a copy.)
        try:
            return self.__dict__["_repr"]
        except KeyError:
            text = f"Metric({', '.join(f'{f.name}={getattr(self, f.name)!r}' for f in dataclasses.fields(self))})"
            object.__setattr__(self, "_repr", text)
            return text

    def magnitude(self) -> tuple[int, int] | None:
        """The range a mask implies: one * per digit, so ``**`` is 10–99 and ``**万`` 100,000–990,000."""
        if self.mask is None or not self.ranged:
            return None
        digits = len(self.mask_digits.split(".")[0])
        scale = SCALES.get(self.mask_scale, 1)
        low = 10 ** (digits - 1) if digits > 1 else 1
        return low * scale, (10 ** digits - 1) * scale


class MetricList(list):
    """The metrics of a report that loaded, and what the file may define besides: a reference to
    an id it may define is no mistake of the text's, but a consequence of the file's own error,
    which is reported (one mistake, one message, the cause first)."""

    def __init__(self, metrics: typing.Iterable[Metric] = (), failed: frozenset[str] | None = frozenset()):
        super().__init__(metrics)
        # Ids whose entries have errors; None: the file did not load, so it may define any id.
        self.failed = failed

    def may_define(self, metric_id: str) -> bool:
        """Whether ``metric_id``, not among the metrics, may still be defined in the file: its
        entry has an error, or the file could not be read or parsed at all."""
        return self.failed is None or metric_id in self.failed


def unreadable_metrics() -> MetricList:
    """The metrics of a report whose metrics.yml is there but could not be read (not UTF-8,
    too large): none, and any id may be defined in it."""
    return MetricList(failed=None)


def load_metrics(source: SourceFile | None, report_id: str, year: int, languages: list[str],
                 sections: set[str], diagnostics: Diagnostics, values: ValuesHook | None = None) -> MetricList:
    """The metrics of one report, checked; no file means no metrics. ``values``: see parse_and_validate.
    Where the file or some of its entries have errors, ``MetricList.may_define`` says which ids
    it may define."""
    if source is None:
        return MetricList()
    path = source.path
    spec, document = parse_and_validate(MetricsFile, source.text, path, diagnostics, METRICS_FILE, values=values)
    if document is None:
        return MetricList(failed=None)
    if spec is None:
        return MetricList(failed=_declared_ids(document.data))
    metrics: list[Metric] = []
    failed: set[str] = set()
    seen: dict[str, int | None] = {}
    unfilled: list[tuple[str, int | None, int | None]] = []  # figures without a value yet: warned about together
    for index, item in enumerate(spec.metrics):
        line, column = document.line_of(("metrics", index))
        before = len(diagnostics.errors)
        if item.id in seen:
            diagnostics.error(path, f"the metric id '{item.id}' is defined twice (first on line {seen[item.id]})",
                              line=line, column=column, hint="give each figure its own id")
        seen.setdefault(item.id, line)
        if item.section not in sections:
            _unknown_section(path, document, index, item.section, sections, diagnostics)
        for key in ("label", "unit", "note", "text"):
            check_localized(getattr(item, key), languages, document, ("metrics", index, key), path, diagnostics)
        if item.value is None and item.mask is None:
            unfilled.append((item.id, line, column))
        if len(diagnostics.errors) == before:
            metrics.append(Metric(item.id, report_id, year, item.label, item.unit, item.value, item.mask,
                                  item.qualifier, item.section, item.note, item.text, path, line,
                                  public=item.public))
        else:
            failed.add(item.id)
    hint = "add 'value:' (or 'mask:' where the published text masks it)"
    if len(unfilled) == 1:
        metric_id, line, column = unfilled[0]
        diagnostics.warning(path, f"the figure '{metric_id}' has no value yet", line=line, column=column, hint=hint)
    elif unfilled:
        ids = [metric_id for metric_id, _, _ in unfilled]
        diagnostics.warning(path, f"{len(ids)} figures have no value yet: {listed(ids, 8)}", line=unfilled[0][1],
                            column=unfilled[0][2], hint="add 'value:' to each (or 'mask:' where the published text "
                                                        "masks it)")
    return MetricList(metrics, frozenset(failed))


def _declared_ids(data: object) -> frozenset[str] | None:
    """The ids a metrics file that failed its schema declares, as written; None where an entry
    without a readable id, or a file without a 'metrics:' list, may define any."""
    entries = data.get("metrics") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    ids = set()
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("id") is None:
            return None
        ids.add(str(entry["id"]))
    return frozenset(ids)


def withhold(metric: Metric) -> Metric:
    """A withheld figure as the public edition has it: its mask, one * per digit, and no value."""
    value = metric.value or 0
    if float(value).is_integer() and value >= 10_000 and value % 10_000 == 0:
        mask = "*" * len(str(int(value // 10_000))) + "万"
    else:
        mask = re.sub(r"[0-9]", "*", plain_number(value))
    return dataclasses.replace(metric, value=None, mask=mask, text=None)


def plain_number(value: float) -> str:
    """A figure as bare digits, the way a CSV cell or a search for it writes it: 4729, 2.5,
    0.0000001 (never 1e-07)."""
    return str(int(value)) if float(value).is_integer() else format(decimal.Decimal(repr(value)), "f")


def _unknown_section(path: Path, document: YamlDocument, index: int, slug: str, sections: set[str],
                     diagnostics: Diagnostics) -> None:
    line, column = document.line_of(("metrics", index, "section"))
    close = difflib.get_close_matches(slug, sorted(sections), n=1)
    diagnostics.error(path, f"the section '{slug}' does not exist in this report", line=line, column=column,
                      hint=f"did you mean '{close[0]}'?" if close else f"the sections are: {', '.join(sorted(sections))}")


# --- formatting -------------------------------------------------------------


def format_number(value: int | float, lang: str, translations: Translations) -> tuple[str, str]:
    """(number, scale) in the language's convention: ``("1.2", "万")`` in Chinese, ``("12,000", "")`` in English.

    Chinese uses 万 and 亿 for large figures, with as many decimals as keep the figure exact.
    """
    return _format_number(value, translations.get("locale", lang), translations.get("compact_numbers", lang) == "yes")


@functools.lru_cache(maxsize=4096, typed=True)
def _format_number(value: int | float, locale: str, compact: bool) -> tuple[str, str]:
    # Cached: Babel takes tens of microseconds a figure, and a figure shows on many pages and charts.
    if compact and abs(value) >= 10_000:
        scale_char = next(char for char, scale in sorted(SCALES.items(), key=lambda item: -item[1])
                          if abs(value) >= scale)
        scaled = decimal.Decimal(str(value)) / SCALES[scale_char]
        decimals = max(0, -scaled.normalize().as_tuple().exponent)
        text = format_compact_decimal(value, locale=locale, fraction_digits=decimals)
        if text.endswith(scale_char) and not text[:-len(scale_char)].endswith(("万", "亿")):
            return text[:-len(scale_char)], scale_char
    # Every decimal the figure has: 0.0001 is no 0.
    return format_decimal(value, locale=locale, decimal_quantization=False), ""


def format_mask(metric: Metric, lang: str, translations: Translations) -> tuple[str, str]:
    """(number, scale) of a masked figure in the language's convention: ``("***", "万")`` in
    Chinese; in a language that writes figures in full, the zeros 万 or 亿 stand for, grouped as
    its numbers are: ``("*,**0,000", "")`` for ``***万``, ``("*,*00,000,000", "")`` for ``**亿``."""
    digits, scale = metric.mask_digits, metric.mask_scale
    if not scale or translations.get("compact_numbers", lang) == "yes":
        return digits, scale
    return _mask_in_full(len(digits), SCALES[scale], translations.get("locale", lang)), ""


@functools.lru_cache(maxsize=256)
def _mask_in_full(digits: int, scale: int, locale: str) -> str:
    # The locale's grouping, from Babel: the masked digits are written as 9s (a 9 is never a
    # separator, and no 9 is among the zeros after them), then turned into asterisks.
    return format_decimal(int("9" * digits) * scale, locale=locale).replace("9", "*")


def display(metric: Metric, lang: str, translations: Translations) -> str:
    """The figure as the text states it: formatted value or mask, with its qualifier."""
    if metric.text is not None:
        return metric.text[lang]
    if metric.pending:
        return translations.get("value_pending", lang)
    number, scale = _number_and_scale(metric, lang, translations)
    pattern = translations.get(f"qualifier_{metric.qualifier}", lang) if metric.qualifier else "{number}{scale}"
    return pattern.format(number=number, scale=scale_word(scale, lang, translations))


def range_text(metric: Metric, lang: str, translations: Translations) -> str:
    """The range a masked figure's mask implies, in words ("100至999", "100 to 999"); "" for
    a figure whose mask tells no magnitude, or which is not masked."""
    magnitude = metric.magnitude()
    if magnitude is None:
        return ""
    low, high = (plain_value_of(bound, lang, translations) for bound in magnitude)
    return translations.get("withheld_range", lang, low=low, high=high)


def plain_value_of(value: int | float, lang: str, translations: Translations) -> str:
    """A number in the language's convention, scale word included: "1万", "10,000"."""
    number, scale = format_number(value, lang, translations)
    return number + scale_word(scale, lang, translations)


def plain_value(metric: Metric, lang: str, translations: Translations) -> str:
    """The figure without qualifier (a table cell, a CSV's): ``1.2万``, ``12,000``, ``***``, ``*,**0,000``."""
    if metric.pending:
        return translations.get("value_pending", lang)
    number, scale = _number_and_scale(metric, lang, translations)
    return number + scale_word(scale, lang, translations)


def _number_and_scale(metric: Metric, lang: str, translations: Translations) -> tuple[str, str]:
    """A figure's number and scale (万, 亿) as the language writes them: its mask's, or its value's."""
    if metric.mask is not None:
        return format_mask(metric, lang, translations)
    return format_number(metric.value, lang, translations)  # type: ignore[arg-type]


def scale_word(scale: str, lang: str, translations: Translations) -> str:
    """How the language writes a scale after a number ("万"); "" for none."""
    return translations.get(f"scale_{scale}", lang) if scale else ""
