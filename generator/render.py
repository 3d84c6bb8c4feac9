"""The render stage: every page and file of the site as bytes, nothing written yet.

Templates come from the project's templates folder first and the built-in
theme second, so a project overrides any template by giving a file the same
name. Autoescape is on and undefined names are errors: a typo in a template
fails the build instead of rendering blank. Templates get a read-only view of
the model and helpers (``t``, ``url``, ``asset``); logic stays here.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import posixpath
import re
import tempfile
import time
import traceback
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2
import jinja2.bccache
from babel.dates import format_date
from babel.numbers import format_decimal
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import filesystem, markdown, opendata, pdf, workers
from .charts import Chart
from .config import Project, theme_dir
from .diagnostics import Diagnostics
from .i18n import Translations
from .metrics import Metric, display, range_text
from .model import (BILINGUAL, CHART_PLACEHOLDER, FIGURES_SLUG, FULL_REPORT, SEARCH_SLUG, WITHHELD_NOTE_SLUG, Page,
                    Report, Site, figure_href, page_key, relative_url)
from .search import SEARCH_FOLDER, SearchError, SearchIndexing, indexed_part

ASSETS = "assets"
PLOTLY_ASSET = "plotly.min.js"
# Only the site's own files: no inline script, no outside request. Plotly is told
# not to inject styles (the charts.css link), so styles need no exception either.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'")
# The search page runs Pagefind's WebAssembly: compiling it needs 'wasm-unsafe-eval' (which
# allows WebAssembly only, not JavaScript eval), on that page alone.
SEARCH_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
# The pages that link a report's PDF: the report page, the full report, a one-report site's home page.
PDF_LINKING = ("report", "full", "home")
# From this many pages to render, workers render them (``jobs``): below it, forking costs about what it saves.
PARALLEL_PAGES = 200
TEMPLATES = {"root": "root.html", "home": "home.html", "report": "report.html", "section": "section.html",
             "figures": "figures.html", "note": "note.html", "search": "search.html", "full": "full.html",
             "bilingual": "bilingual.html", "not_found": "404.html"}


@dataclass(frozen=True)
class Asset:
    name: str  # "site.css"
    output: str  # "assets/site.1a2b3c4d.css": the hash lets servers cache it for a year
    data: bytes


def template_folders(project: Project) -> list[Path]:
    """Where templates, assets and interface strings are looked up, the project's own first."""
    folders = [project.templates_dir, theme_dir()]
    return list(dict.fromkeys(f.resolve() for f in folders if f.is_dir()))


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates, in a folder of the user's in the system's temporary
    folder, checked against each template's source, as Python keeps compiled modules: compiling
    the theme's templates took half of a small site's build. A cache that cannot be read or
    written (a full or read-only disk) only makes the build slower."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def compiled_templates() -> jinja2.BytecodeCache | None:
    try:
        return CompiledTemplates()
    except (OSError, RuntimeError):  # no private temporary folder to be had: compile every time
        return None


