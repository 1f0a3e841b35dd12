"""Fillable fields on a ReportLab canvas, and the platypus flowables that lay them out.

ReportLab's AcroForm draws each field's appearance (what a printer or a viewer that does not
redraw fields shows) with one of the 14 standard PDF fonts, in PDFDocEncoding, and raises on any
character outside Latin-1; it does not wrap text either. So the appearance gets the value
encoded the way that font reads it (œ, —, € and ’ are in PDFDocEncoding; other scripts become `?`)
and wrapped to the box, while the field's value (`/V`) is replaced by the exact text: the import
reads `/V`, and `NeedAppearances` asks viewers to redraw every box from it with their own fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.acroform import AcroForm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

FIELD_FONT = "Helvetica"
FIELD_SIZE = 9
BORDER = colors.Color(0.25, 0.25, 0.25)  # dark enough to print on any office printer
FILL = colors.white
BLANK = " "  # the empty entry of a drop-down list: ReportLab cannot make a list with nothing chosen
GAP = 6  # points between cells of a row


def appearance_text(text: str) -> str:
    """`text` as the standard fonts' PDFDocEncoding reads it, one character per byte."""
    return text.encode("pdfdoc", "replace").decode("latin-1")


def in_standard_fonts(text: str) -> bool:
    try:
        text.encode("pdfdoc")
    except UnicodeEncodeError:
        return False
    return True


def wrapped(text: str, width: float, size: float = FIELD_SIZE) -> str:
    """`text` broken into lines that fit `width` in the field font (the appearance does not wrap)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and stringWidth(candidate, FIELD_FONT, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def _last_field(form: AcroForm) -> dict[str, Any]:
    """The dictionary of the field ReportLab just added, to put back the exact value and labels."""
    return form.canv._doc.idToObject[form.fields[-1].name].dict


def _look() -> dict[str, Any]:
    return {"borderColor": BORDER, "fillColor": FILL, "borderWidth": 0.8, "textColor": colors.black}


def text_field(
    form: AcroForm,
    name: str,
    value: str | None,
    rect: tuple[float, float, float, float],
    *,
    multiline: bool = False,
    maxlen: int | None = None,
    tooltip: str = "",
    flags: str = "",
    annotation: str = "print",
) -> None:
    x, y, width, height = rect
    shown = appearance_text(wrapped(value, width - 6) if value and multiline else value or "")
    form.textfield(
        name=name,
        value=shown,
        x=x,
        y=y,
        width=width,
        height=height,
        relative=True,
        fieldFlags=" ".join(f for f in (flags, "multiline doNotScroll" if multiline else "") if f),
        annotationFlags=annotation,
        maxlen=maxlen,
        fontName=FIELD_FONT,
        fontSize=FIELD_SIZE,
        tooltip=tooltip,
        **_look(),
    )
    if value:
        _last_field(form).update(V=PDFString(value), DV=PDFString(value))
        if not in_standard_fonts(value):
            # a script the standard fonts lack: ask viewers to redraw the boxes from the exact values.
            # Only then, as poppler and others redraw radios as squares when asked.
            form.extras["NeedAppearances"] = "true"


def dropdown(
    form: AcroForm,
    name: str,
    options: list[tuple[str, str]],
    value: str | None,
    rect: tuple[float, float, float, float],
    *,
    tooltip: str = "",
) -> None:
    """A drop-down list of (code, label): the viewer shows the label and stores the code."""
    x, y, width, height = rect
    entries = [(BLANK, BLANK), *((appearance_text(label), code) for code, label in options)]
    form.choice(
        name=name,
        value=value or BLANK,
        options=entries,
        x=x,
        y=y,
        width=width,
        height=height,
        relative=True,
        maxlen=None,
        fontName=FIELD_FONT,
        fontSize=FIELD_SIZE,
        tooltip=tooltip,
        **_look(),
    )
    made = _last_field(form)
    made["Opt"] = PDFArray(
        [PDFArray([PDFString(BLANK), PDFString(BLANK)])]
        + [PDFArray([PDFString(code), PDFString(label)]) for code, label in options]
    )
    if not value:
        for key in ("V", "DV", "I"):
            made.pop(key, None)


def button(
    form: AcroForm, kind: str, name: str, code: str, on: bool, x: float, y: float, size: float, tooltip: str
) -> None:
    """A radio of group `name` whose export value is `code`, or a check box `name` (on state /Yes)."""
    look = _look()
    if kind == "radio":
        form.radio(
            name=name,
            value=code,
            selected=on,
            x=x,
            y=y,
            size=size,
            relative=True,
            buttonStyle="circle",
            shape="circle",
            fieldFlags="radio",
            tooltip=tooltip,
            **look,
        )
    else:
        form.checkbox(
            name=name,
            checked=on,
            x=x,
            y=y,
            size=size,
            relative=True,
            buttonStyle="check",
            shape="square",
            fieldFlags="",
            tooltip=tooltip,
            **look,
        )


@dataclass
class Cell:
    """One field in a row: a small label above it (or none), its share of the row's width."""

    label: str | None
    share: float
    name: str  # "" for empty room beside a short field
    value: str | None = None
    height: float = 16
    multiline: bool = False
    maxlen: int | None = None
    options: list[tuple[str, str]] | None = None  # a drop-down list of (code, label)
    tooltip: str = ""


