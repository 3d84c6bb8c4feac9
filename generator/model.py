"""The model stage: the whole site as plain data, every page known before any is written.

Pages are linked by key (``"zh/2022/overview"``), never by object, so that
navigation, language pairs, the sitemap and link checks read one complete
``Site.pages`` table. Section bodies are rendered from Markdown here, because
a body's links depend on where its page is.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import os
import re
from urllib.parse import unquote
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from . import markdown
from .charts import Chart, build_chart
from .config import Project
from .content import RESERVED_SLUG as FIGURES_SLUG  # each report's figures page
from .content import ReportSource, SectionSource, with_tokens
from .diagnostics import Diagnostics
from .i18n import Translations
from .metrics import Metric, display
from .schema import ChartSpec, ReportMeta


@dataclass(frozen=True)
class SectionText:
    """One language of a section."""

    lang: str
    title: str
    summary: str | None
    source: Path


@dataclass(frozen=True)
class Section:
    report_id: str
    number: int
    slug: str
    texts: dict[str, SectionText]  # only the languages that have a file


@dataclass(frozen=True)
class Report:
    id: str
    meta: ReportMeta
    sections: list[Section]
    metrics: list[Metric]
    # lang → its title as plain text (a page's <title>, the PDF's), what it withholds masked or, in the
    # internal edition, shown without its markup; templates show meta.title through render_text
    title: dict[str, str] = field(default_factory=dict)
    highlights: dict[str, list[str]] = field(default_factory=dict)  # lang → each highlight's HTML
    key_figures: list[Metric] = field(default_factory=list)
    # lang → figure id → the key of the section page that states it first (its #fig-id is there)
    figure_places: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureRow:
    metric: Metric
    label: str
    text: str  # the figure as the text states it, masks included
    note: str
    href: str  # the place in the text that states it


@dataclass(frozen=True)
class FigureGroup:
    title: str
    href: str
    rows: list[FigureRow]


@dataclass(frozen=True)
class BodyPart:
    """A piece of text on a page that shows several: a section of the full report, or
    one side of a paragraph pair in the bilingual view."""

    lang: str  # its HTML language code
    html: str
    title_html: str = ""
    anchor: str = ""


CHART_PLACEHOLDER = "<!--nianbao-chart:{id}-->"
CHART_BLOCK = re.compile(r"<!--nianbao-chart:[^>]*-->")  # a block that is a chart alone
FIGURE_ANCHOR = re.compile(r'\sid="fig-([a-z0-9][a-z0-9-]*)"')  # where the text states a figure first
WITHHELD_NOTE_SLUG = "withheld"  # zh/withheld/: why parts of the reports are withheld
SEARCH_SLUG = "search"  # zh/search/: the search page
FULL_REPORT = "full"  # zh/2022/full.html: the whole report on one page
BILINGUAL = "bilingual"  # zh/2022/<slug>/bilingual.html: a section side by side in both languages


@dataclass
class Page:
    key: str
    kind: str  # root, home, report, section, figures, full, bilingual, note, search or not_found
    lang: str
    output: str  # path of the file in the site, e.g. "zh/2022/overview/index.html"
    title: str
    description: str
    alternates: dict[str, str] = field(default_factory=dict)  # lang → page key, this page included
    report_id: str | None = None
    section_slug: str | None = None
    title_html: str = ""
    body_html: str = ""
    headings: list[markdown.Heading] = field(default_factory=list)
    pending_from: str | None = None  # section page without a translation: the original's page key
    previous: str | None = None
    next: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)  # keys of the pages above this one
    charts: list[Chart] = field(default_factory=list)  # in the order the body places them
    figure_groups: list[FigureGroup] = field(default_factory=list)  # the figures page's tables
    parts: list[BodyPart] = field(default_factory=list)  # the full report's sections
    pairs: list[list[BodyPart]] = field(default_factory=list)  # the bilingual view's rows
    # A digest of all the above, set by the render stage: a page kept from the previous build keeps it.
    content_digest: bytes = field(default=b"", repr=False, compare=False)

    @property
    def url(self) -> str:
        """The clean address below the site root: "zh/2022/overview/"."""
        return self.output[: -len("index.html")] if self.output.endswith("index.html") else self.output


@dataclass
class Site:
    project: Project
    translations: Translations
    reports: list[Report]
    pages: dict[str, Page]
    edition: str = "public"
    # A digest of what every page's title, address and neighbours follow from: the reports'
    # outlines (their metadata and their sections' front matter), the figures, the strings and
    # the settings. The sections' texts are not in it: a page shows another's title, never its text.
    digest: str = ""

    @property
    def languages(self) -> list[str]:
        return self.project.languages

    def report(self, report_id: str) -> Report:
        return next(r for r in self.reports if r.id == report_id)


def page_key(*parts: str) -> str:
    return "/".join(parts)


def relative_url(from_output: str, to_output: str) -> str:
    """A link from one site file to another that works on any sub-path and from disk.

    What ``posixpath.relpath`` gives for two clean site paths, without its normalising."""
    return _relative_from_folder(from_output.rpartition("/")[0], to_output)


@functools.lru_cache(maxsize=1 << 16)  # every page links to every section of its report: the same links, many times
def _relative_from_folder(folder: str, to_output: str) -> str:
    from_dirs, to_parts = folder.split("/") if folder else [], to_output.split("/")
    common = 0
    while common < len(from_dirs) and common < len(to_parts) - 1 and from_dirs[common] == to_parts[common]:
        common += 1
    return "/".join([".."] * (len(from_dirs) - common) + to_parts[common:])


@dataclass
class ModelCache:
    """What the model stage keeps for the next build."""

    texts: dict = field(default_factory=dict)  # (path, text, context) → RenderedText
    reports: dict = field(default_factory=dict)  # a report's digest → _ReportPages
    charts: dict = field(default_factory=dict)  # (context, metric id, lang) → its across-year Chart
    # By report id, its section pages and side-by-side views by all they are made from: where a report
    # changed, those of its sections that did not are the previous build's (their rendering's digest kept).
    pages: dict = field(default_factory=dict)


def build_site(project: Project, sources: list[ReportSource], translations: Translations,
               md: MarkdownIt, diagnostics: Diagnostics, edition: str = "public",
               cache: ModelCache | None = None) -> Site:
    """``cache``: what the previous build made, replaced by what this one made. A report none
    of whose inputs changed keeps its pages as they were."""
    cache = cache if cache is not None else ModelCache()
    languages = project.languages
    sources = sorted(sources, key=lambda r: (-r.meta.year, r.id))
    reports = [_report(source, md) for source in sources]
    history: dict[str, list[Metric]] = {}
    for report in reports:
        for metric in report.metrics:
            history.setdefault(metric.id, []).append(metric)
    by_source = {path: page_key(lang, source.id, slug) for source in sources
                 for path, lang, slug in source.derive("files", lambda source=source: _files(source))}
    # A text's rendering depends on it, on the figures, on which file is which page and on the strings;
    # a report's pages on its texts and on the same.
    context = hashlib.sha256(repr((edition, languages, translations.digest, [source.metrics for source in sources],
                                   sorted(by_source.items()))).encode()).hexdigest()
    previous = cache.reports
    digests = [_report_digest(source, context) for source in sources]
    kept = {source.id: previous[digest] for source, digest in zip(sources, digests) if digest in previous}
    pages = _skeleton(project, reports, translations, kept)

    charts = {key: chart for key, chart in cache.charts.items() if key[0] == context}
    figures_of = {s.id: _Figures(s.id, {m.id: m for m in s.metrics}, history, translations, md, context, charts)
                  for s in sources}
    for report in reports:
        _add_highlights(report, figures_of[report.id], languages)
    bodies = _BodyRenderer(pages, by_source, figures_of, translations, md, diagnostics, cache.texts, context,
                           cache.pages)
    bodies.keep_texts({path for source in sources if source.id in kept for path, _ in source.texts()})
    made: dict[str, _ReportPages] = {}  # by report id: the reports whose pages this build made
    for source in sources:
        if source.id in kept:
            bodies.anchors.extend(kept[source.id].anchors)
            continue
        errors, anchors = len(diagnostics.errors), len(bodies.anchors)
        for slug, versions in source.sections.items():
            for lang, text in versions.items():
                key = page_key(lang, source.id, slug)
                pages[key] = bodies.section_page(pages[key], text, source.id)
        if len(diagnostics.errors) == errors:  # a report with an error is not kept: it fails the build
            made[source.id] = _ReportPages(bodies.anchors[anchors:])
    bodies.check_anchors()
    for report, source in zip(reports, sources):
        if source.id in kept:
            pages.update((page.key, page) for page in kept[source.id].views)
            continue
        views = len(pages)
        _add_reading_views(report, source, pages, bodies, translations, languages)
        if source.id in made:
            made[source.id].views = list(pages.values())[views:]
    report_of = {report.id: report for report in reports}
    for report in reports:  # where a kept report's texts state its figures: as they did
        if report.id in kept:
            report.figure_places.update(kept[report.id].figure_places)
    for page in pages.values():
        if page.pending_from:
            page.title_html = pages[page.pending_from].title_html
        elif page.kind == "section" and page.report_id not in kept:
            places = report_of[page.report_id].figure_places.setdefault(page.lang, {})
            for metric_id in FIGURE_ANCHOR.findall(page.body_html):
                places.setdefault(metric_id, page.key)
    for report, source in zip(reports, sources):
        if source.id in kept:
            continue
        for lang in languages:
            figures_key = page_key(lang, report.id, FIGURES_SLUG)
            if figures_key in pages:
                _fill_figures_page(pages[figures_key], report, source, pages, figures_of[report.id])
    config = project.config
    if config.search:
        pages.update(_site_pages("search", SEARCH_SLUG, "search_title", "search_description", languages, translations))
    if config.withheld_note:
        notes = _site_pages("note", WITHHELD_NOTE_SLUG, "withheld_note_title", "withheld_note_title", languages,
                            translations)
        for note in notes.values():
            env = {"mask_label": lambda n, rest="", lang=note.lang: translations.mask_label(lang, n, rest)}
            note.body_html = markdown.render(md, markdown.parse(md, config.withheld_note[note.lang]), env)
        pages.update(notes)
    cache.texts = bodies.rendered
    cache.reports = {digest: kept.get(source.id) or made[source.id].collect(report_of[source.id], pages)
                     for source, digest in zip(sources, digests) if source.id in kept or source.id in made}
    cache.charts = charts
    # (and the kept reports' pages, for a later build that changes one of them)
    cache.pages = {report_id: made for report_id, made in cache.pages.items() if report_id in kept} | bodies.made_pages
    # (the report pages' key-figure cards lead to where the texts state their figures)
    places = [report.figure_places for report in reports]
    site_digest = hashlib.sha256(repr((context, config, places)).encode())
    for source in sources:  # another page shows a section's title and summary
        site_digest.update(source.derive("outline", lambda source=source: _outline(source)))
    return Site(project, translations, reports, pages, edition, site_digest.hexdigest())


def _skeleton(project: Project, reports: list[Report], translations: Translations,
              kept: dict[str, "_ReportPages"]) -> dict[str, Page]:
    """Every page but the reading views, in site order, before any text is placed on them;
    a kept report's as they were."""
    languages = project.languages
    config = project.config
    pages: dict[str, Page] = {}
    pages["index"] = Page("index", "root", languages[0], "index.html", config.title[languages[0]],
                          " / ".join(config.title[lang] for lang in languages))
    pages["404"] = Page("404", "not_found", languages[0], "404.html",
                        " / ".join(translations.get("not_found_title", lang) for lang in languages),
                        " ".join(translations.get("not_found_text", lang) for lang in languages))
    for lang in languages:
        home = page_key(lang)
        pages[home] = Page(home, "home", lang, f"{lang}/index.html", config.title[lang],
                           config.organisation[lang],
                           alternates={other: page_key(other) for other in languages})
        for report in reports:
            if report.id in kept:
                pages.update((page.key, page) for page in kept[report.id].pages if page.lang == lang)
                continue
            key = page_key(lang, report.id)
            pages[key] = Page(key, "report", lang, f"{lang}/{report.id}/index.html",
                              report.title[lang], report.meta.summary[lang],
                              alternates={other: page_key(other, report.id) for other in languages},
                              report_id=report.id, breadcrumbs=[home])
            if report.metrics:
                figures = page_key(lang, report.id, FIGURES_SLUG)
                pages[figures] = Page(figures, "figures", lang, f"{figures}/index.html",
                                      translations.get("figures_title", lang, year=report.meta.year),
                                      translations.get("figures_intro", lang),
                                      alternates={o: page_key(o, report.id, FIGURES_SLUG) for o in languages},
                                      report_id=report.id, breadcrumbs=[home, key])
            keys = [page_key(lang, report.id, section.slug) for section in report.sections]
            for index, section in enumerate(report.sections):
                pages[keys[index]] = _section_page(lang, report, section, languages, home, key)
                pages[keys[index]].previous = keys[index - 1] if index else None
                pages[keys[index]].next = keys[index + 1] if index + 1 < len(keys) else None
    return pages


@dataclass
class _ReportPages:
    """A report's pages as a build made them, for the next build to keep while its inputs are the same."""

    anchors: list[tuple[Path, int | None, str, str]]  # its links with a #fragment, checked every build
    views: list[Page] = field(default_factory=list)  # its full reports and bilingual views
    pages: list[Page] = field(default_factory=list)  # its other pages: report, figures and sections
    figure_places: dict = field(default_factory=dict)  # Report.figure_places: found in its pages' HTML

    def collect(self, report: Report, pages: dict[str, Page]) -> "_ReportPages":
        views = {id(page) for page in self.views}
        self.pages = [page for page in pages.values() if page.report_id == report.id and id(page) not in views]
        self.figure_places = report.figure_places  # complete by now, and not changed after
        return self


def _report_digest(source: ReportSource, context: str) -> str:
    """A digest of a report's sources and of ``context``, what else its pages depend on."""
    def texts() -> bytes:
        digest = hashlib.sha256()
        for path, text in source.texts():
            digest.update(f"{path}\0{text}\0".encode())
        return digest.digest()

    digest = hashlib.sha256(f"{context}\0{source.id}\0{source.meta!r}\0{source.order!r}\0".encode())
    digest.update(source.derive("texts digest", texts))
    return digest.hexdigest()


