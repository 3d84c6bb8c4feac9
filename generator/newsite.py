"""``nianbao new site FOLDER``: a small project that builds and passes ``check --strict`` at once.

The starter files travel inside the package (``generator/starter/``), so an installed nianbao
needs nothing from the repository: a site_config.yml with every field explained in Chinese and
English, one report of two sections in both languages with figures (one masked, one withheld)
and a chart, and a .gitignore for what a build writes.
"""

from __future__ import annotations

import datetime
import shlex
import sys
from pathlib import Path

from . import markdown
from .messages import translate
from .new import FIRST_YEAR, FRONT_MATTER, LAST_YEAR, print_failure, write_new_folder

STARTER = Path(__file__).resolve().parent / "starter"
# Names in the starter folder that are not the names written: a file named .gitignore inside
# the package would be read as ignore rules for the package itself; the year is the option's.
RENAMED = {"gitignore": ".gitignore"}
REPORT_FOLDER = "content/report"


def new_site(folder: Path, year: int | None, lang: str) -> int:
    year = year if year is not None else datetime.date.today().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return print_failure(f"the year {year} is not a year a report can cover",
                             "give a year such as 2024 with --year", lang, 2)
    if folder.exists() and not folder.is_dir():
        return print_failure(f"{folder} exists and is not a folder: nothing was written",
                             "name a new folder, e.g. nianbao new site annual-report", lang, 2)
    if folder.is_dir() and any(folder.iterdir()):
        return print_failure(f"{folder} is not empty: nothing was written",
                             "name a new or empty folder; to start next year's report in a project, run "
                             "nianbao new report YEAR in it", lang, 2)
    files = starter_files(year)
    fault = write_new_folder(folder, files)
    if fault:
        return print_failure(f"{fault.path}: {fault.message}; nothing was written", fault.hint, lang, 2)
    shown = folder.as_posix().rstrip("/")
    print(translate(f"nianbao: created {shown}/ with a report for {year}:", lang))
    for name in sorted(files):
        print(f"  {shown}/{name}")
    print(translate("next:", lang))
    steps = [] if folder.resolve() == Path.cwd().resolve() else [(f"cd {shlex.quote(str(folder))}", "")]
    for command, why in steps + [("nianbao serve --open", "preview the site; open pages reload at every save"),
                                 ("nianbao check --strict", "check everything, as before publishing"),
                                 ("nianbao build", "write the site into site/")]:
        print(f"  {command:<24} {translate(why, lang)}".rstrip())
    return 0


def starter_files(year: int) -> dict[str, str]:
    """The new project's files by path, for a first report of ``year``."""
    files = {}
    for path in sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        name = path.relative_to(STARTER).as_posix()
        name = RENAMED.get(name, name).replace(REPORT_FOLDER, f"content/{year}", 1)
        text = path.read_text(encoding="utf-8")
        files[name] = text.replace("__NEXT_YEAR__", str(year + 1)).replace("__YEAR__", str(year))
    return _record_translations(files)


def _record_translations(files: dict[str, str]) -> dict[str, str]:
    """Each English section recorded as in line with its Chinese original, as `nianbao translated`
    would: without it, check warns that nothing records which version it translates."""
    md = markdown.create_parser()
    for name, text in list(files.items()):
        original = name.replace(".en.md", ".zh.md")
        if not name.endswith(".en.md") or original not in files:
            continue
        source = files[original]
        prints = markdown.block_fingerprints(markdown.parse(md, source), source)
        line = "translated_from: [" + ", ".join(f'"{p}"' for p in prints) + "]\n"
        front = FRONT_MATTER.match(text)
        files[name] = text[:front.end() - 4] + line + text[front.end() - 4:]  # before the closing ---
    return files
