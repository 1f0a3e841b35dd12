"""The page machinery of the PDF report: running header and footer, "page X of Y", bookmarks and the
table of contents, laid out in one pass.

The canvas keeps every finished page in memory instead of writing it (the usual ReportLab recipe for
"page X of Y"); when the story is done it knows the page count and the page of every heading, so it
writes the footers, the PDF outline and the contents page while it replays the pages. The contents
page has a fixed place and size, so filling it in cannot move any other page, and one build pass is
enough (`multiBuild` would lay the whole report out twice).

Reproducibility: the document is built in ReportLab's invariant mode (no random file id) and its
creation date is the assessment's `generated_at`, never the wall clock.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from mipat.reports import scripts
from mipat.reports.pdf_styles import (
    DRAFT,
    HEADER_GAP,
    MUTED,
    PAGE_MARGIN,
    PRIMARY,
    RULE,
    SANS,
    SANS_BOLD,
    styles,
)

PAGE_WIDTH, PAGE_HEIGHT = A4


@dataclass(frozen=True)
class Chrome:
    """What the running header and footer say (already in the report language)."""

    header_left: str
    header_right: str
    footer_left: str
    draft_marker: str | None
    page_label: Callable[[int, int], str]


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    lang: str
    created: dt.datetime


@dataclass
class _Mark:
    level: int
    title: str
    key: str
    top: float
    in_toc: bool


@dataclass
class _TocArea:
    page: int
    x: float
    top: float
    width: float
    bottom: float


class Para(Paragraph):
    """A Paragraph that remembers its line breaks for a given width.

    Tables, keep-together groups and page splits wrap the same paragraph several times at the same
    width; line breaking is most of the report's build time, so it is done once per width.
    """

    _wrapped_for: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        cached = self._wrapped_for
        if cached is not None and cached[0] == availWidth and hasattr(self, "blPara"):
            return cached[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped_for = (availWidth, size)
        return size

    def draw(self) -> None:
        # Lines are broken in logical order; a line with right-to-left letters is put in display order
        # only while it is drawn, so that splitting the paragraph across pages still sees logical text.
        base = scripts.direction(self.getPlainText())
        if base is None:
            super().draw()
            return
        logical = self.blPara
        self.blPara = _display_lines(logical, base, self.style.fontName)
        try:
            super().draw()
        finally:
            self.blPara = logical


def _display_lines(blPara, base: int, font: str):
    """A copy of broken lines (`Paragraph.blPara`) with each line's text in display order."""
    shown = copy.copy(blPara)
    if blPara.kind == 0:  # one fragment: lines are (extra space, words)
        shown.lines = [(extra, scripts.display(" ".join(words), base).split(" ")) for extra, words in blPara.lines]
        return shown
    lines = []
    for line in blPara.lines:
        text_frags = [f for f in line.words if not getattr(f, "lineBreak", False) and not getattr(f, "cbDefn", None)]
        if not text_frags or not all(_same_look(text_frags[0], f) for f in text_frags):
            lines.append(line)  # fragments styled apart (markup) keep logical order: never from `literal`
            continue
        visual = scripts.display("".join(f.text for f in text_frags), base)
        rest = [f for f in line.words if f not in text_frags]
        line = copy.copy(line)
        line.words = [text_frags[0].clone(text=part, fontName=run) for part, run in scripts.runs(visual, font)] + rest
        lines.append(line)
    shown.lines = lines
    return shown


def _same_look(a: ParaFrag, b: ParaFrag) -> bool:
    """Whether two fragments differ at most by font (the runs `literal` makes)."""
    keys = ("fontSize", "textColor", "backColor", "rise", "link", "us_lines")
    return all(getattr(a, key, None) == getattr(b, key, None) for key in keys)


def literal(text: str, style: ParagraphStyle, bulletText: str | None = None) -> Para:
    """A paragraph that prints `text` exactly as written: nothing in it is read as markup.

    The text goes straight into ReportLab's line fragments instead of through its XML parser, so `<b>`,
    `&amp;` or `<font size=40>` in an answer print literally and cannot restyle the page. It is also
    about ten times faster than parsing escaped text (entities split a paragraph into many fragments).
    Line breaks in the text are kept.

    Text in other scripts is split into runs, each in a bundled font that covers it (see `scripts`), with
    Arabic shaped; characters no font covers are told to `scripts.uncovered_texts`.
    """
    template = _fragment_template(style)
    fragments = []
    plain = scripts.plain(text, style.fontName)  # the common case: one fragment per line
    if not plain:
        scripts.note_uncovered(text, style.fontName)
    for number, line in enumerate(text.split("\n")):
        if number:
            fragments.append(template.clone(text="", lineBreak=True, **{"__tag__": "br"}))
        if plain:
            fragments.append(template.clone(text=line))
        else:
            runs = scripts.runs(scripts.shaped(line), style.fontName)
            fragments += [template.clone(text=part, fontName=font) for part, font in runs]
    return Para(None, style, bulletText=bulletText, frags=fragments)


