"""The write stage: the rendered files become the output folder, all at once.

Files go to a fresh temporary folder beside the output; only when every file
is written is it swapped in. A build that fails or is killed leaves the
previous site exactly as it was; a later build removes the temporary folders
that killed builds left behind.

The output folder is guarded, since it is replaced whole: it may not be, contain
or lie inside the project's folder or its sources (content, templates, the
build cache), and an existing non-empty folder is replaced only if nianbao wrote
it, as the same edition. Every site carries a marker, ``nianbao-site.json``, to
tell (``check_output_folder``).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple

from .filesystem import check_writable, missing_folders, mount_points, remove_if_empty
from .manifest import MANIFEST
from .signals import held
from .edition import INTERNAL, PUBLIC

if TYPE_CHECKING:
    from .config import Project

TEMP_PREFIX = ".nianbao-tmp-"
OLD_PREFIX = ".nianbao-old-"
# At the root of every site nianbao writes: a visible name, so that copies that leave out hidden
# files (cp site/*, Jekyll) keep it and `nianbao verify` still finds every file of the manifest.
MARKER = "nianbao-site.json"


class Refusal(NamedTuple):
    """Why the site may not be written to a folder: a diagnostic's path, message and hint."""

    path: Path
    message: str
    hint: str


class Protected(NamedTuple):
    """A folder the output folder must keep clear of, and what to call it in a message."""

    path: Path
    what: str
    kind: str = "source"  # "project": may hold the output folder (site/); "cache": holds withheld values


class OutputFolderRefused(Exception):
    def __init__(self, refusals: list[Refusal]):
        super().__init__("; ".join(f"{r.path}: {r.message}" for r in refusals))
        self.refusals = refusals


def marker(edition: str) -> bytes:
    return (json.dumps({"generator": "nianbao", "edition": edition}) + "\n").encode("utf-8")


def project_folders(project: Project) -> list[Protected]:
    """What the output folder of ``project`` must keep clear of, whether they exist or not."""
    from .cache import CACHE_FOLDER
    from .config import theme_dir

    return [Protected(project.root, "the project folder", "project"),
            Protected(project.content_dir, "the content folder"),
            Protected(project.templates_dir, "the templates folder"),
            Protected(project.root / CACHE_FOLDER, f"the build cache ({CACHE_FOLDER})", "cache"),
            Protected(theme_dir(), "nianbao's built-in theme")]


