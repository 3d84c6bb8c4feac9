"""Charts: a chart block's figures as a Plotly figure, a data table, a CSV file and a summary.

All four come from the same rows, so what a reader sees in the chart, in the
table, in the downloaded CSV and in the text summary cannot disagree. A masked
figure is never drawn as zero, nor as a bar of some height: where its mask tells the
number of digits, the chart draws the range it implies (``***`` → 100–999) as a pale
band spanned by an interval mark, which the legend names as a possible range, not a
value; elsewhere (a pie) it is named as not drawn.

Each chart has two figures: one for a wide screen and one for a narrow one (a phone),
where bars lie horizontally so that their labels can use the screen's width; the page
(charts.js) draws the one that fits, and scales its text with the reader's text size.
"""

from __future__ import annotations

import csv
import decimal
import functools
import hashlib
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal

from .i18n import Translations
from .markdown import ATTRIBUTES_WITHHELD
from .metrics import SCALES, Metric, display, plain_number, plain_value, range_text, scale_word
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
FONT_SIZE = 14  # pixels at the standard text size; charts.js scales every size with the reader's text size
# Masked figures are drawn as ranges in a colour of their own (the palette's second, 3:1 on white),
# the band between their bounds pale so that it never reads as a bar.
RANGE_COLOUR = PALETTE[1]
# The band's opacity, as a number of the trace (the leak check would read the numbers of an
# "rgba(…)" string as figures).
RANGE_OPACITY = 0.16
GRID_COLOUR = "#d0d4da"
# A chart narrower than this (a phone) is drawn from its narrow figure, whatever its labels.
NARROW_BELOW = 560
NARROW_LABEL_WIDTH = 13  # characters of a bar's label a line, on a phone (half as many Chinese ones)
NARROW_LEGEND_WIDTH = 20
NARROW_CATEGORIES = 6  # years shown under a line chart on a phone, at most


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
    # drawn instead where the chart is narrower than figure["layout"]["meta"]["narrow_below"] (a phone)
    narrow_figure: dict[str, Any] = field(repr=False)
    csv_name: str = field(repr=False)
    csv_header: list[str] = field(repr=False)
    csv_rows: list[list[str]] = field(repr=False)
    digest: str = ""  # of all the fields but the id and CSV name, which depend on the page

    def figure_json(self) -> str:
        """The figure for a ``<script type="application/json">``: plain lists, ``<`` escaped."""
        return _json(self.figure)

    def narrow_figure_json(self) -> str:
        return _json(self.narrow_figure)

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([_as_text(cell) for cell in self.csv_header])
        writer.writerows([[_as_text(cell) for cell in row] for row in self.csv_rows])
        return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read Chinese


