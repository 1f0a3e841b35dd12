"""The tables of a KoboToolbox or ODK Central data export: headers and rows, whatever the container.

KoboToolbox gives one workbook, its first sheet the submissions and one sheet per repeat (rows tied
to their parent by `_parent_index` → `_index`); ODK Central gives a zip of CSV files, `<form>.csv`
and `<form>-<repeat>.csv` (tied by `PARENT_KEY` → `KEY`); either may also be a single CSV of the
submissions alone. KoboToolbox writes CSV with `;` by default and ODK with `,`: the header line says
which.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from mipat.questionnaires.forms.detect import safe_zip
from mipat.questionnaires.forms.imported import FormError, not_a_form, place_words
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.problems import worded


@dataclass
class RawTable:
    name: str  # the sheet's title or the archive member's name; "" for a lone CSV file
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number in the sheet or file, cells)
    sheet: bool = False  # a worksheet, whose places are cells (`'partners'!C2`)

    def label(self, lang: Language) -> str:
        """How a place names the table, in the form's language: `feuille « partners »`,
        `archivo mipat_partnerships-inventory.csv`; "" for a lone CSV file."""
        if not self.name:
            return ""
        return place_words("place_sheet" if self.sheet else "place_file", lang, name=self.name)

    def cell(self, number: int, index: int) -> str:
        """`'partners'!C2`: the cell at row `number` and column `index` (from 0), as Excel writes it."""
        from openpyxl.utils import get_column_letter, quote_sheetname

        return f"{quote_sheetname(self.name)}!{get_column_letter(index + 1)}{number}"


def _unreadable(name: str) -> FormError:
    return not_a_form(name, worded("form_bad_zip"))


def _csv_table(text: str, name: str) -> RawTable:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = list(reader)
    headers = [h.strip() for h in lines[0]] if lines else []
    rows = [(n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)]
    return RawTable(name, headers, rows)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")  # Excel's "CSV" on Windows


def _xlsx_tables(data: bytes, name: str) -> list[RawTable]:
    from openpyxl import load_workbook

    safe_zip(data, name)  # sizes checked before openpyxl inflates anything
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _unreadable(name) from None
    tables: list[RawTable] = []
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None) or ()
        headers = ["" if h is None else str(h).strip() for h in header_row]
        table = RawTable(sheet.title, headers, sheet=True)
        for number, cells in enumerate(rows, start=2):
            if any(c not in (None, "") for c in cells):
                table.rows.append((number, list(cells)))
        tables.append(table)
    workbook.close()
    return tables


def read_tables(data: bytes, name: str, kind: str) -> list[RawTable]:
    """Every table of the export, in the order of its sheets or archive members."""
    if kind == "submissions-xlsx":
        return _xlsx_tables(data, name)
    if kind == "submissions-zip":
        archive = safe_zip(data, name)
        members = [m for m in archive.namelist() if m.lower().endswith(".csv") and not m.startswith("__MACOSX")]
        return [_csv_table(_decoded(archive.read(m)), m) for m in members]
    return [_csv_table(_decoded(data), "")]