def _files(source: ReportSource) -> list[tuple[str, str, str]]:
    """Each section file of a report: its path, normalised (as links name it), language and slug."""
    return [(os.path.normpath(text.path), lang, slug) for slug, versions in source.sections.items()
            for lang, text in versions.items()]


def _outline(source: ReportSource) -> bytes:
    """What other pages show of a report's: its metadata, its sections' order, titles and summaries."""
    return repr((source.id, source.meta, source.order, [(os.fspath(text.path), text.front.title, text.front.summary)
                                                        for versions in source.sections.values()
                                                        for text in versions.values()])).encode()


def _site_pages(kind: str, slug: str, title: str, description: str, languages: list[str],
                translations: Translations) -> dict[str, Page]:
    """A page of the site itself (search, the note on withheld content) in every language."""
    return {page_key(lang, slug): Page(page_key(lang, slug), kind, lang, f"{lang}/{slug}/index.html",
                                       translations.get(title, lang), translations.get(description, lang),
                                       alternates={other: page_key(other, slug) for other in languages},
                                       breadcrumbs=[page_key(lang)])
            for lang in languages}


def _add_highlights(report: Report, figures: "_Figures", languages: list[str]) -> None:
    """What the report page opens with: the highlights, rendered once, and the key figures."""
    for lang in languages:
        env = figures.inline_env(lang)
        env["metrics_seen"] = set(figures.metrics)  # a figure's place in the text is in its section, not here
        report.highlights[lang] = [markdown.render_inline(figures.md, highlight[lang], env)
                                   for highlight in report.meta.highlights or [] if lang in highlight]
    report.key_figures.extend(figures.metrics[metric_id] for metric_id in report.meta.key_figures or []
                              if metric_id in figures.metrics)


