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
from reportlab.pdfbase.pdfdoc import XMP
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
)
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from mipat.reports import scripts
from mipat.reports.pdf_links import link_fragments
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
BODY_WIDTH = PAGE_WIDTH - 2 * PAGE_MARGIN
# The body frame keeps ReportLab's 6 pt top and bottom padding.
BODY_HEIGHT = PAGE_HEIGHT - (PAGE_MARGIN + HEADER_GAP) - (PAGE_MARGIN + HEADER_GAP / 2) - 12


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
    """What the PDF says about itself, in the Info dictionary and, the same again, in an XMP packet."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    lang: str
    created: dt.datetime

    def xmp(self, producer: str) -> bytes:
        """The XMP packet (ISO 16684-1) for the catalog's `/Metadata` stream, UTF-8.

        Catalogues, search engines and assistive software read XMP rather than the Info dictionary
        (PDF 2.0 deprecates the latter), so it repeats Info field by field: dc:title is /Title,
        dc:creator /Author, dc:description /Subject, pdf:Keywords /Keywords, xmp:CreatorTool /Creator,
        pdf:Producer /Producer, and the dates are the fixed creation date, never the clock.
        """
        text = self._xml_text
        moment = self.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(self.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{text(self.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(self.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{text(self.lang)}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{text(self.keywords)}</pdf:Keywords>
   <pdf:Producer>{text(producer)}</pdf:Producer>
   <xmp:CreatorTool>{text(self.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{moment}</xmp:CreateDate>
   <xmp:ModifyDate>{moment}</xmp:ModifyDate>
   <xmp:MetadataDate>{moment}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
        return packet.encode("utf-8")

    @staticmethod
    def _xml_text(value: str) -> str:
        """`value` as XML character data: markup characters escaped, characters XML 1.0 forbids dropped."""
        value = "".join(c for c in value if c in "\t\n\r" or not Metadata._forbidden_in_xml(c))
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return value.replace('"', "&quot;").replace("\r", "&#13;")

    @staticmethod
    def _forbidden_in_xml(char: str) -> bool:
        code = ord(char)
        return code < 0x20 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)


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
    if "http" in text or "www." in text:  # web addresses become clickable /URI links
        fragments = link_fragments(fragments)
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

    def __init__(self, *args, chrome: Chrome, meta: Metadata, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The document id is a digest seeded with the creation time, which ReportLab took from the clock
        # or SOURCE_DATE_EPOCH: re-seed it, as pdfdoc does, with the assessment's own time.
        stamp = _FixedTimeStamp(meta.created)
        signature = hashlib.md5(b"a reportlab document", usedforsecurity=False)
        signature.update(ascii(stamp.t).encode("ascii"))
        self._doc._timeStamp, self._doc.signature = stamp, signature
        self.chrome = chrome
        self.meta = meta
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
        # Annotations are named by a running count kept on the canvas; restoring a page's state would
        # wind it back, and a contents link would then reuse the name of a web link on a later page.
        annotations = self._annotationCount
        for state in self._held_pages:
            self.__dict__.update(state)
            self._annotationCount = annotations
            page = self.getPageNumber()
            self._draw_chrome(page, total)
            for mark in self._marks.get(page, []):
                self.bookmarkPage(mark.key, fit="XYZ", left=0, top=mark.top, zoom=0)
                self.addOutlineEntry(mark.title, mark.key, level=mark.level, closed=mark.level >= 1)
            if self.contents_area is not None and page == self.contents_area.page:
                self._draw_contents(self.contents_area, entries)
            annotations = self._annotationCount
            Canvas.showPage(self)
        self.showOutline()
        # Written from the Info dictionary's own producer, so that the two never disagree.
        self._doc.Catalog.Metadata = XMP(creator=lambda doc: self.meta.xmp(doc.info.producer))
        Canvas.save(self)

    def _draw_chrome(self, page: int, total: int) -> None:
        c = self.chrome
        left, right = PAGE_MARGIN, PAGE_WIDTH - PAGE_MARGIN
        self.saveState()
        if page > 1:
            y = PAGE_HEIGHT - PAGE_MARGIN + HEADER_GAP / 2
            self.setFont(SANS, 8)
            self.setFillColor(MUTED)
            marker_width = 0.0
            if c.draft_marker:
                self.setFont(SANS_BOLD, 8)
                self.setFillColor(DRAFT)
                marker_width = self.stringWidth(c.draft_marker, SANS_BOLD, 8) + 8
                self.drawRightString(right, y, c.draft_marker)
                self.setFont(SANS, 8)
                self.setFillColor(MUTED)
            right_text = fit_text(c.header_right, SANS, 8, (right - left) / 3)
            right_width = scripts.draw_string(self, right - marker_width, y, right_text, SANS, 8, anchor="end")
            right_width += marker_width
            header_left = fit_text(c.header_left, SANS, 8, right - left - right_width - 16)
            scripts.draw_string(self, left, y, header_left, SANS, 8)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.4)
            self.line(left, y - 3.5, right, y - 3.5)
        y = PAGE_MARGIN - HEADER_GAP / 2 - 4
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(left, y + 9, right, y + 9)
        self.setFont(SANS, 8)
        self.setFillColor(MUTED)
        label = c.page_label(page, total)
        self.drawRightString(right, y, label)
        room = right - left - self.stringWidth(label, SANS, 8) - 12
        scripts.draw_string(self, left, y, fit_text(c.footer_left, SANS, 8, room), SANS, 8)
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
            # a viewer's title bar shows the report's title rather than its file name (PDF/UA, WCAG PDF18)
            displayDocTitle=True,
            invariant=1,
            initialFontName=SANS,
        )
        # No side padding: text, tables and the running header share one left edge, and a table as
        # wide as FRAME_WIDTH fits exactly (ReportLab centres a table part wider than the frame).
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            showBoundary=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])


def build_pdf(story: list[Flowable], chrome: Chrome, meta: Metadata) -> bytes:
    buffer = io.BytesIO()
    template = _ReportTemplate(buffer, meta)

    def canvas_maker(*args, **kwargs) -> ReportCanvas:
        return ReportCanvas(*args, chrome=chrome, meta=meta, **kwargs)

    template.build(_headings_inside_blocks(story, template.width), canvasmaker=canvas_maker)
    return buffer.getvalue()


def _headings_inside_blocks(story: list[Flowable], width: float) -> list[Flowable]:
    """Keep headings with what follows them, but never with more than needed.

    ReportLab keeps a `keepWithNext` heading with the next flowable by wrapping both in a KeepTogether.
    When the next flowable is itself a KeepTogether, the nested one reports an unplaceable height and
    the heading is left alone at the foot of a page: one flat block avoids that. When it is a table,
    the heading would drag the whole table to the next page and leave the page half empty: the
    heading asks instead for room for itself and the table's first rows.
    """
    out: list[Flowable] = []
    for flowable in story:
        held: list[Flowable] = []
        while out and getattr(out[-1], "getKeepWithNext", lambda: False)():
            held.insert(0, out.pop())
        if held and isinstance(flowable, KeepTogether):
            flowable = KeepTogether(held + list(flowable._content))
        elif held and isinstance(flowable, Table):
            for heading in held:
                heading.keepWithNext = 0
            room = sum(_height(h, width) for h in held) + _first_rows_height(flowable, width)
            out.append(CondPageBreak(room))
            out += held
        else:
            out += held
        out.append(flowable)
    return out


def _height(flowable: Flowable, width: float) -> float:
    _, height = flowable.wrap(width, PAGE_HEIGHT)
    return height + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _first_rows_height(table: Table, width: float, rows: int = 3) -> float:
    """The height of a table's header and first rows: what a heading keeps on its page.

    Measured on a copy holding only those rows (with the table's column widths and cell paddings):
    wrapping the whole table here would lay out every row of a long annex twice.
    """
    head = Table(table._cellvalues[: rows + 1], colWidths=table._argW)
    head._cellStyles = [list(row) for row in table._cellStyles[: rows + 1]]
    head.wrap(width, PAGE_HEIGHT)
    return sum(head._rowHeights) + table.getSpaceBefore()


class ReportTable(Table):
    """A table that splits between rows, and inside a row only when that row is taller than a page.

    ReportLab's in-row split fills the foot of a page with the head of a row whose remainder would fit
    whole on the next page; this table moves such a row instead. A row that is split (a 3,000-word
    comment) starts its remainder with "(continued)" after the row's id.
    """

    def __init__(self, *args, frame_height: float = 0.0, continued: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._frame_height = frame_height
        self._continued = continued

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._calc(availWidth, availHeight)
        parts = self._splitRows(availHeight, doInRowSplit=False)
        if parts or not self.splitInRow:
            return self._own(parts)
        header = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        first_row = self._rowHeights[header] if len(self._rowHeights) > header else 0
        if availHeight < self._frame_height - 1 and sum(self._rowHeights[:header]) + first_row <= self._frame_height:
            return []  # the row fits on the next page: move it there whole
        parts = self._own(self._splitRows(availHeight, doInRowSplit=True))
        if len(parts) == 2:
            self._mark_continued(parts, header)
        return parts

    def _own(self, parts: list[Flowable]) -> list[Flowable]:
        """Split parts as ReportTables (ReportLab makes them with the class but not our arguments)."""
        for part in parts:
            if isinstance(part, ReportTable):
                part._frame_height, part._continued = self._frame_height, self._continued
                part.hAlign = self.hAlign
                part.spaceAfter = self.spaceAfter
        return parts

    def _mark_continued(self, parts: list[Flowable], header: int) -> None:
        first, rest = parts
        cell = first._cellvalues[-1][0]
        label = cell[0] if isinstance(cell, list) and cell else cell
        text = label.getPlainText() if isinstance(label, Paragraph) else str(label or "")
        style = label.style if isinstance(label, Paragraph) else styles().cell
        if len(rest._cellvalues) > header:
            rest._cellvalues[header][0] = [literal(f"{text} ({self._continued})".strip(), style)]
