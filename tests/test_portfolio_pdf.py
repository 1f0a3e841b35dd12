"""The portfolio PDF of a batch: real PDFs from really scored examples (plus synthetic copies for volume),
read back with pdftotext and pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import statistics
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from mipat.assessment.provenance import Clock
from mipat.assessment.scoring import build_scorer
from mipat.assessment.summary_layout import SummaryLayout, summary_layout
from mipat.assessment.summary_rows import SummaryRow, summary_row
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.reports.portfolio_pdf import MAX_TABLE_ROWS, render_portfolio_pdf
from mipat.reports.strings import word
from mipat.rules.packs import bundled_packs
from tests.report_string_checks import assert_strings_complete

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["city-es.yaml", "federal-destination-en.yaml", "national-origin-fr.yaml"]
GENERATED = dt.datetime(2026, 1, 31, 9, 0, tzinfo=dt.UTC)
SECTIONS = ["portfolio_sec_bands", "portfolio_sec_heat_map", "portfolio_sec_table", "portfolio_sec_gaps"]
HOSTILE_AUTHORITY = "Ministère <b>des</b> Affaires &amp; Co <font size=40>Μαρία Παπαδοπούλου</font> Дмитрий Иванов"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@cache
def layout() -> SummaryLayout:
    return summary_layout(list(bundled_packs()))


@cache
def example_rows() -> tuple[SummaryRow, ...]:
    """The three bundled examples, really scored, as a batch worker would summarise them."""
    scorer = build_scorer()
    try:
        rows = []
        for name in EXAMPLES:
            assessment = scorer.score_file(ROOT / "examples" / name, Clock.fixed_or_now("2026-01-31"))
            rows.append(summary_row(assessment, id=Path(name).stem, result_file=f"results/{name}.json"))
        return tuple(rows)
    finally:
        scorer.close()


def synthetic(count: int, *, prefix: str = "r") -> list[SummaryRow]:
    """`count` copies of the examples with their own id, authority and a spread of overall indices."""
    rows = []
    for i in range(count):
        base = example_rows()[i % 3]
        index = round((i * 37) % 1000 / 10, 1)
        band = 1 if index < 40 else 2 if index < 80 else 3
        rows.append(
            base.model_copy(
                update={
                    "id": f"{prefix}-{i:05d}",
                    "authority": f"Authority {i:05d} of {base.country}",
                    "overall_index": index,
                    "overall_band": band,
                }
            )
        )
    return rows


def render(rows: list[SummaryRow] | tuple[SummaryRow, ...], lang: Language = "en", **options) -> bytes:
    return render_portfolio_pdf(list(rows), layout(), lang, generated=GENERATED, **options)


@cache
def example_pdf(lang: Language) -> bytes:
    return render(example_rows(), lang, failures=1)


def pdftotext(data: bytes, *, layout: bool = False, page: int | None = None) -> str:
    """The text in drawing order (a table cell's lines stay together), or laid out as on the page."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    args = ["pdftotext", "-enc", "UTF-8", *pages, "-layout" if layout else "-raw", "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")


def flat(value: str) -> str:
    return " ".join(value.split())


def section(text: str, key: str, lang: Language = "en") -> str:
    """The text of one section: from its heading to the next section's heading."""
    start = text.index(word(key, lang))
    following = [text.find(word(k, lang), start + 1) for k in SECTIONS[SECTIONS.index(key) + 1 :]]
    ends = [i for i in following if i > start]
    return text[start : min(ends) if ends else len(text)]


def share(count: int, total: int, lang: Language = "en") -> str:
    return f"{100 * count / total:.1f}".replace(".", word("pdf_decimal", lang))


def test_every_response_of_the_batch_is_in_the_comparison_table_with_its_overall_index() -> None:
    table = flat(section(pdftotext(example_pdf("en")), "portfolio_sec_table"))
    for row in example_rows():
        assert row.authority and row.authority in table
        assert row.country and row.country in table
        assert f"{row.overall_index:.1f}" in table


def test_the_comparison_table_lists_the_highest_overall_index_first_and_the_unscored_last() -> None:
    unscored = example_rows()[0].model_copy(
        update={"id": "unscored", "authority": "Nobody scored", "overall_index": None}
    )
    table = flat(section(pdftotext(render([unscored, *example_rows()])), "portfolio_sec_table"))
    ranked = sorted(example_rows(), key=lambda r: -(r.overall_index or 0))
    positions = [table.index(row.authority or "") for row in ranked] + [table.index("Nobody scored")]
    assert positions == sorted(positions)


def test_band_counts_in_the_distribution_chart_match_the_rows() -> None:
    rows = [*example_rows(), *synthetic(7)]
    rows.append(rows[0].model_copy(update={"id": "unscored", "overall_index": None, "overall_band": None}))
    lines = section(pdftotext(render(rows), layout=True), "portfolio_sec_bands").splitlines()
    counts = Counter(row.overall_band for row in rows)
    assert counts[None] == 1 and len(counts) >= 3
    scheme = layout().schemes[layout().overall_scheme]
    expected = [(f"{b.code} · {b.label.en}", counts.get(b.code, 0)) for b in scheme.bands]
    expected.append((word("not_scored", "en"), counts[None]))
    for label, count in expected:
        printed = word("portfolio_count_share", "en", count=count, share=share(count, len(rows)))
        assert any(label in line and line.rstrip().endswith(printed) for line in lines), (label, printed)


def test_the_most_common_gap_is_listed_first_with_its_count_and_share() -> None:
    rows = [*example_rows(), *synthetic(5)]
    counts = Counter(rule for row in rows for rule in set(row.gaps))
    (top, top_count), *rest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    gaps = flat(section(pdftotext(render(rows)), "portfolio_sec_gaps"))
    row_text = re.search(rf"{re.escape(top)} .*? (\d+) ([\d.]+%)", gaps)
    assert row_text is not None
    assert (int(row_text[1]), row_text[2]) == (top_count, f"{share(top_count, len(rows))}%")
    rule = next(r for p in bundled_packs() for r in p.pack.rules if r.id == top)
    assert flat(rule.texts.recommendation.en) in gaps
    header = " ".join(word(key, "en") for key in ("rule", "recommendation", "portfolio_responses_count"))
    assert gaps.split(f"{header} {word('portfolio_share', 'en')} ", 1)[1].startswith(f"{top} "), "listed first"
    assert rest and rest[-1][1] < top_count


def test_a_gap_from_a_custom_pack_is_listed_by_its_id_alone() -> None:
    rows = [row.model_copy(update={"gaps": ["CUSTOM-RULE-01", *row.gaps]}) for row in example_rows()]
    gaps = flat(section(pdftotext(render(rows)), "portfolio_sec_gaps"))
    assert re.search(r"CUSTOM-RULE-01 3 100\.0%", gaps)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headings_and_the_title_are_in_the_report_language(lang: Language) -> None:
    printed = flat(pdftotext(example_pdf(lang)))
    for key in ["portfolio_title", *SECTIONS]:
        assert word(key, lang) in printed, key
    reader = PdfReader(io.BytesIO(example_pdf(lang)))
    assert [item.title for item in reader.outline] == [word(k, lang) for k in ["portfolio_title", *SECTIONS]]
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_french_output_uses_french_headings_and_french_typography() -> None:
    printed = flat(pdftotext(example_pdf("fr")))
    assert "Répartition des catégories globales" in printed
    assert "Comparaison des réponses" in printed
    assert "Écarts les plus fréquents" in printed
    for key in SECTIONS:
        assert word(key, "en") not in printed
    assert "Réponses notées : 3" in printed, "French puts a space before the colon"
    assert flat(word("portfolio_failures_note", "fr", failures=1)) in printed


def test_the_title_block_gives_the_counts_and_the_date() -> None:
    lines = pdftotext(render(synthetic(4), failures=7), layout=True).splitlines()
    assert any(re.fullmatch(rf"\s*{word('portfolio_responses', 'en')}\s+4\s*", line) for line in lines)
    assert any(re.fullmatch(rf"\s*{word('portfolio_failures', 'en')}\s+7\s*", line) for line in lines)
    assert any(re.fullmatch(rf"\s*{word('portfolio_date', 'en')}\s+2026-01-31\s*", line) for line in lines)


def test_markup_and_greek_or_cyrillic_in_user_text_print_literally() -> None:
    rows = [
        example_rows()[0].model_copy(
            update={"authority": HOSTILE_AUTHORITY, "country": "Ελλάδα & <i>Россия</i>", "id": "ελλάδα-1"}
        ),
        *example_rows()[1:],
    ]
    data = render(rows)
    table = flat(section(pdftotext(data), "portfolio_sec_table"))
    assert flat(HOSTILE_AUTHORITY) in table
    assert "Ελλάδα & <i>Россия</i>" in table
    sizes = _font_sizes(data)
    assert max(sizes) <= 26, "no `<font size=40>` from user text reached the layout"


def test_two_renders_with_the_same_date_are_byte_identical_whatever_the_row_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [*example_rows(), *synthetic(30)]
    first = render(rows)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # neither the environment nor the clock leaks in
    assert render(list(reversed(rows))) == first
    assert b"/CreationDate (D:20260131090000" in first
    later = render_portfolio_pdf(rows, layout(), "en", generated=GENERATED + dt.timedelta(days=1))
    assert later != first


def test_no_scored_response_gives_a_pdf_that_says_so() -> None:
    data = render([], failures=2)
    printed = flat(pdftotext(data))
    assert word("portfolio_no_rows", "en") in printed
    assert word("portfolio_failures_note", "en", failures=2) in printed
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_a_single_response_gives_every_section() -> None:
    printed = flat(pdftotext(render(example_rows()[:1])))
    for key in SECTIONS:
        assert word(key, "en") in printed
    assert word("portfolio_count_share", "en", count=1, share="100.0") in printed


def test_the_heat_map_shows_at_most_40_responses_a_page_and_every_response_once() -> None:
    rows = synthetic(65, prefix="h")
    data = render(rows)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    texts = [pdftotext(data, page=n) for n in range(1, pages + 1)]
    table_page = next(i for i, t in enumerate(texts) if word("portfolio_sec_table", "en") in t)
    heat_pages = [t for t in texts[:table_page] if re.search(r"^h-\d{5}$", t, re.M)]
    per_page = [set(re.findall(r"^(h-\d{5})$", t, re.M)) for t in heat_pages]
    assert len(per_page) == 2 and all(len(ids) <= 40 for ids in per_page)
    assert sorted(set().union(*per_page)) == sorted(r.id for r in rows)
    assert all(word("not_scored", "en") in t for t in heat_pages), "every heat map page carries the legend"


def test_more_than_200_responses_show_score_quartiles_instead_of_a_column_each() -> None:
    rows = synthetic(250)
    lines = section(pdftotext(render(rows), layout=True), "portfolio_sec_heat_map").splitlines()
    assert not any(re.search(r"\br-\d{5}\b", line) for line in lines)
    scores = sorted(r.overall_index for r in rows if r.overall_index is not None)
    q1, median, q3 = statistics.quantiles(scores, n=4, method="inclusive")
    expected = [f"{v:.1f}" for v in (scores[0], q1, median, q3, scores[-1])] + [str(len(scores))]
    overall = next(line for line in lines if line.strip().startswith(word("overall_index", "en")))
    assert overall.split()[2:] == expected


def test_600_responses_cap_the_table_at_500_and_say_how_many_more_are_in_summary_csv() -> None:
    rows = synthetic(600)
    data = render(rows)
    printed = pdftotext(data)
    assert word("portfolio_table_capped", "en", shown=MAX_TABLE_ROWS, more=100) in flat(printed)
    table = section(printed, "portfolio_sec_table")
    listed = set(re.findall(r"\br-\d{5}\b", table))
    ranked = sorted(rows, key=lambda r: (-(r.overall_index or 0), r.id))
    assert listed == {r.id for r in ranked[:MAX_TABLE_ROWS]}
    reader = PdfReader(io.BytesIO(data))
    table_pages = [p.extract_text() for p in reader.pages if re.search(r"\br-\d{5}\b", p.extract_text())]
    assert len(table_pages) > 5
    for page in table_pages:
        assert word("portfolio_authority", "en") in page and word("pdf_country", "en") in page, "header repeats"


def test_10000_responses_give_a_bounded_report_with_quartiles_and_a_capped_table() -> None:
    """Speed is measured by benchmarks; here: ten thousand rows still make a short, complete report."""
    rows = synthetic(10_000)
    data = render(rows)
    assert len(PdfReader(io.BytesIO(data)).pages) < 40
    assert word("portfolio_quantiles_intro", "en", count=0).split(", ", 1)[1].split(".")[0] in flat(pdftotext(data))
    assert word("portfolio_table_capped", "en", shown=MAX_TABLE_ROWS, more=9_500) in flat(pdftotext(data))


def test_every_fixed_portfolio_string_exists_in_the_three_languages() -> None:
    source = (ROOT / "reports" / "portfolio_pdf.py").read_text(encoding="utf-8")
    used = set(re.findall(r"""["'](portfolio_[a-z0-9_]+)["']""", source))
    used |= {f"portfolio_level_{code}" for code in ("national", "federal", "regional", "local")}
    used |= set(re.findall(r"""w\(\s*["']([a-z0-9_]+)["']""", source))
    assert_strings_complete(used, "portfolio_", at_least=30)


def _font_sizes(data: bytes) -> list[float]:
    sizes: list[float] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents()
        if content is not None:
            sizes += [float(m) for m in re.findall(rb"/F\d+(?:\+\d+)? ([\d.]+) Tf", content.get_data())]
    return sizes