def create_environment(folders: list[Path]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        bytecode_cache=compiled_templates(),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def collect_assets(folders: list[Path]) -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    for folder in reversed(folders):  # the project's own files win
        base = folder / ASSETS
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            name = path.relative_to(base).as_posix()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            stem, dot, suffix = name.rpartition(".")
            hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
            assets[name] = Asset(name, f"{ASSETS}/{hashed}", data)
    return assets


# plotly.js injects a bundled <style> (maplibre's, for maps) when it loads, unless an
# element with that style's id already exists. A strict CSP blocks it with an error;
# these pages draw no maps, so they carry an empty element with that id instead.
INJECTED_STYLE = re.compile(rb'document\.getElementById\("([0-9a-f]{16,})"\)\)\{var \w+=document\.createElement\("style"\)')


def plotly_asset() -> tuple[Asset, list[str]]:
    """plotly.js's basic bundle, vendored in ``generator/vendor/plotly``, and the ids of the styles it
    would inject."""
    from .vendor import PLOTLY_JS

    data = PLOTLY_JS.read_bytes()
    injected = sorted({match.decode() for match in INJECTED_STYLE.findall(data)})
    return Asset(PLOTLY_ASSET, f"{ASSETS}/plotly.{hashlib.sha256(data).hexdigest()[:10]}.min.js", data), injected


def render_site(site: Site, diagnostics: Diagnostics, search: bool = True, md: MarkdownIt | None = None,
                environments: dict | None = None, search_cache: dict | None = None,
                page_cache: dict | None = None, pdfs: bool = True, pdf_cache: dict | None = None,
                timings: dict[str, float] | None = None, jobs: int = 1) -> dict[str, bytes]:
    """What the caches keep for the next build: ``environments`` the Jinja
    environment of the templates as they are (a new one when any template file is added, removed
    or changed: Jinja's own check would miss a new file that overrides a theme's), ``search_cache``
    each language's search index until its pages change, ``page_cache`` the pages rendered,
    by a digest of what they show (it is replaced by this build's), and ``pdf_cache`` the PDFs.
    ``pdfs=False`` makes none, whatever the config says (the dev server). ``timings`` gets the
    time the PDFs took, as the stage "PDFs". ``jobs``: how many processes may render pages (workers.py)."""
    folders = template_folders(site.project)
    templates = _templates_digest(folders)
    env = environments.get(templates) if environments is not None else None
    if env is None:
        env = create_environment(folders)
        if environments is not None:
            environments.clear()
            environments[templates] = env
    assets = collect_assets(folders)
    injected_styles: list[str] = []
    if any(page.charts for page in site.pages.values()):
        assets[PLOTLY_ASSET], injected_styles = plotly_asset()
    files: dict[str, bytes] = {asset.output: asset.data for asset in assets.values()}
    md = md or markdown.create_parser()
    shared: dict[tuple, Any] = {}  # what the pages of this build share (page_context)
    previous = page_cache if page_cache is not None else {}
    rendered: dict[tuple[bytes, bytes], tuple[bytes, dict[str, bytes]]] = {}
    # The PDFs print in the background while the pages render; the pages that link to one (with its
    # size) are rendered last, once they are printed.
    printing = None
    if pdfs and site.project.config.pdf:
        try:
            documents = [render_document(site, report, lang, env, assets, md, shared, injected_styles)
                         for report in site.reports for lang in site.languages]
        except jinja2.TemplateError as exc:
            _template_error(exc, "document.html", diagnostics)
            return {}
        printing = pdf.start_printing(documents, dict(files), pdf_cache)
    printed: list[tuple[dict[str, bytes], list[pdf.Problem]]] = []

    def printed_sizes() -> dict[str, int]:
        """Each PDF made, by its path, with its size: waited for once."""
        if printing is not None and not printed:
            started = time.perf_counter()
            printed.append(printing.result())
            if timings is not None:
                timings["PDFs"] = time.perf_counter() - started  # what the build waited for them
        return {name: len(data) for name, data in (printed[0][0] if printed else {}).items()}

    try:
        rendered_all = _render_all(site, diagnostics, env, assets, files, md, shared, injected_styles,
                                   templates, previous, rendered, search, search_cache, printed_sizes, jobs)
        printed_sizes()  # waited for even when rendering failed: its browser is closed
    except BaseException:
        if printing is not None:  # stopped (Ctrl-C, SIGTERM) or a bug: the browser closed now, not after printing
            printing.cancel()
        raise
    if not rendered_all:
        return {}
    if printed:
        made, problems = printed[0]
        files.update(made)
        pdf.report_problems(problems, site.project.config.pdf == "required", site.project.config_path, diagnostics)
    if page_cache is not None:
        page_cache.clear()
        page_cache.update(rendered)
    return files


def _render_all(site: Site, diagnostics: Diagnostics, env: jinja2.Environment, assets: dict[str, Asset],
                files: dict[str, bytes], md: MarkdownIt, shared: dict, injected_styles: list[str],
                templates: bytes, previous: dict, rendered: dict, search: bool, search_cache: dict | None,
                printed_sizes: Callable[[], dict[str, int]], jobs: int) -> bool:
    """Every page, the search index, the sitemap and robots.txt into ``files``; False on an error.
    ``printed_sizes`` waits for the PDFs, before the pages that link them are rendered."""
    site_digest = _site_digest(site, templates, assets, injected_styles)
    # The figures as open data (opendata.py): made of the reports' figures, titles and addresses and the
    # settings, all of which the site's digest covers (a text's own words are not in them).
    open_data = (site_digest, b"open data")
    if open_data not in previous:
        previous[open_data] = (b"", opendata.data_files(site, md))
    rendered[open_data] = previous[open_data]
    files.update(rendered[open_data][1])

    def render_page(page: Page, pdf_sizes: dict[str, int] | None, errors: Diagnostics
                    ) -> tuple[bytes, dict[str, bytes]] | None:
        """A page's HTML and its charts' CSV files; None, with the error in ``errors``, if it fails."""
        template_name = TEMPLATES[page.kind]
        try:
            context = page_context(site, page, assets, md, shared, pdf_sizes)
            context["plotly_style_ids"] = injected_styles if page.charts else []
            context["body_html"] = _place_charts(page.body_html, page, env, context)
            context["parts"] = [dataclasses.replace(part, html=_place_charts(part.html, page, env, context))
                                for part in page.parts]
            html = env.get_template(template_name).render(context)
            # A text is rendered once for several pages: its masks' links to the note are set here
            # (none on the note itself).
            html = markdown.place_mask_links(html, context["withheld_note_href"] if page.kind != "note" else "")
        except jinja2.TemplateError as exc:
            _template_error(exc, template_name, errors)
            return None
        except KeyError as exc:  # a missing interface string
            errors.error(template_name, str(exc.args[0]),
                         hint="add the string to translations.yml in the templates folder")
            return None
        csv_files = {posixpath.join(posixpath.dirname(page.output), csv_name(page, chart)): chart.csv_bytes()
                     for chart in page.charts}
        return html.encode("utf-8"), csv_files

    def render_part(part: list[Page], pdf_sizes: dict[str, int] | None) -> tuple[list, list]:
        """The pages of ``part`` rendered, up to the first that fails, and the errors."""
        errors = Diagnostics(diagnostics.root)
        done = []
        for page in part:
            done.append(render_page(page, pdf_sizes, errors))
            if done[-1] is None:
                break
        return done, errors.items

    def render_pages(pages: list[Page], pdf_sizes: dict[str, int] | None = None) -> bool:
        # The pages that link a PDF show its size: part of what they show.
        digest = site_digest if pdf_sizes is None else \
            hashlib.sha256(site_digest + repr(sorted(pdf_sizes.items())).encode("utf-8")).digest()
        # A page is rendered again only if something it shows changed: its own fields, or what
        # every page may show of the site (the templates, strings, settings, reports, and the
        # titles and addresses of all pages).
        keys = [_page_key(digest, page) for page in pages]
        to_render = []
        for page, key in zip(pages, keys):
            if key in previous:
                rendered[key] = previous[key]
            else:
                to_render.append(page)
        # Many pages: a report's pages to each worker, whole (they share its links and texts).
        by_report: dict[str, list[Page]] = {}
        for page in to_render:
            by_report.setdefault(page.report_id or "", []).append(page)
        parts = workers.deal(list(by_report.values()), len, jobs if len(to_render) >= PARALLEL_PAGES else 1)
        parts = [[page for group in part for page in group] for part in parts]
        made: dict[str, tuple[bytes, dict[str, bytes]]] = {}
        failed = False
        for part, (done, errors) in zip(parts, workers.run_parts(lambda part: render_part(part, pdf_sizes), parts,
                                                                 jobs)):
            made.update((page.output, result) for page, result in zip(part, done) if result is not None)
            if errors and not failed:  # the first failing part's error: the build stops there, as one would
                diagnostics.items.extend(errors)
                failed = True
        if failed:
            return False
        for page, key in zip(pages, keys):  # in the pages' order, whoever rendered them
            if key not in rendered:
                rendered[key] = made[page.output]
            files[page.output] = rendered[key][0]
            files.update(rendered[key][1])
        return True

    # The section pages first: Pagefind indexes them on another core while the rest render.
    sections = [page for page in site.pages.values() if page.kind == "section"]
    if not render_pages(sections):
        return False
    with contextlib.ExitStack() as stack:
        try:
            indexing = stack.enter_context(SearchIndexing(searchable_pages(site, files), search_cache)) \
                if site.project.config.search and search else None
        except OSError as error:  # Pagefind's pages go to a temporary folder: full, or not writable
            fault = filesystem.describe(error, Path(tempfile.gettempdir()), "the pages to index")
            diagnostics.error(fault.path, fault.message,
                              hint="free some space there, or set the environment variable TMPDIR to a folder "
                                   "on another disk")
            return False
        if not render_pages([page for page in site.pages.values() if page.kind not in ("section", *PDF_LINKING)]):
            return False
        if not render_pages([page for page in site.pages.values() if page.kind in PDF_LINKING], printed_sizes()):
            return False
        if indexing is not None:
            try:
                files.update(indexing.files())
            except SearchError as exc:
                diagnostics.error(SEARCH_FOLDER, f"the search index failed: {exc}",
                                  hint="build without search (search: false in site_config.yml) to publish meanwhile")
                return False
    # The internal edition is for review only: no sitemap, and robots are turned away.
    extras = [("robots.txt", robots_context)]
    if site.edition == "public":
        extras.insert(0, ("sitemap.xml", sitemap_context))
    for name, context in extras:
        key = (site_digest, name.encode())  # they show nothing of a page's own
        if key not in previous:
            try:
                previous[key] = (env.get_template(name).render(context(site)).encode("utf-8"), {})
            except jinja2.TemplateError as exc:
                _template_error(exc, name, diagnostics)
                return False
        rendered[key] = previous[key]
        files[name] = rendered[key][0]
    return True


def pdf_name(report: Report, lang: str) -> str:
    """A report's PDF in a language: zh/2022/report-2022-zh.pdf (a name that says which, in a download folder)."""
    return f"{lang}/{report.id}/report-{report.id}-{lang}.pdf"


def render_document(site: Site, report: Report, lang: str, env: jinja2.Environment, assets: dict[str, Asset],
                    md: MarkdownIt, shared: dict, injected_styles: list[str]) -> pdf.Document:
    """The HTML of a report's PDF in ``lang``: its full report, as a document (templates/document.html)."""
    page = site.pages[page_key(lang, report.id, FULL_REPORT)]
    output = pdf_name(report, lang)
    location = output.removesuffix(".pdf") + ".html"  # beside the full report, so its links hold
    context = page_context(site, page, assets, md, shared)
    context["plotly_style_ids"] = injected_styles if page.charts else []
    context["parts"] = [dataclasses.replace(part, html=_place_charts(part.html, page, env, context))
                        for part in page.parts]
    note_key = page_key(lang, WITHHELD_NOTE_SLUG)
    context["note_html"] = Markup(site.pages[note_key].body_html) if note_key in site.pages else ""
    context["running_header"] = Markup(pdf.css_string(pdf.running_header(report.title[lang])))
    base_url = site.project.config.base_url
    context["document_address"] = absolute_url(site, site.pages[page_key(lang, report.id)].url) if base_url else ""
    html = env.get_template("document.html").render(context)
    # The masks lead to the note at the end of the document, which has one.
    html = markdown.place_mask_links(html, "#withheld-note" if context["note_html"] else "")
    meta = report.meta
    # A link to one of the report's sections leads to its part of the document.
    inside = {site.pages[page_key(lang, report.id, section.slug)].output: part.anchor
              for section, part in zip(report.sections, page.parts)}
    return pdf.Document(output=output, location=location, html=pdf.resolve_links(html, location, base_url, inside),
                        lang=lang, title=report.title[lang], author=site.project.config.organisation[lang],
                        date=meta.date or meta.official_date or dt.date(meta.year + 1, 1, 1),
                        anchors=[part.anchor for part in page.parts] + (["withheld-note"] if context["note_html"]
                                                                         else []),
                        headings=pdf.headings(html))


def _pdf_download(report: Report, lang: str, link, tr: Translations, pdf_sizes: dict[str, int]
                  ) -> dict[str, str] | None:
    """The link to a report's PDF in ``lang`` with its size in MB, if it was made."""
    size = pdf_sizes.get(pdf_name(report, lang))
    if size is None:
        return None
    shown = format_decimal(max(size / 1_000_000, 0.1), format="#,##0.0", locale=tr.get("locale", lang))
    return {"href": link(pdf_name(report, lang)), "label": tr.get("pdf_download", lang, size=shown)}


def _templates_digest(folders: list[Path]) -> bytes:
    """A digest of the templates and strings, the project's and the theme's (not the assets,
    which are named by their content)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and ASSETS not in p.relative_to(folder).parts):
            digest.update(f"{path}\0".encode() + path.read_bytes() + b"\0")
    return digest.digest()


def _site_digest(site: Site, templates: bytes, assets: dict[str, Asset], injected_styles: list[str]) -> bytes:
    """A digest of what any page may show besides its own fields: the templates, the model's
    sources (and so every page's title and address), the assets."""
    digest = hashlib.sha256(templates)
    digest.update(repr((site.digest, sorted((a.name, a.output) for a in assets.values()), injected_styles))
                  .encode("utf-8"))
    return digest.digest()


def _page_key(site_digest: bytes, page: Page) -> tuple[bytes, bytes]:
    if not page.content_digest:
        page.content_digest = _content_digest(page)
    return site_digest, page.content_digest


def _content_digest(page: Page) -> bytes:
    """A digest of everything a page shows of its own (its texts hashed as bytes: faster than repr)."""
    digest = hashlib.sha256()
    parts = [*page.parts, *(part for pair in page.pairs for part in pair)]
    for html in (page.body_html, *(part.html for part in parts)):
        digest.update(html.encode("utf-8") + b"\0")
    rest = dataclasses.replace(page, body_html="", parts=[], pairs=[])
    digest.update(repr((rest, [(p.lang, p.title_html, p.anchor) for p in parts], [len(pair) for pair in page.pairs]))
                  .encode("utf-8"))
    return digest.digest()


def _template_error(exc: jinja2.TemplateError, name: str, diagnostics: Diagnostics) -> None:
    line = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or name
    if line is None:
        # Errors raised while rendering carry no position, but Jinja rewrites the
        # traceback so that its innermost template frame names the file and line.
        for frame, frame_line in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
                filename, line = frame.f_code.co_filename, frame_line
    diagnostics.error(filename, f"template error: {exc.message or exc}", line=line,
                      hint="check the names used in the template against docs/templates.md")


def searchable_pages(site: Site, files: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """The pages the search index covers, by language: the sections, each in its own language;
    cut to what Pagefind reads of them when they are the built-in theme's (search.indexed_part)."""
    templates = site.project.templates_dir
    own = templates.is_dir() and any(path.suffix == ".html" for path in templates.rglob("*"))
    cut = (lambda page: page) if own else indexed_part
    return {lang: {p.output: cut(files[p.output]) for p in site.pages.values()
                   if p.kind == "section" and p.lang == lang and not p.pending_from}
            for lang in site.languages}


def csv_name(page: Page, chart: Chart) -> str:
    """A chart's CSV file, beside its page: chart-1.csv, or bilingual-chart-1.csv for bilingual.html."""
    stem = posixpath.basename(page.output).removesuffix(".html")
    return chart.csv_name if stem == "index" else f"{stem}-{chart.csv_name}"


def _place_charts(html: str, page: Page, env: jinja2.Environment, context: dict[str, Any]) -> Markup:
    """Rendered text with each chart's placeholder replaced by the chart partial."""
    for chart in page.charts:
        placeholder = CHART_PLACEHOLDER.format(id=chart.id)
        if placeholder in html:
            html = html.replace(placeholder, env.get_template("partials/chart.html").render(context | {"chart": chart}))
    return Markup(html)


def page_context(site: Site, page: Page, assets: dict[str, Asset], md: MarkdownIt,
                 shared: dict[tuple, Any] | None = None,
                 pdf_sizes: dict[str, int] | None = None) -> dict[str, Any]:
    """What a template sees: the page, its neighbours and helpers bound to this page.
    ``shared`` keeps for the other pages of the build what they show alike: ``render_text``'s
    results, and a report's list of sections and its key figures as the pages of one folder link them;
    ``pdf_sizes`` the PDFs made, by path, for the pages that link them (PDF_LINKING)."""
    shared = shared if shared is not None else {}
    tr = site.translations
    lang = page.lang
    config = site.project.config

    def t(key: str, **values: Any) -> str:
        return tr.get(key, lang, **values)

    # The 404 page is served at whatever address was asked for, so its links must not depend on
    # where it lies: absolute when the site's address is known, else from the server's root (a
    # site in a sub-folder needs base_url for them: docs/deploying.md).
    not_found = page.kind == "not_found"
    absolute = not_found and bool(config.base_url)

    def link(output: str) -> str:
        if absolute:
            return absolute_url(site, output)
        return "/" + output if not_found else relative_url(page.output, output)

    def url(key: str) -> str:
        return link(site.pages[key].output)

    def asset(name: str) -> str:
        return link(assets[name].output)

    def render_text(text: str) -> Markup:
        """A label or cell: masks marked up. The same few show on many pages, so each is rendered once."""
        if ("text", text, lang) not in shared:
            shared[("text", text, lang)] = Markup(markdown.render_inline(
                md, text, {"mask_label": lambda n, rest="": tr.mask_label(lang, n, rest),
                           "foreign_words": markdown.foreign_words(lang, tr.html_langs())}))
        return shared[("text", text, lang)]

    # Without the site's address the 404 page loads no file (it cannot know where they are from
    # any depth of the site): its stylesheet is inlined, and it runs no script.
    inline_style = _inline_stylesheet(assets["site.css"]) if not_found and not absolute else ""
    report = site.report(page.report_id) if page.report_id else None
    if page.kind == "home" and len(site.reports) == 1:  # a site of one report opens on it
        report = site.reports[0]
    locale = tr.get("locale", lang)
    context: dict[str, Any] = {
        "page": page,
        "pages": site.pages,
        "languages": site.languages,
        "site_title": config.title[lang],
        "site_short_title": config.short_title[lang] if config.short_title else config.title[lang],
        "organisation": config.organisation[lang],
        "footer_text": config.footer[lang] if config.footer else "",
        "contact": config.contact[lang] if config.contact else "",
        "site_config": config,
        "site_domain": urllib.parse.urlsplit(config.base_url).netloc if config.base_url else "",
        # the record system looks a number up by its digits: 京公网安备11010502000001号 → 11010502000001
        "public_security_code": "".join(c for c in config.public_security_record or "" if c.isdigit()),
        "t": t, "url": url, "asset": asset,
        "render_text": render_text,
        "chart_csv": lambda chart: csv_name(page, chart),
        "plotly_src": asset(PLOTLY_ASSET) if page.charts else "",
        "content_security_policy": _content_security_policy(page, inline_style),
        "inline_style": Markup(inline_style),
        # its icon too (else the browser asks the server for /favicon.ico)
        "inline_icon": "data:image/svg+xml;base64," + base64.b64encode(assets["favicon.svg"].data).decode("ascii")
        if inline_style else "",
        "search_href": url(page_key(lang, SEARCH_SLUG)) if page_key(lang, SEARCH_SLUG) in site.pages else "",
        "site_root": relative_url(page.output, "index.html")[: -len("index.html")] or "./",
        "body_html": Markup(""), "parts": [],
        "plotly_style_ids": [],
        "figures_href": "", "figures_title": "",
        "open_data": opendata.links(site, page),  # the figures page's downloads (opendata.py)
        "pdf_download": None,
        "bilingual_href": url(f"{page.key}/{BILINGUAL}") if f"{page.key}/{BILINGUAL}" in site.pages else "",
        "full_report_href": url(page_key(lang, report.id, FULL_REPORT)) if report else "",
        "internal": site.edition == "internal",
        "internal_banner": [{"lang": tr.get("html_lang", other), "text": tr.get("internal_banner", other)}
                            for other in site.languages],
        "withheld_note_href": url(page_key(lang, WITHHELD_NOTE_SLUG))
        if page_key(lang, WITHHELD_NOTE_SLUG) in site.pages else "",
        "canonical": absolute_url(site, page.url) if config.base_url else "",
        "alternates": _alternates(site, page),
        "switch": [{"href": url(page.alternates[other]), "hreflang": tr.get("html_lang", other),
                    "name": tr.get("language_name", other)}
                   for other in site.languages if other != lang and other in page.alternates],
        "breadcrumbs": [{"href": url(key), "title": site.pages[key].title} for key in page.breadcrumbs],
        "report": report,
        "report_dates": _report_dates(report.meta, locale, lang, tr) if report else [],
        "highlights": [Markup(html) for html in report.highlights.get(lang, [])] if report else [],
        "key_figures": [],
        "sections": [],
        "report_list": [],
        "choices": [],
        "pending_lang": "",
        "pending_language_name": "",
    }
    if report is not None:  # the same links and figures from every page of a folder: made once
        folder = (report.id, lang, posixpath.dirname(page.output), not_found)
        if ("sections", *folder) not in shared:
            shared[("sections", *folder)] = [
                {"key": key, "href": url(key), "title_html": site.pages[key].title_html,
                 "summary": (section.texts.get(lang) or next(iter(section.texts.values()))).summary or ""}
                for section in report.sections
                for key in [page_key(lang, report.id, section.slug)]]
            shared[("key figures", *folder)] = [
                _key_figure(metric, lang, tr, render_text,
                            figure_href(page, metric.id, report.figure_places.get(lang, {}), site.pages,
                                        page_key(lang, report.id, FIGURES_SLUG)))
                for metric in report.key_figures]
        context["sections"] = shared[("sections", *folder)]
        context["key_figures"] = shared[("key figures", *folder)]
    if report is not None and page.kind in PDF_LINKING:
        context["pdf_download"] = _pdf_download(report, lang, link, tr, pdf_sizes or {})
    figures_key = page_key(lang, report.id, FIGURES_SLUG) if report else ""
    if figures_key in site.pages and page.key != figures_key:
        context["figures_href"] = url(figures_key)
        context["figures_title"] = site.pages[figures_key].title
    if page.pending_from:
        original = site.pages[page.pending_from].lang
        context["pending_lang"] = tr.get("html_lang", original)
        context["pending_language_name"] = tr.get("language_name", original)
    if page.kind == "home":
        context["report_list"] = [
            {"href": url(page_key(lang, r.id)), "title": render_text(r.meta.title[lang]), "summary": r.meta.summary[lang],
             "dates": _report_dates(r.meta, locale, lang, tr)}
            for r in site.reports]
    if not_found:  # its language link: the other languages' home pages
        context["switch"] = [{"href": url(other), "hreflang": tr.get("html_lang", other),
                              "name": tr.get("language_name", other)} for other in site.languages if other != lang]
    if page.kind in ("root", "not_found"):
        context["choices"] = [
            {"hreflang": tr.get("html_lang", other), "href": url(other), "site_title": config.title[other],
             "label": tr.get("language_name", other), "not_found_title": tr.get("not_found_title", other),
             "not_found_text": tr.get("not_found_text", other), "back_home": tr.get("back_home", other)}
            for other in site.languages]
    return context


def _inline_stylesheet(stylesheet: Asset) -> str:
    """A stylesheet as the text of a <style> element: "</" cannot end the element early (in CSS,
    "<\\/" is the same in a string and harmless in a comment; it is never valid elsewhere)."""
    return stylesheet.data.decode("utf-8").replace("</", "<\\/")


def _content_security_policy(page: Page, inline_style: str) -> str:
    """The search page may compile WebAssembly; a page with an inline stylesheet allows that one
    stylesheet, by its hash (it stays the only style that is not a file of the site)."""
    if page.kind == "search":
        return SEARCH_POLICY
    if inline_style:
        digest = base64.b64encode(hashlib.sha256(inline_style.encode("utf-8")).digest()).decode("ascii")
        return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")
    return CONTENT_SECURITY_POLICY


def _alternates(site: Site, page: Page) -> list[dict[str, str]]:
    if not page.alternates:
        return []
    base = site.project.config.base_url

    def href(key: str) -> str:
        target = site.pages[key]
        return absolute_url(site, target.url) if base else relative_url(page.output, target.output)

    links = [{"hreflang": site.translations.get("html_lang", lang), "href": href(key)}
             for lang, key in page.alternates.items()]
    links.append({"hreflang": "x-default", "href": href(page.alternates[site.languages[0]])})
    return links


def absolute_url(site: Site, path: str) -> str:
    base = site.project.config.base_url or ""
    return base.rstrip("/") + "/" + path


def _key_figure(metric: Metric, lang: str, tr: Translations, render_text, href: str) -> dict[str, Any]:
    """A key figure's card: the figure as the text states it, what it counts, and, for a masked
    figure, that it is withheld and the range its mask implies."""
    withheld = ""
    if metric.masked:
        span = range_text(metric, lang, tr)
        withheld = (tr.get("key_figure_withheld_range", lang, range=span) if span
                    else tr.get("key_figure_withheld", lang))
    return {"value": render_text(display(metric, lang, tr)), "unit": metric.unit[lang], "label": metric.label[lang],
            "withheld": withheld, "highlighted": metric.withheld_value, "href": href}


def _report_dates(meta, locale: str, lang: str, tr: Translations) -> list[dict[str, str]]:
    """A report's dates, each said for what it is: the web edition's, and the official text's."""
    return [{"label": tr.get(key, lang), "iso": value.isoformat(), "text": _date(value, locale)}
            for key, value in (("published", meta.date), ("official_date", meta.official_date)) if value]


def _date(value: Any, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def sitemap_context(site: Site) -> dict[str, Any]:
    """Every page in every language, with its language alternates."""
    entries = []
    for page in site.pages.values():
        if page.kind in ("not_found", "search") or page.pending_from:
            continue
        loc = absolute_url(site, page.url) if site.project.config.base_url else page.url or "./"
        report = site.report(page.report_id) if page.report_id else None
        alternates = [{"hreflang": site.translations.get("html_lang", lang),
                       "href": absolute_url(site, site.pages[key].url) if site.project.config.base_url
                       else site.pages[key].url}
                      for lang, key in page.alternates.items()]
        entries.append({"loc": loc, "alternates": alternates,
                        "lastmod": report.meta.date.isoformat() if report and report.meta.date else ""})
    return {"entries": entries}


def robots_context(site: Site) -> dict[str, Any]:
    base = site.project.config.base_url
    return {"sitemap_url": absolute_url(site, "sitemap.xml") if base and site.edition == "public" else "",
            "disallow": site.edition != "public"}
