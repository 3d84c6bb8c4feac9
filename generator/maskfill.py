"""The mask-fill check: editorial text never says what the official text masks.

A report's texts keep the official text's masks (``来*签证邀请函``: one ``*`` per hidden
character). The words an editor adds around them — a figure's label, unit, note and text, the
titles and summaries of the site, the report and its sections, a chart's title and caption, an
image's alternative text and title — are written afresh, and can reproduce a masked passage
with the mask filled in (``来华签证邀请函``): what the official text hides, published. This check
finds, in the editorial text of a language, any masked passage of the report's text in that
language with as many Chinese characters or digits in the mask's place.

A passage is the mask and what surrounds it, up to ``WINDOW`` characters on each side: the
characters themselves, punctuation and spaces (which any punctuation, space or the end of the
text stands for in the editorial text), and other masks (which any characters of their length
stand for, so a list ``**、**、**`` filled in is found). At least ``MIN_CONTEXT`` characters
around the mask must be the same, and the character next to it on each side, where the text has
one there (so ``的签证邀请函`` or ``签证邀请函`` fill nothing, and neither does a longer or
shorter word in the mask's place); where the text has punctuation or a space there, the fill
must end there too (``2023年外事工作`` does not fill ``，**外事工作``). What fills a mask is digits or Chinese characters: a mask
counts the official text's characters, so an English word is never as long as the mask it would
fill, but a figure is (``from ** countries``, ``from 12 countries``). Both texts are compared as
a reader sees them: entities and markup read, full-width forms and invisible characters
(zero-width spaces, soft hyphens) as plain ones, and quotation marks, book-title marks and
hyphens left out. Where the fill and the characters next to it stand in clear elsewhere in the
report (the official text states them), it fills nothing.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from . import markdown, workers
from .content import ReportSource
from .diagnostics import Diagnostics
from .i18n import Translations
from .metrics import display
from .sources import file_stamp

FIGURE_SLOT = re.compile(r"\{\{\s*([a-z0-9][a-z0-9-]*)\s*\}\}")  # a {{ id }} of a highlight

MASK = re.compile(r"\*+")
MIN_CONTEXT = 4  # characters around a mask, on both sides together, that must be the same
WINDOW = 8  # characters (or masks) on each side of a mask that are compared at most
CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# What can stand in a mask's place: a digit, or a Chinese character. A mask counts the official
# text's characters, so no word of a language written in letters is as long as the mask it fills.
FILL_CHAR = r"[0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
FILL = re.compile(FILL_CHAR)
ANY_LENGTH = tuple(range(1, 9))  # what a mask of `masks: fixed` may hide, as far as this check looks
# Marks that wrap or join words without changing them: left out of both texts.
DECORATION = re.compile("[\"'“”‘’「」『』《》〈〉‐‑‒–—―-]")
LITERAL, SOFT, OTHER_MASK = "literal", "soft", "mask"
# The characters normalise reads one by one: all but ASCII and the Chinese blocks (the combining
# tone marks U+302A–302F among them are read too).
UNCOMMON = re.compile("[^\x00-\x7f\u3001-\u3006\u3008-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uff9f]")
HANGUL_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
SPACE = re.compile(r"\s")
SPACES = re.compile(r"\s+")
CJK_SPACE = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}0-9])|(?<=[0-9]) (?=[{CJK}])")


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
    """A mask and what surrounds it: each side as (kind, characters) from the mask outwards."""

    before: tuple[tuple[str, str], ...]
    mask: str  # as the text writes it
    after: tuple[tuple[str, str], ...]
    source: Text
    lengths: tuple[int, ...]  # how many characters the mask may hide: its own length, or any (masks: fixed)


# From this many sections to check, workers check them (``jobs``): below it, forking costs about what it saves.
PARALLEL_SECTIONS = 100


def check_reports(reports: list[ReportSource], translations: Translations, md: MarkdownIt,
                  site_texts: list[EditorialText], diagnostics: Diagnostics, public: bool,
                  cache: dict | None = None, jobs: int = 1, memo: dict | None = None) -> None:
    """Each report's editorial text, and the site's (``site_texts``), against the masks of the
    report's text. ``cache``: what the last build found in each report, by what it was found in;
    replaced by this build's. ``jobs``: how many processes may check reports (workers.py).
    ``memo``: what the last check of each report found in its parts (see Memo), kept in memory by
    the dev server: a save then reads again only the texts it changed."""
    keys = [_key(report, translations, site_texts, public) for report in reports]
    to_check = [(report, key) for report, key in zip(reports, keys) if cache is None or key not in cache]
    # A memo is for one report read by one parser: the edition's (public, and masks: fixed or not).
    mode = (public, translations.fixed_masks)
    if memo is not None:
        for gone in set(memo) - {(report.id, *mode) for report in reports}:
            del memo[gone]

    def check(part: list[tuple[ReportSource, tuple]]) -> list[list]:
        found = []
        for report, _ in part:
            reported = Diagnostics(diagnostics.root)
            # (in a forked worker the memo's new entries stay there: it only spares work)
            last = memo.get((report.id, *mode)) if memo is not None else None
            now = Memo()
            _check_report(report, translations, md, site_texts, reported, public, last, now)
            if memo is not None:
                memo[(report.id, *mode)] = now
            found.append(reported.items)
        return found

    # Many sections: each worker checks whole reports, about as many sections each.
    many = sum(len(report.order) for report, _ in to_check) >= PARALLEL_SECTIONS
    parts = workers.deal(to_check, lambda item: len(item[0].order), jobs if many else 1)
    checked = {key: items for part, results in zip(parts, workers.run_parts(check, parts, jobs))
               for (_, key), items in zip(part, results)}
    found: dict[tuple, list] = {}
    for key in keys:
        found[key] = checked[key] if key in checked else cache[key]
        diagnostics.items.extend(found[key])
    if cache is not None:
        cache.clear()
        cache.update(found)


def _key(report: ReportSource, translations: Translations, site_texts: list[EditorialText], public: bool) -> tuple:
    """What a report's result depends on: its texts, figures and metadata, the strings figures
    are written with, the site's texts, and the lines of its YAML files and of the site config
    (where a fill is reported: any change to one of them moves its status)."""
    files = [report.folder / "report.yml", *dict.fromkeys(metric.source for metric in report.metrics),
             *dict.fromkeys(item.path for item in site_texts)]
    stamps = [(str(path), file_stamp(str(path))) for path in files]
    return (public, translations.digest, translations.fixed_masks, report.id, repr(report.meta),
            repr(report.metrics), report.texts(), tuple(report.order), tuple(stamps), tuple(site_texts))


@dataclass
class Memo:
    """What a check of a report found in its parts, by what it was found in: each block's
    passages, each editorial text as read, and, while the passages are the same, the fills each
    editorial text makes. A check given the last one's reads again only what changed."""

    passages: dict = dataclasses.field(default_factory=dict)  # (block, fixed) → its passages by their shape
    read: dict = dataclasses.field(default_factory=dict)  # an editorial text → as a reader sees it, normalised
    shapes: tuple = ()  # every passage's shape, in the order of the passages checked
    fills: dict = dataclasses.field(default_factory=dict)  # (lang, text as read) → its fills, while shapes hold
    blocks: dict = dataclasses.field(default_factory=dict)  # (a section's texts, figures as stated) → section_texts


