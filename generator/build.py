"""The build: load → validate → model → render → write, each stage timed.

Every stage adds to one list of diagnostics and the next stage runs on what
was valid, so one run reports as many problems as it can find. Nothing is
written unless the whole site rendered without an error.
"""

from __future__ import annotations

import posixpath
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import filesystem, maskfill, pdf, uptodate
from .config import Project, check_government_site_fields, load_project, theme_dir
from .content import drop_tokens, replayed, review_reports, validate_reports
from .diagnostics import Diagnostics
from .glossary import check_terms, load_glossary
from .i18n import Translations, load_translations, translation_files
from .manifest import MANIFEST, manifest, source_revision
from .cache import BuildCache
from .model import Site, build_site
from .render import render_site, template_folders
from .sources import discover_reports, read_text
from .leaks import describe, find_leaks
from .published import find_marked, sources_of_pages
from .withheld import PUBLIC, Secrets, Withholding, prepare_edition, withhold_figures
from .write import MARKER, marker, write_site


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    project: Project | None = None  # once the site config is read, even if the build fails after
    site: Site | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    output_dir: Path | None = None  # resolved
    requested_output: Path | None = None  # as given (--out, or the config's), made absolute
    written: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    left_behind: Path | None = None  # the previous site, if it could not be removed once replaced
    revision: str | None = None  # the git revision the manifest names
    inputs: tuple | None = None  # what it read, as it began (uptodate.inputs_as_read), if asked
    site_statuses: dict | None = None  # each file's status once the site was in place (write_site)

    @property
    def page_count(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))


@contextmanager
def _timed(timings: dict[str, float], stage: str, progress=None) -> Iterator[None]:
    if progress is not None:
        progress(stage)
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start


