"""The validate stage: report metadata and section files checked as a whole.

Each report's ``report.yml`` and each section's front matter is checked
against its schema; then the sections of a report are checked together:
numbers and slugs unique, the same slug in every language, an explicit order
that names every section. A section missing in a language is a warning: it
gets a "translation pending" page.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from markdown_it import MarkdownIt

from . import markdown
from .config import Project, check_localized
from .diagnostics import Diagnostics, listed
from .metrics import METRICS_FILE, Metric, MetricList, load_metrics, unreadable_metrics
from .schema import FIGURE_ID_PATTERN, ChartSpec, ReportMeta, SectionFrontMatter, parse_and_validate, validate
from .sources import ReportFolder, SectionFile
from .withheld import MASK_RUN, Secret, Withholding
from .yamlfile import YamlError, parse_yaml

T = TypeVar("T")
RESERVED_SLUG = "figures"  # the figures page of each report
MAX_CHARTS = 20  # per section: each draws in the reader's browser


@dataclass
class SectionSource:
    """One language of one section, parsed and checked."""

    file: SectionFile
    front: SectionFrontMatter
    parsed: markdown.ParsedMarkdown
    title_text: str  # the title as plain text (a page's <title>, a list of sections)
    withheld: list[Secret] = field(default_factory=list)  # what its front matter and text withhold
    has_text: bool = True  # any block besides chart blocks (a report just started has none)

    @property
    def path(self) -> Path:
        return self.file.source.path

    def line_of(self, key: str) -> int:
        """The line of ``key:`` in the front matter (title, summary); else the front matter's first."""
        lines = self.file.source.text.splitlines()
        start = self.parsed.front_matter_line - 1
        return next((number + 1 for number in range(start, min(len(lines), start + 50))
                     if lines[number].startswith(f"{key}:")), self.parsed.front_matter_line)


@dataclass
class ReportSource:
    id: str
    folder: Path
    meta: ReportMeta
    order: list[str]  # slugs in reading order
    sections: dict[str, dict[str, SectionSource]] = field(default_factory=dict)  # slug → lang → text
    metrics: list[Metric] = field(default_factory=list)
    # report.yml's line of each highlight's language and of each key figure, for the checks that need the figures
    meta_lines: dict[tuple, int | None] = field(default_factory=dict)
    # What later stages make of the report's texts alone, kept with the report as validated (and so
    # with its copies, which share it): a report kept from build to build is not gone through again.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def derive(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, made once for the report's texts: what a stage makes of them and of nothing else."""
        if name not in self.derived:
            self.derived[name] = make()
        return self.derived[name]

    def texts(self) -> tuple[tuple[Path, str], ...]:
        """Each section text's path and text, in slug and language order (for the caches' keys)."""
        return self.derive("texts", lambda: tuple((text.path, text.file.source.text)
                                                  for _, versions in sorted(self.sections.items())
                                                  for _, text in sorted(versions.items())))


def validate_reports(project: Project, folders: list[ReportFolder], md: MarkdownIt, diagnostics: Diagnostics,
                     withholding: Withholding, cache: dict | None = None) -> list[ReportSource]:
    """``md`` is the edition's parser and ``withholding`` the edition's treatment of the YAML
    values; what the texts withhold is added to ``withholding.secrets``. ``cache``: what the
    previous build found in each file, by path and text (the section files it found valid, and the
    metrics files with what they were reported for); it is replaced by this build's, so that a file
    unchanged since is not parsed again."""
    reports = []
    valid: dict[tuple, object] = {}
    for folder in folders:
        # A report whose files are all as the last build read them is that build's report, its
        # findings replayed: a save in the dev server validates only the report it changed.
        def validate_report(found: Diagnostics, folder=folder) -> tuple:
            mark = len(valid)
            report = _validate_report(project, folder, md, found, withholding, cache or {}, valid)
            return report, list(itertools.islice(valid.items(), mark, None))  # its files' entries, kept with it

        key = ("report", withholding.key, tuple(project.languages), _read_as(folder))
        report, entries = replayed(key, cache or {}, valid, diagnostics, withholding, validate_report)
        valid.update(entries)
        if report is not None:
            # A copy: later stages replace its figures (withheld.withhold_figures), not the kept report's.
            reports.append(dataclasses.replace(report))
    every_id = frozenset(m.id for r in reports for m in r.metrics)
    metrics_texts = {folder.id: folder.metrics.text if folder.metrics else None for folder in folders}
    for report in reports:
        # What a report's figures were reported for depends on its texts and figures, and on
        # every report's figure ids (across-year charts): replayed while they are the same.
        key = ("figures", withholding.key, report.id, repr(report.meta), tuple(report.meta_lines.items()), every_id,
               tuple(project.languages), tuple(report.order),
               report.texts(), metrics_texts[report.id], _unloaded(report.metrics))
        replayed(key, cache or {}, valid, diagnostics, withholding,
                  lambda found, report=report: _check_figures(report, every_id, project.languages, found,
                                                              withholding, md))
    if cache is not None:
        cache.clear()
        cache.update(valid)
    return reports


