"""The mask-fill check: editorial text never says what the official text masks.

A report's texts keep the official text's masks (``来*签证邀请函``: one ``*`` per hidden
character). The words an editor adds around them — a figure's label, unit and note, the
report's and sections' titles and summaries, a chart's title and caption, an image's
alternative text — are written afresh, and can reproduce a masked passage with the mask filled
in (``来华签证邀请函``): what the official text hides, published. This check finds, in the
editorial text of a language, the characters around a mask of that language's text with as
many letters or digits in the mask's place.

A mask is recognised by its surroundings: at least ``MIN_CONTEXT`` characters of them, on
both sides where the text has characters on both sides, must be the same in the editorial
text (so ``的签证邀请函`` or ``签证邀请函`` fill nothing, and neither does a longer or shorter
word in the mask's place). What fills a mask is digits or Chinese characters: a mask counts the
official text's characters, so an English word is never as long as the mask it would fill, but
a figure is (``from ** countries``, ``from 12 countries``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import markdown
from .content import ReportSource
from .diagnostics import Diagnostics
from .i18n import Translations
from .metrics import display

MASK = re.compile(r"\*+")
MIN_CONTEXT = 4  # characters around a mask, on both sides together, that must be the same
WINDOW = 12  # characters on each side of a mask that are compared at most
CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# What can stand in a mask's place: a digit, or a Chinese character. A mask counts the official
# text's characters, so no word of a language written in letters is as long as the mask it fills.
FILL_CHAR = r"[0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


@dataclass(frozen=True)
class Text:
    """A block of a section's text as a reader sees it (figures filled in)."""

    lang: str
    text: str
    path: Path
    line: int | None


@dataclass(frozen=True)
class EditorialText:
    """Words an editor wrote beside the official text: ``what`` names them in a message."""

    what: str
    lang: str
    text: str
    path: Path
    line: int | None


@dataclass(frozen=True)
class _Passage:
    before: str  # the characters before the mask, up to the previous mask or WINDOW
    length: int  # how many characters the mask hides
    after: str
    source: Text


def check_reports(reports: list[ReportSource], translations: Translations, diagnostics: Diagnostics,
                  public: bool) -> None:
    """Each section's editorial text against the masks of its text; the report's title and
    summary against those of every section."""
    for report in reports:
        texts = {slug: section_texts(report, slug, translations) for slug in report.order}
        editorial = editorial_texts(report)
        everything = [text for slug in report.order for text in texts[slug]]
        for slug in report.order:
            check_mask_fills(texts[slug], editorial.get(slug, []), everything, diagnostics, public)
        check_mask_fills(everything, editorial.get(None, []), everything, diagnostics, public)


def section_texts(report: ReportSource, slug: str, translations: Translations) -> list[Text]:
    """The blocks of a section's texts, each figure as its page states it."""
    metrics = {metric.id: metric for metric in report.metrics}

    def figure(match: re.Match, lang: str) -> str:
        metric = metrics.get(match[1])
        return display(metric, lang, translations) if metric else " "

    return [Text(lang, markdown.FIGURE_IN_TEXT.sub(lambda m: figure(m, lang), text), source.path, line)
            for lang, source in report.sections[slug].items() for line, text in source.parsed.texts]


def editorial_texts(report: ReportSource) -> dict[str | None, list[EditorialText]]:
    """What editors write besides the official text, by the section it belongs to (None: the
    report's): titles and summaries, what describes a figure, a chart's title and caption, an
    image's alternative text."""
    found: dict[str | None, list[EditorialText]] = {}

    def add(slug: str | None, what: str, texts: dict[str, str] | None, path: Path, line: int | None) -> None:
        for lang, text in (texts or {}).items():
            found.setdefault(slug, []).append(EditorialText(what, lang, text, path, line))

    meta_path = report.folder / "report.yml"
    add(None, "the report's title", report.meta.title, meta_path, None)
    add(None, "the report's summary", report.meta.summary, meta_path, None)
    for metric in report.metrics:
        for key in ("label", "unit", "note", "text"):
            add(metric.section, f"the {key} of the figure '{metric.id}'", getattr(metric, key), metric.source,
                metric.line)
    for slug, versions in report.sections.items():
        for lang, source in versions.items():
            line = source.parsed.front_matter_line
            add(slug, "the section's title", {lang: source.front.title or ""}, source.path, line)
            add(slug, "the section's summary", {lang: source.front.summary or ""}, source.path, line)
            for block in source.parsed.charts:  # the same block in every language's file: each file's own
                for key in ("title", "caption"):
                    texts = getattr(block.spec, key, None) or {}
                    add(slug, f"the chart's {key}", {lang: texts.get(lang, "")}, source.path, block.line)
            for alt, line in source.parsed.image_alts:
                add(slug, "an image's alternative text", {lang: alt}, source.path, line)
    return found