def build(config_path: Path, *, output_dir: Path | None = None, write: bool = True,
          strict: bool = False, edition: str = PUBLIC, cache: BuildCache | None = None,
          search: bool = True, review: bool = False, progress=None, pdfs: bool = True,
          jobs: int | None = None, record_inputs: bool = False) -> BuildResult:
    """Build the project of ``config_path`` in an edition; with ``write=False`` nothing is written.
    ``review`` adds what ``nianbao check`` reviews besides errors; ``search=False`` leaves out the
    search index (the dev server builds it in the background), ``pdfs=False`` the PDFs. ``jobs``:
    how many forked processes render pages and check files (workers.py); None in a program that runs
    threads, such as the dev server, which then forks none (the checks start fresh workers).
    ``record_inputs``: note what the build reads as it begins, for the up-to-date check (uptodate.py)."""
    # Absolute, so that what the cache keeps is keyed alike from any folder the build starts in.
    config_path = Path(config_path).absolute()
    cache = cache if cache is not None else BuildCache()
    diagnostics = Diagnostics(config_path.resolve().parent)
    result = BuildResult(diagnostics)
    timings = result.timings

    # What the edition withholds is masked where the parsers find it, on every YAML value and
    # Markdown token, and recorded for the checks after rendering.
    withholding = Withholding(edition)
    with _timed(timings, "load", progress):
        config_before = uptodate.config_status(config_path) if record_inputs else None
        project = result.project = load_project(config_path, diagnostics, withholding)
        if project is None:
            return result
        if record_inputs:
            # the project's templates folder even if missing: made later, it changes the site
            result.inputs = uptodate.inputs_as_read(config_path, config_before,
                                                    [project.content_dir, project.templates_dir, theme_dir()])
        if review:  # what a government site must show
            check_government_site_fields(project, diagnostics)
        if review and project.config.pdf:  # check prints no PDF, but says what would keep the build from it
            try:
                pdf.locate_browser()
            except pdf.Unavailable as exc:
                pdf.report_problems([exc.problem], project.config.pdf == "required", project.config_path, diagnostics)
        folders = discover_reports(project.content_dir, project.languages, diagnostics, cache.texts)
        prepare_edition(folders, withholding.fixed_masks)
    with _timed(timings, "validate", progress):
        md = withholding.parser()
        sources = validate_reports(project, folders, md, diagnostics, withholding, cache.validated)
        withhold_figures(sources, withholding)
        if review and not diagnostics.errors:  # what reviewers usually miss
            review_reports(sources, project.languages, md, diagnostics)
            check_terms(load_glossary(project.content_dir, project.languages, diagnostics, cache.texts), sources,
                        diagnostics)
    if diagnostics.errors or not sources:
        return result
    with _timed(timings, "model", progress):
        # The theme's strings first, the project's own overriding them.
        translations = _interface_strings(project, diagnostics, withholding, cache)
        if diagnostics.errors:
            return result
        maskfill.check_reports(sources, translations, md, maskfill.site_texts(project.config, project.config_path),
                               diagnostics, public=edition == PUBLIC, cache=cache.checked.setdefault("mask fill", {}),
                               jobs=jobs or 1, memo=cache.mask_fill)
        site = build_site(project, sources, translations, md, diagnostics, edition, cache.model)
        drop_tokens(sources)
        result.site = site
    if diagnostics.errors:
        return result
    # The internal edition goes to a folder of its own, so it is never deployed by mistake.
    default_output = project.output_dir if edition == PUBLIC else \
        project.output_dir.with_name(project.output_dir.name + "-internal")
    try:
        result.requested_output = Path(output_dir or default_output).absolute()
        result.output_dir = result.requested_output.resolve()
    except (RuntimeError, OSError):  # a loop of symbolic links (RuntimeError before Python 3.13)
        diagnostics.error(output_dir or default_output, "the output folder's path cannot be followed: it is a loop "
                          "of symbolic links: nothing was changed",
                          hint="choose another folder with --out (or 'output:' in site_config.yml)")
        return result
    from .write import OutputFolderRefused, check_output_folder, project_folders
    protected = project_folders(project)
    if write:  # never the sources, a folder nianbao did not write, or the other edition: checked before rendering
        for refusal in check_output_folder(result.output_dir, protected, edition):
            diagnostics.error(refusal.path, refusal.message, hint=refusal.hint)
        if diagnostics.errors:
            return result
    with _timed(timings, "render", progress):
        result.files = render_site(site, diagnostics, search=search, md=md, environments=cache.templates,
                                   search_cache=cache.search, page_cache=cache.pages, pdfs=pdfs,
                                   pdf_cache=cache.pdfs, timings=timings, jobs=jobs or 1)
        if result.files:
            result.files[MARKER] = marker(edition)  # which edition a folder holds: write_site checks it
            result.revision = source_revision(project.root)
            result.files[MANIFEST] = manifest(result.files, result.revision, cache.manifest)
    if "PDFs" in timings:  # printed beside the render stage: what it waited for them, shown on its own
        timings["render"] -= timings["PDFs"]
    if edition == PUBLIC:
        with _timed(timings, "withheld check", progress):
            check_published(result.files, site, result.output_dir, diagnostics, cache.checked.setdefault("marked", {}),
                            jobs)
        with _timed(timings, "leak check", progress):
            public = frozenset(metric.value for report in sources for metric in report.metrics
                               if metric.public and metric.value is not None)
            check_leaks(result.files, withholding.secrets, result.output_dir, diagnostics,
                        cache.checked.setdefault("leaks", {}), site, public, jobs)
    if not write or diagnostics.has_errors(strict):
        return result
    with _timed(timings, "write", progress):
        try:  # checked again, as the folder may have changed while rendering; adds the site's marker
            statuses: dict = {}
            result.left_behind = write_site(result.files, result.output_dir,
                                            {name: entry[1] for name, entry in cache.manifest.items()},
                                            cache.written, edition=edition, protected=protected, statuses=statuses)
            result.site_statuses = statuses
        except OutputFolderRefused as refused:
            for refusal in refused.refusals:
                diagnostics.error(refusal.path, refusal.message, hint=refusal.hint)
            return result
        except OSError as error:  # a full disk, a folder taken away meanwhile: the machine's, not a bug
            fault = filesystem.describe(error, result.output_dir, "the site", map(len, result.files.values()))
            diagnostics.error(fault.path, fault.message + ": nothing was changed", hint=fault.hint)
            return result
        result.written = True
    return result