def _read_as(folder: ReportFolder) -> tuple:
    """All a report's validation depends on of its folder: its files as read, and what it holds."""
    files = [(file.path, file.text, file.written) if file else None for file in (folder.meta, folder.metrics)]
    # (tuples of strings and paths, whose hashes Python keeps: hashing the files' dataclasses is slow)
    return (folder.id, folder.folder, *files, tuple((section.source.path, section.source.text, section.source.written,
                                                     section.number, section.slug, section.lang)
                                                    for section in folder.sections),
            tuple((slug, tuple(paths.items())) for slug, paths in folder.section_paths.items()),
            tuple(sorted(folder.misnamed)), folder.metrics is None and (folder.folder / METRICS_FILE).is_file())


def _validate_report(project: Project, folder: ReportFolder, md: MarkdownIt, diagnostics: Diagnostics,
                     withholding: Withholding, cache: dict[tuple, object],
                     valid: dict[tuple, object]) -> ReportSource | None:
    meta, meta_lines = _validate_meta(project, folder, diagnostics, withholding)
    texts = []
    for file in folder.sections:
        key = ("section", withholding.key, file.source.path, file.source.text)
        # A file the previous build found valid has no error to report: only errors end validation.
        text = cache.get(key)
        if not isinstance(text, SectionSource) or text.file != file:
            text = _validate_section(file, md, diagnostics, withholding)
        if text is not None:
            valid[key] = text
            texts.append(text)
            withholding.secrets.items.extend(text.withheld)
    sections = _group_sections(texts, diagnostics)
    _warn_missing_translations(folder, project.languages, diagnostics)
    empty = [text for text in texts if not text.has_text]
    warn_grouped(diagnostics, folder.folder, [(text.path, None) for text in empty],
                 "the section has no text yet", f"{len(empty)} sections have no text yet",
                 "write it, or delete the file if the section is not wanted")
    if not sections:
        if folder.sections == [] and folder.meta is not None:
            diagnostics.error(folder.folder, "the report has no section files",
                              hint="add files named NN-slug.zh.md and NN-slug.en.md")
        return None
    order = _section_order(meta, folder, sections, diagnostics)
    if meta is None or order is None:
        return None
    metrics: list[Metric] = MetricList()
    if folder.metrics is None and (folder.folder / METRICS_FILE).is_file():
        metrics = unreadable_metrics()  # there, but not readable: reported as such by sources.read_text
    if folder.metrics is not None:
        key = ("metrics", withholding.key, folder.metrics.path, folder.metrics.text, folder.id, meta.year, tuple(project.languages),
               tuple(sorted(set(folder.section_paths) | folder.misnamed)))
        metrics = replayed(key, cache, valid, diagnostics, withholding,
                            lambda found: load_metrics(folder.metrics, folder.id, meta.year, project.languages,
                                                       set(folder.section_paths) | folder.misnamed, found,
                                                       withholding.values))
    return ReportSource(folder.id, folder.folder, meta, order, sections, metrics, meta_lines)


def replayed(key: tuple, cache: dict, valid: dict, diagnostics: Diagnostics, withholding: Withholding,
              make) -> object:
    """What ``make(diagnostics)`` gives, what it reports and what it finds withheld, kept in
    ``valid`` by ``key``: taken from the previous build's ``cache`` while ``key`` is the same,
    and its report and secrets replayed."""
    if key not in cache:
        found = Diagnostics(diagnostics.root)
        result, withheld = withholding.captured(lambda: make(found))
        cache[key] = (result, found.items, withheld)
    result, items, withheld = cache[key]
    diagnostics.items.extend(items)
    withholding.secrets.items.extend(withheld)
    valid[key] = cache[key]
    return result


