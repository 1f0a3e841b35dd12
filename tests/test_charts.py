"""The report's charts, built from plain data and read back as shapes and as rendered PDF text."""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, PolyLine, Rect, String

from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.reports import charts
from mipat.reports.chart_labels import MAX_GROUP_TITLE, chart_labels, chart_word, short_pack_title, short_title
from mipat.reports.charts import (
    band_index,
    bands_of_scheme,
    count_classes,
    greyscale,
    principles_spider,
    score_bars,
    span_heat_map,
)
from mipat.reports.pdf_styles import MUTED
from mipat.rules.packs import band_schemes, bundled_packs

WIDTH = 493.2
DEVELOPMENT = [(0.0, "Early stage"), (35.0, "Developing"), (60.0, "Developed"), (85.0, "Well developed")]
PRINCIPLES = [
    "people-centred",
    "international-cooperation",
    "national-sovereignty",
    "rule-of-law",
    "sustainable-development",
    "human-rights",
    "gender-responsive",
    "child-sensitive",
    "whole-of-government",
    "whole-of-society",
]
NOW = [25.0, 66.7, None, 81.3, 100.0, 40.0, 58.3, 90.0, 72.5, 35.0]
BEFORE = [20.0, 50.0, None, 80.0, 80.0, 45.0, 30.0, None, 60.0, 20.0]
LEGEND = ["This assessment (31 January 2026)", "Previous assessment (15 January 2024)"]


def fmt(value: float) -> str:
    return f"{value:.1f}"


def principle_labels(lang: Language = "en") -> list[str]:
    return [short_title("gcm-guiding-principles", g, g, lang) for g in PRINCIPLES]


def spider(current: Sequence[float | None] = NOW, previous: Sequence[float | None] | None = None) -> Drawing:
    return principles_spider(
        principle_labels(),
        current,
        previous,
        legend=LEGEND,
        width=WIDTH,
        bands=DEVELOPMENT,
        gap_label="not applicable",
        value_fmt=fmt,
        bands_title="Bands",
    )


def nodes(node: object) -> Iterator[object]:
    """Every shape of a drawing, groups opened."""
    if isinstance(node, Drawing | Group):
        for child in node.contents:
            yield from nodes(child)
    else:
        yield node


def strings(node: object) -> list[String]:
    return [n for n in nodes(node) if isinstance(n, String)]


def centre_of(drawing: Drawing) -> tuple[float, float]:
    spoke = next(n for n in nodes(drawing.backdrop) if isinstance(n, Line))
    return spoke.x1, spoke.y1


def polylines(group: Group) -> list[list[tuple[float, float]]]:
    return [list(zip(n.points[::2], n.points[1::2], strict=True)) for n in nodes(group) if isinstance(n, PolyLine)]


def vertices(group: Group) -> list[tuple[float, float]]:
    return [p for line in polylines(group) for p in line]


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def pdf_text(drawing: Drawing) -> str:
    data = renderPDF.drawToString(drawing)
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


# --- spider ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("previous", [None, BEFORE])
def test_not_applicable_principle_is_a_gap_in_the_line_not_a_dip_to_the_centre(previous: list | None) -> None:
    drawing = spider(NOW, previous)
    cx, cy = centre_of(drawing)
    gap_angle = math.radians(90 - 360 * 2 / 10)
    for name in ("current_series", "previous_series") if previous else ("current_series",):
        for x, y in vertices(getattr(drawing, name)):
            assert math.hypot(x - cx, y - cy) > 1, f"{name} has a vertex at the centre"
            if name == "current_series":
                angle = math.atan2(y - cy, x - cx)
                assert abs(math.remainder(angle - gap_angle, 2 * math.pi)) > 0.01, "a vertex on the gap's spoke"
    markers = [n for n in drawing.current_series.contents if not isinstance(n, PolyLine | Polygon)]
    assert len(markers) == sum(v is not None for v in NOW)


def test_not_applicable_spoke_is_dashed_grey_and_its_label_says_so() -> None:
    drawing = spider()
    spokes = [n for n in drawing.backdrop.contents if isinstance(n, Line)]
    assert len(spokes) == 10
    assert spokes[2].strokeDashArray and all(not s.strokeDashArray for i, s in enumerate(spokes) if i != 2)
    label = [s for s in strings(drawing.spoke_labels) if s.text in ("National sovereignty", "not applicable")]
    assert [s.text for s in label] == ["National sovereignty", "not applicable"]
    assert all(s.fillColor == MUTED for s in label)


