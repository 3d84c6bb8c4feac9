"""Attacks on the public edition (issue 12): every spelling of a withheld span, in every field that
reaches a page, in both languages, must never be published.

These are acceptance tests written as an attacker and an independent oracle: nothing here imports
``generator`` (the CLI runs through ``run_cli``), and what is published is judged by
``tests/oracle.py``, which reads every built file the ways a reader or a script could.

For each cell of the matrix a small project gets a unique secret in one field, written with one
spelling, and the public edition is built. Either the build succeeds and the oracle finds the
secret in no file, or it fails (exit 1) with an error naming the source file and writes no site.
A plain valid span (list A) must build (exit 0): an honest build must never be refused; and the
internal edition must then show the secret, so that no test passes because the field never
reached a page.
"""

from __future__ import annotations

import base64
import json
import random
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, run_cli, write_project
from oracle import Figure, read_site, report, scan, search, site_files

# --- spellings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spelling:
    name: str
    group: str  # "A": a valid withheld span, must build and mask; "B": masked or refused, never published
    where: str  # "md" (Markdown bodies), "yaml" (YAML values) or "both"
    parts: int = 1  # how many separate secret pieces it holds
    must_refuse: bool = False  # exit 1 required


SPELLINGS = [
    Spelling("canonical", "A", "both"),
    Spelling("hard-wrapped", "A", "md", parts=2),
    Spelling("quoted-wrapped", "A", "yaml", parts=2),
    Spelling("block-literal", "A", "yaml", parts=2),
    Spelling("block-folded", "A", "yaml", parts=2),
    Spelling("id-and-class", "A", "both"),
    Spelling("class=withheld", "A", "both"),
    Spelling('class="withheld"', "A", "both"),
    Spelling("nested-brackets", "A", "both", parts=3),
    Spelling("escaped-bracket", "A", "both", parts=2),
    Spelling("link-inside", "A", "md"),
    Spelling("markup-inside", "A", "both"),
    Spelling("escaped-backslash-before", "A", "both"),
    Spelling("yaml-\\x5B", "A", "yaml"),
    Spelling("yaml-\\u005B", "A", "yaml"),
    Spelling("yaml-\\x7B", "A", "yaml"),
    Spelling("yaml-line-continuation", "A", "yaml", parts=2),
    Spelling("class-then-x", "B", "both"),
    Spelling("x-then-class", "B", "both"),
    Spelling("capitalised", "B", "both"),
    Spelling("typo-witheld", "B", "both"),
    Spelling("raw-html", "B", "both", must_refuse=True),
    Spelling("figure-inside", "B", "md"),
    Spelling("yaml-binary", "B", "yaml"),
    Spelling("unclosed", "B", "both", must_refuse=True),
]
BY_NAME = {s.name: s for s in SPELLINGS}
PREFIX = {"zh": "与", "en": "with "}
SUFFIX = {"zh": "的交流", "en": " today"}
SECRET_FIGURE_ID = "fig-s"


def md_fragment(spelling: str, parts: list[str], lang: str) -> str:
    """The span as a Markdown body writes it."""
    p = list(parts) + ["", "", ""]  # every spelling below is written out; only the one asked for is used
    sp = "" if lang == "zh" else " "
    return {
        "canonical": f"[{p[0]}]{{.withheld}}",
        "hard-wrapped": f"[{p[0]}\n{p[1]}]{{.withheld}}",
        "id-and-class": f"[{p[0]}]{{#w-secret .withheld}}",
        "class=withheld": f"[{p[0]}]{{class=withheld}}",
        'class="withheld"': f'[{p[0]}]{{class="withheld"}}',
        "nested-brackets": f"[{p[0]}{sp}[{p[1]}]{sp}{p[2]}]{{.withheld}}",
        "escaped-bracket": f"[{p[0]}{sp}\\]{sp}{p[1]}]{{.withheld}}",
        "link-inside": f"[[{p[0]}](https://example.org)]{{.withheld}}",
        "markup-inside": f"[_{p[0]}_]{{.withheld}}",
        "escaped-backslash-before": f"\\\\[{p[0]}]{{.withheld}}",
        "class-then-x": f"[{p[0]}]{{.withheld .x}}",
        "x-then-class": f"[{p[0]}]{{.x .withheld}}",
        "capitalised": f"[{p[0]}]{{.Withheld}}",
        "typo-witheld": f"[{p[0]}]{{.witheld}}",
        "raw-html": f'<span class="withheld">{p[0]}</span>',
        "figure-inside": f"[{p[0]}{{{{ {SECRET_FIGURE_ID} }}}}]{{.withheld}}",
        "unclosed": f"[{p[0]}]{{.withheld",
    }[spelling]


