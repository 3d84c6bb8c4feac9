"""The mask-fill check: editorial text never says what the official text masks.

A report's texts keep the official text's masks (``来*签证邀请函``: one ``*`` per hidden
character). The words an editor adds around them — a figure's label, unit and note, the
report's and sections' titles and summaries, a chart's title and caption, an image's
alternative text — are written afresh, and can reproduce a masked passage with the mask filled
in (``来华签证邀请函``): what the official text hides, published. This check finds, in the
editorial text of a language, the characters around a mask of that language's text with as
many Chinese characters or digits in the mask's place.

A mask is recognised by its surroundings: at least ``MIN_CONTEXT`` characters of them, on
both sides where the text has characters on both sides, must be the same in the editorial
text (so ``的签证邀请函`` or ``签证邀请函`` fill nothing, and neither does a longer or shorter
word in the mask's place). What fills a mask is digits or Chinese characters: a mask counts the
official text's characters, so an English word is never as long as the mask it would fill, but
a figure is (``from ** countries``, ``from 12 countries``).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterator
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
FILL_RUN = re.compile(f"{FILL_CHAR}*")
ANY_LENGTH = tuple(range(1, 9))  # what a mask of `masks: fixed` may hide, as far as this check looks


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
class Passage:
    before: str  # the characters before the mask, up to the previous mask or WINDOW
    mask: str  # as the text writes it
    after: str
    source: Text
    lengths: tuple[int, ...]  # how many characters the mask may hide: its own length, or any (masks: fixed)


def check_reports(reports: list[ReportSource], translations: Translations, diagnostics: Diagnostics,
                  public: bool, cache: dict | None = None) -> None:
    """Each section's editorial text against the masks of its text; the report's title and
    summary against those of every section. ``cache``: what the last build found in each report,
    by what it was found in; replaced by this build's."""
    found: dict[tuple, list] = {}
    for report in reports:
        key = _key(report, translations, public)
        if cache is None or key not in cache:
            reported = Diagnostics(diagnostics.root)
            _check_report(report, translations, reported, public)
            found[key] = reported.items
        else:
            found[key] = cache[key]
        diagnostics.items.extend(found[key])
    if cache is not None:
        cache.clear()
        cache.update(found)


def _key(report: ReportSource, translations: Translations, public: bool) -> tuple:
    """What a report's result depends on: its texts, figures and metadata, the strings figures
    are written with, and the lines of its YAML files (where a fill is reported)."""
    files = [report.folder / "report.yml", *{metric.source for metric in report.metrics}]
    stamps = []
    for path in files:
        try:
            status = path.stat()
            stamps.append((str(path), status.st_mtime_ns, status.st_size))
        except OSError:
            stamps.append((str(path), None, None))
    sections = tuple((str(text.path), text.file.source.text) for versions in report.sections.values()
                     for text in versions.values())
    return (public, translations.digest, report.id, repr(report.meta), repr(report.metrics), sections,
            tuple(report.order), tuple(stamps))


def _check_report(report: ReportSource, translations: Translations, diagnostics: Diagnostics, public: bool) -> None:
    texts = {slug: section_texts(report, slug, translations) for slug in report.order}
    passages = {slug: passages_of(texts[slug], translations.fixed_masks) for slug in report.order}
    editorial = editorial_texts(report)
    everything = [text for slug in report.order for text in texts[slug]]
    for slug in report.order:
        check_mask_fills(passages[slug], editorial.get(slug, []), everything, diagnostics, public)
    every_passage = [passage for slug in report.order for passage in passages[slug]]
    check_mask_fills(every_passage, editorial.get(None, []), everything, diagnostics, public)


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


