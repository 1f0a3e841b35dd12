"""The portfolio PDF of a batch: how a set of scored responses compares, in English, French or Spanish.

Built from the batch's summary rows and layout alone (the layout carries each rule's recommendation
text); no score is recomputed and the rules layer is not imported. Contents, in order: a title block (responses scored,
inputs that failed, date), the distribution of overall bands, a heat map of the GCM guiding
principles and pack indices per response, a comparison table of the responses and the most common gaps.

Decisions that keep the report readable and its build time flat in the number of responses:

* Heat map. Up to `HEAT_MAP_MAX_RESPONSES` (200) responses, one column per response, in the order of
  the comparison table (highest overall index first), `HEAT_MAP_COLUMNS` (20) columns to a strip and
  two strips to a page, so a page never holds more than 40 responses; the column heads are the
  response ids, turned a quarter. Scores are printed rounded to whole numbers (the table and
  summary.csv give one decimal). Above 200 responses one column per response cannot be read on any
  number of pages, so each row shows the distribution of its scores instead: minimum, quartiles,
  median and maximum (linear interpolation between order statistics, numpy's default), and how many
  responses were scored on it.
* Comparison table: the first `MAX_TABLE_ROWS` (500) responses by overall index, with a sentence on
  how many more summary.csv holds. Pack indices are narrow numbered columns (P1, P2, …) explained by a
  key, since pack titles are too long for a column head on a portrait page.
* Common gaps: each row carries its `GAPS_PER_RESPONSE` rules with the largest gain; the table counts
  in how many responses a rule is among them, top `TOP_GAPS` (15).

User text (ids, authority names, countries, periods) is printed exactly as written: it goes into
`literal` paragraphs or plain table and drawing strings, never through ReportLab's markup parser.
The same rows, layout, language and `generated` date always give the same bytes (rows are sorted by
their own values, and the PDF carries the given date in ReportLab's invariant mode).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table

from mipat.assessment.provenance import Clock, tool_version
from mipat.assessment.summary_layout import SummaryLayout
from mipat.assessment.summary_rows import GAPS_PER_RESPONSE, SummaryRow
from mipat.questionnaires.i18n import Language
from mipat.reports.charts import wrap_words
from mipat.reports.pdf_document import Chrome, Heading, Metadata, build_pdf, fit_text, literal
from mipat.reports.pdf_styles import (
    CONDENSED,
    CONDENSED_BOLD,
    INK,
    MUTED,
    PAGE_MARGIN,
    PLAIN_TABLE,
    PRIMARY,
    RULE,
    SANS,
    TINT,
    WHITE,
    grid_table_style,
    key_value_table_style,
    styles,
)
from mipat.reports.strings import word

PRINCIPLES_PACK = "gcm-guiding-principles"
MAX_TABLE_ROWS = 500
HEAT_MAP_MAX_RESPONSES = 200
HEAT_MAP_COLUMNS = 20  # responses in one strip of the heat map
HEAT_MAP_STRIPS_PER_PAGE = 2  # so at most 40 responses on a page
TOP_GAPS = 15
FRAME_WIDTH = 595.2756 - 2 * PAGE_MARGIN  # A4 width less the margins
LEVEL_CODES = ("national", "federal", "regional", "local")

NOT_SCORED_FILL = colors.HexColor("#D4D4D4")
NOT_SCORED_HATCH = colors.HexColor("#9A9A9A")


def render_portfolio_pdf(
    rows: list[SummaryRow],
    layout: SummaryLayout,
    lang: Language,
    *,
    failures: int = 0,
    generated: dt.datetime | None = None,
) -> bytes:
    """The portfolio report as PDF bytes; the same rows and `generated` date always give the same bytes.

    `failures` is the number of inputs of the batch that could not be scored (listed in errors.csv).
    Without `generated`, the date is SOURCE_DATE_EPOCH or the current time, as for an assessment.
    """
    moment = generated if generated is not None else Clock.fixed_or_now().moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    report = _Portfolio(rows, layout, lang, failures=failures, generated=moment)
    return build_pdf(report.story(), report.chrome(), report.metadata())


@dataclass(frozen=True)
class _Styles:
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_muted: ParagraphStyle
    head: ParagraphStyle
    head_right: ParagraphStyle


@cache
def _styles() -> _Styles:
    """The comparison table's cells: a point smaller than the auditor report's, for eleven columns."""
    st = styles()
    cell = ParagraphStyle("portfolio-cell", parent=st.cell, fontSize=7, leading=8.5)
    head = ParagraphStyle("portfolio-head", parent=st.cell_head, fontSize=7, leading=8.5)
    return _Styles(
        cell=cell,
        cell_bold=ParagraphStyle("portfolio-cell_bold", parent=cell, fontName=CONDENSED_BOLD),
        cell_muted=ParagraphStyle("portfolio-cell_muted", parent=st.cell, fontSize=6.5, leading=8, textColor=MUTED),
        head=head,
        head_right=ParagraphStyle("portfolio-head_right", parent=head, alignment=TA_RIGHT),
    )


def _sort_key(row: SummaryRow) -> tuple[bool, float, str, str]:
    """Highest overall index first, responses with none last; ties by id, then file (both unique in a batch)."""
    return (row.overall_index is None, -(row.overall_index or 0.0), row.id, row.file)


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile of sorted `values` by linear interpolation between order statistics (numpy's default)."""
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def short_title(title: str) -> str:
    """A pack's title up to its colon ("SDG 17: partnerships for…" → "SDG 17"), or all of it."""
    head = title.split(":", 1)[0].strip()
    return head or title


