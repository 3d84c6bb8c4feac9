"""The figures as open data: what a data journalist or a data portal downloads.

Per report, ``data/<report>/figures.csv`` and ``figures.json`` (one row per figure of its
``metrics.yml``) and ``data/<report>/datapackage.json``, a Frictionless Data Package that
describes both (a Table Schema with each column's type, title and meaning; the sections the
figures come from, the publishing body, the licence); across every report, ``data/figures.csv``
and its ``data/datapackage.json``, for comparing years. The figures pages link them.

A row says what the site says, never more: a masked figure carries its mask as the text writes
it (``***``, ``**万``) and the range the mask implies where the site shows one (not with
``masks: fixed``), and no value; a withheld figure (``public: false``) is the mask the public
edition gives it (``withheld.withhold_figures`` has already replaced it in the model), its value
only in the internal edition. Every file goes through the withheld check and the leak check
like a page. The bytes follow from the sources alone (rows in the reports' order, no dates), so
an unchanged report gives unchanged files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import posixpath
from dataclasses import dataclass

from markdown_it import MarkdownIt

from . import markdown
from .charts import _as_text as spreadsheet_text  # the CSV-injection guard of the charts' CSV files
from .metrics import Metric, plain_number
from .model import FIGURES_SLUG, Page, Report, Site, page_key, relative_url
from .schema import Licence, OpenData

DATA = "data"
CSV_NAME, JSON_NAME, PACKAGE_NAME = "figures.csv", "figures.json", "datapackage.json"
STATUSES = ("published", "masked", "withheld", "pending")


@dataclass(frozen=True)
class Column:
    name: str  # the column's name; a column per language adds _<lang>: label_zh, label_en
    type: str  # its Table Schema type
    string: str  # its title's and description's interface strings: data_column_<string>[_about]
    per_language: bool = False


# Every file has these columns, in this order (docs/figures.md lists them); per-language ones once
# per language of the site.
COLUMNS = [
    Column("report", "string", "report"),
    Column("year", "integer", "year"),
    Column("id", "string", "id"),
    Column("label", "string", "label", per_language=True),
    Column("value", "number", "value"),
    Column("unit", "string", "unit", per_language=True),
    Column("qualifier", "string", "qualifier"),
    Column("mask", "string", "mask"),
    # Next to each other: the leak check reads such a pair as the range a mask implies, not as figures.
    Column("range_low", "integer", "range_low"),
    Column("range_high", "integer", "range_high"),
    Column("status", "string", "status"),
    Column("note", "string", "note", per_language=True),
    Column("section", "string", "section"),
    Column("section_title", "string", "section_title", per_language=True),
    Column("page", "string", "page", per_language=True),
]


def settings(site: Site) -> OpenData | None:
    """The site's open-data settings; None where it publishes none (``open_data: false``)."""
    setting = site.project.config.open_data
    return setting if setting.publish else None


def report_folder(report: Report) -> str:
    return f"{DATA}/{report.id}"


def data_files(site: Site, md: MarkdownIt) -> dict[str, bytes]:
    """Every open-data file of the site, by its path in the site; ``md`` the build's parser, which
    reads the labels' and notes' Markdown into plain text."""
    if settings(site) is None:
        return {}
    rows_of = {report.id: [figure_row(site, report, metric, md) for metric in report.metrics]
               for report in site.reports}
    files: dict[str, bytes] = {}
    for report in site.reports:
        if not rows_of[report.id]:
            continue  # no figures, no figures page to link them from
        folder = report_folder(report)
        csv_data, json_data = csv_bytes(site, rows_of[report.id]), json_bytes(site, rows_of[report.id])
        files[f"{folder}/{CSV_NAME}"] = csv_data
        files[f"{folder}/{JSON_NAME}"] = json_data
        files[f"{folder}/{PACKAGE_NAME}"] = report_package(site, report, csv_data, json_data)
    # The reports oldest first, for reading years in order.
    every_row = [row for report in sorted(site.reports, key=lambda r: (r.meta.year, r.id))
                 for row in rows_of[report.id]]
    if every_row:
        all_csv = csv_bytes(site, every_row)
        files[f"{DATA}/{CSV_NAME}"] = all_csv
        files[f"{DATA}/{PACKAGE_NAME}"] = site_package(site, all_csv)
    return files