def _check_report(report: ReportSource, translations: Translations, md: MarkdownIt,
                  site_texts: list[EditorialText], diagnostics: Diagnostics, public: bool,
                  last: Memo | None = None, now: Memo | None = None) -> None:
    # A save changes one section: the others' blocks are the last check's (their figures stated alike).
    figures = (translations.digest, repr(report.metrics))

    def blocks_of(slug: str, stated: Translations | None) -> list[Text]:
        key = (tuple((source.path, source.file.source.text) for source in report.sections[slug].values()),
               figures if stated else None)
        made = last.blocks.get(key) if last is not None else None
        if made is None:
            made = section_texts(report, slug, stated)
        if now is not None:
            now.blocks[key] = made
        return made

    texts = [text for slug in report.order for text in blocks_of(slug, translations)]
    # What the text states in clear is its own words: not a figure's words, which editors write.
    clear = [text for slug in report.order for text in blocks_of(slug, None)]
    editorial = [*editorial_texts(report, translations), *site_texts]
    check_mask_fills(passages_of(texts, translations.fixed_masks, last, now), editorial, clear, diagnostics, public,
                     md, last, now)


def section_texts(report: ReportSource, slug: str, translations: Translations | None) -> list[Text]:
    """The blocks of a section's texts, each figure as its page states it (``translations``
    None: each figure left out)."""
    metrics = {metric.id: metric for metric in report.metrics}

    def figure(match: re.Match, lang: str) -> str:
        metric = metrics.get(match[1])
        if metric is None or translations is None:
            return " "
        if metric.mask_scale and translations.get("compact_numbers", lang) != "yes":
            # *,**0,000: its zeros are no words of the text around the mask, only its asterisks are.
            display_masked = dataclasses.replace(metric, mask=metric.mask_digits)
            return display(display_masked, lang, translations)
        return display(metric, lang, translations)

    return [Text(lang, markdown.FIGURE_IN_TEXT.sub(lambda m: figure(m, lang), text), source.path, line)
            for lang, source in report.sections[slug].items() for line, text in source.parsed.texts]


