"""The auditor PDF report: read back with pypdf and pdftotext, in each language, against the result JSON."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from mipat.assessment.results import Assessment
from mipat.assessment.results_files import parse_result
from mipat.assessment.scoring import Clock, Scorer, build_scorer
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.locale_format import format_date, typography
from mipat.questionnaires.responses import EVIDENCE_KINDS
from mipat.questionnaires.source_files import Document, read_document
from mipat.questionnaires.validation import validate_document
from mipat.reports.comparison import outcome_changes
from mipat.reports.pdf_document import literal
from mipat.reports.pdf_report import render_pdf
from mipat.reports.pdf_styles import CONDENSED, SANS, SANS_BOLD, register_fonts, styles
from mipat.reports.strings import word
from tests.pdf_layout import layout_faults
from tests.report_string_checks import assert_strings_complete

ROOT = Path(__file__).resolve().parents[1]
# Every module that puts fixed words on the report's pages.
REPORT_SOURCES = [
    ROOT / "reports" / "pdf_report.py",
    ROOT / "reports" / "answer_text.py",
    ROOT / "reports" / "portfolio_pdf.py",
    *sorted((ROOT / "reports" / "sections").glob("*.py")),
]
EXAMPLES = ROOT / "examples"
CLOCK = Clock.fixed_or_now("2026-01-31T09:00:00Z")
EARLIER = Clock.fixed_or_now("2025-01-31T09:00:00Z")
SECTIONS = ["pdf_sec_summary", "pdf_sec_method", "pdf_sec_scores", "pdf_sec_span", "pdf_sec_findings"]
SECTIONS += ["pdf_sec_annexes"]

# User text that looks like markup, and names in three scripts.
HOSTILE_AUTHORITY = "Ministère <b>des</b> Affaires &amp; Co <font size=40>Μαρία Παπαδοπούλου</font> Дмитрий Иванов"
HOSTILE_COMMENT = "Réunion avec Дмитрий Иванов & <i>Μαρία Παπαδοπούλου</i> <br/> le 3 < 4 &lt; <para>fin</para>"
HOSTILE_PARTNER = "Ассоциация «Дмитрий Иванов» & <u>Σύλλογος</u>"


@cache
def scorer() -> Scorer:
    return Scorer()


@cache
def example(name: str) -> Assessment:
    return scorer().score_file(EXAMPLES / name, CLOCK, display=f"examples/{name}")


def response_data(name: str) -> dict[str, Any]:
    return copy.deepcopy(read_document(EXAMPLES / name).data)


def scored(data: dict[str, Any], clock: Clock, file: str) -> Assessment:
    report = validate_document(Document(file, data, {(): 1}))
    response = report.raise_for_errors()
    return scorer().score(response, clock, input_file=file, input_sha256="0" * 64)


@cache
def hostile() -> Assessment:
    """A draft of the French example whose authority, comment and partner carry markup and Greek/Cyrillic."""
    data = response_data("national-origin-fr.yaml")
    data["status"] = "draft"
    data["answers"]["RS.2"] = HOSTILE_AUTHORITY
    data["answers"]["WOG.1"] = {"value": "yes", "comment": HOSTILE_COMMENT}
    data["respondent"]["name"] = "Μαρία Παπαδοπούλου"
    data["inventory"][0]["partners"].append({"name": HOSTILE_PARTNER, "kind": "civil_society"})
    return scored(data, CLOCK, "hostile.yaml")


@cache
def earlier() -> Assessment:
    """The French example a year earlier: a weaker coordination body, no migrant voice, a better local link."""
    data = response_data("national-origin-fr.yaml")
    answers = data["answers"]
    for qid in ("WOG.1", "FW.2", "FW.7", "NSA.20"):
        answers[qid] = "no"
    answers["LOC.2"] = "yes"
    answers["LOC.1"] = "involved"
    data["inventory"] = data["inventory"][:3]
    return scored(data, EARLIER, "examples/national-origin-fr-2024.yaml")


TAILORING = """
disable:
  - {rule: GCM-NS-03, justification: "Not relevant <here> & agreed with the audit office"}
weights:
  - {rule: GCM-WOG-01, weight: 2, justification: "The coordination body is reviewed separately this cycle"}
