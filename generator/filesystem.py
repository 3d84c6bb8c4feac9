"""What the file system refused, said to an editor: which folder, why, and what to do.

A full disk, a folder that may not be written, a read-only or foreign file system are not bugs
in nianbao but facts of the machine it runs on: each ``OSError`` of writing becomes a
``Fault`` (the folder, a message and a hint, all in the catalog of messages.yml), which the
build reports as an error and the build cache as a warning.
"""

from __future__ import annotations

import errno
import math
import os
import re
from pathlib import Path
from typing import Iterable, NamedTuple


class Fault(NamedTuple):
    path: Path
    message: str
    hint: str


MIB = 1024 * 1024


def describe(error: OSError, folder: Path, what: str, sizes: Iterable[int] = (), out: bool = True) -> Fault:
    """``error``, met writing ``what`` (e.g. "the site") into ``folder``, for an editor. ``sizes``:
    the sizes of the files to be written, which tell how much room is needed when the disk is full.
    ``out``: the hint may suggest another folder with --out (only ``nianbao build`` has it)."""
    folder = Path(folder)
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        sizes = list(sizes)
        needed, free = space_needed(sizes, folder), free_space(folder)
        room = f"{what} needs about {_size(needed)}, and {_size(free)} are free there" \
            if needed and free is not None else f"{what} does not fit"
        reason = "the disk quota is used up" if code == errno.EDQUOT else "the disk is full"
        left = _files_left(folder)
        if code == errno.ENOSPC and free is not None and needed and free >= needed and left is not None \
                and left < len(sizes):  # room enough, but not for so many files (a small tmpfs, some sticks)
            return Fault(folder, f"cannot write {what} into this folder: the disk has room, but no more files can "
                                 f"be made on it; {what} has {len(sizes)} files",
                         "delete files on that disk (the previous site is kept until the new one is complete), "
                         "or choose a folder on another disk with --out" if out else "delete files on that disk")
        return Fault(folder, f"cannot write {what} into this folder: {reason}; {room}",
                     "free some space on that disk (the previous site is kept until the new one is complete), "
                     "or choose a folder on another disk with --out" if out else "free some space on that disk")
    if code in (errno.EACCES, errno.EPERM):
        return Fault(folder, f"cannot write {what} into this folder: permission denied",
                     "make the folder writable for the user who builds (or ask the IT person to), "
                     "or choose another folder with --out" if out else
                     "make the folder writable for your user (or ask the IT person to)")
    if code == errno.EROFS:
        return Fault(folder, f"cannot write {what} into this folder: it is on a read-only file system",
                     "choose a folder on a writable disk with --out" if out else
                     "copy the project to a writable disk, or ask the IT person to mount this one writable")
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocking = _file_in_the_way(Path(error.filename) if error.filename else folder)
        shown = f" ({blocking})" if blocking else ""
        return Fault(folder, f"cannot write {what} into this folder: a file is where a folder is expected{shown}",
                     "rename or move that file, or choose another folder with --out" if out else
                     "rename or move that file")
    if code == errno.ENAMETOOLONG:
        return Fault(folder, f"cannot write {what} into this folder: a name is too long for its file system",
                     "choose a shorter folder name with --out, or shorter names for the report folders and "
                     "section files" if out else "choose shorter names for the folders and files")
    if code in (errno.EXDEV, errno.EBUSY):
        return Fault(folder, f"cannot write {what} into this folder: it is a mount point (another file system, "
                             "such as a USB stick or a shared folder), which cannot be replaced whole",
                     f"build into a folder inside it instead, e.g. --out {folder / 'site'}")
    return Fault(folder, f"cannot write {what} into this folder: {error.strerror or error}",
                 "check the disk and the folder, then try again")