def _report(source: ReportSource, md: MarkdownIt) -> Report:
    def outline() -> tuple[list[Section], dict[str, str]]:
        sections = []
        for slug in source.order:
            versions = source.sections[slug]
            number = min(v.file.number for v in versions.values())
            texts = {lang: SectionText(lang, v.title_text, v.front.summary, v.path)
                     for lang, v in versions.items()}
            sections.append(Section(source.id, number, slug, texts))
        return sections, {lang: markdown.plain_text(md, title) for lang, title in source.meta.title.items()}

    # (its sections and title are the report's texts' alone: the figures are this build's)
    sections, title = source.derive("sections", outline)
    return Report(source.id, source.meta, list(sections), source.metrics, title=dict(title))


def _section_page(lang: str, report: Report, section: Section, languages: list[str],
                  home: str, report_key: str) -> Page:
    key = page_key(lang, report.id, section.slug)
    text = section.texts.get(lang)
    pending_from = None
    if text is None:  # no translation yet: the page points to the original
        original_lang = next(l for l in languages if l in section.texts)
        text = section.texts[original_lang]
        pending_from = page_key(original_lang, report.id, section.slug)
    return Page(key, "section", lang, f"{key}/index.html", text.title,
                text.summary or report.meta.summary[lang],
                alternates={other: page_key(other, report.id, section.slug) for other in languages},
                report_id=report.id, section_slug=section.slug, pending_from=pending_from,
                breadcrumbs=[home, report_key])


