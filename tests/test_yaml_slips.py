"""The slips editors make in YAML, each named with its own message and hint at its line and column,
in English and in Chinese; values read as typed; and no error that only follows from another
(issue 13). Every case is the text an editor types."""

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, run_cli, section, write_project
from generator.diagnostics import Diagnostics
from generator.messages import has_translation, translate
from generator.metrics import load_metrics
from generator.schema import MetricsFile, ReportMeta, SectionFrontMatter, SiteConfig, parse_and_validate
from generator.sources import SourceFile
from generator.yamlfile import YamlError, encoding_problem, parse_yaml


def problems(schema, text: str, what: str = "x.yml", line_offset: int = 0):
    """(line, column, message, hint) of each problem ``text`` has against ``schema``."""
    diagnostics = Diagnostics(Path("."))
    value, _ = parse_and_validate(schema, text, Path("x.yml"), diagnostics, what, line_offset=line_offset)
    return value, [(d.line, d.column, d.message, d.hint) for d in diagnostics.sorted()]


def only(schema, text: str, what: str = "x.yml", line_offset: int = 0):
    value, found = problems(schema, text, what, line_offset)
    assert value is None and len(found) == 1, found
    return found[0]


REPORT = "title: {zh: 2022年工作总结, en: Work Summary 2022}\nyear: 2022\nsummary: {zh: 一年的工作。, en: A year of work.}\n"

METRIC = """\
metrics:
  - id: leaders
    label: {zh: 来访外国领导人, en: foreign leaders received}
    value: 12
    unit: {zh: 位, en: leaders}
    section: first
"""


# --- 1. slips, each with its own message and hint -------------------------------------------


def test_full_width_colon_after_a_key():
    # A one-line front matter reads as one text; told as the slip, not as "must be key: value lines".
    with pytest.raises(YamlError) as error:
        parse_yaml('title："2022年工作总结"\n', line_offset=1)  # as content.py parses a front matter
    assert (error.value.line, error.value.column, error.value.message, error.value.hint) == (
        2, 6, "invalid YAML: the full-width colon ： after 'title' does not end a key",
        'replace the full-width ： with : followed by a space: title: "2022年工作总结"')


def test_full_width_colon_and_a_space_in_report_yml():
    text = REPORT.replace("summary: {", "summary： {")
    line, column, message, hint = only(ReportMeta, text)
    assert (line, column) == (3, 8)
    assert message == "invalid YAML: the full-width colon ： after 'summary' does not end a key"
    assert hint == "replace the full-width ： with : followed by a space: summary: {zh: 一年的工作。, en: A year of work.}"


def test_full_width_colon_is_the_cause_not_the_line_where_yaml_fails():
    # PyYAML fails on line 2 ("mapping values are not allowed here"); the slip is on line 1.
    assert only(SiteConfig, 'title："测试年报"\nlanguages: [zh, en]\n') == (
        1, 6, "invalid YAML: the full-width colon ： after 'title' does not end a key",
        'replace the full-width ： with : followed by a space: title: "测试年报"')
    assert only(ReportMeta, 'title:\n  zh："2022年工作总结"\n  en: "Work Summary 2022"\nyear: 2022\n')[:3] == (
        2, 5, "invalid YAML: the full-width colon ： after 'zh' does not end a key")


def test_full_width_colon_inside_braces():
    line, column, message, hint = only(ReportMeta, REPORT.replace("{zh: 一年", "{zh：一年"))
    assert (line, column, message) == (3, 13, "invalid YAML: the full-width colon ： after 'zh' does not end a key")
    assert hint == "replace the full-width ： with : followed by a space: zh: 一年的工作。"


def test_a_full_width_colon_inside_a_text_is_text():
    value, found = problems(SectionFrontMatter, "title: 一、总结：成效\nsummary: 时间：2022年\n")
    assert found == [] and value.title == "一、总结：成效" and value.summary == "时间：2022年"


def test_full_width_spaces_as_indentation():
    text = "title:\n\u3000\u3000zh: 2022年工作总结\n\u3000\u3000en: Work Summary 2022\nyear: 2022\n"
    value, found = problems(ReportMeta, text)
    # both lines, and nothing about the unknown keys "　　zh" or the missing summary they lead to
    assert value is None and found == [
        (2, 1, "invalid YAML: the line is indented with full-width spaces",
         "indent with ordinary (half-width) spaces only: type them with the input method in English mode"),
        (3, 1, "invalid YAML: the line is indented with full-width spaces",
         "indent with ordinary (half-width) spaces only: type them with the input method in English mode")]
    # mixed with ordinary indentation, where PyYAML fails on line 3
    assert only(ReportMeta, "title:\n\u3000\u3000zh: 年报\n  en: Report\n")[:3] == (
        2, 1, "invalid YAML: the line is indented with full-width spaces")


def test_full_width_space_after_a_colon():
    assert only(SectionFrontMatter, "title:\u3000第一部分\n") == (
        1, 7, "invalid YAML: a full-width space follows the colon after 'title'",
        "replace the full-width space with an ordinary (half-width) space: title: 第一部分")
    assert only(ReportMeta, REPORT.replace("{zh: 一年", "{zh:\u3000一年"))[:3] == (
        3, 14, "invalid YAML: a full-width space follows the colon after 'zh'")


