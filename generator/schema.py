"""The shapes of the YAML files an editor writes, declared once as types.

Each field's docstring (its ``description``) is the reference documentation
for editors; validation of a parsed file turns pydantic's errors into
diagnostics that name the file, the line and, for a misspelt key, the key
that was probably meant.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
import urllib.parse
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .diagnostics import Diagnostics
from .yamlfile import YamlDocument, YamlError, parse_yaml

Localized = dict[str, str]
"""Text in each of the site's languages: ``{zh: 中文, en: English}``."""


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def web_address(value: str, example: str) -> str:
    """``value`` if it is a full http(s) address: a page, a PDF and a data package carry it as it is."""
    parts = urllib.parse.urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
        raise ValueError(f"{value!r} is not a web address: write it in full, starting with https://, e.g. {example}")
    return value.strip()


class Licence(Schema):
    """``open_data: licence:`` in ``site_config.yml``: the licence the office publishes its figures under."""

    name: str | None = Field(
        default=None, description="Its SPDX identifier, e.g. CC-BY-4.0 (https://spdx.org/licenses/).")
    path: str = Field(description="The address of the licence's text, e.g. https://creativecommons.org/licenses/by/4.0/.")
    title: Localized | None = Field(
        default=None, description="Its name in each language, shown on the figures pages beside the downloads.")

    @field_validator("path")
    @classmethod
    def _address(cls, value: str) -> str:
        return web_address(value, "https://creativecommons.org/licenses/by/4.0/")


