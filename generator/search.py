"""Search: a static full-text index per language, built with Pagefind.

Pagefind's extended build segments Chinese into words, so a reader finds 冬奥
in 冬奥会. The index is built from the rendered pages and joins the site's
other files before the leak check and the write, so it is checked and swapped
in like every other file. Only section text is indexed (the elements marked
``data-pagefind-body``), and masks are left out of it.

Pagefind runs as its own program (the binary of the pinned ``pagefind_bin_extended``
package) on a private temporary folder of the pages. It starts as soon as the
section pages are rendered and indexes them on another core while the build
renders the other pages. (Its Python service API is not used: it reads replies
through a 2 MiB buffer and hangs once an index is larger, at about 1,000 sections.)

Version 1.4.0 is pinned: 1.5.2 finds far fewer Chinese terms (docs/search.md
gives the measurements).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

SEARCH_FOLDER = "pagefind"
ENTRY = f"{SEARCH_FOLDER}/pagefind-entry.json"
UNWANTED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-highlight")  # we draw our own results


class SearchError(Exception):
    """Pagefind failed; the message is what it said."""


class SearchIndexing:
    """Pagefind indexing pages in the background, one program per language so that the languages
    are indexed side by side; ``files()`` waits for them.

    ``pages``: language → output path → HTML. Pagefind indexes each language on its own (its
    files for one language are the same whichever other languages it indexes alongside), so the
    bundles are joined by merging the languages of their ``pagefind-entry.json``. ``cache`` keeps
    each language's bundle by the pages it indexed, for the next build.
    """

    def __init__(self, pages: dict[str, dict[str, bytes]], cache: dict | None = None) -> None:
        self.cache = cache if cache is not None else {}
        self.languages = list(pages)
        self.bundles: dict[str, dict[str, bytes]] = {}
        self.running: dict[str, tuple[str, Path, subprocess.Popen]] = {}
        try:
            for lang, lang_pages in pages.items():
                digest = hashlib.sha256(b"".join(path.encode() + b"\0" + data + b"\0"
                                                 for path, data in sorted(lang_pages.items()))).hexdigest()
                if self.cache.get(lang, ("", {}))[0] == digest:
                    self.bundles[lang] = self.cache[lang][1]
                elif lang_pages:
                    self.running[lang] = (digest, *_start(lang_pages))
        except BaseException:
            self.close()
            raise

    def files(self) -> dict[str, bytes]:
        """The Pagefind bundle, as site path → bytes."""
        for lang, (digest, folder, process) in self.running.items():
            output, _ = process.communicate()
            if process.returncode != 0:
                raise SearchError(output.decode("utf-8", "replace").strip() or f"exit code {process.returncode}")
            bundle = folder / SEARCH_FOLDER
            self.bundles[lang] = {f"{SEARCH_FOLDER}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                                  for path in sorted(bundle.rglob("*"))
                                  if path.is_file() and not path.relative_to(bundle).as_posix().startswith(UNWANTED)}
            self.cache[lang] = (digest, self.bundles[lang])
        files: dict[str, bytes] = {}
        entries = []
        for lang in [lang for lang in self.languages if lang in self.bundles]:
            files.update(self.bundles[lang])
            entries.append(json.loads(self.bundles[lang][ENTRY]))
        if entries:  # one entry naming every language, in the site's order
            entry = entries[0] | {"languages": {code: value for e in entries for code, value in e["languages"].items()}}
            files[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return files

    def close(self) -> None:
        for _digest, folder, process in self.running.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> "SearchIndexing":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# Pagefind reads its pages from files and writes its index as files, which the build reads back and
# deletes: in memory (a tmpfs) where the system has one with room, thousands of files cost tenths of a
# second instead of seconds on a slow disk (measured: about 3 s at 1,000 sections).
MEMORY_FOLDER = Path("/dev/shm")


def _scratch_parent(size: int) -> str | None:
    """Where Pagefind's private folder goes: the memory folder if it can hold three times ``size``
    bytes (the pages and the index), else the system's temporary folder (None)."""
    try:
        free = os.statvfs(MEMORY_FOLDER)
        if MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK) and free.f_bavail * free.f_frsize > 3 * size:
            return str(MEMORY_FOLDER)
    except (OSError, AttributeError):  # none here (not Linux)
        pass
    return None


def _start(pages: dict[str, bytes]) -> tuple[Path, subprocess.Popen]:
    """Pagefind started on a private temporary folder holding ``pages``."""
    from pagefind_bin_extended import get_executable  # imported here: only builds with search need it

    executable = get_executable()
    parent = _scratch_parent(sum(len(data) for data in pages.values()))
    try:
        return _start_in(pages, parent, executable)
    except OSError:
        if parent is None:
            raise
        return _start_in(pages, None, executable)  # the memory folder filled up meanwhile: on disk