def links(site: Site, page: Page) -> list[dict[str, str]]:
    """A figures page's downloads: this report's CSV, JSON and data package, every report's CSV and its
    package, and the licence if the site gives one (``kind: licence``). Empty for any other page."""
    open_data = settings(site)
    if page.kind != "figures" or open_data is None or page.report_id is None:
        return []
    folder, lang = report_folder(site.report(page.report_id)), page.lang
    t = site.translations

    def item(path: str, string: str, media_type: str) -> dict[str, str]:
        return {"kind": "file", "href": relative_url(page.output, path), "text": t.get(string, lang),
                "type": media_type}

    found = [item(f"{folder}/{CSV_NAME}", "open_data_csv", "text/csv"),
             item(f"{folder}/{JSON_NAME}", "open_data_json", "application/json"),
             item(f"{folder}/{PACKAGE_NAME}", "open_data_package", "application/json"),
             item(f"{DATA}/{CSV_NAME}", "open_data_all_years", "text/csv"),
             item(f"{DATA}/{PACKAGE_NAME}", "open_data_all_years_package", "application/json")]
    if open_data.licence is not None:
        licence = open_data.licence
        found.append({"kind": "licence", "href": licence.path, "text": licence_title(licence, lang),
                      "type": ""})
    return found


# --- rows ------------------------------------------------------------------------------------------


def figure_row(site: Site, report: Report, metric: Metric, md: MarkdownIt) -> dict[str, object]:
    """One figure as its file states it: the column's name → a value, None for an empty cell."""
    languages = site.languages
    shown_value = metric.mask is None and metric.value is not None
    if site.edition == "public" and not metric.public:
        shown_value = False  # whatever the model holds, a withheld value is never public
    magnitude = metric.magnitude()
    section = next((s for s in report.sections if s.slug == metric.section), None)
    row: dict[str, object] = {"report": report.id, "year": report.meta.year, "id": metric.id}
    row.update({f"label_{lang}": markdown.plain_text(md, metric.label[lang]) for lang in languages})
    row["value"] = _number(metric.value) if shown_value else None
    row.update({f"unit_{lang}": metric.unit[lang] for lang in languages})
    row["qualifier"] = metric.qualifier
    row["mask"] = metric.mask
    row["range_low"], row["range_high"] = magnitude if magnitude else (None, None)
    row["status"] = status(metric, shown_value)
    row.update({f"note_{lang}": markdown.plain_text(md, metric.note[lang]) if metric.note else None
                for lang in languages})
    row["section"] = metric.section
    row.update({f"section_title_{lang}": section.texts[lang].title  # plain text already
                if section and lang in section.texts else None for lang in languages})
    row.update({f"page_{lang}": figure_address(site, report, metric, lang) for lang in languages})
    return row


def status(metric: Metric, shown_value: bool) -> str:
    if metric.pending:
        return "pending"
    if metric.mask is not None or not shown_value:
        return "masked"
    return "withheld" if not metric.public else "published"  # withheld: the internal edition only


def figure_address(site: Site, report: Report, metric: Metric, lang: str) -> str | None:
    """Where the text states the figure first (its section page, at ``#fig-<id>``), else its section's page."""
    key = report.figure_places.get(lang, {}).get(metric.id)
    if key in site.pages:
        return address(site, site.pages[key].url) + f"#fig-{metric.id}"
    section_key = page_key(lang, report.id, metric.section)
    return address(site, site.pages[section_key].url) if section_key in site.pages else None


def address(site: Site, path: str) -> str:
    """A page's address: in full where the site's is known (base_url), else from the site's root."""
    base = site.project.config.base_url
    return base.rstrip("/") + "/" + path if base else path


def source_address(site: Site, path: str, package_folder: str) -> str:
    """A page's address in a data package: in full where the site's is known (base_url), else
    relative to the package, as the specification reads a path (../../zh/2022/overview/)."""
    if site.project.config.base_url:
        return address(site, path)
    relative = posixpath.relpath(path or ".", package_folder)
    return relative + "/" if path.endswith("/") else relative


def _number(value: int | float) -> int | float:
    """A whole number as an integer (3, not 3.0), in the JSON as in the CSV."""
    return int(value) if float(value).is_integer() else value


# --- files -----------------------------------------------------------------------------------------


def column_names(site: Site) -> list[str]:
    return [f"{column.name}_{lang}" if column.per_language else column.name
            for column in COLUMNS for lang in (site.languages if column.per_language else [""])]


def csv_bytes(site: Site, rows: list[dict[str, object]]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, as the charts' CSV files: Excel in China reads a CSV without
    a BOM in the system's code page (GBK) and garbles its Chinese."""
    names = column_names(site)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in names])
    return out.getvalue().encode("utf-8-sig")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return plain_number(value)
    return spreadsheet_text(str(value))