def _validate_meta(project: Project, folder: ReportFolder, diagnostics: Diagnostics,
                   withholding: Withholding) -> tuple[ReportMeta | None, dict[tuple, int | None]]:
    """report.yml, and the lines of its highlights and key figures (checked once the figures are read)."""
    if folder.meta is None:
        return None, {}
    path = folder.meta.path
    meta, document = parse_and_validate(ReportMeta, folder.meta.text, path, diagnostics, "report.yml",
                                        values=withholding.values)
    if meta is None or document is None:
        return None, {}
    before = len(diagnostics.errors)
    for key in ("title", "summary"):
        check_localized(getattr(meta, key), project.languages, document, (key,), path, diagnostics)
    lines: dict[tuple, int | None] = {}
    for index, highlight in enumerate(meta.highlights or []):
        check_localized(highlight, project.languages, document, ("highlights", index), path, diagnostics)
        lines.update({("highlights", index, lang): document.line_of(("highlights", index, lang))[0]
                      for lang in highlight})
    lines.update({("key_figures", index): document.line_of(("key_figures", index))[0]
                  for index in range(len(meta.key_figures or []))})
    unwritten = [lang for lang, text in (meta.summary or {}).items() if text.lstrip().startswith(TO_BE_WRITTEN)]
    if unwritten:  # what nianbao new report leaves to fill in
        line, column = document.line_of(("summary", unwritten[0]))
        diagnostics.warning(path, f"the report's summary in {', '.join(unwritten)} is still the placeholder nianbao "
                            "new report wrote", line=line, column=column, hint="write the year's summary in its place")
    return (meta if len(diagnostics.errors) == before else None), lines


TO_BE_WRITTEN = ("（待写）", "(To be written)")


def _validate_section(file: SectionFile, md: MarkdownIt, diagnostics: Diagnostics,
                      withholding: Withholding) -> SectionSource | None:
    path = file.source.path
    parsed = markdown.parse(md, file.source.text)
    for problem in parsed.problems:
        diagnostics.error(path, problem.message, line=problem.line, hint=problem.hint)
    if parsed.front_matter is None:
        diagnostics.error(path, "the section has no front matter with its title", line=1,
                          hint="start the file with three lines: ---, title: \"…\", --- "
                               "(did you forget the '---' lines?)")
        return None
    try:
        document = parse_yaml(parsed.front_matter, line_offset=parsed.front_matter_line - 1)
    except YamlError as exc:
        diagnostics.error(path, exc.message, line=exc.line, column=exc.column, hint=exc.hint)
        return None
    def mask() -> None:
        withholding.values(document, path, diagnostics)
        withholding.spans(parsed.withheld, path)

    _, withheld = withholding.captured(mask)  # kept with the section, which the next build may take from its cache
    if document.data is None:
        diagnostics.error(path, "the front matter is empty: the section has no title",
                          line=parsed.front_matter_line, hint="add a line title: \"…\" between the '---' lines")
        return None
    front = validate(SectionFrontMatter, document, path, diagnostics, "the front matter")
    if front is None:
        return None
    if not front.title.strip():
        diagnostics.error(path, "the section title is empty", line=document.line_of(("title",))[0],
                          hint="write the title after 'title:'")
        return None
    if parsed.problems:
        return None
    has_text = any(token.level == 0 and token.nesting >= 0 and token.type not in ("front_matter", "fence")
                   for token in parsed.tokens or [])
    return SectionSource(file, front, parsed, markdown.plain_text(md, front.title), withheld, has_text)


def with_tokens(text: SectionSource, md: MarkdownIt) -> markdown.ParsedMarkdown:
    """The text's parse with its tokens, made again if it came from the cache on disk without them."""
    parsed = text.parsed
    if parsed.tokens is None:
        fresh = markdown.parse(md, text.file.source.text)
        for old, new in zip(parsed.charts, fresh.charts):
            new.spec = old.spec
        parsed.tokens, parsed.charts, parsed.metrics = fresh.tokens, fresh.charts, fresh.metrics
    return parsed


def drop_tokens(reports: list[ReportSource]) -> None:
    """Free the sections' tokens once the model is made (a tenth of a build's memory on a big
    site); ``with_tokens`` makes them again for a later build that needs them."""
    for report in reports:
        for versions in report.sections.values():
            for text in versions.values():
                text.parsed.tokens = None
                for item in (*text.parsed.charts, *text.parsed.metrics):
                    item.token = None


