"""The questionnaire as an Excel workbook a ministry fills in, blank or pre-filled from a response.

Sheets, in order: instructions; the respondent (status, language, who answers); one sheet per
section (`3 WOG`) with an answer cell per question; the documents that answer the evidence-type
questions; the evidence backing answers and partnerships; the partnership inventory and its
partners as Excel tables; the codes of the inventory's multiple-choice columns; a hidden `lists`
sheet feeding the drop-downs (a list written inline in a validation is capped at 255 characters);
and the very hidden `_mipat` sheet holding the map the import reads (see `workbook_map.py`).

Drop-downs show labels in the form's language; the import maps a label in any language back to
its code. Section sheets are protected (no password) with only the answer cells unlocked, so rows
cannot be inserted by mistake; the table sheets are left unprotected because Excel cannot extend a
table on a protected sheet, and the import checks their headers instead.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms.choice_labels import choices, evidence_kinds, languages, statuses
from mipat.questionnaires.forms.condition_words import condition_words
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.forms.workbook_map import MAP_SHEET, AnswerCells, TableCells, WorkbookMap
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.responses import Answer, Evidence, Partner, Partnership, Response
from mipat.questionnaires.validation import YEAR_BOUNDS

LISTS_SHEET = "lists"
FIXED_TIME = datetime(2000, 1, 1)  # document properties and zip entries: the same inputs give the same bytes
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIRST_ROW = 5  # section sheets: title, intro, blank, header, then questions
HEADER_ROW = 4  # table sheets: title, intro, column hints, header
SPARE_ROWS = {"inventory": 30, "partners": 60, "documents": 20, "evidence": 60}
VALIDATED_ROWS = 500  # drop-downs reach this far below a table, for rows typed after it
EVIDENCE_COLUMNS = ("title", "kind", "reference", "date")
EVIDENCE_HEADERS = {"title": "evidence_title", "kind": "evidence_kind", "reference": "evidence_reference"}
EVIDENCE_HEADERS["date"] = "evidence_date"

ANSWER_FILL = PatternFill("solid", fgColor="FFF6CC")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
OPTION_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
TITLE_FONT = Font(name="Calibri", bold=True, size=14, color="1F4E79")
HELP_FONT = Font(name="Calibri", size=9, color="404040")
FIELD_FONT = Font(name="Calibri", bold=True, color="1F4E79")
NOTE_FONT = Font(name="Calibri", italic=True, color="595959")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def put(cell: Cell, value: Any) -> Cell:
    """Write `value`; text always stays text, so `=HYPERLINK(…)` typed in a comment is never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def words(key: str, lang: Language, **values: object) -> str:
    text = form_text(key, lang, "workbook")
    return text.format(**values) if values else text