def _start_in(pages: dict[str, bytes], parent: str | None, executable) -> tuple[Path, subprocess.Popen]:
    folder = Path(tempfile.mkdtemp(prefix="nianbao-search-", dir=parent))
    try:
        for path, data in pages.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        # The folder is the working directory too, so no pagefind.yml of the user's is read, and no
        # PAGEFIND_ variable of theirs is passed on: the index is the same on every machine.
        process = subprocess.Popen(
            [str(executable), "--site", ".", "--output-subdir", SEARCH_FOLDER, "--keep-index-url", "--silent"],
            cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, process


BODY = b"data-pagefind-body"
# What Pagefind reads of a page besides the element marked data-pagefind-body, wherever it stands:
# its data-pagefind-* attributes (metadata, filters, sorts), and the first <h1> and <img> (a result's
# default title and image). A page is cut down only if the parts cut hold none of them.
READ_ANYWHERE = (b"data-pagefind", b"<h1", b"<img")
UNSURE = (b"<!--", b"<template", b"<![cdata[", b"<plaintext", b"<xmp")  # where what looks like a tag may be text
RAW_TEXT = re.compile(rb"<(script|style|textarea|title|noscript|iframe|noembed|noframes)[\s>/]")


def indexed_part(page: bytes) -> bytes:
    """A page of the built-in theme as Pagefind needs it: its head and the one element marked
    ``data-pagefind-body``, without the navigation, header and footer around it. The index is the
    same byte for byte (tests/test_search.py), and Pagefind has less to read (measured: 4.8 s instead
    of 5.4–6.0 s for 1,000 sections in Chinese). Any page this reading is not sure of is given whole.
    (The theme's attribute values are escaped, so "<" starts a tag wherever it is not script or style
    text, which is checked; a project's own templates need not be so, and their pages are given whole.)"""
    lowered = page.lower()
    at = lowered.find(BODY)
    body = lowered.find(b"<body")
    if at == -1 or body == -1 or lowered.find(BODY, at + 1) != -1:
        return page
    body_end = lowered.find(b">", body) + 1
    start = lowered.rfind(b"<", 0, at)
    name = re.match(rb"<([a-z][a-z0-9-]*)[\s>/]", lowered[start:start + 64])
    if body_end == 0 or start < body_end or name is None or b">" in lowered[start:at]:
        return page
    end = _element_end(lowered, start, name.group(1))
    if end is None:
        return page
    cut = lowered[body_end:start] + lowered[end:]
    if any(marker in cut for marker in READ_ANYWHERE) or not _tags_are_tags(lowered[start:end]):
        return page
    return page[:body_end] + page[start:end] + b"</body></html>\n"


def _tags_are_tags(element: bytes) -> bool:
    """Whether every "<" of ``element`` that starts a tag is one: no comment, and the text of a
    script or style (a chart's data) holds no "<" before its end tag."""
    if any(marker in element for marker in UNSURE):
        return False
    for raw in RAW_TEXT.finditer(element):
        text_start = element.find(b">", raw.start()) + 1
        text_end = element.find(b"</" + raw.group(1), text_start)
        if text_start == 0 or text_end == -1 or b"<" in element[text_start:text_end]:
            return False
    return True


def _element_end(lowered: bytes, start: int, name: bytes) -> int | None:
    """Where the element opened at ``start`` ends (after its closing tag), counting the elements of
    the same name inside it; None if it does not close."""
    depth = 0
    for tag in re.finditer(rb"<(/?)" + re.escape(name) + rb"[\s>/]", lowered[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            close = lowered.find(b">", start + tag.end() - 1)
            return None if close == -1 else close + 1
    return None


def build_index(pages: dict[str, dict[str, bytes]], cache: dict | None = None) -> dict[str, bytes]:
    """The Pagefind bundle for ``pages`` (language → output path → HTML), as output path → bytes."""
    with SearchIndexing(pages, cache) as indexing:
        return indexing.files()


def build_index_apart(pages: dict[str, dict[str, bytes]], cache: dict,
                      started: Callable[[subprocess.Popen], None] = lambda child: None) -> dict[str, bytes]:
    """``build_index`` in a child process at the lowest priority (the dev server's index): the
    pages it writes out and the bundle it reads back would otherwise hold the server's own
    process, and slow the rebuild of the next save. ``started`` is given the child, which ends
    cleanly on SIGTERM (its Pagefind stopped, its folder removed): the server stops it so.

    The pages go to the child, and its index comes back, as one file each, written and read in
    one call: through a pipe, the tens of megabytes go in thousands of pieces, and this thread,
    taking the interpreter's lock back for each, held up the server's rebuild of a save made
    meanwhile by a tenth of a second and more (measured at 1,000 sections)."""
    size = sum(len(data) for lang_pages in pages.values() for data in lang_pages.values())
    try:
        folder = tempfile.mkdtemp(prefix="nianbao-index-", dir=_scratch_parent(3 * size))
    except OSError as error:  # no room, or no temporary folder that may be written
        raise SearchError(str(error)) from error
    try:
        given, made = os.path.join(folder, "pages.pickle"), os.path.join(folder, "index.pickle")
        _write_whole(given, pickle.dumps((pages, cache), pickle.HIGHEST_PROTOCOL))
        child = subprocess.Popen([sys.executable, "-m", "generator.search", given, made],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 preexec_fn=(lambda: os.nice(19)) if os.name == "posix" else None)
        started(child)
        _, errors = child.communicate()
        if child.returncode != 0:
            raise SearchError(errors.decode("utf-8", "replace").strip()[-2000:] or f"exit code {child.returncode}")
        with open(made, "rb") as file:
            files, new_cache = pickle.loads(file.read())
    except OSError as error:  # the scratch folder full, or not writable
        raise SearchError(str(error)) from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cache.clear()
    cache.update(new_cache)
    return files


def _write_whole(path: str, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)


if __name__ == "__main__":  # the child of build_index_apart: its pages' file, and where its index goes
    import signal

    def _stopped(signum, frame):
        # Stopped by the server: on the way out, Pagefind is stopped and its folder removed. A second
        # SIGTERM (a save and the server's stop may both send one) must not cut that short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, _stopped)
    with open(sys.argv[1], "rb") as _given:
        _pages, _cache = pickle.loads(_given.read())
    _write_whole(sys.argv[2], pickle.dumps((build_index(_pages, _cache), _cache), pickle.HIGHEST_PROTOCOL))