_TEMPLATES: dict[int, tuple[ParagraphStyle, ParaFrag]] = {}


def _fragment_template(style: ParagraphStyle) -> ParaFrag:
    """The fragment ReportLab's parser makes for plain text in `style` (font, size, colour), once per style."""
    known = _TEMPLATES.get(id(style))
    if known is None or known[0] is not style:
        _, fragments, _ = ParaParser().parse("x", style)
        known = _TEMPLATES[id(style)] = (style, fragments[0])
    return known[1]


class Heading(Para):
    """A heading that becomes a PDF bookmark (outline entry) and, if `in_toc`, a contents line.

    `title` is plain text and prints literally, like `literal`.
    """

    def __init__(self, title: str, style, level: int, key: str, *, in_toc: bool = True) -> None:
        super().__init__(None, style, frags=literal(title, style).frags)
        self.title = title
        self.level = level
        self.key = key
        self.in_toc = in_toc

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # a heading moves to the next page whole

    def draw(self) -> None:
        canvas = self.canv
        if isinstance(canvas, ReportCanvas):
            _, top = canvas.absolutePosition(0, self.height)
            canvas.mark(_Mark(self.level, self.title, self.key, top + self.style.fontSize, self.in_toc))
        super().draw()


class Anchor(Flowable):
    """An invisible bookmark (outline entry only), for a page whose title is not a heading: the cover."""

    def __init__(self, title: str, level: int, key: str) -> None:
        super().__init__()
        self.title, self.level, self.key = title, level, key
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        if isinstance(canvas, ReportCanvas):
            _, top = canvas.absolutePosition(0, 0)
            canvas.mark(_Mark(self.level, self.title, self.key, top, in_toc=False))