class _Portfolio:
    def __init__(
        self, rows: list[SummaryRow], layout: SummaryLayout, lang: Language, *, failures: int, generated: dt.datetime
    ) -> None:
        self.rows = sorted(rows, key=_sort_key)
        self.layout = layout
        self.lang = lang
        self.failures = failures
        self.generated = generated
        self.date = generated.astimezone(dt.UTC).date().isoformat()
        self.st = styles()
        self.pst = _styles()
        self.version = tool_version()
        self._keys = 0

    # --- words and numbers ------------------------------------------------------------------------

    def w(self, key: str, **values: object) -> str:
        return word(key, self.lang, **values)

    def num(self, value: float | None, digits: int = 1, *, missing: str = "–") -> str:
        if value is None:
            return missing
        return f"{value:.{digits}f}".replace(".", self.w("pdf_decimal"))

    def share(self, count: int, total: int) -> str:
        return self.num(100.0 * count / total if total else 0.0)

    def band(self, code: int | None) -> str:
        if code is None:
            return self.w("not_scored")
        scheme = self.layout.schemes.get(self.layout.overall_scheme)
        known = scheme is not None and any(b.code == code for b in scheme.bands)
        if not known:
            return str(code)
        return f"{code} · {self.layout.band_label(self.layout.overall_scheme, code, self.lang)}"

    def level(self, code: str | None) -> str:
        if code is None:
            return self.w("pdf_not_stated")
        return self.w(f"portfolio_level_{code}") if code in LEVEL_CODES else code

    def key(self) -> str:
        self._keys += 1
        return f"p{self._keys}"

    def heading(self, title: str, level: int = 0) -> Heading:
        return Heading(title, self.st.h1 if level == 0 else self.st.h3, level, self.key())

    def pack_key(self, number: int) -> str:
        return self.w("portfolio_pack_key", n=number)

    # --- document ---------------------------------------------------------------------------------

    def metadata(self) -> Metadata:
        return Metadata(
            title=self.w("portfolio_title"),
            author=f"mipat {self.version}",
            subject=self.w("portfolio_subtitle"),
            keywords=self.w("pdf_keywords"),
            creator=f"mipat {self.version}",
            lang=self.lang,
            created=self.generated,
        )

    def chrome(self) -> Chrome:
        responses = self.w("pdf_labelled", label=self.w("portfolio_responses"), text=len(self.rows))
        return Chrome(
            header_left=self.w("portfolio_title"),
            header_right=self.w("portfolio_generated_on", date=self.date),
            footer_left=f"mipat {self.version} · {responses}",
            draft_marker=None,
            page_label=lambda page, pages: word("pdf_page_of", self.lang, page=page, pages=pages),
        )

    def story(self) -> list[Flowable]:
        story = self.title_block()
        if not self.rows:
            story.append(literal(self.w("portfolio_no_rows"), self.st.strong))
            return story
        story += self.bands()
        story += self.heat_map()
        story += self.comparison()
        story += self.gaps()
        return story

    # --- title block ------------------------------------------------------------------------------

    def title_block(self) -> list[Flowable]:
        st = self.st
        title = Heading(self.w("portfolio_title"), st.cover_title, 0, self.key())
        out: list[Flowable] = [
            Spacer(1, 6),
            title,
            literal(self.w("portfolio_subtitle"), st.cover_subtitle),
        ]
        packs = "\n".join(f"{pack_title.get(self.lang)} ({pid})" for pid, pack_title, _ in self.layout.packs)
        facts = [
            (self.w("portfolio_responses"), str(len(self.rows))),
            (self.w("portfolio_failures"), str(self.failures)),
            (self.w("portfolio_date"), self.date),
            (self.w("pdf_rule_packs"), packs or "–"),
        ]
        rows = [[literal(label, st.cell_bold), literal(value, st.cell)] for label, value in facts]
        out.append(Table(rows, colWidths=[150, FRAME_WIDTH - 150], style=key_value_table_style(), hAlign="LEFT"))
        out.append(Spacer(1, 8))
        if self.failures:
            out.append(literal(self.w("portfolio_failures_note", failures=self.failures), st.body))
        if self.rows:
            out.append(literal(self.w("portfolio_note"), st.note))
        return out

    # --- 1. distribution of overall bands ---------------------------------------------------------

    def bands(self) -> list[Flowable]:
        total = len(self.rows)
        counts = Counter(row.overall_band for row in self.rows)
        scheme = self.layout.schemes.get(self.layout.overall_scheme)
        codes = [b.code for b in scheme.bands] if scheme is not None else []
        codes += sorted(code for code in counts if code is not None and code not in codes)
        bars = [(self.band(code), counts.get(code, 0), False) for code in codes]
        bars.append((self.w("not_scored"), counts.get(None, 0), True))
        labelled = [
            (label, n, self.w("portfolio_count_share", count=n, share=self.share(n, total)), grey)
            for label, n, grey in bars
        ]
        return [
            self.heading(self.w("portfolio_sec_bands")),
            literal(self.w("portfolio_bands_intro", scheme=self.layout.overall_scheme, total=total), self.st.body),
            Spacer(1, 4),
            band_bars(labelled, width=FRAME_WIDTH),
        ]

    # --- 2. heat map ------------------------------------------------------------------------------

    def heat_rows(self) -> tuple[list[str], list[Callable[[SummaryRow], float | None]], int]:
        """Row labels and how to read each row's score from a summary row; and how many rows are groups."""
        labels: list[str] = []
        readers: list[Callable[[SummaryRow], float | None]] = []
        groups = [g for g in self.layout.groups if g.pack == PRINCIPLES_PACK]
        for group in groups:
            labels.append(group.title.get(self.lang))
            readers.append(_group_reader(group.pack, group.group))
        for pid, title, _ in self.layout.packs:
            labels.append(self.w("portfolio_pack_index", pack=short_title(title.get(self.lang))))
            readers.append(_pack_reader(pid))
        labels.append(self.w("overall_index"))
        readers.append(lambda row: row.overall_index)
        return labels, readers, len(groups)

    def heat_map(self) -> list[Flowable]:
        labels, readers, group_rows = self.heat_rows()
        separators = sorted({group_rows, len(labels) - 1} - {0})
        out: list[Flowable] = [PageBreak(), self.heading(self.w("portfolio_sec_heat_map"))]
        legend = score_legend(self.w("portfolio_legend_score"), self.w("not_scored"), width=FRAME_WIDTH)
        if len(self.rows) > HEAT_MAP_MAX_RESPONSES:
            out.append(literal(self.w("portfolio_quantiles_intro", count=len(self.rows)), self.st.body))
            heads = [self.w(k) for k in ("portfolio_min", "portfolio_q1", "portfolio_median", "portfolio_q3")]
            heads += [self.w("portfolio_max"), self.w("portfolio_responses")]
            values: list[list[float | None]] = []
            for read in readers:
                scores = sorted(s for s in (read(row) for row in self.rows) if s is not None)
                cells: list[float | None] = [quantile(scores, q) if scores else None for q in (0, 0.25, 0.5, 0.75, 1)]
                values.append([*cells, float(len(scores))])
            grid = score_grid(
                labels,
                heads,
                values,
                width=FRAME_WIDTH,
                fmt=self.num,
                separators=separators,
                rotate_heads=False,
                plain_columns={5},
                plain_fmt=lambda v: self.num(v, 0),
            )
            out += [Spacer(1, 4), grid, Spacer(1, 6), legend]
            return out
        out.append(
            literal(
                self.w("portfolio_heat_map_intro", per_page=HEAT_MAP_COLUMNS * HEAT_MAP_STRIPS_PER_PAGE),
                self.st.body,
            )
        )
        strips = [self.rows[i : i + HEAT_MAP_COLUMNS] for i in range(0, len(self.rows), HEAT_MAP_COLUMNS)]
        for start in range(0, len(strips), HEAT_MAP_STRIPS_PER_PAGE):
            page: list[Flowable] = []
            if start:
                page.append(PageBreak())
            for strip in strips[start : start + HEAT_MAP_STRIPS_PER_PAGE]:
                values = [[read(row) for row in strip] for read in readers]
                page.append(Spacer(1, 6))
                page.append(
                    score_grid(
                        labels,
                        [row.id for row in strip],
                        values,
                        width=FRAME_WIDTH,
                        fmt=_whole,
                        separators=separators,
                        rotate_heads=True,
                        columns=HEAT_MAP_COLUMNS,
                    )
                )
            page += [Spacer(1, 8), legend]
            out += page
        return out

    # --- 3. comparison table ----------------------------------------------------------------------

    def comparison(self) -> list[Flowable]:
        pst = self.pst
        packs = self.layout.packs
        out: list[Flowable] = [PageBreak(), self.heading(self.w("portfolio_sec_table"))]
        out.append(literal(self.w("portfolio_table_intro"), self.st.body))
        shown = self.rows[:MAX_TABLE_ROWS]
        more = len(self.rows) - len(shown)
        if more:
            out.append(literal(self.w("portfolio_table_capped", shown=len(shown), more=more), self.st.note))
        key_rows = [
            [literal(self.pack_key(n), self.st.cell_bold), literal(title.get(self.lang), self.st.cell)]
            for n, (_, title, _) in enumerate(packs, start=1)
        ]
        key_rows.append([literal("–", self.st.cell_bold), literal(self.w("not_scored"), self.st.cell)])
        out.append(Table(key_rows, colWidths=[24, FRAME_WIDTH - 24], style=_key_style(), hAlign="LEFT"))
        out.append(Spacer(1, 6))

        # Level, period and the indices get what "Regional", "2022–2025" and "100,0" need; the columns of
        # free text share the rest.
        pack_width, level_width, period_width, index_width = 26.0, 40.0, 42.0, 32.0
        flexible = [72.0, 90.0, 60.0, 53.0]  # id, authority, country, band
        room = FRAME_WIDTH - pack_width * len(packs) - level_width - period_width - index_width
        id_w, authority_w, country_w, band_w = (w * max(room, 160.0) / sum(flexible) for w in flexible)
        widths = [id_w, authority_w, level_width, country_w, period_width, index_width, band_w]
        widths += [pack_width] * len(packs)
        heads = [
            literal(self.w("portfolio_response"), pst.head),
            literal(self.w("portfolio_authority"), pst.head),
            literal(self.w("portfolio_level"), pst.head),
            literal(self.w("pdf_country"), pst.head),
            literal(self.w("portfolio_period"), pst.head),
            literal(self.w("overall_index"), pst.head_right),
            literal(self.w("pdf_band"), pst.head),
        ]
        heads += [literal(self.pack_key(n), pst.head_right) for n in range(1, len(packs) + 1)]
        table_rows: list[list] = [heads]
        not_stated = self.w("pdf_not_stated")
        for row in shown:
            cells: list = [
                literal(row.id, pst.cell_bold),
                literal(row.authority or not_stated, pst.cell),
                literal(self.level(row.level), pst.cell),
                literal(row.country or not_stated, pst.cell),
                literal(row.period or not_stated, pst.cell),
                self.num(row.overall_index),
                literal(self.band(row.overall_band), pst.cell),
            ]
            cells += [self.num(row.pack_indices.get(pid)) for pid, _, _ in packs]
            table_rows.append(cells)
        style = grid_table_style(rows=len(table_rows))
        style.add("FONTSIZE", (0, 0), (-1, -1), 7)
        style.add("ALIGN", (5, 1), (5, -1), "RIGHT")
        style.add("ALIGN", (7, 1), (-1, -1), "RIGHT")
        style.add("FONTNAME", (5, 1), (5, -1), CONDENSED_BOLD)
        style.add("LEFTPADDING", (0, 0), (-1, -1), 2.5)
        style.add("RIGHTPADDING", (0, 0), (-1, -1), 2.5)
        table = Table(table_rows, colWidths=widths, repeatRows=1, style=style, hAlign="LEFT", spaceBefore=2)
        out.append(table)
        return out

    # --- 4. most common gaps ----------------------------------------------------------------------

    def gaps(self) -> list[Flowable]:
        st, total = self.st, len(self.rows)
        out: list[Flowable] = [
            CondPageBreak(200),
            Spacer(1, 10),
            self.heading(self.w("portfolio_sec_gaps")),
            literal(self.w("portfolio_gaps_intro", per_response=GAPS_PER_RESPONSE, total=total), st.body),
        ]
        counts = Counter(rule_id for row in self.rows for rule_id in set(row.gaps))
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_GAPS]
        if not top:
            out.append(literal(self.w("portfolio_no_gaps"), st.body))
            return out
        rules = self.layout.rules
        groups = {(g.pack, g.group): g for g in self.layout.groups}
        heads = ["rule", "recommendation", "portfolio_responses_count", "portfolio_share"]
        rows: list[list] = [[literal(self.w(key), st.cell_head) for key in heads]]
        for rule_id, count in top:
            known = rules.get(rule_id)
            first: list[Flowable] = [literal(rule_id, st.cell_bold)]
            text = ""
            if known is not None:
                group = groups.get((known.pack, known.group))
                if group is not None:
                    where = f"{short_title(group.pack_title.get(self.lang))} · {group.title.get(self.lang)}"
                    first.append(literal(where, self.pst.cell_muted))
                text = known.recommendation.get(self.lang)
            rows.append(
                [
                    first,
                    literal(text, st.cell),
                    literal(str(count), st.cell_right),
                    literal(self.w("portfolio_percent", share=self.share(count, total)), st.cell_right),
                ]
            )
        table = Table(
            rows,
            colWidths=[112, FRAME_WIDTH - 112 - 52 - 46, 52, 46],
            repeatRows=1,
            style=grid_table_style(rows=len(rows)),
            hAlign="LEFT",
            spaceBefore=2,
        )
        out.append(table)
        return out


