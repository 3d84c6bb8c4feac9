"""The examples of docs/withheld.md and docs/figures.md (and their Chinese versions), built.

Every fenced ```markdown, ```yaml and ```chart block of those pages is placed in a small project
the way the page means it (a section body, a whole section, a metrics.yml or an entry of it, a line
of site_config.yml, a chart block) and built. The public edition must build (an honest build of
the guide's own example is never refused) and must mask what the example withholds; the internal
edition must show it. A new example is picked up by itself; one that cannot be placed fails here,
with its file and line, until a rule for it is added below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SITE_CONFIG, run_cli, write_project
from oracle import Figure, report, scan, site_files

DOCS = [REPO / "docs" / name for name in ("withheld.md", "withheld.zh.md", "figures.md", "figures.zh.md")]
PLACED = {"markdown", "md", "yaml", "yml", "chart"}
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w-]*)[^\n]*$")
SPAN = re.compile(r"\[([^\[\]\n]+)\]\{[^{}\n]*\.withheld\b[^{}\n]*\}")
BASE_SECRET = "㐱㑇㒅㓃"  # withheld in the section of an example that withholds nothing itself


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int
    lang: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}-{self.lang}"


def fenced_blocks(doc: Path) -> list[Block]:
    blocks, lines, i = [], doc.read_text(encoding="utf-8").splitlines(), 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, lang, start = match.group("fence"), match.group("lang").lower(), i
        i += 1
        body = []
        while i < len(lines) and not re.fullmatch(re.escape(fence[0]) + "{%d,}\\s*" % len(fence), lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        blocks.append(Block(doc, start + 1, lang, "\n".join(body) + "\n"))
    return blocks


def examples() -> list[Block]:
    return [b for doc in DOCS if doc.exists() for b in fenced_blocks(doc) if b.lang in PLACED]


def reference_keys(title: str) -> set[str]:
    """The keys of one table of docs/reference.md (generated from the schemas the build checks)."""
    text = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    part = text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", part, re.M))


SITE_KEYS = reference_keys("`site_config.yml`")
METRIC_KEYS = reference_keys("`content/<report-id>/metrics.yml`: each entry of `metrics:`")
CHART_KEYS = reference_keys("A chart block (```chart in a section)")


def metric_entries(block: Block) -> list[dict] | None:
    """The entries of a metrics example, or None when the block is not one."""
    if block.lang not in ("yaml", "yml"):
        return None
    data = yaml.safe_load(block.text)
    if isinstance(data, dict) and set(data) == {"metrics"}:
        return list(data["metrics"])
    if isinstance(data, list) and data and all(isinstance(e, dict) and "id" in e for e in data):
        return data
    return None


def context_metrics() -> dict[str, dict]:
    """Every figure the guide's examples define, for the examples that quote or draw one."""
    found: dict[str, dict] = {}
    for block in examples():
        for entry in metric_entries(block) or []:
            found.setdefault(entry["id"], entry)
    return found


@dataclass
class Placed:
    files: dict[str, str]
    texts: list[str]  # what the example withholds
    figures: list[Figure]
    shown: list[Figure]  # public figures of the example: the site must state them
    masks: list[str]  # masks the example writes: the site must show them
    fixed_masks: bool
    section: str  # the slug whose page holds the example


def flow(entry: dict) -> str:
    return "  - " + json.dumps(entry, ensure_ascii=False) + "\n"


def section_file(title: str, body: str) -> str:
    return f"---\ntitle: \"{title}\"\n---\n\n{body.strip()}\n"