@dataclass
class _Figures:
    """What a body needs to render its figures and charts."""

    report_id: str
    metrics: dict[str, Metric]  # the report's, by id
    history: dict[str, list[Metric]]  # every report's, by id
    translations: Translations
    md: MarkdownIt
    context: str  # what the figures depend on (see build_site)
    # (context, metric id, lang) → an across-year chart, the same in every report; (context, report id,
    # spec, lang) → one of the report's charts (the previous build's, while the context is the same)
    charts: dict[tuple, Chart]

    def figure_text(self, metric_id: str, lang: str) -> str:
        """A figure as plain text (in a page's contents); "" for one the report does not define."""
        metric = self.metrics.get(metric_id)
        return display(metric, lang, self.translations) if metric else ""

    def inline_env(self, lang: str) -> dict:
        """What a line of text outside a section (a highlight) needs to render its masks and figures."""
        env: dict = {"mask_label": lambda n, rest="": self.translations.mask_label(lang, n, rest),
                     "foreign_words": markdown.foreign_words(lang, self.translations.html_langs())}
        env["metric_html"] = lambda metric_id: self.metric_html(metric_id, lang, env)
        return env

    def metric_html(self, metric_id: str, lang: str, env: dict) -> str:
        metric = self.metrics[metric_id]
        text = display(metric, lang, self.translations)
        if metric.withheld_value:  # the internal edition: shown, highlighted
            text = f"[{text}]{{.withheld}}"
        return markdown.render_inline(self.md, text, env)

    def chart(self, spec: ChartSpec, lang: str) -> Chart:
        if spec.across_years and spec == ChartSpec(type="line", across_years=spec.across_years):
            key: tuple = (self.context, spec.across_years, lang)
        else:
            key = (self.context, self.report_id, repr(spec), lang)
        if key not in self.charts:
            self.charts[key] = build_chart(spec, "chart", lang, self.metrics, self.history, self.translations)
        return self.charts[key]


def add_chart(page: Page, chart: Chart) -> str:
    """Put a chart on a page, numbered after those before it; its id there."""
    chart_id = f"chart-{len(page.charts) + 1}"
    page.charts.append(dataclasses.replace(chart, id=chart_id, csv_name=f"{chart_id}.csv"))
    return chart_id


@dataclass(frozen=True)
class RenderedText:
    """A section text rendered once for every page that shows it (its own page, the bilingual
    views, the full report). What depends on the page is left as a slot, filled in for each
    page: a link, relative to that page, and a chart, numbered on that page."""

    blocks: list[str]  # the top-level blocks: paragraphs, lists, tables, charts
    links: list[tuple[str, str]]  # by slot number: (page key, #fragment)
    charts: list[Chart]  # by slot number


# NUL never reaches rendered HTML from a text (markdown-it replaces it), so a slot cannot be forged.
SLOT = re.compile("\x00(link|chart)([0-9]+)\x00")