def editorial_texts(report: ReportSource, translations: Translations) -> list[EditorialText]:
    """What editors write besides the official text: titles, summaries and highlights, what
    describes a figure, a chart's title and caption, an image's alternative text and title."""
    found: list[EditorialText] = []

    def add(what: str, texts: dict[str, str] | None, path: Path, line: int | None) -> None:
        for lang, text in (texts or {}).items():
            found.append(EditorialText(what, lang, text, path, line))

    meta_path = report.folder / "report.yml"
    add("the report's title", report.meta.title, meta_path, None)
    add("the report's summary", report.meta.summary, meta_path, None)
    metrics = {metric.id: metric for metric in report.metrics}
    for index, highlight in enumerate(report.meta.highlights or []):
        for lang, text in highlight.items():
            # Its figures as the page states them: a masked one is a mask, which fills nothing.
            shown = FIGURE_SLOT.sub(lambda m, lang=lang: display(metrics[m.group(1)], lang, translations)
                                    if m.group(1) in metrics else "", text)
            add(f"the report's highlight {index + 1}", {lang: shown}, meta_path,
                report.meta_lines.get(("highlights", index, lang)))
    for metric in report.metrics:
        for key in ("label", "unit", "note", "text"):
            add(f"the {key} of the figure '{metric.id}'", getattr(metric, key), metric.source, metric.line)
    for versions in report.sections.values():
        for lang, source in versions.items():
            add("the section's title", {lang: source.front.title or ""}, source.path, source.line_of("title"))
            add("the section's summary", {lang: source.front.summary or ""}, source.path, source.line_of("summary"))
            for block in source.parsed.charts:  # the same block in every language's file: each file's own
                for key in ("title", "caption"):
                    texts = getattr(block.spec, key, None) or {}
                    add(f"the chart's {key}", {lang: texts.get(lang, "")}, source.path, block.line)
            for alt, line in source.parsed.image_alts:
                add("an image's alternative text or title", {lang: alt}, source.path, line)
    return found


def site_texts(config, path: Path) -> list[EditorialText]:
    """The site's own words, on every page: its title, organisation, contact, footer and note."""
    found = []
    for key in ("title", "short_title", "organisation", "contact", "footer", "withheld_note"):
        for lang, text in (getattr(config, key, None) or {}).items():
            found.append(EditorialText(f"the site's {key}", lang, text, path, None))
    return found


def check_mask_fills(passages: list[Passage], editorial: list[EditorialText], clear: list[Text],
                     diagnostics: Diagnostics, public: bool, md: MarkdownIt | None = None,
                     last: Memo | None = None, now: Memo | None = None) -> None:
    """An error for each editorial text that fills in one of the masked ``passages`` (see
    ``passages_of``), unless the fill and what is next to it stand in ``clear`` as they are (the
    official text states them elsewhere); a warning in the internal edition, which is reviewed,
    not published. ``md``: the parser that reads editorial text as its pages show it. ``last``:
    what the last check of these texts found in their parts; ``now`` is given this one's."""
    report = diagnostics.error if public else diagnostics.warning
    last, now = last or Memo(), now or Memo()
    index = _PassageIndex(passages)
    now.shapes = tuple((_shape(passage), passage.lengths) for passage in passages)
    # The fills of a text depend on nothing else than the passages' shapes; kept fills name their
    # passages by place, as the same shapes are in the same places.
    known = last.fills if now.shapes == last.shapes else {}
    stated: dict[str, str] = {}
    seen: set[tuple] = set()
    for item in editorial:
        if not item.text.strip():
            continue
        text = last.read.get(item.text)
        if text is None:
            text = normalise(_as_read(item.text, md))
        now.read[item.text] = text
        # Every language's masks: Chinese quoted in an English note fills a Chinese mask as well.
        for lang in sorted(index.langs, key=lambda code: code != item.lang):
            places = known.get((lang, text))
            if places is None:
                places = [(index.place[id(fill.passage)], fill.at, fill.found, fill.written, fill.exempt)
                          for fill in index.fills(lang, text)]
            now.fills[(lang, text)] = places
            for place, *rest in places:
                fill = _Fill(passages[place], *rest)
                found, written = fill.found, fill.written
                if (item.what, item.path, fill.at) in seen:  # one mistake, one message
                    continue
                if lang not in stated:
                    stated[lang] = "\n".join(normalise(block.text) for block in clear if block.lang == lang)
                if fill.exempt in stated[lang]:
                    continue
                seen.add((item.what, item.path, fill.at))
                passage = fill.passage
                where = diagnostics.display_path(passage.source.path) + (f":{passage.source.line}"
                                                                         if passage.source.line else "")
                report(item.path, f"{item.what} fills in a mask of the text: '{found}' where {where} has "
                                  f"'{written}'", line=_line_of(item, found, md),
                       hint=f"leave out what the mask hides, or write it as the text does, with its mask "
                            f"('{written}'; the other languages then mask it too)")