def test_tab_as_indentation_in_metrics_yml():
    text = METRIC.replace("    value: 12", "\tvalue: 12")
    assert only(MetricsFile, text, "metrics.yml") == (
        4, 1, "invalid YAML: the line is indented with a tab", "indent with spaces, not tabs")


def test_three_space_indent_in_metrics_yml_speaks_of_indentation():
    text = METRIC.replace("    value: 12", "   value: 12")
    line, column, message, hint = only(MetricsFile, text, "metrics.yml")
    assert (line, column) == (4, 4)
    assert message == "invalid YAML: the indentation of this line does not line up with the lines it belongs with"
    assert hint == ("indent 'value' by 4 spaces, like 'label' on line 3: "
                    "the lines of one level start in the same column")
    assert "quot" not in hint


def test_five_space_indent_after_a_plain_value_speaks_of_indentation():
    # PyYAML: "mapping values are not allowed here", whose usual hint is about quoting.
    text = "metrics:\n  - id: leaders\n    section: first\n     value: 12\n"
    line, column, message, hint = only(MetricsFile, text, "metrics.yml")
    assert (line, column, message) == (
        4, 6, "invalid YAML: the indentation of this line does not line up with the lines it belongs with")
    assert hint.startswith("indent 'value' by 4 spaces, like 'section' on line 3")


def test_misaligned_list_items():
    text = "metrics:\n  - id: a\n    section: first\n - id: b\n   section: first\n"
    line, column, message, hint = only(MetricsFile, text, "metrics.yml")
    assert (line, column) == (4, 2)
    assert hint.startswith("indent '- id' by 2 spaces, like '- id' on line 2")


def test_comma_inside_braces():
    # Today: "'title.2022, and 2023' must be text, not nothing", with no hint.
    text = "title: {zh: 2022年和2023年工作总结, en: Work in 2022, and 2023}\nyear: 2023\nsummary: {zh: 两年, en: Two years}\n"
    assert only(ReportMeta, text) == (
        1, 48, "invalid YAML: a comma inside { } ends the text before 'and 2023', which is then read as a key without a value",
        'put a text that contains a comma in straight quotes: en: "Work in 2022, and 2023"')


def test_a_language_without_a_value_inside_braces():
    assert only(ReportMeta, REPORT.replace("en: Work Summary 2022}", "en}"))[:4] == (
        1, 24, "invalid YAML: 'en' inside { } has no value", "write 'en: …', with a colon and a space")


def test_colon_inside_braces():
    line, column, message, hint = only(ReportMeta, REPORT.replace("{zh: 一年的工作。", "{zh: 总结: 成效"))
    assert (line, column, message) == (3, 17, "invalid YAML: expected ',' or '}', but got ':'")
    assert hint == "inside { } or [ ], put a text that contains ':' or ',' in straight quotes: zh: \"总结: 成效\""


def test_braces_not_closed():
    assert only(ReportMeta, REPORT.replace("en: Work Summary 2022}", "en: Work Summary 2022"))[:3] == (
        1, 8, "invalid YAML: the { opened here is not closed")


def test_unquoted_mask():
    text = METRIC.replace("value: 12", "mask: **")
    assert only(MetricsFile, text, "metrics.yml") == (
        4, 11, "invalid YAML: a value that starts with * must be in quotes",
        "YAML reads a * at the start of a value as a reference to another value: "
        "put the value in quotes, e.g. mask: \"**\"")
    assert only(MetricsFile, METRIC.replace("value: 12", "mask: ***万"), "metrics.yml")[3].endswith('mask: "***万"')


def test_chinese_quotation_marks_around_a_value():
    assert only(SectionFrontMatter, "title: “第一部分”\n") == (
        1, 8, "invalid YAML: Chinese quotation marks “…” do not quote a value in YAML",
        'quote a value with straight quotes: title: "第一部分" '
        '(to show the Chinese quotation marks, put them inside: title: "“第一部分”")')
    # inside a text, or a quoted value, they are text
    value, found = problems(SectionFrontMatter, 'title: 推进“一带一路”建设\nsummary: "“一带一路”"\n')
    assert found == [] and value.title == "推进“一带一路”建设" and value.summary == "“一带一路”"


def test_chinese_quotation_marks_that_yaml_cannot_read():
    assert only(SectionFrontMatter, "title: “一、总结: 成效”\n") == (
        1, 8, "invalid YAML: Chinese quotation marks “…” do not quote a value in YAML",
        'quote a value with straight quotes: title: "一、总结: 成效"')