def check_output_folder(output_dir: Path, protected: Iterable[Protected], edition: str) -> list[Refusal]:
    """Why the site of ``edition`` may not replace ``output_dir``; empty when it may. Nothing is changed.

    Refused: an output folder that is, contains or lies inside a protected folder (but the project
    folder itself may hold the output folder: site/); that exists and is not a folder; that is
    not empty and was not written by nianbao; that holds the other edition. Paths are compared
    resolved (symbolic links followed), and as the same folder on disk where they exist."""
    output_dir = Path(output_dir).resolve()
    refusals = []
    for folder, what, kind in protected:
        folder = Path(folder).resolve()
        if _same(output_dir, folder):
            relation = "is"
        elif any(_same(above, folder) for above in output_dir.parents):
            if kind == "project":
                continue  # site/: the output folder's usual place
            relation = "lies inside"
        elif any(_same(above, output_dir) for above in folder.parents):
            relation = "contains"
        else:
            continue
        if kind == "cache":
            hint = ("the cache holds the real values of withheld figures and is never published: "
                    "choose another folder with --out (or 'output:' in site_config.yml), e.g. site/")
        else:
            hint = "choose a new folder outside the sources with --out (or 'output:' in site_config.yml), e.g. site/"
        message = {"is": "the output folder is {what}, and a build replaces its output folder whole: nothing was changed",
                   "contains": "the output folder contains {what}, and a build replaces its output folder whole: "
                               "nothing was changed",
                   "lies inside": "the output folder lies inside {what}, where no site may be written: "
                                  "nothing was changed"}[relation]
        refusals.append(Refusal(output_dir, message.format(what=what), hint))
    if refusals:
        return refusals[:1]  # the closest one says it all
    fault = check_writable(output_dir, "the site")
    if fault is not None:
        return [Refusal(fault.path, fault.message + ": nothing was changed", fault.hint)]
    found = site_edition(output_dir)
    if found is None:
        return []
    if found == edition and _listed(output_dir) is None:
        return [Refusal(output_dir / MANIFEST, "the output folder's manifest.json, which lists the files nianbao "
                                               "wrote there, is missing or damaged, so they cannot be told from "
                                               "files of yours: nothing was changed",
                        "if the folder holds nothing of yours, delete it and build again; or choose another folder "
                        "with --out")]
    if found == edition:  # nianbao's, of this edition: replaced only if it holds nothing else
        added = unlisted_files(output_dir)
        if not added:
            return []
        shown = ", ".join(added[:3]) + (" …" if len(added) > 3 else "")
        return [Refusal(output_dir, f"the output folder holds {len(added)} file(s) that nianbao did not write "
                                    f"({shown}), and a build replaces it whole: nothing was changed",
                        "move those files out of the output folder (keep your own files elsewhere), or choose "
                        "another folder with --out")]
    if found == NOT_A_FOLDER:
        return [Refusal(output_dir, "the output path exists and is not a folder: nothing was changed",
                        "choose another folder with --out")]
    if found == FOREIGN:
        return [Refusal(output_dir, "the output folder exists and was not written by nianbao: nothing was changed",
                        "choose an empty or new folder with --out, or delete it yourself if it is really an old site")]
    if found == PUBLIC:
        return [Refusal(output_dir, "the output folder holds the public edition, which the internal edition never "
                                    "replaces: nothing was changed",
                        "leave out --out to build the internal edition into a folder of its own (the output "
                        "folder's name and -internal, e.g. site-internal/), or choose another folder")]
    return [Refusal(output_dir, "the output folder holds the internal edition, which the public edition never "
                                "replaces: nothing was changed",
                    "build the public edition into another folder; delete the internal one yourself if it is "
                    "no longer needed")]


NOT_A_FOLDER, FOREIGN = "not a folder", "foreign"


def site_edition(folder: Path) -> str | None:
    """What ``folder`` holds: None if it does not exist or is empty; the edition of the site
    nianbao wrote there; else NOT_A_FOLDER or FOREIGN.

    A site carries its marker. A site of an earlier nianbao has none, only its manifest.json:
    it counts as nianbao's if the manifest says nianbao wrote it and lists every other file of
    the folder (a site someone added files to is refused); it is of the public edition if it
    has a sitemap.xml (the internal edition has none), else of the internal one."""
    if not os.path.lexists(folder):
        return None
    if not os.path.isdir(folder):
        return NOT_A_FOLDER
    try:
        with os.scandir(folder) as entries:
            if next(entries, None) is None:
                return None
    except OSError:
        return FOREIGN
    try:
        found = json.loads(_read_listing(folder / MARKER))
        if isinstance(found, dict) and found.get("generator") == "nianbao" and found.get("edition") in (PUBLIC, INTERNAL):
            return found["edition"]
        return FOREIGN
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return FOREIGN
    try:
        listed = json.loads(_read_listing(folder / MANIFEST))
        generator, names = listed["generator"], listed["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return FOREIGN
    if not isinstance(generator, str) or not generator.startswith("nianbao") or not isinstance(names, dict):
        return FOREIGN
    if unlisted_files(folder):
        return FOREIGN
    return PUBLIC if "sitemap.xml" in names else INTERNAL


# What a file manager leaves in any folder it shows: not a reason to refuse a site.
SYSTEM_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}


