"""Where text sits on the pages of a PDF, read back with `pdftotext -bbox`: the layout checks of the
report tests (left edge on the margin, no page left mostly empty but a chapter's last)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape

from mipat.reports.pdf_document import PAGE_HEIGHT
from mipat.reports.pdf_styles import CELL_PADDING, HEADER_GAP, PAGE_MARGIN

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
BODY_TOP = PAGE_MARGIN + HEADER_GAP - 6  # below the running header (pdftotext's y grows downwards)
BODY_BOTTOM = PAGE_HEIGHT - PAGE_MARGIN - HEADER_GAP / 2 + 6  # above the footer
CHAPTER_HEADING = 15.0  # points: a word this tall is an h1, which starts a chapter


@dataclass(frozen=True)
class Word:
    x: float
    top: float
    right: float
    bottom: float
    text: str


@dataclass(frozen=True)
class Page:
    number: int
    words: list[Word]

    @property
    def body(self) -> list[Word]:
        return [w for w in self.words if w.top > BODY_TOP and w.bottom < BODY_BOTTOM]

    @property
    def left_edge(self) -> float | None:
        return min((w.x for w in self.body), default=None)

    @property
    def filled(self) -> float:
        """Share of the body height used, from its top to the lowest line of text."""
        body = self.body
        if not body:
            return 0.0
        return (max(w.bottom for w in body) - BODY_TOP) / (BODY_BOTTOM - BODY_TOP)

    @property
    def starts_chapter(self) -> bool:
        body = self.body
        return bool(body) and (body[0].bottom - body[0].top) >= CHAPTER_HEADING


def pages(pdf: bytes) -> list[Page]:
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode(
        "utf-8"
    )
    out = []
    for number, chunk in enumerate(html.split("<page ")[1:], 1):
        words = [Word(float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in _WORD.findall(chunk)]
        out.append(Page(number, words))
    return out


def layout_faults(pdf: bytes) -> list[str]:
    """Pages whose text leaves the left margin (a table's text sits one cell padding in), and pages under half full that do not end a chapter."""
    found = pages(pdf)
    faults = []
    for page, following in zip(found, [*found[1:], None], strict=True):
        edge = page.left_edge
        if edge is not None and min(abs(edge - PAGE_MARGIN), abs(edge - PAGE_MARGIN - CELL_PADDING)) > 0.75:
            faults.append(f"page {page.number}: text starts at x={edge:.1f}, margin {PAGE_MARGIN:.1f}")
        ends_chapter = following is None or following.starts_chapter
        if page.number > 2 and not ends_chapter and page.filled < 0.5:
            faults.append(f"page {page.number}: {page.filled:.0%} full, and the next page is no new chapter")
    return faults
