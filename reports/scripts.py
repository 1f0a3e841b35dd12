"""Text in every script a partner's name may use, as ReportLab can draw it.

ReportLab draws code points left to right, one font per fragment, with no shaping. So, here:

- Arabic is shaped (arabic-reshaper: contextual presentation forms, lam-alef ligatures) in logical
  order, before lines are broken; each line is put in display order (python-bidi: right-to-left runs
  reversed, brackets mirrored) only when it is drawn, so that a wrapped right-to-left paragraph keeps
  its lines in reading order. Hebrew needs the reordering only.
- Each character is drawn in the style's font when that covers it, else in the first bundled font
  that does: DejaVu Sans (its oblique has no Arabic), then Droid Sans Fallback (Chinese, Japanese,
  Korean). All are embedded, as subsets, with a ToUnicode map, so pdftotext gives the text back.
- A character no bundled font covers is written as the font's empty box (ReportLab gives it glyph 0,
  which extracts as nothing), and the text is reported to the collector of `uncovered_texts`, so
  that no report shows boxes silently.

Shaped Arabic is written as presentation forms (U+FB50–U+FEFF), which is what pdftotext gives back;
NFKC normalisation turns them into the letters typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache

from reportlab.graphics.shapes import Group, String
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

from mipat.reports.pdf_styles import FONT_DIR, SANS, register_fonts

CJK = "DroidSansFallback"
_CJK_FILE = "DroidSansFallback.ttf"

# Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko…, their presentation forms) and Arabic to shape.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")
_INVISIBLE = {"Cc", "Cf"}  # controls and format marks (ZWJ, LRM…) draw nothing: never worth a warning


# --- fonts ----------------------------------------------------------------------------------------


@cache
def _cjk_font() -> str:
    """Register the CJK font on first use: it is 3.4 MB, read only for a report that needs it."""
    register_fonts()
    pdfmetrics.registerFont(TTFont(CJK, str(FONT_DIR / _CJK_FILE)))
    return CJK


@cache
def _coverage(font: str) -> frozenset[int]:
    """The code points `font` has a glyph for (a standard PDF font: Latin-1 only)."""
    if font == CJK:
        _cjk_font()
    else:
        register_fonts()
    face = getattr(pdfmetrics.getFont(font), "face", None)
    table = getattr(face, "charToGlyph", None)
    return frozenset(table) if table is not None else frozenset(range(32, 256))


@cache
def _characters(font: str) -> frozenset[str]:
    return frozenset(map(chr, _coverage(font)))


def _covered(char: str, font: str) -> bool:
    return ord(char) in _coverage(font)


def plain(text: str, font: str) -> bool:
    """Whether `text` draws as it is in `font` alone: every character covered, none to shape or reorder.

    The quick test (set operations at C speed) that keeps accented Latin, Greek and Cyrillic text on
    the one-fragment path.
    """
    return text.isascii() or (_characters(font).issuperset(text) and not _RTL.search(text))


@lru_cache(maxsize=65536)
def font_for(char: str, font: str) -> str | None:
    """The font to draw `char` in: `font` if it covers it, else the first bundled font that does."""
    if _covered(char, font):
        return font
    if _covered(char, SANS):
        return SANS
    if _covered(char, CJK):
        return CJK
    return None


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """`text` cut into (text, font) runs, each in the first font that covers it, in the same order.

    Spaces, digits and punctuation stay in the run they are in when its font has them (fewer font
    switches). A character no font covers stays in `font` (it draws as a box; `uncovered` names it).
    """
    if text.isascii():
        return [(text, font)]
    out: list[tuple[str, str]] = []
    start, current = 0, font
    for index, char in enumerate(text):
        if unicodedata.category(char)[0] not in "LM" and _covered(char, current):
            continue
        chosen = font_for(char, font) or font
        if chosen != current and index > start:
            out.append((text[start:index], current))
            start = index
        current = chosen
    out.append((text[start:], current))
    return out


def uncovered(text: str, font: str = SANS) -> str:
    """The distinct visible characters of `text` that no bundled font covers, in order of appearance."""
    if text.isascii():
        return ""
    seen = dict.fromkeys(
        char
        for char in shaped(text)
        if font_for(char, font) is None and unicodedata.category(char) not in _INVISIBLE and not char.isspace()
    )
    return "".join(seen)


def script_name(char: str) -> str:
    """A reader's name for the script or kind of `char`: 'Ethiopic', 'Linear B', 'symbols and emoji'."""
    if unicodedata.category(char).startswith("S"):
        return "symbols and emoji"
    name = unicodedata.name(char, "")
    if not name:
        return "unassigned or private-use characters"
    if name.startswith("CJK"):
        return "CJK (rare ideographs)"
    words = name.split()
    return " ".join(words[:2] if words[0] in _TWO_WORD_SCRIPTS else words[:1]).title()


# Unicode character names whose script is named by two words ("LINEAR B SYLLABLE B008 A").
_TWO_WORD_SCRIPTS = frozenset(
    {"LINEAR", "OLD", "CANADIAN", "TAI", "NEW", "INSCRIPTIONAL", "CAUCASIAN", "MEETEI", "ANATOLIAN", "EGYPTIAN"}
    | {"CYPRO", "KHITAN", "NYIAKENG", "HANIFI", "MASARAM", "GUNJALA", "ZANABAZAR", "PAHAWH", "SORA", "PAU", "WARANG"}
    | {"MENDE", "MRO"}
)


# --- shaping and display order --------------------------------------------------------------------