def unlisted_files(folder: Path) -> list[str]:
    """The files of a site folder that its manifest.json does not list (added by someone since
    nianbao wrote it), by path; all of them if it has no readable manifest."""
    names = _listed(folder) or {}
    # The folders the listed files need; any other folder (empty, or a link to one) was added too.
    # (Strings and os.scandir: each folder's entries tell their kind, and a folder is looked at once:
    # pathlib's or os.walk's overhead shows over thousands of folders.)
    folders = {parent for name in names for parent in _parents(name)}
    added: list[tuple[list[str], str]] = []
    root = os.path.realpath(folder)
    mounts = {point for point in mount_points() if point.startswith(root + os.sep)}
    try:
        device = os.stat(root).st_dev
    except OSError:
        device = None
    pending = [(root, "")]
    while pending:
        where, prefix = pending.pop()
        try:
            with os.scandir(where) as listing:
                entries = list(listing)
        except OSError as error:  # a folder that cannot be read may hide anyone's files
            name = os.path.relpath(error.filename or where, root).replace(os.sep, "/")
            added.append((name.split("/"), name + "/"))
            continue
        for entry in entries:
            name = prefix + entry.name
            try:
                is_folder = entry.is_dir()  # a link to a folder too: listed, not entered
            except OSError:
                is_folder = False
            if not is_folder:
                if entry.name not in SYSTEM_LITTER and name not in (MANIFEST, MARKER) and name not in names:
                    added.append((name.split("/"), name))
                continue
            if entry.is_symlink():
                if entry.name not in SYSTEM_LITTER and name not in names:
                    added.append((name.split("/"), name))
                continue
            # A folder mounted inside holds another disk's files, never to be removed with the site: not entered.
            try:
                mounted = entry.stat(follow_symlinks=False).st_dev != device or entry.path in mounts
            except OSError:
                mounted = False
            if mounted:
                added.append((name.split("/"), name + "/"))
                continue
            if entry.name not in SYSTEM_LITTER and name not in folders and _empty(entry.path):
                added.append((name.split("/"), name + "/"))
            pending.append((entry.path, name + "/"))
    return [name for _, name in sorted(added)]


def _empty(path: str) -> bool:
    try:
        return not os.listdir(path)
    except OSError:  # unreadable: os.walk reports it as it goes in
        return False


LISTING_LIMIT = 1 << 28  # a manifest of a million files is far smaller


