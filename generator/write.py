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


def write_site(files: dict[str, bytes], output_dir: Path) -> None:
    output_dir = output_dir.resolve()
    parent = output_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(output_dir)
    temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{output_dir.name}-", dir=parent))
    try:
        for name in sorted(files):
            target = temp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
        os.chmod(temp, 0o755)
        _swap(temp, output_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


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