def test_no_space_after_a_colon():
    assert only(SectionFrontMatter, 'title:"第一部分"\n') == (
        1, 6, "invalid YAML: no space after the colon in 'title:\"第一部分\"'",
        'write a space after the colon that ends a key: title: "第一部分"')
    assert only(MetricsFile, METRIC.replace("value: 12", "value:12"), "metrics.yml") == (
        4, 10, "invalid YAML: no space after the colon in 'value:12'",
        "write a space after the colon that ends a key: value: 12")
    # an address is no slip
    value, found = problems(SiteConfig, "title: {zh: a, en: b}\norganisation: {zh: c, en: d}\n"
                                        "base_url: https://example.gov.cn/report/\n")
    assert found == [] and value.base_url == "https://example.gov.cn/report/"


def test_a_line_without_its_colon():
    assert only(ReportMeta, "title: {zh: 年报, en: Report}\nyear 2022\nsummary: {zh: a, en: b}\n")[:3] == (
        2, 1, "invalid YAML: this line has no ':' between a key and its value")


def test_quotation_mark_not_closed():
    assert only(SectionFrontMatter, 'title: "第一部分\nsummary: 概要\n')[:3] == (
        1, 8, 'invalid YAML: the quotation mark " is not closed')


def test_text_after_a_closing_quotation_mark():
    assert only(SectionFrontMatter, 'title: "第一部分" 总结\n') == (
        1, 15, 'invalid YAML: the value ends at ", but the line goes on',
        "put the whole value in quotes: title: '\"第一部分\" 总结'")


def test_backslash_in_double_quotes():
    line, column, message, _ = only(SiteConfig, 'title: {zh: "C:\\报告", en: b}\n')
    assert (line, column, message) == (1, 16, "invalid YAML: '\\报' inside double quotes is not a valid escape")


def test_a_file_in_gbk_or_utf_16():
    text = "title: {zh: 2022年工作总结, en: Work Summary 2022}\n"
    assert encoding_problem(text.encode("gbk")) == (
        "the file is in GBK (GB2312/GB18030), not UTF-8",
        "save it as UTF-8 (in most editors: Save As → Encoding → UTF-8; ANSI and GBK are not UTF-8)")
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        assert encoding_problem(text.encode(encoding))[0] == "the file is in UTF-16, not UTF-8"
    assert encoding_problem("café\n".encode("latin-1"))[0] == "the file is not UTF-8 text"
    # an English file in UTF-16 without a byte order mark decodes as UTF-8, with a NUL every other byte
    with pytest.raises(YamlError) as error:
        parse_yaml("title: Part one\n".encode("utf-16-le").decode("utf-8"))
    assert error.value.message == "the file is in UTF-16, not UTF-8"
    assert "UTF-8" in error.value.hint


SLIPS = [
    (SectionFrontMatter, 'title："2022年工作总结"\n'),
    (ReportMeta, REPORT.replace("summary: {", "summary： {")),
    (ReportMeta, "title:\n\u3000\u3000zh: 年报\n  en: Report\n"),
    (SectionFrontMatter, "title:\u3000第一部分\n"),
    (MetricsFile, METRIC.replace("    value: 12", "\tvalue: 12")),
    (MetricsFile, METRIC.replace("    value: 12", "   value: 12")),
    (MetricsFile, "metrics:\n  - id: leaders\n    section: first\n     value: 12\n"),
    (MetricsFile, "metrics:\n  - id: a\n    section: first\n - id: b\n"),
    (MetricsFile, "metrics:\n  - id: a\n    section: first\n    label: {zh: 甲, en: A}\n  value: 1\n"),
    (ReportMeta, "title: {zh: 2022年和2023年, en: 2022, and 2023}\n"),
    (ReportMeta, "title: {zh: 年报, en}\n"),
    (ReportMeta, REPORT.replace("{zh: 一年的工作。", "{zh: 总结: 成效")),
    (ReportMeta, REPORT.replace("en: Work Summary 2022}", "en: Work Summary 2022")),
    (ReportMeta, "sections: [a, b\nyear: 2022\n"),
    (MetricsFile, METRIC.replace("value: 12", "mask: **")),
    (SectionFrontMatter, "title: “第一部分”\n"),
    (SectionFrontMatter, "title: “一、总结: 成效”\n"),
    (SectionFrontMatter, 'title:"第一部分"\n'),
    (MetricsFile, METRIC.replace("value: 12", "value:12")),
    (SectionFrontMatter, "title: 一、总结: 成效\n"),
    (SectionFrontMatter, "title\n  zh: a\n"),
    (SectionFrontMatter, 'title: "第一部分\n'),
    (SectionFrontMatter, 'title: "第一部分" 总结\n'),
    (SectionFrontMatter, 'title: "C:\\docs"\n'),
    (SectionFrontMatter, "title: [草案] 第一部分\n"),
    (SectionFrontMatter, "title: @外办\n"),
    (SectionFrontMatter, "title: !重要\n"),
    (SectionFrontMatter, "summary: | 概要\n"),
    (SectionFrontMatter, "title: a\n---\nsummary: b\n"),
    (ReportMeta, "sections: - a\n"),
    (ReportMeta, "sections: [a,, b]\n"),
    (ReportMeta, "title: {[a]: b}\n"),
    (ReportMeta, "date: 2023-02-30\n"),
    (ReportMeta, 'title: {zh: "年报" 2022, en: b}\n'),
    (ReportMeta, 'title: {zh: "\\ud800", en: b}\n'),
    (ReportMeta, 'title: {zh: "\\U00110000", en: b}\n'),
    (ReportMeta, 'title: {zh: "\\ud83d\\ude00", en: b}\n'),
    (ReportMeta, "sections: " + "[" * 60 + "]" * 60 + "\n"),
]