class OpenData(Schema):
    """``open_data:`` in ``site_config.yml``: the figures as open data; ``false`` is short for ``publish: false``."""

    publish: bool = Field(default=True, description="false: no open data, and no links to it.")
    licence: Licence | None = Field(
        default=None,
        description="The licence of the figures, written into every data package and shown on the figures pages. "
                    "Without it the packages name none: give only the licence the office has adopted.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if data is None:
            return {}
        return {"publish": data} if isinstance(data, bool) else data


class SiteConfig(Schema):
    """``site_config.yml``: the site as a whole."""

    title: Localized = Field(description="The site's name in each language, shown in every page header.")
    short_title: Localized | None = Field(
        default=None,
        description="A short name in each language, shown in the header on a phone instead of the title, so that "
                    "the header stays one line (\"外办年报\"). Without it, the title is shown everywhere.")
    languages: list[str] = Field(
        default=["zh", "en"], min_length=1,
        description="Language codes of the site; the first is the default language.")
    base_url: str | None = Field(
        default=None,
        description="The public address of the site (e.g. https://example.gov.cn/report/). "
                    "Optional: with it, pages carry canonical links and the sitemap has full addresses; "
                    "links between pages stay relative either way.")
    organisation: Localized = Field(description="The publishing body's name in each language, shown in the footer.")
    masks: Literal["per-character", "fixed"] = Field(
        default="per-character",
        description="per-character: a mask shows one * per withheld character, as the official texts do. "
                    "fixed: every mask is the same width (***) and charts draw no range, where even the "
                    "length of what is withheld must not show.")
    withheld_note: Localized | None = Field(
        default=None,
        description="Markdown text of the page, linked from every footer, that explains why parts of the "
                    "reports are withheld.")
    footer: Localized | None = Field(default=None, description="An extra line of footer text in each language.")
    contact: Localized | None = Field(
        default=None, description="How to reach the office, in each language (address, telephone, e-mail), shown in the footer.")
    site_id_code: str | None = Field(
        default=None, description="网站标识码: the site's identification code under the government website rules, "
                                  "shown in the footer and in the SiteIDCode meta tag.")
    icp_record: str | None = Field(
        default=None, description="ICP备案号 (e.g. 京ICP备12345678号), shown in the footer and linked to the MIIT record system.")
    public_security_record: str | None = Field(
        default=None, description="公安机关备案号 (e.g. 京公网安备11010502000001号), shown in the footer and linked to the "
                                  "public security record system.")
    search: bool = Field(default=True, description="Build a full-text search page per language (Pagefind).")
    pdf: bool | Literal["required"] = Field(
        default=False,
        description="Make each report a PDF per language (zh/2022/report-2022-zh.pdf) with headless Chromium and a Chinese "
                    "font (Debian's chromium and fonts-noto-cjk). true: made when they are installed, else the build "
                    "says what is missing and publishes the rest; required: their absence is an error; false: none.")
    open_data: OpenData = Field(
        default_factory=OpenData,
        description="Each report's figures as open data: data/<report>/figures.csv, figures.json and a Frictionless "
                    "datapackage.json, and data/figures.csv across the reports, linked from the figures pages; "
                    "masked and withheld figures as the pages show them. Published unless open_data: false.")
    content: str = Field(default="content", description="Folder of the reports, relative to this file.")
    templates: str = Field(
        default="templates",
        description="Folder whose templates override the built-in theme's, file by file, relative to this file.")
    output: str = Field(default="site", description="Folder the built site is written to, relative to this file.")

    @field_validator("base_url")
    @classmethod
    def _site_address(cls, value: str | None) -> str | None:
        return None if value is None else web_address(value, "https://www.example.gov.cn/reports/")

    @field_validator("pdf", mode="before")
    @classmethod
    def _pdf_setting(cls, value: Any) -> Any:
        if value is True or value is False or value == "required":
            return value
        raise ValueError(f"must be true, false or required, not {value!r}")


class ReportMeta(Schema):
    """``content/<report-id>/report.yml``: one annual report."""

    title: Localized = Field(description="The report's title in each language.")
    year: int = Field(ge=1900, le=2200, description="The year the report covers.")
    date: dt.date | None = Field(
        default=None, description="Publication date of this web edition (YYYY-MM-DD), shown on every report page "
                                  "as the web edition's date.")
    summary: Localized = Field(description="A short summary in each language, shown on the home and report pages.")
    official_date: dt.date | None = Field(
        default=None, description="The date of the official text (YYYY-MM-DD), if it has one: shown beside the web "
                                  "edition's date, each said for what it is.")
    highlights: list[Localized] | None = Field(
        default=None,
        description="The year's main results, each in every language, shown first on the report page (and on the "
                    "home page of a site with one report). Markdown on one line, without links; {{ id }} quotes a "
                    "figure of metrics.yml. Masks and withheld spans work as in the text.")
    key_figures: list[str] | None = Field(
        default=None,
        description="Ids of figures of metrics.yml shown as cards below the highlights, in this order, each leading "
                    "to where the text states it. A masked figure's card says it is withheld and gives the range its "
                    "mask implies.")
    sections: list[str] | None = Field(
        default=None,
        description="Optional explicit order of the sections by slug; without it the NN- prefix of the files orders them.")


class SectionFrontMatter(Schema):
    """The front matter between ``---`` lines at the top of a section file."""

    title: str = Field(min_length=1, description="The section's title, shown as its heading and in the navigation.")
    summary: str | None = Field(default=None, description="A one-sentence summary, used as the page description.")
    translated_from: list[str] | None = Field(
        default=None,
        description="In a translation: a fingerprint of each paragraph of the original as it was when the "
                    "translation was brought in line. Written by `nianbao translated FILE`; `nianbao check` "
                    "then names the paragraphs of the original that changed since.")


QUALIFIERS = ("余", "多", "逾", "超", "约", "近")
MASK_PATTERN = r"^\*+(万亿|万|亿)?$"


# A figure's id: what {{ id }} may hold (content.py checks the references against it too).
FIGURE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class MetricSpec(Schema):
    """One figure of a report, in ``metrics.yml``; quoted in the text as ``{{ id }}``."""

    id: str = Field(pattern=FIGURE_ID_PATTERN,
                    description="The name the text and charts use for the figure: lower-case letters, digits, '-'.")
    label: Localized = Field(description="What is counted, in each language (a table's row, a chart's bar).")
    value: int | float | None = Field(default=None, allow_inf_nan=False, description="The figure, when it is published.")
    mask: str | None = Field(
        default=None, pattern=MASK_PATTERN,
        description="The figure as the official text masks it, one * per withheld digit, "
                    "optionally followed by 万, 亿 or 万亿 (\"***\", \"**万\"). Quote it. Give value or mask, not both; "
                    "with neither, the figure is still to be filled in (a warning).")
    unit: Localized = Field(description="The unit in each language (个 / items, 人次 / visits).")
    qualifier: Literal[QUALIFIERS] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="The official text's word for an inexact figure: 余 or 多 (more than), 逾 or 超 (over), "
                    "约 (about), 近 (nearly). It is shown with the figure in every language.")
    section: str = Field(description="The slug of the section whose text states the figure.")
    note: Localized | None = Field(default=None, description="An optional note in each language, shown in tables.")
    text: Localized | None = Field(
        default=None,
        description="Only where the official text writes the figure in words (逾百): those words in each "
                    "language, used in the text instead of the formatted value.")
    public: bool = Field(
        default=True,
        description="false: the figure is withheld. The public edition shows a mask of one * per digit; "
                    "the internal edition shows the value, highlighted.")

    @model_validator(mode="after")
    def _value_or_mask(self) -> "MetricSpec":
        if self.value is not None and self.mask is not None:
            raise ValueError("give either 'value' (the figure) or 'mask' (as published), not both")
        return self


class MetricsFile(Schema):
    """``content/<report-id>/metrics.yml``: the figures of a report."""

    metrics: list[MetricSpec] = Field(description="The report's figures, each an entry starting with '- id:'.")