def test_a_previous_gap_breaks_only_the_previous_line() -> None:
    drawing = spider(NOW, BEFORE)
    previous_lines = [n for n in nodes(drawing.previous_series) if isinstance(n, PolyLine)]
    current_lines = [n for n in nodes(drawing.current_series) if isinstance(n, PolyLine)]
    assert len(previous_lines) == 2  # BEFORE misses two principles that are not neighbours
    assert len(current_lines) == 1


def test_full_scores_close_the_polygon() -> None:
    drawing = spider([50.0] * 10)
    (line,) = [n for n in nodes(drawing.current_series) if isinstance(n, PolyLine)]
    assert line.points[:2] == line.points[-2:]
    assert len(line.points) == 22


@pytest.mark.parametrize(
    ("current", "previous"),
    [
        (NOW, None),
        (NOW, BEFORE),
        ([35.0, 60.0, 85.0, 35.0, 60.0, 85.0, 35.0, 60.0, 85.0, 35.0], None),  # points on the cut-offs
        ([80.0] * 10, [20.0] * 10),  # the auditor's case: "80" crossed by the line, "20" under a marker
        ([100.0, None, None, None, None, 0.0, 10.0, 50.0, 90.0, 100.0], [60.0] * 10),
    ],
)
def test_ring_labels_stay_clear_of_every_point_and_line(current: list, previous: list | None) -> None:
    drawing = spider(current, previous)
    boxes = [s.getBounds() for s in strings(drawing.ring_labels)]
    assert [s.text for s in strings(drawing.ring_labels)] == ["35", "60", "85"]
    for name in ("current_series", "previous_series") if previous else ("current_series",):
        lines = polylines(getattr(drawing, name))
        for box in boxes:
            for x, y in (p for line in lines for p in line):  # a marker is 4.5 pt wide
                assert not overlaps(box, (x - 2.5, y - 2.5, x + 2.5, y + 2.5)), (box, x, y)
            for (x1, y1), (x2, y2) in ((a, b) for line in lines for a, b in itertools.pairwise(line)):
                for k in range(51):
                    x, y = x1 + (x2 - x1) * k / 50, y1 + (y2 - y1) * k / 50
                    assert not overlaps(box, (x - 0.5, y - 0.5, x + 0.5, y + 0.5)), "a line crosses a ring label"


def test_band_rings_are_shaded_lighter_towards_the_centre() -> None:
    drawing = spider()
    fills = [n.fillColor for n in drawing.backdrop.contents if isinstance(n, Polygon) and n.fillColor]
    assert len({(c.red, c.green, c.blue) for c in fills}) == 4
    assert all(greyscale(c) > 0.85 for c in fills)  # tints, under the series


@pytest.mark.parametrize("previous", [None, BEFORE])
def test_value_labels_print_every_scored_principle_clear_of_every_marker(previous: list | None) -> None:
    drawing = spider(NOW, previous)
    labels = strings(drawing.value_labels)
    assert [s.text for s in labels] == [fmt(v) for v in NOW if v is not None]
    markers = vertices(drawing.current_series) + (vertices(drawing.previous_series) if previous else [])
    for label in labels:
        for x, y in markers:
            assert not overlaps(label.getBounds(), (x - 2.5, y - 2.5, x + 2.5, y + 2.5)), label.text


# --- bars -----------------------------------------------------------------------------------------


def bars(current: Sequence[float | None], previous: Sequence[float | None] | None = None, **kw: object) -> Drawing:
    labels = [short_title("sdg-17", t, t, "en") for t in ("17.9", "17.14", "17.16", "17.17", "17.18")]
    return score_bars(
        labels[: len(current)],
        current,
        previous,
        legend=LEGEND,
        fmt=fmt,
        width=WIDTH,
        bands=DEVELOPMENT,
        gap_label="not applicable",
        bands_title="Bands",
        **kw,
    )


def test_bar_colours_follow_the_band_and_stay_apart_in_greyscale() -> None:
    drawing = bars([10.0, 40.0, 70.0, 90.0])
    fills = [getattr(drawing.bars, f"bar_{i}").fillColor for i in range(4)]
    assert len({(c.red, c.green, c.blue) for c in fills}) == 4
    greys = [greyscale(c) for c in fills]
    assert greys == sorted(greys, reverse=True)  # darker is higher
    assert all(a - b >= 0.15 for a, b in itertools.pairwise(greys)), greys
    same_band = bars([36.0, 59.0])
    assert same_band.bars.bar_0.fillColor == same_band.bars.bar_1.fillColor