def _json(figure: dict[str, Any]) -> str:
    return json.dumps(figure, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")


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
        default_title = _shown(series[-1].label[lang])
    else:
        rows = [ChartRow(_shown(metrics[m].label[lang]), metrics[m]) for m in spec.metrics or []]
        chart_type = spec.type
        default_title = ""
    # The figures of a chart share a unit in the first language (checked); a translation may
    # name what each counts (entries, applications): then the table's header names none.
    units = {row.metric.unit[lang] for row in rows}
    unit = units.pop() if len(units) == 1 else ""
    title = _shown(spec.title[lang]) if spec.title else default_title
    caption = _shown(spec.caption[lang]) if spec.caption else ""
    has_masks = any(r.mask is not None for r in rows)
    header = [t.get("table_item", lang), t.get("table_value", lang, unit=unit) if unit else t.get("table_figure", lang)]
    if has_masks:
        header.append(t.get("table_withheld_range", lang))
    table_rows = []
    for row in rows:
        cells = [row.label, display(row.metric, lang, t)]
        if has_masks:
            cells.append(range_text(row.metric, lang, t) if row.range else "")
        table_rows.append(cells)
    summary = _summary(rows, lang, t)
    figure = _figure(chart_type, rows, unit, lang, t)
    # The width (CSS pixels at the standard text size; the page scales it with the reader's) below
    # which the narrow figure is drawn. In the layout, whose numbers the leak check knows to be no
    # figures: in an HTML attribute, "577" would read as one.
    figure["layout"]["meta"] = {"narrow_below": _narrow_below(chart_type, rows, lang)}
    narrow_figure = _figure(chart_type, rows, unit, lang, t, narrow=True)
    csv_header = [header[0], header[1], t.get("csv_withheld_low", lang), t.get("csv_withheld_high", lang)]
    csv_rows = [_csv_row(row, lang, t) for row in rows]
    content = (chart_type, lang, title, caption, unit, summary, rows, header, table_rows, figure, narrow_figure,
               csv_header, csv_rows)
    return Chart(chart_id, chart_type, lang, title, caption, unit, summary, rows, header, table_rows, figure,
                 narrow_figure,
                 f"{chart_id}.csv", csv_header, csv_rows, hashlib.sha256(repr(content).encode("utf-8")).hexdigest())


# A withheld span as the internal edition keeps it in a label or title ([锦江]{.withheld}): a chart
# draws text, not Markdown, so it shows what the span holds (the public edition has masked it).
WITHHELD_SPAN = re.compile(r"\[([^\[\]\n]*)\]" + ATTRIBUTES_WITHHELD + r"[^{}\n]*\}", re.IGNORECASE)


def _shown(text: str) -> str:
    return WITHHELD_SPAN.sub(r"\1", text)


def _csv_row(row: ChartRow, lang: str, t: Translations) -> list[str]:
    """A figure as bare digits, for a spreadsheet to read; a mask as the page writes it
    (``***万``, ``*,**0,000``), with its range in digits."""
    low, high = row.range or ("", "")
    if row.mask is not None:
        value = plain_value(row.metric, lang, t)
    else:
        value = "" if row.value is None else plain_number(row.value)
    return [row.label, value, str(low), str(high)]


def _summary(rows: list[ChartRow], lang: str, t: Translations) -> str:
    items = []
    for row in rows:
        value = display(row.metric, lang, t)
        if row.range:
            value = t.get("withheld_value", lang, value=value, range=range_text(row.metric, lang, t))
        items.append(t.get("chart_item", lang, label=row.label, value=value, unit=row.metric.unit[lang]))
    return t.get("chart_summary", lang, items=t.get("list_separator", lang).join(items))


def _figure(chart_type: str, rows: list[ChartRow], unit: str, lang: str, t: Translations,
            narrow: bool = False) -> dict[str, Any]:
    """The chart as Plotly draws it. ``narrow``: the figure for a narrow chart (a phone), where
    bars lie horizontally, so that their labels have the width of the screen."""
    if chart_type in ("pie", "donut"):
        return _pie_figure(chart_type, rows, narrow, lang, t)
    horizontal = chart_type == "hbar" or (narrow and chart_type == "bar")
    if horizontal:
        label_width = NARROW_LABEL_WIDTH if narrow else max(NARROW_LABEL_WIDTH, 36 // max(len(rows), 1))
    else:
        label_width = _column_label_width(len(rows))
    labels = [_wrap(r.label, lang, width=label_width) for r in rows]
    shown = [display(r.metric, lang, t) for r in rows]
    traces: list[Any] = []
    if chart_type == "line":
        points = [(label, r.value, s) for r, label, s in zip(rows, labels, shown) if r.value is not None]
        # The first and last labels written away from the chart's edges, so that none runs out of it.
        positions = ["top center"] * len(points)
        if len(points) > 1:
            positions[0], positions[-1] = "top right", "top left"
        traces.append(_trace("scatter", name=unit or t.get("table_figure", lang), x=[p[0] for p in points],
                             y=[p[1] for p in points], text=[p[2] for p in points], mode="lines+markers+text",
                             textposition=positions, marker={"color": PALETTE[0], "size": 9, "symbol": "circle"},
                             line={"color": PALETTE[0], "width": 3}, customdata=[p[2] for p in points],
                             hovertemplate="%{x}: %{customdata}<extra></extra>"))
    else:
        # Inside a long bar where it fits on a phone, so that no room beyond the bars is needed.
        text_position = "auto" if narrow else "outside"
        known = [r.value for r in rows]
        traces.append(_trace("bar", name=unit or t.get("table_figure", lang), **_xy(labels, known, horizontal),
                             orientation="h" if horizontal else "v",
                             text=[s if k is not None else "" for s, k in zip(shown, known)], customdata=shown,
                             textposition=text_position, cliponaxis=False, marker={"color": PALETTE[0]},
                             hovertemplate="%{customdata}<extra></extra>",
                             showlegend=any(k is not None for k in known)))
    if any(r.range for r in rows):
        traces.extend(_range_traces(rows, labels, shown, horizontal, narrow, lang, t))
    undrawn = [f"{r.label} {s}" for r, s in zip(rows, shown) if r.value is None and r.range is None]
    # a figure without a value or a range to draw is named, never dropped in silence
    annotations = _not_drawn(undrawn, 1.12, narrow, lang, t)
    layout = _layout(lang, t, annotations, showlegend=len(traces) > 1)
    # Room beyond the largest bar for the labels written outside it (inside, on a phone).
    top = max([r.range[1] if r.range else (r.value or 0) for r in rows] or [0])
    room = 1.15 if narrow else 1.3 if horizontal else 1.2
    ticks = nice_ticks(top)
    value_axis = {"title": {"text": unit}, "automargin": True, "gridcolor": GRID_COLOUR,
                  "range": [0, max(top * room, ticks[-1]) or 1], "tickmode": "array", "tickvals": ticks,
                  "ticktext": axis_tick_text(ticks, lang, t), "tickangle": 0,
                  "zeroline": True, "zerolinecolor": "#6b6b6b"}
    if narrow and horizontal:
        # Side by side on a phone, at the largest text size, only the first and last tick labels
        # fit; the steps between keep their grid lines.
        value_axis.update(tickvals=[ticks[0], ticks[-1]], ticktext=axis_tick_text(ticks, lang, t)[::len(ticks) - 1],
                          minor={"tickmode": "array", "tickvals": ticks[1:-1], "showgrid": True,
                                 "gridcolor": GRID_COLOUR})
    category_axis: dict[str, Any] = {"automargin": True, "type": "category", "tickangle": 0}
    if chart_type == "line":  # half a step before the first year and after the last, as bars have
        category_axis["range"] = [-0.5, len(labels) - 0.5]
    if chart_type == "line" and narrow and len(labels) > NARROW_CATEGORIES:
        # Every other year (or fewer) on a phone, the last always: years side by side need the width.
        every = math.ceil(len(labels) / NARROW_CATEGORIES)
        shown_labels = labels[::-1][::every][::-1]
        category_axis.update(tickmode="array", tickvals=shown_labels, ticktext=shown_labels)
    if horizontal:
        layout["height"] = _horizontal_height(labels, narrow)
        layout.update(xaxis=value_axis, yaxis=category_axis | {"autorange": "reversed"})
    else:
        layout.update(xaxis=category_axis, yaxis=value_axis)
    return {"data": traces, "layout": layout}


def _range_traces(rows: list[ChartRow], labels: list[str], shown: list[str], horizontal: bool, narrow: bool,
                  lang: str, t: Translations) -> list[dict[str, Any]]:
    """The masked figures as the ranges their masks imply: a pale band from the lowest to the highest
    possible value, spanned by an interval mark (an I-beam), so that it reads as "somewhere in here",
    never as a bar of its own height; and the legend's entry for them, which says that two equal
    ranges are no two equal figures. The band is a bar with a ``base`` (a floating bar): the leak
    check knows that such numbers are the masks' ranges, not figures."""
    low = [r.range[0] if r.range else None for r in rows]
    span = [r.range[1] - r.range[0] if r.range else None for r in rows]
    hover = [f"{r.label}<br>{t.get('withheld_value', lang, value=s, range=range_text(r.metric, lang, t))}" if r.range else ""
             for r, s in zip(rows, shown)]
    # The interval mark: an error bar from the band's top down to its base, with a cap at each end.
    interval = {"type": "data", "symmetric": False, "array": [0 if s is not None else None for s in span],
                "arrayminus": span, "color": RANGE_COLOUR, "thickness": 3, "width": 12}
    band = _trace("bar", name=t.get("withheld_legend", lang), legendgroup="withheld", showlegend=False,
                  **_xy(labels, span, horizontal), base=low, orientation="h" if horizontal else "v", width=0.5,
                  text=[s if r.range else "" for r, s in zip(rows, shown)], textposition="outside",
                  cliponaxis=False, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
                  marker={"color": RANGE_COLOUR, "opacity": RANGE_OPACITY, "line": {"width": 0}},
                  **{"error_x" if horizontal else "error_y": interval})
    # The legend shows the mark's colour and line (a band's pale swatch would hardly show), and
    # draws nothing in the chart.
    width = NARROW_LEGEND_WIDTH if narrow else 60
    name = "<br>".join(_wrap(t.get(key, lang), lang, width=width) for key in ("withheld_legend", "withheld_legend_note"))
    legend = _trace("scatter", name=name, legendgroup="withheld",
                    x=[None], y=[None], mode="lines", line={"color": RANGE_COLOUR, "width": 3}, hoverinfo="skip")
    return [band, legend]


def _pie_figure(chart_type: str, rows: list[ChartRow], narrow: bool, lang: str, t: Translations) -> dict[str, Any]:
    """A pie or a donut: a withheld figure has no size to draw, so it is named instead. Each slice
    is labelled beside it, or on a phone, where there is no room beside it, in the legend."""
    shown = [display(r.metric, lang, t) for r in rows]
    drawn = [(r, s) for r, s in zip(rows, shown) if r.value is not None]
    common = {"values": [r.value for r, _ in drawn], "text": [s for _, s in drawn], "sort": False,
              "direction": "clockwise", "hole": 0.5 if chart_type == "donut" else 0,
              "marker": {"colors": PALETTE[: len(drawn)], "line": {"color": BACKGROUND, "width": 2}}}
    if narrow:
        labels = [_wrap(t.get("chart_item", lang, label=r.label, value=s, unit=r.metric.unit[lang]), lang,
                        width=NARROW_LEGEND_WIDTH) for r, s in drawn]
        trace = _trace("pie", labels=labels, textinfo="percent", textposition="inside",
                       insidetextorientation="horizontal", hovertemplate="%{label}<extra></extra>", **common)
    else:
        # Room for the labels beside the slices, kept rather than found by plotly's automargin,
        # which warns of "too many auto-margin redraws" on pies.
        trace = _trace("pie", labels=[_wrap(r.label, lang, width=16) for r, _ in drawn],
                       textinfo="label+text+percent", textposition="outside", textfont={"color": "#1b1b1b"},
                       automargin=False, hovertemplate="%{label}: %{text}<extra></extra>", **common)
    missing = [f"{r.label} {s}" for r, s in zip(rows, shown) if r.value is None]
    layout = _layout(lang, t, _not_drawn(missing, -0.15, narrow, lang, t), showlegend=narrow)
    if not narrow:
        layout["margin"] = {"l": 120, "r": 120, "t": 60, "b": 60, "pad": 4}
    return {"data": [trace], "layout": layout}


def _not_drawn(items: list[str], y: float, narrow: bool, lang: str, t: Translations) -> list[dict[str, Any]]:
    """The note naming the figures a chart cannot draw, if any: withheld, with no range to show."""
    if not items:
        return []
    text = _wrap(t.get("not_drawn", lang, items=t.get("list_separator", lang).join(items)), lang,
                 width=NARROW_LEGEND_WIDTH if narrow else 60)
    return [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": y, "xanchor": "left",
             "align": "left"}]


def _layout(lang: str, t: Translations, annotations: list[dict[str, Any]], showlegend: bool) -> dict[str, Any]:
    font = FONT if lang.startswith("zh") else LATIN_FONT
    layout = dict(
        template=NO_TEMPLATE, font={"family": font, "size": FONT_SIZE, "color": "#1b1b1b"},
        paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND, autosize=True, height=380,
        margin={"l": 12, "r": 24, "t": 40, "b": 12, "pad": 4}, barmode="overlay", bargap=0.35,
        showlegend=showlegend,
        # The legend explains; a click on it hides nothing.
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "itemclick": False,
                "itemdoubleclick": False}, separators=t.get("number_separators", lang),
        hoverlabel={"font": {"family": font, "size": FONT_SIZE}},
        uniformtext={"minsize": 12, "mode": "show"},
    )
    if annotations:
        layout["annotations"] = annotations
    return layout


