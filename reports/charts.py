"""The report's drawings: the spider chart of the GCM guiding principles, the bar chart of scored
groups (SDG 17 targets, objective-23 actions, SDG 10.7.2 sub-categories) and the counterpart × level
heat map of the partnership span.

Everything here is vector graphics in the report's fonts, built from plain data: labels, scores
(None where a group is not applicable or not scored) and band cut-offs with their labels, never an
Assessment. Three habits hold in every chart:

- A missing score is a gap, never 0: the spider greys its axis and breaks its line there, a bar row
  prints "not applicable" with no bar.
- Bands are shown, not only listed: light rings or shading at the cut-offs, bars coloured by band on
  a lightness ramp whose steps stay apart in greyscale print, and a legend of the bands.
- No text is smaller than 7 pt, and labels drawn over a series get a white halo and a place where
  no series crosses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from mipat.reports.pdf_styles import (
    CONDENSED,
    INK,
    MUTED,
    PRIMARY,
    RULE,
    SANS,
    SANS_ITALIC,
    WHITE,
    register_fonts,
)

Score = float | None
Formatter = Callable[[float], str]
# A band as its lower bound (inclusive) and its label, lowest first: ((0, "Early stage"), (35, "Developing"), …).
Band = tuple[float, str]

LABEL_SIZE = 7.5  # axis and row labels
SMALL_SIZE = 7.0  # the floor for any text in a chart: values, cut-offs, legends

# Bars go from a pale blue (lowest band) to the report's navy (highest); ring and background
# shading from near-white to a light tint. Greyscale values (0.299 R + 0.587 G + 0.114 B) in
# brackets: neighbouring bands of four stay about 0.2 apart once printed in grey.
_BAR_LOW = colors.HexColor("#C6D4E6")  # (≈ 0.82)
_BAR_HIGH = PRIMARY  # (≈ 0.21)
_SHADE_LOW = colors.HexColor("#FAFBFD")  # (≈ 0.98)
_SHADE_HIGH = colors.HexColor("#D2DCE9")  # (≈ 0.86)
_GAP = colors.HexColor("#B3B3B3")  # the greyed axis of a group with no score
_CURRENT_FILL = colors.Color(PRIMARY.red, PRIMARY.green, PRIMARY.blue, alpha=0.14)
_PREVIOUS_STROKE = colors.HexColor("#6E6E6E")

_RIM = 1.0  # the outer ring, and the legend's sample of a band that is the rim itself (10.7.2 "fully meets")
_CURRENT = {"stroke": PRIMARY, "width": 1.6, "marker": "FilledCircle", "size": 4.5, "fill": PRIMARY}
_PREVIOUS = {"stroke": _PREVIOUS_STROKE, "width": 1.1, "dash": [3, 2], "marker": "Square", "size": 4.5, "fill": WHITE}


def bands_of_scheme(bands: Iterable[Mapping[str, Any]], lang: str) -> list[Band]:
    """The cut-offs of a band scheme as an Assessment stores them (`{"min": 35, "label": {"en": …}}`)."""
    return [(float(b["min"]), b["label"][lang]) for b in sorted(bands, key=lambda b: b["min"])]


def band_index(score: float, bands: Sequence[Band]) -> int:
    """The position in `bands` of the band a score falls in (its lower bound included), as scoring bands it."""
    return max((i for i, (low, _) in enumerate(bands) if score >= low), default=0)


def bar_colours(count: int) -> list[colors.Color]:
    """One fill per band, lightest for the lowest."""
    return [_mix(_BAR_LOW, _BAR_HIGH, i / (count - 1)) if count > 1 else _BAR_HIGH for i in range(count)]


def shade_colours(count: int) -> list[colors.Color]:
    """Very light tints per band for rings and backgrounds, faintest for the lowest."""
    return [_mix(_SHADE_LOW, _SHADE_HIGH, i / (count - 1)) if count > 1 else _SHADE_LOW for i in range(count)]


def greyscale(colour: colors.Color) -> float:
    """The grey a printer makes of a colour (ITU-R BT.601 weights), 0 black to 1 white."""
    return 0.299 * colour.red + 0.587 * colour.green + 0.114 * colour.blue


# --- spider ---------------------------------------------------------------------------------------


def principles_spider(
    labels: Sequence[str],
    current: Sequence[Score],
    previous: Sequence[Score] | None = None,
    *,
    legend: Sequence[str],
    width: float,
    bands: Sequence[Band] = (),
    gap_label: str = "",
    value_fmt: Formatter | None = None,
    bands_title: str = "",
) -> Drawing:
    """One spoke per group, 0 at the centre and 100 at the rim, clockwise from the top.

    A group whose current score is None gets a dashed grey spoke and a grey label followed by
    `gap_label`; each series is drawn as runs between scored spokes, so the line breaks at a gap
    instead of diving to the centre (joining the neighbours would draw a value nobody scored).
    `bands` shade concentric rings and number their cut-offs in the sector no series crosses;
    `value_fmt` prints each current score beside its point. The previous assessment, if any, is
    dashed grey with hollow squares.
    """
    register_fonts()  # measuring labels needs the DejaVu metrics
    n = len(labels)
    radius = _spider_radius(labels, width)
    label_boxes = [_spoke_label(i, n, radius, text, current[i] is None, gap_label) for i, text in enumerate(labels)]
    top = max([radius, *(box["top"] for box in label_boxes)]) + 4
    bottom = min([-radius, *(box["bottom"] for box in label_boxes)]) - 8
    legend_rows = _spider_legend_rows(legend, previous is not None, bands, bands_title, width)
    legend_height = sum(row_height for row_height, _ in legend_rows)
    height = top - bottom + legend_height + 4
    drawing = _drawing(width, height)
    cx, cy = width / 2, height - top

    def point(i: int, value: float) -> tuple[float, float]:
        angle = _spoke_angle(i, n)
        r = radius * min(max(value, 0.0), 100.0) / 100.0
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def ring(value: float) -> list[float]:
        return [c for i in range(n) for c in point(i, value)]

    backdrop = Group()
    shades = shade_colours(len(bands))
    for k in reversed(range(len(bands))):
        if bands[k][0] < 100:  # a band that starts at 100 (10.7.2 "fully meets") is the rim itself
            backdrop.add(Polygon(ring(100.0), fillColor=shades[k], strokeColor=None, strokeWidth=0))
            if k:
                backdrop.add(Polygon(ring(bands[k][0]), fillColor=shades[k - 1], strokeColor=None, strokeWidth=0))
    cuts = [low for low, _ in bands if 0 < low < 100] or [25.0, 50.0, 75.0]
    for value in cuts:
        backdrop.add(Polygon(ring(value), fillColor=None, strokeColor=RULE, strokeWidth=0.4))
    backdrop.add(Polygon(ring(100.0), fillColor=None, strokeColor=RULE, strokeWidth=_RIM))
    for i in range(n):
        x, y = point(i, 100.0)
        if current[i] is None:
            backdrop.add(Line(cx, cy, x, y, strokeColor=_GAP, strokeWidth=0.8, strokeDashArray=[1.5, 2]))
        else:
            backdrop.add(Line(cx, cy, x, y, strokeColor=RULE, strokeWidth=0.4))
    drawing.add(backdrop, name="backdrop")

    obstacles: list[tuple[float, float, float, float]] = []  # boxes of everything a ring label must avoid
    segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
    series = [(previous, _PREVIOUS, "previous")] if previous is not None else []
    series.append((current, _CURRENT, "current"))
    for values, style, name in series:
        points = [point(i, v) if v is not None else None for i, v in enumerate(values)]
        group = Group()
        for run in _runs(points):
            flat = [c for p in run for c in p]
            closed = len(run) == n
            if style is _CURRENT and len(run) > 1:
                fill = flat if closed else [cx, cy, *flat]  # a broken run is filled as its wedge from the centre
                group.add(Polygon(fill, fillColor=_CURRENT_FILL, strokeColor=None, strokeWidth=0))
            if len(run) > 1:
                group.add(
                    PolyLine(
                        [*flat, *flat[:2]] if closed else flat,
                        strokeColor=style["stroke"],
                        strokeWidth=style["width"],
                        strokeDashArray=style.get("dash"),
                        strokeLineJoin=1,
                    )
                )
            segments += list(zip(run, run[1:] + (run[:1] if closed else []), strict=False))
        for p in points:
            if p is not None:
                group.add(_marker(style, *p))
                obstacles.append((p[0] - 3, p[1] - 3, p[0] + 3, p[1] + 3))
        drawing.add(group, name=f"{name}_series")

    if value_fmt is not None:
        values_group = Group()
        for i, value in enumerate(current):
            if value is None:
                continue
            text = value_fmt(value)
            x, y = _value_label_place((cx, cy), radius, _spoke_angle(i, n), value, text, segments, obstacles)
            box = _halo_text(values_group, x, y, text, INK)
            obstacles.append(box)
        drawing.add(values_group, name="value_labels")

    ring_texts = [(_number(low), low) for low in cuts]
    places = _ring_label_places(n, (cx, cy), radius, ring_texts, segments, obstacles)
    ring_labels = Group()
    for (text, _), (x, y) in zip(ring_texts, places, strict=True):
        _halo_text(ring_labels, x, y, text, MUTED)
    drawing.add(ring_labels, name="ring_labels")

    spoke_labels = Group()
    for box in label_boxes:
        for x, y, text, font, colour, anchor in box["lines"]:
            spoke_labels.add(_string(cx + x, cy + y, text, font, box["size"], colour, anchor))
    drawing.add(spoke_labels, name="spoke_labels")

    _draw_spider_legend(drawing, legend_rows, cy + bottom - 2, width)
    return drawing


def _spider_radius(labels: Sequence[str], width: float) -> float:
    label_width = min(max((stringWidth(t, CONDENSED, LABEL_SIZE) for t in labels), default=0), 104)
    return max(60.0, min(112.0, width / 2 - label_width - 14))


def _spoke_angle(i: int, n: int) -> float:
    return math.radians(90 - 360 * i / n)


def _spoke_label(i: int, n: int, radius: float, text: str, gap: bool, gap_label: str) -> dict[str, Any]:
    """Lines of a spoke's label, placed beyond the rim and relative to the centre, with the box they fill."""
    angle = _spoke_angle(i, n)
    cos, sin = math.cos(angle), math.sin(angle)
    lines = wrap_words(text, CONDENSED, LABEL_SIZE, 104)
    fonts = [CONDENSED] * len(lines)
    if gap and gap_label:
        lines.append(gap_label)
        fonts.append(SANS_ITALIC)
    colour = MUTED if gap else INK
    leading = LABEL_SIZE + 1.2
    block = leading * len(lines)
    ax, ay = (radius + 7) * cos, (radius + 7) * sin
    if abs(cos) < 0.2:  # top or bottom: centred above or below the spoke's end
        anchor = "middle"
        first = ay + 2 + block - LABEL_SIZE if sin > 0 else ay - LABEL_SIZE - 1
    else:
        anchor = "start" if cos > 0 else "end"
        first = ay + block / 2 - LABEL_SIZE + 1.5 + 6 * sin  # nudged away from the rim
    placed = []
    widths = []
    for k, (line, font) in enumerate(zip(lines, fonts, strict=True)):
        y = first - k * leading
        placed.append((ax, y, line, font, colour, anchor))
        widths.append(stringWidth(line, font, LABEL_SIZE))
    return {
        "lines": placed,
        "size": LABEL_SIZE,
        "top": first + LABEL_SIZE,
        "bottom": first - (len(lines) - 1) * leading - 2.5,
        "width": max(widths, default=0),
    }


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive scored points around the circle; a single run of all points when nothing is missing."""
    n = len(points)
    if all(p is not None for p in points):
        return [list(points)]  # type: ignore[arg-type]
    start = next((i for i in range(n) if points[i] is None), 0)
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    for k in range(1, n + 1):
        p = points[(start + k) % n]
        if p is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(p)
    if run:
        runs.append(run)
    return runs


def _ring_label_places(
    n: int,
    centre: tuple[float, float],
    radius: float,
    texts: Sequence[tuple[str, float]],
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    obstacles: Sequence[tuple[float, float, float, float]],
) -> list[tuple[float, float]]:
    """Where to centre each ring label: on the bisector of the sector (between spoke i and i+1) where
    they stay farthest from every line, point and value label.

    Each label may slide a few points off its ring along the bisector when a series runs along the
    ring itself. Ties (within half a point) go to the smaller slide and to the first sector clockwise
    from the top, so the same data always gives the same places.
    """
    best: list[tuple[float, float]] = []
    best_clearance = -math.inf
    for sector in range(n):
        if best_clearance >= _CLEAR:
            break  # clear enough: a later sector would not be taken
        angle = _spoke_angle(sector, n) - math.pi / n
        places: list[tuple[float, float]] = []
        clearance = math.inf
        for text, value in texts:
            place, place_clearance = (0.0, 0.0), -math.inf
            for slide in _RING_LABEL_SLIDES:
                if place_clearance >= _CLEAR:
                    break  # clear enough: a farther slide would not be taken
                r = radius * value / 100.0 + slide
                x, y = centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle)
                found = _box_clearance(_text_box(x, y, text), segments, obstacles)
                if found > place_clearance + 0.5:
                    place, place_clearance = (x, y), found
            places.append(place)
            clearance = min(clearance, place_clearance)
            if clearance <= best_clearance + 0.5:
                break  # this sector can no longer beat the best one
        if len(places) == len(texts) and clearance > best_clearance + 0.5 and best_clearance < _CLEAR:
            best, best_clearance = places, clearance
    return best


_RING_LABEL_SLIDES = (0.0, 5.0, -5.0, 9.0, -9.0)
_CLEAR = 4.0  # points between a label's halo and a series: enough, look no further
_CLEAR_OF_LINES = 1.5  # a value sits next to its own point, whose lines leave it sideways
_COVERS = 100.0  # the penalty of a label box over a marker or another label


def _value_label_place(
    centre: tuple[float, float],
    radius: float,
    angle: float,
    value: float,
    text: str,
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    obstacles: Sequence[tuple[float, float, float, float]],
) -> tuple[float, float]:
    """Where to centre a point's value: beyond the point, before it, beside it or diagonally off it,
    near or a little farther, the first of these that keeps clear of every line, marker and label
    already placed and inside the rim; else the clearest of them."""
    r = radius * min(max(value, 0.0), 100.0) / 100.0
    cos, sin = math.cos(angle), math.sin(angle)
    px, py = centre[0] + r * cos, centre[1] + r * sin
    half_w, half_h = stringWidth(text, SANS, SMALL_SIZE) / 2 + 1.5, 4.25

    def away(ux: float, uy: float, extra: float) -> tuple[float, float]:  # just clear of the point's marker
        norm = math.hypot(ux, uy)
        ux, uy = ux / norm, uy / norm
        d = abs(ux) * half_w + abs(uy) * half_h + 3.5 + extra
        return px + d * ux, py + d * uy

    directions = [(cos, sin), (-cos, -sin), (-sin, cos), (sin, -cos)]
    directions += [(cos - sin, sin + cos), (cos + sin, sin - cos), (-cos - sin, cos - sin), (sin - cos, -sin - cos)]
    candidates = [away(ux, uy, extra) for extra in (0.0, 7.0) for ux, uy in directions]
    others = [o for o in obstacles if not (o[0] <= px <= o[2] and o[1] <= py <= o[3])]  # not its own marker
    best, best_clearance = candidates[0], -math.inf
    for x, y in candidates:
        box = _text_box(x, y, text)
        corners = [(box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3])]
        outside = max(math.hypot(kx - centre[0], ky - centre[1]) for kx, ky in corners) - (radius + 2)
        clearance = _box_clearance(box, segments, others) - max(outside, 0.0) * 2
        if clearance >= _CLEAR_OF_LINES:
            return x, y
        if clearance > best_clearance + 0.5:
            best, best_clearance = (x, y), clearance
    return best


def _box_clearance(
    box: tuple[float, float, float, float],
    segments: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    obstacles: Sequence[tuple[float, float, float, float]],
) -> float:
    clearance = math.inf
    for a, b in segments:
        # The segment's own bounding box gives a lower bound: most segments are far and skip the exact test.
        dx = max(min(a[0], b[0]) - box[2], box[0] - max(a[0], b[0]), 0.0)
        dy = max(min(a[1], b[1]) - box[3], box[1] - max(a[1], b[1]), 0.0)
        if dx * dx + dy * dy < clearance * clearance:
            clearance = min(clearance, _segment_box_distance(a, b, box))
    for other in obstacles:
        dx = max(other[0] - box[2], box[0] - other[2])
        dy = max(other[1] - box[3], box[1] - other[3])
        # Covering a marker or a label ranks below any other place, even one outside the rim.
        distance = max(dx, dy) - _COVERS if dx < 0 and dy < 0 else math.hypot(max(dx, 0.0), max(dy, 0.0))
        clearance = min(clearance, distance)
    return clearance


def _segment_box_distance(
    a: tuple[float, float], b: tuple[float, float], box: tuple[float, float, float, float]
) -> float:
    """The exact distance between a segment and a box: 0 when they meet; otherwise the closest pair
    involves an end of the segment or a corner of the box (both shapes are convex)."""
    if _segment_meets_box(a, b, box):
        return 0.0
    ends = min(_point_box_distance(a[0], a[1], box), _point_box_distance(b[0], b[1], box))
    corners = ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3]))
    return min(ends, *(_point_segment_distance(c, a, b) for c in corners))


def _segment_meets_box(a: tuple[float, float], b: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    """Liang-Barsky clipping: whether any part of segment a-b lies inside the box."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _point_segment_distance(c: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else min(max(((c[0] - a[0]) * dx + (c[1] - a[1]) * dy) / length2, 0.0), 1.0)
    return math.hypot(c[0] - a[0] - t * dx, c[1] - a[1] - t * dy)


def _point_box_distance(x: float, y: float, box: tuple[float, float, float, float]) -> float:
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return math.hypot(dx, dy)


def _spider_legend_rows(
    legend: Sequence[str], has_previous: bool, bands: Sequence[Band], bands_title: str, width: float
) -> list[tuple[float, list[tuple[str, Any]]]]:
    rows: list[tuple[float, list[tuple[str, Any]]]] = []
    series = [_CURRENT, _PREVIOUS] if has_previous else [_CURRENT]
    for name, style in zip(legend, series, strict=False):
        rows.append((SMALL_SIZE + 6, [("series", (name, style))]))
    if bands:
        # A band that starts at 100 has no ring of its own: its swatch is the rim's line.
        fills = [None if low >= 100 else fill for (low, _), fill in zip(bands, shade_colours(len(bands)), strict=True)]
        rows += _band_rows(bands, fills, bands_title, width)
    return rows


def _band_rows(
    bands: Sequence[Band], fills: Sequence[colors.Color | None], title: str, width: float
) -> list[tuple[float, list[tuple[str, Any]]]]:
    """Band swatches laid out left to right, wrapped to the drawing's width."""
    items: list[tuple[str, Any]] = []
    if title:
        items.append(("title", title))
    items += [("band", (label, fill)) for (_, label), fill in zip(bands, fills, strict=True)]
    rows: list[tuple[float, list[tuple[str, Any]]]] = []
    row: list[tuple[str, Any]] = []
    used = 0.0
    for item in items:
        w = _legend_item_width(item)
        if row and used + w > width:
            rows.append((SMALL_SIZE + 6, row))
            row, used = [], 0.0
        row.append(item)
        used += w
    if row:
        rows.append((SMALL_SIZE + 6, row))
    return rows


def _legend_item_width(item: tuple[str, Any]) -> float:
    kind, data = item
    if kind == "title":
        return stringWidth(f"{data}:", SANS, SMALL_SIZE) + 8
    if kind == "band":
        return 14 + stringWidth(data[0], SANS, SMALL_SIZE) + 12
    if kind == "series":
        return 28 + stringWidth(data[0], SANS, SMALL_SIZE) + 12
    return 30 + stringWidth(data[0], SANS, SMALL_SIZE) + 12  # "previous bar"


def _draw_spider_legend(
    drawing: Drawing, rows: Sequence[tuple[float, list[tuple[str, Any]]]], top: float, width: float
) -> None:
    group = Group()
    y = top
    for row_height, items in rows:
        y -= row_height
        used = sum(_legend_item_width(item) for item in items) - 12
        x = max(0.0, (width - used) / 2)
        for item in items:
            _legend_item(group, x, y, item)
            x += _legend_item_width(item)
    drawing.add(group, name="legend")


def _legend_item(group: Group, x: float, y: float, item: tuple[str, Any]) -> None:
    kind, data = item
    if kind == "title":
        group.add(_string(x, y, f"{data}:", SANS, SMALL_SIZE, INK, "start"))
    elif kind == "band":
        label, fill = data
        if fill is None:
            group.add(Line(x, y + 2.75, x + 10, y + 2.75, strokeColor=RULE, strokeWidth=_RIM))
        else:
            group.add(Rect(x, y - 1, 10, 7.5, fillColor=fill, strokeColor=RULE, strokeWidth=0.5))
        group.add(_string(x + 14, y, label, SANS, SMALL_SIZE, INK, "start"))
    elif kind == "series":
        name, style = data
        group.add(
            Line(
                x,
                y + 2.5,
                x + 22,
                y + 2.5,
                strokeColor=style["stroke"],
                strokeWidth=style["width"],
                strokeDashArray=style.get("dash"),
            )
        )
        group.add(_marker(style, x + 11, y + 2.5))
        group.add(_string(x + 28, y, name, SANS, SMALL_SIZE, INK, "start"))
    else:  # the thin bar of the previous assessment
        name, _ = data
        group.add(Rect(x, y + 0.5, 24, _PREVIOUS_BAR, fillColor=WHITE, strokeColor=_PREVIOUS_STROKE, strokeWidth=0.8))
        group.add(_string(x + 30, y, name, SANS, SMALL_SIZE, INK, "start"))


def _marker(style: Mapping[str, Any], x: float, y: float) -> Any:
    return makeMarker(
        style["marker"],
        x=x,
        y=y,
        size=style["size"],
        fillColor=style["fill"],
        strokeColor=style["stroke"],
        strokeWidth=0.8,
    )


# --- bars -----------------------------------------------------------------------------------------

_MAIN_BAR = 11.0
_PREVIOUS_BAR = 4.5


def score_bars(
    labels: Sequence[str],
    current: Sequence[Score],
    previous: Sequence[Score] | None = None,
    *,
    legend: Sequence[str],
    fmt: Formatter,
    width: float,
    bands: Sequence[Band] = (),
    gap_label: str = "",
    bands_title: str = "",
) -> Drawing:
    """One horizontal bar per group on a fixed 0–100 axis, coloured by band, its value at its end.

    Cut-offs are dashed lines over lightly shaded band zones and the axis is numbered at them; the
    legend lists the bands (a single series needs no series legend). A group with no score prints
    `gap_label` (or a dash) in grey where its bar would be. With a previous assessment, a thin hollow
    bar under each row shows it, and the legend names both.
    """
    register_fonts()
    rows = len(labels)
    label_width = min(max((stringWidth(t, CONDENSED, LABEL_SIZE) for t in labels), default=0), width * 0.36)
    label_lines = [wrap_words(t, CONDENSED, LABEL_SIZE, label_width) for t in labels]
    per_row = max(20.0 if previous is None else 26.0, max((len(ls) for ls in label_lines), default=1) * 9.0 + 4)
    value_room = max(stringWidth(fmt(100.0), SANS, SMALL_SIZE), stringWidth(gap_label, SANS_ITALIC, SMALL_SIZE)) + 8
    x0 = label_width + 8
    plot_width = width - x0 - value_room
    fills = bar_colours(len(bands))
    legend_items: list[tuple[str, Any]] = []
    legend_rows: list[tuple[float, list[tuple[str, Any]]]] = []
    if bands:
        legend_rows += _band_rows(bands, fills, bands_title, width - x0)
    if previous is not None:
        legend_items = [("bar", (legend[0], None)), ("previous", (legend[1] if len(legend) > 1 else "", None))]
        legend_rows.append((SMALL_SIZE + 7, legend_items))
    legend_height = sum(h for h, _ in legend_rows)
    top_room = 4.0
    axis_room = 14.0
    plot_height = per_row * rows
    height = top_room + plot_height + axis_room + legend_height + 4
    drawing = _drawing(width, height)
    y_top = height - top_room
    y_bottom = y_top - plot_height

    def x_of(value: float) -> float:
        return x0 + plot_width * min(max(value, 0.0), 100.0) / 100.0

    backdrop = Group()
    shades = shade_colours(len(bands))
    for k, (low, _) in enumerate(bands):
        high = bands[k + 1][0] if k + 1 < len(bands) else 100.0
        if high > low:
            backdrop.add(
                Rect(x_of(low), y_bottom, x_of(high) - x_of(low), plot_height, fillColor=shades[k], strokeColor=None)
            )
    ticks = [low for low, _ in bands if 0 < low < 100]
    for value in ticks:
        backdrop.add(
            Line(x_of(value), y_bottom, x_of(value), y_top, strokeColor=RULE, strokeWidth=0.6, strokeDashArray=[2, 2])
        )
    backdrop.add(Line(x0, y_bottom, x0, y_top, strokeColor=RULE, strokeWidth=0.6))
    backdrop.add(Line(x0, y_bottom, x0 + plot_width, y_bottom, strokeColor=RULE, strokeWidth=0.6))
    axis_values = sorted({0.0, *ticks, 100.0}) if bands else [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    for value in axis_values:
        backdrop.add(Line(x_of(value), y_bottom, x_of(value), y_bottom - 2.5, strokeColor=RULE, strokeWidth=0.6))
        backdrop.add(_string(x_of(value), y_bottom - 10, _number(value), SANS, SMALL_SIZE, MUTED, "middle"))
    drawing.add(backdrop, name="backdrop")

    bars = Group()
    row_labels = Group()
    values_group = Group()
    for i, (lines, value) in enumerate(zip(label_lines, current, strict=True)):
        row_top = y_top - i * per_row
        has_previous = previous is not None
        main_y = row_top - (per_row - _MAIN_BAR - (_PREVIOUS_BAR + 1.5 if has_previous else 0)) / 2 - _MAIN_BAR
        centre = main_y + _MAIN_BAR / 2 - (_PREVIOUS_BAR + 1.5) / 2 * has_previous
        colour = INK if value is not None else MUTED
        leading = LABEL_SIZE + 1.5
        first = centre + (len(lines) - 1) * leading / 2 - LABEL_SIZE * 0.35
        for k, line in enumerate(lines):
            row_labels.add(_string(x0 - 6, first - k * leading, line, CONDENSED, LABEL_SIZE, colour, "end"))
        if value is None:
            text = gap_label or "–"
            values_group.add(_string(x0 + 4, main_y + 3, text, SANS_ITALIC, SMALL_SIZE, MUTED, "start"))
        else:
            fill = fills[band_index(value, bands)] if bands else PRIMARY
            bars.add(
                Rect(x0, main_y, x_of(value) - x0, _MAIN_BAR, fillColor=fill, strokeColor=PRIMARY, strokeWidth=0.5),
                name=f"bar_{i}",
            )
            values_group.add(_string(x_of(value) + 3, main_y + 3, fmt(value), SANS, SMALL_SIZE, INK, "start"))
        if previous is not None and previous[i] is not None:
            before = previous[i]
            y = main_y - 1.5 - _PREVIOUS_BAR
            bars.add(
                Rect(
                    x0,
                    y,
                    x_of(before) - x0,
                    _PREVIOUS_BAR,
                    fillColor=WHITE,
                    strokeColor=_PREVIOUS_STROKE,
                    strokeWidth=0.8,
                ),
                name=f"previous_bar_{i}",
            )
            values_group.add(_string(x_of(before) + 3, y - 1.5, fmt(before), SANS, SMALL_SIZE, MUTED, "start"))
    drawing.add(bars, name="bars")
    drawing.add(row_labels, name="row_labels")
    drawing.add(values_group, name="values")

    legend_group = Group()
    y = y_bottom - axis_room - 2
    for row_height, items in legend_rows:
        y -= row_height - 4
        x = x0
        for item in items:
            if item[0] == "bar":  # the current bar, in every band colour: its colour is its band
                name, _ = item[1]
                for k, fill in enumerate(fills or [PRIMARY]):
                    step = 24 / max(len(fills), 1)
                    legend_group.add(Rect(x + k * step, y - 1, step, 7.5, fillColor=fill, strokeColor=None))
                legend_group.add(Rect(x, y - 1, 24, 7.5, fillColor=None, strokeColor=PRIMARY, strokeWidth=0.5))
                legend_group.add(_string(x + 30, y, name, SANS, SMALL_SIZE, INK, "start"))
                x += 30 + stringWidth(name, SANS, SMALL_SIZE) + 12
            else:
                _legend_item(legend_group, x, y, item)
                x += _legend_item_width(item)
        y -= 4
    drawing.add(legend_group, name="legend")
    return drawing


# --- heat map -------------------------------------------------------------------------------------


def span_heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    width: float,
    legend_title: str = "",
) -> Drawing:
    """A counterpart × level grid; darker cells hold more partnerships and every count is printed.

    Counts fall into at most five classes (each count its own class up to 4, else four ranges up to
    the largest count), so the legend below the grid gives exactly the range of each shade.
    """
    register_fonts()
    row_label_room = 150.0
    cell_w = (width - row_label_room) / max(len(columns), 1)
    column_lines = [wrap_words(name, CONDENSED, LABEL_SIZE, cell_w - 4) for name in columns]
    row_lines = [wrap_words(name, CONDENSED, LABEL_SIZE, row_label_room - 8) for name in rows]
    cell_h = max(24.0, 9.0 * max((len(lines) for lines in row_lines), default=1) + 6)
    header_height = 9.0 * max((len(lines) for lines in column_lines), default=1) + 6
    peak = max((c for row in counts for c in row), default=0)
    classes = count_classes(peak)
    fills = heat_colours(len(classes))
    legend_height = 22.0
    height = header_height + cell_h * len(rows) + 4 + legend_height
    drawing = _drawing(width, height)
    top = height - header_height
    grid = Group()
    for j, lines in enumerate(column_lines):
        x = row_label_room + j * cell_w + cell_w / 2
        for k, line in enumerate(lines):
            y = top + 5 + (len(lines) - 1 - k) * 9
            grid.add(_string(x, y, line, CONDENSED, LABEL_SIZE, INK, "middle"))
    for i, lines in enumerate(row_lines):
        y = top - (i + 1) * cell_h
        for k, line in enumerate(lines):
            offset = cell_h / 2 - 2.5 + (len(lines) - 1) * 4.5 - k * 9
            grid.add(_string(0, y + offset, line, CONDENSED, LABEL_SIZE, INK, "start"))
        for j, count in enumerate(counts[i]):
            fill = fills[_count_class(count, classes)]
            x = row_label_room + j * cell_w
            grid.add(Rect(x, y, cell_w, cell_h, fillColor=fill, strokeColor=RULE, strokeWidth=0.4))
            text_colour = WHITE if greyscale(fill) < 0.5 else (INK if count else MUTED)
            grid.add(_string(x + cell_w / 2, y + cell_h / 2 - 3, str(count), SANS, 8.5, text_colour, "middle"))
    drawing.add(grid, name="grid")

    legend = Group()
    y = 4.0
    x = row_label_room
    if legend_title:
        legend.add(_string(x, y + 2, f"{legend_title}:", SANS, SMALL_SIZE, INK, "start"))
        x += stringWidth(f"{legend_title}:", SANS, SMALL_SIZE) + 8
    for (low, high), fill in zip(classes, fills, strict=True):
        text = str(low) if low == high else f"{low}–{high}"
        legend.add(Rect(x, y, 18, 11, fillColor=fill, strokeColor=RULE, strokeWidth=0.4))
        legend.add(_string(x + 22, y + 2, text, SANS, SMALL_SIZE, INK, "start"))
        x += 22 + stringWidth(text, SANS, SMALL_SIZE) + 12
    drawing.add(legend, name="legend")
    return drawing