def _as_read(text: str, md: MarkdownIt | None) -> str:
    """A text as its page shows it: Markdown's entities and markup read, HTML's entities too."""
    if md is not None and any(mark in text for mark in "&`[\\<*_"):
        text = markdown.plain_text(md, text)
    return html.unescape(text)


def _line_of(item: EditorialText, found: str, md: MarkdownIt | None) -> int | None:
    """The line of ``item``'s file that writes ``found``, from the item's own line on; else that line."""
    try:
        lines = item.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return item.line
    start = (item.line or 1) - 1
    return next((number + 1 for number in range(start, len(lines))
                 if found in normalise(_as_read(lines[number], md))), item.line)


def normalise(text: str) -> str:
    """A text as its words: full-width forms as plain ones, no invisible characters, quotation
    marks or hyphens, one space for any run of them, and none between a Chinese character and
    another or a digit (a line wrapped in the source is one line to a reader)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = UNCOMMON.sub(lambda match: _as_plain(match[0]), text)
    text = DECORATION.sub("", text)
    if not SPACE.search(text):
        return text
    return CJK_SPACE.sub("", SPACES.sub(" ", text))


def _as_plain(char: str) -> str:
    """A character as it counts in a passage: nothing for one that shows nothing or only marks
    another (zero-width, soft hyphen, variation selector, combining mark, tag, filler); a digit of
    any script, or 〇, as its digit."""
    if unicodedata.category(char) in ("Cf", "Mn", "Me") or char in HANGUL_FILLERS:
        return ""
    if char == "〇":
        return "0"
    return str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char


def passages_of(texts: list[Text], fixed: bool = False, last: Memo | None = None,
                now: Memo | None = None) -> list[Passage]:
    """Each mask of ``texts`` with what surrounds it, once per language and surroundings.
    ``fixed``: every mask is written alike (``masks: fixed``), so it may hide any length, and
    another mask tells nothing of what stands in its place. ``last``: the passages each block
    had in the last check; ``now`` is given this one's."""
    found: dict[tuple, Passage] = {}
    for block in texts:
        if "*" not in block.text:
            continue
        made = last.passages.get((block, fixed)) if last is not None else None
        if made is None:
            made = _block_passages(block, fixed)
        if now is not None:
            now.passages[(block, fixed)] = made
        for shape, passage in made:
            found.setdefault(shape, passage)
    return list(found.values())


def _shape(passage: Passage) -> tuple:
    """What a passage is, wherever it is written: its language, mask and surroundings."""
    return passage.source.lang, passage.before, passage.mask, passage.after


def _block_passages(block: Text, fixed: bool) -> tuple[tuple[tuple, Passage], ...]:
    """The passages of one block, each with its shape, in the block's order."""
    found: dict[tuple, Passage] = {}
    text = normalise(block.text)
    masks = list(MASK.finditer(text))
    for number, mask in enumerate(masks):
        before = _side(text, masks, number, -1, fixed)
        after = _side(text, masks, number, +1, fixed)
        if fixed and (_anchor(before) is None or _anchor(after) is None):
            continue  # a fill of any length up to punctuation is any word there: 2023年外事工作
        if sum(kind == LITERAL for kind, _ in (*before, *after)) >= MIN_CONTEXT:
            passage = Passage(before, mask[0], after, block, ANY_LENGTH if fixed else (len(mask[0]),))
            found.setdefault(_shape(passage), passage)
    return tuple(found.items())


def _side(text: str, masks: list[re.Match], number: int, step: int, fixed: bool) -> tuple[tuple[str, str], ...]:
    """What surrounds mask ``number`` on one side (step -1: before it, from it outwards)."""
    elements: list[tuple[str, str]] = []
    at = masks[number].start() - 1 if step < 0 else masks[number].end()
    while 0 <= at < len(text) and len(elements) < WINDOW:
        char = text[at]
        if char == "*":
            if fixed:
                break
            number += step  # the next mask on this side
            run = masks[number]
            elements.append((OTHER_MASK, run[0]))
            at = run.start() - 1 if step < 0 else run.end()
            continue
        elements.append((LITERAL, char) if char.isalnum() else (SOFT, char))
        at += step
    return tuple(elements)


