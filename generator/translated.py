"""``nianbao translated FILE``: record that a translation is in line with its original.

It writes into the translation's front matter a fingerprint of each paragraph
of the original as it is now (``translated_from``); from then on ``nianbao
check`` names the paragraphs of the original that change.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from . import markdown
from .diagnostics import Diagnostics
from .filesystem import describe
from .signals import held
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
        replace_file(path, f"---\n{body}---\n" + translation[front.end():])
    except OSError as error:
        fault = describe(error, path.parent, path.name, [len(translation.encode("utf-8"))], out=False)
        diagnostics.error(path, f"{fault.message}; the file was left as it was", hint=fault.hint)
        return 1
    print(translate(f"nianbao: {path.name} is recorded as in line with {original.name} ({len(prints)} blocks)", lang))
    return 0


def replace_file(path: Path, text: str) -> None:
    """``path``'s text replaced whole or not at all: written beside it first, then renamed over it
    (a kill or a full disk midway leaves the old file). Its permissions are kept."""
    path = path.resolve()  # through a link, as writing to it would
    temporary = None
    try:
        with held(completed=False):  # made and known at once: a signal in between would leave it behind
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        with held():  # replaced, and known to be: a signal waits for it
            os.replace(temporary, path)
            temporary = None
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise
