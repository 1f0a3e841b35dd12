"""The report's drawings: the spider chart of the GCM guiding principles, the bar chart of the SDG 17
targets and the counterpart × level heat map of the partnership span.

Everything here is vector graphics in the report's fonts. Series are told apart by line style,
marker shape and lightness, so the charts read the same in colour and in greyscale print.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from mipat.reports.pdf_styles import (
    CONDENSED,
    INK,
    MUTED,
    PRIMARY,
    PRIMARY_LIGHT,
    RULE,
    SANS,
    TINT,
    WHITE,
)

Score = float | None
Formatter = Callable[[float], str]

_CURRENT_FILL = colors.Color(PRIMARY.red, PRIMARY.green, PRIMARY.blue, alpha=0.14)
_RINGS = (20, 40, 60, 80, 100)


class _FixedScaleSpider(SpiderChart):
    """A spider chart whose outer ring is always 100, whatever the data (ReportLab scales to the max)."""

    def normalizeData(self, outer: float = 0.0) -> list[list[float]]:
        self._norm = 100.0
        return [[(value or 0.0) / 100.0 for value in row] for row in self.data]


def _legend(
    drawing: Drawing, x: float, y: float, entries: Sequence[tuple[str, dict]], *, font_size: float = 7.5
) -> None:
    """One legend line per series: a sample of its line and marker, then its name."""
    for i, (name, style) in enumerate(entries):
        yy = y - i * (font_size + 5)
        drawing.add(
            Line(
                x,
                yy + 2.5,
                x + 22,
                yy + 2.5,
                strokeColor=style["stroke"],
                strokeWidth=style["width"],
                strokeDashArray=style.get("dash"),
            )
        )
        drawing.add(
            makeMarker(
                style["marker"],
                x=x + 11,
                y=yy + 2.5,
                size=style["size"],
                fillColor=style["fill"],
                strokeColor=style["stroke"],
                strokeWidth=0.8,
            )
        )
        drawing.add(String(x + 28, yy, name, fontName=SANS, fontSize=font_size, fillColor=INK))


_CURRENT = {"stroke": PRIMARY, "width": 1.6, "marker": "FilledCircle", "size": 4.5, "fill": PRIMARY}
_PREVIOUS = {
    "stroke": colors.HexColor("#6E6E6E"),
    "width": 1.1,
    "dash": [3, 2],
    "marker": "Square",
    "size": 4.5,
    "fill": WHITE,
}


def principles_spider(
    labels: Sequence[str],
    current: Sequence[Score],
    previous: Sequence[Score] | None,
    *,
    legend: Sequence[str],
    width: float,
) -> Drawing:
    """Ten spokes, 0 at the centre and 100 at the rim; the previous assessment dashed with hollow squares."""
    height = 300.0 if previous is None else 318.0
    drawing = _drawing(width, height)
    radius = 100.0
    cx, cy = width / 2, height - 28 - radius - 12
    n = len(labels)

    chart = _FixedScaleSpider()
    chart.x, chart.y = cx - radius, cy - radius
    chart.width = chart.height = 2 * radius
    series = [list(previous), list(current)] if previous is not None else [list(current)]
    chart.data = series
    chart.labels = list(labels)
    chart.startAngle = 90
    chart.direction = "clockwise"
    chart.spokes.strokeColor = RULE
    chart.spokes.strokeWidth = 0.4
    chart.spokes.labelRadius = 1.1
    chart.spokeLabels.fontName = CONDENSED
    chart.spokeLabels.fontSize = 7.5
    chart.spokeLabels.fillColor = INK
    chart.spokeLabels.boxAnchor = "autox"
    chart.spokeLabels.maxWidth = 112
    chart.spokeLabels.leading = 8.5
    chart.spokeLabels.textAnchor = "middle"
    styles_in_order = [_PREVIOUS, _CURRENT] if previous is not None else [_CURRENT]
    for i, style in enumerate(styles_in_order):
        chart.strands[i].strokeColor = style["stroke"]
        chart.strands[i].strokeWidth = style["width"]
        chart.strands[i].strokeDashArray = style.get("dash")
        chart.strands[i].fillColor = _CURRENT_FILL if style is _CURRENT else None
        chart.strands[i].symbol = style["marker"]
        chart.strands[i].symbolSize = style["size"]
    chart.strandLabels.format = None

    rings = Group()
    for ring in _RINGS:
        r = radius * ring / 100
        points: list[float] = []
        for i in range(n):
            angle = math.radians(90 - 360 * i / n)
            points += [cx + r * math.cos(angle), cy + r * math.sin(angle)]
        rings.add(Polygon(points, fillColor=None, strokeColor=RULE, strokeWidth=0.3 if ring < 100 else 0.6))
        rings.add(String(cx + 2.5, cy + r + 1.5, str(ring), fontName=SANS, fontSize=5.5, fillColor=MUTED))
    drawing.add(rings)
    drawing.add(chart)
    entries = list(zip(legend, [_CURRENT, _PREVIOUS], strict=False))
    _legend(drawing, width / 2 - 90, 16 + (len(entries) - 1) * 12.5, entries)
    return drawing


def target_bars(
    labels: Sequence[str],
    current: Sequence[Score],
    previous: Sequence[Score] | None,
    *,
    legend: Sequence[str],
    fmt: Formatter,
    width: float,
) -> Drawing:
    """Horizontal bars, one per target, on a fixed 0–100 axis; the value is printed at each bar's end."""
    per_row = 22.0 if previous is None else 30.0
    legend_height = 14.0 * (2 if previous is not None else 1)
    plot_height = per_row * len(labels)
    height = plot_height + 30 + legend_height
    drawing = _drawing(width, height)
    label_room = 170.0
    chart = HorizontalBarChart()
    chart.x, chart.y = label_room, 18 + legend_height
    chart.width, chart.height = width - label_room - 40, plot_height
    # The first category is drawn at the bottom: reverse, so the list reads top-down.
    rows = [list(reversed(current))]
    if previous is not None:
        rows = [list(reversed(previous)), *rows]
    chart.data = [[v if v is not None else 0.0 for v in row] for row in rows]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = CONDENSED
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.maxWidth = label_room - 10
    chart.categoryAxis.labels.leading = 8.5
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = TINT
    chart.valueAxis.gridStrokeWidth = 0.6
    chart.barSpacing = 1.5
    chart.groupSpacing = 6
    chart.barLabelFormat = fmt
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabels.fillColor = INK
    current_row = len(rows) - 1
    chart.bars[current_row].fillColor = PRIMARY
    chart.bars[current_row].strokeColor = PRIMARY
    if previous is not None:
        chart.bars[0].fillColor = PRIMARY_LIGHT
        chart.bars[0].strokeColor = PRIMARY
        chart.bars[0].strokeWidth = 0.5
    drawing.add(chart)
    for i, name in enumerate(legend):
        y = legend_height - 10 - i * 13
        fill = PRIMARY if i == 0 else PRIMARY_LIGHT
        drawing.add(Rect(label_room, y, 16, 7, fillColor=fill, strokeColor=PRIMARY, strokeWidth=0.5))
        drawing.add(String(label_room + 22, y + 0.5, name, fontName=SANS, fontSize=7.5, fillColor=INK))
    return drawing