ENGLISH = re.compile(r"\b(the|is|not|of|with|after|found|expected|could|mapping|values|allowed|here|"
                     r"line|quote|quotes|value|must|while|scanning|parsing|block|end|start|token|character)\b")


@pytest.mark.parametrize("schema, text", SLIPS)
def test_every_slip_is_told_in_chinese(schema, text):
    _, found = problems(schema, text)
    assert found
    for _, _, message, hint in found:
        assert has_translation(message, "zh") and has_translation(hint, "zh"), (message, hint)
        # what the editor typed is quoted “…” or given as the example after the last colon
        shown = re.sub(r"“[^”]*”", "", translate(message, "zh")) + " " + \
            re.sub(r"“[^”]*”", "", translate(hint, "zh")).rsplit("：", 1)[0].split("例如")[0]
        assert not ENGLISH.search(shown), shown
        assert "<" not in shown  # PyYAML's <block end>, <scalar>, <stream end>


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["title", "zh", "en", ":", "：", " ", "\u3000", "\t", "\n", "  ", "- ", "{", "}",
                                 "[", "]", ",", "“", "”", '"', "'", "*", "&", "!", "|", "#", "2022", "年报", "\\"]),
                max_size=30).map("".join))
def test_any_text_ends_in_a_message_told_in_both_languages(text):
    """Whatever an editor types: a document, or an error with a message and hint the catalog
    translates (never an exception of PyYAML's, never its English)."""
    try:
        parse_yaml(text)
    except YamlError as error:
        found = [error, *error.more]
    else:
        found = []
    for error in found:
        assert error.message and has_translation(error.message, "zh"), error.message
        assert has_translation(error.hint, "zh"), error.hint
        assert "<" not in translate(error.message, "zh")


def test_slips_are_told_in_chinese_by_the_command_line(tmp_path):
    config = write_project(tmp_path, {**MINIMAL,
                                      "content/2021/01-first.zh.md": section("第一部分").replace('title: "', 'title："'),
                                      "content/2021/metrics.yml": METRIC.replace("    value: 12", "   value: 12")})
    code, _, err = run_cli("check", "--lang", "zh", "--config", str(config))
    assert code == 1
    assert ("content/2021/01-first.zh.md:2:6: 错误: YAML 格式错误：“title”后面是全角冒号“：”，"
            "YAML 不把它当作键后面的冒号") in err
    assert '建议：把全角的“：”换成半角的“:”，后面加一个空格：title: "第一部分"' in err
    assert "content/2021/metrics.yml:4:4: 错误: YAML 格式错误：这一行的缩进与同一级的行没有对齐" in err
    assert "建议：“value”前面缩进4个空格，与第3行的“label”对齐：同一级的行从同一列开始" in err


# --- 2. values as typed ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2022", "no", "on", "Yes", "1.10", "0012", "2023-01-05", "12:30", "1_000",
                                   "0x1F", ".inf", "-5", "+12", "2023-01-05 10:00:00"])
def test_text_is_taken_as_typed(typed):
    value, found = problems(SectionFrontMatter, f"title: {typed}\nsummary: {typed}\n")
    assert found == [] and value.title == typed and value.summary == typed


def test_texts_in_every_language_and_lists_as_typed():
    value, found = problems(ReportMeta, "title: {zh: 2022, en: 2022}\nyear: 2022\ndate: 2023-01-05\n"
                                        "summary: {zh: 是, en: yes}\nsections: [2022, no, 01]\n")
    assert found == []
    assert value.title == {"zh": "2022", "en": "2022"} and value.summary == {"zh": "是", "en": "yes"}
    assert value.sections == ["2022", "no", "01"]
    assert value.year == 2022 and value.date == dt.date(2023, 1, 5)  # a number and a date where wanted


def test_keys_as_typed():
    assert parse_yaml("no: Norsk\n2022: x\n1.10: y\non: z\n").data == {"no": "Norsk", "2022": "x", "1.10": "y", "on": "z"}


def test_nothing_stays_nothing():
    for nothing in ("~", "null", ""):
        assert only(SectionFrontMatter, f"title: {nothing}\n")[2] == "'title' must be text, not nothing"


def test_figures_as_typed():
    def figure(typed):
        return problems(MetricsFile, METRIC.replace("value: 12", f"value: {typed}"), "metrics.yml")

    assert figure("0012")[0].metrics[0].value == 12  # not YAML 1.1's octal 10
    assert figure("1.10")[0].metrics[0].value == 1.1
    assert figure("12")[0].metrics[0].value == 12
    assert figure("2022")[0].metrics[0].id == "leaders"
    id_as_number = problems(MetricsFile, METRIC.replace("id: leaders", "id: 2022"), "metrics.yml")[0]
    assert id_as_number.metrics[0].id == "2022"
    mask_as_number = problems(MetricsFile, METRIC.replace("value: 12", "mask: 12"), "metrics.yml")[1]
    assert mask_as_number[0][2] == "'metrics[leaders].mask' is not a mask: '12'"


