"""The write stage: the rendered files become the output folder, all at once.

Files go to a fresh temporary folder beside the output; only when every file
is written is it swapped in. A build that fails or is killed leaves the
previous site exactly as it was; a later build removes the temporary folders
that killed builds left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

TEMP_PREFIX = ".nianbao-tmp-"
OLD_PREFIX = ".nianbao-old-"


def write_site(files: dict[str, bytes], output_dir: Path, digests: dict[str, str] | None = None,
               written: dict | None = None) -> None:
    """``digests``: each file's SHA-256; ``written``: what the last write left, by name: its
    digest and its status then. A file whose bytes are the same as the one the last build wrote,
    and which nobody changed since (same status), is linked into the new site instead of written
    again. ``written`` is replaced by this write's."""
    output_dir = output_dir.resolve()
    parent = output_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(output_dir)
    temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{output_dir.name}-", dir=parent))
    previous = dict(written or {})
    digests = digests or {}
    now: dict[str, tuple] = {}
    try:
        folders: set[str] = set()
        # Paths as strings and os functions: pathlib's overhead shows over tens of thousands of files.
        old_root, new_root = str(output_dir), str(temp)
        for name in sorted(files):
            folder = os.path.dirname(name)
            if folder not in folders:
                os.makedirs(os.path.join(new_root, folder), exist_ok=True)
                folders.add(folder)
            new = os.path.join(new_root, name)
            status = _link_unchanged(os.path.join(old_root, name), new, previous.get(name), digests.get(name))
            if status is None:
                _write(new, files[name])
                status = _status(new) if name in digests else None
            if name in digests:
                now[name] = (digests[name], status)
        os.chmod(temp, 0o755)
        _swap(temp, output_dir)
        if written is not None:
            written.clear()
            written.update(now)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)


def _status(path: str) -> tuple[int, int, int]:
    status = os.stat(path)
    return status.st_ino, status.st_mtime_ns, status.st_size


def _link_unchanged(old: str, new: str, last: tuple | None, digest: str | None) -> tuple | None:
    """Link ``old`` as ``new`` if it is the very file the last build wrote with these bytes;
    its status then, or None if it has to be written."""
    if last is None or digest is None or last[0] != digest:
        return None
    try:
        if _status(old) != last[1]:
            return None  # changed or replaced since
        os.link(old, new)
    except OSError:  # gone, or a file system without links (a USB stick): written instead
        return None
    return last[1]


def _swap(new: Path, output_dir: Path) -> None:
    if not output_dir.exists():
        os.rename(new, output_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{output_dir.name}-", dir=output_dir.parent))
    old.rmdir()
    # Two renames: between them the output folder is briefly absent, never partial.
    os.rename(output_dir, old)
    try:
        os.rename(new, output_dir)
    except BaseException:
        os.rename(old, output_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_stale_temporaries(output_dir: Path) -> None:
    """Clean up after builds of this output folder that were killed.

    A build killed between the two renames of a swap leaves no output folder
    and the previous site under the "old" name: that site is put back first.
    """
    parent = output_dir.parent
    if not parent.is_dir():
        return
    old_sites = sorted(parent.glob(f"{OLD_PREFIX}{output_dir.name}-*"))
    if not output_dir.exists() and len(old_sites) == 1:
        os.rename(old_sites[0], output_dir)
        old_sites = []
    for stale in [*old_sites, *parent.glob(f"{TEMP_PREFIX}{output_dir.name}-*")]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