def check_writable(folder: Path, what: str) -> Fault | None:
    """Why ``folder`` (which need not exist yet) could not be made or replaced, found before any
    work is done: a file above it where a folder should be, a name too long, a read-only file
    system, no permission to write beside it, a mount point; None when none of these holds. (A
    full disk shows only when writing.)"""
    folder = Path(folder)
    existing = nearest_existing(folder.parent)
    if not existing.is_dir():
        return describe(OSError(errno.ENOTDIR, "Not a directory", str(folder)), folder, what)
    try:
        longest = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, AttributeError, ValueError):
        longest = 255
    if any(len(os.fsencode(part)) > longest for part in folder.relative_to(existing).parts):
        return describe(OSError(errno.ENAMETOOLONG, "File name too long"), folder, what)
    # The folder that is written: the output folder's parent, where its new site is made and swapped
    # in (or the nearest folder above that exists); and the output folder itself if it is a mount point.
    for written in ([folder] if is_mount_point(folder) else []) + [existing]:
        status = _statvfs(written)
        if status is not None and status.f_flag & getattr(os, "ST_RDONLY", 1):
            return describe(OSError(errno.EROFS, "Read-only file system"), written, what)
    if not os.access(existing, os.W_OK | os.X_OK):
        return describe(OSError(errno.EACCES, "Permission denied"), existing, what)
    if is_mount_point(folder):
        return describe(OSError(errno.EBUSY, "Device or resource busy"), folder, what)
    return None


def is_mount_point(folder: Path | str) -> bool:
    """Whether a file system is mounted at ``folder``, a bind mount of the same disk too (which
    os.path.ismount cannot tell)."""
    return os.path.ismount(folder) or os.path.realpath(folder) in mount_points()


def mount_points() -> set[str]:
    """Where file systems are mounted, as this process sees them (Linux's /proc/self/mountinfo;
    empty elsewhere, where os.path.ismount alone tells)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as table:
            # the fifth field; a space, tab, newline or backslash in it is written in octal (\040)
            return {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
                    for line in table if len(line.split()) > 4}
    except OSError:
        return set()


def space_needed(sizes: Iterable[int], folder: Path) -> int:
    """Bytes the files of ``sizes`` take on the disk of ``folder``: each rounded up to whole blocks."""
    status = _statvfs(folder)
    block = (status.f_frsize if status is not None else 0) or 4096
    return sum(math.ceil(size / block) * block for size in sizes)


def _files_left(folder: Path) -> int | None:
    """How many more files an ordinary user may make on the disk of ``folder``; None if unknown."""
    status = _statvfs(folder)
    return status.f_favail if status is not None and status.f_files else None


def free_space(folder: Path) -> int | None:
    """Bytes an ordinary user may still write on the disk of ``folder``; None if unknown."""
    status = _statvfs(folder)
    return status.f_bavail * status.f_frsize if status is not None else None


def nearest_existing(path: Path) -> Path:
    """``path`` itself if it exists, else the nearest folder above it that does."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(path.anchor or "/")


def missing_folders(folder: Path) -> list[Path]:
    """``folder`` and the folders above it that do not exist yet, the deepest first: what making it
    will make, and what is removed again when what was to go in it fails (``remove_if_empty``)."""
    return [path for path in (folder, *folder.parents) if not os.path.lexists(path)]


def remove_if_empty(folders: list[Path]) -> None:
    """``folders`` (the deepest first) removed while they are empty: nothing is left of a failed write."""
    for path in folders:
        try:
            os.rmdir(path)
        except OSError:
            break


def _statvfs(folder: Path):
    try:
        return os.statvfs(nearest_existing(Path(folder)))
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return None


def _file_in_the_way(path: Path) -> Path | None:
    """The first of ``path`` and the folders above it that exists and is not a folder."""
    for candidate in reversed((path, *path.parents)):
        if os.path.lexists(candidate) and not candidate.is_dir():
            return candidate
    return None


def _size(size: int | None) -> str:
    """A size as an editor reads it: MB, or KB below one."""
    size = size or 0
    return f"{size / MIB:.1f} MB" if size >= MIB else f"{math.ceil(size / 1024)} KB"