def test_not_applicable_row_has_no_bar_and_says_so() -> None:
    drawing = bars([50.0, None, 87.5], [40.0, 20.0, None])
    assert not hasattr(drawing.bars, "bar_1")
    assert hasattr(drawing.bars, "previous_bar_1")  # it was scored last time
    assert not hasattr(drawing.bars, "previous_bar_2")
    assert "not applicable" in [s.text for s in strings(drawing.values)]
    assert [s.text for s in strings(drawing.values)].count("87.5") == 1


def test_single_series_legend_lists_bands_not_the_series() -> None:
    texts = [s.text for s in strings(bars([50.0, 70.0]).legend)]
    assert texts == ["Bands:", *(label for _, label in DEVELOPMENT)]
    with_previous = [s.text for s in strings(bars([50.0, 70.0], [40.0, 60.0]).legend)]
    assert LEGEND[0] in with_previous and LEGEND[1] in with_previous


def test_bars_use_the_sdg_1072_scheme_when_given_it() -> None:
    scheme = bands_of_scheme(band_schemes()["sdg-10-7-2"].model_dump()["bands"], "fr")
    assert [low for low, _ in scheme] == [0, 40, 80, 100]
    assert band_index(100.0, scheme) == 3 and band_index(99.9, scheme) == 2 and band_index(0.0, scheme) == 0
    labels = [short_title("sdg-10-7-2-domain-3", f"PD3.{i}", "", "fr") for i in range(1, 6)]
    drawing = score_bars(labels, [100.0, 50.0, 0.0, None, 80.0], None, legend=[], fmt=fmt, width=WIDTH, bands=scheme)
    assert drawing.bars.bar_0.fillColor != drawing.bars.bar_4.fillColor  # "fully meets" is not "meets"


# --- heat map -------------------------------------------------------------------------------------


def heat_map(counts: list[list[int]]) -> Drawing:
    rows = ["International organisation", "State", "Civil society"][: len(counts)]
    columns = ["Bilateral", "Regional", "Global"]
    return span_heat_map(rows, columns, counts, width=WIDTH, legend_title="Partnerships in a cell")


def test_heat_map_legend_gives_the_range_of_every_shade() -> None:
    drawing = heat_map([[0, 1, 2], [5, 2, 0], [1, 0, 8]])
    texts = [s.text for s in strings(drawing.legend)]
    assert texts == ["Partnerships in a cell:", "0", "1–2", "3–4", "5–6", "7–8"]
    swatches = [n for n in drawing.legend.contents if isinstance(n, Rect)]
    cells = [n for n in drawing.grid.contents if isinstance(n, Rect)]
    assert {(c.fillColor.red, c.fillColor.green) for c in cells} <= {
        (s.fillColor.red, s.fillColor.green) for s in swatches
    }


def test_heat_map_counts_stay_readable_in_greyscale() -> None:
    drawing = heat_map([[0, 1, 2], [3, 4, 0]])
    grid = drawing.grid.contents
    for cell, text in ((n, grid[i + 1]) for i, n in enumerate(grid) if isinstance(n, Rect)):
        contrast = abs(greyscale(cell.fillColor) - greyscale(text.fillColor))
        assert contrast > 0.45, (text.text, contrast)


def test_small_counts_get_a_class_each() -> None:
    assert count_classes(0) == [(0, 0), (1, 1)]
    assert count_classes(3) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert count_classes(20) == [(0, 0), (1, 5), (6, 10), (11, 15), (16, 20)]


# --- every chart ----------------------------------------------------------------------------------


def every_chart() -> list[Drawing]:
    return [
        spider(),
        spider(NOW, BEFORE),
        bars([50.0, None, 87.5, 33.3, 62.5]),
        bars([50.0, None, 87.5, 100.0, 0.0], [40.0, 20.0, None, 90.0, 0.0]),
        heat_map([[0, 1, 2], [5, 2, 0], [1, 0, 8]]),
    ]


def test_no_chart_text_is_smaller_than_7_points_or_outside_its_drawing() -> None:
    for drawing in every_chart():
        for s in strings(drawing):
            assert s.fontSize >= 7, s.text
            x1, y1, x2, y2 = s.getBounds()
            assert x1 >= -0.5 and y1 >= -0.5 and x2 <= drawing.width + 0.5 and y2 <= drawing.height + 0.5, s.text