def _group_sections(texts: list[SectionSource],
                    diagnostics: Diagnostics) -> dict[str, dict[str, SectionSource]]:
    by_slug: dict[str, dict[str, SectionSource]] = defaultdict(dict)
    by_number: dict[tuple[str, int], SectionSource] = {}
    # Two sections with one number, in one language or in each: one error for the pair.
    clashes: dict[tuple[int, str, str], list[tuple[SectionSource, SectionSource]]] = {}
    for text in sorted(texts, key=lambda t: t.path.name):
        file = text.file
        if file.lang in by_slug.get(file.slug, {}):  # not by_slug[…]: a file refused below must leave no empty entry
            other = by_slug[file.slug][file.lang]
            diagnostics.error(text.path, f"two sections in '{file.lang}' have the slug '{file.slug}': "
                              f"{other.path.name} and {text.path.name}",
                              hint="the slug names the page: give each section its own")
            continue
        if (file.lang, file.number) in by_number:
            other = by_number[(file.lang, file.number)]
            clashes.setdefault((file.number, other.file.slug, file.slug), []).append((other, text))
            continue
        by_number[(file.lang, file.number)] = text
        by_slug[file.slug][file.lang] = text
    for (number, _, _), pairs in clashes.items():
        first, second = pairs[0]
        if len(pairs) == 1:
            message = (f"two sections in '{second.file.lang}' have the number {number:02d}: "
                       f"{first.path.name} and {second.path.name}")
        else:
            message = (f"two sections have the number {number:02d}: "
                       f"{', '.join(text.path.name for pair in pairs for text in pair)}")
        diagnostics.error(second.path, message, hint="the number orders the sections: give each section its own")
    for slug, versions in by_slug.items():
        if slug == RESERVED_SLUG:
            for text in versions.values():
                diagnostics.error(text.path, f"'{slug}' cannot name a section: it is the address of the "
                                  "report's figures page", hint="choose another slug")
        numbers = {v.file.number for v in versions.values()}
        if len(numbers) > 1:
            names = " and ".join(v.path.name for v in versions.values())
            diagnostics.error(next(iter(versions.values())).path,
                              f"the section '{slug}' has different numbers in its languages: {names}",
                              hint="rename the files so that the translations share one NN- number")
    return dict(by_slug)


def _warn_missing_translations(folder: ReportFolder, languages: list[str], diagnostics: Diagnostics) -> None:
    """A section without a file in some language (a broken file is reported as such, not as missing)."""
    for slug, versions in folder.section_paths.items():
        original = next(iter(versions.values()))
        number = original.name.partition("-")[0]
        for lang in languages:
            if lang not in versions:
                diagnostics.warning(original, f"the section '{slug}' has no '{lang}' version: "
                                    f"its '{lang}' page will say that the translation is pending",
                                    hint=f"add {number}-{slug}.{lang}.md")


def _section_order(meta: ReportMeta | None, folder: ReportFolder,
                   sections: dict[str, dict[str, SectionSource]], diagnostics: Diagnostics) -> list[str] | None:
    by_number = sorted(sections, key=lambda slug: (min(v.file.number for v in sections[slug].values()), slug))
    if meta is None or meta.sections is None:
        return by_number
    path = folder.meta.path if folder.meta else folder.folder
    ok = True
    for slug in meta.sections:
        if slug not in sections:
            ok = False
            if slug in folder.misnamed:
                continue  # its file's name is the error
            close = difflib.get_close_matches(slug, list(sections), n=1)
            diagnostics.error(path, f"'sections' names '{slug}', which is not a section of this report",
                              hint=f"did you mean '{close[0]}'?" if close else
                              f"the sections are: {', '.join(by_number)}")
    for slug in by_number:
        if slug not in meta.sections:
            diagnostics.error(path, f"'sections' does not list the section '{slug}'",
                              hint="list every section, or remove 'sections' to order them by number")
            ok = False
    if len(set(meta.sections)) != len(meta.sections):
        diagnostics.error(path, "'sections' lists a section twice")
        ok = False
    return list(meta.sections) if ok else None


def _check_figures(report: ReportSource, every_id: frozenset[str], languages: list[str],
                   diagnostics: Diagnostics, withholding: Withholding, md: MarkdownIt) -> None:
    """Every ``{{ id }}`` names a metric of its report; every chart block is valid and drawable."""
    metrics = {m.id: m for m in report.metrics}
    for versions in report.sections.values():
        broken = False
        for text in versions.values():
            malformed = False
            for reference in text.parsed.metrics:
                if not FIGURE_ID.match(reference.id):  # {{ a }…{{ b }}: a brace missing, and the text between read as an id
                    malformed = broken = True
                    diagnostics.error(text.path, f"a figure reference is not closed right: "
                                      f"'{{{{ {reference.id[:40]}{'…' if len(reference.id) > 40 else ''} }}}}'",
                                      line=reference.line, hint="write each figure as {{ id }}, with two braces "
                                                                "on each side")
                    continue
                _check_defined(reference.id, report, metrics, text.path, reference.line, diagnostics)
            if not malformed:  # else the braces are that reference's error
                _check_braces(text, metrics, diagnostics)
            if len(text.parsed.charts) > MAX_CHARTS:
                diagnostics.error(text.path, f"a page has {len(text.parsed.charts)} charts (at most {MAX_CHARTS})",
                                  line=text.parsed.charts[MAX_CHARTS].line,
                                  hint="split the section, or put some figures in one chart")
                continue
            for block in text.parsed.charts:
                block.spec = _check_chart(block, text.path, metrics, every_id, languages, diagnostics, withholding,
                                          report.metrics)
        _check_charts_agree(versions, languages, diagnostics)
        if not broken:  # a broken reference hides figures (and their masks): its own error says it all
            _check_mask_pairs(versions, metrics, languages, diagnostics, withholding)
    _check_report_figures(report, metrics, md, diagnostics)
    _check_field_masks(report, languages, diagnostics, withholding)


