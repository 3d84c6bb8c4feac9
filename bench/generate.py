"""Deterministic synthetic bilingual report projects for bench/compare.py.

A project of N sections is grouped into yearly reports of 50 sections. Each section has Chinese and
English text of the shipped report's length (its paragraphs, cycled), a heading, a list, a table,
masks and a figure; every third section has a chart. The same Markdown is laid out three ways: a
nianbao project, a MkDocs + mkdocs-static-i18n project and a Hugo multilingual site.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PER_REPORT = 50


def _paragraphs(lang: str) -> list[str]:
    out = []
    for path in sorted((REPO / "content/2022").glob(f"0*.{lang}.md")):
        body = re.sub(r"\A---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.S)
        body = re.sub(r"```chart.*?```", "", body, flags=re.S)
        body = re.sub(r"\{\{ [a-z0-9-]+ \}\}", "**", body)
        out += [p.strip() for p in body.split("\n\n") if p.strip()]
    return out


def _section(lang: str, index: int, paragraphs: list[str], metric: str, chart: bool) -> str:
    n = len(paragraphs)
    body = [paragraphs[(index * 3 + k) % n] for k in range(3)]
    heading = "## 主要工作" if lang == "zh" else "## Main work"
    items = "\n".join(f"- {'事项' if lang == 'zh' else 'Item'} {k}: **" for k in range(1, 4))
    table = ("| 项目 | 数量 |\n|---|---:|\n| 甲 | 12 |\n| 乙 | *** |" if lang == "zh"
             else "| Item | Figure |\n|---|---:|\n| A | 12 |\n| B | *** |")
    figure = f"{{{{ {metric} }}}}"
    text = "\n\n".join([body[0], heading, body[1], items, table, f"{figure}。" if lang == "zh" else f"{figure}.",
                        body[2]])
    if chart:
        text += f"\n\n```chart\ntype: bar\nmetrics: [{metric}]\n```"
    title = f"第{index + 1}部分" if lang == "zh" else f"Part {index + 1}"
    return f"---\ntitle: \"{title}\"\nsummary: \"{title}\"\n---\n\n{text}\n"


def generate(root: Path, sections: int) -> dict:
    zh, en = _paragraphs("zh"), _paragraphs("en")
    nianbao, mkdocs, hugo = root / "nianbao", root / "mkdocs", root / "hugo"
    (nianbao / "content").mkdir(parents=True)
    (mkdocs / "docs").mkdir(parents=True)
    (hugo / "content").mkdir(parents=True)
    (nianbao / "site_config.yml").write_text(
        "title: {zh: 基准测试, en: Benchmark}\nlanguages: [zh, en]\norganisation: {zh: 测试, en: Test}\n",
        encoding="utf-8")
    (mkdocs / "mkdocs.yml").write_text(
        "site_name: Benchmark\ntheme: {name: mkdocs}\nplugins:\n  - search\n  - i18n:\n      docs_structure: suffix\n"
        "      languages:\n        - {locale: zh, default: true, name: 中文, build: true}\n"
        "        - {locale: en, name: English, build: true}\n", encoding="utf-8")
    (hugo / "hugo.toml").write_text(
        'baseURL = "http://localhost/"\ndefaultContentLanguage = "zh"\ndisableKinds = ["taxonomy", "term"]\n'
        '[languages.zh]\nlanguageName = "中文"\nweight = 1\n[languages.en]\nlanguageName = "English"\nweight = 2\n',
        encoding="utf-8")
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}'
        '</title></head><body><nav>{{ range .Translations }}<a href="{{ .RelPermalink }}">{{ .Language.LanguageName }}'
        '</a>{{ end }}</nav><main>{{ block "main" . }}{{ end }}</main></body></html>', encoding="utf-8")
    (layouts / "single.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}',
                                         encoding="utf-8")
    (layouts / "list.html").write_text('{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="'
                                       '{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
                                       encoding="utf-8")
    first = None
    for start in range(0, sections, PER_REPORT):
        year = 2000 + start // PER_REPORT
        count = min(PER_REPORT, sections - start)
        folder = nianbao / "content" / str(year)
        folder.mkdir()
        (folder / "report.yml").write_text(
            f"title: {{zh: {year}年工作总结, en: Work Summary {year}}}\nyear: {year}\n"
            f"summary: {{zh: {year}年的工作。, en: The work of {year}.}}\n", encoding="utf-8")
        metrics = ["metrics:"]
        for k in range(count):
            figure = 'mask: "***"' if k % 4 == 0 else f"value: {100 + k * 7}"
            metrics += [f"  - id: m{k}", f"    label: {{zh: 数字{k}, en: figure {k}}}", f"    {figure}",
                        "    unit: {zh: 个, en: items}", f"    section: part-{k + 1:02d}"]
        (folder / "metrics.yml").write_text("\n".join(metrics) + "\n", encoding="utf-8")
        for k in range(count):
            index = start + k
            name = f"{k + 1:02d}-part-{k + 1:02d}"
            for lang, paragraphs in (("zh", zh), ("en", en)):
                text = _section(lang, index, paragraphs, f"m{k}", chart=index % 3 == 0)
                (folder / f"{name}.{lang}.md").write_text(text, encoding="utf-8")
                for target in (mkdocs / "docs" / str(year), hugo / "content" / str(year)):
                    target.mkdir(exist_ok=True)
                    (target / f"{name}.{lang}.md").write_text(text, encoding="utf-8")
            if first is None:
                first = (year, name, f"part-{k + 1:02d}")
    (mkdocs / "docs" / "index.zh.md").write_text("# 基准\n", encoding="utf-8")
    (mkdocs / "docs" / "index.en.md").write_text("# Benchmark\n", encoding="utf-8")
    year, name, slug = first
    return {
        "nianbao": nianbao, "mkdocs": mkdocs, "hugo": hugo,
        "section": {
            "nianbao_file": nianbao / "content" / str(year) / f"{name}.zh.md",
            "nianbao_url": f"zh/{year}/{slug}/index.html",
            "mkdocs_file": mkdocs / "docs" / str(year) / f"{name}.zh.md",
            "mkdocs_url": f"{year}/{name}/",
            "hugo_file": hugo / "content" / str(year) / f"{name}.zh.md",
            "hugo_url": f"{year}/{name}/",
        },
    }