@dataclass
class _BodyRenderer:
    """Renders each section text once (or takes it from ``cache``, the previous build's) and
    places it on the pages that show it."""

    pages: dict[str, Page]
    by_source: dict[str, str]  # normalised file path → page key
    figures_of: dict[str, _Figures]  # by report id
    translations: Translations
    md: MarkdownIt
    diagnostics: Diagnostics
    cache: dict  # (path, text, context) → RenderedText, the previous build's
    context: str  # digest of what else a rendering depends on: figures, link targets, strings
    last_pages: dict = field(default_factory=dict)  # report id → (what a page is made from) → it, the last build's
    rendered: dict = field(default_factory=dict)  # this build's, the next one's cache
    made_pages: dict = field(default_factory=dict)  # this build's, the next one's ``last_pages``
    anchors: list[tuple[Path, int | None, str, str]] = field(default_factory=list)  # links with a #fragment

    def check_anchors(self) -> None:
        """Every #fragment of a link names an id on the page it leads to."""
        ids: dict[str, set[str]] = {}
        for source, line, key, fragment in self.anchors:
            if key not in ids:
                ids[key] = set(ELEMENT_ID.findall(self.pages[key].body_html))
            if fragment not in ids[key]:
                close = difflib.get_close_matches(fragment, sorted(ids[key]), n=1)
                self.diagnostics.error(source, f"the link's anchor '#{fragment}' is not on the page it leads to",
                                       line=line, hint=f"did you mean '#{close[0]}'?" if close else
                                       "anchors are heading ids (shown in the page's contents) or p1, p2 …")

    def section_page(self, page: Page, text: SectionSource, report: str) -> Page:
        """The section's page, ``page`` filled with its text; the previous build's if it was made from
        the same (its links are checked all the same)."""
        for href, line in text.parsed.links:
            target = _link_target(href, text.path, self.by_source)
            if target is None:
                self.diagnostics.error(text.path, f"the link '{href}' points to no section of the site", line=line,
                                       hint="link to a section by its file name, e.g. (02-outlook.zh.md) or "
                                            "(../2021/01-overview.zh.md#heading)")
            elif "#" in href and (target or href.startswith("#")):
                # markdown-it percent-encodes a link: #%E6%88%90%E6%95%88 is the heading id 成效
                self.anchors.append((text.path, line, target or page.key, unquote(href.partition("#")[2])))
        recipe = ("section", self.context, repr(page), text.path, text.file.source.text)
        kept = self.kept_page(report, recipe)
        if kept is not None:
            self.text(text, report)  # its rendering, kept for the next build
            return kept
        self.made_pages.setdefault(report, {})[recipe] = page
        links: list[tuple[str, str]] = []
        title = markdown.render_inline(self.md, text.front.title, self._env(text, report, links, []))
        page.title_html = self._fill(title, RenderedText([], links, []), page, [])
        page.body_html = "".join(self.place(page, text, report))
        figures, lang = self.figures_of[report], text.file.lang
        page.headings = [dataclasses.replace(heading, text=markdown.FIGURE_IN_TEXT.sub(
            lambda match: figures.figure_text(match.group(1), lang), heading.text)) for heading in text.parsed.headings]
        return page

    def kept_page(self, report: str, recipe: tuple) -> Page | None:
        """The previous build's page of ``report`` made from ``recipe``, kept for the next build; None
        if there is none."""
        page = self.last_pages.get(report, {}).get(recipe)
        if page is not None:
            self.made_pages.setdefault(report, {})[recipe] = page
        return page

    def place(self, host: Page, text: SectionSource, report: str, prefix: str = "") -> list[str]:
        """The text's blocks on ``host``: links relative to it, charts numbered on it, and ids made
        unique on it by ``prefix``."""
        rendered = self.text(text, report)
        chart_ids = [add_chart(host, chart) for chart in rendered.charts]
        blocks = [self._fill(block, rendered, host, chart_ids) for block in rendered.blocks]
        return [prefix_ids(block, prefix) for block in blocks] if prefix else blocks

    def keep_texts(self, paths: set[Path]) -> None:
        """Keep the previous build's renderings of the texts at ``paths``, those of the reports whose
        pages are reused whole."""
        for key, rendered in self.cache.items():
            if key[2] == self.context and key[0] in paths:
                self.rendered[key] = rendered

    def text(self, text: SectionSource, report: str) -> RenderedText:
        key = (text.path, text.file.source.text, self.context)
        rendered = self.rendered.get(key) or self.cache.get(key)
        if rendered is None:
            links: list[tuple[str, str]] = []
            charts: list[Chart] = []
            blocks = markdown.render_blocks(self.md, with_tokens(text, self.md), self._env(text, report, links, charts))
            rendered = RenderedText(blocks, links, charts)
        self.rendered[key] = rendered
        return rendered

    def _env(self, text: SectionSource, report: str, links: list[tuple[str, str]], charts: list[Chart]) -> dict:
        lang, figures = text.file.lang, self.figures_of[report]

        def link_slot(href: str) -> str | None:
            target = _link_target(href, text.path, self.by_source)
            if not target:
                return None
            links.append((target, href.partition("#")[2]))
            return f"\x00link{len(links) - 1}\x00"

        def chart_slot(token) -> str:
            spec = next(block.spec for block in text.parsed.charts if block.token is token)
            charts.append(figures.chart(spec, lang))
            return f"\x00chart{len(charts) - 1}\x00"

        env: dict = {
            "mask_label": lambda n, rest="": self.translations.mask_label(lang, n, rest),
            "resolve_link": link_slot,
            "foreign_words": markdown.foreign_words(lang, self.translations.html_langs()),
            "chart_html": chart_slot,
        }
        env["metric_html"] = lambda metric_id: figures.metric_html(metric_id, lang, env)
        return env

    def _fill(self, html: str, rendered: RenderedText, host: Page, chart_ids: list[str]) -> str:
        def slot(match: re.Match[str]) -> str:
            if match.group(1) == "chart":
                return CHART_PLACEHOLDER.format(id=chart_ids[int(match.group(2))])
            target, fragment = rendered.links[int(match.group(2))]
            url = relative_url(host.output, self.pages[target].output)
            return f"{url}#{fragment}" if fragment else url

        return SLOT.sub(slot, html) if "\x00" in html else html


