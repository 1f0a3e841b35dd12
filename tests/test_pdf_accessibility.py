"""What the PDFs offer assistive and cataloguing software: XMP metadata, the title in the viewer's title bar,
and web addresses in user text as clickable links. Read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from mipat.assessment.results import Assessment
from mipat.assessment.scoring import Clock, Scorer
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.source_files import read_document
from mipat.reports import pdf_document
from mipat.reports.pdf_document import Chrome, Metadata, Para, build_pdf, literal
from mipat.reports.pdf_links import link_fragments, web_addresses
from mipat.reports.pdf_report import render_pdf
from mipat.reports.pdf_styles import styles

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLOCK = Clock.fixed_or_now("2026-01-31T09:00:00Z")
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"


@cache
def example(name: str) -> Assessment:
    scorer = Scorer()
    return scorer.score_file(EXAMPLES / name, CLOCK, display=f"examples/{name}")


@cache
def pdf(name: str, lang: Language) -> bytes:
    return render_pdf(example(name), lang)


def evidence_addresses(name: str) -> list[str]:
    """The web addresses a respondent gave as evidence references in an example response."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            reference = node.get("reference")
            if isinstance(reference, str) and reference.startswith("https://"):
                found.append(reference)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(read_document(EXAMPLES / name).data)
    return found


@pytest.fixture
def linked(monkeypatch: pytest.MonkeyPatch) -> None:
    """literal() paragraphs with their web addresses linked."""
    link_literal_paragraphs(monkeypatch)


def link_literal_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until `literal` calls `link_fragments` itself, wrap the paragraph class it builds; once it does,
    install nothing (the wrapper would change nothing anyway: a second pass leaves linked fragments alone).
    """
    if _literal_links():
        return

    class LinkedPara(Para):
        def __init__(self, text, style, bulletText=None, frags=None) -> None:
            frags = link_fragments(frags) if frags else frags
            super().__init__(text, style, bulletText=bulletText, frags=frags)

    monkeypatch.setattr(pdf_document, "Para", LinkedPara)


def _literal_links() -> bool:
    return any(getattr(f, "link", None) for f in literal("https://example.org", styles().body).frags)


def uri_links(data: bytes) -> list[tuple[int, str]]:
    """(page number, target) of every /URI link annotation."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if annotation["/Subtype"] == "/Link" and action is not None and "/URI" in action:
                found.append((number, str(action["/URI"])))
    return found


def tiny_pdf(meta: Metadata, text: str = "Body text.") -> bytes:
    """A one-page document on the report's page machinery, for metadata that no example carries."""
    chrome = Chrome("header", "right", "footer", None, lambda page, total: f"{page}/{total}")
    return build_pdf([literal(text, styles().body)], chrome, meta)


