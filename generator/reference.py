"""The reference of the YAML files, generated from the schemas the build validates with.

``python -m generator.reference > docs/reference.md`` writes it in English and
``python -m generator.reference zh > docs/reference.zh.md`` in Chinese; a test
checks that the committed files are what this prints, so the docs cannot drift.
The English descriptions are those of ``generator/schema.py``; the Chinese ones
are kept here, one per field (a test fails on a field without one).
"""

from __future__ import annotations

import sys
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .schema import ChartSpec, Licence, MetricSpec, OpenData, ReportMeta, SectionFrontMatter, SiteConfig

FILES: list[tuple[str, type[BaseModel]]] = [
    ("`site_config.yml`", SiteConfig),
    ("`site_config.yml`: `open_data:`", OpenData),
    ("`site_config.yml`: `open_data:` → `licence:`", Licence),
    ("`content/<report-id>/report.yml`", ReportMeta),
    ("Section front matter (NN-slug.LANG.md)", SectionFrontMatter),
    ("`content/<report-id>/metrics.yml`: each entry of `metrics:`", MetricSpec),
    ("A chart block (```chart in a section)", ChartSpec),
]

TYPE_NAMES = {"dict[str, str]": "text per language `{zh: …, en: …}`", "list[str]": "list of texts",
              "list[dict[str, str]]": "list of texts per language `- {zh: …, en: …}`",
              "str": "text", "int": "whole number", "date": "date `YYYY-MM-DD`", "int | float": "number", "bool": "true or false",
              "Union[bool, Literal['required']]": "true, false or required",
              "generator.schema.OpenData": "`false`, or the settings of `open_data:` below",
              "generator.schema.Licence": "the settings of `licence:` below"}

# Corrections of descriptions in schema.py (owned elsewhere) until it says the same:
# (model, field) → (the description corrected, the correction). A correction is applied only while
# schema.py still gives the description it corrects; tests/test_docs.py fails on one that no longer
# applies, so that it is removed.
EN_CORRECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("ChartSpec", "across_years"): (
        "Instead of metrics: one metric id, drawn across every report that defines it (a line chart).",
        "Instead of metrics: one metric id, drawn across every report that defines it, one value per year: "
        "type bar, hbar or line (pie and donut are drawn as a line)."),
}

# The Chinese reference: per model, its heading and description, and a description per field.
ZH_INTRO = [
    "# YAML 文件参考", "",
    "由 `python -m generator.reference zh` 根据 `generator/schema.py` 中的定义生成，请勿手工修改。"
    "文件中出现未列在这里的键会报错（并提示应为哪个键），每个值都按这里给出的类型检查。"
    "`<报告文件夹>` 指 `content/` 中一份报告的文件夹，通常以年份命名，如 `2022`。", ""]
ZH_TYPE_NAMES = {"dict[str, str]": "各语言的文字 `{zh: …, en: …}`", "list[str]": "文字列表", "str": "文字",
                 "list[dict[str, str]]": "各语言文字的列表 `- {zh: …, en: …}`",
                 "int": "整数", "date": "日期 `YYYY-MM-DD`", "int | float": "数字", "bool": "true 或 false",
                 "Union[bool, Literal['required']]": "true、false 或 required",
                 "generator.schema.OpenData": "`false`，或下文 `open_data:` 的设置",
                 "generator.schema.Licence": "下文 `licence:` 的设置"}