CHART_TYPES = ("bar", "hbar", "line", "pie", "donut")


class ChartSpec(Schema):
    """A fenced ```` ```chart ```` block in a section: YAML that names what to draw."""

    type: Literal[CHART_TYPES] = Field(  # type: ignore[valid-type]
        description="bar (vertical bars), hbar (horizontal bars), line, pie or donut.")
    metrics: list[str] | None = Field(
        default=None, min_length=1,
        description="The figures to draw, by id, in order; they must share one unit.")
    across_years: str | None = Field(
        default=None,
        description="Instead of metrics: one metric id, drawn across every report that defines it (a line chart).")
    title: Localized | None = Field(default=None, description="The chart's title in each language.")
    caption: Localized | None = Field(default=None, description="A sentence under the title in each language.")

    @model_validator(mode="after")
    def _metrics_or_years(self) -> "ChartSpec":
        if (self.metrics is None) == (self.across_years is None):
            raise ValueError("give either 'metrics' (a list of ids) or 'across_years' (one id)")
        return self


SchemaT = TypeVar("SchemaT", bound=Schema)
ValuesHook = typing.Callable[[YamlDocument, Path, Diagnostics], None]


def parse_and_validate(schema: type[SchemaT], text: str, path: Path, diagnostics: Diagnostics, what: str,
                       line_offset: int = 0, values: ValuesHook | None = None
                       ) -> tuple[SchemaT | None, YamlDocument | None]:
    """Parse YAML ``text`` and check it against ``schema``, reporting either kind of problem.
    ``values`` turns the parsed texts into what the edition publishes (``Withholding.values``)."""
    try:
        document = parse_yaml(text, line_offset=line_offset)
    except YamlError as exc:
        for error in (exc, *exc.more):  # a slip YAML could read, reported instead of its result
            diagnostics.error(path, _in(what, error.message), line=error.line, column=error.column, hint=error.hint)
        return None, None
    if values is not None:
        values(document, path, diagnostics)
    return validate(schema, document, path, diagnostics, what), document


def validate(schema: type[SchemaT], document: YamlDocument, path: Path,
             diagnostics: Diagnostics, what: str) -> SchemaT | None:
    """Check ``document`` against ``schema``; report every problem, return the value if valid."""
    for key, line, column in document.duplicate_keys:
        diagnostics.error(path, f"the key '{key}' appears twice in {what}", line=line, column=column,
                          hint="keep one of them: the later one would silently win")
    data = as_typed(schema, document)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diagnostics.error(path, f"{what} must be a set of 'key: value' lines, not {_yaml_kind(data)}",
                          line=1, hint=f"see the reference of {what} in docs/")
        return None
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        reported: set[tuple] = set()
        for error in exc.errors():
            loc = tuple(error["loc"])
            # A value of a union type (a number: int | float) fails once per member:
            # report it once, at the key, without pydantic's member tags.
            while len(loc) > 1 and loc[-1] in UNION_TAGS:
                loc = loc[:-1]
                error = {**error, "type": "number_type" if error["type"].startswith(("int", "float"))
                         else error["type"]}
            if loc in reported:
                continue
            reported.add(loc)
            line, column = document.line_of(loc)
            message, hint = _describe(schema, error, loc, what, data, document.typed.get(loc))
            diagnostics.error(path, message, line=line, column=column, hint=hint)
        return None


def _in(what: str, message: str) -> str:
    """A YAML problem of a block inside another file (a chart) says which block; a file's own need not."""
    return message if what.endswith(".yml") else f"in {what}: {message}"


UNION_TAGS = {"int", "float", "str", "bool", "dict[str,str]", "list[str]"}
DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def as_typed(schema: type[Schema], document: YamlDocument) -> Any:
    """The document's data with each plain value that YAML read as a number, yes/no or a date
    (``document.typed``) taken as ``schema`` wants it: where text is wanted, its characters as
    typed (``title: 2022``, ``no``, ``1.10``, ``0012``, ``2023-01-05`` are those texts); where a
    number is wanted, the decimal number as typed (``0012`` is 12, not YAML 1.1's octal 10), and
    anything else YAML made a number of (``1:30``, ``0x1F``, ``.inf``, ``yes``) the text as typed,
    which the schema then refuses, naming it. Nothing (``~``, ``null``, an empty value) stays nothing."""
    if not document.typed:
        return document.data
    return _typed(schema, document.data, (), document.typed)


