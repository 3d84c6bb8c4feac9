"""Discovery and reading: which files make up the project, and their text.

A report is a folder under the content folder; its sections are the files
named ``NN-slug.LANG.md``. Reading checks what every later stage relies on:
the file is UTF-8 and not empty.
"""

from __future__ import annotations

import os

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .diagnostics import Diagnostics
from .yamlfile import encoding_problem

SECTION_FILE = re.compile(r"^(?P<number>\d{1,4})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.md$")
REPORT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED_NAMES = {"withheld", "search", "assets", "pagefind"}  # addresses the site itself uses
# Resource limits (docs/hardening.md#limits): an editor's file is far smaller; anything larger is a mistake
# or an attack, refused with a clear error instead of exhausting memory.
MAX_FILE_BYTES = 2 * 1024 * 1024
# The official text a report reproduces (official-text.zh.txt), kept beside it for reference and for
# the tests that compare the pages with it: expected there, never published.
OFFICIAL_TEXT = re.compile(r"^official-text\.[a-z]{2,3}(?:-[A-Za-z0-9]+)?\.txt$")
REPORT_FILE = "report.yml"
METRICS_FILE = "metrics.yml"
GLOSSARY_FILE = "glossary.yml"  # in the content folder, for every report: read by nianbao check (glossary.py)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    text: str
    written: str = ""  # the text as its editor wrote it, where an edition rewrote ``text`` (masks: fixed)

    @property
    def as_written(self) -> str:
        return self.written or self.text


@dataclass(frozen=True)
class SectionFile:
    source: SourceFile
    number: int
    slug: str
    lang: str


@dataclass
class ReportFolder:
    id: str
    folder: Path
    meta: SourceFile | None = None
    metrics: SourceFile | None = None
    sections: list[SectionFile] = field(default_factory=list)
    # Every well-named section file by slug and language, readable or not.
    section_paths: dict[str, dict[str, Path]] = field(default_factory=dict)
    # The slugs of section files named wrong (03_x.zh.md, 03-x.ZH.MD): their own error says why
    # they are missing, so what names them elsewhere is not reported as well.
    misnamed: set[str] = field(default_factory=set)