@dataclass(frozen=True)
class _Fill:
    passage: Passage
    at: int  # where the fill starts in the editorial text
    found: str  # the editorial text's words that fill the passage
    written: str  # the passage as the text writes it, as far as they are the same
    exempt: str  # the fill and the characters next to it: in clear in the text, it fills nothing


class _PassageIndex:
    """The passages of a report by what must stand next to the fill (the character on each side;
    None where the text has punctuation, a space or its end there, and the fill must then be a
    whole word: 2023年外事工作 does not fill ，**外事工作): an editorial text is read once, each
    place of it looked up, instead of searched once per mask."""

    def __init__(self, passages: list[Passage]):
        self.by_key: dict[tuple, list[Passage]] = defaultdict(list)
        self.lengths: dict[str, set[int]] = defaultdict(set)
        self.place = {id(passage): number for number, passage in enumerate(passages)}  # its place in the list
        for passage in passages:
            lang = passage.source.lang
            left, right = _anchor(passage.before), _anchor(passage.after)
            for length in passage.lengths:
                self.by_key[(lang, length, left, right)].append(passage)
                self.lengths[lang].add(length)

    @property
    def langs(self) -> set[str]:
        return set(self.lengths)

    def fills(self, lang: str, text: str):
        """Each passage ``text`` fills in, with where."""
        lengths = sorted(self.lengths.get(lang, ()))
        run = 0
        runs = [0] * (len(text) + 1)  # how many fill characters start at each place
        for at in range(len(text) - 1, -1, -1):
            run = run + 1 if FILL.match(text, at) else 0
            runs[at] = run
        for start in range(len(text)):
            if not runs[start]:
                continue
            left = text[start - 1] if start else None
            # Where the text has punctuation or a space next to the mask, the fill is a whole word.
            lefts = (None,) if left is None else (left,) if FILL.match(left) else (left, None)
            for length in lengths:
                if length > runs[start]:
                    break
                end = start + length
                right = text[end] if end < len(text) else None
                rights = (None,) if right is None else (right,) if runs[end] else (right, None)
                for key_left in lefts:
                    for key_right in rights:
                        for passage in self.by_key.get((lang, length, key_left, key_right), ()):
                            fill = _match(passage, text, start, end)
                            if fill is not None:
                                yield fill


def _anchor(side: tuple[tuple[str, str], ...]) -> str | None:
    """The character that must stand next to the fill on a side; None where any may."""
    return side[0][1] if side and side[0][0] == LITERAL else None


def _match(passage: Passage, text: str, start: int, end: int) -> _Fill | None:
    """``passage`` filled in at ``text[start:end]``, if enough around it is the same (what must
    stand next to it was looked up: see _PassageIndex.fills)."""
    left, left_at, left_written = _extend(passage.before, text, start - 1, -1)
    right, right_at, right_written = _extend(passage.after, text, end, +1)
    if left + right < MIN_CONTEXT:
        return None
    found = text[left_at + 1:right_at]
    written = left_written + passage.mask + right_written
    if _anchor(passage.before) is None and _anchor(passage.after) is None:
        exempt = found  # spaces or punctuation on both sides say nothing of the fill: 'the 2022 '
    else:
        exempt = text[max(start - 1, left_at + 1):min(end + 1, right_at)]
    return _Fill(passage, start, found, written, exempt)


def _extend(side: tuple[tuple[str, str], ...], text: str, at: int, step: int) -> tuple[int, int, str]:
    """How many characters of ``side`` the text has from ``at`` on, the place where they end, and
    that part of the side as the text writes it."""
    same, taken = 0, []
    for kind, chars in side:
        if kind == LITERAL:
            if not (0 <= at < len(text)) or text[at] != chars:
                break
            same += 1
        elif kind == SOFT:  # any punctuation or space, or the text's end
            if not (0 <= at < len(text)) or text[at].isalnum() or text[at] == "*":
                break
        else:  # another mask: characters of its length, filled in or masked
            span = range(at, at + step * len(chars), step)
            if not all(0 <= i < len(text) and (FILL.match(text, i) or text[i] == "*") for i in span):
                break
        taken.append(chars)
        at += step * len(chars)
    written = "".join(reversed(taken)) if step < 0 else "".join(taken)
    return same, at, written