def json_bytes(site: Site, rows: list[dict[str, object]]) -> bytes:
    """A list of rows, each an object with the CSV's columns in its order (null for an empty cell)."""
    names = column_names(site)
    return (json.dumps([{name: row[name] for name in names} for row in rows], ensure_ascii=False, indent=1)
            + "\n").encode("utf-8")


# --- data packages ---------------------------------------------------------------------------------


def table_schema(site: Site, primary_key: list[str]) -> dict[str, object]:
    t, languages = site.translations, site.languages
    fields = []
    for column in COLUMNS:
        for lang in languages if column.per_language else [""]:
            values = {"language": t.get("language_name", lang)} if lang else {}
            field: dict[str, object] = {
                "name": f"{column.name}_{lang}" if lang else column.name, "type": column.type,
                "title": " / ".join(t.get(f"data_column_{column.string}", ui, **values) for ui in languages),
                "description": "\n".join(t.get(f"data_column_{column.string}_about", ui, **values)
                                         for ui in languages)}
            if column.name == "status":
                field["constraints"] = {"required": True, "enum": list(STATUSES)}
            elif column.name in ("report", "id", "label", "unit", "section"):
                field["constraints"] = {"required": True}
            fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": primary_key}


def report_package(site: Site, report: Report, csv_data: bytes, json_data: bytes) -> bytes:
    t, languages = site.translations, site.languages
    schema = table_schema(site, ["id"])
    package = _package_head(site, f"figures-{report.id}",
                            " / ".join(t.get("open_data_package_title", lang, report=report.title[lang])
                                       for lang in languages))
    figures_page = page_key(languages[0], report.id, FIGURES_SLUG)
    if site.project.config.base_url and figures_page in site.pages:
        package["homepage"] = address(site, site.pages[figures_page].url)
    # The sections the figures come from, in each language: their pages are the figures' sources.
    package["sources"] = [{"title": section.texts[lang].title,
                           "path": source_address(site, site.pages[page_key(lang, report.id, section.slug)].url,
                                                  report_folder(report))}
                          for section in report.sections for lang in languages
                          if lang in section.texts and page_key(lang, report.id, section.slug) in site.pages
                          and any(metric.section == section.slug for metric in report.metrics)]
    package["resources"] = [_resource("figures-csv", CSV_NAME, "csv", "text/csv", csv_data, schema),
                            _resource("figures-json", JSON_NAME, "json", "application/json", json_data, schema)]
    return _json_file(package)


def site_package(site: Site, csv_data: bytes) -> bytes:
    t, languages = site.translations, site.languages
    config = site.project.config
    package = _package_head(site, "figures", " / ".join(t.get("open_data_all_title", lang, site=config.title[lang])
                                                        for lang in languages))
    if config.base_url:
        package["homepage"] = config.base_url
    package["sources"] = [{"title": report.title[lang],
                           "path": source_address(site, site.pages[page_key(lang, report.id)].url, DATA)}
                          for report in sorted(site.reports, key=lambda r: (r.meta.year, r.id)) for lang in languages
                          if page_key(lang, report.id) in site.pages and report.metrics]
    package["resources"] = [_resource("figures-csv", CSV_NAME, "csv", "text/csv", csv_data,
                                      table_schema(site, ["report", "id"]))]
    return _json_file(package)


def _package_head(site: Site, name: str, title: str) -> dict[str, object]:
    config, t, languages = site.project.config, site.translations, site.languages
    package: dict[str, object] = {
        "profile": "tabular-data-package", "name": name, "title": title,
        "description": "\n".join(t.get("open_data_about", lang) for lang in languages),
        "contributors": [{"title": " / ".join(config.organisation[lang] for lang in languages), "role": "publisher"}],
    }
    open_data = settings(site)
    if open_data is not None and open_data.licence is not None:
        licence = open_data.licence
        package["licenses"] = [{key: value for key, value in (
            ("name", licence.name), ("path", licence.path),
            ("title", " / ".join(dict.fromkeys(licence_title(licence, lang) for lang in languages))))
            if value}]
    return package


def licence_title(licence: Licence, lang: str) -> str:
    """The licence's title in a language: its own, else its first one, else its name."""
    if licence.title:
        return licence.title.get(lang) or next(iter(licence.title.values()))
    return licence.name or licence.path


def _resource(name: str, path: str, file_format: str, media_type: str, data: bytes,
              schema: dict[str, object]) -> dict[str, object]:
    # No size in bytes: the leak check would read it as a figure. The hash lets a portal check its copy.
    return {"name": name, "path": path, "profile": "tabular-data-resource", "format": file_format,
            "mediatype": media_type, "encoding": "utf-8", "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": schema}


def _json_file(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