def read_text(path: Path, diagnostics: Diagnostics, root: Path | None = None,
              known: dict | None = None) -> str | None:
    """The file's text, or None with a diagnostic when it is unreadable, too large, outside
    ``root`` (a symbolic link out of the content folder), not UTF-8 or empty.

    ``known`` keeps the texts read, by path (a string), with the file's status when read: a file
    whose status is the same (time, size, inode) is not read again."""
    if known is not None:
        key = os.fspath(path)  # a string: hashing a new Path object again and again is slow
        stamp = file_stamp(key)
        if stamp is not None and key in known and known[key][0] == stamp:
            return known[key][1]
        text = read_text(path, diagnostics, root)
        if stamp is not None and text is not None:
            known[key] = (stamp, text)
        return text
    # Only a link can lead out (its folder is checked by the caller); resolving every file is slow.
    if root is not None and path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        diagnostics.error(path, "the file is a link to a file outside the content folder",
                          hint="copy the file into the content folder instead of linking to it")
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.error(path, f"the file is too large ({size // 1024 // 1024} MB; at most "
                              f"{MAX_FILE_BYTES // 1024 // 1024} MB)",
                              hint="a section is text: split a very long one into several sections")
            return None
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.error(path, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message, hint = encoding_problem(data)  # names GBK or UTF-16 where the file is in one
        diagnostics.error(path, message, line=line, column=column, hint=hint)
        return None
    if not text.strip():
        diagnostics.error(path, "the file is empty", hint="write its content, or delete the file")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_stamp(path: str) -> tuple | None:
    """A file's status as far as it tells a change (time, size, inode); None if it cannot be read."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


def discover_reports(content_dir: Path, languages: list[str], diagnostics: Diagnostics,
                     known: dict | None = None) -> list[ReportFolder]:
    """The report folders of the content folder and their files' texts (``known``: see read_text)."""
    if not content_dir.is_dir():
        diagnostics.error(content_dir, "the content folder does not exist",
                          hint="create it, or set 'content:' in site_config.yml")
        return []
    reports = []
    for path in sorted(p for p in content_dir.iterdir() if not p.is_dir() and not p.name.startswith(".")):
        if path.name != GLOSSARY_FILE:
            _not_read(path, diagnostics, "a report's files go in its own folder, e.g. content/2023/")
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not folder.resolve().is_relative_to(content_dir.resolve()):
            diagnostics.error(folder, "the report folder is a link to a folder outside the content folder",
                              hint="move the report into the content folder")
            continue
        report = _discover_report(folder, languages, diagnostics, content_dir, known)
        if report is not None:
            reports.append(report)
    if not reports:
        diagnostics.error(content_dir, "there is no report in the content folder",
                          hint="a report is a folder with a report.yml and NN-slug.zh.md section files")
    return reports


def _discover_report(folder: Path, languages: list[str], diagnostics: Diagnostics,
                     content_dir: Path, known: dict | None) -> ReportFolder | None:
    with os.scandir(folder) as entries:  # faster than Path.iterdir and is_file on a big archive
        visible = sorted((e.name, e.is_file()) for e in entries if not e.name.startswith("."))
    # A folder found as it was, every file it read unchanged and none of them read again since
    # (``known`` holds each with its status), is the same report: the last one is taken, not made
    # again (a thousand files are a tenth of a second of a dev server's rebuild).
    memo_key = ("report folder", os.fspath(folder))
    read_as = (os.fspath(content_dir), tuple(languages), tuple(visible))
    last = known.get(memo_key) if known is not None else None
    if last is not None and last[0] == read_as and all(path in known and known[path][0] == file_stamp(path)
                                                       for path in last[1]):
        return replace(last[2])  # a copy: an edition replaces its texts (replace_texts)
    problems = len(diagnostics.items)
    report = _read_report(folder, visible, languages, diagnostics, content_dir, known)
    if known is not None and report is not None and len(diagnostics.items) == problems:
        known[memo_key] = (read_as, [os.fspath(source.path) for source in source_files(report)], replace(report))
    return report


def _read_report(folder: Path, visible: list[tuple[str, bool]], languages: list[str], diagnostics: Diagnostics,
                 content_dir: Path, known: dict | None) -> ReportFolder | None:
    files = [folder / name for name, is_file in visible if is_file]
    markdown = [p for p in files if p.suffix == ".md"]
    meta_path = folder / REPORT_FILE
    if not meta_path.is_file():
        if markdown:
            diagnostics.error(folder, f"the report folder has no {REPORT_FILE}",
                              hint=f"add {REPORT_FILE} with title, year and summary (see docs/)")
        else:
            _not_read(folder, diagnostics, f"a report is a folder with a {REPORT_FILE} and NN-slug.LANG.md "
                                           "section files")
        return None
    for name, is_file in visible:
        if not is_file:
            _not_read(folder / name, diagnostics, "a report's files are read from its own folder, not from "
                                                  "folders inside it")
        elif name not in (REPORT_FILE, METRICS_FILE) and not name.endswith(".md") and not OFFICIAL_TEXT.match(name):
            _not_read(folder / name, diagnostics, "")
    if folder.name in RESERVED_NAMES:
        diagnostics.error(folder, f"'{folder.name}' cannot name a report: the site uses that address",
                          hint="name the folder after the report's year, e.g. 2023")
        return None
    if not REPORT_ID.match(folder.name):
        diagnostics.error(folder, f"'{folder.name}' cannot name a report: its name becomes the address",
                          hint="use lower-case letters, digits and '-', e.g. 2022")
        return None
    report = ReportFolder(folder.name, folder)
    report.misnamed = {SECTION_FILE.match(meant)["slug"] for name, is_file in visible
                       if is_file and (meant := probable_name(name)) and SECTION_FILE.match(meant)}
    text = read_text(meta_path, diagnostics, content_dir, known)
    if text is not None:
        report.meta = SourceFile(meta_path, text)
    metrics_path = folder / METRICS_FILE
    if metrics_path.is_file():
        text = read_text(metrics_path, diagnostics, content_dir, known)
        if text is not None:
            report.metrics = SourceFile(metrics_path, text)
    for path in markdown:
        match = SECTION_FILE.match(path.name)
        if not match:
            _misnamed_section(path, probable_name(path.name), diagnostics)
            continue
        lang = match["lang"]
        if lang not in languages:
            diagnostics.error(path, f"'{lang}' is not a language of this site",
                              hint=f"the site's languages are {', '.join(languages)} (site_config.yml)")
            continue
        report.section_paths.setdefault(match["slug"], {}).setdefault(lang, path)
        text = read_text(path, diagnostics, content_dir, known)
        if text is not None:
            report.sections.append(SectionFile(SourceFile(path, text), int(match["number"]),
                                               match["slug"], lang))
    return report


def _not_read(path: Path, diagnostics: Diagnostics, hint: str) -> None:
    """A warning for a file or folder under content/ that nianbao does not read, with the name
    it was probably meant to have."""
    meant = probable_name(path.name) if path.is_file() else None
    if meant and SECTION_FILE.match(meant):  # a section, misnamed: the site would miss it without a word
        _misnamed_section(path, meant, diagnostics)
        return
    if meant:
        hint = RENAME_HINT.format(name=meant)
    diagnostics.warning(path, f"nianbao does not read this {'file' if path.is_file() else 'folder'}: "
                        "it is not part of the site",
                        hint=hint or "only report.yml, metrics.yml, NN-slug.LANG.md and official-text.LANG.txt files "
                                     "belong in a report folder: keep other files (notes, drafts) outside the "
                                     "content folder")


RENAME_HINT = "did you mean {name}? Rename it so that it is read"


def _misnamed_section(path: Path, meant: str | None, diagnostics: Diagnostics) -> None:
    diagnostics.error(path, "this file name does not name a section",
                      hint=RENAME_HINT.format(name=meant) if meant else
                      "name section files NN-slug.LANG.md, e.g. 01-winter-olympics.zh.md "
                      "(lower-case letters, digits and '-' in the slug)")


def probable_name(name: str) -> str | None:
    """The name a file that nianbao does not read was probably meant to have: 99-x.ZH.MD →
    99-x.zh.md, 01_x.zh.markdown → 01-x.zh.md, Report.yaml → report.yml."""
    lowered = name.lower()
    stem, _, suffix = lowered.rpartition(".")
    if suffix in ("yml", "yaml") and stem in ("report", "metrics", "metric", "reports", "glossary"):
        return {"glossary": GLOSSARY_FILE}.get(stem, REPORT_FILE if stem.startswith("report") else METRICS_FILE)
    if suffix in ("md", "markdown", "mdown", "mkd", "txt") and stem:
        candidate = re.sub(r"[\s_]+", "-", stem) + ".md"
        if SECTION_FILE.match(candidate) and candidate != name:
            return candidate
    return None


def source_files(folder: ReportFolder) -> list[SourceFile]:
    """Every text of a report folder: metadata, figures and sections."""
    return [f for f in (folder.meta, folder.metrics) if f is not None] + [s.source for s in folder.sections]


def replace_texts(folder: ReportFolder, transform: Callable[[SourceFile], str]) -> None:
    """Rewrite every text of the folder (an edition's masks), keeping paths and lines."""
    def new(source: SourceFile) -> SourceFile:
        return SourceFile(source.path, transform(source), source.as_written)

    folder.meta = new(folder.meta) if folder.meta else None
    folder.metrics = new(folder.metrics) if folder.metrics else None
    folder.sections = [SectionFile(new(s.source), s.number, s.slug, s.lang) for s in folder.sections]
