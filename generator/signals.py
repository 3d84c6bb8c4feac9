"""Ctrl-C (SIGINT) and SIGTERM stop a command cleanly: the signal becomes ``Stopped``, an exception
raised in the main thread, so that every ``finally`` on the way out runs (temporary folders
removed, workers, Pagefind and Chromium stopped) and the command ends with one line.

Two steps may not be cut in two: replacing the site (two renames, then the old site removed) and
putting a new report or file in place. Around them the signals are ``held``: one that comes
meanwhile stops the command right after, which then says that the step was done.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """A signal to stop; ``completed``: it came while a step that may not be cut in two ran, which
    was completed first (the site swapped in, the report put in place)."""

    def __init__(self, signum: int, completed: bool = False):
        super().__init__(signal.Signals(signum).name)
        self.signum, self.completed = signum, completed


class StopOnSignals:
    """For the duration of a command: SIGINT and SIGTERM raise Stopped, once; a second signal while
    the first one's clean-up runs is ignored, so that it runs to its end. A signal the process was
    started ignoring (a run in the background ignores Ctrl-C) stays ignored. Only in the main
    thread (where Python runs signal handlers); elsewhere it does nothing."""

    def __init__(self) -> None:
        self.signum: int | None = None  # the signal that stopped the command
        self.completed = False  # a step that may not be cut in two was done (the site swapped in): held() says so
        self.done = False
        self.saved: dict[int, object] = {}
        self.quiet = sys.unraisablehook, logging.getLogger("asyncio").disabled  # as _quiet_teardown finds them
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in SIGNALS:
            if signal.getsignal(signum) not in (signal.SIG_IGN, None):
                self.saved[signum] = signal.signal(signum, self._stop)

    def _stop(self, signum: int, _frame: object) -> None:
        if self.signum is not None or self.done:
            return
        self.signum = signum
        _quiet_teardown()
        raise Stopped(signum)

    def restore(self, ignore: bool = False) -> None:
        """The handlers as they were (main() runs in-process in tests); with ``ignore``, both
        signals ignored from now on (the program is about to exit with its result)."""
        self.done = True  # a signal from now on is not raised: it would escape the command
        for signum, handler in self.saved.items():
            signal.signal(signum, signal.SIG_IGN if ignore else handler)
        if not ignore:  # in-process: what a stop silenced is heard again
            sys.unraisablehook, logging.getLogger("asyncio").disabled = self.quiet


@contextmanager
def held(completed: bool = True) -> Iterator[None]:
    """SIGINT and SIGTERM held back for the duration; one that came meanwhile raises Stopped right
    after it. ``completed``: the step is done when it ends, which the line of a later stop says too.
    In the main thread only (the signals go there)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    came: list[int] = []
    try:
        yield
        if completed:  # a signal from now on stops a command whose step was done: the command's handler is told
            for signum in SIGNALS:
                owner = getattr(signal.getsignal(signum), "__self__", None)
                if isinstance(owner, StopOnSignals):
                    owner.completed = True
    finally:
        for signum in sorted(signal.sigpending() & set(SIGNALS)):
            signal.sigtimedwait([signum], 0)  # taken here, so that its handler does not raise it too
            came.append(signum)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    for signum in came:
        handler = signal.getsignal(signum)
        if handler == signal.SIG_DFL:  # no handler of Python's (a build run from a script): as the system would
            signal.raise_signal(signum)
        elif handler not in (signal.SIG_IGN, None):
            _quiet_teardown()
            raise Stopped(signum, completed)


def _quiet_teardown() -> None:
    """Once stopping, what is cut short may complain as it is collected (a pipe of Chromium's driver
    closed after its event loop, a finalizer the signal interrupted): the command's one line says
    what happened, so these are not shown."""
    logging.getLogger("asyncio").disabled = True
    sys.unraisablehook = lambda unraisable: None