def test_no_two_labels_overlap() -> None:
    for drawing in every_chart():
        names = [
            n
            for n in ("spoke_labels", "ring_labels", "value_labels", "row_labels", "values", "legend")
            if hasattr(drawing, n)
        ]
        boxes = [(s.text, s.getBounds()) for n in names for s in strings(getattr(drawing, n))]
        for i, (text, box) in enumerate(boxes):
            for other, second in boxes[i + 1 :]:
                shrunk = (box[0] + 0.3, box[1] + 1.2, box[2] - 0.3, box[3] - 1.2)  # ascenders and descenders may touch
                assert not overlaps(shrunk, second), (text, other)


def test_same_data_gives_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rl_config, "invariant", 1)
    first = [renderPDF.drawToString(d) for d in every_chart()]
    assert first == [renderPDF.drawToString(d) for d in every_chart()]


@needs_pdftotext
@pytest.mark.parametrize("lang", LANGUAGES)
def test_rendered_charts_print_the_short_titles(lang: Language) -> None:
    spider_text = pdf_text(
        principles_spider(principle_labels(lang), NOW, None, legend=LEGEND[:1], width=WIDTH, bands=DEVELOPMENT)
    )
    for title in principle_labels(lang):
        assert title in spider_text
    actions = [short_title("gcm-objective-23", a, f"Action {a}", lang) for a in ("23a", "23b", "23c", "23d", "23e")]
    bar_text = pdf_text(score_bars(actions, [50.0, None, 87.5, 100.0, 12.5], None, legend=[], fmt=fmt, width=WIDTH))
    for title in actions:
        assert title in bar_text


# --- short titles ---------------------------------------------------------------------------------


def test_every_group_of_every_bundled_pack_has_a_short_title_in_every_language() -> None:
    labels = chart_labels()
    for loaded in bundled_packs():
        pack = loaded.pack
        groups = {rule.group for rule in pack.rules}
        assert pack.id in labels.packs, pack.id
        assert set(labels.packs[pack.id].groups) == groups, pack.id
        for group in groups:
            for lang in LANGUAGES:
                title = short_title(pack.id, group, "unused", lang)
                assert title != "unused" and title.strip() == title
        for lang in LANGUAGES:
            assert short_pack_title(pack.id, "unused", lang) != "unused"
    assert set(labels.packs) == {loaded.pack.id for loaded in bundled_packs()}


def test_short_titles_use_un_terminology_in_french_and_spanish() -> None:
    assert short_pack_title("gcm-guiding-principles", "", "fr") == "Principes directeurs du PMM"
    assert short_pack_title("sdg-17", "", "fr") == "Cibles de l'ODD 17"
    assert short_pack_title("sdg-17", "", "es") == "Metas del ODS 17"
    assert "PMM" in short_pack_title("gcm-objective-23", "", "es")
    assert chart_word("heat_legend", "fr") == "Partenariats par case"


def test_custom_pack_group_falls_back_to_its_long_title_cut_at_a_word() -> None:
    long = "Prise en compte de la problématique femmes-hommes dans tous les partenariats"
    title = short_title("my-pack", "g1", long, "fr")
    assert title.endswith("…") and len(title) <= MAX_GROUP_TITLE
    assert long.startswith(title[:-1]) and long[len(title) - 1] == " "
    assert short_title("my-pack", "g1", "Short enough", "en") == "Short enough"
    assert short_title("gcm-objective-23", "23z", "Action 23z", "en") == "Action 23z"


@given(
    st.tuples(*[st.floats(-50, 50, allow_nan=False)] * 4),
    st.tuples(st.floats(-40, 40), st.floats(-40, 40), st.floats(0, 30), st.floats(0, 20)),
)
def test_label_clearance_is_the_exact_distance_between_a_line_and_a_label(
    line: tuple[float, float, float, float], rect: tuple[float, float, float, float]
) -> None:
    """Labels are kept clear of the series by this distance; dense sampling of the line bounds it."""
    ax, ay, bx, by = line
    x, y, w, h = rect
    box = (x, y, x + w, y + h)
    exact = charts._segment_box_distance((ax, ay), (bx, by), box)
    samples = [charts._point_box_distance(ax + (bx - ax) * k / 400, ay + (by - ay) * k / 400, box) for k in range(401)]
    step = math.hypot(bx - ax, by - ay) / 400
    assert exact <= min(samples) + 1e-9
    assert min(samples) - exact <= step / 2 + 1e-9