def _typed(annotation: Any, value: Any, path: tuple, typed: dict[tuple, str]) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(value, dict):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields
            return {key: _typed(fields[key].annotation, item, path + (key,), typed) if key in fields else item
                    for key, item in value.items()}
        if typing.get_origin(annotation) is dict:
            item_type = typing.get_args(annotation)[1]
            return {key: _typed(item_type, item, path + (key,), typed) for key, item in value.items()}
        return value
    if isinstance(value, list):
        if typing.get_origin(annotation) is list:
            item_type = typing.get_args(annotation)[0]
            return [_typed(item_type, item, path + (index,), typed) for index, item in enumerate(value)]
        return value
    written = typed.get(path)
    if written is None:
        return value
    if annotation is str or (typing.get_origin(annotation) is Literal
                             and all(isinstance(a, str) for a in typing.get_args(annotation))):
        return written
    if _is_number(annotation):
        try:
            if DECIMAL.fullmatch(written):
                return float(written) if "." in written else int(written)
        except ValueError:  # more digits than Python converts
            pass
        return written
    return value


def _is_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return bool(members) and all(a in (int, float) for a in members)
    return False


def display_name(loc: tuple, data: Any) -> str:
    """``("metrics", 1, "mask")`` → ``metrics[leaders].mask``: list items by their id, else by number."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            item = data[part]
            label = item.get("id") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{label if label else part + 1}]"]
            data = item
        else:
            parts.append(str(part))
            data = data.get(part) if isinstance(data, dict) else None
    return ".".join(parts)


def _describe(schema: type[Schema], error: dict[str, Any], loc: tuple, what: str,
              data: Any, typed: str | None = None) -> tuple[str, str]:
    """Message and hint for one of pydantic's errors; the value shown as the editor typed it."""
    name = display_name(loc, data) or what
    kind = error["type"]
    found = _yaml_kind(error.get("input"), typed)
    if kind == "extra_forbidden":
        known = _field_names_at(schema, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(sorted(known))}"
        return f"unknown key '{name}' in {what}", hint
    if kind == "missing":
        return f"'{name}' is missing in {what}", f"add a line '{loc[-1]}: …'" if loc else ""
    if kind == "value_error":
        return f"{name if loc else what}: {error['ctx']['error']}", ""
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "mask":
        return f"'{name}' is not a mask: {error.get('input')!r}", "write one * per withheld digit, e.g. mask: \"***\""
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        return f"'{name}' {error.get('input')!r} cannot be an id", "use lower-case letters, digits and '-'"
    if kind == "literal_error":
        allowed = ", ".join(re.findall(r"'([^']*)'", str(error["ctx"]["expected"])))
        return f"'{name}' cannot be {error.get('input')!r}", f"use one of: {allowed}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"'{name}' must be at least {error['ctx'].get('ge', error['ctx'].get('gt'))}, not {found}", ""
    if kind in ("less_than_equal", "less_than"):
        return f"'{name}' must be at most {error['ctx'].get('le', error['ctx'].get('lt'))}, not {found}", ""
    if kind in ("string_too_short", "too_short"):
        return f"'{name}' is empty in {what}", f"write the {loc[-1]} after '{loc[-1]}:'" if loc else ""
    expected = {
        "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "number_type": "a number", "float_type": "a number", "float_parsing": "a number", "finite_number": "a number",
        "bool_type": "true or false", "bool_parsing": "true or false",
        "dict_type": "a set of 'key: value' lines (for example zh: … and en: …)",
        "model_type": "a set of 'key: value' lines", "model_attributes_type": "a set of 'key: value' lines",
        "list_type": "a list ([a, b] or lines starting with '- ')",
        "date_type": "a date written YYYY-MM-DD", "date_from_datetime_parsing": "a date written YYYY-MM-DD",
        "date_parsing": "a date written YYYY-MM-DD", "date_from_datetime_inexact": "a date written YYYY-MM-DD",
    }.get(kind)
    if expected:
        return f"'{name}' must be {expected}, not {found}", _number_hint(expected, error.get("input"))
    return f"'{name}' cannot be {found}", ""  # pydantic's own words are English only


def _number_hint(expected: str, value: Any) -> str:
    """For a figure written as the text shows it (1.2万, 12,000, 35%): how to write it."""
    if expected in ("a number", "a whole number") and isinstance(value, str) and re.search(r"[0-9]", value) \
            and re.search(r"[万亿,，%％]", value):
        return "write the figure in digits only, without 万, 亿, separators or %: e.g. 12000 for 1.2万"
    return ""


def _field_names_at(schema: type[Schema], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` inside ``schema``, for a "did you mean" hint."""
    current: Any = schema
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _yaml_kind(value: Any, typed: str | None = None) -> str:
    """What a value is, in an editor's words, shown as typed where YAML made it something else."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({typed or value})"
    if isinstance(value, (int, float)):
        return f"a number ({typed or value})"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({typed or value})"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of key: value lines"
    return type(value).__name__
