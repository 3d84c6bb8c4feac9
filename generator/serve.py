"""``nianbao serve``: build, serve on 127.0.0.1, rebuild on every save, reload the browser.

The site is built in memory exactly as ``nianbao build`` would write it and
served from there. A watcher (watchfiles) sees saves in the content, templates
and config; each rebuild reuses all of the previous build that the save left as
it was (files unchanged are not read again, reports unchanged keep their pages)
and leaves the search index to a background thread once saves pause, so a saved
section is back in the browser at once. Open pages reload by themselves and keep their scroll position. A
build with errors changes nothing that is served: the last good pages stay,
and the errors show in the terminal and over the page until the file is fixed.
"""

from __future__ import annotations

import errno
import gc
import http.server
import json
import mimetypes
import os
import posixpath
import re
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
import webbrowser
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .build import BuildCache, BuildResult, build
from .config import theme_dir
from .diagnostics import Severity
from .manifest import MANIFEST, manifest
from .messages import translate
from .render import searchable_pages
from .search import SEARCH_FOLDER, SearchError, build_index_apart

LIVE = "/__nianbao/"
SEARCH_DELAY = 1.0  # seconds without a save before the search index is rebuilt
LIVE_SCRIPT = f'<script src="{LIVE}live.js"></script>'


@dataclass
class ServedSite:
    """What the server serves; replaced whole by each good build."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # the last build's errors, shown over the page
    epoch: int = 0  # counts changes: a browser reloads when it sees a new one
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, files: dict[str, bytes] | None, problems: list[str]) -> None:
        with self.changed:
            if files is not None:
                self.files = files
            self.problems = problems
            self.epoch += 1
            self.changed.notify_all()


def editor_filter():
    """watchfiles' filter, and what editors and tools write beside a file while saving it."""
    from watchfiles import DefaultFilter  # imported here: only the dev server watches

    class Filter(DefaultFilter):
        """What editors and tools write beside a file while saving it is no save: watchfiles'
        own list (swap files, backups ending in ~, .#locks) and sed's, vim's and others' temporary
        files."""

        extra = re.compile(r"^(sed[A-Za-z0-9]{6}|4913|\.?.*\.(tmp|temp|swp|swo|swx|bak|part|crdownload)|~\$.*)$")

        def __call__(self, change, path: str) -> bool:
            return super().__call__(change, path) and not self.extra.match(os.path.basename(path))

    return Filter()