class _Lists:
    """The hidden sheet of drop-down lists, one column per distinct list."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.columns: dict[tuple[object, ...], str] = {}

    def formula(self, items: Sequence[object]) -> str:
        key = tuple(items)
        if key not in self.columns:
            letters = get_column_letter(len(self.columns) + 1)
            for row, item in enumerate(items, start=1):
                put(self.sheet[f"{letters}{row}"], item)
            self.columns[key] = f"={quote_sheetname(self.sheet.title)}!${letters}$1:${letters}${len(items)}"
        return self.columns[key]


class _Validations:
    """Data validations of one sheet, one per distinct rule, each applied to many cells."""

    def __init__(self, sheet: Worksheet, lang: Language) -> None:
        self.sheet = sheet
        self.lang = lang
        self.rules: dict[tuple[str, str, str], DataValidation] = {}

    def _rule(self, kind: str, first: str, second: str = "") -> DataValidation:
        key = (kind, first, second)
        if key not in self.rules:
            if kind == "list":
                rule = DataValidation(type="list", formula1=first, allow_blank=True)
                rule.error = words("hint_choice", self.lang)
            else:
                rule = DataValidation(type="whole", operator="between", formula1=first, formula2=second)
                rule.allow_blank = True
                low, high = first, second
                rule.error = words("hint_range", self.lang, low=low, high=high)
            rule.showErrorMessage = True
            self.sheet.add_data_validation(rule)
            self.rules[key] = rule
        return self.rules[key]

    def choose(self, where: str, formula: str) -> None:
        self._rule("list", formula).add(where)

    def whole(self, where: str, low: int, high: int) -> None:
        self._rule("whole", str(low), str(high)).add(where)


def _bounds(question: Question) -> tuple[int, int]:
    if question.type == "year":
        return question.min or YEAR_BOUNDS[0], question.max or YEAR_BOUNDS[1]
    low = question.min if question.min is not None else -(2**31)
    return low, question.max if question.max is not None else 2**31 - 1


def _format_hint(questionnaire: Questionnaire, question: Question, lang: Language) -> str:
    if question.type in ("yes_no", "single_choice"):
        return words("hint_choice", lang)
    if question.type == "year":
        low, high = _bounds(question)
        return words("hint_year", lang, low=low, high=high)
    if question.type == "integer":
        if question.min is None and question.max is None:
            return words("hint_whole", lang)
        low, high = _bounds(question)
        return words("hint_range", lang, low=low, high=high)
    if question.type == "text":
        return words("hint_text", lang, n=question.max_length)
    return ""


def _help(questionnaire: Questionnaire, question: Question, lang: Language) -> str:
    parts = [question.help.get(lang)] if question.help is not None else []
    if question.show_if is not None:
        condition = condition_words(questionnaire, question.show_if, lang)
        parts.append(words("hint_shown_if", lang, condition=condition))
    hint = _format_hint(questionnaire, question, lang)
    if hint:
        parts.append(hint)
    return "\n".join(" ".join(p.split()) for p in parts)


def _ticks(value: list[str], codes: list[str]) -> dict[str, object]:
    """The tick of each chosen code: ✓ when the list follows the options' order, else its rank."""
    if value == sorted(value, key=codes.index):
        return dict.fromkeys(value, "✓")
    return {code: rank for rank, code in enumerate(value, start=1)}


def _fit_rows(sheet: Worksheet) -> None:
    """Give each row the height its wrapped text needs: Excel and LibreOffice keep the default
    height of a row written by openpyxl, so long questions would be cut to one line."""
    merged = {r.start_cell.coordinate: r for r in sheet.merged_cells.ranges}
    heights: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            span = merged.get(cell.coordinate)
            columns = range(span.min_col, span.max_col + 1) if span else (cell.column,)
            width = sum(sheet.column_dimensions[get_column_letter(c)].width or 10 for c in columns)
            size = (cell.font.sz if cell.font is not None and cell.font.sz else 11) or 11
            per_line = max(int(width * 11 / size), 8)
            lines = sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n"))
            heights[cell.row] = max(heights.get(cell.row, 15.0), lines * size * 1.3 + 3)
    for number, height in heights.items():
        sheet.row_dimensions[number].height = round(height, 1)