def span_heat_map(
    rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]], *, width: float
) -> Drawing:
    """A counterpart × level grid; darker cells hold more partnerships and every count is printed."""
    row_label_room = 150.0
    cell_w = (width - row_label_room) / max(len(columns), 1)
    column_lines = [wrap_words(name, CONDENSED, 7.5, cell_w - 4) for name in columns]
    row_lines = [wrap_words(name, CONDENSED, 7.5, row_label_room - 8) for name in rows]
    cell_h = max(24.0, 9.0 * max((len(lines) for lines in row_lines), default=1) + 6)
    header_height = 9.0 * max((len(lines) for lines in column_lines), default=1) + 6
    height = header_height + cell_h * len(rows) + 4
    drawing = _drawing(width, height)
    peak = max((c for row in counts for c in row), default=0) or 1
    top = height - header_height
    for j, lines in enumerate(column_lines):
        x = row_label_room + j * cell_w + cell_w / 2
        for k, line in enumerate(lines):
            y = top + 5 + (len(lines) - 1 - k) * 9
            drawing.add(String(x, y, line, fontName=CONDENSED, fontSize=7.5, fillColor=INK, textAnchor="middle"))
    for i, lines in enumerate(row_lines):
        y = top - (i + 1) * cell_h
        for k, line in enumerate(lines):
            offset = cell_h / 2 - 2.5 + (len(lines) - 1) * 4.5 - k * 9
            drawing.add(String(0, y + offset, line, fontName=CONDENSED, fontSize=7.5, fillColor=INK))
        for j, count in enumerate(counts[i]):
            share = count / peak
            fill = _tint(share) if count else WHITE
            x = row_label_room + j * cell_w
            drawing.add(Rect(x, y, cell_w, cell_h, fillColor=fill, strokeColor=RULE, strokeWidth=0.4))
            text_colour = WHITE if share > 0.5 else (INK if count else MUTED)
            drawing.add(
                String(
                    x + cell_w / 2,
                    y + cell_h / 2 - 3,
                    str(count),
                    fontName=SANS,
                    fontSize=8.5,
                    fillColor=text_colour,
                    textAnchor="middle",
                )
            )
    return drawing


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS  # ReportLab would open every drawing with Helvetica, not embedded
    return drawing


def _tint(share: float) -> colors.Color:
    """From the palest tint (one partnership) to the darkest blue (the busiest cell)."""
    low, high = TINT, PRIMARY
    t = 0.15 + 0.85 * share
    return colors.Color(
        low.red + (high.red - low.red) * t,
        low.green + (high.green - low.green) * t,
        low.blue + (high.blue - low.blue) * t,
    )


def wrap_words(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]