class Server:
    def __init__(self, config: Path, port: int, edition: str, out=sys.stdout, lang: str = "en"):
        self.config, self.port, self.edition, self.out, self.lang = config, port, edition, out, lang
        self.site = ServedSite()
        self.cache = BuildCache(mask_fill={})  # all of it kept in memory for the next save
        self.search_thread: threading.Thread | None = None
        self.indexing: subprocess.Popen | None = None  # the search index's child process, while it runs
        self.saves = 0  # counts the saves seen: an index begun before the last one is stopped
        self.stopping = threading.Event()
        self.one_index = threading.Lock()
        self.served_manifest: dict = {}  # the served manifest's lines, kept as the build's are
        self.built: dict[str, bytes] = {}  # the last good build's files
        self.reported: list[str] = []  # the problems the terminal shows now (the last failed build's)
        # The last good build while its search index is not yet served: a failed save that stopped
        # that index (see _supersede_index) has it made again, as the pages served are still these.
        self.unindexed: BuildResult | None = None
        root = config.resolve().parent
        self.folders = [root / "content", root / "templates"]  # the project's, as the last build read the config

    # --- building -----------------------------------------------------------

    def rebuild(self, reason: str = "", quiet: bool = False) -> BuildResult | None:
        """Build and serve the result; ``quiet``: say nothing unless something changed."""
        start = time.perf_counter()
        try:
            result = build(self.config, write=False, edition=self.edition, cache=self.cache, search=False,
                           pdfs=False)
        except Exception as exc:  # a bug in nianbao: say so, and keep serving and watching
            self.cache = BuildCache(mask_fill={})  # the next build starts clean
            self.site.publish(None, [translate(f"nianbao: internal error: {type(exc).__name__}: {exc}", self.lang)])
            self._print(reason + translate(f"internal error: {type(exc).__name__}: {exc} (set NIANBAO_DEBUG=1 for details)",
                                           self.lang))
            if os.environ.get("NIANBAO_DEBUG"):
                traceback.print_exc()
            self._index_again()
            return None
        self._note_folders(result)
        if quiet and not result.diagnostics.errors and result.files == self.built:
            return result
        # Errors stop a build; warnings are for nianbao check, and here only counted.
        problems = [item.format(self.lang) for item in result.diagnostics.sorted() if item.severity is Severity.ERROR]
        if quiet and result.diagnostics.errors and problems == self.reported:
            return result  # the same failure as the terminal and the page show already
        self.built = result.files
        elapsed = (time.perf_counter() - start) * 1000
        warnings = len(result.diagnostics.items) - len(result.diagnostics.errors)
        counted = [translate(f"and {warnings} warning(s): nianbao check lists them", self.lang)] if warnings else []
        if result.diagnostics.errors or not result.files:
            self.site.publish(None, problems + counted)
            self._print(reason + translate("build failed; still serving the last good pages", self.lang) + "\n"
                        + "\n".join([self._changes(problems), *counted]))
            self.reported = problems
            self._index_again()
        else:
            if self.reported:
                self._print(translate(f"{len(self.reported)} problem(s) fixed", self.lang))
                self.reported = []
            files = dict(result.files)
            files.update({k: v for k, v in self.site.files.items() if k.startswith(SEARCH_FOLDER + "/")})
            self.site.publish(files, [])
            self.unindexed = result  # after publishing: an index of older pages can no longer clear it
            self._print(reason + translate(f"rebuilt {result.page_count} pages in {elapsed:.0f} ms", self.lang))
            self._index_later(result)
        return result

    def _note_folders(self, result: BuildResult) -> None:
        """The content and templates folders the config names, for the watcher: also from a build
        that failed before reading the content (the folder it names may be made next, or its broken
        section mended)."""
        if result.project is not None:
            self.folders = [result.project.content_dir, result.project.templates_dir]

    def _index_again(self) -> None:
        """After a failed build: the pages served are still the last good ones, and the index being
        made of them, if any, will not be served (its build is no longer the last one): it is
        stopped, and their index made again after the next pause."""
        if self.unindexed is not None:
            self._supersede_index()
            self._index_later(self.unindexed)

    def _index_later(self, result: BuildResult) -> None:
        """Build the search index off the hot path, then serve it with the pages it indexes."""
        if result.site is None or not result.site.project.config.search:
            return

        def index(files=result.files, site=result.site, epoch=self.site.epoch, saves=self.saves):
            # Indexing takes seconds on a big site: it waits for a pause in the saves, and a save
            # made meanwhile stops it (see _supersede_index).
            if self.stopping.wait(SEARCH_DELAY) or self.site.epoch != epoch:
                return

            mine: list[subprocess.Popen] = []

            def started(child: subprocess.Popen) -> None:
                mine.append(child)
                self.indexing = child
                if self.saves != saves or self.stopping.is_set():  # saved or stopped during the handover
                    child.terminate()

            # One index at a time (they share the index cache): one stopped by a save ends first.
            with self.one_index:
                if self.saves != saves or self.stopping.is_set():
                    return
                try:
                    bundle = build_index_apart(searchable_pages(site, files), self.cache.search, started=started)
                except SearchError as error:
                    if not self.stopping.is_set() and self.saves == saves:  # stopped by stop() or a save: nothing to say
                        self._print(translate(f"the search index could not be made: {error}", self.lang))
                    return
                finally:
                    if mine and self.indexing is mine[0]:
                        self.indexing = None
            with self.site.changed:
                if self.site.epoch == epoch:  # no newer build meanwhile
                    served = {k: v for k, v in self.site.files.items()
                              if not k.startswith(SEARCH_FOLDER + "/")} | bundle
                    # the manifest lists what is served, the search index included, as a build's does
                    revision = json.loads(files[MANIFEST])["source_revision"] if MANIFEST in files else None
                    served[MANIFEST] = manifest(served, revision, self.served_manifest)
                    self.site.files = served
                    if self.unindexed is result:
                        self.unindexed = None

        self.search_thread = threading.Thread(target=index, daemon=True)
        self.search_thread.start()

    def _supersede_index(self) -> None:
        """A save: the index being made is of pages about to be replaced, and no one would see it.
        It is stopped, so that the rebuild has the machine to itself; the next pause in the saves
        indexes the new pages."""
        self.saves += 1
        child = self.indexing
        if child is not None and child.poll() is None:
            child.terminate()  # it ends cleanly: its Pagefind stopped, its folder removed

    def stop(self) -> None:
        """No index begun from now on, and the one being made stopped: its child ends cleanly on
        SIGTERM (Pagefind stopped, its folder removed), and is killed if it does not within seconds."""
        self.stopping.set()
        child = self.indexing
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if self.search_thread is not None:
            self.search_thread.join(timeout=15)

    def watch_paths(self) -> list[Path]:
        """The content and templates folders, the theme and the config: those that exist now."""
        return [path for path, _ in self._watched()]

    def _watched(self) -> list[tuple[Path, tuple]]:
        """What ``watch_paths`` lists, each with the identity of what is there: a folder or file
        replaced by another of the same name (an editor's save of the config by renaming a new file
        over it) is watched anew, as the old watch stays on what was replaced."""
        found = []
        for path in [*self.folders, theme_dir(), self.config.resolve()]:
            try:
                status = path.stat()
            except (OSError, ValueError):  # missing, or a folder above it that may not be searched
                continue
            found.append((path, (status.st_dev, status.st_ino)))
        return found

    def watch(self, stop: threading.Event, ready: threading.Event | None = None) -> None:
        self.rebuild()
        # The first build made most of what the server keeps (its caches): the garbage collector
        # need not go through it again, which would pause a later rebuild for a good part of a second.
        gc.collect()
        gc.freeze()
        watched = self._watched()
        while not stop.is_set():
            # The watcher yields nothing after each quiet timeout: the first such yield tells that it
            # is watching, so no save made from then on can be missed. A save made before (while the
            # first build ran, or while the watcher was started again) is caught by building once more
            # then: quick, as nothing else changed.
            watching = False
            try:
                for changes in self._changes_in([path for path, _ in watched], stop):
                    if not changes:
                        if not watching:
                            watching = True
                            self.rebuild(quiet=True)
                            if ready is not None:
                                ready.set()
                    if changes:
                        self._supersede_index()
                        for _, path in changes:  # read these again, whatever their status says
                            self.cache.texts.pop(os.fspath(Path(path)), None)
                        names = sorted({Path(path).name for _, path in changes})
                        self.rebuild(f"{', '.join(names[:3])}{' …' if len(names) > 3 else ''}: ")
                    # A folder made, removed or replaced since (templates/ to override the theme), or
                    # the config naming others: the watcher starts again on what there is to watch now.
                    if self._watched() != watched:
                        break
            except OSError:  # a path gone between its listing and the watcher's start: listed again
                stop.wait(0.05)
            watched = self._watched()

    @staticmethod
    def _changes_in(paths: list[Path], stop: threading.Event):
        from watchfiles import watch

        return watch(*paths, watch_filter=editor_filter(), stop_event=stop, debounce=10, step=5, rust_timeout=100,
                     yield_on_timeout=True)

    def _changes(self, problems: list[str]) -> str:
        """What the terminal is told after a failed build: every problem the first time; after
        that only those new since its last message, and how many were fixed or remain."""
        if not self.reported:
            return "\n".join(problems)
        before, now = set(self.reported), set(problems)
        new = [p for p in problems if p not in before]
        summary = translate(f"{len(new)} new, {len(before - now)} fixed, {len(now) - len(new)} as before", self.lang)
        return "\n".join([summary, *new])

    def _print(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=self.out, flush=True)

    # --- serving ------------------------------------------------------------

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self.site

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # the terminal shows builds, not requests
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = urllib.parse.urlsplit(self.path).path
                if path == LIVE + "events":
                    return self.events()
                if path in (LIVE + "live.js", LIVE + "live.css"):
                    name = posixpath.basename(path)
                    return self.send(200, (Path(__file__).parent / "live" / name).read_bytes(), name)
                name = urllib.parse.unquote(path).lstrip("/")
                files = site.files
                if name == "" or name.endswith("/"):
                    name += "index.html"
                if name not in files and name + "/index.html" in files:
                    return self.redirect("/" + name + "/")
                if name in files:
                    return self.send(200, files[name], name)
                return self.send(404, files.get("404.html", b"not found"), "404.html")

            def send(self, status: int, body: bytes, name: str) -> None:
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                if kind == "text/html":
                    body = body.replace(b"</head>", LIVE_SCRIPT.encode() + b"\n</head>", 1)
                if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                    kind += "; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                # Assets have content-hashed names, so a browser may keep them; pages are always fresh.
                immutable = name.startswith("assets/") and status == 200
                self.send_header("Cache-Control", "max-age=31536000, immutable" if immutable else "no-store")
                self.end_headers()
                self.wfile.write(body)

            def redirect(self, location: str) -> None:
                self.send_response(301)
                self.send_header("Location", location)
                self.end_headers()

            def events(self) -> None:
                """Server-sent events: the epoch, and the problems of the last build."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                epoch = -1
                try:
                    while True:
                        with site.changed:
                            if site.epoch == epoch:
                                site.changed.wait(timeout=15)
                            if site.epoch == epoch:
                                self.wfile.write(b": keep-alive\n\n")
                                self.wfile.flush()
                                continue
                            epoch, problems = site.epoch, list(site.problems)
                        data = json.dumps({"epoch": epoch, "problems": problems}, ensure_ascii=False)
                        self.wfile.write(f"data: {data}\n\n".encode())
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return

        return Handler


@contextmanager
def running(config: Path, port: int = 8000, edition: str = "public", out=sys.stdout, lang: str = "en"):
    """A server on 127.0.0.1 and its watcher, stopped on exit; yields (url, server)."""
    server = Server(config, port, edition, out, lang)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), server.handler())
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    stop = threading.Event()
    ready = threading.Event()
    watcher = threading.Thread(target=server.watch, args=(stop, ready), daemon=True)
    watcher.start()
    ready.wait(timeout=120)
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", server
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()
        # The build under way ends first: the check workers it started end with it.
        watcher.join(timeout=120)
        server.stop()


def serve(config: Path, port: int = 8000, open_browser: bool = False, edition: str = "public",
          lang: str = "en") -> int:
    try:
        context = running(config, port, edition, lang=lang)
        url, _ = context.__enter__()
    except OSError as exc:
        why = "the port is in use by another program" if exc.errno == errno.EADDRINUSE else \
            "the system does not allow it" if exc.errno == errno.EACCES else f"“{exc.strerror or exc}”"
        print(translate(f"nianbao: cannot serve on 127.0.0.1:{port}: {why}", lang) + "\n    "
              + translate("hint: choose another port with --port", lang), file=sys.stderr)
        return 2
    print(f"nianbao: serving {url} (Ctrl+C to stop); watching for changes", flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        while True:  # until Ctrl-C or SIGTERM, which the command reports (cli.stopped_message)
            time.sleep(3600)
    finally:
        context.__exit__(None, None, None)
