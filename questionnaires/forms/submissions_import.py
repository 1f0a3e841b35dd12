"""KoboToolbox and ODK Central data exports of mipat's XLSForm, read back to response data.

Liberal in what it reads: a column is known by the last segment of its header, so `WOG_1`,
`WOG/WOG_1` (KoboToolbox, groups in headers) and `WOG-WOG_1` (ODK) are one column; a repeat table
is known by its columns, not by its sheet or file name; rows are tied to their submission by
KoboToolbox's `_parent_index` or ODK's `PARENT_KEY`; a choice may be its code (XML values) or its
label in any of the three languages (a KoboToolbox "labels" export). Strict in what it reports: a
missing column or repeat, a value outside its list, a word where a number belongs and another
questionnaire version are each placed by submission and cell, and all of them are told at once, in
the language of the form each submission was made with (its `mipat_language` column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms import xlsform_layout as layout
from mipat.questionnaires.forms.choice_labels import (
    Lookup,
    choice_lookup,
    choices,
    folded,
    kind_lookup,
    language_lookup,
    status_lookup,
)
from mipat.questionnaires.forms.detect import SUBMISSION_MARKER
from mipat.questionnaires.forms.imported import (
    FormError,
    ImportedForm,
    form_problem,
    form_questionnaire,
    place_words,
)
from mipat.questionnaires.forms.submissions_tables import RawTable, read_tables
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.problems import Problem, Wording, worded
from mipat.questionnaires.source_files import Location

ID_COLUMNS = ("_uuid", "instanceID", "KEY", "_id")  # the submission's id, best first
OWN_KEYS = ("_index", "KEY")
PARENT_KEYS = {"_parent_index": "_index", "PARENT_KEY": "KEY"}
TRUE_CELLS = {"1", "true", "yes"}
assert SUBMISSION_MARKER == layout.MARKER


def _segments(header: str) -> list[str]:
    return re.split(r"[/-]", header)


def _cell_text(value: Any) -> str | None:
    """A cell as text, or None when blank; whole floats (Excel's 2021.0) lose their '.0'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    return text if text.strip() else None


@dataclass
class _Row:
    table: RawTable
    number: int
    cells: list[Any]
    columns: dict[str, int]  # layout name -> cell index

    def raw(self, index: int) -> Any:
        return self.cells[index] if index < len(self.cells) else None

    def text(self, name: str) -> str | None:
        index = self.columns.get(name)
        return None if index is None else _cell_text(self.raw(index))

    def place(self, name: str | None = None, *, main: bool, lang: Language) -> str:
        """Where the cell of column `name` (the whole row without one) is, in the form's language."""
        return self.place_at(None if name is None else self.columns.get(name), name, main=main, lang=lang)

    def place_at(self, index: int | None, name: str | None, *, main: bool, lang: Language) -> str:
        """A workbook's cell as Excel names it with its header, `'partners'!C2 (inventory/partners/partners_name)`;
        else words: `fichier x-partners.csv, ligne 2, colonne partners_name`. On the submissions' own
        table (`main`) words name the column only: the submission's id, told first, gives the row."""
        if index is not None and self.table.sheet:
            return f"{self.table.cell(self.number, index)} ({self.table.headers[index]})"
        header = self.table.headers[index] if index is not None else name
        column = None if header is None else place_words("place_column", lang, name=header)
        if main:
            return column or ""
        parts = (self.table.label(lang), place_words("place_row", lang, n=self.number), column)
        return ", ".join(part for part in parts if part)


def _resolve(headers: list[str], names: set[str]) -> dict[str, int]:
    """Layout name -> index of the first header whose last segment (or whole text) is that name."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        for candidate in (header, _segments(header)[-1]):
            if candidate in names and candidate not in found:
                found[candidate] = index
                break
    return found


def _option_columns(headers: list[str], name: str) -> dict[int, str]:
    """KoboToolbox's one-column-per-option of a multiple choice: `WOG_3/foreign_affairs` (1 or 0)."""
    pattern = re.compile(rf"(?:^|[/-]){re.escape(name)}[/-](.+)$")
    return {i: m.group(1) for i, h in enumerate(headers) if (m := pattern.search(h))}


def _segmentation(text: str, names: dict[str, str]) -> list[str] | None:
    """Codes of a multiple choice written as labels, 'Justice Santé' or 'Justice; Santé': labels hold
    spaces and commas, so the text is cut where every piece is a known label or code (`names`, folded
    label -> code), separated by spaces, ';' or ','; longer labels are tried first."""
    text = folded(text)
    candidates = sorted(names, key=len, reverse=True)

    @cache
    def cut(start: int) -> tuple[str, ...] | None:
        while start < len(text) and text[start] in " ;,":
            start += 1
        if start == len(text):
            return ()
        for label in candidates:
            end = start + len(label)
            if text.startswith(label, start) and (end == len(text) or text[end] in " ;,"):
                rest = cut(end)
                if rest is not None:
                    return (names[label], *rest)
        return None

    found = cut(0)
    return None if found is None else list(found)


@dataclass
class _Reader:
    """One submission being read: its data, its places, and the problems found."""

    name: str
    questionnaire: Questionnaire
    lang: Language
    submission: str
    places: dict[Location, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, place: str, code: str, message: Wording, question: str | None = None) -> None:
        where = f"[{self.submission}] {place}".strip()
        self.problems.append(form_problem(self.name, where, code, message, question=question))

    def choice(self, row: _Row, column: str, lookup: Lookup, loc: Location, main: bool, qid: str | None) -> str | None:
        text = row.text(column)
        if text is None:
            return None
        place = row.place(column, main=main, lang=self.lang)
        self.places[loc] = place
        code = lookup.code(text)
        if code is None:
            self.problem(place, "invalid-choice", worded("form_not_in_list", value=text), qid)
        return code

    def number(self, row: _Row, column: str, loc: Location, main: bool, qid: str | None) -> int | None:
        text = row.text(column)
        if text is None:
            return None
        place = row.place(column, main=main, lang=self.lang)
        self.places[loc] = place
        match = re.fullmatch(r"\s*([+-]?\d+)(?:\.0*)?\s*", text)
        if match is None:
            self.problem(place, "wrong-value", worded("form_not_a_number", value=text), qid)
            return None
        return int(match.group(1))

    def text(self, row: _Row, column: str, loc: Location, main: bool) -> str | None:
        text = row.text(column)
        if text is not None:
            self.places[loc] = row.place(column, main=main, lang=self.lang)
        return text

    def multiple(self, row: _Row, column: str, question: Question, loc: Location, main: bool) -> list[str] | None:
        lookup = choice_lookup(self.questionnaire, question, self.lang)
        if column not in row.columns:  # only the one-column-per-option form of the choice
            ticked = {
                index: code
                for index, code in _option_columns(row.table.headers, column).items()
                if (_cell_text(row.raw(index)) or "").strip().lower() in TRUE_CELLS
            }
            if ticked:  # placed at the first ticked option's cell
                self.places[loc] = row.place_at(next(iter(ticked)), None, main=main, lang=self.lang)
            codes = [lookup.code(code) or code for code in ticked.values()]
            return codes or None
        text = row.text(column)
        if text is None:
            return None
        place = row.place(column, main=main, lang=self.lang)
        self.places[loc] = place
        tokens = text.split()
        codes = [lookup.code(t) for t in tokens]
        if all(c is not None and c == t for c, t in zip(codes, tokens, strict=True)):
            return codes  # type: ignore[return-value]
        names = {folded(label): code for lg in LANGUAGES for code, label in choices(self.questionnaire, question, lg)}
        segmented = _segmentation(text, names | {folded(code): code for code in lookup.codes})
        if segmented is None:
            unknown = next((t for t, c in zip(tokens, codes, strict=True) if c is None), text)
            self.problem(place, "invalid-choice", worded("form_not_in_list", value=unknown), question.id)
            return None
        return segmented

    def value(self, row: _Row, column: str, question: Question, loc: Location, main: bool) -> Any:
        if question.type in ("yes_no", "single_choice"):
            lookup = choice_lookup(self.questionnaire, question, self.lang)
            return self.choice(row, column, lookup, loc, main, question.id)
        if question.type == "multiple_choice":
            return self.multiple(row, column, question, loc, main)
        if question.type in ("integer", "year"):
            return self.number(row, column, loc, main, question.id)
        return self.text(row, column, loc, main)

    def evidence(self, rows: list[_Row], repeat: str, loc: Location, qid: str | None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for row in rows:
            at = (*loc, len(items))
            item: dict[str, Any] = {}
            for part in layout.EVIDENCE_FIELDS:
                column = layout.evidence_column(repeat, part)
                if part == "kind":
                    value = self.choice(row, column, kind_lookup(self.lang), (*at, part), False, qid)
                else:
                    value = self.text(row, column, (*at, part), False)
                if value is not None:
                    item[part] = value
            if item:
                self.places[at] = row.place(main=False, lang=self.lang)
                items.append(item)
        return items


class _Export:
    """The export's tables matched to the form's layout: which raw table is which repeat, and the
    rows of each repeat under each parent row."""

    def __init__(self, name: str, kind: str, raw: list[RawTable], questionnaire: Questionnaire, lang: Language) -> None:
        self.name = name
        self.lang = lang  # of the first submission made with this questionnaire: its problems are told first
        self.layout = layout.tables(questionnaire)
        self.main_layout = self.layout[0]
        self.problems: list[Problem] = []
        self.children: dict[tuple[str, str, str], list[_Row]] = {}  # (repeat, key kind, parent key) -> rows
        main = next(t for t in raw if layout.MARKER in _resolve(t.headers, {layout.MARKER}))
        self.main = main
        self.main_columns = self._columns(main, self.main_layout, main=True)
        others = [t for t in raw if t is not main]
        for table in self.layout[1:]:
            names = {c.name for c in table.columns}
            matches = [t for t in others if _resolve(t.headers, names)]
            if not matches:
                if kind != "submissions-csv":  # a lone CSV holds the submissions only, by nature
                    self.missing(worded("xf_repeat", name=table.name))
                continue
            source = max(matches, key=lambda t: len(_resolve(t.headers, names)))
            columns = self._columns(source, table, main=False)
            for number, cells in source.rows:
                row = _Row(source, number, cells, columns)
                for parent_column, key_kind in PARENT_KEYS.items():
                    parent = _cell_text(row.raw(columns[parent_column])) if parent_column in columns else None
                    if parent is not None:
                        self.children.setdefault((table.name, key_kind, parent), []).append(row)

    def missing(self, part: Wording, place: str | None = None) -> None:
        wording = worded("form_missing_part", part=part)
        self.problems.append(form_problem(self.name, place, "form-missing-part", wording))

    def _columns(self, source: RawTable, table: layout.Table, *, main: bool) -> dict[str, int]:
        names = {c.name for c in table.columns}
        keys = {*OWN_KEYS, *PARENT_KEYS, *ID_COLUMNS}
        columns = _resolve(source.headers, names | keys)
        for column in table.columns:
            optional = column.holds == "marker" and column.key == "language"
            by_option = column.question is not None and column.question.type == "multiple_choice"
            if column.name in columns or optional or (by_option and _option_columns(source.headers, column.name)):
                continue
            where = source.label(self.lang) if not main else None
            self.missing(worded("xf_column", name=column.name), where)
        return columns

    def rows_under(self, repeat: str, parent: _Row) -> list[_Row]:
        for key_kind in OWN_KEYS:
            key = parent.text(key_kind)
            if key is not None and (repeat, key_kind, key) in self.children:
                return self.children[(repeat, key_kind, key)]
        return []


def _submission_id(row: _Row, lang: Language) -> str:
    for column in ID_COLUMNS:
        text = row.text(column)
        if text is not None:
            return text.strip()
    return place_words("place_row", lang, n=row.number)


@cache
def _form_language(text: str | None) -> Language:
    return text if text in LANGUAGES else "en"  # type: ignore[return-value]


def _answer_entry(value: Any, comment: str | None, evidence: list[dict[str, Any]]) -> Any:
    if comment is None and not evidence:
        return value
    entry: dict[str, Any] = {} if value is None else {"value": value}
    if comment is not None:
        entry["comment"] = comment
    if evidence:
        entry["evidence"] = evidence
    return entry


def _read_submission(export: _Export, reader: _Reader, row: _Row) -> dict[str, Any]:
    questionnaire = reader.questionnaire
    respondent: dict[str, Any] = {}
    for key in layout.RESPONDENT_FIELDS:
        value = reader.text(row, f"{layout.RESPONDENT_GROUP}_{key}", ("respondent", key), True)
        if value is not None:
            respondent[key] = value
    status = reader.choice(row, layout.STATUS, status_lookup(reader.lang), ("status",), True, None)
    language = reader.choice(row, layout.LANGUAGE, language_lookup(reader.lang), ("language",), True, None)
    answers: dict[str, Any] = {}
    for question in questionnaire.questions():
        loc: Location = ("answers", question.id)
        comment = reader.text(row, layout.comment_name(question.id), (*loc, "comment"), True)
        if question.type == "evidence":
            # the documents are the value: under `value` when a comment makes the answer an entry
            repeat = layout.evidence_repeat(question.id)
            items = reader.evidence(
                export.rows_under(repeat, row), repeat, loc if comment is None else (*loc, "value"), question.id
            )
            value: Any = items or None
            evidence: list[dict[str, Any]] = []
        else:
            value = reader.value(row, layout.xml_name(question.id), question, loc, True)
            repeat = layout.answer_evidence_repeat(question.id)
            evidence = reader.evidence(export.rows_under(repeat, row), repeat, (*loc, "evidence"), question.id)
        entry = _answer_entry(value, comment, evidence)
        if entry is not None:
            answers[question.id] = entry
    items = export.rows_under(layout.INVENTORY, row)
    return {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "status": status or "draft",
        "language": language or reader.lang,
        "respondent": respondent,
        "answers": answers,
        "inventory": [_read_item(export, reader, item_row, n) for n, item_row in enumerate(items)],
    }


def _read_item(export: _Export, reader: _Reader, row: _Row, index: int) -> dict[str, Any]:
    loc: Location = ("inventory", index)
    reader.places[loc] = row.place(main=False, lang=reader.lang)
    item: dict[str, Any] = {}
    item_id = reader.text(row, layout.item_name("id"), (*loc, "id"), False)
    if item_id is not None:
        item["id"] = item_id
    for item_field in reader.questionnaire.inventory.fields:
        at = (*loc, item_field.id)
        if item_field.type == "partner_list":
            partners = []
            name_col, kind_col = layout.partner_columns(item_field.id)
            lookup = choice_lookup(reader.questionnaire, item_field, reader.lang)
            for partner_row in export.rows_under(item_field.id, row):
                p_at = (*at, len(partners))
                partner: dict[str, Any] = {}
                name = reader.text(partner_row, name_col, (*p_at, "name"), False)
                kind = reader.choice(partner_row, kind_col, lookup, (*p_at, "kind"), False, None)
                if name is not None:
                    partner["name"] = name
                if kind is not None:
                    partner["kind"] = kind
                if partner:
                    reader.places[p_at] = partner_row.place(main=False, lang=reader.lang)
                    partners.append(partner)
            value: Any = partners or None
        else:
            value = reader.value(row, layout.item_name(item_field.id), item_field, at, False)
        if value is not None:
            item[item_field.id] = value
    comment = reader.text(row, layout.item_name("comment"), (*loc, "comment"), False)
    if comment is not None:
        item["comment"] = comment
    repeat = layout.item_name("evidence")
    evidence = reader.evidence(export.rows_under(repeat, row), repeat, (*loc, "evidence"), None)
    if evidence:
        item["evidence"] = evidence
    return item


def _questionnaire_of(name: str, raw: list[RawTable]) -> tuple[RawTable, list[tuple[Questionnaire | None, Language]]]:
    """The submissions table and, per row, the questionnaire its `mipat_questionnaire` names and the
    language of the form it was made with (`mipat_language`; English when the column is missing)."""
    main = next((t for t in raw if layout.MARKER in _resolve(t.headers, {layout.MARKER})), None)
    if main is None:  # not even the marker: nothing says the form's language, so --lang tells it
        wording = worded("form_missing_part", part=worded("xf_column", name=layout.MARKER))
        raise FormError(wording, [form_problem(name, None, "form-missing-part", wording)])
    columns = _resolve(main.headers, {layout.MARKER, layout.LANGUAGE_MARKER})
    found: list[tuple[Questionnaire | None, Language]] = []
    problems: list[Problem] = []
    languages: list[Language] = []  # of the rows whose questionnaire is unknown
    for number, cells in main.rows:
        row = _Row(main, number, cells, columns)
        lang = _form_language(row.text(layout.LANGUAGE_MARKER))
        qid, _, version = (row.text(layout.MARKER) or "").strip().partition(" ")
        place = row.place(layout.MARKER, main=False, lang=lang)
        try:
            found.append((form_questionnaire(name, place, qid, version.strip(), lang), lang))
        except FormError as exc:
            problems += exc.problems
            languages.append(lang)
            found.append((None, lang))
    if problems:
        raise FormError(_counted(name, problems), problems, language=languages[0])
    return main, found


def _counted(name: str, problems: list[Problem]) -> Wording:
    return worded("cli_file_errors", file=name, errors=Wording(key="n_errors", count=len(problems)))


def import_submissions(data: bytes, name: str, kind: str) -> list[ImportedForm]:
    """One ImportedForm per submission of a KoboToolbox/ODK Central data export of mipat's XLSForm."""
    raw = read_tables(data, name, kind)
    fmt = "xlsform-xlsx" if kind == "submissions-xlsx" else "xlsform-csv"
    main, questionnaires = _questionnaire_of(name, raw)
    exports: dict[tuple[str, str], _Export] = {}
    forms: list[ImportedForm] = []
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for (number, cells), (questionnaire, lang) in zip(main.rows, questionnaires, strict=True):
        assert questionnaire is not None
        key = (questionnaire.id, questionnaire.version)
        if key not in exports:
            exports[key] = _Export(name, kind, raw, questionnaire, lang)
        export = exports[key]
        if export.problems and key not in reported:
            reported.add(key)
            problems += export.problems
        row = _Row(main, number, cells, export.main_columns)
        reader = _Reader(name, questionnaire, lang, _submission_id(row, lang))
        data_dict = _read_submission(export, reader, row)
        reader.places[("questionnaire",)] = row.place(layout.MARKER, main=True, lang=lang)
        problems += reader.problems
        forms.append(ImportedForm(data_dict, fmt, lang, reader.places, reader.submission))  # type: ignore[arg-type]
    if problems:
        raise FormError(_counted(name, problems), problems, language=forms[0].form_language if forms else None)
    return forms