ZH: dict[str, tuple[str, str, dict[str, str]]] = {
    "SiteConfig": ("`site_config.yml`：网站配置", "`site_config.yml`：整个网站的设置。", {
        "title": "网站名称，每种语言各一个，显示在每个页面的页头。",
        "short_title": "网站简称，每种语言各一个：在手机上代替网站名称显示在页头，使页头只占一行（如“外办年报”）。"
                       "不写时，各处都显示网站名称。",
        "languages": "网站的语言代码；排在第一位的是默认语言。",
        "base_url": "网站的正式网址（如 https://example.gov.cn/report/）。可以不填：填写后，页面带有规范链接（canonical），"
                    "网站地图使用完整网址；无论填写与否，页面之间的链接都是相对链接。",
        "organisation": "主办单位名称，每种语言各一个，显示在页脚。",
        "masks": "per-character：每个隐去的字显示一个 *，与官方文本相同。fixed：每个遮挡块宽度都相同（***），"
                 "图表也不画出范围；用于连隐去内容的长度都不能显示的情况。",
        "withheld_note": "“关于隐去内容的说明”页面的文字（Markdown），说明报告中部分内容不予公开的原因；"
                         "每个页面的页脚都链接到这个页面。",
        "footer": "页脚中另加的一行文字，每种语言各一行。",
        "contact": "联系方式，每种语言各一个（地址、电话、电子邮箱），显示在页脚。",
        "site_id_code": "网站标识码：按政府网站有关规定分配的标识码，显示在页脚，并写入 SiteIDCode 元标签。",
        "icp_record": "ICP备案号（如 京ICP备12345678号），显示在页脚，并链接到工业和信息化部的备案系统。",
        "public_security_record": "公安机关备案号（如 京公网安备11010502000001号），显示在页脚，并链接到公安机关的备案系统。",
        "search": "为每种语言生成全文搜索页面（Pagefind）。",
        "pdf": "把每份报告按语言各生成一个 PDF（zh/2022/report-2022-zh.pdf），由无界面的 Chromium 打印，需要中文字体"
               "（Debian 软件包 chromium 和 fonts-noto-cjk）。true：装有它们时生成，否则提示缺少什么并照常发布其余内容；"
               "required：缺少它们时报错；false：不生成。",
        "open_data": "把每份报告的数据作为开放数据发布：data/<报告文件夹>/figures.csv、figures.json 和 Frictionless "
                     "数据包 datapackage.json，以及历年报告合在一起的 data/figures.csv，各报告的“数说”页面都链接到它们；"
                     "隐去和不予公开的数字与网页上一样只给出星号。写 open_data: false 时不发布。",
        "content": "存放各份报告的文件夹，路径相对于本文件。",
        "templates": "模板文件夹：其中的文件逐个替换内置主题中路径相同的文件；路径相对于本文件。",
        "output": "生成的网站所写入的文件夹，路径相对于本文件。",
    }),
    "OpenData": ("`site_config.yml`：`open_data:`", "`site_config.yml` 中的 `open_data:`：作为开放数据发布的数据（CSV、JSON、数据包）。"
                 "`open_data: false` 即 `publish: false`；`open_data: true`（或留空）即全部取默认值。", {
        "publish": "false：不发布开放数据，也不链接它。",
        "licence": "数据的许可协议，写入每个数据包，并显示在各数据页的下载处。不写时，数据包不注明许可协议："
                   "只填写本单位已经采用的许可协议。",
    }),
    "Licence": ("`site_config.yml`：`open_data:` → `licence:`", "`open_data:` 下的 `licence:`：本单位发布数据所采用的许可协议。", {
        "name": "许可协议的 SPDX 标识符，如 CC-BY-4.0（https://spdx.org/licenses/）。",
        "path": "许可协议全文的网址，如 https://creativecommons.org/licenses/by/4.0/。",
        "title": "许可协议的名称，每种语言各一个，显示在各数据页的下载处。",
    }),
    "ReportMeta": ("`content/<报告文件夹>/report.yml`：报告信息", "`content/<报告文件夹>/report.yml`：一份年度报告。", {
        "title": "报告标题，每种语言各一个。",
        "year": "报告所涵盖的年份。",
        "date": "本网络版的发布日期（YYYY-MM-DD），作为“网络版发布”日期显示在报告的每个页面上。",
        "official_date": "官方文本的日期（YYYY-MM-DD，如有）：与网络版发布日期分开显示，各自注明是什么日期。",
        "summary": "简短的摘要，每种语言各一个，显示在首页和报告页上。",
        "highlights": "本年主要成果，每条每种语言各一个，显示在报告页的最前面（网站只有一份报告时也显示在首页）。"
                      "每条是一行 Markdown，不能有链接；`{{ 编号 }}` 引用 metrics.yml 中的数字。星号和不予公开的内容与正文的写法相同。",
        "key_figures": "以卡片显示在要点下方的数字，按这里的顺序列出它们在 metrics.yml 中的编号。隐去的数字，"
                       "卡片上注明已隐去，并给出其星号所表示的范围；卡片链接到正文中写到它的地方。",
        "sections": "可选：按英文短名依次列出各部分；不写时，按文件名开头的编号排序。",
    }),
    "SectionFrontMatter": ("各部分的前言区（`编号-英文短名.语言.md`）", "各部分文件开头两行 `---` 之间的前言区。", {
        "title": "这一部分的标题，显示为页面标题，也显示在导航中。",
        "summary": "一句话摘要，用作网页说明。",
        "translated_from": "仅用于译文：译文与原文核对一致时，原文每一段的“指纹”。由 `nianbao translated 文件` 写入；"
                           "此后 `nianbao check` 会指出原文中哪些段落有了改动。",
    }),
    "MetricSpec": ("`content/<报告文件夹>/metrics.yml`：`metrics:` 下的每一项",
                   "报告中的一个数字，写在 `metrics.yml` 中；正文以 `{{ 编号 }}` 引用它。", {
        "id": "正文和图表引用这个数字时所用的编号：小写字母、数字和“-”。",
        "label": "统计的是什么，每种语言各一个（即数据表中的一行、图表中的一根柱子）。",
        "value": "数字本身（予以公开时）。",
        "mask": "官方文本中隐去后的写法：每隐去一位数字写一个 *，后面可带“万”“亿”或“万亿”（\"***\"、\"**万\"）。要加引号。"
                "value 和 mask 只写一个；两个都不写，表示这个数字尚待填写（给出警告）。",
        "unit": "单位，每种语言各一个（个 / items，人次 / visits）。",
        "qualifier": "官方文本中表示约数的字：余或多（多于），逾或超（超过），约（大约），近（接近）。"
                     "在每种语言中都随数字一起显示。",
        "section": "正文中写到这个数字的那一部分的英文短名。",
        "note": "可选的备注，每种语言各一个，显示在数据表中。",
        "text": "仅用于官方文本用文字表示数字的情况（如“逾百”）：每种语言的这些文字，正文中用它代替格式化后的数值。",
        "public": "false：这个数字不予公开。公开版显示星号，每位数字一个 *；内部审阅版显示数值，并突出标示。",
    }),
    "ChartSpec": ("图表代码块（各部分中的 ```` ```chart ````）", "各部分中标记为 ```` ```chart ```` 的代码块：用 YAML 写明画什么。", {
        "type": "bar（柱状图）、hbar（横向条形图）、line（折线图）、pie（饼图）或 donut（环形图）。",
        "metrics": "要画的数字，按编号依次列出；它们的单位必须相同。",
        "across_years": "代替 metrics：一个数字的编号，画出定义了这个编号的每份报告中的数值，每年一个："
                        "type 可为 bar、hbar 或 line（pie 和 donut 画成折线图）。",
        "title": "图表标题，每种语言各一个。",
        "caption": "标题下方的一句说明，每种语言各一个。",
    }),
}