def _horizontal_height(labels: list[str], narrow: bool) -> int:
    """Room for each bar's label, however many lines it wraps to, and for the legend and axis."""
    lines = max([label.count("<br>") + 1 for label in labels] or [1])
    per_bar = max(56 if narrow else 64, 22 * lines + 16)
    return max(300 if narrow else 380, 150 + per_bar * len(labels))


def _narrow_below(chart_type: str, rows: list[ChartRow], lang: str) -> int:
    """Where the wide figure's category labels, side by side under their bars or points, no longer
    fit: a phone's width, or more for many or long labels."""
    if chart_type not in ("bar", "line"):
        return NARROW_BELOW
    labels = [_wrap(r.label, lang, width=_column_label_width(len(rows))) for r in rows]
    widest = max([_text_width(line) for label in labels for line in label.split("<br>")] or [0])
    # the value axis and its title on the left, the margin on the right, a gap between labels
    needed = 90 + len(labels) * (widest + 2 * FONT_SIZE) + 24
    return max(NARROW_BELOW, math.ceil(needed))


def _column_label_width(count: int) -> int:
    """Characters a line of a label under a column, so that ``count`` of them sit side by side."""
    return max(8, 36 // max(count, 1))


def _text_width(text: str) -> float:
    """A rough width in pixels at FONT_SIZE: a Chinese character is square, a Latin one about 0.6 as wide."""
    return sum(FONT_SIZE if unicodedata.east_asian_width(c) in "WF" else 0.6 * FONT_SIZE for c in text)


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


def axis_tick_text(ticks: list[int | float], lang: str, t: Translations) -> list[str]:
    """A value axis's tick labels, all in one style: where the language counts in 万 and 亿, every
    tick in the largest of them that a step reaches ("2万, 4万 … 10万"), or else every tick in
    digits ("2,000 … 10,000"), never "1万" beside "8,000"."""
    locale = t.get("locale", lang)
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else abs(ticks[0])
    scales = [(char, size) for char, size in SCALES.items() if size <= step] if t.get("compact_numbers", lang) == "yes" else []
    char, size = max(scales, key=lambda item: item[1], default=("", 1))
    return list(_tick_labels(tuple(ticks), locale, size, scale_word(char, lang, t)))


@functools.lru_cache(maxsize=4096)  # charts share their axes (0, 20, 40 …): babel's formatting is the cost
def _tick_labels(ticks: tuple[int | float, ...], locale: str, size: int, suffix: str) -> tuple[str, ...]:
    return tuple(format_decimal(decimal.Decimal(str(v)) / size, locale=locale, decimal_quantization=False)
                 + (suffix if v else "") for v in ticks)


def _wrap(label: str, lang: str, width: int = 14) -> str:
    """A long label on lines of about ``width`` Latin characters, so that it fits beside or under
    its bar on a phone."""
    if any(unicodedata.east_asian_width(c) in "WF" for c in label):
        # Chinese: a character is about twice as wide, and a line may break anywhere
        return _wrap_chinese(label, max(6, width // 2 + 1))
    if len(label) <= width:
        return label
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _wrap_chinese(label: str, size: int) -> str:
    """Lines of at most about ``size`` Chinese characters, as even as can be, broken after a
    punctuation mark near the break where there is one, never inside a Latin word or a number:
    "不是数值；<br>范围相同不等于数值相同", "受理的APEC<br>商务旅行卡申请"."""
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9.,%+-]*|.", label)
    widths = [_text_width(token) / FONT_SIZE for token in tokens]
    remaining = sum(widths)
    if remaining <= size:
        return label
    lines, line, used = [], "", 0.0
    target = remaining / math.ceil(remaining / size)
    for token, width in zip(tokens, widths):
        if line and used + width > target:
            lines.append(line)
            remaining -= used
            line, used = "", 0.0
            target = remaining / math.ceil(remaining / size)
        line += token
        used += width
        if token in "，、；：。）" and used >= target - 4 and used < remaining:
            lines.append(line)
            remaining -= used
            line, used = "", 0.0
            target = remaining / math.ceil(remaining / size)
    return "<br>".join([*lines, line] if line else lines)


def _xy(labels: list[str], values: list[Any], horizontal: bool) -> dict[str, list[Any]]:
    return {"x": values, "y": labels} if horizontal else {"x": labels, "y": values}