def _read_listing(path: Path) -> str:
    """The marker or manifest of a site folder, read only if it is a regular file of sensible
    size (not a link, a pipe that would block, or a device that never ends). Raises OSError."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(handle, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size > LISTING_LIMIT:
            raise OSError(errno.EINVAL, "not a site's listing", str(path))
        return file.read(LISTING_LIMIT + 1).decode("utf-8")


def _listed(folder: Path) -> dict | None:
    """The files the manifest.json of a site folder lists; None if it is missing or damaged."""
    try:
        names = json.loads(_read_listing(folder / MANIFEST))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return names if isinstance(names, dict) else None


def _parents(name: str) -> list[str]:
    """The folders above a site path: a/b/c.html → a/b, a."""
    parts = name.split("/")[:-1]
    return ["/".join(parts[:end]) for end in range(len(parts), 0, -1)]


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def write_site(files: dict[str, bytes], output_dir: Path, digests: dict[str, str] | None = None,
               written: dict | None = None, *, edition: str = PUBLIC,
               protected: Iterable[Protected] = (), statuses: dict | None = None) -> Path | None:
    """Returns the previous site's folder if it could not be removed once replaced (None as a rule).

    ``digests``: each file's SHA-256; ``written``: what the last write left, by name: its
    digest and its status then. A file whose bytes are the same as the one the last build wrote,
    and which nobody changed since (same status), is linked into the new site instead of written
    again. ``written`` is replaced by this write's. ``statuses`` is given each file's status as the
    site has it once in place, taken under the lock (for the up-to-date check).

    ``files`` hold the site's marker (the build adds it before the manifest lists the files; it is
    added here for a caller that did not). Raises OutputFolderRefused, with nothing changed, if
    ``check_output_folder`` refuses the folder."""
    output_dir = output_dir.resolve()
    if MARKER not in files:
        files = {**files, MARKER: marker(edition)}
    parent = output_dir.parent
    made = missing_folders(parent)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with _only_writer(parent):  # checked under the lock: another build may have just written there
            refusals = check_output_folder(output_dir, protected, edition)
            if refusals:
                raise OutputFolderRefused(refusals)
            return _replace(files, output_dir, digests, written, statuses)
    except BaseException:
        remove_if_empty(made)
        raise


def _replace(files: dict[str, bytes], output_dir: Path, digests: dict[str, str] | None,
             written: dict | None, statuses: dict | None) -> Path | None:
    parent = output_dir.parent
    remove_stale_temporaries(output_dir)
    previous = dict(written or {})
    digests = digests or {}
    expected = _expected(parent)
    if _holds_already(files, str(output_dir), digests, previous, expected):
        if statuses is not None:
            statuses.update(_statuses(str(output_dir), files))
        return None  # the build changed nothing: the site is left as it is, its files' times too
    temp = None
    try:
        with held(completed=False):  # made and known at once: a signal in between would leave it behind
            temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{_stem(output_dir)}-", dir=parent))
        folders: set[str] = set()
        # Paths as strings and os functions: pathlib's overhead shows over tens of thousands of files.
        old_root, new_root = str(output_dir), str(temp)
        for name in sorted(files):
            folder = os.path.dirname(name)
            if folder not in folders:
                os.makedirs(os.path.join(new_root, folder), exist_ok=True)
                folders.add(folder)
            new = os.path.join(new_root, name)
            old = os.path.join(old_root, name)
            if not _link_unchanged(old, new, previous.get(name), digests.get(name), expected) \
                    and not _link_same_bytes(old, new, files[name], expected):
                _write(new, files[name])
        try:
            os.chmod(temp, 0o755)  # mkdtemp makes a private folder; a site is read by the web server
        except OSError:  # a file system without Unix permissions (a USB stick): its folders are readable
            pass
        with held():  # the swap, once begun, completes, the old site removed; a signal waits for it
            left_behind = _swap(temp, output_dir)
            if left_behind is not None:  # its files linked into the new site would be written through it
                _unshare(str(output_dir))
            # Each file's status as the site now has it, its links made and the old site removed
            # (either moves a file's change time): what the next build finds if nobody touched it.
            site = _statuses(old_root, files)
            now = {name: (digest, site[name]) for name, digest in digests.items() if name in site}
            if statuses is not None:
                statuses.update(site)
            if written is not None:
                written.clear()
                written.update(now)
        return left_behind
    except BaseException:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        raise


class _Expected(NamedTuple):
    """What a file and a folder are like when this process writes them beside the output folder:
    what an unchanged file of the current site must be like to be kept (linked, or left in place)."""

    file_mode: int
    folder_mode: int  # of the folders inside the site; the site's own folder is made 0o755
    uid: int
    gid: int


def _expected(parent: Path) -> _Expected | None:
    """None where it cannot be told (no process umask to read): every file is then written."""
    umask = _umask()
    try:
        status = os.stat(parent)
    except OSError:
        return None
    if umask is None:
        return None
    setgid = status.st_mode & stat.S_ISGID  # a folder's group, passed down to what is made in it
    return _Expected(0o666 & ~umask, (0o777 & ~umask) | setgid, os.geteuid(),
                     status.st_gid if setgid else os.getegid())


def _umask() -> int | None:
    """The process's umask, read without changing it (setting it to read it would race other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return None


def _as_written(path: str, status: os.stat_result, expected: _Expected | None, folder_mode: int | None = None) -> bool:
    """Whether ``path`` (of lstat ``status``) is a file as this build writes it, or with
    ``folder_mode`` a folder: not a link, the only name of its file, the build's owner, group and
    mode, and no extended attributes (an ACL would let others write it)."""
    if expected is None or status.st_uid != expected.uid or status.st_gid != expected.gid:
        return False
    if folder_mode is not None:
        if not stat.S_ISDIR(status.st_mode) or stat.S_IMODE(status.st_mode) != folder_mode:
            return False
    elif (not stat.S_ISREG(status.st_mode) or status.st_nlink != 1
          or stat.S_IMODE(status.st_mode) != expected.file_mode):
        return False
    try:
        return not os.listxattr(path, follow_symlinks=False)
    except OSError as error:  # a file system without extended attributes has none
        return error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)