def _esc(text: str) -> str:
    """``text`` as the inside of a YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def yaml_scalar(spelling: str, parts: list[str], lang: str) -> list[str]:
    """The YAML scalar (its first line after ``key: ``, then continuation lines, unindented) of a
    value that holds the span with ``PREFIX``/``SUFFIX`` around it."""
    pre, suf, p = PREFIX[lang], SUFFIX[lang], parts
    if spelling == "quoted-wrapped":  # folded by YAML into one line: a space inside the span
        return ['"' + _esc(pre + "[" + p[0]), _esc(p[1] + "]{.withheld}" + suf) + '"']
    if spelling == "block-literal":  # a line break inside the span
        return ["|-", pre + "[" + p[0], p[1] + "]{.withheld}" + suf]
    if spelling == "block-folded":
        return [">-", pre + "[" + p[0], p[1] + "]{.withheld}" + suf]
    if spelling == "yaml-\\x5B":
        return ['"' + _esc(pre) + "\\x5B" + _esc(p[0] + "]{.withheld}" + suf) + '"']
    if spelling == "yaml-\\u005B":
        return ['"' + _esc(pre) + "\\u005B" + _esc(p[0] + "]{.withheld}" + suf) + '"']
    if spelling == "yaml-\\x7B":
        return ['"' + _esc(pre + "[" + p[0] + "]") + "\\x7B" + _esc(".withheld}" + suf) + '"']
    if spelling == "yaml-line-continuation":  # an escaped line break: the two halves join
        return ['"' + _esc(pre + "[" + p[0]) + "\\", _esc(p[1] + "]{.withheld}" + suf) + '"']
    if spelling == "yaml-binary":
        value = pre + md_fragment("canonical", p, lang) + suf
        return ["!!binary " + base64.b64encode(value.encode()).decode()]
    return [json.dumps(pre + md_fragment(spelling, p, lang) + suf, ensure_ascii=False)]


def plain_scalar(text: str) -> list[str]:
    return [json.dumps(text, ensure_ascii=False)]


# --- fields and the project ------------------------------------------------------------------

SECTION = "content/2021/01-first.{lang}.md"
MD_FIELDS = ["paragraph", "list-item", "table-cell", "heading"]
YAML_FIELDS = ["section-title", "section-summary", "report-title", "report-summary", "metric-label",
               "metric-unit", "metric-note", "metric-text", "chart-title", "chart-caption", "site-title",
               "site-organisation", "site-footer", "site-contact", "site-withheld-note", "translation"]
SOURCE_OF = {
    **{f: [SECTION] for f in MD_FIELDS + ["section-title", "section-summary"]},
    "report-title": ["content/2021/report.yml"], "report-summary": ["content/2021/report.yml"],
    **{f: ["content/2021/metrics.yml"] for f in ("metric-label", "metric-unit", "metric-note", "metric-text")},
    "chart-title": [SECTION.format(lang="zh"), SECTION.format(lang="en")],
    "chart-caption": [SECTION.format(lang="zh"), SECTION.format(lang="en")],
    **{f: ["site_config.yml"] for f in ("site-title", "site-organisation", "site-footer", "site-contact",
                                        "site-withheld-note")},
    "translation": ["templates/translations.yml"],
}
DEFAULTS = {  # the honest value of every YAML slot, per language
    "section-title": {"zh": "第一部分", "en": "Part one"},
    "section-summary": {"zh": "第一部分的摘要。", "en": "A summary of part one."},
    "report-title": {"zh": "2021年工作总结", "en": "Work Summary 2021"},
    "report-summary": {"zh": "一年的工作。", "en": "A year of work."},
    "metric-label": {"zh": "接待来访团组", "en": "visiting delegations"},
    "metric-unit": {"zh": "个", "en": "delegations"},
    "metric-note": {"zh": "含线上会见", "en": "including online meetings"},
    "metric-text": {"zh": "逾百", "en": "over a hundred"},
    "chart-title": {"zh": "接待来访团组", "en": "Visiting delegations"},
    "chart-caption": {"zh": "2021年的团组数", "en": "Delegations in 2021"},
    "site-title": {"zh": "测试年报", "en": "Test Reports"},
    "site-organisation": {"zh": "测试办公室", "en": "Test Office"},
    "site-footer": {"zh": "页脚文字", "en": "Footer text"},
    "site-contact": {"zh": "电话 010-00000000", "en": "Telephone +86 10 0000 0000"},
    "site-withheld-note": {"zh": "本报告中以“*”表示的内容不予公开。", "en": "Content shown as “*” is withheld."},
    "translation": {"zh": "您访问的页面不存在或已移动。", "en": "The page you requested does not exist or has moved."},
}
MD_DEFAULT = {"zh": "第二段。", "en": "Second paragraph."}


def md_block(field_name: str, fragment: str, lang: str) -> str:
    """The Markdown block that holds the fragment in a body field."""
    if field_name == "paragraph":
        return ("与" + fragment + "市签署协议。") if lang == "zh" else ("Signed with " + fragment + " city.")
    if field_name == "list-item":
        item = ("与" + fragment + "会谈") if lang == "zh" else ("Talks with " + fragment)
        return "- " + item.replace("\n", "\n  ") + "\n- " + ("第二项" if lang == "zh" else "Second item")
    if field_name == "table-cell":
        head = "| 项目 | 对象 |" if lang == "zh" else "| Item | With |"
        row = "| 会谈 | " + fragment + " |" if lang == "zh" else "| Talks | " + fragment + " |"
        return head + "\n| --- | --- |\n" + row
    if field_name == "heading":
        return "## " + (("与" + fragment + "的交流") if lang == "zh" else ("Exchanges with " + fragment))
    raise KeyError(field_name)


def emit(key: str, lines: list[str], indent: str) -> str:
    """``key: scalar`` at ``indent``, continuation lines indented under it."""
    return f"{indent}{key}: {lines[0]}\n" + "".join(f"{indent}    {line}\n" for line in lines[1:])


def per_language(key: str, values: dict[str, list[str]], indent: str) -> str:
    return f"{indent}{key}:\n" + emit("zh", values["zh"], indent + "  ") + emit("en", values["en"], indent + "  ")


@dataclass
class Project:
    """A small bilingual project whose fields can be given any YAML scalar or Markdown block."""

    yaml: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # field → lang → scalar lines
    md: dict[str, dict[str, str]] = field(default_factory=dict)  # field → lang → Markdown block
    search: bool = False
    chart: bool = False
    secret_figures: list[tuple[str, int, str, str]] = field(default_factory=list)  # (id, value, zh unit, en unit)
    quote_secret_figures: bool = True

    def scalar(self, name: str, lang: str) -> list[str]:
        return self.yaml.get(name, {}).get(lang) or plain_scalar(DEFAULTS[name][lang])

    def both(self, name: str) -> dict[str, list[str]]:
        return {lang: self.scalar(name, lang) for lang in ("zh", "en")}

    def files(self) -> dict[str, str]:
        files = dict(MINIMAL)
        files["site_config.yml"] = (
            per_language("title", self.both("site-title"), "") + "languages: [zh, en]\n"
            + per_language("organisation", self.both("site-organisation"), "")
            + f"search: {'true' if self.search else 'false'}\n"
            + per_language("contact", self.both("site-contact"), "")
            + per_language("footer", self.both("site-footer"), "")
            + per_language("withheld_note", self.both("site-withheld-note"), "")
            + 'site_id_code: "0000000000"\n')
        files["content/2021/report.yml"] = (
            per_language("title", self.both("report-title"), "") + "year: 2021\ndate: 2022-01-15\n"
            + per_language("summary", self.both("report-summary"), ""))
        metrics = ("metrics:\n  - id: fig-a\n" + per_language("label", self.both("metric-label"), "    ")
                   + "    value: 150\n" + per_language("unit", self.both("metric-unit"), "    ")
                   + per_language("note", self.both("metric-note"), "    ") + "    section: first\n"
                   + "  - id: fig-w\n    label: {zh: 交流活动, en: exchanges}\n    value: 100\n"
                   + per_language("text", self.both("metric-text"), "    ")
                   + "    unit: {zh: 次, en: times}\n    section: first\n")
        for ident, value, zh_unit, en_unit in self.secret_figures:
            metrics += (f"  - id: {ident}\n    label: {{zh: 数{ident}, en: figure {ident}}}\n    value: {value}\n"
                        f"    public: false\n    unit: {{zh: {zh_unit}, en: {en_unit}}}\n    section: first\n")
        files["content/2021/metrics.yml"] = metrics
        files["templates/translations.yml"] = per_language("not_found_text", self.both("translation"), "")
        for lang in ("zh", "en"):
            front = ("---\n" + emit("title", self.scalar("section-title", lang), "")
                     + emit("summary", self.scalar("section-summary", lang), "") + "---\n\n")
            first = ("第一段，隐去**字，接待来访团组{{ fig-a }}个，交流{{ fig-w }}次。" if lang == "zh" else
                     "First paragraph, ** withheld, {{ fig-a }} visiting delegations, {{ fig-w }} exchanges.")
            body = [first, self.md.get("body", {}).get(lang, MD_DEFAULT[lang])]
            if self.secret_figures and self.quote_secret_figures:
                body.append(("另有" if lang == "zh" else "Also ") + "，".join(
                    f"{{{{ {ident} }}}}{zh_unit if lang == 'zh' else ' ' + en_unit}"
                    for ident, _, zh_unit, en_unit in self.secret_figures) + ("。" if lang == "zh" else "."))
            if self.chart:
                body.append("```chart\ntype: bar\nmetrics: [fig-a]\n" + per_language("title", self.both("chart-title"), "")
                            + per_language("caption", self.both("chart-caption"), "") + "```")
                for ident, *_ in self.secret_figures:
                    body.append(f"```chart\ntype: bar\nmetrics: [{ident}]\n```")
            files[SECTION.format(lang=lang)] = front + "\n\n".join(body) + "\n"
        return files

    def write(self, root: Path) -> Path:
        return write_project(root, self.files())


# --- secrets -----------------------------------------------------------------------------------

CJK_EXT_A = (0x3400, 0x4DBF)  # used nowhere else in a site
CONSONANTS, VOWELS = "bcdfghjklmnpqrstvwxz", "aeiouy"


def cjk_secret(rng: random.Random, length: int = 3) -> str:
    return "".join(chr(rng.randint(*CJK_EXT_A)) for _ in range(length))


def latin_secret(rng: random.Random, length: int = 9) -> str:
    word = "".join(rng.choice(CONSONANTS if i % 2 == 0 else VOWELS) for i in range(length - 2))
    return ("Q" + word + rng.choice("xz")).capitalize()


def secret_parts(rng: random.Random, lang: str, count: int) -> list[str]:
    if lang == "zh":
        return [cjk_secret(rng, 3 if count == 1 else 2) for _ in range(count)]
    return [latin_secret(rng) for _ in range(count)]


def secret_figure(rng: random.Random) -> int:
    while True:
        value = rng.randint(100_001, 999_998)
        if not re.fullmatch(r"10*|9+|89+", str(value)):
            return value


@dataclass
class Placement:
    field: str
    lang: str
    spelling: str
    parts: list[str]  # the tested secret, in the tested language
    other: str  # the other language's secret, written canonically

    @property
    def texts(self) -> list[str]:
        return [*self.parts, self.other]


def place(project: Project, p: Placement) -> None:
    other_lang = "en" if p.lang == "zh" else "zh"
    if p.field in MD_FIELDS:
        project.md["body"] = {p.lang: md_block(p.field, md_fragment(p.spelling, p.parts, p.lang), p.lang),
                              other_lang: md_block(p.field, md_fragment("canonical", [p.other], other_lang), other_lang)}
    else:
        project.yaml[p.field] = {p.lang: yaml_scalar(p.spelling, p.parts, p.lang),
                                 other_lang: yaml_scalar("canonical", [p.other], other_lang)}
    if p.field.startswith("chart-"):
        project.chart = True


# --- running the CLI ---------------------------------------------------------------------------

def build(config: Path, out: Path, *options: str) -> tuple[int, str]:
    code, _, err = run_cli("build", "--config", str(config), "--out", str(out), *options)
    return code, err


ERROR_LINE = re.compile(r"^(\S+?)(?::\d+)*: error: .*$", re.M)


def error_lines(err: str) -> list[str]:
    return [m.group(0) for m in ERROR_LINE.finditer(err)]


def assert_refused_naming(err: str, out: Path, sources: list[str], why: str) -> None:
    lines = error_lines(err)
    names = {s for s in sources} | {Path(s).name for s in sources}
    assert any(any(name in line for name in names) for line in lines), (
        f"{why}: the build failed but no error line names {sources}:\n{err}")
    assert not out.exists(), f"{why}: a failed build wrote a site at {out}"


def assert_site_written(out: Path) -> list[str]:
    files = site_files(out)
    assert len(files) > 10 and "index.html" in files and "zh/2021/first/index.html" in files, files[:20]
    return files


def check_public(config: Path, out: Path, texts: list[str], figures: list[Figure], sources: list[str],
                 must_build: bool, must_refuse: bool, label: str) -> tuple[int, str]:
    code, err = build(config, out)
    assert code in (0, 1), f"{label}: exit {code} (an internal error or a usage error):\n{err}"
    if must_build:
        assert code == 0, f"{label}: an honest build of a valid withheld span was refused:\n{err}"
    if must_refuse:
        assert code == 1, (f"{label}: must be refused (exit 1), but the build exited 0; "
                           f"what it published:\n{report(scan(out, texts, figures))}")
    if code == 1:
        assert_refused_naming(err, out, sources, label)
        return code, err
    assert_site_written(out)
    hits = scan(out, texts, figures)
    assert not hits, f"{label}: the public edition published withheld content (exit 0):\n{report(hits)}"
    return code, err


def check_internal(config: Path, out: Path, texts: list[str], figures: list[Figure], label: str) -> None:
    code, err = build(config, out, "--edition", "internal")
    assert code == 0, f"{label}: the internal edition failed:\n{err}"
    assert_site_written(out)
    hits = scan(out, texts, figures)
    found = {h.secret for h in hits}
    missing = [t for t in texts if t not in found] + [f.value for f in figures if str(int(f.value)) not in found]
    assert not missing, f"{label}: the internal edition does not show {missing}: the field never reached a page?"


# --- a. the matrix ---------------------------------------------------------------------------

FULL_FIELDS = {"paragraph": True, "section-title": False}  # every spelling, both languages; field → search on
SEARCH_FIELDS = {"paragraph", "report-summary"}  # built with the Pagefind index, which the oracle reads too


def applicable(spelling: Spelling, field_name: str) -> bool:
    kind = "md" if field_name in MD_FIELDS else "yaml"
    if spelling.where not in (kind, "both"):
        return False
    if spelling.name == "hard-wrapped" and field_name in ("table-cell", "heading"):
        return False  # a heading or a table row is one line
    return True


def matrix() -> list[tuple[str, str, str]]:
    """(field, spelling, lang), sampled deterministically to keep the run short: every spelling in
    both languages on a body paragraph (with search) and on a section title (YAML front matter);
    every other field with the canonical spelling in both languages, and two other valid spellings,
    raw HTML, an unclosed span and one other spelling of list B, each in one language, rotating so
    that each spelling meets several fields and both languages."""
    cells = []
    others = [f for f in MD_FIELDS + YAML_FIELDS if f not in FULL_FIELDS]
    for index, field_name in enumerate(list(FULL_FIELDS) + others):
        usable = [s for s in SPELLINGS if applicable(s, field_name)]
        if field_name in FULL_FIELDS:
            cells += [(field_name, s.name, lang) for s in usable for lang in ("zh", "en")]
            continue
        valid = [s for s in usable if s.group == "A" and s.name != "canonical"]
        loose = [s for s in usable if s.group == "B" and not s.must_refuse]
        chosen = [valid[(index * 2 + k) % len(valid)] for k in range(2)]
        chosen += [s for s in usable if s.must_refuse] + [loose[index % len(loose)]]
        cells += [(field_name, "canonical", "zh"), (field_name, "canonical", "en")]
        cells += [(field_name, s.name, ("zh", "en")[(index + k) % 2]) for k, s in enumerate(dict.fromkeys(chosen))]
    return cells


def cell_id(cell: tuple[str, str, str]) -> str:
    return "-".join(cell)


@pytest.mark.parametrize("field_name, spelling_name, lang", matrix(), ids=map(cell_id, matrix()))
def test_a_withheld_span_is_never_published(tmp_path, field_name, spelling_name, lang):
    spelling = BY_NAME[spelling_name]
    rng = random.Random(cell_id((field_name, spelling_name, lang)))
    other_lang = "en" if lang == "zh" else "zh"
    placement = Placement(field_name, lang, spelling_name, secret_parts(rng, lang, spelling.parts),
                          secret_parts(rng, other_lang, 1)[0])
    project = Project(search=field_name in SEARCH_FIELDS)
    place(project, placement)
    figures = []
    if spelling_name == "figure-inside":
        value = secret_figure(rng)
        project.secret_figures.append((SECRET_FIGURE_ID, value, "项", "items"))
        project.quote_secret_figures = False  # quoted only inside the span
        figures.append(Figure(value))
    config = project.write(tmp_path / "project")
    sources = [s.format(lang=lang) for s in SOURCE_OF[field_name]]
    label = f"{spelling_name} in {field_name} ({lang}) {placement.texts}"
    must_build = spelling.group == "A"  # a valid span in a text field: refusing it is a failure
    _, err = check_public(config, tmp_path / "public", placement.texts, figures, sources, must_build,
                          spelling.must_refuse, label)
    if spelling_name == "raw-html":
        hints = [block for block in error_lines_and_hints(err) if "hint:" in block and "{.withheld}" in block]
        assert hints, f"{label}: the refusal of raw HTML does not show the span syntax {{.withheld}}:\n{err}"
    if spelling.group == "A":
        check_internal(config, tmp_path / "internal", placement.texts, figures, label)


def error_lines_and_hints(err: str) -> list[str]:
    """Each error line joined with the hint lines under it."""
    blocks, current = [], None
    for line in err.splitlines():
        if ": error: " in line:
            current = [line]
            blocks.append(current)
        elif current is not None and line.startswith(" "):
            current.append(line)
        else:
            current = None
    return ["\n".join(block) for block in blocks]


def test_the_matrix_covers_every_spelling_and_field():
    cells = matrix()
    assert {s for _, s, _ in cells} == set(BY_NAME)
    assert {f for f, _, _ in cells} == set(MD_FIELDS + YAML_FIELDS)
    assert {l for _, _, l in cells} == {"zh", "en"}
    assert SEARCH_FIELDS <= {f for f, _, _ in cells}  # families built with the search index


# --- b. figures --------------------------------------------------------------------------------

BIG, SHORT = 738291, 47


def test_a_withheld_figure_is_never_published_in_any_form(tmp_path):
    project = Project(chart=True, search=True,
                      secret_figures=[("visitors", BIG, "人次", "visits"), ("agreements", SHORT, "项", "agreements")])
    config = project.write(tmp_path / "project")
    figures = [Figure(BIG, ("人次", "visits")), Figure(SHORT, ("项", "agreements"))]
    code, err = build(config, tmp_path / "public")
    assert code == 0, err
    assert_site_written(tmp_path / "public")
    assert any(p.endswith(".csv") for p in site_files(tmp_path / "public"))  # the charts were drawn
    hits = scan(tmp_path / "public", figures=figures)
    assert not hits, report(hits)
    check_internal(config, tmp_path / "internal", [], figures, "withheld figures")
    zh = (tmp_path / "internal/zh/2021/first/index.html").read_text(encoding="utf-8")
    en = (tmp_path / "internal/en/2021/first/index.html").read_text(encoding="utf-8")
    assert "73.8291万" in zh and "738,291" in en  # as Babel writes them


def test_the_oracle_finds_a_figure_in_every_written_form():
    """The oracle itself: a figure as a page, a table, a chart or a script could write it."""
    samples = {
        "plain.html": "<p>738291</p>", "grouped.html": "738,291", "thin.html": "738\u2009291",
        "nbsp.html": "738&nbsp;291", "wan.html": "73.8291万", "wan-rounded.html": "约73.8万",
        "decimal.json": '{"y": [738291.0]}', "exponent.js": "x=7.38291e5;", "entity.html": "&#55;38291",
        "fullwidth.html": "７３８２９１", "zero-width.html": "738\u200b291",
        "bdata.html": '{"y":{"dtype":"f8","bdata":"' + base64.b64encode(
            __import__("struct").pack("<2d", 1.0, BIG)).decode() + '"}}',
        "url.html": '<a href="?n=%37%33%38%32%39%31">x</a>',
    }
    hits = {h.file for h in search(read_site_bytes(samples), figures=[Figure(BIG)])}
    assert hits == set(samples), set(samples) - hits
    short = {"unit.html": "共47项", "cell.html": "<td> 47 </td>", "data.html": '{"x":["a"],"y":[47]}',
             "table.csv": "agreements,47\r\n", "en.html": "47 agreements"}
    hits = {h.file for h in search(read_site_bytes(short), figures=[Figure(SHORT, ("项", "agreements"))])}
    assert hits == set(short), set(short) - hits
    clean = {"a.html": "1738291 738291.5 7382910 hash-e738291f 147 4.7 4700 <td>470</td>",
             "b.css": "width: 47px; margin: 47%"}
    assert search(read_site_bytes(clean), figures=[Figure(BIG), Figure(SHORT, ("项", "agreements"))]) == []


def read_site_bytes(files: dict[str, str]):
    from oracle import file_views
    return [file_views(name, text.encode()) for name, text in files.items()]


# --- c. random withheld strings and figures ----------------------------------------------------

VALID_SPELLINGS = [s.name for s in SPELLINGS if s.group == "A"]
TEXT_FIELDS = MD_FIELDS + YAML_FIELDS
CJK = st.text(st.characters(min_codepoint=CJK_EXT_A[0], max_codepoint=CJK_EXT_A[1]), min_size=2, max_size=4)
LATIN = st.builds(lambda s: "Xq" + s, st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                                                min_size=6, max_size=10))
FIGURES = st.integers(min_value=100_000, max_value=10**9).filter(lambda v: not re.fullmatch(r"10*|9+|89+", str(v)))


@st.composite
def placements(draw):
    chosen = draw(st.lists(st.sampled_from(TEXT_FIELDS), min_size=1, max_size=4, unique=True))
    result = []
    for field_name in chosen:
        spelling = draw(st.sampled_from([s for s in VALID_SPELLINGS if applicable(BY_NAME[s], field_name)]))
        lang = draw(st.sampled_from(["zh", "en"]))
        other = draw(LATIN if lang == "zh" else CJK)
        parts = draw(st.lists(CJK if lang == "zh" else LATIN, min_size=3, max_size=3))
        result.append(Placement(field_name, lang, spelling, parts[:BY_NAME[spelling].parts], other))
    if sum(p.field in MD_FIELDS for p in result) > 1:  # one body block per project
        first = next(p for p in result if p.field in MD_FIELDS)
        result = [p for p in result if p.field not in MD_FIELDS or p is first]
    return result


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """What a site without secrets states anyway (theme, plotly, Pagefind): a random secret that
    is already there cannot be tested."""
    root = tmp_path_factory.mktemp("baseline")
    config = Project(chart=True, search=True, secret_figures=[("fig-b", 123457, "项", "items")]).write(root)
    code, err = build(config, root / "site")
    assert code == 0, err
    return read_site(root / "site")


@settings(max_examples=30, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example is two builds
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(chosen=placements(), numbers=st.lists(FIGURES, min_size=1, max_size=2, unique=True), chart=st.booleans())
def test_random_withheld_content_never_reaches_the_public_edition(tmp_path_factory, baseline, chosen, numbers, chart):
    texts = [t for p in chosen for t in p.texts]
    figures = [Figure(n) for n in numbers]
    assume(not search(baseline, texts, figures))
    root = tmp_path_factory.mktemp("random")
    project = Project(chart=chart, secret_figures=[(f"fig-h{i}", n, "项", "items") for i, n in enumerate(numbers)])
    for p in chosen:
        place(project, p)
    config = project.write(root / "project")
    label = f"random: {[(p.field, p.lang, p.spelling, p.parts, p.other) for p in chosen]}, figures {numbers}"
    code, err = build(config, root / "public")
    assert code == 0, f"{label}: an honest build was refused:\n{err}"
    assert_site_written(root / "public")
    hits = scan(root / "public", texts, figures)
    assert not hits, f"{label}:\n{report(hits)}"
    check_internal(config, root / "internal", texts, figures, label)


# --- d. one language withholds, the other shows ------------------------------------------------

def cross_language_project(root: Path, change) -> Path:
    project = Project(chart=True)
    files = project.files()
    change(files)
    return write_project(root, files)


def assert_refused_naming_both(tmp_path: Path, config: Path, places: list[str | tuple[str, ...]]) -> None:
    """Exit 1 with or without --strict, the errors naming every place (one of each tuple's names)."""
    for options in ((), ("--strict",)):
        out = tmp_path / ("strict" if options else "public")
        code, err = build(config, out, *options)
        assert code == 1, f"{options}: exit {code}; a language shows what the other withholds:\n{err}"
        text = "\n".join(error_lines_and_hints(err))
        for where in places:
            names = (where,) if isinstance(where, str) else where
            assert any(name in text for name in names), f"{options}: the errors do not name {names}:\n{err}"
        assert not out.exists()


def test_a_title_withheld_in_chinese_and_clear_in_english(tmp_path):
    def change(files):
        files[SECTION.format(lang="zh")] = files[SECTION.format(lang="zh")].replace(
            'title: "第一部分"', 'title: "与[㐱㑇]{.withheld}的交流"')
        files[SECTION.format(lang="en")] = files[SECTION.format(lang="en")].replace(
            'title: "Part one"', 'title: "Exchanges with Mirabel"')
    config = cross_language_project(tmp_path / "project", change)
    assert_refused_naming_both(tmp_path, config, ["01-first.zh.md", "01-first.en.md"])


def test_a_metric_label_withheld_in_one_language_only(tmp_path):
    def change(files):
        files["content/2021/metrics.yml"] = files["content/2021/metrics.yml"].replace(
            '      zh: "接待来访团组"', '      zh: "接待[㐱㑇]{.withheld}团组"').replace(
            '      en: "visiting delegations"', '      en: "delegations from Mirabel"')
    config = cross_language_project(tmp_path / "project", change)
    lines = (tmp_path / "project/content/2021/metrics.yml").read_text(encoding="utf-8").splitlines()
    zh_line = next(i for i, line in enumerate(lines, 1) if "㐱㑇" in line)
    en_line = next(i for i, line in enumerate(lines, 1) if "Mirabel" in line)
    # both places are in one file: named by their lines, or by their languages
    for options in ((), ("--strict",)):
        out = tmp_path / ("strict" if options else "public")
        code, err = build(config, out, *options)
        assert code == 1 and not out.exists(), f"{options}: exit {code}; a language shows what the other withholds:\n{err}"
        text = "\n".join(error_lines_and_hints(err))
        assert "metrics.yml" in text, err
        by_line = f"metrics.yml:{zh_line}" in text and f"metrics.yml:{en_line}" in text
        by_language = "'zh'" in text and "'en'" in text
        assert by_line or by_language, f"{options}: the errors do not name both places:\n{err}"


def test_a_chart_title_withheld_in_one_language_only(tmp_path):
    def change(files):
        for lang in ("zh", "en"):
            files[SECTION.format(lang=lang)] = files[SECTION.format(lang=lang)].replace(
                '  zh: "接待来访团组"', '  zh: "接待[㐱㑇]{.withheld}团组"').replace(
                '  en: "Visiting delegations"', '  en: "Delegations from Mirabel"')
    config = cross_language_project(tmp_path / "project", change)
    assert "Mirabel" in (tmp_path / "project" / SECTION.format(lang="en")).read_text(encoding="utf-8")
    assert_refused_naming_both(tmp_path, config, ["01-first.zh.md"])


def test_a_name_withheld_in_chinese_stated_in_another_english_paragraph(tmp_path):
    """Same number of masks in every paragraph pair, but the English states in clear, in another
    paragraph, the name the Chinese withholds."""
    def change(files):
        files[SECTION.format(lang="zh")] = ("---\ntitle: 第一部分\n---\n\n负责人[Kowalczyk]{.withheld}出席。\n\n"
                                            "与[㐱㑇]{.withheld}市签署协议。\n")
        files[SECTION.format(lang="en")] = ("---\ntitle: Part one\n---\n\n[Dr Mirabel]{.withheld} attended.\n\n"
                                            "Signed with [Zorvath]{.withheld} city, as Kowalczyk said.\n")
    config = cross_language_project(tmp_path / "project", change)
    assert_refused_naming_both(tmp_path, config, ["01-first.zh.md", ("01-first.en.md", "en/2021/first/")])
    # and the name is never published, whatever the build said
    assert not (tmp_path / "public").exists()
