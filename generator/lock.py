"""One build of a project at a time: a lock held from reading the cache to saving it again.

Two builds of one project at once (an editor and a CI job, two terminals) would each save the
cache and replace the output folder, and remove the other's temporary files as stale. The lock is
the operating system's (``filelock``: ``flock`` on a file), so it is released whenever its process
ends, even killed; there is no stale lock to remove by hand. Its file is ``build.lock`` in the
cache folder (which git ignores); where the project's folder may not be written (a read-only
checkout, built with ``--out`` elsewhere), a file in the system's temporary folder named after
the project's path stands in.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from .cache import cache_folder

LOCK_FILE = "build.lock"


class Busy(Exception):
    """Another build of the project holds the lock, and the caller would not wait."""


@contextmanager
def project_lock(project_root: Path, wait: bool = True, waiting: Callable[[], None] = lambda: None
                 ) -> Iterator[str | None]:
    """Hold the project's build lock for the duration. When another build holds it: ``waiting()``
    is called once and the lock waited for, or with ``wait=False`` Busy is raised. Yields None,
    or why builds of the project could not be locked (then the build goes on unlocked)."""
    lock, problem = _lock_for(Path(project_root).resolve())
    if lock is None:
        yield problem
        return
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if not wait:
                raise Busy() from None
            waiting()
            lock.acquire()
    except (OSError, NotImplementedError) as error:  # a file system without locks (some network ones)
        yield str(getattr(error, "strerror", None) or error)
        return
    try:
        yield None
    finally:
        lock.release()


def _lock_for(root: Path) -> tuple[FileLock | None, str | None]:
    """The lock file's lock, made and opened to check that it can be: in the cache folder, else in
    the system's temporary folder; or None and why neither can be."""
    places = []
    try:
        places.append(cache_folder(root) / LOCK_FILE)
    except OSError:
        pass
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
    places.append(Path(tempfile.gettempdir()) / f"nianbao-{digest}.lock")
    problem = None
    for path in places:
        try:
            with open(path, "a"):  # made if missing; filelock itself would say only when acquiring
                pass
        except OSError as error:
            problem = error.strerror or str(error)
            continue
        return FileLock(path, mode=0o666), None
    return None, problem
