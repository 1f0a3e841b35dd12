"""Names in every script a partner may use: drawn, embedded, and read back from the PDF.

pdftotext reads right-to-left text back in logical order (poppler reorders it), but wraps runs of
another direction in bidi control characters and gives shaped Arabic as presentation forms
(U+FB50–U+FEFF): the text is compared after removing the controls and NFKC normalisation, which
turns the presentation forms back into the letters typed. pypdf reorders right-to-left runs too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from functools import cache

import pytest
from pypdf import PdfReader

from mipat.assessment.results import Assessment
from mipat.reports import scripts
from mipat.reports.pdf_document import Chrome, Metadata, build_pdf, literal
from mipat.reports.pdf_report import render_pdf
from mipat.reports.pdf_styles import CONDENSED, SANS, SANS_BOLD, SANS_ITALIC, styles
from tests.test_pdf_report import CLOCK, response_data, scored

NAMES = {
    "Arabic": "جمعية الهلال الأحمر",
    "Persian": "پژوهشگاه گیلان",
    "Hebrew": "עמותת קו לעובד",
    "Chinese": "中国国际移民研究中心",
    "Japanese": "山田太郎",
    "Korean": "김민준 이주민센터",
    "Cyrillic": "Дмитрий Иванов",
    "Greek": "Μαρία Παπαδοπούλου",
}
AUTHORITY = "وزارة العمل"  # cover, running header of every page, PDF title
RESPONDENT = "王小明"
PARTNERSHIP = "日韓移民協定"
UNCOVERED = {"Ethiopic": "ማኅበረ ሰብ", "Linear B": "𐀀𐀁𐀂", "symbols and emoji": "Partners 🤝🌍"}
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def with_names(names: dict[str, str]) -> Assessment:
    """The French example with its authority, respondent, a partnership and its partners renamed."""
    data = response_data("national-origin-fr.yaml")
    data["answers"]["RS.2"] = AUTHORITY
    data["respondent"]["name"] = RESPONDENT
    data["inventory"][0]["name"] = PARTNERSHIP
    data["inventory"][0]["partners"] += [{"name": name, "kind": "civil_society"} for name in names.values()]
    return scored(data, CLOCK, "scripts.yaml")


@cache
def names_pdf() -> bytes:
    return render_pdf(with_names(NAMES), "en")


def pdftotext(data: bytes, *pages: int) -> str:
    """pdftotext's reading, with bidi controls removed and presentation forms folded (NFKC)."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    args = ["pdftotext", "-enc", "UTF-8", *span, "-", "-"]
    text = subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")
    return unicodedata.normalize("NFKC", BIDI_CONTROLS.sub("", text))


def flat(text: str) -> str:
    return " ".join(text.split())


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# --- shaping, display order and fonts -------------------------------------------------------------


def test_arabic_letters_take_their_joined_forms_and_lam_alef_its_ligature() -> None:
    # meem initial, hah medial, meem medial, dal final
    assert scripts.shaped("محمد") == "\ufee3\ufea4\ufee4\ufeaa"
    assert scripts.shaped("لا") == "\ufefb"
    assert nfkc(scripts.shaped("جمعية الهلال الأحمر")) == "جمعية الهلال الأحمر"


def test_harakat_are_kept_so_a_vocalised_name_prints_as_typed() -> None:
    assert nfkc(scripts.shaped("مُحَمَّد")) == "مُحَمَّد"


def test_mixed_latin_arabic_and_digits_keep_latin_and_digits_left_to_right() -> None:
    # A left-to-right line: the Arabic run is reversed as a whole, the number inside it stays 123.
    assert nfkc(scripts.visual("abc محمد 123 علي.")) == "abc يلع 123 دمحم."


def test_a_right_to_left_line_mirrors_its_brackets_and_keeps_numbers_readable() -> None:
    assert nfkc(scripts.visual("محمد (علي) 12")) == "12 (يلع) دمحم"


def test_hebrew_is_reversed_and_not_shaped() -> None:
    assert scripts.visual("עמותת קו") == "וק תתומע"


def test_latin_greek_cyrillic_and_cjk_are_left_in_logical_order() -> None:
    for name in ("Ακρόπολη", "Дмитрий", "中国国际", "김민준", "Wang (王) 12"):
        assert scripts.visual(name) == name
        assert scripts.direction(name) is None


def test_each_run_is_drawn_in_the_first_bundled_font_that_covers_it() -> None:
    assert scripts.runs("Wang 王小明", SANS) == [("Wang ", SANS), ("王小明", scripts.CJK)]
    # DejaVu Sans Oblique has no Arabic: those letters fall back to the upright face.
    assert scripts.runs("A محمد", SANS_ITALIC) == [("A ", SANS_ITALIC), ("محمد", SANS)]
    assert scripts.runs("Μαρία Дмитрий", CONDENSED) == [("Μαρία Дмитрий", CONDENSED)]


def test_no_character_of_the_supported_scripts_is_uncovered() -> None:
    for style_font in (SANS, SANS_BOLD, SANS_ITALIC, CONDENSED):
        for name in [*NAMES.values(), AUTHORITY, RESPONDENT, PARTNERSHIP, "مُحَمَّد", "מֹשֶׁה"]:
            assert scripts.uncovered(name, style_font) == "", name


def test_characters_no_font_covers_are_named_with_their_script() -> None:
    assert scripts.uncovered("Abebe ማኅበረ ሰብ") == "ማኅበረሰብ"
    for script, text in UNCOVERED.items():
        assert scripts.uncovered(text)
        assert script in {scripts.script_name(char) for char in scripts.uncovered(text)}