def _group_reader(pack: str, group: str) -> Callable[[SummaryRow], float | None]:
    def read(row: SummaryRow) -> float | None:
        return next((cell.score for cell in row.groups if cell.pack == pack and cell.group == group), None)

    return read


def _pack_reader(pack: str) -> Callable[[SummaryRow], float | None]:
    return lambda row: row.pack_indices.get(pack)


def _key_style() -> list[tuple]:
    return [
        *PLAIN_TABLE,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]


def _whole(value: float) -> str:
    return str(math.floor(value + 0.5))


# --- drawings -------------------------------------------------------------------------------------


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS  # ReportLab would open every drawing with Helvetica, not embedded
    return drawing


def score_colour(score: float) -> colors.Color:
    """From the palest tint (0) to the darkest blue (100): lightness alone carries the score."""
    t = 0.04 + 0.96 * max(0.0, min(score, 100.0)) / 100.0
    low, high = TINT, PRIMARY
    return colors.Color(
        low.red + (high.red - low.red) * t,
        low.green + (high.green - low.green) * t,
        low.blue + (high.blue - low.blue) * t,
    )


def _text_on(score: float) -> colors.Color:
    return WHITE if score > 45 else INK


def _not_scored_cell(group: Group, x: float, y: float, w: float, h: float) -> None:
    """A grey cell crossed by hatching, so it differs from a low score in greyscale print too."""
    group.add(Rect(x, y, w, h, fillColor=NOT_SCORED_FILL, strokeColor=None))
    step = 4.0
    start = -h
    while start < w:
        x0, y0 = x + max(start, 0.0), y + max(-start, 0.0)
        x1, y1 = x + min(start + h, w), y + min(h, w - start)
        group.add(Line(x0, y0, x1, y1, strokeColor=NOT_SCORED_HATCH, strokeWidth=0.3))
        start += step