exceptions:
  - {rule: GCM-CS-02, justification: "Child-protection review under way, see <minutes>", approver: "Дмитрий Иванов",
     expires: 2026-12-31}
  - {rule: GCM-HR-01, justification: "Waiver from the last cycle, kept on record", approver: "Audit office",
     expires: 2025-06-30}
"""


@pytest.fixture(scope="module")
def tailored(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    path = tmp_path_factory.mktemp("tailoring") / "tailoring.yaml"
    path.write_text(TAILORING, encoding="utf-8")
    tailored_scorer = build_scorer(tailoring_file=path)
    try:
        return tailored_scorer.score_file(EXAMPLES / "federal-destination-en.yaml", CLOCK)
    finally:
        tailored_scorer.close()


@cache
def pdf(name: str, lang: Language, previous: bool = False) -> bytes:
    assessment = hostile() if name == "hostile" else example(name)
    return render_pdf(assessment, lang, previous=earlier() if previous else None)


@cache
def text(name: str, lang: Language, previous: bool = False, *, layout: bool = False) -> str:
    return pdftotext(pdf(name, lang, previous), layout=layout)


def pdftotext(data: bytes, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")


def flat(value: str) -> str:
    """Text with every run of whitespace (line and cell breaks included) as one space."""
    return " ".join(value.split())


def number(value: float | None, lang: Language) -> str:
    assert value is not None
    return f"{value:.1f}".replace(".", word("pdf_decimal", lang))


def result_json(assessment: Assessment) -> dict[str, Any]:
    """The saved result, as `mipat score --format json` writes it."""
    return json.loads(assessment.to_json())


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
pytestmark = needs_poppler


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_main_section_heading_is_printed_in_each_language(lang: Language) -> None:
    printed = flat(text("national-origin-fr.yaml", lang))
    for key in ["pdf_contents", *SECTIONS]:
        assert word(key, lang) in printed, key
    assert word("pdf_well_developed", lang) in printed
    assert word("pdf_potential", lang) in printed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bookmarks_list_the_main_sections_in_report_order(lang: Language) -> None:
    reader = PdfReader(_stream(pdf("national-origin-fr.yaml", lang)))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    expected = [word(key, lang) for key in ["pdf_cover", "pdf_contents", *SECTIONS]]
    assert top == expected
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert nested, "sections carry sub-bookmarks (packs, principles, questionnaire sections)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_overall_index_and_every_principle_score_print_as_in_the_result_json(lang: Language) -> None:
    result = result_json(example("national-origin-fr.yaml"))
    lines = text("national-origin-fr.yaml", lang, layout=True).splitlines()
    printed = flat("\n".join(lines))
    band = next(b for b in result["bands"][0]["bands"] if b["code"] == result["overall_band"])
    lead = word(
        "pdf_summary_lead",
        lang,
        authority=result["scope"]["authority"],
        index=number(result["overall_index"], lang),
        band=f"{band['code']} · {band['label'][lang]}",
    )
    assert flat(lead) in printed
    principles = next(p for p in result["packs"] if p["id"] == "gcm-guiding-principles")
    assert len(principles["groups"]) == 10
    for group in principles["groups"]:
        title = group["title"][lang]
        score = number(group["score"], lang)
        rows = [line for line in lines if title in line and re.search(rf"(?<![\d,.]){re.escape(score)}(?![\d])", line)]
        assert rows, f"no line prints {title!r} with {score}"
    for pack in result["packs"]:
        if pack["index"] is not None:
            assert re.search(
                rf"{re.escape(word('pdf_pack_index', lang))}\s+{re.escape(number(pack['index'], lang))}",
                "\n".join(lines),
            )


def test_markup_characters_in_the_bundled_example_print_as_written() -> None:
    printed = flat(text("national-origin-fr.yaml", "fr"))
    assert "Comité Migration & Développement <CMD>" in printed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_markup_in_names_and_comments_prints_literally_and_never_restyles(lang: Language) -> None:
    printed = flat(text("hostile", lang))
    assert flat(HOSTILE_AUTHORITY) in printed
    assert flat(HOSTILE_COMMENT) in printed
    assert HOSTILE_PARTNER in printed
    assert "Μαρία Παπαδοπούλου" in printed and "Дмитрий Иванов" in printed
    assert word("pdf_draft", lang) in printed, "a draft response is marked as such"
    sizes = _font_sizes(pdf("hostile", lang))
    assert max(sizes) <= 26, "no `<font size=40>` from user text reached the layout"


def test_greek_and_cyrillic_names_have_glyphs_in_every_embedded_font() -> None:
    register_fonts()
    names = "Μαρία Παπαδοπούλου Дмитрий Иванов ÀÉÎÕÜ çñœß ĄČĐŁŐŞŽ"
    for font_name in (SANS, SANS_BOLD, CONDENSED):
        face = pdfmetrics.getFont(font_name).face
        missing = [ch for ch in names if ch != " " and ord(ch) not in face.charToGlyph]
        assert not missing, (font_name, missing)
    reader = PdfReader(_stream(pdf("hostile", "en")))
    fonts = _fonts(reader)
    assert fonts and all("FontFile2" in f for f in fonts), "every font is an embedded TrueType subset"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_metadata_names_the_report_its_author_subject_and_language(lang: Language) -> None:
    assessment = example("national-origin-fr.yaml")
    reader = PdfReader(_stream(pdf("national-origin-fr.yaml", lang)))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == f"{word('pdf_title', lang)} — {assessment.scope.authority}"
    assert meta.author == assessment.scope.lead
    assert meta.subject == word("pdf_subtitle", lang)
    assert meta["/Keywords"] == typography(word("pdf_keywords", lang), lang)
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert meta["/CreationDate"].startswith("D:20260131090000")


def test_the_same_assessment_gives_byte_identical_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = example("federal-destination-en.yaml")
    first = render_pdf(assessment, "en")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # neither the environment nor the clock leaks in
    second = render_pdf(parse_result(assessment.to_json()), "en")
    assert first == second
    assert b"/CreationDate (D:20260131090000" in first


def test_a_saved_result_renders_the_same_report_as_the_live_assessment() -> None:
    assessment = example("city-es.yaml")
    assert render_pdf(parse_result(assessment.to_json()), "es") == pdf("city-es.yaml", "es")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_says_page_x_of_y(lang: Language) -> None:
    reader = PdfReader(_stream(pdf("city-es.yaml", lang)))
    total = len(reader.pages)
    for index, page in enumerate(reader.pages, start=1):
        assert word("pdf_page_of", lang, page=index, pages=total) in page.extract_text()


def test_table_headers_repeat_on_every_page_of_the_answer_annex() -> None:
    reader = PdfReader(_stream(pdf("national-origin-fr.yaml", "en")))
    pages = [page.extract_text() for page in reader.pages]
    start = next(i for i, page in enumerate(pages) if word("pdf_sec_answers", "en") in page and "RS.1" in page)
    assert len(pages) - start > 3
    for page in pages[start:]:
        assert word("pdf_question", "en") in page and word("pdf_answer", "en") in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_report_with_a_previous_assessment_shows_the_deltas_and_the_gaps(lang: Language) -> None:
    now, before = result_json(example("national-origin-fr.yaml")), result_json(earlier())
    printed = flat(text("national-origin-fr.yaml", lang, previous=True))
    assert word("pdf_sec_change", lang) in printed
    # Both cycles cover 2022-2024 here, so they are told apart by the date each was scored.
    assert word("pdf_legend_previous", lang, date=format_date("2025-01-31", lang)) in printed
    delta = round(now["overall_index"] - before["overall_index"], 1)
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    overall_row = (
        f"{word('overall_index', lang)} {number(before['overall_index'], lang)} "
        f"{number(now['overall_index'], lang)} {sign}{number(abs(delta), lang)}"
    )
    assert overall_row in printed
    changed = outcome_changes(earlier(), example("national-origin-fr.yaml"))
    assert changed.improved and changed.declined
    change = printed.split(word("pdf_sec_change", lang))[-1].split(word("pdf_sec_annexes", lang))[0]
    for item in changed.improved + changed.declined + changed.other:  # every change, in either direction
        assert item.rule.rule_id in change
    assert word("pdf_outcomes_improved", lang, count=len(changed.improved)) in change
    assert word("pdf_outcomes_declined", lang, count=len(changed.declined)) in change
    outline = [
        i.title
        for i in PdfReader(_stream(pdf("national-origin-fr.yaml", lang, True))).outline
        if not isinstance(i, list)
    ]
    assert word("pdf_sec_change", lang) in outline


def test_a_city_is_told_that_the_sdg_10_7_2_domain_does_not_apply() -> None:
    printed = flat(text("city-es.yaml", "es"))
    assert word("pdf_domain_not_applicable", "es") in printed


def test_a_barely_started_draft_still_gives_a_complete_report() -> None:
    assessment = scorer().score_file(ROOT / "tests" / "data" / "draft_minimal.yaml", CLOCK)
    assert not assessment.complete
    printed = flat(pdftotext(render_pdf(assessment, "en")))
    assert word("draft_incomplete", "en") in printed
    assert word("pdf_strongest", "en") not in printed, "no principle scores above zero, so none is called developed"
    for key in SECTIONS:
        assert word(key, "en") in printed


def test_a_result_from_an_unbundled_questionnaire_version_lists_answers_by_id() -> None:
    assessment = example("city-es.yaml")
    unknown = assessment.model_copy(
        update={"questionnaire": assessment.questionnaire.model_copy(update={"version": "9.9.9"})}
    )
    printed = flat(pdftotext(render_pdf(unknown, "es")))
    assert (
        word("pdf_answers_unknown_questionnaire", "es", questionnaire="mipat-partnerships", version="9.9.9") in printed
    )
    assert "LOC.1" in printed.split(word("pdf_sec_answers", "es"))[-1]


def test_the_unconfirmed_band_cut_offs_are_flagged_in_the_method() -> None:
    statuses = {b.id: b.status for b in example("national-origin-fr.yaml").bands}
    assert statuses == {"sdg-10-7-2": "unconfirmed", "mipat-development": "judgement"}
    printed = flat(text("national-origin-fr.yaml", "en"))
    assert word("pdf_bands_unconfirmed", "en") in printed
    assert word("pdf_bands_judgement", "en", scheme="mipat-development") in printed


def test_every_fixed_report_string_exists_in_the_three_languages() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in REPORT_SOURCES)
    called = set(re.findall(r"""(?:\b(?:k|self)\.[wt]|(?<!_)\bword)\(\s*["']([a-z0-9_]+)["']""", source))
    listed = set(re.findall(r"""["'](pdf_[a-z0-9_]+)["']""", source))
    families = {"pdf_scored_by_": ("principles", "actions", "targets", "sdg_1072")}
    families["pdf_kind_"] = ("select", "disable", "weight", "exception")
    families["outcome_"] = ("met", "partially_met", "not_met", "not_applicable", "not_answered", "waived")
    families["pdf_evidence_kind_"] = EVIDENCE_KINDS
    dynamic = {prefix + member for prefix, members in families.items() for member in members}
    used = called | listed | dynamic
    assert_strings_complete(used, "pdf_", at_least=100)


def test_literal_paragraphs_never_read_markup_and_markup_paragraphs_get_escaped_text() -> None:
    register_fonts()
    style = styles().body
    for text in (HOSTILE_AUTHORITY, HOSTILE_COMMENT, "a & b <br/> c", "&nbsp;&lt;&#60;"):
        paragraph = literal(text, style)
        assert paragraph.getPlainText() == text
        assert len(paragraph.frags) == 1 and paragraph.frags[0].fontSize == style.fontSize
    assert [f.text for f in literal("line one\nline two", style).frags if f.text] == ["line one", "line two"]
    # No paragraph of the report is built from markup: every text goes through `literal`.
    source = "\n".join(path.read_text(encoding="utf-8") for path in REPORT_SOURCES)
    assert not re.search(r"\bPara(graph)?\((?!None)", source)


def test_tailoring_and_exceptions_are_listed_with_their_justification(tailored: Assessment) -> None:
    assert {c.kind for c in tailored.tailoring} == {"disable", "weight", "exception"}
    printed = flat(pdftotext(render_pdf(tailored, "en")))
    annex = printed.split(word("pdf_sec_tailoring", "en"))[-1].split(word("pdf_sec_answers", "en"))[0]
    for change in tailored.tailoring:
        assert change.target in annex and flat(change.justification) in annex
    assert word("pdf_exceptions", "en") in annex
    assert "Дмитрий Иванов" in annex and word("pdf_in_force", "en") in annex and word("pdf_expired", "en") in annex
    assert word("pdf_weight_from_to", "en", base="5", weight="2") in annex
    assert tailored.tailoring_sha256 is not None and tailored.tailoring_sha256 in printed
    trace = printed.split(word("pdf_sec_traceability", "en"))[-1].split(word("pdf_sec_tailoring", "en"))[0]
    assert word("pdf_warnings", "en") in trace, "the expired exception's warning is reported"


def test_every_page_renders_to_a_non_blank_image(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    document = tmp_path / "report.pdf"
    document.write_bytes(pdf("hostile", "fr", previous=True))
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(document), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.pgm"))
    assert len(images) == len(PdfReader(str(document)).pages) > 20
    for image in images:
        width, height, pixels = _read_pgm(image)
        inked = sum(1 for value in pixels if value < 160)
        assert inked > width * height * 0.002, f"{image.name} looks blank"


def _read_pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields is not None, path
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[fields.end() :]


def _stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _fonts(reader: PdfReader) -> list[dict]:
    found = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                found[descriptor["/FontName"]] = {str(k).lstrip("/"): v for k, v in descriptor.items()}
            else:
                found[font.get("/BaseFont")] = {}
    return list(found.values())


def _font_sizes(data: bytes) -> list[float]:
    reader = PdfReader(_stream(data))
    sizes: list[float] = []
    for page in reader.pages:
        content = page.get_contents()
        if content is None:
            continue
        sizes += [float(m) for m in re.findall(rb"/F\d+(?:\+\d+)? ([\d.]+) Tf", content.get_data())]
    return sizes


@pytest.mark.parametrize(
    ("name", "lang", "previous"),
    [
        ("national-origin-fr.yaml", "fr", False),
        ("federal-destination-en.yaml", "en", False),
        ("city-es.yaml", "es", False),
        ("national-origin-fr.yaml", "en", True),
        ("hostile", "fr", False),
    ],
)
def test_pages_keep_the_margin_and_none_is_left_half_empty_mid_chapter(name: str, lang: Language, previous: bool):
    faults = layout_faults(pdf(name, lang, previous))
    assert not faults, "\n".join(faults)


def test_body_text_is_at_least_9_pt_and_table_text_at_least_8_pt() -> None:
    st = styles()
    for name in st.__dataclass_fields__:
        style = getattr(st, name)
        least = 8 if name.startswith("cell") else 9
        assert style.fontSize >= least, (name, style.fontSize)
    # Everything drawn, running header and footer and chart labels included, stays legible in print.
    assert min(_font_sizes(pdf("national-origin-fr.yaml", "fr"))) >= 7


def test_the_pdf_report_never_reads_the_rules_layer() -> None:
    """A saved result renders as it was scored: labels and layout come from the Assessment. (The
    terminal's `explain` words rule conditions, and so reads the rules layer: rule_text.py.)"""
    pdf_modules = [path for path in sorted((ROOT / "reports").rglob("*.py")) if path.name != "rule_text.py"]
    assert len(pdf_modules) > 15
    for path in pdf_modules:
        assert "mipat.rules" not in path.read_text(encoding="utf-8"), path.name


# Common English words that are not also French or Spanish words.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "rule",
        "rules",
        "partnership",
        "partnerships",
        "met",
        "evidence",
        "answer",
        "answers",
        "overall",
        "band",
        "yes",
        "none",
        "if",
        "is",
        "are",
        "this",
        "that",
        "for",
        "from",
        "draft",
        "step",
        "steps",
        "area",
        "areas",
        "which",
        "what",
        "when",
        "scored",
        "scoring",
        "assessed",
        "wrote",
        "index",
        "not",
        "should",
        "would",
        "could",
        "does",
        "each",
        "every",
        "been",
        "has",
        "have",
    ]
)


@pytest.mark.parametrize(("name", "lang"), [("national-origin-fr.yaml", "fr"), ("city-es.yaml", "es")])
def test_french_and_spanish_reports_have_no_english_left(name: str, lang: Language) -> None:
    words = re.findall(r"[\w'’.-]+", text(name, lang))
    # Ids and codes (FOR.3, mipat-partnerships, GCM-PC-01) and acronyms stay as they are.
    plain = [w for w in words if not re.search(r"[\d.-]", w) and not w.isupper()]
    english = sorted({w for w in plain if w.lower() in ENGLISH_WORDS})
    assert not english, english
