"""A filled mipat workbook back to response data, each value placed at its sheet and cell.

The very hidden `_mipat` sheet says which questionnaire version the workbook was made for and
which cell holds which answer; labels in any of the three languages (or the codes themselves) map
back to codes; numbers typed as text or as 2021.0 become whole numbers; dates Excel turned into
dates become `YYYY-MM-DD`. Every problem the workbook holds is listed at once, each with its place
(`'3 WOG'!D14`), and the validator then checks the response with the same places.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms.choice_labels import (
    Lookup,
    choice_lookup,
    folded,
    kind_lookup,
    language_lookup,
    status_lookup,
)
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.forms.imported import FormError, ImportedForm, form_problem, form_questionnaire, not_a_form
from mipat.questionnaires.forms.workbook_map import MAP_SHEET, AnswerCells, TableCells, WorkbookMap, map_place, place
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.problems import Problem, Wording, worded
from mipat.questionnaires.source_files import Location
from mipat.questionnaires.ui_strings import ui

WHOLE = re.compile(r"[-+]?[0-9]+")
LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")  # left as text: the validator says "write 23"
EVIDENCE_KEYS = ("title", "kind", "reference", "date")


def text_of(value: Any) -> str | None:
    """A cell as text; None when empty. A number typed in a text cell is its digits."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def whole_of(value: Any) -> int | str | None:
    """A whole number from a cell (2021, 2021.0 or the text "2021"); the cell's text when it is not one."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = text_of(value)
    if text is None:
        return None
    stripped = text.strip()
    if WHOLE.fullmatch(stripped) and not LEADING_ZERO.fullmatch(stripped):
        return int(stripped)
    return text


def _tick_words() -> frozenset[str]:
    words = {"✓", "✔", "☑", "x"}
    for lang in LANGUAGES:
        words |= {form_text("tick", lang, "workbook"), ui("yes", lang)}
    return frozenset(folded(w) for w in words)


class _Reader:
    def __init__(self, workbook: Workbook, name: str) -> None:
        self.wb = workbook
        self.file = name
        self.problems: list[Problem] = []
        self.places: dict[Location, str] = {}
        self.map = self._read_map()
        self.lang: Language = self.map.language if self.map.language in LANGUAGES else "en"  # type: ignore[assignment]
        self.q: Questionnaire = form_questionnaire(
            name, map_place("version"), self.map.questionnaire, self.map.version, self.lang
        )
        self.ticks = _tick_words()

    # --- problems ----------------------------------------------------------------------------

    def problem(self, where: str | None, code: str, message: Wording, question: str | None = None) -> None:
        self.problems.append(form_problem(self.file, where, code, message, question=question))

    def _fail(self) -> FormError:
        count = Wording(key="n_errors", count=len(self.problems))
        # Told in the form's language: whoever filled a French workbook reads French messages.
        return FormError(worded("cli_file_errors", file=self.file, errors=count), self.problems, language=self.lang)

    # --- the map and the sheets it names -----------------------------------------------------

    def _read_map(self) -> WorkbookMap:
        sheet = self.wb[MAP_SHEET]
        rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
        try:
            return WorkbookMap.from_rows([r for r in rows if r])
        except (ValueError, KeyError, IndexError, TypeError):
            wording = worded("form_workbook_bad_map")
            raise FormError(
                wording, [form_problem(self.file, place(MAP_SHEET, "A1"), "form-structure", wording)]
            ) from None

    def _sheets_present(self) -> None:
        needed = [self.map.respondent_sheet, *(a.sheet for a in self.map.answers)]
        needed += [t.sheet for t in self.map.tables.values()]
        missing = [name for name in dict.fromkeys(needed) if name not in self.wb.sheetnames]
        for name in missing:
            self.problem(
                None, "form-structure", worded("form_missing_part", part=worded("form_workbook_sheet", name=name))
            )
        if missing:
            raise self._fail()

    def _at(self, sheet: str, cell: str) -> tuple[Any, str]:
        return self.wb[sheet][cell].value, place(sheet, cell)

    # --- reading -----------------------------------------------------------------------------

    def read(self) -> ImportedForm:
        self._sheets_present()
        data: dict[str, Any] = {"questionnaire": {"id": self.map.questionnaire, "version": self.map.version}}
        self.places[("questionnaire",)] = map_place("questionnaire")
        self.places[("questionnaire", "version")] = map_place("version")
        data.update(self._envelope())
        documents = self._evidence_rows("documents")
        evidence = self._evidence_rows("evidence")
        data["answers"] = self._answers(documents, evidence)
        data["inventory"] = self._inventory(evidence)
        if self.problems:
            raise self._fail()
        return ImportedForm(data=data, format="workbook", form_language=self.lang, places=self.places)

    def _envelope(self) -> dict[str, Any]:
        sheet, cells = self.map.respondent_sheet, self.map.respondent
        found: dict[str, Any] = {}
        for key, lookup in (("status", status_lookup(self.lang)), ("language", language_lookup(self.lang))):
            value, where = self._at(sheet, cells[key])
            self.places[(key,)] = where
            text = text_of(value)
            if text is None:
                if key == "language":
                    found[key] = self.lang  # the answers are in the form's language unless said otherwise
                continue
            code = lookup.code(text)
            if code is None:
                self.problem(where, "form-value", worded("form_not_in_list", value=text))
            found[key] = code
        respondent: dict[str, str] = {}
        for key in ("organisation", "name", "role", "email"):
            value, where = self._at(sheet, cells[key])
            self.places[("respondent", key)] = where
            text = text_of(value)
            if text is not None:
                respondent[key] = text.strip()
        self.places[("respondent",)] = self.places[("respondent", "organisation")]
        found["respondent"] = respondent
        return found

    # --- section sheets ----------------------------------------------------------------------

    def _row_of(self, cells: AnswerCells) -> int | None:
        """The question's row: where the map says, or wherever its id now stands in column A."""
        sheet = self.wb[cells.sheet]
        if sheet[f"A{cells.row}"].value == cells.qid:
            return cells.row
        for (value,) in sheet.iter_rows(min_col=1, max_col=1, values_only=False):
            if value.value == cells.qid:
                return value.row
        return None

    def _answers(self, documents: dict[str, list[Any]], evidence: dict[str, list[Any]]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for cells in self.map.answers:
            question = self.q.question(cells.qid)
            row = self._row_of(cells)
            if question is None or row is None:
                where = place(cells.sheet, f"A{cells.row}")
                self.problem(where, "form-structure", worded("form_workbook_moved", qid=cells.qid), cells.qid)
                continue
            sheet = cells.sheet
            answer_place = place(sheet, f"{cells.answer}{row}")
            if question.type == "evidence":
                listed = documents.get(question.id, [])
                value: Any = [item for item, _ in listed] or None
                item_places = [places for _, places in listed]
                if listed:
                    answer_place = listed[0][1][()]
            elif question.type == "multiple_choice":
                value, item_places = self._ticked(question, cells, row)
            else:
                value, item_places = self._value(question, *self._at(sheet, f"{cells.answer}{row}")), []
            comment, comment_place = self._at(sheet, f"{cells.comment}{row}")
            comment = text_of(comment)
            backing = evidence.get(question.id, [])
            if value is None and comment is None and not backing:
                continue
            loc: Location = ("answers", question.id)
            self.places[loc] = answer_place
            if comment is None and not backing:
                answers[question.id] = value
                value_loc = loc
            else:
                entry: dict[str, Any] = {} if value is None else {"value": value}
                if comment is not None:
                    entry["comment"] = comment
                    self.places[(*loc, "comment")] = comment_place
                if backing:
                    entry["evidence"] = [item for item, _ in backing]
                    self._place_items((*loc, "evidence"), [p for _, p in backing])
                answers[question.id] = entry
                value_loc = (*loc, "value")
                self.places[value_loc] = answer_place
            self._place_items(value_loc, item_places)
        return answers

    def _place_items(self, loc: Location, item_places: list[dict[Location, str]]) -> None:
        for index, places in enumerate(item_places):
            for sub, where in places.items():
                self.places[(*loc, index, *sub)] = where

    def _value(self, question: Question, value: Any, where: str) -> Any:
        """The value of a yes/no, single choice, number or text cell, as the response file holds it."""
        if question.type in ("yes_no", "single_choice"):
            return self._code(choice_lookup(self.q, question, self.lang), value, where, question.id)
        if question.type in ("integer", "year"):
            number = whole_of(value)
            if isinstance(number, str) and not LEADING_ZERO.fullmatch(number.strip()):
                self.problem(where, "form-value", worded("form_not_a_number", value=number), question.id)
                return None
            return number
        return text_of(value)

    def _code(self, lookup: Lookup, value: Any, where: str, qid: str | None) -> str | None:
        text = text_of(value)
        if text is None:
            return None
        code = lookup.code(text)
        if code is None:
            self.problem(where, "form-value", worded("form_not_in_list", value=text), qid)
        return code

    def _ticked(self, question: Question, cells: AnswerCells, row: int) -> tuple[list[str] | None, list[dict]]:
        """Ticked options in order: numbered ones by their number, then the others in the options' order."""
        labels = {o.code: o.label for o in self.q.options(question)}
        chosen: list[tuple[float, int, str, str]] = []
        for index, (code, offset) in enumerate(cells.options):
            value, where = self._at(cells.sheet, f"{cells.answer}{row + offset}")
            label_cell = self.wb[cells.sheet][f"B{row + offset}"].value
            if code not in labels or not any(label_cell == labels[code].get(lang) for lang in LANGUAGES):
                self.problem(where, "form-structure", worded("form_workbook_moved", qid=cells.qid), cells.qid)
                continue
            text = text_of(value)
            if text is None:
                continue
            rank = whole_of(value)
            if isinstance(rank, int) and 1 <= rank <= len(cells.options):
                chosen.append((rank, index, code, where))
            elif folded(text) in self.ticks:
                chosen.append((float("inf"), index, code, where))
            else:
                self.problem(where, "form-value", worded("form_not_in_list", value=text), cells.qid)
        chosen.sort()
        return [code for *_, code, _ in chosen] or None, [{(): where} for *_, where in chosen]

    # --- tables ------------------------------------------------------------------------------

    def _table_rows(self, role: str) -> list[tuple[int, dict[str, Any]]]:
        """(row number, values by key) of every row of a table that holds something."""
        table: TableCells = self.map.tables[role]
        sheet: Worksheet = self.wb[table.sheet]
        columns: dict[str, int] = {}
        for key, (letters, header) in table.columns.items():
            found = sheet[f"{letters}{table.header_row}"].value
            if found != header:
                wording = worded("form_workbook_header", found=text_of(found) or "", header=header)
                self.problem(place(table.sheet, f"{letters}{table.header_row}"), "form-structure", wording)
            columns[key] = column_index_from_string(letters)
        rows = []
        for cells in sheet.iter_rows(min_row=table.header_row + 1, max_col=max(columns.values())):
            values = {key: cells[index - 1].value for key, index in columns.items()}
            if any(text_of(v) is not None for v in values.values()):
                rows.append((cells[0].row, values))
        return rows

    def _cell(self, role: str, key: str, row: int) -> str:
        table = self.map.tables[role]
        return place(table.sheet, f"{table.columns[key][0]}{row}")

    def _evidence_item(self, role: str, row: int, values: dict[str, Any]) -> tuple[dict[str, Any], dict]:
        item: dict[str, Any] = {}
        places: dict[Location, str] = {(): self._cell(role, "title", row)}
        for key in EVIDENCE_KEYS:
            places[(key,)] = self._cell(role, key, row)
            if key == "kind":
                code = self._code(kind_lookup(self.lang), values[key], places[(key,)], None)
                if code is not None:
                    item[key] = code
                continue
            text = text_of(values[key])
            if text is not None:
                item[key] = text.strip()
        return item, places

    def _evidence_rows(self, role: str) -> dict[str, list[tuple[dict[str, Any], dict]]]:
        """Evidence items by question id, or by partnership id (`#PS-01`) for the evidence sheet."""
        found: dict[str, list[tuple[dict[str, Any], dict]]] = {}
        documents = [q.id for q in self.q.questions() if q.type == "evidence"]
        for row, values in self._table_rows(role):
            qid = (text_of(values.get("question")) or "").strip()
            partnership = (text_of(values.get("partnership")) or "").strip()
            where = self._cell(role, "question", row)
            if role == "documents" and qid not in documents:
                key = "form_workbook_not_documents" if qid else "form_workbook_one_target"
                self.problem(where, "form-value", worded(key, value=qid, ids=", ".join(documents)))
                continue
            if role == "evidence" and bool(qid) == bool(partnership):
                self.problem(where, "form-value", worded("form_workbook_one_target"))
                continue
            if qid and self.q.question(qid) is None:
                self.problem(where, "form-value", worded("form_workbook_not_a_question", value=qid))
                continue
            found.setdefault(qid or f"#{partnership}", []).append(self._evidence_item(role, row, values))
        return found

    def _inventory(self, evidence: dict[str, list[Any]]) -> list[dict[str, Any]]:
        fields = {f.id: f for f in self.q.inventory.fields}
        items: list[dict[str, Any]] = []
        index_of: dict[str, int] = {}
        for row, values in self._table_rows("inventory"):
            index = len(items)
            loc: Location = ("inventory", index)
            item: dict[str, Any] = {}
            self.places[loc] = self._cell("inventory", "id", row)
            for key, raw in values.items():
                where = self._cell("inventory", key, row)
                self.places[(*loc, key)] = where
                if key in ("id", "comment"):
                    value = text_of(raw)
                    value = value.strip() if key == "id" and value is not None else value
                elif fields[key].type == "multiple_choice":
                    value = self._listed(fields[key], raw, where)
                else:
                    value = self._value(fields[key], raw, where)
                if value is not None:
                    item[key] = value
            if isinstance(item.get("id"), str):
                index_of.setdefault(item["id"], index)
            items.append(item)
        self._partners(items, index_of)
        inventory_sheet = self.map.tables["inventory"].sheet
        for key, listed in evidence.items():
            if not key.startswith("#"):
                continue
            index = index_of.get(key[1:])
            if index is None:
                for _, places in listed:
                    wording = worded("form_workbook_no_partnership", value=key[1:], sheet=inventory_sheet)
                    self.problem(places[()], "form-value", wording)
                continue
            items[index]["evidence"] = [item for item, _ in listed]
            self._place_items(("inventory", index, "evidence"), [p for _, p in listed])
        return items

    def _listed(self, field: Question, raw: Any, where: str) -> list[str] | None:
        """Codes (or labels) separated by `;`, in the order typed."""
        text = text_of(raw)
        if text is None:
            return None
        lookup = choice_lookup(self.q, field, self.lang)
        codes = []
        for part in text.split(";"):
            if part.strip():
                code = self._code(lookup, part, where, None)
                if code is not None:
                    codes.append(code)
        return codes or None

    def _partners(self, items: list[dict[str, Any]], index_of: dict[str, int]) -> None:
        field = next(f for f in self.q.inventory.fields if f.type == "partner_list")
        lookup = choice_lookup(self.q, field, self.lang)
        inventory_sheet = self.map.tables["inventory"].sheet
        for row, values in self._table_rows("partners"):
            owner = (text_of(values["partnership"]) or "").strip()
            index = index_of.get(owner)
            if index is None:
                wording = worded("form_workbook_no_partnership", value=owner, sheet=inventory_sheet)
                self.problem(self._cell("partners", "partnership", row), "form-value", wording)
                continue
            partner: dict[str, Any] = {}
            name = text_of(values["name"])
            if name is not None:
                partner["name"] = name.strip()
            kind = self._code(lookup, values["kind"], self._cell("partners", "kind", row), None)
            if kind is not None:
                partner["kind"] = kind
            listed = items[index].setdefault(field.id, [])
            loc: Location = ("inventory", index, field.id, len(listed))
            listed.append(partner)
            if len(listed) == 1:
                self.places[("inventory", index, field.id)] = self._cell("partners", "name", row)
            self.places[loc] = self.places[(*loc, "name")] = self._cell("partners", "name", row)
            self.places[(*loc, "kind")] = self._cell("partners", "kind", row)


def import_workbook(data: bytes, name: str) -> ImportedForm:
    """The response a mipat workbook holds; FormError listing every problem, each with its cell."""
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        raise not_a_form(name, worded("form_bad_zip")) from None
    return _Reader(workbook, name).read()