def _interface_strings(project: Project, diagnostics: Diagnostics, withholding: Withholding,
                       cache: BuildCache) -> Translations:
    """The theme's interface strings, the project's own overriding them. Kept while their files'
    texts are the same, with what they reported and withheld replayed: a save in the dev server
    does not parse them again."""
    folders = list(reversed(template_folders(project)))

    def load(found: Diagnostics) -> Translations:
        return load_translations(folders, project.languages, found, withholding.fixed_masks, withholding.values,
                                 cache.texts)

    texts = tuple(read_text(path, Diagnostics(diagnostics.root), known=cache.texts)
                  for path in translation_files(folders))
    if None in texts:  # a file that cannot be read: reported as every build reports it
        return load(diagnostics)
    key = ("interface strings", withholding.key, tuple(project.languages), tuple(map(str, folders)), texts)
    kept: dict = {}
    translations = replayed(key, cache.strings, kept, diagnostics, withholding, load)
    cache.strings = kept
    return translations


def check_published(files: dict[str, bytes], site: Site, output_dir: Path, diagnostics: Diagnostics,
                    kept: dict | None = None, jobs: int | None = None) -> None:
    """Fail the public build if any file would carry something marked withheld (the masking's second line)."""
    marked_files = find_marked(files, kept, jobs)
    sources = sources_of_pages(site) if marked_files else {}  # only to name them: none in a good build
    for marked in marked_files:
        # A page's own sources; for a file beside pages (a chart's CSV), those of the pages in its folder.
        paths = sources.get(marked.file) or sorted({path for output, found in sources.items()
                                                    if posixpath.dirname(output) == posixpath.dirname(marked.file)
                                                    for path in found})
        made_from = ", ".join(diagnostics.display_path(path) for path in paths) or "the templates"
        diagnostics.error(output_dir / marked.file, f"the public edition would publish something marked withheld: "
                          f"'{marked.found}'", line=marked.line, column=marked.column,
                          hint=f"nothing was written; the file is made from {made_from}: mark withheld text "
                               "there as [text]{.withheld} only")


def check_leaks(files: dict[str, bytes], secrets: Secrets, output_dir: Path, diagnostics: Diagnostics,
                kept: dict | None = None, site: Site | None = None, public: frozenset = frozenset(),
                jobs: int | None = None) -> None:
    """Fail the public build if any file would publish what the sources withhold: one error per
    thing withheld and place that shows it in clear, at that place in the sources where it can be
    found there (the files it would reach listed), else at the first file."""
    leaks = find_leaks(files, secrets, kept, public, jobs)
    if not leaks:
        return
    sources = sources_of_pages(site) if site is not None else {}
    every_source = sorted({path for paths in sources.values() for path in paths}, key=lambda p: (p.suffix != ".md", p))
    texts: dict[Path, str] = {}
    grouped: dict[tuple, list] = {}
    for leak in leaks:
        places = _written_at(leak, [*sources.get(leak.file, []), *every_source], texts)
        for where in places or [None]:  # the same text withheld in several places: one error per place in clear
            grouped.setdefault((leak.secret.text, leak.secret.number, where), []).append(leak)
    for (*_, where), found in grouped.items():
        message, hint = describe(found[0])
        if where is None:
            first = found[0]
            if len(found) > 1:
                message += f"; also in {len(found) - 1} other file(s)"
            diagnostics.error(output_dir / first.file, message, line=first.line, column=first.column, hint=hint)
            continue
        reached = sorted({leak.file for leak in found})
        shown = ", ".join(reached[:3]) + (" …" if len(reached) > 3 else "")
        diagnostics.error(where[0], f"{message}; it would reach {len(reached)} public file(s): {shown}",
                          line=where[1], hint=hint)


def _written_at(leak, paths: list[Path], texts: dict[Path, str]) -> list[tuple[Path, int]]:
    """Where the sources write what a leak found, in clear: every line of the first of ``paths``
    that holds it, leaving out a withheld span that holds it and the line that withholds it."""
    found = leak.found.strip()
    if not found:
        return []
    for path in paths:
        if path not in texts:
            try:
                texts[path] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                texts[path] = ""
        places = []
        for number, line in enumerate(texts[path].splitlines(), start=1):
            if (path, number) == (leak.secret.source, leak.secret.line):
                continue  # where it is withheld (a figure's value: line)
            clear = WITHHELD_SPAN.sub(lambda m: " " * len(m.group(0)), line)
            if found in clear or found.lower() in clear.lower():
                places.append((path, number))
        if places:
            return places
    return []


# A withheld span as sources write it, on one line: what it holds is not written in clear.
WITHHELD_SPAN = re.compile(r"\[[^\]\n]*\]\{[^}\n]*withheld[^}\n]*\}", re.IGNORECASE)
