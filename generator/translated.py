"""``nianbao translated FILE``: record that a translation is in line with its original.

It writes into the translation's front matter a fingerprint of each paragraph
of the original as it is now (``translated_from``); from then on ``nianbao
check`` names the paragraphs of the original that change.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import markdown
from .sources import SECTION_FILE


def mark_translated(path: Path, languages: list[str] | None = None) -> int:
    path = Path(path)
    match = SECTION_FILE.match(path.name)
    if not match or not path.is_file():
        print(f"nianbao: {path} is not a section file (NN-slug.LANG.md)", file=sys.stderr)
        return 2
    originals = sorted(p for p in path.parent.glob(f"*-{match['slug']}.*.md")
                       if p != path and SECTION_FILE.match(p.name))
    if languages:  # the original is the site's first language that has the section
        originals.sort(key=lambda p: languages.index(SECTION_FILE.match(p.name)["lang"])
                       if SECTION_FILE.match(p.name)["lang"] in languages else len(languages))
    if not originals:
        print(f"nianbao: no original of {path.name} in {path.parent}", file=sys.stderr)
        return 1
    original = originals[0]
    md = markdown.create_parser()
    text = original.read_text(encoding="utf-8")
    prints = markdown.block_fingerprints(markdown.parse(md, text), text)
    line = "translated_from: [" + ", ".join(f'"{p}"' for p in prints) + "]"  # quoted: 12345678 is a number in YAML
    translation = path.read_text(encoding="utf-8")
    front = re.match(r"\A---\n(.*?\n)?---\n", translation, re.S)
    if not front:
        print(f"nianbao: {path.name} has no front matter", file=sys.stderr)
        return 1
    body = front.group(1) or ""
    body = re.sub(r"^translated_from:.*\n", "", body, flags=re.M) + line + "\n"
    path.write_text(f"---\n{body}---\n" + translation[front.end():], encoding="utf-8")
    print(f"nianbao: {path.name} is recorded as in line with {original.name} ({len(prints)} blocks)")
    return 0