def count_classes(peak: int) -> list[tuple[int, int]]:
    """Classes of counts for the heat map: 0 alone, then one class per count up to 4, else four ranges."""
    if peak <= 4:
        return [(c, c) for c in range(peak + 1)] if peak else [(0, 0), (1, 1)]
    edges = [0] + [math.ceil(peak * k / 4) for k in range(1, 5)]
    return [(0, 0)] + [(edges[k] + 1, edges[k + 1]) for k in range(4)]


def heat_colours(count: int) -> list[colors.Color]:
    """White for no partnership, then the palest tint to the report's navy."""
    steps = count - 1
    return [WHITE] + [_mix(_BAR_LOW, PRIMARY, k / (steps - 1)) if steps > 1 else PRIMARY for k in range(steps)]


def _count_class(count: int, classes: Sequence[tuple[int, int]]) -> int:
    return next((k for k, (low, high) in enumerate(classes) if low <= count <= high), len(classes) - 1)


# --- shared ---------------------------------------------------------------------------------------


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS  # ReportLab would open every drawing with Helvetica, not embedded
    return drawing


def _string(x: float, y: float, text: str, font: str, size: float, colour: colors.Color, anchor: str) -> String:
    return String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)


def _text_box(x: float, y: float, text: str) -> tuple[float, float, float, float]:
    """The box of a centred small number at (x, y), halo included."""
    half = stringWidth(text, SANS, SMALL_SIZE) / 2 + 1.5
    return (x - half, y - 4.0, x + half, y + 4.5)


def _halo_text(group: Group, x: float, y: float, text: str, colour: colors.Color) -> tuple[float, float, float, float]:
    """A small number centred on (x, y) over a white box, so a line under it never cuts it."""
    box = _text_box(x, y, text)
    group.add(
        Rect(
            box[0],
            box[1],
            box[2] - box[0],
            box[3] - box[1],
            rx=1.5,
            ry=1.5,
            fillColor=WHITE,
            strokeColor=None,
            strokeWidth=0,
        )
    )
    group.add(_string(x, y - 2.4, text, SANS, SMALL_SIZE, colour, "middle"))
    return box


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _mix(low: colors.Color, high: colors.Color, t: float) -> colors.Color:
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
