"""YAML with positions and the schemas: errors name the line and suggest the key meant."""

from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.schema import ReportMeta, SectionFrontMatter, SiteConfig, validate
from generator.yamlfile import YamlError, parse_yaml


def check(schema, text: str):
    diagnostics = Diagnostics(Path("."))
    value = validate(schema, parse_yaml(text), Path("x.yml"), diagnostics, "x.yml")
    return value, [(d.line, d.message, d.hint) for d in diagnostics.sorted()]


def test_positions_of_keys_and_items():
    doc = parse_yaml("a: 1\nb:\n  c: [x, y]\n")
    assert doc.line_of(("b", "c")) == (3, 3)
    assert doc.line_of(("b", "c", 1)) == (3, 10)
    assert doc.line_of(("b", "missing")) == (2, 1)


def test_line_offset_for_front_matter():
    with pytest.raises(YamlError) as error:
        parse_yaml("title: a: b", line_offset=1)
    assert error.value.line == 2
    assert "quoted" in error.value.hint


def test_unquoted_mask_gets_a_hint():
    with pytest.raises(YamlError) as error:
        parse_yaml("mask: ***\n")
    assert "quote" in error.value.hint


def test_impossible_date_is_a_yaml_error_with_line():
    with pytest.raises(YamlError) as error:
        parse_yaml("year: 2022\ndate: 2023-02-30\n")
    assert error.value.line == 2
    assert "not a real date" in error.value.message


def test_unknown_key_suggests_the_known_one():
    value, errors = check(SiteConfig, "title: {zh: a, en: b}\norganisation: {zh: c, en: d}\nlangauges: [zh]\n")
    assert value is None
    assert errors == [(3, "unknown key 'langauges' in x.yml", "did you mean 'languages'?")]


def test_types_are_checked_with_lines():
    _, errors = check(ReportMeta, "title: x\nyear: twenty\nsummary: {zh: a}\n")
    assert (1, "'title' must be a set of 'key: value' lines (for example zh: … and en: …), not the text 'x'", "") in errors
    assert (2, "'year' must be a whole number, not the text 'twenty'", "") in errors


def test_missing_key_is_reported():
    _, errors = check(ReportMeta, "title: {zh: a, en: b}\nyear: 2022\n")
    assert errors[0][1] == "'summary' is missing in x.yml"


def test_empty_title_is_reported():
    _, errors = check(SectionFrontMatter, 'title: ""\n')
    assert errors == [(1, "'title' is empty in x.yml", "write the title after 'title:'")]


def test_duplicate_keys_are_errors():
    _, errors = check(SectionFrontMatter, "title: a\ntitle: b\n")
    assert errors[0][:2] == (2, "the key 'title' appears twice in x.yml")


def test_a_list_instead_of_a_mapping():
    _, errors = check(SectionFrontMatter, "- a\n- b\n")
    assert "must be a set of 'key: value' lines" in errors[0][1]