def test_chart_labels_and_canvas_text_are_drawn_run_by_run_in_display_order() -> None:
    label = scripts.graphic_string(10, 0, "Wang 王小明", fontName=SANS, fontSize=8, fillColor=None)
    assert [(s.text, s.fontName) for s in label.contents] == [("Wang ", SANS), ("王小明", scripts.CJK)]
    assert label.contents[1].x == pytest.approx(10 + scripts.width("Wang ", SANS, 8))
    arabic = scripts.graphic_string(0, 0, "وزارة العمل", fontName=SANS, fontSize=8, fillColor=None)
    assert arabic.text == scripts.visual("وزارة العمل")
    assert scripts.graphic_string(0, 0, "Ministère", fontName=SANS, fontSize=8, fillColor=None).text == "Ministère"


def test_plain_ascii_text_stays_one_fragment_per_line() -> None:
    para = literal("Ministry of Labour\nsecond line", styles().body)
    assert [f.text for f in para.frags] == ["Ministry of Labour", "", "second line"]
    assert {f.fontName for f in para.frags} == {SANS}


# --- whole reports read back ----------------------------------------------------------------------


@needs_poppler
def test_names_in_every_script_come_back_from_pdftotext() -> None:
    text = flat(pdftotext(names_pdf()))
    for script, name in NAMES.items():
        assert name in text, script
    for name in (AUTHORITY, RESPONDENT, PARTNERSHIP):
        assert name in text


@needs_poppler
def test_the_running_header_carries_an_arabic_authority_on_every_page() -> None:
    data = names_pdf()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    for page in (2, pages // 2, pages):
        assert AUTHORITY in flat(pdftotext(data, page)), page


def test_names_in_every_script_come_back_from_pypdf() -> None:
    # pypdf, like poppler, puts right-to-left runs drawn in display order back in logical order.
    reader = PdfReader(io.BytesIO(names_pdf()))
    text = flat(nfkc(BIDI_CONTROLS.sub("", "\n".join(page.extract_text() for page in reader.pages))))
    for script, name in NAMES.items():
        assert name in text, script


@needs_poppler
def test_every_font_in_the_report_is_embedded_with_a_unicode_map() -> None:
    listing = subprocess.run(["pdffonts", "-"], input=names_pdf(), capture_output=True, check=True).stdout.decode()
    rows = listing.splitlines()[2:]
    assert any("DroidSansFallback" in row for row in rows)
    for row in rows:
        emb, _, uni = row.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row


@needs_poppler
def test_pages_with_arabic_and_cjk_names_render_without_error(tmp_path) -> None:
    data = names_pdf()
    source = tmp_path / "names.pdf"
    source.write_bytes(data)
    page = next(
        number
        for number in range(1, len(PdfReader(io.BytesIO(data)).pages) + 1)
        if NAMES["Arabic"] in pdftotext(data, number) and NAMES["Chinese"] in pdftotext(data, number)
    )
    args = ["pdftoppm", "-r", "110", "-f", str(page), "-l", str(page), "-png", str(source), str(tmp_path / "page")]
    run = subprocess.run(args, capture_output=True, check=True)
    assert run.stderr == b""
    assert list(tmp_path.glob("page*.png"))


def test_the_same_names_give_byte_identical_pdfs() -> None:
    assert render_pdf(with_names(NAMES), "en") == names_pdf()


def test_a_report_with_names_in_covered_scripts_warns_of_nothing() -> None:
    with scripts.uncovered_texts() as found:
        render_pdf(with_names(NAMES), "fr")
    assert found == []


@needs_poppler
def test_a_name_in_a_script_no_font_covers_is_reported_once_with_its_script() -> None:
    with scripts.uncovered_texts() as found:
        data = render_pdf(with_names(UNCOVERED), "en")
    # Each partner line is "name (kind)", drawn once; its name is in the warning, with the script.
    assert len(found) == len(UNCOVERED)
    for item, (script, name) in zip(found, UNCOVERED.items(), strict=True):
        assert item.text.startswith(name)
        assert script in item.scripts
        assert f"uses a script no embedded font covers ({script}: " in str(item)
    # ReportLab writes every character its font lacks as glyph 0 (a box), which extracts as nothing:
    # the rest of the line still reads back.
    assert "Partners (Civil society or NGO)" in flat(pdftotext(data))


def test_the_collector_only_listens_inside_its_block() -> None:
    literal(UNCOVERED["Ethiopic"], styles().body)  # no collector: nothing to tell, nothing raised
    with scripts.uncovered_texts() as outer:
        literal("ማኅበረ", styles().body)
        with scripts.uncovered_texts() as inner:
            literal("𐀀", styles().cell)
    assert [item.text for item in outer] == ["ማኅበረ"]
    assert [item.text for item in inner] == ["𐀀"]


@needs_poppler
def test_a_wrapped_arabic_paragraph_keeps_its_lines_in_reading_order() -> None:
    words = ["هذا", "نص", "عربي", "طويل", "يلتف", "على", "عدة", "أسطر", "لاختبار", "ترتيب", "الأسطر", "في", "الفقرة"]
    story = [literal(" ".join(words * 5), styles().body)]
    chrome = Chrome("", "", "", None, lambda page, pages: "")
    meta = Metadata("t", "a", "s", "k", "c", "ar", dt.datetime(2026, 1, 31, tzinfo=dt.UTC))
    lines = [line for line in pdftotext(build_pdf(story, chrome, meta)).splitlines() if line.strip()]
    assert len(lines) >= 3
    assert lines[0].split()[:3] == words[:3]
    assert flat(" ".join(lines)) == " ".join(words * 5)