def _holds_already(files: dict[str, bytes], root: str, digests: dict[str, str], previous: dict,
                   expected: _Expected | None) -> bool:
    """Whether the site in ``root`` is the one to write: the very files the last build wrote
    with these bytes, untouched since (the same status) and as the build writes them, in the
    folders the build makes, and nothing else (``holds_only``). A file with no digest (the
    manifest, which lists the others') is compared byte for byte."""
    if not previous:
        return False

    def unchanged(name: str, path: str, status: os.stat_result) -> bool:
        if name in digests:
            last = previous.get(name)
            return last is not None and last[0] == digests[name] and _record(status) == last[1]
        return status.st_size == len(files[name]) and _read(path) == files[name]

    return holds_only(root, files, expected, unchanged)


def holds_only(root: str, names: Iterable[str], expected: _Expected | None,
               unchanged: Callable[[str, str, os.stat_result], bool]) -> bool:
    """Whether the folder ``root`` holds the files ``names`` (each ``unchanged``: given its name,
    path and lstat) as the build writes them (``_as_written``), in the folders the build makes,
    and nothing else: no other file or folder, whatever its name, and no link."""
    if os.path.islink(root) or not os.path.isdir(root):
        return False
    names = list(names)
    folders = {folder for name in names for folder in _parents(name)}
    count = 0
    for where, subfolders, entries in os.walk(root):  # a link to a folder is among subfolders, not entered
        relative = os.path.relpath(where, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        if not _as_written(where, os.lstat(where), expected, 0o755 if relative == "." else
                           expected.folder_mode if expected else None):
            return False
        if any(prefix + entry not in folders or os.path.islink(os.path.join(where, entry)) for entry in subfolders):
            return False
        count += len(entries)
    if count != len(names):  # with each file found where it belongs below: the same files, no other
        return False
    for name in names:
        path = os.path.join(root, name)
        try:
            status = os.lstat(path)
            if not _as_written(path, status, expected) or not unchanged(name, path, status):
                return False
        except OSError:
            return False
    return True


def _statuses(root: str, names: Iterable[str]) -> dict[str, tuple]:
    """Each file's status (``_record``); one that is gone (taken away that instant) left out."""
    found = {}
    for name in names:
        with contextlib.suppress(OSError):
            found[name] = _status(os.path.join(root, name))
    return found


def site_unchanged(output_dir: Path, statuses: dict[str, tuple]) -> bool:
    """Whether the site in ``output_dir`` is the one ``write_site`` gave the statuses of, and as this build
    would write it (``holds_only``: the umask, owner and folders it would give)."""
    def unchanged(name: str, path: str, status: os.stat_result) -> bool:
        return _record(status) == statuses[name]

    return holds_only(str(output_dir), statuses, _expected(output_dir.parent), unchanged)


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)


def _status(path: str) -> tuple[int, int, int, int]:
    return _record(os.lstat(path))


def _record(status: os.stat_result) -> tuple[int, int, int, int]:
    """What a build records of a file it wrote, to know it untouched later: inode, modification
    time, size and change time. Nothing but the kernel sets a change time, and any write, chmod,
    chown, link or extended attribute moves it: a file edited and given back its old modification
    time is not taken as untouched."""
    return status.st_ino, status.st_mtime_ns, status.st_size, status.st_ctime_ns