def meta_with(title: str, author: str = "Author") -> Metadata:
    moment = dt.datetime(2026, 1, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    return Metadata(title, author, "Subject", "a; b", "mipat test", "fr", moment)


# --- XMP metadata and viewer preferences -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_xmp_packet_repeats_the_info_dictionary_in_the_report_language(lang: Language) -> None:
    reader = PdfReader(io.BytesIO(pdf("national-origin-fr.yaml", lang)))
    info = reader.metadata
    xmp = reader.xmp_metadata
    assert info is not None and xmp is not None
    assert xmp.dc_title == {"x-default": info.title}
    assert xmp.dc_language == [lang] == [reader.trailer["/Root"]["/Lang"]]
    assert xmp.dc_creator == [info.author]
    assert xmp.dc_description == {"x-default": info.subject}
    assert xmp.pdf_keywords == info["/Keywords"]
    assert xmp.pdf_producer == info.producer
    assert xmp.xmp_creator_tool == info.creator
    assert xmp.xmp_create_date == xmp.xmp_modify_date == dt.datetime(2026, 1, 31, 9, 0)
    assert info["/CreationDate"].startswith("D:20260131090000")


def test_the_xmp_stream_is_marked_as_metadata_and_left_uncompressed() -> None:
    stream = PdfReader(io.BytesIO(pdf("city-es.yaml", "es"))).trailer["/Root"]["/Metadata"].get_object()
    assert stream["/Type"] == "/Metadata" and stream["/Subtype"] == "/XML"
    assert "/Filter" not in stream  # tools that scan a file for XMP without parsing PDF find it
    assert stream.get_data().startswith(b'<?xpacket begin="\xef\xbb\xbf"')


@pytest.mark.parametrize("lang", LANGUAGES)
def test_viewers_show_the_title_open_the_bookmarks_and_know_the_language(lang: Language) -> None:
    root = PdfReader(io.BytesIO(pdf("city-es.yaml", lang))).trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert root["/PageMode"] == "/UseOutlines"
    assert root["/Lang"] == lang


def test_markup_quotes_and_control_characters_in_the_title_give_well_formed_xmp() -> None:
    title = 'Ministère <b>des</b> Affaires &amp; "Co" \x01\x0b\x1f — Дмитрий Μαρία ]]> <?pi?>'
    meta = meta_with(title, author="A & B <script>")
    packet = meta.xmp("Producer & <co>")
    root = ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])  # well-formed, or this raises
    printed = title.replace("\x01", "").replace("\x0b", "").replace("\x1f", "")
    assert root.find(f".//{DC}title/{RDF}Alt/{RDF}li").text == printed
    assert root.find(f".//{DC}creator/{RDF}Seq/{RDF}li").text == "A & B <script>"
    reader = PdfReader(io.BytesIO(tiny_pdf(meta)))
    assert reader.xmp_metadata.dc_title == {"x-default": printed}
    assert reader.metadata.title == title


def test_the_xmp_dates_are_the_creation_date_in_utc() -> None:
    packet = meta_with("Title").xmp("Producer").decode("utf-8")
    for field in ("CreateDate", "ModifyDate", "MetadataDate"):
        assert f"<xmp:{field}>2026-01-31T09:00:00Z</xmp:{field}>" in packet


def test_the_same_input_still_gives_byte_identical_pdfs_with_metadata_and_links(linked: None) -> None:
    first = render_pdf(example("federal-destination-en.yaml"), "en")
    second = render_pdf(example("federal-destination-en.yaml"), "en")
    assert first == second
    assert b"/DisplayDocTitle true" in first and b"<xmp:CreateDate>2026-01-31T09:00:00Z" in first
    assert tiny_pdf(meta_with("T")) == tiny_pdf(meta_with("T"))


# --- clickable web addresses ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["national-origin-fr.yaml", "federal-destination-en.yaml", "city-es.yaml"])
def test_an_evidence_address_in_a_response_becomes_a_clickable_uri_link(linked: None, name: str) -> None:
    addresses = evidence_addresses(name)
    assert addresses, f"{name} has no https evidence reference"
    lang = name.rsplit("-", 1)[1].removesuffix(".yaml")
    links = uri_links(render_pdf(example(name), lang))
    targets = {target for _, target in links}
    assert set(addresses) <= targets
    assert all(target.startswith(("https://", "http://")) for target in targets)


def test_links_change_neither_the_pages_nor_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    assessment = example("national-origin-fr.yaml")
    with monkeypatch.context() as unlinked:
        # literal() without links, whether or not it calls link_fragments yet
        unlinked.setattr(pdf_document, "link_fragments", list, raising=False)
        plain = render_pdf(assessment, "fr")
    link_literal_paragraphs(monkeypatch)
    linked = render_pdf(assessment, "fr")
    assert uri_links(linked) and not uri_links(plain)
    with_links, without = PdfReader(io.BytesIO(linked)), PdfReader(io.BytesIO(plain))
    assert len(with_links.pages) == len(without.pages)
    for linked_page, plain_page in zip(with_links.pages, without.pages, strict=True):
        # the text is shown in more pieces, so an extractor may put a space at a line end differently
        assert linked_page.extract_text().split() == plain_page.extract_text().split()