def check_mask_fills(texts: list[Text], editorial: list[EditorialText], clear: list[Text],
                     diagnostics: Diagnostics, public: bool) -> None:
    """An error for each editorial text that fills in a mask of ``texts``, unless what it
    writes stands in ``clear`` as it is (the official text states it elsewhere); a warning in
    the internal edition, which is reviewed, not published."""
    report = diagnostics.error if public else diagnostics.warning
    by_lang: dict[str, list[EditorialText]] = {}
    for item in editorial:
        if item.text and item.text.strip():
            by_lang.setdefault(item.lang, []).append(item)
    stated: dict[str, str] = {}
    seen: set[tuple] = set()
    for passage in _passages(texts):
        lang = passage.source.lang
        for item in by_lang.get(lang, []):
            filled = _filled_in(passage, normalise(item.text))
            if filled is None or (item.what, item.path, filled[0]) in seen:
                continue
            found, written = filled
            if lang not in stated:
                stated[lang] = "\n".join(normalise(text.text) for text in clear if text.lang == lang)
            if found in stated[lang]:
                continue
            seen.add((item.what, item.path, found))
            where = diagnostics.display_path(passage.source.path) + (f":{passage.source.line}"
                                                                     if passage.source.line else "")
            report(item.path, f"{item.what} fills in a mask of the text: '{found}' where {where} has "
                              f"'{written}'", line=_line_of(item, found),
                   hint=f"write it as the text does, with its mask ('{written}'), or leave out what the mask "
                        "hides")


def _line_of(item: EditorialText, found: str) -> int | None:
    """The line of ``item``'s file that writes ``found``, from the item's own line on; else that line."""
    try:
        lines = item.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return item.line
    start = (item.line or 1) - 1
    return next((number + 1 for number in range(start, len(lines)) if found in normalise(lines[number])), item.line)


def normalise(text: str) -> str:
    """Full-width forms as their plain forms, and no line break or space between two Chinese
    characters (a line wrapped in the source is one line to a reader)."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))
    return re.sub(rf"(?<=[{CJK}]) (?=[{CJK}])", "", text)


def _passages(texts: list[Text]) -> list[_Passage]:
    found: dict[tuple, _Passage] = {}
    for block in texts:
        if "*" not in block.text:
            continue
        text = normalise(block.text)
        for mask in MASK.finditer(text):
            before = text[max(0, mask.start() - WINDOW):mask.start()].rsplit("*", 1)[-1]
            after = text[mask.end():mask.end() + WINDOW].split("*", 1)[0]
            if len(before) + len(after) >= MIN_CONTEXT:
                found.setdefault((block.lang, before, len(mask[0]), after),
                                 _Passage(before, len(mask[0]), after, block))
    return list(found.values())


def _filled_in(passage: _Passage, text: str) -> tuple[str, str] | None:
    """The part of ``text`` that is ``passage`` with its mask filled in, and that part of the
    passage as the text writes it (``来华签证邀请函``, ``来*签证邀请函``); None if there is none."""
    before, after, length = passage.before, passage.after, passage.length
    # The fill, anchored by the nearest character on each side that the text has; at an edge
    # of the text, the fill must not run on into a longer word.
    pattern = (re.escape(before[-1]) if before else rf"(?<!{FILL_CHAR})") + f"(?=({FILL_CHAR}{{{length}}}))"
    for match in re.finditer(pattern, text):
        start = match.start(1)
        end = start + length
        if after:
            if not text.startswith(after[0], end):
                continue
        elif end < len(text) and re.match(FILL_CHAR, text[end]):
            continue
        shared_before = _common_suffix(before, text[:start])
        shared_after = _common_prefix(after, text[end:])
        if shared_before + shared_after >= MIN_CONTEXT:
            return (text[start - shared_before:end + shared_after],
                    before[len(before) - shared_before:] + "*" * length + after[:shared_after])
    return None


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n
