"""Charts: a chart block's figures as a Plotly figure, a data table, a CSV file and a summary.

All four come from the same rows, so what a reader sees in the chart, in the
table, in the downloaded CSV and in the text summary cannot disagree. A masked
figure is never drawn as zero: where its mask tells the number of digits, the
chart draws the range it implies (``***`` → 100–999), hatched and labelled as
withheld; elsewhere (a pie) it is named as not drawn.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from .i18n import Translations
from .metrics import Metric, display, format_number, plain_number, plain_value
from .schema import ChartSpec

# The UK Government Analysis Function's categorical palette: each colour contrasts at
# least 3:1 with white and with its neighbours, in this order.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
BACKGROUND = "#FFFFFF"
# Plotly's "none" template, as plotly.py writes it: no theme of plotly.js's own.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}
# A chart's text in its language's fonts, as the page's (site.css, :lang()): Chinese fonts first
# for Chinese, Latin ones first for any other language.
FONT = ('"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, -apple-system, '
        '"Segoe UI", Roboto, Arial, sans-serif')
LATIN_FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, Arial, "PingFang SC", "Microsoft YaHei", '
              '"Noto Sans CJK SC", sans-serif')


@dataclass(frozen=True)
class ChartRow:
    label: str
    metric: Metric

    @property
    def value(self) -> int | float | None:
        return self.metric.value

    @property
    def mask(self) -> str | None:
        return self.metric.mask

    @property
    def range(self) -> tuple[int, int] | None:
        return self.metric.magnitude()


@dataclass(frozen=True)
class Chart:
    """A chart's repr is short: its id and a digest of the rest (a page's digest includes it)."""

    id: str  # unique on its page: "chart-1"
    type: str = field(repr=False)
    lang: str = field(repr=False)
    title: str = field(repr=False)
    caption: str = field(repr=False)
    unit: str = field(repr=False)
    summary: str = field(repr=False)
    rows: list[ChartRow] = field(repr=False)
    table_header: list[str] = field(repr=False)
    table_rows: list[list[str]] = field(repr=False)
    figure: dict[str, Any] = field(repr=False)
    csv_name: str = field(repr=False)
    csv_header: list[str] = field(repr=False)
    csv_rows: list[list[str]] = field(repr=False)
    digest: str = ""  # of all the fields but the id and CSV name, which depend on the page

    def figure_json(self) -> str:
        """The figure for a ``<script type="application/json">``: plain lists, ``<`` escaped."""
        return json.dumps(self.figure, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([_as_text(cell) for cell in self.csv_header])
        writer.writerows([[_as_text(cell) for cell in row] for row in self.csv_rows])
        return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read Chinese


def _as_text(cell: str) -> str:
    """A cell a spreadsheet reads as text: one that starts like a formula (=, +, -, @) and is no
    number gets a leading ' (OWASP's advice against CSV injection), so no label runs as one."""
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"[-+]?[0-9]+(\.[0-9]+)?", cell):
        return "'" + cell
    return cell


def build_chart(spec: ChartSpec, chart_id: str, lang: str, metrics: dict[str, Metric],
                history: dict[str, list[Metric]], translations: Translations) -> Chart:
    """``metrics``: the report's figures by id; ``history``: each id's figures across reports by year."""
    t = translations
    if spec.across_years:
        series = sorted(history[spec.across_years], key=lambda m: m.year)
        rows = [ChartRow(t.get("report_year", lang, year=m.year), m) for m in series]
        chart_type = spec.type if spec.type in ("bar", "hbar", "line") else "line"
        default_title = series[-1].label[lang]
    else:
        rows = [ChartRow(metrics[m].label[lang], metrics[m]) for m in spec.metrics or []]
        chart_type = spec.type
        default_title = ""
    # The figures of a chart share a unit in the first language (checked); a translation may
    # name what each counts (entries, applications): then the table's header names none.
    units = {row.metric.unit[lang] for row in rows}
    unit = units.pop() if len(units) == 1 else ""
    title = spec.title[lang] if spec.title else default_title
    caption = spec.caption[lang] if spec.caption else ""
    has_masks = any(r.mask is not None for r in rows)
    header = [t.get("table_item", lang), t.get("table_value", lang, unit=unit) if unit else t.get("table_figure", lang)]
    if has_masks:
        header.append(t.get("table_withheld_range", lang))
    table_rows = []
    for row in rows:
        cells = [row.label, display(row.metric, lang, t)]
        if has_masks:
            cells.append(_range_text(row, lang, t) if row.range else "")
        table_rows.append(cells)
    summary = _summary(rows, lang, t)
    figure = _figure(chart_type, rows, title, unit, lang, t)
    csv_header = [header[0], header[1], t.get("csv_withheld_low", lang), t.get("csv_withheld_high", lang)]
    csv_rows = [_csv_row(row, lang, t) for row in rows]
    content = (chart_type, lang, title, caption, unit, summary, rows, header, table_rows, figure, csv_header,
               csv_rows)
    return Chart(chart_id, chart_type, lang, title, caption, unit, summary, rows, header, table_rows, figure,
                 f"{chart_id}.csv", csv_header, csv_rows, hashlib.sha256(repr(content).encode("utf-8")).hexdigest())


def _csv_row(row: ChartRow, lang: str, t: Translations) -> list[str]:
    """A figure as bare digits, for a spreadsheet to read; a mask as the page writes it
    (``***万``, ``*,**0,000``), with its range in digits."""
    low, high = row.range or ("", "")
    if row.mask is not None:
        value = plain_value(row.metric, lang, t)
    else:
        value = "" if row.value is None else plain_number(row.value)
    return [row.label, value, str(low), str(high)]


def _range_text(row: ChartRow, lang: str, t: Translations) -> str:
    low, high = row.range  # type: ignore[misc]
    return t.get("withheld_range", lang, low=_number_text(low, lang, t), high=_number_text(high, lang, t))


def _scale(value: int, lang: str, t: Translations) -> str:
    scale = format_number(value, lang, t)[1]
    return t.get(f"scale_{scale}", lang) if scale else ""


def _summary(rows: list[ChartRow], lang: str, t: Translations) -> str:
    items = []
    for row in rows:
        value = display(row.metric, lang, t)
        if row.range:
            value = t.get("withheld_value", lang, value=value, range=_range_text(row, lang, t))
        items.append(t.get("chart_item", lang, label=row.label, value=value, unit=row.metric.unit[lang]))
    return t.get("chart_summary", lang, items=t.get("list_separator", lang).join(items))


def _figure(chart_type: str, rows: list[ChartRow], title: str, unit: str, lang: str,
            t: Translations) -> dict[str, Any]:
    labels = [_wrap(r.label, lang, width=max(8, 36 // max(len(rows), 1))) for r in rows]
    shown = [display(r.metric, lang, t) for r in rows]
    withheld_name = t.get("withheld_legend", lang)
    traces: list[Any] = []
    annotations: list[dict[str, Any]] = []
    horizontal = chart_type == "hbar"
    if chart_type in ("bar", "hbar"):
        known = [r.value for r in rows]
        low = [r.range[0] if r.range else None for r in rows]
        span = [r.range[1] - r.range[0] if r.range else None for r in rows]
        range_labels = [f"{s} ({_range_text(r, lang, t)})" if r.range else "" for r, s in zip(rows, shown)]
        common = {"orientation": "h" if horizontal else "v", "textposition": "outside", "cliponaxis": False}
        traces.append(_trace("bar", name=unit or t.get("table_figure", lang), **_xy(labels, known, horizontal), text=[s if k is not None else ""
                             for s, k in zip(shown, known)], customdata=shown, marker={"color": PALETTE[0]},
                             hovertemplate="%{customdata}<extra></extra>",
                             showlegend=any(k is not None for k in known), **common))
        if any(r.range for r in rows):
            traces.append(_trace("bar", name=withheld_name, **_xy(labels, span, horizontal), base=low,
                                 text=[s if r.range else "" for r, s in zip(rows, shown)],
                                 customdata=range_labels, hovertemplate="%{customdata}<extra></extra>",
                                 marker={"color": BACKGROUND, "line": {"color": PALETTE[0], "width": 2},
                                         "pattern": {"shape": "/", "fgcolor": PALETTE[0], "solidity": 0.3}},
                                 **common))
    elif chart_type == "line":
        points = [(r.label, r.value, s) for r, s in zip(rows, shown) if r.value is not None]
        traces.append(_trace("scatter", name=unit or t.get("table_figure", lang), x=[p[0] for p in points], y=[p[1] for p in points],
                                 text=[p[2] for p in points], mode="lines+markers+text", textposition="top center",
                                 marker={"color": PALETTE[0], "size": 9, "symbol": "circle"},
                                 line={"color": PALETTE[0], "width": 3}, customdata=[p[2] for p in points],
                                 hovertemplate="%{x}: %{customdata}<extra></extra>"))
        for r, s in zip(rows, shown):
            if r.range:
                label = f"{s} ({_range_text(r, lang, t)})"
                traces.append(_trace("scatter", name=withheld_name, x=[r.label, r.label], y=list(r.range),
                                         mode="lines+markers", showlegend=False, text=[label, label],
                                         line={"color": PALETTE[1], "width": 8, "dash": "dot"},
                                         marker={"symbol": "line-ew", "size": 14,
                                                 "line": {"color": PALETTE[1], "width": 3}},
                                         hovertemplate="%{text}<extra></extra>"))
    if chart_type in ("bar", "hbar", "line"):
        undrawn = [f"{r.label} {s}" for r, s in zip(rows, shown) if r.value is None and r.range is None]
        if undrawn:  # a figure without a value or a range to draw is named, never dropped in silence
            annotations.append({"text": t.get("not_drawn", lang, items=t.get("list_separator", lang).join(undrawn)),
                                "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": 1.12,
                                "xanchor": "left"})
    else:  # pie and donut: a withheld figure has no size to draw, so it is named instead
        drawn = [(r, s) for r, s in zip(rows, shown) if r.value is not None]
        traces.append(_trace("pie", labels=[r.label for r, _ in drawn], values=[r.value for r, _ in drawn],
                             text=[s for _, s in drawn], textinfo="label+text+percent", textposition="outside",
                             textfont={"color": "#1b1b1b"}, automargin=True,
                             hovertemplate="%{label}: %{text}<extra></extra>", sort=False, direction="clockwise",
                             hole=0.5 if chart_type == "donut" else 0,
                             marker={"colors": PALETTE[: len(drawn)], "line": {"color": BACKGROUND, "width": 2}}))
        missing = [f"{r.label} {s}" for r, s in zip(rows, shown) if r.value is None]
        if missing:
            annotations.append({"text": t.get("not_drawn", lang, items=t.get("list_separator", lang).join(missing)),
                                "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": -0.15,
                                "xanchor": "left"})
    font = FONT if lang.startswith("zh") else LATIN_FONT
    layout = dict(
        template=NO_TEMPLATE, font={"family": font, "size": 14, "color": "#1b1b1b"},
        paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND, autosize=True, height=380,
        margin={"l": 12, "r": 24, "t": 40, "b": 12, "pad": 4}, barmode="overlay", bargap=0.35,
        showlegend=len(traces) > 1 and chart_type in ("bar", "hbar"),
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}, separators=t.get("number_separators", lang),
        hoverlabel={"font": {"family": font, "size": 14}},
        uniformtext={"minsize": 12, "mode": "show"},
    )
    if annotations:
        layout["annotations"] = annotations
    if chart_type != "pie" and chart_type != "donut":
        # Room beyond the largest bar for the labels written outside it.
        top = max([r.range[1] if r.range else (r.value or 0) for r in rows] or [0])
        ticks = nice_ticks(top)
        value_axis = {"title": {"text": unit}, "automargin": True, "gridcolor": "#d0d4da",
                      "range": [0, top * (1.6 if horizontal else 1.2) or 1], "tickmode": "array",
                      "tickvals": ticks, "ticktext": [_number_text(v, lang, t) for v in ticks],
                      "zeroline": True, "zerolinecolor": "#6b6b6b"}
        category_axis = {"automargin": True, "type": "category", "tickangle": 0}
        layout.update(xaxis=value_axis if horizontal else category_axis,
                      yaxis=(category_axis | {"autorange": "reversed"}) if horizontal else value_axis)
    return {"data": traces, "layout": layout}


def _trace(trace_type: str, **attributes: Any) -> dict[str, Any]:
    return {"type": trace_type, **attributes}


def nice_ticks(top: float, count: int = 5) -> list[int | float]:
    """Round tick values from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [round(step * i, 10) for i in range(int(math.ceil(top / step)) + 1)]
    return [int(v) if float(v).is_integer() else v for v in ticks]


def _number_text(value: int | float, lang: str, t: Translations) -> str:
    """A figure in the language's convention (an axis tick): "1万", "10,000"."""
    return format_number(value, lang, t)[0] + _scale(value, lang, t)


def _wrap(label: str, lang: str, width: int = 14) -> str:
    """A long category label on several lines, so it fits under its bar on a phone."""
    if len(label) <= width:
        return label
    if " " not in label:  # Chinese: break anywhere, at about half the width in characters
        size = max(6, width // 2 + 1)
        return "<br>".join(label[i:i + size] for i in range(0, len(label), size))
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _xy(labels: list[str], values: list[Any], horizontal: bool) -> dict[str, list[Any]]:
    return {"x": values, "y": labels} if horizontal else {"x": labels, "y": values}