def _check_report_figures(report: ReportSource, metrics: dict[str, Metric], md: MarkdownIt,
                          diagnostics: Diagnostics) -> None:
    """The figures report.yml names: its key figures, and those its highlights quote as {{ id }};
    and what a highlight, a line apart from the text, cannot hold: a link, a figure's slipped braces."""
    path = report.folder / "report.yml"
    named = [(metric_id, report.meta_lines.get(("key_figures", index)))
             for index, metric_id in enumerate(report.meta.key_figures or [])]
    seen: set[str] = set()
    for metric_id, line in named:
        if metric_id in seen:
            diagnostics.error(path, f"the key figure '{metric_id}' is listed twice", line=line,
                              hint="list each figure once")
        seen.add(metric_id)
    for index, highlight in enumerate(report.meta.highlights or []):
        for lang, text in highlight.items():
            line = report.meta_lines.get(("highlights", index, lang))
            tokens = [child for token in md.parseInline(text) for child in token.children or []]
            named += [(child.content, line) for child in tokens if child.type == "substitution_inline"]
            if "\n" in text.strip():  # a block (|) of several lines would be run together into one
                diagnostics.error(path, "a highlight is one line", line=line,
                                  hint="write it on one line; split a long one into two highlights")
            if any(child.type in ("link_open", "image") for child in tokens):
                diagnostics.error(path, "a highlight cannot hold a link or an image", line=line,
                                  hint="write the link in the section's text")
            _check_line_braces(text, path, line, metrics, diagnostics)
    for metric_id, line in named:
        _check_defined(metric_id, report, metrics, path, line, diagnostics)


def _check_defined(metric_id: str, report: ReportSource, metrics: dict[str, Metric], path: Path, line: int | None,
                   diagnostics: Diagnostics) -> None:
    """A figure quoted or named must be one of the report's. An id metrics.yml may define though it
    did not load is no mistake of the quoting file's: the file's own error is the cause, and is reported."""
    if metric_id not in metrics and not _may_define(report.metrics, metric_id):
        diagnostics.error(path, f"the figure '{{{{ {metric_id} }}}}' is not defined in {report.id}/{METRICS_FILE}",
                          line=line, hint=_did_you_mean(metric_id, metrics) or
                          f"add it to content/{report.id}/{METRICS_FILE}")


# Where a translation has fewer masks than its original, it may state in clear what the original
# withholds: the public edition refuses it (--strict or not); the internal one, for review, warns.
MASKS_HINT = ("a translation withholds what its original withholds: mask or withhold the same things "
              "in both ([…]{.withheld}, or ** as the official text writes it)")


def _mask_difference(diagnostics: Diagnostics, withholding: Withholding, path: Path, line: int | None,
                     message: str) -> None:
    report = diagnostics.error if withholding.public else diagnostics.warning
    report(path, message, line=line, hint=MASKS_HINT)


def _check_mask_pairs(versions: dict[str, SectionSource], metrics: dict[str, Metric], languages: list[str],
                      diagnostics: Diagnostics, withholding: Withholding) -> None:
    """A paragraph and its translation withhold as much, and so do the whole texts (where the
    paragraphs do not pair, a disclosure may sit in another paragraph)."""
    original_lang = next((lang for lang in languages if lang in versions), None)
    if original_lang is None:
        return
    original = _masks_per_block(versions[original_lang], metrics)
    name = versions[original_lang].path.name
    for lang, text in versions.items():
        if lang == original_lang:
            continue
        blocks = _masks_per_block(text, metrics)
        for index, (count, line) in enumerate(blocks):
            if index < len(original) and count != original[index][0]:
                _mask_difference(diagnostics, withholding, text.path, line,
                                 f"paragraph {index + 1} has {count} mask(s) here but {original[index][0]} in "
                                 f"its '{original_lang}' original ({name}:{original[index][1]})")
        total, original_total = sum(c for c, _ in blocks), sum(c for c, _ in original)
        if len(blocks) != len(original) and total != original_total:
            _mask_difference(diagnostics, withholding, text.path, 1,
                             f"the text has {total} mask(s) here but {original_total} in its "
                             f"'{original_lang}' original ({name})")
        pair = [(versions[original_lang].front, original_lang, versions[original_lang]), (text.front, lang, text)]
        for field_name in ("title", "summary"):
            texts = {code: getattr(front, field_name) or "" for front, code, _ in pair}
            places = {code: (source.path, source.parsed.front_matter_line) for _, code, source in pair}
            _compare_masks(f"the {field_name}", texts, places, original_lang, diagnostics, withholding)