def test_a_long_unbroken_address_wraps_as_before_and_is_linked_on_every_line() -> None:
    address = "https://www.example.org/" + "un-chemin-tres-long-sans-espace/" * 6 + "fin.pdf"
    text = f"Plan (politique, {address}, 2023-05) et www.autre.example."
    plain = literal(text, styles().cell)
    linked_para = Para(None, styles().cell, frags=link_fragments(plain.frags))
    assert plain.wrap(150, 1000) == linked_para.wrap(150, 1000)
    assert [_line_text(line) for line in plain.blPara.lines] == [_line_text(line) for line in linked_para.blPara.lines]
    lines = len(plain.blPara.lines)
    assert lines >= 5

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    linked_para.drawOn(canvas, 50, 500)
    canvas.save()
    targets = [target for _, target in uri_links(buffer.getvalue())]
    # one annotation on each line the long address occupies (all of them), then the short one on the last
    assert targets == [address] * lines + ["https://www.autre.example"]


def _line_text(line) -> str:
    """The text of one broken line, whitespace collapsed: a plain line is (width, words), a styled one a FragLine."""
    if isinstance(line, tuple):
        return " ".join(line[1])
    return " ".join("".join(getattr(f, "text", "") for f in line.words).split())


@pytest.mark.parametrize(
    ("text", "printed", "target"),
    [
        ("see https://a.example/plan.pdf, 2023", "https://a.example/plan.pdf", "https://a.example/plan.pdf"),
        ("(https://a.example/x).", "https://a.example/x", "https://a.example/x"),
        ("« https://a.example/x »", "https://a.example/x", "https://a.example/x"),
        ("www.a.example/p?q=1&r=2.", "www.a.example/p?q=1&r=2", "https://www.a.example/p?q=1&r=2"),
        ("https://w.example/wiki/Foo_(bar))", "https://w.example/wiki/Foo_(bar)", "https://w.example/wiki/Foo_(bar)"),
        ("HTTP://A.Example/Path", "HTTP://A.Example/Path", "http://a.example/Path"),
        (
            "https://münchen.example/straße",
            "https://münchen.example/straße",
            "https://xn--mnchen-3ya.example/stra%C3%9Fe",
        ),
    ],
)
def test_a_web_address_is_found_without_its_trailing_punctuation(text: str, printed: str, target: str) -> None:
    [(start, end, found)] = web_addresses(text)
    assert (text[start:end], found) == (printed, target)


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://a.example/file",
        "mailto:someone@a.example",
        "https://user:secret@evil.example/",
        "https://",
        "https://a.example:99999/",
        "xhttps://a.example",
        "Ref. 2019-087/MAEKE",
    ],
)
def test_only_http_addresses_with_a_host_become_links(text: str) -> None:
    assert list(web_addresses(text)) == []


def test_linking_leaves_the_text_and_the_shared_template_untouched_and_is_idempotent() -> None:
    # fragments as literal() makes them: clones of one template, a line break between lines
    template = literal("x", styles().body).frags[0]
    line_break = template.clone(text="", lineBreak=True, **{"__tag__": "br"})
    lines = ["a https://a.example/1 b https://a.example/1 c", "www.b.example"]
    fragments = [template.clone(text=lines[0]), line_break, template.clone(text=lines[1])]
    once = link_fragments(fragments)
    assert "".join(f.text for f in once) == "".join(f.text for f in fragments)
    assert all(not f.link for f in [template, *fragments])  # the inputs were cloned, not changed
    assert line_break in once
    links = [f.link for f in once if f.link]
    assert [target for [(_, target)] in links] == [
        "https://a.example/1",
        "https://a.example/1",
        "https://www.b.example",
    ]
    assert len({number for [(number, _)] in links}) == 3  # one annotation per occurrence
    assert link_fragments(once) == once