def band_bars(bars: Sequence[tuple[str, int, str, bool]], *, width: float) -> Drawing:
    """One horizontal bar per band: label on the left, bar length ∝ count, count and share at its end."""
    label_room, value_room, row_h, bar_h = 175.0, 80.0, 20.0, 11.0
    height = row_h * len(bars) + 6
    drawing = _drawing(width, height)
    peak = max((n for _, n, _, _ in bars), default=0) or 1
    room = width - label_room - value_room
    drawing.add(Line(label_room, 2, label_room, height - 2, strokeColor=RULE, strokeWidth=0.6))
    for i, (label, count, text, grey) in enumerate(bars):
        y = height - (i + 1) * row_h
        base = y + (row_h - bar_h) / 2
        lines = wrap_words(label, CONDENSED, 8, label_room - 10)[:2]
        for k, line in enumerate(lines):
            offset = row_h / 2 - 3 + (len(lines) - 1) * 4.5 - k * 9
            drawing.add(
                String(
                    label_room - 6, y + offset, line, fontName=CONDENSED, fontSize=8, fillColor=INK, textAnchor="end"
                )
            )
        length = room * count / peak
        if count:
            if grey:
                cell = Group()
                _not_scored_cell(cell, label_room, base, length, bar_h)
                drawing.add(cell)
            else:
                drawing.add(Rect(label_room, base, length, bar_h, fillColor=PRIMARY, strokeColor=None))
        drawing.add(String(label_room + length + 5, base + 2.5, text, fontName=SANS, fontSize=8, fillColor=INK))
    return drawing


