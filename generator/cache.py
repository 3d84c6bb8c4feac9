"""What a build keeps for the next one: in memory for the dev server, on disk for ``nianbao build``.

Every entry is keyed by the content it was made from (a file's path and text, a digest of a
report's sources, of a page's fields), never by time (but for a file's status, which only spares
reading it again), so a build that takes it from the cache makes the same files as a clean build
(``tests/test_incremental.py`` checks this edit by edit).

On disk the cache is one pickle per edition in ``.nianbao-cache/`` beside the site config,
written atomically after a good build, and used only by the very same code of nianbao on the
same Python (a digest of its code is part of the file). It is never part of the output: like the
sources beside it, it holds what they withhold (the metrics files it keeps hold the real values of
withheld figures), so the folder carries a ``.gitignore`` of its own and is never committed. A
cache that cannot be read is ignored: the build is then a clean one.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .model import ModelCache

CACHE_FOLDER = ".nianbao-cache"


def _model_cache() -> ModelCache:
    # imported when a cache is made, not with this module: the up-to-date check (uptodate.py) and
    # the project lock need only the cache's folder, and the model's modules take a third of a second
    from .model import ModelCache

    return ModelCache()


@dataclass
class BuildCache:
    # the content files' texts, by path, with their status when read; and the report folders found
    # from them (sources.discover_reports)
    texts: dict = field(default_factory=dict)
    templates: dict = field(default_factory=dict)  # the Jinja environment, by the templates' digest
    validated: dict = field(default_factory=dict)  # what each file was found to hold, by path and text
    strings: dict = field(default_factory=dict)  # the interface strings, by their files' texts (build.py)
    model: ModelCache = field(default_factory=_model_cache)  # texts rendered, reports' pages, charts
    search: dict = field(default_factory=dict)  # each language's search index, by the pages it indexes
    pages: dict = field(default_factory=dict)  # pages rendered, by a digest of what they show
    manifest: dict = field(default_factory=dict)  # each file's bytes, digest and manifest line
    written: dict = field(default_factory=dict)  # each file written: its digest, and its status then
    checked: dict = field(default_factory=dict)  # each check's result per file, by its name and bytes (scan.py)
    pdfs: dict = field(default_factory=dict)  # each PDF printed, by a digest of its HTML and the browser
    # What the mask-fill check found in each report's parts (maskfill.Memo), for a next build in
    # this process: the dev server's cache keeps it ({}). As large as the texts again, it is not
    # kept otherwise (None): a build of ``nianbao build`` would only hold it until its process ends.
    mask_fill: dict | None = None

    # Not kept on disk: the sources' own texts (they hold what an edition withholds), the compiled
    # templates (not picklable, and quick to compile), and the mask-fill check's parts.
    MEMORY_ONLY = ("texts", "templates", "mask_fill")

    def fingerprint(self) -> int:
        """Equal for two caches that hold the same entries (every entry is keyed by its content):
        a build that changed nothing need not write the cache again."""
        return hash((frozenset(self.validated), frozenset(self.strings), frozenset(self.model.texts), frozenset(self.model.reports),
                     frozenset(self.model.charts), frozenset(self.pages),
                     frozenset((lang, entry[0]) for lang, entry in self.search.items()),
                     frozenset((name, entry[1]) for name, entry in self.manifest.items()),
                     frozenset(self.written.items()),
                     # a file's check result by its name and the digest it was read for (scan.py)
                     frozenset((check, name, entry[2] if isinstance(entry, tuple) else None)
                               for check, entries in self.checked.items() for name, entry in entries.items()),
                     frozenset(self.pdfs)))

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name not in self.MEMORY_ONLY}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(BuildCache().__dict__ | state)


def cache_path(project_root: Path, edition: str) -> Path:
    return project_root / CACHE_FOLDER / f"{edition}.pickle"


def _stamp() -> tuple:
    """What a cache is valid for: this very code (any change to it may change what is kept, or
    how), on this Python."""
    code = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.read_bytes())
    return __version__, code.hexdigest(), sys.version_info[:2]


def load_cache(project_root: Path, edition: str) -> BuildCache:
    """The cache the last build of this edition left, or an empty one."""
    # Without the garbage collector meanwhile: loading makes millions of objects, none of them
    # garbage, and the collector, woken every few hundred, would go through them all again and
    # again (it took two thirds of the loading's time at 1,000 sections).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with cache_path(project_root, edition).open("rb") as file:  # read as it goes: it can be large
            stamp, cache = pickle.load(file)
    except Exception:  # missing, from another version, damaged: a clean build then
        return BuildCache()
    finally:
        if collecting:
            gc.enable()
    return cache if stamp == _stamp() and isinstance(cache, BuildCache) else BuildCache()


def cache_folder(project_root: Path) -> Path:
    """The cache's folder, made with a .gitignore of its own if missing. Raises OSError."""
    folder = project_root / CACHE_FOLDER
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# nianbao's build cache: never committed\n*\n", encoding="utf-8")
    return folder


def save_cache(cache: BuildCache, project_root: Path, edition: str) -> None:
    """Written whole or not at all (the last one is kept then). Raises OSError (a full disk, a
    folder that may not be written), which the build reports as a warning."""
    path = cache_path(project_root, edition)
    cache_folder(project_root)
    for stale in path.parent.glob(f".tmp-{edition}-*"):  # what a build killed while saving left
        stale.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".tmp-{edition}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((_stamp(), cache), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