def place(block: Block) -> Placed:
    """The project in which the example is meant to work, or a failure naming it."""
    text, entries, site_lines, body, whole_section = block.text, metric_entries(block), "", None, None
    texts = SPAN.findall(text)
    fixed = False
    if block.lang in ("markdown", "md"):
        if text.startswith("---\n"):
            whole_section = text
        else:
            body = text
    elif block.lang == "chart":
        body = "```chart\n" + text + "```\n"
    elif entries is None:
        data = yaml.safe_load(text)
        if isinstance(data, dict) and data and set(data) <= SITE_KEYS:
            site_lines = text
            fixed = data.get("masks") == "fixed"
        elif isinstance(data, dict) and "type" in data and set(data) <= CHART_KEYS:
            body = "```chart\n" + text + "```\n"
        else:
            pytest.fail(f"{block.id}: cannot place this example in a project: add a rule to "
                        f"tests/test_docs_examples.py::place\n{text}")
    # the figures: the example's own, then what it quotes or draws from the guide's other examples
    own = {e["id"]: e for e in entries or []}
    context = context_metrics()
    quoted = re.findall(r"\{\{\s*([a-z0-9-]+)\s*\}\}", body or whole_section or "")
    drawn = []
    if body and "```chart" in body:
        for chart in re.findall(r"```chart\n(.*?)```", body, re.S):
            data = yaml.safe_load(chart)
            drawn += list(data.get("metrics") or []) + ([data["across_years"]] if data.get("across_years") else [])
    metrics = dict(own)
    for ident in dict.fromkeys(quoted + drawn):
        if ident in metrics:
            continue
        if ident in context:
            metrics[ident] = dict(context[ident])
        else:  # a figure the guide never defines: a placeholder with the unit of the chart's others
            metrics[ident] = {"id": ident, "label": {"zh": f"示例{ident}", "en": f"example {ident}"},
                              "value": 10 + len(metrics), "unit": None, "section": None}
    units = [m["unit"] for m in metrics.values() if m.get("unit")]
    unit = units[0] if units else {"zh": "个", "en": "items"}
    slug = "example"
    if not own and (quoted or drawn):
        sections_of = [m["section"] for m in metrics.values() if m.get("section")]
        slug = sections_of[0] if sections_of else "example"
    for m in metrics.values():
        m["unit"] = m["unit"] or unit
        m["section"] = m["section"] or slug
    if own:
        slug = next(iter(own.values()))["section"]
    slugs = list(dict.fromkeys([slug] + [m["section"] for m in metrics.values()]))
    # the files
    config = SITE_CONFIG
    if site_lines:
        keys = set(yaml.safe_load(site_lines))
        config = "".join(line + "\n" for line in SITE_CONFIG.splitlines() if line.split(":")[0] not in keys)
        config += site_lines
    files = {"site_config.yml": config,
             "content/2021/report.yml": "title: {zh: 2021年工作总结, en: Work Summary 2021}\nyear: 2021\n"
                                        "summary: {zh: 一年的工作。, en: A year of work.}\n"}
    if metrics:
        if entries is not None:
            metrics_text = text if "metrics:" in text.split("\n", 1)[0] else "metrics:\n" + text
            metrics_text += "".join(flow(m) for ident, m in metrics.items() if ident not in own)
        else:
            metrics_text = "metrics:\n" + "".join(flow(m) for m in metrics.values())
        files["content/2021/metrics.yml"] = metrics_text
    for number, name in enumerate(slugs, 1):
        quotes = "".join(f"{{{{ {m['id']} }}}}。" for m in metrics.values() if m["section"] == name
                         and m["id"] not in quoted)
        for lang in ("zh", "en"):
            path = f"content/2021/{number:02d}-{name}.{lang}.md"
            if name == slug and whole_section is not None:
                files[path] = whole_section
                continue
            parts = []
            if name == slug:
                parts.append(body or "")
                if site_lines or not (texts or entries):
                    parts.append(f"与[{BASE_SECRET}]{{.withheld}}市签署协议。")
            if quotes:
                parts.append(quotes)
            files[path] = section_file(f"第{number}部分" if lang == "zh" else f"Part {number}",
                                       "\n\n".join(p for p in parts if p) or "正文。")
    if site_lines or not (texts or entries):
        texts = texts + [BASE_SECRET]
    # across the years: the same figure in an earlier report
    for ident in drawn:
        if body and re.search(r"across_years:\s*" + re.escape(ident), body):
            files["content/2020/report.yml"] = "title: {zh: 2020年工作总结, en: Work Summary 2020}\nyear: 2020\n" \
                                               "summary: {zh: 上一年。, en: The year before.}\n"
            earlier = dict(metrics[ident], value=7, section="earlier")
            earlier.pop("mask", None)
            earlier.pop("public", None)
            files["content/2020/metrics.yml"] = "metrics:\n" + flow(earlier)
            for lang in ("zh", "en"):
                files[f"content/2020/01-earlier.{lang}.md"] = section_file(
                    "上一年" if lang == "zh" else "The year before", f"{{{{ {ident} }}}}。")
    figures, shown, masks = [], [], []
    for m in metrics.values():
        units = tuple(m["unit"].values()) if isinstance(m.get("unit"), dict) else ()
        if m.get("value") is not None and m.get("public") is False:
            figures.append(Figure(m["value"], units))
        elif m.get("value") is not None and m["id"] in own:
            shown.append(Figure(m["value"], units))
        if m.get("mask") and m["id"] in own:
            masks.append(m["mask"])
    return Placed(files, texts, figures, shown, masks, fixed, slug)


@pytest.mark.parametrize("block", examples(), ids=lambda b: b.id)
def test_a_documented_example_builds_and_masks_what_it_withholds(tmp_path, block):
    placed = place(block)
    config = write_project(tmp_path / "project", placed.files)
    public, internal = tmp_path / "public", tmp_path / "internal"
    code, _, err = run_cli("build", "--config", str(config), "--out", str(public))
    assert code == 0, f"{block.id}: the guide's own example is refused:\n{err}"
    files = site_files(public)
    assert len(files) > 10 and f"zh/2021/{placed.section}/index.html" in files, files[:20]
    hits = scan(public, placed.texts, placed.figures)
    assert not hits, f"{block.id}: the public edition publishes what the example withholds:\n{report(hits)}"
    if placed.shown:
        found = {h.secret for h in scan(public, figures=placed.shown)}
        assert found >= {str(int(f.value)) for f in placed.shown}, f"{block.id}: a public figure is not shown"
    page = (public / f"zh/2021/{placed.section}/index.html").read_text(encoding="utf-8")
    for mask in placed.masks:
        stars = mask.rstrip("万亿")
        assert stars in page or stars in (public / "zh/2021/figures/index.html").read_text(encoding="utf-8"), mask
    if placed.fixed_masks:
        assert "***" in page and "****" not in page, f"{block.id}: masks: fixed still shows lengths"
    code, _, err = run_cli("build", "--edition", "internal", "--config", str(config), "--out", str(internal))
    assert code == 0, f"{block.id}: the internal edition fails:\n{err}"
    found = {h.secret for h in scan(internal, placed.texts, placed.figures)}
    wanted = set(placed.texts) | {str(int(f.value)) for f in placed.figures}
    assert found >= wanted, f"{block.id}: the internal edition does not show {wanted - found}"


def test_the_guide_has_examples_to_build():
    found = examples()
    assert {b.doc.name for b in found} >= {"withheld.md", "figures.md"}
    assert any(SPAN.search(b.text) for b in found)  # a withheld span
    assert any(e.get("public") is False for b in found for e in metric_entries(b) or [])  # a withheld figure
    assert any("chart" in b.text for b in found)
