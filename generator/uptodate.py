"""The up-to-date check: a build with nothing to do ends before it loads anything.

A warm build of a large site spent most of its time loading its cache (hundreds of megabytes) and
going through every stage to find that nothing had changed. So after each good build that said
nothing (no error, no warning), ``nianbao build`` records beside its cache what the build depended
on and what it left:

- the status of every file and folder it could read: the site config, the content, the project's
  templates and the theme, and nianbao's own code and data;
- what it took from the machine: every Python file it ran, the libraries, the environment variables
  that reach what it runs, the git revision the manifest names, the PDF browser and fonts;
- where it wrote, and the status of every file of the site as the write stage found it in place.

A status is the inode, size, mode, owner, and modification and change times. A change time is set
by the kernel alone, on any write, chmod, chown, link or extended attribute: a file edited and given
back its old modification time still counts as changed. The next build compares all of it first;
only if everything is as recorded does it say the site is up to date and stop. Otherwise, and
always with ``--clean``, it builds as usual. A record is made only when none of the sources changed
while the build ran and none of its code since the process began, and never for a build that warned
(its warnings are said each time).
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

from . import __version__
from .cache import CACHE_FOLDER, cache_folder
from .manifest import source_revision
from .write import site_unchanged

# The libraries a build runs, also in processes of its own (the checks'): each one's module file,
# which an upgrade changes.
LIBRARIES = ("markdown_it", "mdit_py_plugins", "jinja2", "markupsafe", "yaml", "pydantic", "pydantic_core",
             "babel", "pagefind_bin_extended", "playwright", "pikepdf", "pypdfium2")
PACKAGE = Path(__file__).resolve().parent  # nianbao's code, its theme (installed) and its data


@dataclass
class Record:
    """What a good build depended on and left (see the module's text)."""

    key: tuple  # the command's options and the machine: the same for the same build
    roots: list  # the config file and the folders a build reads (input_roots)
    inputs: dict  # every file and folder under them, by path: its status (snapshot)
    requested_output: str  # where the build was asked to write (--out, or the config's)
    output_dir: str  # where that led (resolved): where the site is
    site: dict  # each file of the site, by name: its status once in place (write_site's statuses)
    pages: int
    modules: tuple  # the Python files the build ran (loaded_modules)
    pdf: bool  # whether the site has PDFs (its browser and fonts are then part of the key)


def state_path(root: Path, edition: str) -> Path:
    return root / CACHE_FOLDER / f"{edition}.uptodate"


def config_status(config_path: Path) -> tuple | None:
    return _status(os.path.abspath(config_path))


def input_roots(config_path: Path, folders: list[Path]) -> list[str]:
    """The config file and the folders a build reads (content, templates, theme), with nianbao's own package."""
    return sorted({os.path.abspath(config_path), *(os.path.abspath(folder) for folder in folders), str(PACKAGE)})


def snapshot(roots: list[str]) -> dict | None:
    """The status of each root and of everything below it; None where that cannot be told (a
    folder that cannot be read, a link to a folder: what it leads to is not looked at)."""
    found: dict[str, tuple | None] = {}

    def unreadable(error: OSError) -> None:
        raise error

    try:
        for root in roots:
            found[root] = _status(root)
            if not os.path.isdir(root):  # a root that is a link to a folder is looked into
                continue
            for where, folders, names in os.walk(root, onerror=unreadable):
                if root == str(PACKAGE):  # Python's own, written on import; elsewhere a folder like any
                    folders[:] = [name for name in folders if name != "__pycache__"]
                for name in folders + names:
                    path = os.path.join(where, name)
                    found[path] = _status(path)
                    if stat.S_ISLNK(found[path][0][0]) and found[path][1] is not None \
                            and stat.S_ISDIR(found[path][1][0]):
                        return None
    except OSError:
        return None
    return found


def _status(path: str) -> tuple | None:
    """A path's lstat and, for a link, the status of what it leads to; None if it does not exist."""
    try:
        own = os.lstat(path)
    except FileNotFoundError:
        return None
    target = None
    if stat.S_ISLNK(own.st_mode):
        try:
            target = _fields(os.stat(path))
        except OSError:  # a dangling link
            target = None
    return _fields(own), target


def _fields(status: os.stat_result) -> tuple:
    return (status.st_mode, status.st_ino, status.st_dev, status.st_size, status.st_mtime_ns, status.st_ctime_ns,
            status.st_uid, status.st_gid)


# Environment variables that reach what a build runs: nianbao's own, Python's, and those of
# Playwright and of the fonts Chromium prints with. (Pagefind is given none of its own: search.py.)
ENVIRONMENT = ("NIANBAO_", "PYTHON", "PLAYWRIGHT_", "FONTCONFIG_")
# Where the fonts a PDF is printed with are installed (fontconfig's usual places).
FONT_FOLDERS = ("/etc/fonts", "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


def machine(revision: str | None, pdf: bool) -> tuple:
    """What a build takes from the machine: the Python, each library's files, the variables of
    ENVIRONMENT, the git revision the manifest names, and the PDF browser and fonts (if the site has
    PDFs)."""
    libraries = []
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        libraries.append((name, origin, _status(origin) if origin else None))
    environment = sorted((name, value) for name, value in os.environ.items() if name.startswith(ENVIRONMENT))
    printing = None
    if pdf:
        from . import pdf as printer  # only for sites with PDFs

        try:
            found = printer.locate_browser()
            browser = (found, _status(found))
        except printer.Unavailable as unavailable:
            browser = ("unavailable", unavailable.problem.message)
        # the folders' statuses: installing or removing a font changes the folder that holds it
        fonts = [(where, _status(where)) for folder in FONT_FOLDERS
                 for where, _, _ in os.walk(os.path.expanduser(folder))]
        printing = browser, fonts
    return __version__, sys.version, tuple(libraries), tuple(environment), revision, printing


def loaded_modules() -> tuple:
    """Each Python file this process has loaded, nianbao's and every library's: their statuses."""
    files = {module.__file__ for module in list(sys.modules.values())
             if isinstance(getattr(module, "__file__", None), str)}
    return tuple((path, _status(path)) for path in sorted(files))


def key(config_path: Path, edition: str, out: Path | None, revision: str | None, pdf: bool) -> tuple:
    return (os.path.abspath(config_path), edition, os.path.abspath(out) if out else None, machine(revision, pdf))


def load(root: Path, edition: str) -> Record | None:
    """The record the last good build of ``edition`` left."""
    try:
        with state_path(root, edition).open("rb") as file:
            record = pickle.load(file)
    except Exception:  # none, or damaged: the build goes on as usual
        return None
    # one an earlier nianbao wrote (its code then differed, which the record's inputs tell too)
    if not isinstance(record, Record) or vars(record).keys() != {field.name for field in fields(Record)}:
        return None
    return record


def up_to_date(root: Path, config_path: Path, edition: str, out: Path | None) -> Record | None:
    """The record, if the site it describes is up to date: nothing it depended on has changed."""
    record = load(root, edition)
    if record is None or record.key != key(config_path, edition, out, source_revision(root), record.pdf):
        return None
    if os.path.realpath(record.requested_output) != record.output_dir:
        return None  # the output folder's path leads elsewhere now (a link changed)
    if snapshot(record.roots) != record.inputs:
        return None
    if any(_status(path) != status for path, status in record.modules):
        return None
    output_dir = Path(record.output_dir)
    try:
        unchanged = not _leftovers(output_dir) and site_unchanged(output_dir, record.site)
    except OSError:  # the site changing while it is looked at (a folder gone): the build finds out what
        return None
    return record if unchanged else None


def _leftovers(output_dir: Path) -> bool:
    """Whether a killed build left a folder beside the site (a normal build removes it)."""
    from .write import OLD_PREFIX, TEMP_PREFIX

    try:
        return any(entry.startswith((OLD_PREFIX, TEMP_PREFIX)) for entry in os.listdir(output_dir.parent))
    except OSError:
        return True


def save(root: Path, edition: str, record: Record) -> None:
    """Written whole or not at all. Raises OSError."""
    path = state_path(root, edition)
    cache_folder(root)
    handle, temporary = tempfile.mkstemp(prefix=f".tmp-{edition}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(record, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def forget(root: Path, edition: str) -> None:
    try:
        state_path(root, edition).unlink()
    except OSError:
        pass


def inputs_as_read(config_path: Path, config_status: tuple | None, folders: list[Path]) -> tuple[list, dict] | None:
    """What a build that has just read its config (``config_status``: the file's status before)
    is about to read: the roots and their snapshot, taken before it reads them. None if the config
    changed meanwhile."""
    roots = input_roots(config_path, folders)
    found = snapshot(roots)
    if found is None or found.get(os.path.abspath(config_path)) != config_status:
        return None
    return roots, found


def record_of(result, config_path: Path, edition: str, out: Path | None, started_ns: int) -> Record | None:
    """The record of a build just written (``result``), if it may be trusted: no diagnostic;
    nothing it read changed while it ran (its inputs' snapshot, taken as it began, equals one now);
    no code it ran, nianbao's or a library's, changed since the process began (``started_ns``, in
    the clock of file times: the code was read after), and the site's files as the write stage
    found them once the site was in place, under its lock."""
    if not result.written or result.diagnostics.items or result.site is None or result.inputs is None \
            or result.site_statuses is None or result.site_statuses.keys() != result.files.keys():
        return None
    roots, before = result.inputs
    if snapshot(roots) != before:
        return None
    modules = loaded_modules()
    package = str(PACKAGE) + os.sep
    code = [status for path, status in before.items() if path.startswith(package)] + [status for _, status in modules]
    if any(status is None or status[0][5] >= started_ns - CLOCK_MARGIN_NS for status in code):
        return None
    pdf = bool(result.site.project.config.pdf)
    return Record(key(config_path, edition, out, result.revision, pdf), roots, before, str(result.requested_output),
                  str(result.output_dir), result.site_statuses, result.page_count, modules, pdf)


# File times come from a coarser clock than the process's: a file changed just after a build began
# may carry a time a little before it.
CLOCK_MARGIN_NS = 2_000_000_000