class ContentsPlaceholder(Flowable):
    """Reserves the rest of its frame for the table of contents, drawn when the pages are replayed."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, availHeight
        return availWidth, availHeight

    def draw(self) -> None:
        canvas = self.canv
        if isinstance(canvas, ReportCanvas):
            x, top = canvas.absolutePosition(0, self.height)
            canvas.contents_area = _TocArea(canvas.getPageNumber(), x, top, self.width, top - self.height)


class ReportCanvas(Canvas):
    """A canvas that holds pages back until `save`, then adds header, footer, outline and contents."""

    def __init__(self, *args, chrome: Chrome, created: dt.datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The document id is a digest seeded with the creation time, which ReportLab took from the clock
        # or SOURCE_DATE_EPOCH: re-seed it, as pdfdoc does, with the assessment's own time.
        stamp = _FixedTimeStamp(created)
        signature = hashlib.md5(b"a reportlab document", usedforsecurity=False)
        signature.update(ascii(stamp.t).encode("ascii"))
        self._doc._timeStamp, self._doc.signature = stamp, signature
        self.chrome = chrome
        self.contents_area: _TocArea | None = None
        self._held_pages: list[dict] = []
        self._marks: dict[int, list[_Mark]] = {}

    def mark(self, mark: _Mark) -> None:
        self._marks.setdefault(self.getPageNumber(), []).append(mark)

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        entries = [(page, m) for page in sorted(self._marks) for m in self._marks[page]]
        for state in self._held_pages:
            self.__dict__.update(state)
            page = self.getPageNumber()
            self._draw_chrome(page, total)
            for mark in self._marks.get(page, []):
                self.bookmarkPage(mark.key, fit="XYZ", left=0, top=mark.top, zoom=0)
                self.addOutlineEntry(mark.title, mark.key, level=mark.level, closed=mark.level >= 1)
            if self.contents_area is not None and page == self.contents_area.page:
                self._draw_contents(self.contents_area, entries)
            Canvas.showPage(self)
        self.showOutline()
        Canvas.save(self)

    def _draw_chrome(self, page: int, total: int) -> None:
        c = self.chrome
        left, right = PAGE_MARGIN, PAGE_WIDTH - PAGE_MARGIN
        self.saveState()
        if page > 1:
            y = PAGE_HEIGHT - PAGE_MARGIN + HEADER_GAP / 2
            self.setFont(SANS, 7.5)
            self.setFillColor(MUTED)
            marker_width = 0.0
            if c.draft_marker:
                self.setFont(SANS_BOLD, 7.5)
                self.setFillColor(DRAFT)
                marker_width = self.stringWidth(c.draft_marker, SANS_BOLD, 7.5) + 8
                self.drawRightString(right, y, c.draft_marker)
                self.setFont(SANS, 7.5)
                self.setFillColor(MUTED)
            right_text = fit_text(c.header_right, SANS, 7.5, (right - left) / 3)
            right_width = scripts.draw_string(self, right - marker_width, y, right_text, SANS, 7.5, anchor="end")
            right_width += marker_width
            header_left = fit_text(c.header_left, SANS, 7.5, right - left - right_width - 16)
            scripts.draw_string(self, left, y, header_left, SANS, 7.5)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            self.line(left, y - 3.5, right, y - 3.5)
        y = PAGE_MARGIN - HEADER_GAP / 2 - 4
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(left, y + 9, right, y + 9)
        self.setFont(SANS, 7.5)
        self.setFillColor(MUTED)
        label = c.page_label(page, total)
        self.drawRightString(right, y, label)
        room = right - left - self.stringWidth(label, SANS, 7.5) - 12
        scripts.draw_string(self, left, y, fit_text(c.footer_left, SANS, 7.5, room), SANS, 7.5)
        self.restoreState()

    def _draw_contents(self, area: _TocArea, entries: list[tuple[int, _Mark]]) -> None:
        st = styles()
        number_room = 34
        y = area.top
        self.saveState()
        for page, mark in entries:
            if not mark.in_toc or mark.level > 1:
                continue
            style = st.toc0 if mark.level == 0 else st.toc1
            para = literal(mark.title, style)
            _, height = para.wrapOn(self, area.width - number_room, area.top - area.bottom)
            gap = 7 if mark.level == 0 else 2
            if y - height - gap < area.bottom:
                break  # never draws outside the reserved area
            y -= gap
            para.drawOn(self, area.x, y - height)
            baseline = y - height + (style.leading - style.fontSize) + 1.5
            self.setFont(style.fontName, style.fontSize)
            self.setFillColor(PRIMARY if mark.level == 0 else MUTED)
            self.drawRightString(area.x + area.width, baseline, str(page))
            if len(para.blPara.lines) == 1:
                text_end = area.x + style.leftIndent + scripts.width(mark.title, style.fontName, style.fontSize)
                self.setStrokeColor(RULE)
                self.setLineWidth(0.5)
                self.setDash(0.6, 2.4)
                self.line(text_end + 6, baseline, area.x + area.width - number_room + 6, baseline)
                self.setDash()
            self.linkRect("", mark.key, (area.x, y - height, area.x + area.width, y), relative=0, thickness=0)
            y -= height
        self.restoreState()


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """`text`, shortened with an ellipsis so that it fits in `width` points (measured as drawn)."""
    if scripts.width(text, font, size) <= width:
        return text
    while text and scripts.width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _FixedTimeStamp:
    """ReportLab's TimeStamp, fixed to the assessment's own date-time (UTC)."""

    def __init__(self, moment: dt.datetime) -> None:
        moment = moment.astimezone(dt.UTC)
        self.t = moment.timestamp()
        self.lt = moment.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


class _ReportTemplate(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, meta: Metadata) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=PAGE_MARGIN,
            rightMargin=PAGE_MARGIN,
            topMargin=PAGE_MARGIN + HEADER_GAP,
            bottomMargin=PAGE_MARGIN + HEADER_GAP / 2,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            keywords=meta.keywords,
            creator=meta.creator,
            lang=meta.lang,
            invariant=1,
            initialFontName=SANS,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])


def build_pdf(story: list[Flowable], chrome: Chrome, meta: Metadata) -> bytes:
    buffer = io.BytesIO()
    template = _ReportTemplate(buffer, meta)

    def canvas_maker(*args, **kwargs) -> ReportCanvas:
        return ReportCanvas(*args, chrome=chrome, created=meta.created, **kwargs)

    template.build(_headings_inside_blocks(story), canvasmaker=canvas_maker)
    return buffer.getvalue()


def _headings_inside_blocks(story: list[Flowable]) -> list[Flowable]:
    """Move headings that must stay with a following keep-together block into that block.

    ReportLab keeps a `keepWithNext` heading with the next flowable by wrapping both in a KeepTogether;
    when the next flowable is itself a KeepTogether, the nested one reports an unplaceable height and
    the heading is left alone at the foot of a page. One flat block avoids that.
    """
    out: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, KeepTogether):
            held: list[Flowable] = []
            while out and getattr(out[-1], "getKeepWithNext", lambda: False)():
                held.insert(0, out.pop())
            if held:
                flowable = KeepTogether(held + list(flowable._content))
        out.append(flowable)
    return out