@cache
def _reshaper():
    from arabic_reshaper import ArabicReshaper  # imported when a text has Arabic, not at start-up

    # Harakat kept (a name is printed as typed); only the mandatory lam-alef ligatures, which DejaVu has.
    return ArabicReshaper(configuration={"delete_harakat": False, "ARABIC LIGATURE ALLAH": False})


def shaped(text: str) -> str:
    """`text` in logical order with its Arabic letters in their contextual (joined) forms."""
    if text.isascii() or not _ARABIC.search(text):
        return text
    out = _reshaper().reshape(text)
    # A form DejaVu lacks (some Persian and Urdu letters) is drawn unjoined rather than as a box.
    return _PRESENTATION_FORMS.sub(lambda m: m[0] if _covered(m[0], SANS) else unicodedata.normalize("NFKC", m[0]), out)


def direction(text: str) -> int | None:
    """None for text with no right-to-left letter; else its paragraph level (0 left to right, 1 right to left)."""
    if text.isascii() or not _RTL.search(text):
        return None
    from bidi.algorithm import get_base_level

    return get_base_level(text)


def display(text: str, base: int | None = None) -> str:
    """One line of already shaped text in the order it is drawn, left to right.

    `base` is the paragraph's direction (`direction` of the whole paragraph), so that every line of a
    wrapped paragraph is ordered alike; by default, the line's own.
    """
    if text.isascii() or not _RTL.search(text):
        return text
    from bidi.algorithm import get_display  # the Python implementation: it mirrors brackets, the Rust one not

    # Combining marks stay before their letter once reversed: DejaVu draws an Arabic or Hebrew mark over
    # the glyph that follows it, so this is where they belong (and pdftotext reads them back in order).
    return get_display(text, base_dir=None if base is None else "LR"[base])


def visual(text: str) -> str:
    """One line of text as it is drawn left to right (shaped, reordered): for the canvas and charts."""
    return display(shaped(text))


# --- drawing on a canvas or in a chart ------------------------------------------------------------


def width(text: str, font: str, size: float) -> float:
    """The drawn width of `text` in points, each run in the font that covers it."""
    if plain(text, font):
        return stringWidth(text, font, size)
    return sum(stringWidth(part, run_font, size) for part, run_font in runs(shaped(text), font))


def draw_string(canvas, x: float, y: float, text: str, font: str, size: float, *, anchor: str = "start") -> float:
    """Draw one line of text on a canvas (anchor: start, middle or end at `x`); returns its width."""
    if plain(text, font):
        parts = [(text, font)]
    else:
        note_uncovered(text, font)
        parts = runs(visual(text), font)
    total = sum(stringWidth(part, run_font, size) for part, run_font in parts)
    x -= {"start": 0.0, "middle": total / 2, "end": total}[anchor]
    for part, run_font in parts:
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, part)
        x += stringWidth(part, run_font, size)
    if len(parts) > 1:
        canvas.setFont(font, size)
    return total


def graphic_string(
    x: float, y: float, text: str, *, fontName: str, fontSize: float, fillColor, textAnchor: str = "start"
) -> String | Group:
    """A chart label like reportlab.graphics.shapes.String, shaped, reordered and in as many fonts as it needs."""
    if plain(text, fontName):
        return String(x, y, text, fontName=fontName, fontSize=fontSize, fillColor=fillColor, textAnchor=textAnchor)
    note_uncovered(text, fontName)
    parts = runs(visual(text), fontName)
    if len(parts) == 1:
        part = parts[0][0]
        return String(x, y, part, fontName=fontName, fontSize=fontSize, fillColor=fillColor, textAnchor=textAnchor)
    total = sum(stringWidth(part, run_font, fontSize) for part, run_font in parts)
    x -= {"start": 0.0, "middle": total / 2, "end": total}[textAnchor]
    group = Group()
    for part, run_font in parts:
        group.add(String(x, y, part, fontName=run_font, fontSize=fontSize, fillColor=fillColor))
        x += stringWidth(part, run_font, fontSize)
    return group


# --- warnings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncovered:
    """A text drawn with characters that no embedded font covers (they show as empty boxes)."""

    text: str
    characters: str

    @property
    def scripts(self) -> list[str]:
        return list(dict.fromkeys(script_name(char) for char in self.characters))

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        chars = " ".join(f"{char} U+{ord(char):04X}" for char in self.characters[:5])
        more = " …" if len(self.characters) > 5 else ""
        return (
            f"{shown!r} uses a script no embedded font covers ({', '.join(self.scripts)}: {chars}{more}); "
            "those characters show as empty boxes"
        )


_FOUND: ContextVar[list[Uncovered] | None] = ContextVar("mipat_uncovered_texts", default=None)


@contextmanager
def uncovered_texts() -> Iterator[list[Uncovered]]:
    """Collect, while the block runs, every text a report draws with characters no embedded font covers.

    The list is filled as the report is built (each text once, in order of first appearance):

        with uncovered_texts() as found:
            pdf = render_pdf(assessment, "en")
        for item in found:
            print(f"warning: {item}")
    """
    found: list[Uncovered] = []
    token = _FOUND.set(found)
    try:
        yield found
    finally:
        _FOUND.reset(token)


def note_uncovered(text: str, font: str = SANS) -> None:
    """Tell the active collector, if any, about `text` when some of its characters have no font."""
    found = _FOUND.get()
    if found is None or text.isascii():
        return
    missing = uncovered(text, font)
    if missing and all(item.text != text for item in found):
        found.append(Uncovered(text, missing))
