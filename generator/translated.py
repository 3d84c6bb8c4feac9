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
from .diagnostics import Diagnostics
from .messages import system_language, translate
from .sources import SECTION_FILE, read_text


def mark_translated(path: Path, languages: list[str] | None = None, lang: str | None = None) -> int:
    """Record ``path`` as in line with its original; 0 when done, 1 (with the problem, in the
    editor's language) when it cannot be, 2 when ``path`` is no section file."""
    path = Path(path)
    lang = lang or system_language()
    diagnostics = Diagnostics(Path.cwd())
    code = _mark(path, languages, diagnostics, lang)
    for item in diagnostics.sorted():
        print(item.format(lang), file=sys.stderr)
    return code


def _mark(path: Path, languages: list[str] | None, diagnostics: Diagnostics, lang: str) -> int:
    match = SECTION_FILE.match(path.name)
    if not path.is_file():
        diagnostics.error(path, "the file does not exist", hint="give the path of a translation, e.g. "
                                                                "content/2022/01-overview.en.md")
        return 2
    if not match:
        diagnostics.error(path, "not a section file: a translation is named NN-slug.LANG.md",
                          hint="name the translation of a section, e.g. 01-overview.en.md")
        return 2
    originals = sorted(p for p in path.parent.glob(f"*-{match['slug']}.*.md")
                       if p != path and SECTION_FILE.match(p.name) and p.is_file())
    if languages:  # the original is the site's first language that has the section
        originals.sort(key=lambda p: languages.index(SECTION_FILE.match(p.name)["lang"])
                       if SECTION_FILE.match(p.name)["lang"] in languages else len(languages))
    if not originals:
        diagnostics.error(path, f"no original of {path.name} in its folder",
                          hint=f"the original has the same slug in another language, e.g. "
                               f"{match['number']}-{match['slug']}.zh.md")
        return 1
    original = originals[0]
    if languages and match["lang"] in languages:
        present = [SECTION_FILE.match(p.name)["lang"] for p in originals] + [match["lang"]]
        if next(lang for lang in languages if lang in present) == match["lang"]:
            diagnostics.error(path, f"{path.name} is the original of its section, not a translation",
                              hint=f"record a translation instead, e.g. nianbao translated {original}")
            return 2
    text, translation = read_text(original, diagnostics), read_text(path, diagnostics)
    if text is None or translation is None:
        return 1
    prints = markdown.block_fingerprints(markdown.parse(markdown.create_parser(), text), text)
    line = "translated_from: [" + ", ".join(f'"{p}"' for p in prints) + "]"  # quoted: 12345678 is a number in YAML
    front = re.match(r"\A---\n(.*?\n)?---\n", translation, re.S)
    if not front:
        diagnostics.error(path, "the section has no front matter with its title", line=1,
                          hint="start the file with three lines: ---, title: \"…\", --- (did you forget the '---' lines?)")
        return 1
    body = front.group(1) or ""
    body = re.sub(r"^translated_from:.*\n", "", body, flags=re.M) + line + "\n"
    try:
        path.write_text(f"---\n{body}---\n" + translation[front.end():], encoding="utf-8")
    except OSError as error:
        diagnostics.error(path, f"the file cannot be written: {error.strerror}",
                          hint="check that the file is not read-only or open in another program")
        return 1
    print(translate(f"nianbao: {path.name} is recorded as in line with {original.name} ({len(prints)} blocks)", lang))
    return 0