def _unshare(root: str) -> None:
    """Give each file of the site in ``root`` that another name shares (the previous site, left
    behind) a file of its own, the same bytes put in place by a rename."""
    for where, _, names in os.walk(root):
        for entry in names:
            path = os.path.join(where, entry)
            if os.lstat(path).st_nlink < 2:
                continue
            handle, own = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=where)
            try:
                with os.fdopen(handle, "wb") as out, open(path, "rb") as current:
                    shutil.copyfileobj(current, out)
                os.chmod(own, stat.S_IMODE(os.lstat(path).st_mode))
                os.replace(own, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(own)
                raise


def _link_unchanged(old: str, new: str, last: tuple | None, digest: str | None,
                    expected: _Expected | None) -> bool:
    """Link ``old`` as ``new`` if it is the very file the last build wrote with these bytes, as
    the build writes it (``_as_written``); False if it has to be written."""
    if last is None or digest is None or last[0] != digest:
        return False
    try:
        status = os.lstat(old)
        if _record(status) != last[1] or not _as_written(old, status, expected):
            return False  # changed or replaced since
        os.link(old, new, follow_symlinks=False)
    except OSError:  # gone, or a file system without links (a USB stick): written instead
        return False
    return True


def _link_same_bytes(old: str, new: str, data: bytes, expected: _Expected | None) -> bool:
    """Link ``old`` as ``new`` if it holds ``data`` and is a file as this build writes it: a
    build without the last one's record (``--clean``, a cache deleted) still leaves unchanged files
    where they are, as creating a file costs far more than reading and linking one."""
    try:
        status = os.lstat(old)
        if status.st_size != len(data) or not _as_written(old, status, expected):
            return False
        with open(old, "rb") as current:
            if current.read(len(data) + 1) != data:
                return False
        os.link(old, new, follow_symlinks=False)
    except OSError:  # gone, unreadable, or a file system without links (a USB stick): written instead
        return False
    return True


def _swap(new: Path, output_dir: Path) -> Path | None:
    """``new`` as ``output_dir``; the previous site, if it could not be removed after (a file in it
    that may not be deleted)."""
    if not output_dir.exists():
        os.rename(new, output_dir)
        return None
    old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{_stem(output_dir)}-", dir=output_dir.parent))
    old.rmdir()
    # Two renames: between them the output folder is briefly absent, never partial.
    os.rename(output_dir, old)
    try:
        os.rename(new, output_dir)
    except BaseException:
        os.rename(old, output_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return old if os.path.lexists(old) else None


def remove_stale_temporaries(output_dir: Path) -> None:
    """Clean up after builds of this output folder that were killed.

    A build killed between the two renames of a swap leaves no output folder
    and the previous site under the "old" name: that site is put back first.
    """
    parent = output_dir.parent
    if not parent.is_dir():
        return
    # Only real folders: a link made under such a name (nianbao's) is removed, what it leads to left
    # alone; put back as the site, it would make the output folder a link to anywhere.
    stem = _stem(output_dir)
    old_sites, temporaries = [], []
    for prefix, found in ((OLD_PREFIX, old_sites), (TEMP_PREFIX, temporaries)):
        for path in sorted(parent.glob(f"{glob.escape(prefix + stem)}-*")):
            if not _ours(path.name, prefix + stem):
                continue  # another output folder's (site-internal's, beside site's)
            if path.is_symlink():
                with contextlib.suppress(OSError):
                    path.unlink()
            elif path.is_dir():
                found.append(path)
    if not os.path.lexists(output_dir) and len(old_sites) == 1:
        os.rename(old_sites[0], output_dir)
        old_sites = []
    for stale in [*old_sites, *temporaries]:
        shutil.rmtree(stale, ignore_errors=True)


def _ours(name: str, start: str) -> bool:
    """Whether ``name`` is one that mkdtemp makes from the prefix ``start`` and "-": its 8 random
    characters, no more (``.nianbao-old-site-internal-x1y2z3w4`` is site-internal's, not site's)."""
    return re.fullmatch(re.escape(start) + r"-[a-z0-9_]{8}", name) is not None


def _stem(output_dir: Path) -> str:
    """The output folder's name in the names of its temporary folders: shortened when long, so that
    they fit in the file system's 255 bytes whenever the output folder's own name does."""
    name = output_dir.name
    if len(os.fsencode(name)) <= 64:
        return name
    return name[:16] + "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:16]


@contextlib.contextmanager
def _only_writer(parent: Path):
    """Hold the OS's lock on the output folder's parent while its site is replaced: a build of
    another project into the same folder waits (two swaps at once would lose a site, and each
    would remove the other's temporary folder as stale). Without such locks (a network file
    system), the write goes on unlocked, as the same project's builds are kept apart anyway."""
    try:
        import fcntl

        handle = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(handle)  # the lock goes with it
