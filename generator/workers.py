"""Work split over processes, one per core: a build's pages rendered, its files checked.

The workers are forked, so they start with the parent's memory (the model, the templates, the
files): nothing is sent to them, and only their results come back, pickled. Only ``nianbao build``
and ``nianbao check`` fork (``jobs`` > 1): the dev server runs threads, which a fork would copy
in whatever state they were in. A worker that fails for any reason (out of memory, killed) has its
part done again in the parent, where an error is reported as every other is.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import Callable, Sequence, TypeVar

from .signals import SIGNALS

Part = TypeVar("Part")
Result = TypeVar("Result")


def available_cores() -> int:
    """The cores this process may run on (a container's or ``taskset``'s limit, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run_parts(work: Callable[[Part], Result], parts: Sequence[Part], jobs: int) -> list[Result]:
    """``work`` of each part, in order: the first in this process, each other in a forked worker
    when ``jobs`` > 1 (one part per job is best: see ``deal``)."""
    if jobs < 2 or len(parts) < 2 or not hasattr(os, "fork"):
        return [work(part) for part in parts]
    children: list[int] = []
    pipes: list[int] = []
    try:
        for part in parts[1:]:
            pid, read = _fork(work, part)
            children.append(pid)
            pipes.append(read)
        results = [work(parts[0])]
        for part, read in zip(parts[1:], pipes):
            data = _read_all(read)
            _, status = os.waitpid(children[0], 0)
            children.pop(0)
            results.append(_loaded(data) if os.waitstatus_to_exitcode(status) == 0 else _FAILED)
        # a part whose worker failed is done again here
        return [work(part) if result is _FAILED else result for part, result in zip(parts, results)]
    finally:  # interrupted, or failed: no worker is left behind
        for pid in children:
            _stop(pid)


def deal(items: Sequence[Part], weight: Callable[[Part], int], count: int) -> list[list[Part]]:
    """``items`` in at most ``count`` parts of about equal weight, each item given whole to the
    lightest part so far, the heaviest first; each part keeps the items' order."""
    parts: list[list[int]] = [[] for _ in range(max(1, count))]
    loads = [0] * len(parts)
    for index in sorted(range(len(items)), key=lambda i: -weight(items[i])):
        lightest = loads.index(min(loads))
        parts[lightest].append(index)
        loads[lightest] += weight(items[index])
    return [[items[i] for i in sorted(part)] for part in parts if part]


def _fork(work: Callable[[Part], Result], part: Part) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: its result down the pipe, then out without running the parent's exit handlers
        status = 0
        try:
            os.close(read)
            for signum in SIGNALS:  # the parent reports a signal to stop; a worker just ends
                signal.signal(signum, signal.SIG_DFL)
            data = pickle.dumps(work(part), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001 — the parent does the part again and reports what fails
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


_FAILED = object()


def _read_all(read: int) -> bytes:
    with os.fdopen(read, "rb") as pipe:
        return pipe.read()


def _loaded(data: bytes) -> object:
    try:
        return pickle.loads(data) if data else _FAILED
    except Exception:  # noqa: BLE001 — cut short
        return _FAILED


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
