"""Fonts, colours, paragraph and table styles of the PDF report.

The DejaVu Sans family ships in `reports/fonts/` (licence in LICENSE-DejaVu.txt) and is embedded in
every report, so names in any Latin, Greek, Cyrillic, Arabic or Hebrew script render with no missing
glyph; Droid Sans Fallback, beside it, covers Chinese, Japanese and Korean (`scripts` picks the font
of each run of text). The
palette is one dark blue and its lighter tints: every contrast survives greyscale printing, and
chart series differ by line style, marker and lightness, never by hue alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

FONT_DIR = Path(__file__).parent / "fonts"

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_ITALIC = "DejaVuSans-Oblique"
CONDENSED = "DejaVuSansCondensed"
CONDENSED_BOLD = "DejaVuSansCondensed-Bold"
_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    CONDENSED: "DejaVuSansCondensed.ttf",
    CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf",
}

# Relative luminance in brackets: the steps stay apart when printed in grey.
INK = colors.HexColor("#1A1A1A")  # body text
PRIMARY = colors.HexColor("#1F3A5F")  # headings, current series (≈ 0.04)
PRIMARY_MID = colors.HexColor("#5B7798")  # secondary text (≈ 0.18)
PRIMARY_LIGHT = colors.HexColor("#A9BCD3")  # previous series fill (≈ 0.49)
TINT = colors.HexColor("#E4EAF2")  # panels, zebra rows (≈ 0.82)
RULE = colors.HexColor("#8C8C8C")  # hairlines, grid
MUTED = colors.HexColor("#595959")  # captions, footers
DRAFT = colors.HexColor("#7A1F1F")  # the DRAFT marker: dark, reads as black in grey
WHITE = colors.white

PAGE_MARGIN = 18 * mm
CELL_PADDING = 4  # points left and right of the text in a table cell
HEADER_GAP = 8 * mm


@cache
def register_fonts() -> None:
    """Register the bundled DejaVu fonts once per process (about 0.1 s)."""
    for name, file in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    # <b> and <i> in report markup map to the family's faces; bold italic is never used.
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD)
    pdfmetrics.registerFontFamily(
        CONDENSED, normal=CONDENSED, bold=CONDENSED_BOLD, italic=SANS_ITALIC, boldItalic=CONDENSED_BOLD
    )


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    note: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h4: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_authority: ParagraphStyle
    draft: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_right: ParagraphStyle
    cell_muted: ParagraphStyle
    cell_mono: ParagraphStyle
    finding_head: ParagraphStyle
    finding_text: ParagraphStyle
    finding_meta: ParagraphStyle
    finding_action: ParagraphStyle
    group_summary: ParagraphStyle
    cell_italic: ParagraphStyle
    cell_bold_right: ParagraphStyle
    cell_indented: ParagraphStyle
    strong: ParagraphStyle
    toc0: ParagraphStyle
    toc1: ParagraphStyle
    big_number: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=SANS, bulletFontName=SANS, fontSize=9.5, leading=13, textColor=INK, spaceAfter=5
    )
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11.5, spaceAfter=3)
    cell = ParagraphStyle("cell", parent=body, fontName=CONDENSED, fontSize=8, leading=10, spaceAfter=0)
    heading = ParagraphStyle(
        "heading", parent=body, fontName=SANS_BOLD, textColor=PRIMARY, keepWithNext=1, alignment=TA_LEFT
    )
    return Styles(
        body=body,
        small=small,
        caption=ParagraphStyle("caption", parent=small, textColor=MUTED, spaceBefore=2, spaceAfter=8),
        note=ParagraphStyle(
            "note",
            parent=small,
            backColor=TINT,
            borderPadding=(4, 5, 4, 5),
            spaceBefore=4,
            spaceAfter=9,
            leftIndent=5,
            rightIndent=5,
        ),
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2, spaceAfter=3),
        h1=ParagraphStyle("h1", parent=heading, fontSize=17, leading=21, spaceBefore=0, spaceAfter=10),
        h2=ParagraphStyle("h2", parent=heading, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5),
        h3=ParagraphStyle("h3", parent=heading, fontSize=10.5, leading=13.5, spaceBefore=9, spaceAfter=3),
        h4=ParagraphStyle(
            "h4", parent=heading, fontSize=9, leading=12, spaceBefore=5, spaceAfter=2, textColor=PRIMARY_MID
        ),
        cover_title=ParagraphStyle(
            "cover_title", parent=heading, fontSize=26, leading=31, spaceAfter=8, keepWithNext=0
        ),
        cover_subtitle=ParagraphStyle(
            "cover_subtitle", parent=body, fontSize=12.5, leading=16, textColor=PRIMARY_MID, spaceAfter=26
        ),
        cover_authority=ParagraphStyle(
            "cover_authority", parent=body, fontName=SANS_BOLD, fontSize=16, leading=20, spaceAfter=16
        ),
        draft=ParagraphStyle(
            "draft",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=13,
            leading=17,
            textColor=DRAFT,
            borderColor=DRAFT,
            borderWidth=1.2,
            borderPadding=(5, 6, 5, 6),
            spaceBefore=4,
            spaceAfter=18,
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=CONDENSED_BOLD),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=CONDENSED_BOLD, textColor=WHITE),
        cell_head_right=ParagraphStyle(
            "cell_head_right", parent=cell, fontName=CONDENSED_BOLD, textColor=WHITE, alignment=TA_RIGHT
        ),
        cell_muted=ParagraphStyle("cell_muted", parent=cell, textColor=MUTED),
        cell_italic=ParagraphStyle("cell_italic", parent=cell, fontName=SANS_ITALIC, fontSize=8, leading=10),
        cell_bold_right=ParagraphStyle("cell_bold_right", parent=cell, fontName=CONDENSED_BOLD, alignment=TA_RIGHT),
        cell_indented=ParagraphStyle("cell_indented", parent=cell, leftIndent=10),
        strong=ParagraphStyle("strong", parent=body, fontName=SANS_BOLD),
        cell_mono=ParagraphStyle("cell_mono", parent=cell, fontSize=8, leading=10),
        finding_head=ParagraphStyle(
            "finding_head",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=9,
            leading=11.5,
            textColor=PRIMARY,
            spaceBefore=5,
            spaceAfter=1,
            keepWithNext=1,
        ),
        finding_text=ParagraphStyle("finding_text", parent=body, fontSize=9, leading=11.5, leftIndent=12, spaceAfter=1),
        finding_meta=ParagraphStyle(
            "finding_meta", parent=body, fontSize=9, leading=11.5, leftIndent=12, textColor=MUTED, spaceAfter=1
        ),
        finding_action=ParagraphStyle(
            "finding_action",
            parent=body,
            fontSize=9,
            leading=11.5,
            leftIndent=12,
            bulletIndent=1,
            bulletFontName=SANS_BOLD,
            bulletFontSize=9,
            bulletColor=PRIMARY,
            spaceAfter=1,
        ),
        group_summary=ParagraphStyle(
            "group_summary", parent=small, textColor=MUTED, spaceAfter=2, keepWithNext=1, fontSize=9, leading=11.5
        ),
        toc0=ParagraphStyle("toc0", parent=body, fontName=SANS_BOLD, fontSize=10.5, leading=14),
        toc1=ParagraphStyle("toc1", parent=body, fontSize=9.5, leading=12.5, leftIndent=14),
        big_number=ParagraphStyle(
            "big_number", parent=body, fontName=SANS_BOLD, fontSize=22, leading=26, textColor=PRIMARY, spaceAfter=0
        ),
    )


# ReportLab tables set their own font (Helvetica, not embedded) before drawing cells: name ours instead.
PLAIN_TABLE: list[tuple] = [("FONTNAME", (0, 0), (-1, -1), CONDENSED), ("FONTSIZE", (0, 0), (-1, -1), 8)]


def grid_table_style(*, header_rows: int = 1, zebra: bool = True, rows: int = 0) -> TableStyle:
    """A table with a dark header row (white text) and, optionally, tinted alternate rows."""
    commands: list[tuple] = [
        *PLAIN_TABLE,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, PRIMARY),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), PRIMARY),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ]
    if zebra:
        commands += [("BACKGROUND", (0, r), (-1, r), TINT) for r in range(header_rows + 1, rows, 2)]
    return TableStyle(commands)


def key_value_table_style() -> TableStyle:
    return TableStyle(
        [
            *PLAIN_TABLE,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ]
    )