@pytest.mark.parametrize("typed, found", [
    ("yes", "the text 'yes'"), ("1:30", "the text '1:30'"), ("0x1F", "the text '0x1F'"),
    (".inf", "the text '.inf'"), ("2023-01-05", "the text '2023-01-05'"), ("十二", "the text '十二'"),
])
def test_a_figure_that_is_not_a_number_is_shown_as_typed(typed, found):
    value, errors = problems(MetricsFile, METRIC.replace("value: 12", f"value: {typed}"), "metrics.yml")
    assert value is None
    assert errors == [(4, 5, f"'metrics[leaders].value' must be a number, not {found}", "")]


def test_a_figure_written_as_the_text_writes_it():
    _, errors = problems(MetricsFile, METRIC.replace("value: 12", "value: 1.2万"), "metrics.yml")
    assert errors == [(4, 5, "'metrics[leaders].value' must be a number, not the text '1.2万'",
                       "write the figure in digits only, without 万, 亿, separators or %: e.g. 12000 for 1.2万")]


def test_wrong_types_say_what_was_expected_and_show_what_was_typed():
    _, errors = problems(ReportMeta, "title: 2022\nyear: yes\ndate: 2023年1月5日\nsummary: {zh: a, en: b}\n")
    assert [e[2] for e in errors] == [
        "'title' must be a set of 'key: value' lines (for example zh: … and en: …), not a number (2022)",
        "'year' must be a whole number, not the text 'yes'",
        "'date' must be a date written YYYY-MM-DD, not the text '2023年1月5日'"]
    _, errors = problems(ReportMeta, REPORT.replace("year: 2022", "year: 1800"))
    assert errors[0][2] == "'year' must be at least 1900, not a number (1800)"
    assert translate(errors[0][2], "zh") == "“year”应为不小于 1900 的数，而不是数字（1800）"
    _, errors = problems(SiteConfig, "title: {zh: a, en: b}\norganisation: {zh: c, en: d}\nsearch: 是\n")
    assert errors[0][2] == "'search' must be true or false, not the text '是'"
    assert translate(errors[0][2], "zh") == "“search”应为true 或 false，而不是文字“是”"
    _, errors = problems(SiteConfig, "title: {zh: a, en: b}\norganisation: {zh: c, en: d}\nmasks: fixd\n")
    assert errors[0][3] == "use one of: per-character, fixed"


def test_a_date_where_text_was_wanted_and_a_list_was_wanted():
    _, errors = problems(ReportMeta, REPORT + "sections: 2023-01-05\n")
    assert errors[0][2] == "'sections' must be a list ([a, b] or lines starting with '- '), not a date (2023-01-05)"
    assert translate(errors[0][2], "zh") == "“sections”应为列表（[a, b] 或以“- ”开头的行），而不是日期（2023-01-05）"


# --- 3. one mistake, one message: nothing that only follows from a file that did not load ------


def test_a_metrics_file_that_did_not_parse_may_define_any_figure():
    source = SourceFile(Path("content/2021/metrics.yml"), METRIC.replace("value: 12", "value:12"))
    diagnostics = Diagnostics(Path("."))
    metrics = load_metrics(source, "2021", 2021, ["zh", "en"], {"first"}, diagnostics)
    assert metrics == [] and metrics.may_define("leaders") and metrics.may_define("anything")
    assert [d.message for d in diagnostics.items] == ["invalid YAML: no space after the colon in 'value:12'"]


def test_a_metrics_file_with_a_bad_entry_may_define_that_entry_only():
    text = METRIC + "  - id: visits\n    label: {zh: 来访, en: visits}\n    value: 很多\n    unit: {zh: 次, en: visits}\n    section: first\n"
    metrics = load_metrics(SourceFile(Path("metrics.yml"), text), "2021", 2021, ["zh", "en"], {"first"},
                           Diagnostics(Path(".")))
    assert metrics == [] and metrics.may_define("visits") and metrics.may_define("leaders")
    assert not metrics.may_define("leader")  # a typo in the text is still the text's mistake
    text = METRIC.replace("section: first", "section: frist")
    metrics = load_metrics(SourceFile(Path("metrics.yml"), text), "2021", 2021, ["zh", "en"], {"first"},
                           Diagnostics(Path(".")))
    assert metrics == [] and metrics.may_define("leaders") and not metrics.may_define("visits")


def test_a_valid_metrics_file_defines_what_it_has():
    metrics = load_metrics(SourceFile(Path("metrics.yml"), METRIC), "2021", 2021, ["zh", "en"], {"first"},
                           Diagnostics(Path(".")))
    assert [m.id for m in metrics] == ["leaders"] and not metrics.may_define("leader")


