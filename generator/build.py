"""The build: load → validate → model → render → write, each stage timed.

Every stage adds to one list of diagnostics and the next stage runs on what
was valid, so one run reports as many problems as it can find. Nothing is
written unless the whole site rendered without an error.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import markdown
from .config import load_project
from .content import validate_reports
from .diagnostics import Diagnostics
from .i18n import load_translations
from .model import Site, build_site
from .render import render_site, template_folders
from .sources import discover_reports
from .write import write_site


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    site: Site | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    output_dir: Path | None = None
    written: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start


def build(config_path: Path, *, output_dir: Path | None = None, write: bool = True,
          strict: bool = False) -> BuildResult:
    """Build the project of ``config_path``; with ``write=False`` only check it."""
    config_path = Path(config_path)
    diagnostics = Diagnostics(config_path.resolve().parent)
    result = BuildResult(diagnostics)
    timings = result.timings

    with _timed(timings, "load"):
        project = load_project(config_path, diagnostics)
        if project is None:
            return result
        folders = discover_reports(project.content_dir, project.languages, diagnostics)
    with _timed(timings, "validate"):
        md = markdown.create_parser()
        sources = validate_reports(project, folders, md, diagnostics)
    if diagnostics.errors or not sources:
        return result
    with _timed(timings, "model"):
        # The theme's strings first, the project's own overriding them.
        translations = load_translations(list(reversed(template_folders(project))), project.languages,
                                         diagnostics)
        if diagnostics.errors:
            return result
        site = build_site(project, sources, translations, md, diagnostics)
        result.site = site
    if diagnostics.errors:
        return result
    with _timed(timings, "render"):
        result.files = render_site(site, diagnostics)
    result.output_dir = (output_dir or project.output_dir).resolve()
    if not write or diagnostics.has_errors(strict):
        return result
    with _timed(timings, "write"):
        write_site(result.files, result.output_dir)
        result.written = True
    return result

