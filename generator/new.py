"""``nianbao new report 2023``: next year's report, started from the latest one.

The same section files (titles kept, bodies empty), a ``report.yml`` for the
new year, and a ``metrics.yml`` with the same ids, labels and units but no
values yet, so that year-over-year charts line up once the figures are in.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from .config import load_project
from .diagnostics import Diagnostics
from .sources import METRICS_FILE, REPORT_FILE, REPORT_ID, discover_reports
from .yamlfile import parse_yaml


def new_report(config_path: Path, report_id: str, source_id: str | None = None) -> int:
    diagnostics = Diagnostics(Path(config_path).resolve().parent)
    project = load_project(Path(config_path), diagnostics)
    if project is None:
        for item in diagnostics.sorted():
            print(item.format(), file=sys.stderr)
        return 1
    if not REPORT_ID.match(report_id):
        print(f"nianbao: '{report_id}' cannot name a report\n    hint: use its year, e.g. 2023", file=sys.stderr)
        return 2
    target = project.content_dir / report_id
    if target.exists():
        print(f"nianbao: {target} already exists; nothing was changed", file=sys.stderr)
        return 1
    folders = discover_reports(project.content_dir, project.languages, diagnostics)
    candidates = [f for f in folders if f.meta is not None]
    source = next((f for f in candidates if f.id == source_id), None) if source_id else \
        max(candidates, key=lambda f: _year(f.meta.text, f.id), default=None)
    if source is None or source.meta is None:
        print("nianbao: there is no report to start from" + (f" named '{source_id}'" if source_id else ""),
              file=sys.stderr)
        return 1
    year = int(report_id) if report_id.isdigit() else _year(source.meta.text, source.id) + 1
    target.mkdir(parents=True)
    (target / REPORT_FILE).write_text(_report_yml(source.meta.text, year), encoding="utf-8")
    if source.metrics is not None:
        (target / METRICS_FILE).write_text(_metrics_yml(source.metrics.text), encoding="utf-8")
    for section in source.sections:
        (target / section.source.path.name).write_text(_empty_section(section.source.text), encoding="utf-8")
    print(f"nianbao: created {target.relative_to(project.root)}/ from {source.id}: "
          f"{len(source.sections)} section files, {REPORT_FILE}"
          + (f", {METRICS_FILE} (no values yet)" if source.metrics else "")
          + "\n    next: write the sections and the figures, then run nianbao check")
    return 0


def _year(meta_text: str, fallback: str) -> int:
    data = parse_yaml(meta_text).data or {}
    year = data.get("year") if isinstance(data, dict) else None
    return year if isinstance(year, int) else int(fallback) if fallback.isdigit() else 0


def _report_yml(text: str, year: int) -> str:
    data = parse_yaml(text).data
    old = data.get("year")
    data["year"] = year
    data.pop("date", None)  # the new edition is not published yet
    # Years move on together: the report's year and the year its outlook looks to.
    years = {str(old): str(year), str(old + 1): str(year + 1)} if isinstance(old, int) else {}
    for key in ("title", "summary"):
        if isinstance(data.get(key), dict) and years:
            data[key] = {lang: re.sub("|".join(years), lambda m: years[m.group(0)], value)
                         for lang, value in data[key].items()}
    header = "# Started from the previous report by `nianbao new report`. Add `date:` when it is published.\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _metrics_yml(text: str) -> str:
    data = parse_yaml(text).data or {}
    for metric in data.get("metrics", []):
        for key in ("value", "mask", "text", "qualifier", "note"):
            metric.pop(key, None)
    header = ("# The same figures as last year, without values: give each a value (or, where the\n"
              "# published text masks it, a mask) as the figures come in.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _empty_section(text: str) -> str:
    match = re.match(r"\A---\n.*?\n---\n", text, re.S)
    front = match.group(0) if match else "---\ntitle: \"\"\n---\n"
    return front + "\n"