def _zip_fixed(data: bytes) -> bytes:
    """The archive again with every entry dated 1980-01-01: openpyxl stamps entries with the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


class _Builder:
    def __init__(self, questionnaire: Questionnaire, lang: Language, response: Response | None) -> None:
        self.q = questionnaire
        self.lang = lang
        self.response = response
        self.wb = Workbook()
        self.map = WorkbookMap(questionnaire.id, questionnaire.version, lang)
        self.names = {
            role: words(f"sheet_{role}", lang)
            for role in ("instructions", "respondent", "documents", "evidence", "inventory", "partners", "codes")
        }
        self.evidence_questions = [q.id for q in questionnaire.questions() if q.type == "evidence"]

    # --- the whole workbook ------------------------------------------------------------------

    def build(self) -> bytes:
        instructions = self.wb.active
        assert instructions is not None
        instructions.title = self.names["instructions"]
        respondent = self.wb.create_sheet(self.names["respondent"])
        sections = [self.wb.create_sheet(f"{n} {s.id}") for n, s in enumerate(self.q.sections, start=1)]
        documents = self.wb.create_sheet(self.names["documents"])
        evidence = self.wb.create_sheet(self.names["evidence"])
        inventory = self.wb.create_sheet(self.names["inventory"])
        partners = self.wb.create_sheet(self.names["partners"])
        codes = self.wb.create_sheet(self.names["codes"])
        lists_sheet = self.wb.create_sheet(LISTS_SHEET)
        lists_sheet.sheet_state = "hidden"
        self.lists = _Lists(lists_sheet)

        self._instructions(instructions)
        self._respondent(respondent)
        for sheet, section in zip(sections, self.q.sections, strict=True):
            self._section(sheet, section)
        self._documents(documents)
        self._evidence(evidence)
        self._inventory(inventory)
        self._partners(partners)
        self._codes(codes)
        self._map_sheet()
        for sheet in self.wb.worksheets:
            _fit_rows(sheet)

        self.wb.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed or deleted
        self.wb.properties.creator = "mipat"
        self.wb.properties.created = FIXED_TIME
        self.wb.properties.modified = FIXED_TIME
        self.wb.properties.lastModifiedBy = "mipat"
        self.wb.properties.title = self.q.title.get(self.lang)
        buffer = io.BytesIO()
        # ExcelWriter, not Workbook.save: save stamps `modified` with the clock.
        ExcelWriter(self.wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
        return _zip_fixed(buffer.getvalue())

    # --- pieces shared by the sheets ---------------------------------------------------------

    def _title(self, sheet: Worksheet, title: str, intro: str | None, width: int) -> None:
        put(sheet["A1"], title).font = TITLE_FONT
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        if intro:
            cell = put(sheet["A2"], " ".join(intro.split()))
            cell.alignment = WRAP
            sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)

    def _header(self, sheet: Worksheet, row: int, headers: Sequence[str], widths: Sequence[int]) -> None:
        for column, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = put(sheet.cell(row=row, column=column), text)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            sheet.column_dimensions[get_column_letter(column)].width = width

    def _print_setup(self, sheet: Worksheet, header_row: int | None, orientation: str = "landscape") -> None:
        sheet.page_setup.orientation = orientation
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if header_row is not None:
            sheet.print_title_rows = f"{header_row}:{header_row}"
            sheet.freeze_panes = f"A{header_row + 1}"

    def _protect(self, sheet: Worksheet) -> None:
        sheet.protection.sheet = True  # no password: protection guards the structure, not secrets
        sheet.protection.formatColumns = False  # people may still widen columns and rows
        sheet.protection.formatRows = False

    def _answer_cell(self, cell: Cell) -> Cell:
        cell.fill = ANSWER_FILL
        cell.border = BOX
        cell.protection = UNLOCKED
        cell.alignment = WRAP
        return cell

    def _answer(self, qid: str) -> Answer | None:
        return self.response.answers.get(qid) if self.response is not None else None

    def _choice_formula(self, question: Question) -> str:
        return self.lists.formula([label for _, label in choices(self.q, question, self.lang)])

    def _label(self, question: Question, code: str) -> str:
        return dict(choices(self.q, question, self.lang)).get(code, code)

    # --- instructions and respondent ---------------------------------------------------------

    def _instructions(self, sheet: Worksheet) -> None:
        lang, names = self.lang, self.names
        kinds = "; ".join(label for _, label in evidence_kinds(lang))
        ids = ", ".join(self.evidence_questions)
        lines = [
            ("title", self.q.title.get(lang)),
            ("note", words("ins_version", lang, id=self.q.id, version=self.q.version)),
            ("text", self.q.description.get(lang)),
            ("head", words("ins_fill_head", lang)),
            ("text", words("ins_fill", lang, respondent=names["respondent"])),
            ("text", words("ins_lists", lang)),
            ("text", words("ins_required", lang, mark=words("required_mark", lang))),
            ("text", words("ins_skip", lang)),
            ("head", words("ins_evidence_head", lang)),
            (
                "text",
                words(
                    "ins_evidence", lang, evidence=names["evidence"], kinds=kinds, ids=ids, documents=names["documents"]
                ),
            ),
            ("head", words("ins_inventory_head", lang)),
            (
                "text",
                words(
                    "ins_inventory",
                    lang,
                    inventory=names["inventory"],
                    partners=names["partners"],
                    codes=names["codes"],
                ),
            ),
            ("head", words("ins_return_head", lang)),
            ("text", words("ins_return", lang)),
        ]
        sheet.column_dimensions["A"].width = 80
        row = 1
        for style, text in lines:
            if style == "head":
                row += 1
            cell = put(sheet.cell(row=row, column=1), " ".join(text.split()))
            cell.alignment = WRAP
            if style == "title":
                cell.font = TITLE_FONT
            elif style == "head":
                cell.font = Font(name="Calibri", bold=True, size=12, color="1F4E79")
            elif style == "note":
                cell.font = NOTE_FONT
            row += 1
        self._print_setup(sheet, None, "portrait")
        self._protect(sheet)

    def _respondent(self, sheet: Worksheet) -> None:
        lang = self.lang
        sheet.column_dimensions["A"].width = 32
        sheet.column_dimensions["B"].width = 70
        put(sheet["A1"], form_text("respondent", lang)).font = TITLE_FONT
        validations = _Validations(sheet, lang)
        response = self.response
        status_labels = dict(statuses(lang))
        language_labels = dict(languages(lang))
        given = response.respondent.model_dump() if response is not None else {}
        values: dict[str, Any] = {
            "status": status_labels[response.status if response is not None else "draft"],
            "language": language_labels[response.language if response is not None else lang],
            **{key: given.get(key) for key in ("organisation", "name", "role", "email")},
        }
        self.map.respondent_sheet = sheet.title
        for row, key in enumerate(values, start=3):
            label = put(sheet.cell(row=row, column=1), form_text(key, lang))
            label.font = Font(name="Calibri", bold=True)
            label.alignment = WRAP
            cell = self._answer_cell(put(sheet.cell(row=row, column=2), values[key]))
            self.map.respondent[key] = cell.coordinate
        validations.choose("B3", self.lists.formula(list(status_labels.values())))
        validations.choose("B4", self.lists.formula(list(language_labels.values())))
        self._print_setup(sheet, None, "portrait")
        self._protect(sheet)

    # --- section sheets ----------------------------------------------------------------------

    def _section(self, sheet: Worksheet, section: Any) -> None:
        lang = self.lang
        widths = (9, 58, 46, 30, 46)
        headers = [words(k, lang) for k in ("col_id", "col_question", "col_help", "col_answer", "col_comment")]
        self._header(sheet, HEADER_ROW, headers, widths)
        intro = section.intro.get(lang) if section.intro is not None else None
        self._title(sheet, f"{sheet.title[: sheet.title.index(' ')]} · {section.title.get(lang)}", intro, 5)
        validations = _Validations(sheet, lang)
        row = FIRST_ROW
        for question in section.questions:
            row = self._question(sheet, validations, question, row)
        self._print_setup(sheet, HEADER_ROW)
        self._protect(sheet)

    def _question(self, sheet: Worksheet, validations: _Validations, question: Question, row: int) -> int:
        lang, qtype = self.lang, question.type
        answer = self._answer(question.id)
        value = answer.value if answer is not None else None
        put(sheet.cell(row=row, column=1), question.id).font = Font(name="Calibri", bold=True)
        text = question.text.get(lang) + (f" {words('required_mark', lang)}" if question.required else "")
        put(sheet.cell(row=row, column=2), text)
        put(sheet.cell(row=row, column=3), _help(self.q, question, lang)).font = HELP_FONT
        for column in range(1, 6):
            sheet.cell(row=row, column=column).alignment = WRAP
            sheet.cell(row=row, column=column).border = BOX
        answer_cell = sheet.cell(row=row, column=4)
        comment = self._answer_cell(sheet.cell(row=row, column=5))
        if answer is not None and answer.comment is not None:
            put(comment, answer.comment)
        cells = AnswerCells(question.id, sheet.title, row, "D", "E")
        self.map.answers.append(cells)
        if qtype in ("yes_no", "single_choice"):
            self._answer_cell(answer_cell)
            if isinstance(value, str):
                put(answer_cell, self._label(question, value))
            validations.choose(answer_cell.coordinate, self._choice_formula(question))
        elif qtype in ("integer", "year"):
            self._answer_cell(answer_cell)
            answer_cell.value = value if isinstance(value, int) else None
            answer_cell.number_format = "0"
            validations.whole(answer_cell.coordinate, *_bounds(question))
        elif qtype == "text":
            self._answer_cell(answer_cell)
            if isinstance(value, str):
                put(answer_cell, value)
        elif qtype == "evidence":
            put(answer_cell, words("note_documents", lang, sheet=self.names["documents"])).font = NOTE_FONT
        elif qtype == "multiple_choice":
            put(answer_cell, words("note_tick", lang)).font = NOTE_FONT
            options = self.q.options(question)
            ticks = _ticks(value, [o.code for o in options]) if isinstance(value, list) else {}
            tick_list = self.lists.formula(["✓", *range(1, self._most_options() + 1)])
            for offset, option in enumerate(options, start=1):
                option_row = row + offset
                label = put(sheet.cell(row=option_row, column=2), option.label.get(lang))
                label.alignment = Alignment(wrap_text=True, vertical="top", indent=2)
                if option.help is not None:
                    hint = put(sheet.cell(row=option_row, column=3), " ".join(option.help.get(lang).split()))
                    hint.font = HELP_FONT
                    hint.alignment = WRAP
                for column in (1, 2, 3, 5):
                    sheet.cell(row=option_row, column=column).fill = OPTION_FILL
                tick = self._answer_cell(sheet.cell(row=option_row, column=4))
                tick.alignment = Alignment(horizontal="center", vertical="top")
                if option.code in ticks:
                    put(tick, ticks[option.code])
                validations.choose(tick.coordinate, tick_list)
                cells.options.append((option.code, offset))
            row += len(options)
        return row + 1

    def _most_options(self) -> int:
        return max(len(self.q.options(q)) for q in self.q.questions() if q.type == "multiple_choice")

    # --- tables ------------------------------------------------------------------------------

    def _table(
        self,
        sheet: Worksheet,
        role: str,
        title: str,
        intro: str,
        columns: Sequence[tuple[str, str, int, str]],  # key, header, width, hint
        rows: Sequence[dict[str, Any]],
    ) -> _Validations:
        """An Excel table holding `rows` (values by key) and spare blank rows; its drop-downs are
        added by the caller on the returned validations, over `self._column_range`."""
        self._header(sheet, HEADER_ROW, [c[1] for c in columns], [c[2] for c in columns])
        self._title(sheet, title, intro, len(columns))
        table = TableCells(role, sheet.title, HEADER_ROW)
        for number, (key, header, _, hint) in enumerate(columns, start=1):
            letters = get_column_letter(number)
            table.columns[key] = (letters, header)
            cell = put(sheet.cell(row=HEADER_ROW - 1, column=number), hint or None)
            cell.font = HELP_FONT
            cell.alignment = WRAP
        self.map.tables[role] = table
        for offset, values in enumerate(rows, start=1):
            for number, (key, *_) in enumerate(columns, start=1):
                value = values.get(key)
                if value is not None:
                    put(sheet.cell(row=HEADER_ROW + offset, column=number), value)
        last = HEADER_ROW + len(rows) + SPARE_ROWS[role]
        for number in range(1, len(columns) + 1):
            for row in range(HEADER_ROW + 1, last + 1):
                cell = sheet.cell(row=row, column=number)
                cell.alignment = WRAP
                cell.number_format = "@"  # typed text stays text: 2021-03 is not turned into a date
        name = role.capitalize()
        excel_table = Table(displayName=name, ref=f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}")
        excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        sheet.add_table(excel_table)
        self._print_setup(sheet, HEADER_ROW)
        return _Validations(sheet, self.lang)

    def _column_range(self, role: str, key: str, count: int) -> str:
        letters = self.map.tables[role].columns[key][0]
        return f"{letters}{HEADER_ROW + 1}:{letters}{HEADER_ROW + count + SPARE_ROWS[role] + VALIDATED_ROWS}"

    def _evidence_values(self, item: Evidence) -> dict[str, Any]:
        kinds = dict(evidence_kinds(self.lang))
        return {"title": item.title, "kind": kinds[item.kind], "reference": item.reference, "date": item.date}

    def _evidence_columns(self) -> list[tuple[str, str, int, str]]:
        widths = {"title": 50, "kind": 22, "reference": 40, "date": 16}
        return [(key, form_text(EVIDENCE_HEADERS[key], self.lang), widths[key], "") for key in EVIDENCE_COLUMNS]

    def _evidence_drop_downs(self, validations: _Validations, role: str, count: int) -> None:
        kinds = self.lists.formula([label for _, label in evidence_kinds(self.lang)])
        validations.choose(self._column_range(role, "kind", count), kinds)

    def _documents(self, sheet: Worksheet) -> None:
        rows = []
        for qid in self.evidence_questions:
            answer = self._answer(qid)
            listed = answer.value if answer is not None and isinstance(answer.value, list) else []
            rows += [{"question": qid, **self._evidence_values(e)} for e in listed if isinstance(e, Evidence)]
        columns = [("question", words("col_question_id", self.lang), 18, ""), *self._evidence_columns()]
        intro = words("intro_documents", self.lang, ids=", ".join(self.evidence_questions))
        validations = self._table(sheet, "documents", self.names["documents"], intro, columns, rows)
        validations.choose(
            self._column_range("documents", "question", len(rows)), self.lists.formula(self.evidence_questions)
        )
        self._evidence_drop_downs(validations, "documents", len(rows))

    def _evidence(self, sheet: Worksheet) -> None:
        rows: list[dict[str, Any]] = []
        for question in self.q.questions():
            answer = self._answer(question.id)
            for item in answer.evidence if answer is not None else []:
                rows.append({"question": question.id, **self._evidence_values(item)})
        for partnership in self._partnerships():
            rows += [{"partnership": partnership.id, **self._evidence_values(e)} for e in partnership.evidence]
        columns = [
            ("question", words("col_question_id", self.lang), 18, ""),
            ("partnership", words("col_partnership_id", self.lang), 18, ""),
            *self._evidence_columns(),
        ]
        validations = self._table(
            sheet, "evidence", self.names["evidence"], words("intro_evidence", self.lang), columns, rows
        )
        ids = self.lists.formula([q.id for q in self.q.questions()])
        validations.choose(self._column_range("evidence", "question", len(rows)), ids)
        self._evidence_drop_downs(validations, "evidence", len(rows))

    def _partnerships(self) -> list[Partnership]:
        return self.response.inventory if self.response is not None else []

    def _inventory(self, sheet: Worksheet) -> None:
        lang = self.lang
        inventory = self.q.inventory
        fields = [f for f in inventory.fields if f.type != "partner_list"]
        columns = [("id", form_text("partnership_id", lang), 16, words("hint_id", lang))]
        for f in fields:
            title = f.text.get(lang) + (f" {words('required_mark', lang)}" if f.required else "")
            columns.append((f.id, title, 40 if f.type in ("text", "multiple_choice") else 22, self._field_hint(f)))
        columns.append(("comment", form_text("comment", lang), 46, ""))
        rows = []
        for partnership in self._partnerships():
            values: dict[str, Any] = {"id": partnership.id, "comment": partnership.comment}
            for f in fields:
                value = partnership.get(f.id)
                if f.type in ("yes_no", "single_choice") and isinstance(value, str):
                    values[f.id] = self._label(f, value)
                elif f.type == "multiple_choice" and isinstance(value, list):
                    values[f.id] = "; ".join(str(v) for v in value)
                else:
                    values[f.id] = value
            rows.append(values)
        intro = inventory.intro.get(lang) + " " + words("hint_partners", lang, sheet=self.names["partners"])
        validations = self._table(sheet, "inventory", inventory.title.get(lang), intro, columns, rows)
        for f in fields:
            where = self._column_range("inventory", f.id, len(rows))
            if f.type in ("yes_no", "single_choice"):
                validations.choose(where, self._choice_formula(f))
            elif f.type in ("integer", "year"):
                validations.whole(where, *_bounds(f))

    def _field_hint(self, field: Question) -> str:
        hint = _help(self.q, field, self.lang) if field.type != "multiple_choice" else ""
        if field.type == "multiple_choice":
            example = "; ".join(self.q.codes(field)[:2])
            hint = words("hint_multi_codes", self.lang, example=example, sheet=self.names["codes"])
        return hint

    def _partners(self, sheet: Worksheet) -> None:
        lang = self.lang
        field = next(f for f in self.q.inventory.fields if f.type == "partner_list")
        rows = []
        for partnership in self._partnerships():
            listed = partnership.get(field.id)
            for partner in listed if isinstance(listed, list) else []:
                assert isinstance(partner, Partner)
                rows.append(
                    {"partnership": partnership.id, "name": partner.name, "kind": self._label(field, partner.kind)}
                )
        columns = [
            ("partnership", words("col_partnership_id", lang), 22, ""),
            ("name", form_text("partner_name", lang), 60, ""),
            ("kind", form_text("partner_kind", lang), 40, words("hint_choice", lang)),
        ]
        intro = words("intro_partners", lang, sheet=self.names["inventory"])
        validations = self._table(sheet, "partners", self.names["partners"], intro, columns, rows)
        validations.choose(self._column_range("partners", "kind", len(rows)), self._choice_formula(field))
        ids = f"={quote_sheetname(self.names['inventory'])}!$A${HEADER_ROW + 1}:$A${HEADER_ROW + 1 + VALIDATED_ROWS}"
        validations.choose(self._column_range("partners", "partnership", len(rows)), ids)

    def _codes(self, sheet: Worksheet) -> None:
        lang = self.lang
        self._header(sheet, HEADER_ROW, [words("col_code", lang), words("col_label", lang)], [14, 100])
        self._title(sheet, self.names["codes"], words("intro_codes", lang, sheet=self.names["inventory"]), 2)
        row = HEADER_ROW + 1
        for field in self.q.inventory.fields:
            if field.type != "multiple_choice":
                continue
            put(sheet.cell(row=row, column=1), field.text.get(lang)).font = FIELD_FONT
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            row += 1
            for code, label in choices(self.q, field, lang):
                put(sheet.cell(row=row, column=1), code).font = Font(name="Calibri", bold=True)
                put(sheet.cell(row=row, column=2), label).alignment = WRAP
                row += 1
            row += 1
        self._print_setup(sheet, HEADER_ROW)
        self._protect(sheet)

    def _map_sheet(self) -> None:
        sheet = self.wb.create_sheet(MAP_SHEET)
        for row in self.map.rows():
            sheet.append([str(v) if isinstance(v, str) else v for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.sheet_state = "veryHidden"  # not listed under Unhide: only the VBA editor shows it


def export_workbook(questionnaire: Questionnaire, lang: Language, response: Response | None) -> bytes:
    """The workbook's bytes: blank, or pre-filled with every answer, comment, evidence item and
    partnership of `response`. The same inputs give the same bytes."""
    return _Builder(questionnaire, lang, response).build()