def test_references_to_a_metrics_file_that_did_not_parse_are_not_reported(tmp_path):
    config = write_project(tmp_path, {
        **MINIMAL,
        "content/2021/metrics.yml": METRIC.replace("value: 12", "value:12"),
        "content/2021/01-first.zh.md": section("第一部分", "会见{{ leaders }}位外国领导人。"),
        "content/2021/01-first.en.md": section("Part one", "We received {{ leaders }} foreign leaders."),
    })
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == ["content/2021/metrics.yml:4:10: error: invalid YAML: no space after the colon in 'value:12'"]


def test_a_figure_of_more_digits_than_python_converts_is_refused_not_a_crash():
    _, errors = problems(MetricsFile, METRIC.replace("value: 12", "value: " + "9" * 5000), "metrics.yml")
    assert errors[0][:2] == (4, 5) and errors[0][2].startswith("'metrics[leaders].value' must be a number, not the text '999")


@pytest.mark.parametrize("line, hint", [
    ("    value: “12”", 'write it without quotation marks: value: 12'),
    ("    mask: “**”", 'quote a value with straight quotes: mask: "**"'),
])
def test_chinese_quotation_marks_around_a_figure_get_a_hint_that_works(tmp_path, line, hint):
    metrics = METRIC.replace("    value: 12", line)
    config = write_project(tmp_path, {**MINIMAL, "content/2021/metrics.yml": metrics,
                                      "content/2021/01-first.zh.md": section("第一部分", "会见{{ leaders }}位。")})
    code, _, err = run_cli("check", "--config", str(config))
    assert code == 1 and f"hint: {hint}\n" in err and "put them inside" not in err, err


def test_an_interface_string_is_read_as_typed(tmp_path):
    """translations.yml: en: yes is the word, 2022 the text (the project's own strings override the theme's)."""
    config = write_project(tmp_path, {**MINIMAL, "templates/translations.yml": "skip_link: {zh: 是, en: yes}\n"})
    code, _, err = run_cli("build", "--config", str(config))
    assert code == 0, err
    assert ">yes</a>" in (tmp_path / "site/en/2021/first/index.html").read_text(encoding="utf-8")



# --- 4. what YAML reads but nothing after it could take: an escape of no character, nesting too deep --


LONE = "write the character itself, or the escape of a real character, e.g. \\u4e2d for 中 or \\U0001F600 for 😀"


@pytest.mark.parametrize("escape, message", [
    ("\\ud800", "'\\ud800' inside double quotes is not a valid Unicode character (a lone surrogate)"),
    ("\\uDFFF", "'\\uDFFF' inside double quotes is not a valid Unicode character (a lone surrogate)"),
    ("\\U0000dc00", "'\\U0000dc00' inside double quotes is not a valid Unicode character (a lone surrogate)"),
    ("\\U00110000", "'\\U00110000' inside double quotes is not a valid Unicode character (the last one is "
                    "\\U0010FFFF)"),
])
def test_an_escape_of_no_character_is_refused_at_its_place(escape, message):
    # libyaml refuses it; PyYAML's Python loader, which reads every file libyaml refuses, took it (a
    # lone surrogate: no page could then be written) or crashed on it (beyond U+10FFFF)
    with pytest.raises(YamlError) as error:
        parse_yaml(f'title: "第一部分"\nsummary: "前言 {escape} 后文"\n', line_offset=1)
    assert (error.value.line, error.value.column, error.value.message, error.value.hint) == (
        3, 14, f"invalid YAML: {message}", LONE)


def test_a_surrogate_pair_written_as_two_escapes_is_refused_with_the_escape_that_works():
    with pytest.raises(YamlError) as error:
        parse_yaml('title:\n  zh: "年报"\n  en: "Report \\ud83d\\ude00"\n')
    assert (error.value.line, error.value.column, error.value.message, error.value.hint) == (
        3, 15, "invalid YAML: '\\ud83d\\ude00' inside double quotes is a UTF-16 surrogate pair, which YAML "
               "does not read as one character", "write the character itself (😀), or one escape for it: \\U0001F600")
    assert parse_yaml('title: "Report \\U0001F600 \\u4e2d"\n').data == {"title": "Report 😀 中"}


def test_an_escape_of_no_character_in_a_key_or_on_a_later_line_of_the_text():
    with pytest.raises(YamlError) as error:
        parse_yaml('"\\ud800": x\n')
    assert (error.value.line, error.value.column) == (1, 2)
    with pytest.raises(YamlError) as error:
        parse_yaml('summary: "第一行\n  第二行 \\udfff"\n')
    assert (error.value.line, error.value.column) == (2, 7)


def test_a_surrogate_escape_written_as_text_is_text():
    # no escape inside single quotes, nor after an escaped backslash
    assert parse_yaml("title: '\\ud800'\n").data == {"title": "\\ud800"}
    assert parse_yaml('title: "\\\\ud800"\n').data == {"title": "\\ud800"}
    assert parse_yaml("title: C:\\ud800\n").data == {"title": "C:\\ud800"}


