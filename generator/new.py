"""``nianbao new report 2023``: next year's report, started clean from the latest one.

Kept: the sections (files, numbers, slugs, titles), their chart blocks, and the figures (ids,
labels, units, sections, whether withheld), so that year-over-year charts line up once the
figures are in. Emptied: the texts, the summaries and the figures' values. The years of titles
move on with the report (2022 → 2023, and the outlook's 2023 → 2024). What is kept is kept as
written: the files are edited as text at the places the parsers found (``yamledit``), never
dumped again, so comments, quoting and long labels stay byte for byte.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from . import markdown, yamledit
from .config import load_project
from .diagnostics import Diagnostics
from .filesystem import Fault, describe, missing_folders, remove_if_empty
from .signals import held
from .messages import translate
from .sources import METRICS_FILE, REPORT_FILE, REPORT_ID, ReportFolder, SectionFile, discover_reports
from .yamlfile import YamlError, parse_yaml

# What a figure's value is made of: next year's figure has none of it yet.
VALUE_KEYS = {"value", "mask", "text", "qualifier", "note"}
# report.yml needs a summary in every language (an empty one is an error): a visible placeholder.
# Each starts with one of content.TO_BE_WRITTEN, so that check warns until it is replaced.
SUMMARY_TO_WRITE = {"zh": "（待写）本年度工作的摘要。", "en": "(To be written) A summary of the year's work."}
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.S)
# The years a report can cover: report.yml accepts 1900 to 2200, and a report's outlook looks a year on.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def new_report(config_path: Path, report_id: str, source_id: str | None = None, lang: str = "en") -> int:
    diagnostics = Diagnostics(Path(config_path).resolve().parent)
    project = load_project(Path(config_path), diagnostics)
    if project is None:
        return _print_diagnostics(diagnostics, lang)
    if not REPORT_ID.match(report_id):
        return print_failure(f"'{report_id}' cannot name a report", "use its year, e.g. 2023", lang, 2)
    target = project.content_dir / report_id
    if target.exists():
        return print_failure(f"{target} already exists; nothing was changed", "", lang, 1)
    folders = discover_reports(project.content_dir, project.languages, Diagnostics(project.root))
    candidates = [f for f in folders if f.meta is not None]
    source = next((f for f in candidates if f.id == source_id), None) if source_id else \
        max(candidates, key=lambda f: _year(f.meta.text, f.id), default=None)
    if source is None or source.meta is None:
        named = f" named '{source_id}'" if source_id else ""
        return print_failure(f"there is no report to start from{named}", "", lang, 1)
    year = int(report_id) if report_id.isdigit() else _year(source.meta.text, source.id) + 1
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return print_failure(f"the year {year} is not a year a report can cover", "use its year, e.g. 2023", lang, 2)
    files = started_files(source, year, project.languages, diagnostics)
    if files is None:
        _print_diagnostics(diagnostics, lang)
        return print_failure(f"cannot start from {source.id}: nothing was changed",
                             "fix the files named above (nianbao check shows every problem), then run this again",
                             lang, 1)
    fault = write_new_folder(target, files)
    if fault:
        return print_failure(f"{fault.path}: {fault.message}; nothing was changed", fault.hint, lang, 1)
    sections = sum(1 for name in files if name.endswith(".md"))
    created = (f"nianbao: created {target.relative_to(project.root).as_posix()}/ from {source.id}: "
               f"{sections} section files, {REPORT_FILE}"
               + (f", {METRICS_FILE} (no values yet)" if METRICS_FILE in files else ""))
    print(translate(created, lang))
    print("    " + translate("next: write the summaries, the sections and the figures, then run nianbao check", lang))
    return 0


def started_files(source: ReportFolder, year: int, languages: list[str],
                  diagnostics: Diagnostics) -> dict[str, str] | None:
    """The new report's files by name, made from ``source``; None when one of its files cannot be
    read as YAML (reported in ``diagnostics``)."""
    before = len(diagnostics.errors)
    old = _year(source.meta.text, source.id)
    # Years move on together: the report's year and the year its outlook looks to.
    years = {str(old): str(year), str(old + 1): str(year + 1)} if old else {}
    files = {REPORT_FILE: _report_yml(source, year, years, diagnostics)}
    if source.metrics is not None:
        files[METRICS_FILE] = _metrics_yml(source, diagnostics)
    md = markdown.create_parser()
    by_slug: dict[str, dict[str, SectionFile]] = {}
    for section in source.sections:
        by_slug.setdefault(section.slug, {})[section.lang] = section
    for versions in by_slug.values():
        # The original is the site's first language that has the section, as check reads it.
        order = sorted(versions, key=lambda code: languages.index(code) if code in languages else len(languages))
        original = versions[order[0]]
        emptied = _empty_section(original, years, None, md, diagnostics)
        files[original.source.path.name] = emptied
        prints = markdown.block_fingerprints(markdown.parse(md, emptied), emptied)
        for code in order[1:]:
            # The translation is in line with its emptied original: recording it so keeps check from
            # naming last year's paragraphs, and names the first paragraphs written in the original.
            translation = versions[code]
            files[translation.source.path.name] = _empty_section(translation, years, prints, md, diagnostics)
    return files if len(diagnostics.errors) == before else None


def write_new_folder(target: Path, files: dict[str, str]) -> Fault | None:
    """Write ``files`` (relative path → text) into ``target``, a new or empty folder, whole or not
    at all: into a hidden folder beside it first, moved into place at the end. An existing empty
    folder is kept (it may be the editor's current folder, or have permissions of its own) and
    the new entries are moved into it; an entry already there is never replaced. Returns what
    went wrong, or None."""
    target = target.resolve()
    created = missing_folders(target.parent)  # removed on failure
    staging, moved = None, []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with held(completed=False):  # made and known at once: a signal in between would leave it behind
            staging = Path(tempfile.mkdtemp(prefix=f".nianbao-new-{target.name}-", dir=target.parent))
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        if not target.exists():
            os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes a private folder; a project is not
            with held():  # in place, and known to be: a signal waits for it
                os.rename(staging, target)  # fails if a folder with files took its name meanwhile
                staging = None
            return None
        for entry in sorted(staging.iterdir()):
            if os.path.lexists(target / entry.name):  # came meanwhile: never replaced
                raise FileExistsError(errno.EEXIST, "File exists", str(target / entry.name))
            os.rename(entry, target / entry.name)
            moved.append(target / entry.name)
        staging.rmdir()
        return None
    except BaseException as exc:  # an error, or Ctrl-C / SIGTERM: nothing is left of the new folder
        for path in moved:  # the existing folder is left empty, as it was
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        remove_if_empty(created)
        if not isinstance(exc, OSError):
            raise
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            return Fault(target, "it was made meanwhile by another program, and is left as it is",
                         "look at what it holds before you start the report again")
        return describe(exc, target.parent, "a new folder", map(len, map(str.encode, files.values())), out=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _year(meta_text: str, fallback: str) -> int:
    try:
        data = parse_yaml(meta_text).data
    except YamlError:
        data = None
    year = data.get("year") if isinstance(data, dict) else None
    return year if isinstance(year, int) else int(fallback) if fallback.isdigit() else 0


def _move_years(text: str, years: dict[str, str]) -> str:
    if not years:
        return text
    return re.sub(r"(?<!\d)(" + "|".join(years) + r")(?!\d)", lambda m: years[m.group(0)], text)


def _composed(text: str, path: Path, diagnostics: Diagnostics, line_offset: int = 0) -> yaml.Node | None:
    """The node tree of ``text``, or None with the YAML error reported at its line."""
    try:
        parse_yaml(text, line_offset)
    except YamlError as exc:
        diagnostics.error(path, exc.message, line=exc.line, column=exc.column, hint=exc.hint)
        return None
    return yamledit.compose(text)


def _report_yml(source: ReportFolder, year: int, years: dict[str, str], diagnostics: Diagnostics) -> str:
    text = source.meta.text
    root = _composed(text, source.meta.path, diagnostics)
    edits = []
    for node in yamledit.texts(yamledit.value_of(root, "title")):
        edits.append(yamledit.rewrite_scalar(text, node, lambda raw: _move_years(raw, years)))
    year_node = yamledit.value_of(root, "year")
    if isinstance(year_node, yaml.ScalarNode):
        edits.append(yamledit.replace_scalar(text, year_node, str(year)))
    # Last year's official text's date and results, not this one's (its key figures are the same ids).
    last_years = {key for key in ("official_date", "highlights") if yamledit.pair_of(root, key) is not None}
    if last_years:
        edits += yamledit.remove_keys(text, root, last_years)
    date = yamledit.pair_of(root, "date")
    if date is not None and root.flow_style:
        edits += yamledit.remove_keys(text, root, {"date"})
    elif date is not None:  # the new edition is not published yet: where its date goes, as a comment
        edits.append(yamledit.Edit(date[0].start_mark.index, yamledit.end_of(text, date[1]),
                                   "# date: YYYY-MM-DD (the day this report is published)"))
    summary = yamledit.value_of(root, "summary")
    if isinstance(summary, yaml.ScalarNode):
        edits.append(yamledit.replace_scalar(text, summary, _quoted(SUMMARY_TO_WRITE["en"])))
    for key, value in yamledit.pairs(summary):
        for node in yamledit.texts(value):
            placeholder = SUMMARY_TO_WRITE.get(str(key.value), SUMMARY_TO_WRITE["en"])
            edits.append(yamledit.replace_scalar(text, node, _quoted(placeholder)))
    header = (f"# 由 nianbao new report 根据 {source.id} 年报告生成：请撰写摘要和各部分正文；报告发布时加上日期（date）。\n"
              f"# Started from the {source.id} report by `nianbao new report`: write the summary and the sections;\n"
              "# add the date when the report is published.\n")
    return header + yamledit.apply(text, edits)


def _metrics_yml(source: ReportFolder, diagnostics: Diagnostics) -> str:
    text = source.metrics.text
    root = _composed(text, source.metrics.path, diagnostics)
    metrics = yamledit.value_of(root, "metrics")
    edits = []
    for item in metrics.value if isinstance(metrics, yaml.SequenceNode) else []:
        edits += yamledit.remove_keys(text, item, VALUE_KEYS)
    header = (f"# 由 nianbao new report 根据 {source.id} 年报告生成：数字相同，但还没有数值。\n"
              "# 数字确定后逐一填写 value（原文用星号隐去的，填写 mask）。\n"
              f"# Started from the {source.id} report by `nianbao new report`: the same figures, without values.\n"
              "# Give each its value (or, where the published text masks it, its mask) as the figures come in.\n")
    return header + yamledit.apply(text, edits)


def _empty_section(section: SectionFile, years: dict[str, str], translated_from: list[str] | None,
                   md: MarkdownIt, diagnostics: Diagnostics) -> str:
    """The section's front matter (title's years moved, summary emptied, translated_from as
    given or dropped) and its chart blocks, without its text."""
    text = section.source.text
    match = FRONT_MATTER.match(text)
    if match is None:
        return "---\ntitle: \"\"\n---\n\n"
    front = match.group(1) or ""
    root = _composed(front, section.source.path, diagnostics, line_offset=1)
    edits = []
    for node in yamledit.texts(yamledit.value_of(root, "title")):
        edits.append(yamledit.rewrite_scalar(front, node, lambda raw: _move_years(raw, years)))
    for node in yamledit.texts(yamledit.value_of(root, "summary")):
        edits.append(yamledit.replace_scalar(front, node, '""'))
    recorded = yamledit.pair_of(root, "translated_from")
    if recorded is not None and translated_from is not None:
        line = "translated_from: [" + ", ".join(f'"{p}"' for p in translated_from) + "]"
        edits.append(yamledit.Edit(recorded[0].start_mark.index, yamledit.end_of(front, recorded[1]), line))
    elif recorded is not None:
        edits += yamledit.remove_keys(front, root, {"translated_from"})
    front = yamledit.apply(front, edits)
    charts = [_chart_block(token, years) for token in md.parse(text, {})
              if token.type == "fence" and token.info.strip() == "chart"]
    return f"---\n{front}---\n\n" + "".join(chart + "\n\n" for chart in charts)[:-1]


def _chart_block(token, years: dict[str, str]) -> str:
    """A chart block as written, its title's and caption's years moved on."""
    content = token.content
    try:
        parse_yaml(content)
        root = yamledit.compose(content)
    except YamlError:
        root = None  # a broken block is kept as it is: check reports it where it is
    edits = [yamledit.rewrite_scalar(content, node, lambda raw: _move_years(raw, years))
             for key in ("title", "caption") for node in yamledit.texts(yamledit.value_of(root, key))]
    return f"{token.markup}chart\n{yamledit.apply(content, edits)}{token.markup}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def print_failure(message: str, hint: str, lang: str, code: int) -> int:
    """Print ``nianbao: message`` and its hint in the editor's language; return ``code``."""
    text = translate(f"nianbao: {message}", lang)
    if hint:
        text += "\n    " + translate(f"hint: {translate(hint, lang)}", lang)
    print(text, file=sys.stderr)
    return code


def _print_diagnostics(diagnostics: Diagnostics, lang: str) -> int:
    for item in diagnostics.sorted():
        print(item.format(lang), file=sys.stderr)
    return 1