class FieldRow(Flowable):
    """Fields side by side, each under its label; labels never overlap a box."""

    def __init__(self, cells: list[Cell], label_style: ParagraphStyle, space_after: float = 4) -> None:
        super().__init__()
        self.cells = cells
        self.label_style = label_style
        self.space_after = space_after
        self._labels: list[Paragraph | None] = []
        self._widths: list[float] = []
        self._label_h = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        usable = avail_width - GAP * (len(self.cells) - 1)
        total = sum(c.share for c in self.cells)
        self._widths = [usable * c.share / total for c in self.cells]
        self._labels, heights = [], [0.0]
        for cell, width in zip(self.cells, self._widths, strict=True):
            para = Paragraph(cell.label, self.label_style) if cell.label else None
            self._labels.append(para)
            if para is not None:
                heights.append(para.wrap(width, avail_height)[1] + 1)
        self._label_h = max(heights)
        field_h = max(c.height for c in self.cells)
        self.width, self.height = avail_width, self._label_h + field_h + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        form = self.canv.acroForm
        x = 0.0
        field_top = self.height - self._label_h
        for cell, width, para in zip(self.cells, self._widths, self._labels, strict=True):
            if para is not None:
                para.drawOn(self.canv, x, field_top + 1)
            rect = (x, field_top - cell.height, width, cell.height)
            if not cell.name:
                pass  # room left empty, so a short field stays short
            elif cell.options is not None:
                dropdown(form, cell.name, cell.options, cell.value, rect, tooltip=cell.tooltip)
            else:
                text_field(
                    form,
                    cell.name,
                    cell.value,
                    rect,
                    multiline=cell.multiline,
                    maxlen=cell.maxlen,
                    tooltip=cell.tooltip,
                )
            x += width + GAP


@dataclass
class Choice:
    name: str  # the radio group, or the check box
    code: str
    label: str
    on: bool = False


class OptionGrid(Flowable):
    """Radios or check boxes in columns, each with its label beside it."""

    def __init__(self, kind: str, choices: list[Choice], style: ParagraphStyle, tooltip: str = "") -> None:
        super().__init__()
        self.kind = kind  # "radio" or "checkbox"
        self.choices = choices
        self.style = style
        self.tooltip = tooltip
        self.size = 12.0 if kind == "radio" else 10.0  # ReportLab draws a radio's circle small within its box

    def _columns(self, avail_width: float) -> int:
        longest = max(stringWidth(c.label, self.style.fontName, self.style.fontSize) for c in self.choices)
        for columns in (5, 4, 3, 2):
            if longest + self.size + 12 <= avail_width / columns and len(self.choices) >= columns:
                return columns
        return 2 if longest < avail_width * 0.8 and len(self.choices) > 2 else 1

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._cols = self._columns(avail_width)
        self._col_w = avail_width / self._cols
        self._paras = [Paragraph(c.label, self.style) for c in self.choices]
        self._rows: list[float] = []
        for start in range(0, len(self.choices), self._cols):
            heights = [
                p.wrap(self._col_w - self.size - 10, avail_height)[1] for p in self._paras[start : start + self._cols]
            ]
            self._rows.append(max(max(heights), self.size) + 4)
        self.width, self.height = avail_width, sum(self._rows) + 2
        return self.width, self.height

    def draw(self) -> None:
        form = self.canv.acroForm
        top = self.height
        for index, (choice, para) in enumerate(zip(self.choices, self._paras, strict=True)):
            row, col = divmod(index, self._cols)
            row_top = top - sum(self._rows[:row])
            x = col * self._col_w
            tip = f"{self.tooltip} – {choice.label}" if self.tooltip else choice.label
            button(form, self.kind, choice.name, choice.code, choice.on, x, row_top - self.size - 1, self.size, tip)
            para.drawOn(self.canv, x + self.size + 5, row_top - para.height)


class HiddenFields(Flowable):
    """Read-only fields no one sees or prints: what the form is, for the import to check."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__()
        self.values = values
        self.width = self.height = 0

    def draw(self) -> None:
        for name, value in self.values.items():
            text_field(self.canv.acroForm, name, value, (0, 0, 1, 1), flags="readOnly", annotation="hidden")
