"""The reference of the YAML files, generated from the schemas the build validates with.

``python -m generator.reference > docs/reference.md`` writes it; a test checks
that the committed file is what this prints, so the docs cannot drift.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .schema import ChartSpec, MetricSpec, ReportMeta, SectionFrontMatter, SiteConfig

FILES: list[tuple[str, type[BaseModel]]] = [
    ("site_config.yml", SiteConfig),
    ("content/<report-id>/report.yml", ReportMeta),
    ("Section front matter (NN-slug.LANG.md)", SectionFrontMatter),
    ("content/<report-id>/metrics.yml: each entry of `metrics:`", MetricSpec),
    ("A chart block (```chart in a section)", ChartSpec),
]


TYPE_NAMES = {"dict[str, str]": "text per language `{zh: …, en: …}`", "list[str]": "list of texts",
              "str": "text", "int": "whole number", "date": "date `YYYY-MM-DD`", "int | float": "number", "bool": "true or false"}


def type_name(annotation: typing.Any) -> str:
    text = str(annotation).replace("typing.", "").replace("datetime.", "")
    text = text.replace("<class '", "").replace("'>", "")
    if text.startswith("Optional[") and text.endswith("]"):
        text = text[len("Optional["):-1] + " | None"
    base, optional = text.removesuffix(" | None"), text.endswith(" | None")
    if base.startswith("Literal["):
        base = "one of " + base[len("Literal["):-1].replace("'", "")
    return TYPE_NAMES.get(base, base) + (" (optional)" if optional else "")


def reference() -> str:
    lines = ["# Reference of the YAML files", "",
             "Generated from the schemas in `generator/schema.py` by `python -m generator.reference`; "
             "do not edit by hand. Unknown keys are errors (with a \"did you mean\" hint), "
             "and every value is checked against the type given here.", ""]
    for title, model in FILES:
        lines += [f"## {title}", "", (model.__doc__ or "").strip(), "",
                  "| key | type | default | meaning |", "| --- | --- | --- | --- |"]
        for name, field in model.model_fields.items():
            default = "required" if field.is_required() else (
                "—" if field.default in (None, PydanticUndefined) else f"`{field.default}`")
            lines.append(f"| `{name}` | {type_name(field.annotation)} | {default} | {field.description} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(), end="")