def type_name(annotation: typing.Any, lang: str = "en") -> str:
    text = str(annotation).replace("typing.", "").replace("datetime.", "")
    text = text.replace("<class '", "").replace("'>", "")
    if text.startswith("Optional[") and text.endswith("]"):
        text = text[len("Optional["):-1] + " | None"
    base, optional = text.removesuffix(" | None"), text.endswith(" | None")
    names = ZH_TYPE_NAMES if lang == "zh" else TYPE_NAMES
    if base.startswith("Literal["):
        values = base[len("Literal["):-1].replace("'", "")
        values = values.replace(", ", "、") if lang == "zh" else values
        return ("以下之一：" if lang == "zh" else "one of ") + values + (
            ("（可选）" if lang == "zh" else " (optional)") if optional else "")
    return names.get(base, base) + (("（可选）" if lang == "zh" else " (optional)") if optional else "")


def yaml_value(value: typing.Any) -> str:
    """A default as it is written in YAML: ``true``, ``[zh, en]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return str(value)


def description(model: type[BaseModel], name: str, lang: str) -> str:
    if lang == "zh":
        return ZH[model.__name__][2][name]
    text = model.model_fields[name].description or ""
    corrected, correction = EN_CORRECTIONS.get((model.__name__, name), (None, None))
    return correction if correction and text == corrected else text


def reference(lang: str = "en") -> str:
    zh = lang == "zh"
    lines = ZH_INTRO[:] if zh else [
        "# Reference of the YAML files", "",
        "Generated from the schemas in `generator/schema.py` by `python -m generator.reference`; "
        "do not edit by hand. Unknown keys are errors (with a \"did you mean\" hint), "
        "and every value is checked against the type given here.", ""]
    for title, model in FILES:
        heading, doc = (ZH[model.__name__][0], ZH[model.__name__][1]) if zh else (title, (model.__doc__ or "").strip())
        lines += [f"## {heading}", "", doc, "",
                  "| 键 | 类型 | 默认值 | 含义 |" if zh else "| key | type | default | meaning |",
                  "| --- | --- | --- | --- |"]
        for name, field in model.model_fields.items():
            default = ("必填" if zh else "required") if field.is_required() else (
                "—" if field.default in (None, PydanticUndefined) else f"`{yaml_value(field.default)}`")
            lines.append(f"| `{name}` | {type_name(field.annotation, lang)} | {default} | {description(model, name, lang)} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(sys.argv[1] if len(sys.argv) > 1 else "en"), end="")