def _check_field_masks(report: ReportSource, languages: list[str], diagnostics: Diagnostics,
                       withholding: Withholding) -> None:
    """The same for every text given in each language: a report's title and summary, a figure's
    label, unit and note, a chart's title and caption."""
    fields: list[tuple[str, dict[str, str], Path, int | None]] = []
    meta_path = report.folder / "report.yml"
    fields += [(f"the report's {key}", getattr(report.meta, key), meta_path, None) for key in ("title", "summary")]
    for metric in report.metrics:
        fields += [(f"the {key} of the figure '{metric.id}'", getattr(metric, key), metric.source, metric.line)
                   for key in ("label", "unit", "note") if getattr(metric, key)]
    for versions in report.sections.values():
        for text in versions.values():
            for block in text.parsed.charts:
                if block.spec is not None:
                    fields += [(f"the chart's {key}", getattr(block.spec, key), text.path, block.line)
                               for key in ("title", "caption") if getattr(block.spec, key)]
    for what, texts, path, line in fields:
        original = next((lang for lang in languages if lang in texts), None)
        if original is not None:
            _compare_masks(what, texts, {lang: (path, line) for lang in texts}, original, diagnostics, withholding)
    for index, highlight in enumerate(report.meta.highlights or []):  # each language on a line of its own
        original = next((lang for lang in languages if lang in highlight), None)
        if original is not None:
            places = {lang: (meta_path, report.meta_lines.get(("highlights", index, lang))) for lang in highlight}
            _compare_masks(f"the report's highlight {index + 1}", highlight, places, original, diagnostics, withholding)


def _compare_masks(what: str, texts: dict[str, str], places: dict[str, tuple[Path, int | None]],
                   original: str, diagnostics: Diagnostics, withholding: Withholding) -> None:
    counts = {lang: _masks_in(text) for lang, text in texts.items()}
    for lang, count in counts.items():
        if lang != original and count != counts[original]:
            path, line = places[lang]
            other_path, other_line = places[original]
            where = f"{diagnostics.display_path(other_path)}" + (f":{other_line}" if other_line else "")
            _mask_difference(diagnostics, withholding, path, line,
                             f"{what} has {count} mask(s) in '{lang}' but {counts[original]} in '{original}' ({where})")


def _masks_in(text: str) -> int:
    """Masks and withheld spans of a one-line text: a run of unescaped *, or a span's {…withheld…}."""
    if "*" not in text and "withheld" not in text.lower():
        return 0
    return len(MASK_RUN.findall(text)) + len(re.findall(r"\{[^{}]*withheld[^{}]*\}", text, re.IGNORECASE))


def _masks_per_block(text: SectionSource, metrics: dict[str, Metric]) -> list[tuple[int, int | None]]:
    """(masks, line) for each paragraph or list item, in order: the blocks the p1, p2 … ids pair."""
    return [(count + sum(metrics[m].mask is not None or not metrics[m].public for m in quoted if m in metrics), line)
            for line, count, quoted in text.parsed.mask_blocks]