def check_mask_fills(passages: list[Passage], editorial: list[EditorialText], clear: list[Text],
                     diagnostics: Diagnostics, public: bool) -> None:
    """An error for each editorial text that fills in one of the masked ``passages`` (see
    ``passages_of``), unless what it
    writes stands in ``clear`` as it is (the official text states it elsewhere); a warning in
    the internal edition, which is reviewed, not published."""
    report = diagnostics.error if public else diagnostics.warning
    # Each language's editorial texts as one text, one per line: a passage is searched once. No
    # context has a line break, and one is no letter: a match never runs from one into the next.
    items: dict[str, list[EditorialText]] = {}
    for item in editorial:
        if item.text.strip():
            items.setdefault(item.lang, []).append(item)
    joined = {lang: "\n".join(normalise(item.text) for item in found) for lang, found in items.items()}
    starts = {lang: list(itertools.accumulate((len(normalise(item.text)) + 1 for item in found[:-1]), initial=0))
              for lang, found in items.items()}
    stated: dict[str, str] = {}
    seen: set[tuple] = set()
    for passage in passages:
        lang = passage.source.lang
        for start, found, written in _fills(passage, joined.get(lang, "")):
            item = items[lang][bisect.bisect_right(starts[lang], start) - 1]
            if (item.what, item.path, found) in seen:
                continue
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
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if not SPACE.search(text):
        return text
    return CJK_SPACE.sub("", SPACES.sub(" ", text))


SPACE = re.compile(r"\s")
SPACES = re.compile(r"\s+")
CJK_SPACE = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}])")


def passages_of(texts: list[Text], fixed: bool = False) -> list[Passage]:
    """Each mask of ``texts`` with what surrounds it, once per language and surroundings.
    ``fixed``: every mask is written alike (``masks: fixed``), so it may hide any length."""
    found: dict[tuple, Passage] = {}
    for block in texts:
        if "*" not in block.text:
            continue
        text = normalise(block.text)
        for mask in MASK.finditer(text):
            before = text[max(0, mask.start() - WINDOW):mask.start()].rsplit("*", 1)[-1]
            after = text[mask.end():mask.end() + WINDOW].split("*", 1)[0]
            if len(before) + len(after) >= MIN_CONTEXT:
                found.setdefault((block.lang, before, mask[0], after),
                                 Passage(before, mask[0], after, block, ANY_LENGTH if fixed else (len(mask[0]),)))
    return list(found.values())


def _fills(passage: Passage, text: str) -> Iterator[tuple[int, str, str]]:
    """Each place of ``text`` that is ``passage`` with its mask filled in: where it starts, what
    it says, and that part of the passage as the text writes it (``来华签证邀请函``, ``来*签证邀请函``)."""
    before, after = passage.before, passage.after
    # The fill, anchored by the nearest character on each side that the text has; at an edge
    # of the text, the fill must not run on into a longer word.
    pattern = (re.escape(before[-1]) if before else rf"(?<!{FILL_CHAR})") + f"(?={FILL_CHAR})"
    for match in re.finditer(pattern, text):
        start = match.end()
        run_end = FILL_RUN.match(text, start).end()
        for length in passage.lengths:
            end = start + length
            if end > run_end:
                break
            if after:
                if not text.startswith(after[0], end):
                    continue
            elif end < run_end:
                continue
            shared_before = _shared_before(before, text, start)
            shared_after = _shared_after(after, text, end)
            if shared_before + shared_after >= MIN_CONTEXT:
                yield (start - shared_before, text[start - shared_before:end + shared_after],
                       before[len(before) - shared_before:] + passage.mask + after[:shared_after])


def _shared_before(context: str, text: str, at: int) -> int:
    """How many characters before ``at`` in ``text`` end ``context``."""
    n = 0
    while n < len(context) and n < at and context[-1 - n] == text[at - 1 - n]:
        n += 1
    return n


def _shared_after(context: str, text: str, at: int) -> int:
    """How many characters from ``at`` in ``text`` begin ``context``."""
    n = 0
    while n < len(context) and at + n < len(text) and context[n] == text[at + n]:
        n += 1
    return n