def score_grid(
    row_labels: Sequence[str],
    heads: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    width: float,
    fmt: Callable[[float], str],
    separators: Sequence[int] = (),
    rotate_heads: bool,
    columns: int | None = None,
    plain_columns: set[int] | frozenset[int] = frozenset(),
    plain_fmt: Callable[[float], str] | None = None,
) -> Drawing:
    """Rows × columns of scores: each cell shaded by its score with the score printed; hatched grey if none.

    `columns` fixes the cell width (a short last strip keeps the width of the full ones). Column heads are
    turned a quarter (read upwards) with `rotate_heads`, otherwise wrapped under each other. Rows listed in
    `separators` get a heavier rule above them; `plain_columns` hold counts, printed on white.
    """
    label_room = 165.0
    count = columns or max(len(heads), 1)
    cell_w = (width - label_room) / count
    size = 6.5 if rotate_heads else 7.5
    row_lines = [wrap_words(label, CONDENSED, 7, label_room - 8)[:2] for label in row_labels]
    cell_h = 14.0
    if rotate_heads:
        head_h = 64.0
        head_lines = [[fit_text(text, CONDENSED, size, head_h - 6)] for text in heads]
    else:
        head_lines = [wrap_words(text, CONDENSED, size, cell_w - 4)[:3] for text in heads]
        head_h = 9.0 * max((len(lines) for lines in head_lines), default=1) + 6
    height = head_h + cell_h * len(row_labels) + 2
    drawing = _drawing(width, height)
    top = height - head_h
    for j, lines in enumerate(head_lines):
        cx = label_room + j * cell_w + cell_w / 2
        if rotate_heads:
            turned = Group(
                String(0, 0, lines[0], fontName=CONDENSED, fontSize=size, fillColor=INK),
                transform=(0, 1, -1, 0, cx + size * 0.35, top + 4),
            )
            drawing.add(turned)
            continue
        for k, line in enumerate(lines):
            y = top + 5 + (len(lines) - 1 - k) * 9
            drawing.add(String(cx, y, line, fontName=CONDENSED_BOLD, fontSize=size, fillColor=INK, textAnchor="middle"))
    cells = Group()
    for i, lines in enumerate(row_lines):
        y = top - (i + 1) * cell_h
        bold = i == len(row_labels) - 1
        font = CONDENSED_BOLD if bold else CONDENSED
        for k, line in enumerate(lines):
            offset = cell_h / 2 - 2.5 + (len(lines) - 1) * 3.7 - k * 7.4
            drawing.add(
                String(0, y + offset, line, fontName=font, fontSize=7 if len(lines) == 1 else 6.5, fillColor=INK)
            )
        for j, value in enumerate(values[i]):
            x = label_room + j * cell_w
            text_y = y + cell_h / 2 - 2.2
            if j in plain_columns:
                cells.add(Rect(x, y, cell_w, cell_h, fillColor=WHITE, strokeColor=None))
                text = (plain_fmt or fmt)(value) if value is not None else "–"
                cells.add(
                    String(
                        x + cell_w / 2, text_y, text, fontName=SANS, fontSize=6.5, fillColor=INK, textAnchor="middle"
                    )
                )
            elif value is None:
                _not_scored_cell(cells, x, y, cell_w, cell_h)
                cells.add(
                    String(x + cell_w / 2, text_y, "–", fontName=SANS, fontSize=6.5, fillColor=INK, textAnchor="middle")
                )
            else:
                cells.add(Rect(x, y, cell_w, cell_h, fillColor=score_colour(value), strokeColor=None))
                cells.add(
                    String(
                        x + cell_w / 2,
                        text_y,
                        fmt(value),
                        fontName=SANS,
                        fontSize=6.5,
                        fillColor=_text_on(value),
                        textAnchor="middle",
                    )
                )
    drawing.add(cells)
    used = len(values[0]) if values else 0
    right = label_room + used * cell_w
    bottom = top - cell_h * len(row_labels)
    grid = Group()
    for i in range(len(row_labels) + 1):
        y = top - i * cell_h
        heavy = i in separators
        grid.add(
            Line(
                0 if heavy else label_room,
                y,
                right,
                y,
                strokeColor=PRIMARY if heavy else WHITE,
                strokeWidth=0.9 if heavy else 0.6,
            )
        )
    for j in range(used + 1):
        x = label_room + j * cell_w
        grid.add(Line(x, top, x, bottom, strokeColor=WHITE, strokeWidth=0.6))
    grid.add(Line(label_room, top, label_room, bottom, strokeColor=RULE, strokeWidth=0.6))
    drawing.add(grid)
    return drawing


def score_legend(label: str, not_scored: str, *, width: float) -> Drawing:
    """Swatches 0, 20, … 100 in the heat map's shades, then the hatched grey of "not scored"."""
    height = 16.0
    drawing = _drawing(width, height)
    x = 0.0
    drawing.add(String(x, 4.5, label, fontName=CONDENSED_BOLD, fontSize=7.5, fillColor=INK))
    x += stringWidth(label, CONDENSED_BOLD, 7.5) + 6
    for value in (0, 20, 40, 60, 80, 100):
        drawing.add(Rect(x, 1, 22, 13, fillColor=score_colour(value), strokeColor=None))
        drawing.add(
            String(x + 11, 4.5, str(value), fontName=SANS, fontSize=6.5, fillColor=_text_on(value), textAnchor="middle")
        )
        x += 23
    x += 12
    group = Group()
    _not_scored_cell(group, x, 1, 22, 13)
    drawing.add(group)
    drawing.add(String(x + 11, 4.5, "–", fontName=SANS, fontSize=6.5, fillColor=INK, textAnchor="middle"))
    drawing.add(String(x + 28, 4.5, not_scored, fontName=CONDENSED, fontSize=7.5, fillColor=INK))
    return drawing