ELEMENT_ID = re.compile(r'\sid="([^"]+)"')
ID_ATTRIBUTES = (' id="', ' for="', ' aria-labelledby="', ' aria-describedby="', ' href="#')


def prefix_ids(html: str, prefix: str) -> str:
    """Make the ids of a rendered body unique where several bodies share a page. (The renderer
    writes one space before each attribute, and escapes quotes in text: plain replacing is safe,
    and many times faster than a regular expression.)"""
    for attribute in ID_ATTRIBUTES:
        html = html.replace(attribute, attribute + prefix)
    return html


HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def raise_headings(blocks: list[str]) -> list[str]:
    """A text's headings right under the page's h1 (the side-by-side view has no contents box, whose
    h2 they follow on a section's page): the highest made an h2, the others raised as much, so that
    the outline skips no level (an item's ``###`` is an h3 on its section's page, an h2 here)."""
    levels = [int(level) for block in blocks for _, level in HEADING_TAG.findall(block)]
    shift = min(levels, default=2) - 2
    if shift <= 0:
        return blocks
    return [HEADING_TAG.sub(lambda match: f"<{match[1]}h{int(match[2]) - shift}", block) for block in blocks]


def _link_target(href: str, source: Path, by_source: dict[str, str]) -> str | None:
    """The page key a Markdown link names, "" for links that are not to a section, None if broken."""
    path, _, _fragment = href.partition("#")
    if not path.endswith(".md") or "://" in path or path.startswith(("/", "mailto:")):
        return ""
    # ``a/b/../c`` as ``a/c``: a link names a file where the editor sees it (and resolve() is slow).
    return by_source.get(os.path.normpath(source.parent / path))


def figure_href(page: Page, metric_id: str, places: dict[str, str], pages: dict[str, Page], fallback: str) -> str:
    """A link from ``page`` to where the text first states a figure; to ``fallback``'s page where no
    text of the language states it."""
    if metric_id in places:
        return relative_url(page.output, pages[places[metric_id]].output) + f"#fig-{metric_id}"
    return relative_url(page.output, pages[fallback].output)


