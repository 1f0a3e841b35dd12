"""summary.csv, summary.xlsx and errors.csv: one row per response, headers in the reader's language.

Every cell that holds text from a response is neutralised: in CSV a leading `=`, `+`, `-`, `@`,
tab or carriage return gets a `'` (OWASP's advice for CSV injection); in XLSX such text is stored
as a string cell, which Excel and LibreOffice never evaluate, and characters that XML cannot hold
are dropped rather than failing the whole workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from mipat.assessment.summary_layout import SummaryLayout
from mipat.assessment.summary_rows import SummaryRow
from mipat.portfolio.worker import JobOutcome
from mipat.questionnaires.i18n import Language
from mipat.reports.csv_table import neutralise
from mipat.reports.strings import word

# Numbers first, then the text columns a spreadsheet user filters on.
_SCOPE = ("authority", "level", "country", "period", "status", "language")
_SCOPE_WORDS = {
    "authority": "batch_authority",
    "level": "pdf_level",
    "country": "pdf_country",
    "period": "pdf_period",
    "status": "pdf_status",
    "language": "batch_language",
}


def headers(layout: SummaryLayout, lang: Language) -> list[str]:
    cols = [word("batch_id", lang), word("batch_file", lang)]
    cols += [word(_SCOPE_WORDS[key], lang) for key in _SCOPE]
    cols += [word("overall_index", lang), word("batch_overall_band", lang)]
    cols += [word("batch_pack_index", lang, pack=title.get(lang)) for _, title, _ in layout.packs]
    cols += [f"{g.title.get(lang)} ({g.pack_title.get(lang)})" for g in layout.groups]
    cols += [label.get(lang) for _, label in layout.metrics]
    cols += [word("batch_warnings", lang), word("batch_result_file", lang), word("batch_report_file", lang)]
    return cols


def cells(row: SummaryRow, layout: SummaryLayout, lang: Language) -> list[str | float | None]:
    """One row's values in header order: numbers stay numbers (None for not scored), texts stay texts."""
    scores = {(g.pack, g.group): g.score for g in row.groups}
    values: list[str | float | None] = [row.id, row.file]
    values += [getattr(row, key) for key in _SCOPE]
    values += [row.overall_index, layout.band_label(layout.overall_scheme, row.overall_band, lang)]
    values += [row.pack_indices.get(pid) for pid, _, _ in layout.packs]
    values += [scores.get((g.pack, g.group)) for g in layout.groups]
    values += [row.metrics.get(mid) for mid, _ in layout.metrics]
    values += ["\n".join(row.warnings), row.result_file, row.pdf_file]
    return values


def _csv_value(value: str | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        return f"{value:g}"
    return neutralise(value)


def render_summary_csv(rows: Iterable[SummaryRow], layout: SummaryLayout, lang: Language) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers(layout, lang))
    for row in rows:
        writer.writerow([_csv_value(v) for v in cells(row, layout, lang)])
    return out.getvalue()


def render_errors_csv(failures: Iterable[JobOutcome], lang: Language) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [word("batch_id", lang), word("batch_file", lang), word("batch_error", lang), word("batch_problems", lang)]
    )
    for outcome in failures:
        writer.writerow(
            [
                neutralise(outcome.input.id),
                neutralise(outcome.input.display),
                neutralise(outcome.error or ""),
                neutralise("\n".join(outcome.problems)),
            ]
        )
    return out.getvalue()


def render_summary_xlsx(
    rows: Iterable[SummaryRow], layout: SummaryLayout, lang: Language, moment: dt.datetime | None = None
) -> bytes:
    """A one-sheet workbook written in openpyxl's streaming mode, so memory does not grow with the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    # Fixed document dates (the batch's assessment time), so the same rows give the same workbook.
    stamp = (moment or dt.datetime(1980, 1, 1)).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = stamp
    sheet = book.create_sheet(word("batch_sheet", lang)[:31])
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)

    def text_cell(value: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(h, bold) for h in headers(layout, lang)])
    for row in rows:
        sheet.append([text_cell(v) if isinstance(v, str) else v for v in cells(row, layout, lang)])
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same workbook bytes for the same rows: openpyxl stamps each zip entry with the current time."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