DEEP = "invalid YAML: the values are nested too deeply (more than 50 levels)"
DEEP_HINT = ("a report's files need only a few levels (metrics: → - id: → label: → zh:): "
             "remove the extra [ ], { } or '- ' levels")


def nested_items(levels: int, indent: int = 0) -> str:
    """``levels`` lists inside one another, each a '- ' line indented under the one before."""
    return "".join(" " * (indent + 2 * level) + "-\n" for level in range(levels))


@pytest.mark.parametrize("text, line, column", [
    # the mapping is the first level, the 50th [ (column 7 + 50) the 51st; libyaml reads the first
    # (it stops at 1,000 levels), PyYAML's Python loader the second, whose composer recurses
    ("label: " + "[" * 500 + "]" * 500 + "\n", 1, 57),
    ("label: " + "[" * 5000 + "]" * 5000 + "\n", 1, 57),
    ("label: " + "{a: " * 500 + "b" + "}" * 500 + "\n", 1, 4 * 49 + 8),
    ("label:\n" + nested_items(600), 51, 99),
    ("label:\n" + nested_items(3000), 51, 99),
    ("- " * 60 + "x\n", 1, 2 * 50 + 1),  # one list inside another on one line
])
def test_nesting_too_deep_is_refused_at_the_level_that_is_one_too_many(text, line, column):
    for offset in (0, 4):
        with pytest.raises(YamlError) as error:
            parse_yaml(text, line_offset=offset)
        assert (error.value.line, error.value.column, error.value.message, error.value.hint) == (
            line + offset, column, DEEP, DEEP_HINT)


def test_nesting_is_told_at_the_same_place_by_either_parser():
    # a syntax error further down sends the file to PyYAML's Python loader: the same place is named
    deep = "title: a\nsections: [" + "[" * 30 + "]" * 30 + "]\nlabel:\n" + nested_items(80, 2)
    for text in (deep, deep + "year: [2022\n"):
        with pytest.raises(YamlError) as error:
            parse_yaml(text)
        assert (error.value.line, error.value.column, error.value.message) == (4 + 49, 2 + 2 * 49 + 1, DEEP)


def test_fifty_levels_are_read():
    assert parse_yaml("[" * 50 + "]" * 50 + "\n").data is not None
    assert parse_yaml("label:\n" + nested_items(49)).data is not None
    with pytest.raises(YamlError):
        parse_yaml("[" * 51 + "]" * 51 + "\n")


FLOW_DEEP = "[" * 500 + "]" * 500
BLOCK_DEEP = nested_items(600, 2)