def _check_chart(block: markdown.ChartBlock, path: Path, metrics: dict[str, Metric], every_id: set[str],
                 languages: list[str], diagnostics: Diagnostics, withholding: Withholding,
                 loaded: list[Metric] = ()) -> ChartSpec | None:
    spec, document = parse_and_validate(ChartSpec, block.source, path, diagnostics, "the chart",
                                        line_offset=block.line - 1, values=withholding.values)
    if spec is None or document is None:
        return None
    before = len(diagnostics.errors)
    for key in ("title", "caption"):
        check_localized(getattr(spec, key), languages, document, (key,), path, diagnostics)
    unloaded = [m for m in spec.metrics or [] if m not in metrics and _may_define(loaded, m)]
    for index, metric_id in enumerate(spec.metrics or []):
        if metric_id not in metrics and metric_id not in unloaded:
            line, column = document.line_of(("metrics", index))
            diagnostics.error(path, f"the chart names '{metric_id}', which is not a figure of this report",
                              line=line, column=column,
                              hint=_did_you_mean(metric_id, metrics) or "charts draw figures of metrics.yml")
    if spec.across_years is not None and spec.across_years not in every_id:
        line, column = document.line_of(("across_years",))
        close = difflib.get_close_matches(spec.across_years, sorted(every_id), n=1)
        diagnostics.error(path, f"the chart names '{spec.across_years}', which no report defines",
                          line=line, column=column,
                          hint=f"did you mean '{close[0]}'?" if close else "across_years names a figure of metrics.yml")
    if unloaded:  # not drawable until metrics.yml loads; its error says why
        return None
    if spec.metrics and len(diagnostics.errors) == before:
        units = {metrics[m].unit[languages[0]] for m in spec.metrics}
        if len(units) > 1:
            line, column = document.line_of(("metrics",))
            diagnostics.error(path, f"the chart mixes units ({', '.join(sorted(units))}): "
                              "bars of different units cannot be compared",
                              line=line, column=column, hint="draw figures of one unit per chart")
    return spec if len(diagnostics.errors) == before else None


FIGURE_ID = re.compile(FIGURE_ID_PATTERN)
# A figure's id between braces that are not {{ … }}: { id }, {{ id }, full-width ｛｛ id ｝｝.
BRACED_ID = re.compile(r"[{｛]\s*[{｛]?\s*([a-z0-9][a-z0-9-]*)\s*[}｝]\s*[}｝]?")


def _check_braces(text: SectionSource, metrics: dict[str, Metric], diagnostics: Diagnostics) -> None:
    for number, line in enumerate(text.file.source.as_written.splitlines(), start=1):
        _check_line_braces(line, text.path, number, metrics, diagnostics, columns=True)


def _check_line_braces(line: str, path: Path, number: int | None, metrics: dict[str, Metric],
                       diagnostics: Diagnostics, columns: bool = False) -> None:
    """A figure written with the wrong braces would be published as written, braces and id.
    ``columns``: ``line`` is the file's line as written (not a YAML value), so columns are its."""
    for match in BRACED_ID.finditer(line):
        written = match.group(0)
        if match.group(1) in metrics and not (written.startswith("{{") and written.endswith("}}")):
            diagnostics.error(path, f"the figure '{match.group(1)}' is written as '{written}': it would "
                              "be published as written", line=number, column=match.start() + 1 if columns else None,
                              hint=f"write it as {{{{ {match.group(1)} }}}}, with two half-width braces on "
                                   "each side")


def _check_charts_agree(versions: dict[str, SectionSource], languages: list[str], diagnostics: Diagnostics) -> None:
    """A section's chart blocks draw the same in every language: the same number of charts, each
    of the same type, figures, across_years and options; only titles and captions are translated."""
    present = [lang for lang in languages if lang in versions]
    if len(present) < 2:
        return
    original = versions[present[0]]
    for lang in present[1:]:
        text = versions[lang]
        ours, theirs = text.parsed.charts, original.parsed.charts
        if len(ours) != len(theirs):
            diagnostics.error(text.path, f"the section has {len(ours)} chart(s) here but {len(theirs)} in its "
                              f"'{original.file.lang}' original ({original.path.name})",
                              line=(ours[len(theirs)] if len(ours) > len(theirs) else ours[-1]).line if ours else 1,
                              hint="draw the same charts in every language; only title and caption are translated")
            continue
        for number, (mine, other) in enumerate(zip(ours, theirs), start=1):
            if mine.spec is None or other.spec is None:
                continue  # an invalid block: reported as such
            drawn, drawn_there = (block.spec.model_dump(exclude={"title", "caption"}) for block in (mine, other))
            if drawn != drawn_there:
                differ = ", ".join(key for key in drawn if drawn[key] != drawn_there.get(key))
                diagnostics.error(text.path, f"chart {number} differs from chart {number} of its "
                                  f"'{original.file.lang}' original ({original.path.name}:{other.line}) in: {differ}",
                                  line=mine.line, hint="draw the same charts in every language; only title and "
                                                       "caption are translated")


def _may_define(metrics: list[Metric], metric_id: str) -> bool:
    """Whether a report's metrics.yml may define ``metric_id`` though it is not among its metrics:
    the file, or the id's entry in it, did not load (``metrics.MetricList``)."""
    return isinstance(metrics, MetricList) and metrics.may_define(metric_id)


