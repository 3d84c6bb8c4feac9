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

import shutil
import subprocess
import tempfile
from pathlib import Path

SEARCH_FOLDER = "pagefind"
UNWANTED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-highlight")  # we draw our own results


class SearchError(Exception):
    """Pagefind failed; the message is what it said."""


class SearchIndexing:
    """Pagefind indexing ``pages`` (output path → HTML) in the background; ``files()`` waits for it."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        from pagefind_bin_extended import get_executable  # imported here: only builds with search need it

        self.folder = Path(tempfile.mkdtemp(prefix="nianbao-search-"))
        try:
            for path, data in pages.items():
                target = self.folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            # The folder is the working directory too, so no pagefind.yml of the user's is read.
            self.process: subprocess.Popen | None = subprocess.Popen(
                [str(get_executable()), "--site", ".", "--output-subdir", SEARCH_FOLDER, "--keep-index-url",
                 "--silent"], cwd=self.folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT)
        except BaseException:
            self.close()
            raise

    def files(self) -> dict[str, bytes]:
        """The Pagefind bundle, as site path → bytes."""
        assert self.process is not None
        output, _ = self.process.communicate()
        if self.process.returncode != 0:
            raise SearchError(output.decode("utf-8", "replace").strip() or f"exit code {self.process.returncode}")
        bundle = self.folder / SEARCH_FOLDER
        return {f"{SEARCH_FOLDER}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                for path in sorted(bundle.rglob("*"))
                if path.is_file() and not path.relative_to(bundle).as_posix().startswith(UNWANTED)}

    def close(self) -> None:
        if getattr(self, "process", None) is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "SearchIndexing":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def build_index(pages: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for ``pages`` (output path → HTML), as output path → bytes."""
    with SearchIndexing(pages) as indexing:
        return indexing.files()
