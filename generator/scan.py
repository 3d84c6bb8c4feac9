"""Checks read every file a build would write: the withheld check and the leak check.

Each file's result is kept by its name and bytes, so a build that changed a few pages (the dev
server after a save, ``nianbao build`` with its cache) reads only those again. The files not
kept are read in worker processes when they are many: reading is pure Python, one core each.
The build forks them (workers.py); the dev server, which runs threads, starts them afresh.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from . import workers

Check = Callable[..., list]  # (files: dict[str, bytes], *args) -> what it found, each with its .file

# Below this many files to read, one process reads them about as soon as workers that first
# import the checks (0.5 s) and get the files sent (measured: 1,185 files, 100 sections).
PARALLEL_FROM = 2000


def gunzipped(data: bytes) -> bytes | None:
    """The bytes a gzip file holds (Pagefind's index, a pre-compressed file); None for another file,
    or one that does not decompress (read as it is)."""
    if data[:2] != b"\x1f\x8b":
        return None
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


def check_files(files: dict[str, bytes], check: Check, args: tuple = (), kept: dict | None = None,
                key: bytes = b"", jobs: int | None = None) -> list:
    """What ``check(files, *args)`` finds, by file name; ``kept`` holds each file's result from
    the last run with the same ``key`` (what the check depends on besides the file) and is
    replaced by this run's: a file whose bytes are the very object read then (a page kept from the
    last build) is not even hashed again. ``jobs``: how many forked processes may read the files
    (workers.py); None where forking is unsafe (a program with threads): then fresh worker processes."""
    results: dict[str, list] = {}
    to_read: dict[str, bytes] = {}
    now: dict[str, tuple] = {}
    last_of = kept.get if kept is not None else {}.get
    for name, data in files.items():
        last = last_of(name)
        if last is not None and last[1] is data and last[0] == key:  # kept from the last build, as it was
            now[name] = last
            if last[3]:
                results[name] = last[3]
            continue
        if last is not None and last[0] != key:
            last = None  # read for another key: what the check depends on besides the file changed
        digest = hashlib.blake2b(data, digest_size=16, key=key[:64]).digest()
        if last is not None and last[2] == digest:
            now[name] = (key, data, digest, last[3])
            if last[3]:
                results[name] = last[3]
        else:
            now[name] = (key, data, digest, [])
            to_read[name] = data
    for found in _run(check, to_read, args, jobs):
        results.setdefault(found.file, []).append(found)
    if kept is not None:
        for name in to_read:
            now[name] = (*now[name][:3], results.get(name, []))
        kept.clear()
        kept.update(now)
    return [found for name in sorted(results) for found in results[name]]


def _run(check: Check, files: dict[str, bytes], args: tuple, jobs: int | None) -> list:
    count = min(workers.available_cores() if jobs is None else jobs, 8)  # more would only add copies
    if len(files) < PARALLEL_FROM or count < 2:
        return check(files, *args)
    if jobs is not None:  # forked: they have the files already
        return [found for part in workers.run_parts(lambda part: check(part, *args), _chunks(files, count), count)
                for found in part]
    # Worker processes of this module, started afresh (forking a dev server's threads is unsafe,
    # and multiprocessing's "spawn" would run again the script that called build()).
    inputs = [pickle.dumps((check, part, args), pickle.HIGHEST_PROTOCOL) for part in _chunks(files, count)]
    package_parent = str(Path(__file__).resolve().parent.parent)  # this nianbao, installed or not
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent,
                                                                         os.environ.get("PYTHONPATH")]))}
    try:
        processes = [subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=environment) for _ in inputs]
    except OSError:  # no processes here (a sandbox): read in this one
        return check(files, *args)
    with ThreadPoolExecutor(len(inputs)) as pool:
        outputs = list(pool.map(lambda pair: pair[0].communicate(pair[1])[0], zip(processes, inputs)))
    if any(process.returncode != 0 for process in processes):
        return check(files, *args)  # a worker failed (out of memory?): read again here, where errors are reported
    return [found for output in outputs for found in pickle.loads(output)]


def _chunks(files: dict[str, bytes], count: int) -> list[dict[str, bytes]]:
    """``files`` in ``count`` parts of about equal work: dealt in turn, the largest first (the work is
    in the pages; plotly.js, the largest file, is recognised and passed over at once)."""
    parts: list[dict[str, bytes]] = [{} for _ in range(count)]
    for index, name in enumerate(sorted(files, key=lambda n: (-len(files[n]), n))):
        parts[index % count][name] = files[name]
    return [part for part in parts if part]


def _work() -> None:
    """A worker: a check, its files and arguments on standard input; what it found on standard output."""
    check, files, args = pickle.load(sys.stdin.buffer)
    pickle.dump(check(files, *args), sys.stdout.buffer, pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _work()