def _unloaded(metrics: list[Metric]) -> object:
    """What of a report's metrics.yml did not load, for the figures check's cache key."""
    return metrics.failed if isinstance(metrics, MetricList) else ()


def _did_you_mean(name: str, known: dict[str, Metric]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


def review_reports(reports: list[ReportSource], languages: list[str], md: MarkdownIt,
                   diagnostics: Diagnostics) -> None:
    """What reviewers usually miss, for ``nianbao check``: stale or unrecorded translations,
    figures never shown, images without alt text, sections without a summary. Warnings of one
    kind in one report are given once, listing the files, where there are several."""
    for report in reports:
        shown = {ref.id for versions in report.sections.values() for text in versions.values()
                 for ref in text.parsed.metrics}
        shown |= {m for versions in report.sections.values() for text in versions.values()
                  for block in text.parsed.charts if block.spec for m in (block.spec.metrics or [])}
        # A figure still to be filled in (a report just started) is warned about as such, not as unused.
        unused = [m for m in report.metrics if m.id not in shown and (m.value is not None or m.mask)]
        if len(unused) == 1:
            metric = unused[0]
            diagnostics.warning(metric.source, f"the figure '{metric.id}' is defined but never shown",
                                line=metric.line, hint=f"quote it in its section as {{{{ {metric.id} }}}}, "
                                "draw it in a chart, or remove it")
        elif unused:
            diagnostics.warning(unused[0].source, f"{len(unused)} figures are defined but never shown: "
                                f"{listed([m.id for m in unused])}", line=unused[0].line,
                                hint="quote each in its section as {{ id }}, draw it in a chart, or remove it")
        no_summary, unrecorded = [], []
        for slug in report.order:
            versions = report.sections[slug]
            original_lang = next(lang for lang in languages if lang in versions)
            original = versions[original_lang]
            for lang, text in versions.items():
                if not text.front.summary:
                    no_summary.append((text.path, 1))
                for src, line in text.parsed.images_without_alt:
                    diagnostics.warning(text.path, f"the image '{src}' has no alternative text", line=line,
                                        hint="describe it between the brackets: ![what it shows](…)")
                if lang != original_lang and _check_translation(text, original, md, diagnostics) == UNRECORDED:
                    unrecorded.append((text, original))
        warn_grouped(diagnostics, report.folder, no_summary, "the section has no summary",
                     f"{len(no_summary)} sections have no summary",
                     "add summary: \"…\" to the front matter: it is the page's description in search engines "
                     "and link previews")
        if len(unrecorded) == 1:
            text, original = unrecorded[0]
            diagnostics.warning(text.path, f"nothing records which version of {original.path.name} this translates",
                                line=1, hint=f"when it is in line with the original, run: nianbao translated "
                                             f"{diagnostics.display_path(text.path)}")
        elif unrecorded:
            warn_grouped(diagnostics, report.folder, [(text.path, 1) for text, _ in unrecorded], "",
                         f"{len(unrecorded)} translations do not record which version of their original they "
                         "translate", "when each is in line with its original, run: nianbao translated FILE …")


UNRECORDED = "unrecorded"


def warn_grouped(diagnostics: Diagnostics, folder: Path, places: list[tuple[Path, int | None]], one: str,
                 several: str, hint: str) -> None:
    """A warning at its place when there is one; at the report's folder, listing the files, when several."""
    if len(places) == 1:
        diagnostics.warning(places[0][0], one, line=places[0][1], hint=hint)
    elif places:
        diagnostics.warning(folder, f"{several}: {listed([path.name for path, _ in places])}", hint=hint)




def _check_translation(text: SectionSource, original: SectionSource, md: MarkdownIt,
                       diagnostics: Diagnostics) -> str | None:
    # On the text as written: an edition's masks (masks: fixed) never make a paragraph look changed.
    current = markdown.block_fingerprints(with_tokens(original, md), original.file.source.as_written)
    recorded = text.front.translated_from
    if recorded is None:
        return UNRECORDED  # warned about by the caller, with the others of its report
    changed = [n for n in range(1, max(len(current), len(recorded)) + 1)
               if n > len(current) or n > len(recorded) or current[n - 1] != recorded[n - 1]]
    if changed:
        blocks = ", ".join(str(n) for n in changed[:10]) + (" …" if len(changed) > 10 else "")
        diagnostics.warning(text.path, f"the translation is out of date: block(s) {blocks} of "
                            f"{original.path.name} changed since it was brought in line", line=1,
                            hint=f"update those paragraphs, then run: nianbao translated "
                                 f"{diagnostics.display_path(text.path)}")