def _fill_figures_page(page: Page, report: Report, source: ReportSource, pages: dict[str, Page],
                       figures: _Figures) -> None:
    """Every metric of the report by section, linked to where the text states it, and the charts."""
    lang = page.lang
    places = report.figure_places.get(lang, {})
    for section in report.sections:
        section_key = page_key(lang, report.id, section.slug)
        rows = [FigureRow(metric, metric.label[lang], display(metric, lang, figures.translations),
                          metric.note[lang] if metric.note else "", figure_href(page, metric.id, places, pages,
                                                                                section_key))
                for metric in report.metrics if metric.section == section.slug]
        if rows:
            group = FigureGroup(pages[section_key].title, relative_url(page.output, pages[section_key].output), rows)
            page.figure_groups.append(group)
    for section in report.sections:
        text = source.sections[section.slug].get(lang)
        for block in text.parsed.charts if text else []:
            if block.spec is not None and block.spec.metrics:
                add_chart(page, figures.chart(block.spec, lang))
    for metric in report.metrics:
        if len(figures.history.get(metric.id, [])) > 1:
            add_chart(page, figures.chart(ChartSpec(type="line", across_years=metric.id), lang))

def _add_reading_views(report: Report, source: ReportSource, pages: dict[str, Page], bodies: _BodyRenderer,
                       translations: Translations, languages: list[str]) -> None:
    """The whole report on one page per language, and each section side by side in two languages."""
    for lang in languages:
        home, report_key = page_key(lang), page_key(lang, report.id)
        full_key = page_key(lang, report.id, FULL_REPORT)
        full = pages[full_key] = Page(
            full_key, "full", lang, f"{lang}/{report.id}/{FULL_REPORT}.html",
            translations.get("full_report_title", lang, title=report.title[lang]),
            report.meta.summary[lang], alternates={o: page_key(o, report.id, FULL_REPORT) for o in languages},
            report_id=report.id, breadcrumbs=[home, report_key])
        for section in report.sections:
            text = source.sections[section.slug].get(lang) or next(iter(source.sections[section.slug].values()))
            full.parts.append(BodyPart(translations.get("html_lang", text.file.lang),
                                       "".join(bodies.place(full, text, report.id, f"{section.slug}-")),
                                       pages[page_key(lang, report.id, section.slug)].title_html, section.slug))
        if len(languages) < 2:
            continue
        for section in report.sections:
            versions = source.sections[section.slug]
            if len(versions) < len(languages):
                continue  # no side by side without a translation
            key = page_key(lang, report.id, section.slug, BILINGUAL)
            section_key = page_key(lang, report.id, section.slug)
            shown = pages[section_key]
            recipe = ("bilingual", bodies.context, key, tuple(languages), shown.title, shown.description,
                      shown.title_html, tuple((versions[other].path, versions[other].file.source.text)
                                              for other in languages))
            kept = bodies.kept_page(report.id, recipe)
            if kept is not None:  # (its texts' renderings are kept by the full report's page)
                pages[key] = kept
                continue
            view = pages[key] = bodies.made_pages.setdefault(report.id, {})[recipe] = Page(
                key, "bilingual", lang, f"{lang}/{report.id}/{section.slug}/{BILINGUAL}.html",
                translations.get("bilingual_title", lang, title=shown.title), shown.description,
                alternates={o: page_key(o, report.id, section.slug, BILINGUAL) for o in languages},
                report_id=report.id, section_slug=section.slug, breadcrumbs=[home, report_key, section_key])
            columns = [(translations.get("html_lang", other),
                        raise_headings(bodies.place(view, versions[other], report.id, f"{other}-")))
                       for other in languages]
            # The view is for reading the texts side by side: their charts stay on the section's page.
            view.charts.clear()
            for index in range(max(len(blocks) for _, blocks in columns)):
                cells = [blocks[index] if index < len(blocks) else "" for _, blocks in columns]
                if all(CHART_BLOCK.fullmatch(cell.strip()) for cell in cells):
                    continue
                view.pairs.append([BodyPart(code, cell) for (code, _), cell in zip(columns, cells)])
            view.title_html = shown.title_html
