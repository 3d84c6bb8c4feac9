"""The shapes of the YAML files an editor writes, declared once as types.

Each field's docstring (its ``description``) is the reference documentation
for editors; validation of a parsed file turns pydantic's errors into
diagnostics that name the file, the line and, for a misspelt key, the key
that was probably meant.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .diagnostics import Diagnostics
from .yamlfile import YamlDocument

Localized = dict[str, str]
"""Text in each of the site's languages: ``{zh: 中文, en: English}``."""


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class SiteConfig(Schema):
    """``site_config.yml``: the site as a whole."""

    title: Localized = Field(description="The site's name in each language, shown in every page header.")
    languages: list[str] = Field(
        default=["zh", "en"], min_length=1,
        description="Language codes of the site; the first is the default language.")
    base_url: str | None = Field(
        default=None,
        description="The public address of the site (e.g. https://example.gov.cn/report/). "
                    "Optional: with it, pages carry canonical links and the sitemap has full addresses; "
                    "links between pages stay relative either way.")
    organisation: Localized = Field(description="The publishing body's name in each language, shown in the footer.")
    footer: Localized | None = Field(default=None, description="An extra line of footer text in each language.")
    content: str = Field(default="content", description="Folder of the reports, relative to this file.")
    templates: str = Field(
        default="templates",
        description="Folder whose templates override the built-in theme's, file by file, relative to this file.")
    output: str = Field(default="site", description="Folder the built site is written to, relative to this file.")


class ReportMeta(Schema):
    """``content/<report-id>/report.yml``: one annual report."""

    title: Localized = Field(description="The report's title in each language.")
    year: int = Field(ge=1900, le=2200, description="The year the report covers.")
    date: dt.date | None = Field(
        default=None, description="Publication date of this edition (YYYY-MM-DD), shown on every report page.")
    summary: Localized = Field(description="A short summary in each language, shown on the home and report pages.")
    sections: list[str] | None = Field(
        default=None,
        description="Optional explicit order of the sections by slug; without it the NN- prefix of the files orders them.")


class SectionFrontMatter(Schema):
    """The front matter between ``---`` lines at the top of a section file."""

    title: str = Field(min_length=1, description="The section's title, shown as its heading and in the navigation.")
    summary: str | None = Field(default=None, description="A one-sentence summary, used as the page description.")


SchemaT = TypeVar("SchemaT", bound=Schema)


def validate(schema: type[SchemaT], document: YamlDocument, path: Path,
             diagnostics: Diagnostics, what: str) -> SchemaT | None:
    """Check ``document`` against ``schema``; report every problem, return the value if valid."""
    for key, line, column in document.duplicate_keys:
        diagnostics.error(path, f"the key '{key}' appears twice in {what}", line=line, column=column,
                          hint="keep one of them: the later one would silently win")
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diagnostics.error(path, f"{what} must be a set of 'key: value' lines, not {_yaml_kind(data)}",
                          line=1, hint=f"see the reference of {what} in docs/")
        return None
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            line, column = document.line_of(loc)
            message, hint = _describe(schema, error, loc, what)
            diagnostics.error(path, message, line=line, column=column, hint=hint)
        return None


def _describe(schema: type[Schema], error: dict[str, Any], loc: tuple, what: str) -> tuple[str, str]:
    name = ".".join(str(part) for part in loc) or what
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _field_names_at(schema, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys here: {', '.join(sorted(known))}"
        return f"unknown key '{name}' in {what}", hint
    if kind == "missing":
        return f"'{name}' is missing in {what}", f"add a line '{loc[-1]}: …'" if loc else ""
    if kind in ("string_too_short", "too_short"):
        return f"'{name}' is empty in {what}", f"write the {loc[-1]} after '{loc[-1]}:'" if loc else ""
    expected = {
        "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
        "dict_type": "a set of 'key: value' lines (for example zh: … and en: …)",
        "list_type": "a list ([a, b] or lines starting with '- ')",
        "date_type": "a date written YYYY-MM-DD", "date_from_datetime_parsing": "a date written YYYY-MM-DD",
        "date_parsing": "a date written YYYY-MM-DD",
    }.get(kind)
    if expected:
        return f"'{name}' must be {expected}, not {_yaml_kind(error.get('input'))}", ""
    return f"'{name}': {error['msg']}", ""


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


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of key: value lines"
    return type(value).__name__
