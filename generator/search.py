"""Search: a static full-text index per language, built with Pagefind.

Pagefind's extended build segments Chinese into words, so a reader finds 冬奥
in 冬奥会. The index is built in memory from the rendered pages and joins the
site's other files before the leak check and the write, so it is checked and
swapped in like every other file. Only section text is indexed (the elements
marked ``data-pagefind-body``), and masks are left out of it.

Version 1.4.0 is pinned: 1.5.2 finds far fewer Chinese terms (docs/search.md
gives the measurements).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

SEARCH_FOLDER = "pagefind"


def build_index(pages: dict[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for ``pages`` (output path → HTML), as output path → bytes."""
    return asyncio.run(_build(pages))


async def _build(pages: dict[str, bytes]) -> dict[str, bytes]:
    from pagefind.index import PagefindIndex  # imported here: only builds with search pay for it

    # Pagefind reads a folder natively, far faster than page by page through its service:
    # the pages go to a private temporary folder, indexed in one call.
    with tempfile.TemporaryDirectory(prefix="nianbao-search-") as folder:
        for path, data in pages.items():
            target = Path(folder) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        async with PagefindIndex(config={"keep_index_url": True, "output_path": SEARCH_FOLDER}) as index:
            await index.add_directory(folder)
            files = await index.get_files()
            await index.delete_index()
    unwanted = ("pagefind-ui", "pagefind-modular-ui", "pagefind-highlight")  # we draw our own results
    return {f"{SEARCH_FOLDER}/{f['path']}": f["content"] for f in files
            if not f["path"].startswith(unwanted)}
