"""The map a mipat workbook carries in its very hidden `_mipat` sheet: which questionnaire and
version it was made for, in which language, and which cell holds which answer.

The import reads cells through this map, never through fixed row numbers, so a later layout can
move things without breaking older workbooks; it also checks that each mapped cell still sits
where the map says (the question id beside an answer, a column's header), and refuses a workbook
whose structure was broken, naming the sheet and cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import quote_sheetname

from mipat.questionnaires.forms.detect import WORKBOOK_META_SHEET

MAP_SHEET = WORKBOOK_META_SHEET
LAYOUT = "1"  # bumped when the map's rows change meaning
# Rows of the map sheet that hold the form's identity (column B), for placing a problem there.
ID_ROWS = {"form": 1, "layout": 2, "questionnaire": 3, "version": 4, "language": 5}


@dataclass
class AnswerCells:
    """A question's row in its section sheet; a multiple choice has one tick row per option."""

    qid: str
    sheet: str
    row: int
    answer: str  # column letters
    comment: str
    options: list[tuple[str, int]] = field(default_factory=list)  # (code, row offset below the question)


@dataclass
class TableCells:
    """An Excel table: its header row and the column of each key (a field id, `title`, `kind`…)."""

    role: str
    sheet: str
    header_row: int
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (column letters, header text)


@dataclass
class WorkbookMap:
    questionnaire: str
    version: str
    language: str
    respondent_sheet: str = ""
    respondent: dict[str, str] = field(default_factory=dict)  # status, language, organisation… -> cell
    answers: list[AnswerCells] = field(default_factory=list)
    tables: dict[str, TableCells] = field(default_factory=dict)

    def rows(self) -> list[list[str | int]]:
        """The map as the rows of its sheet."""
        rows: list[list[str | int]] = [
            ["form", "workbook"],
            ["layout", LAYOUT],
            ["questionnaire", self.questionnaire],
            ["version", self.version],
            ["language", self.language],
        ]
        rows += [["respondent", key, self.respondent_sheet, cell] for key, cell in self.respondent.items()]
        for a in self.answers:
            rows.append(["answer", a.qid, a.sheet, a.row, a.answer, a.comment])
            rows += [["option", a.qid, code, offset] for code, offset in a.options]
        for t in self.tables.values():
            rows.append(["table", t.role, t.sheet, t.header_row])
            rows += [["column", t.role, key, letters, header] for key, (letters, header) in t.columns.items()]
        return rows

    @classmethod
    def from_rows(cls, rows: list[list[object]]) -> WorkbookMap:
        """The map read back; ValueError for rows that are not the map's (an edited sheet)."""
        meta = {str(r[0]): str(r[1]) for r in rows[: len(ID_ROWS)] if len(r) >= 2}
        if meta.get("form") != "workbook" or meta.get("layout") != LAYOUT:
            raise ValueError("not a mipat workbook map")
        found = cls(meta["questionnaire"], meta["version"], meta["language"])
        by_qid: dict[str, AnswerCells] = {}
        for row in rows[len(ID_ROWS) :]:
            kind, *rest = row
            if kind == "respondent":
                key, sheet, cell = map(str, rest[:3])
                found.respondent_sheet = sheet
                found.respondent[key] = cell
            elif kind == "answer":
                qid, sheet, number, answer, comment = rest[:5]
                cells = AnswerCells(str(qid), str(sheet), int(str(number)), str(answer), str(comment))
                by_qid[cells.qid] = cells
                found.answers.append(cells)
            elif kind == "option":
                by_qid[str(rest[0])].options.append((str(rest[1]), int(str(rest[2]))))
            elif kind == "table":
                role, sheet, header = rest[:3]
                found.tables[str(role)] = TableCells(str(role), str(sheet), int(str(header)))
            elif kind == "column":
                role, key, letters, header = map(str, rest[:4])
                found.tables[role].columns[key] = (letters, header)
            else:
                raise ValueError(f"unknown map row {kind!r}")
        return found


def place(sheet: str, cell: str) -> str:
    """`'3 WOG'!D14`: a cell as Excel writes it in a formula, the sheet name quoted when needed."""
    return f"{quote_sheetname(sheet)}!{cell}"


def map_place(key: str) -> str:
    return place(MAP_SHEET, f"B{ID_ROWS[key]}")