@pytest.mark.parametrize("files, error", [
    ({"content/2021/metrics.yml": METRIC.replace("{zh: 来访外国领导人", '{zh: "\\ud800"')},
     "content/2021/metrics.yml:3:18: error: invalid YAML: '\\ud800' inside double quotes is not a valid Unicode "
     "character (a lone surrogate)"),
    ({"content/2021/01-first.zh.md": section("第一部分").replace("---\n\n", 'summary: "\\ud83d来访"\n---\n\n', 1)},
     "content/2021/01-first.zh.md:3:11: error: invalid YAML: '\\ud83d' inside double quotes is not a valid Unicode "
     "character (a lone surrogate)"),
    ({"site_config.yml": MINIMAL["site_config.yml"] + 'output: "\\udc00"\n'},
     "site_config.yml:9:10: error: invalid YAML: '\\udc00' inside double quotes is not a valid Unicode character "
     "(a lone surrogate)"),
    ({"content/glossary.yml": 'terms:\n  - zh: "冬奥会\\ud800"\n    en: Olympic Winter Games\n'},
     "content/glossary.yml:2:13: error: invalid YAML: '\\ud800' inside double quotes is not a valid Unicode "
     "character (a lone surrogate)"),
    ({"content/2021/01-first.zh.md": section("第一部分", '```chart\ntype: bar\nmetrics: [leaders]\n'
                                                     'title: {zh: "图\\ud800", en: Chart}\n```\n')},
     "content/2021/01-first.zh.md:8:15: error: in the chart: invalid YAML: '\\ud800' inside double quotes is not "
     "a valid Unicode character (a lone surrogate)"),
    ({"templates/translations.yml": 'skip_link: {zh: "跳到正文\\ud800", en: Skip}\n'},
     "templates/translations.yml:1:22: error: invalid YAML: '\\ud800' inside double quotes is not a valid Unicode "
     "character (a lone surrogate)"),
    ({"content/2021/metrics.yml": METRIC.replace("{zh: 来访外国领导人, en: foreign leaders received}", FLOW_DEEP)},
     f"content/2021/metrics.yml:3:{11 + 47 + 1}: error: {DEEP}"),  # metrics:, its list and its item: 3 levels
    ({"content/2021/metrics.yml": METRIC.replace("    value: 12\n", "    value:\n" + nested_items(600, 6))},
     f"content/2021/metrics.yml:{5 + 47}:{6 + 2 * 47 + 1}: error: {DEEP}"),  # the first - is the 4th level
    ({"content/2021/report.yml": REPORT + "sections: " + FLOW_DEEP + "\n"},
     f"content/2021/report.yml:4:{10 + 49 + 1}: error: {DEEP}"),
    ({"content/2021/report.yml": REPORT + "sections:\n" + BLOCK_DEEP},
     f"content/2021/report.yml:{5 + 49}:{2 + 2 * 49 + 1}: error: {DEEP}"),  # the first - is the 2nd level
    ({"content/2021/01-first.zh.md": section("第一部分").replace("---\n\n", f"summary: {FLOW_DEEP}\n---\n\n", 1)},
     f"content/2021/01-first.zh.md:3:{9 + 49 + 1}: error: {DEEP}"),
    ({"content/2021/01-first.zh.md": section("第一部分").replace("---\n\n", f"summary:\n{BLOCK_DEEP}---\n\n", 1)},
     f"content/2021/01-first.zh.md:{4 + 49}:{2 + 2 * 49 + 1}: error: {DEEP}"),
    ({"content/2021/01-first.zh.md": section("第一部分", f"```chart\ntype: bar\nmetrics: {FLOW_DEEP}\n```\n")},
     f"content/2021/01-first.zh.md:7:{9 + 49 + 1}: error: in the chart: {DEEP}"),
    ({"content/2021/01-first.zh.md": section("第一部分", f"```chart\ntype: bar\nmetrics:\n{BLOCK_DEEP}```\n")},
     f"content/2021/01-first.zh.md:{8 + 49}:{2 + 2 * 49 + 1}: error: in the chart: {DEEP}"),
    ({"site_config.yml": MINIMAL["site_config.yml"] + f"languages_extra: {FLOW_DEEP}\n"},
     f"site_config.yml:9:{17 + 49 + 1}: error: {DEEP}"),
    ({"site_config.yml": MINIMAL["site_config.yml"] + f"footer:\n{BLOCK_DEEP}"},
     f"site_config.yml:{10 + 49}:{2 + 2 * 49 + 1}: error: {DEEP}"),
    ({"content/glossary.yml": f"terms: {FLOW_DEEP}\n"},
     f"content/glossary.yml:1:{7 + 49 + 1}: error: {DEEP}"),
    ({"content/glossary.yml": f"terms:\n{BLOCK_DEEP}"},
     f"content/glossary.yml:{2 + 49}:{2 + 2 * 49 + 1}: error: {DEEP}"),
    ({"templates/translations.yml": f"skip_link: {FLOW_DEEP}\n"},
     f"templates/translations.yml:1:{11 + 49 + 1}: error: {DEEP}"),
])
def test_an_escape_of_no_character_or_nesting_too_deep_is_an_editors_error_in_every_yaml_file(tmp_path, files,
                                                                                               error):
    """Each was an internal error (exit 3: UnicodeEncodeError when the page was written,
    RecursionError in the composer or in a walk of the values after it)."""
    config = write_project(tmp_path, {**MINIMAL, **files})
    for command in ("check", "build"):
        code, _, err = run_cli(command, "--config", str(config))
        assert "internal error" not in err, err
        if command == "build" and "content/glossary.yml" in files:
            assert code == 0  # the glossary is read by nianbao check only
            continue
        assert code == 1 and error + "\n" in err, err


def test_an_escape_of_no_character_and_nesting_too_deep_are_told_in_chinese(tmp_path):
    config = write_project(tmp_path, {
        **MINIMAL,
        "content/2021/metrics.yml": METRIC.replace("en: foreign leaders received}", 'en: "leaders \\ud83d\\ude00"}')})
    code, _, err = run_cli("check", "--lang", "zh", "--config", str(config))
    assert code == 1, err
    assert ("content/2021/metrics.yml:3:39: 错误: YAML 格式错误：双引号中的“\\ud83d\\ude00”是一对 UTF-16 代理项，"
            "YAML 不会把它们读成一个字符\n    建议：直接写出这个字符（😀），或用一个转义表示它：\\U0001F600\n") in err
    config = write_project(tmp_path, {"content/2021/report.yml": REPORT + "sections: " + FLOW_DEEP + "\n"})
    code, _, err = run_cli("check", "--lang", "zh", "--config", str(config))
    assert code == 1, err
    assert ("content/2021/report.yml:4:60: 错误: YAML 格式错误：值嵌套得太深（超过 50 层）\n"
            "    建议：年报的文件只需要几层（metrics: → - id: → label: → zh:）：删去多余的 [ ]、{ } 或“- ”层级\n") in err
    config = write_project(tmp_path, {"content/2021/report.yml": MINIMAL["content/2021/report.yml"],
                                      "content/2021/metrics.yml": METRIC.replace("{zh: 来访外国领导人", '{zh: "\\U00110000"')})
    code, _, err = run_cli("check", "--lang", "zh", "--config", str(config))
    assert ("content/2021/metrics.yml:3:18: 错误: YAML 格式错误：双引号中的“\\U00110000”不代表任何字符（最大的字符是 "
            "\\U0010FFFF）\n    建议：直接写出这个字符，或写真实字符的转义，例如 \\u4e2d 表示“中”，\\U0001F600 表示 😀\n") in err
