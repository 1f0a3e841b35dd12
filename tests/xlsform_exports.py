"""Data exports as KoboToolbox and ODK Central write them for mipat's XLSForm, built from response data.

A test cannot run a KoboToolbox or ODK Central server, so these writers follow their documented
layouts: KoboToolbox XLSX ("XML values and headers" or "labels", groups in headers): a main sheet
with `group/field` headers, a select_multiple as one space-separated column plus one 0/1 column per
option, `_id`, `_uuid`, `_index`, and one sheet per repeat named after it, rows tied by
`_parent_index`. ODK Central CSV zip (as ODK Briefcase documented it): `<form>.csv` with
`group-field` headers, `meta-instanceID` and `KEY`, and `<form>-<repeat>.csv` per repeat with
`PARENT_KEY`, `KEY` (`uuid:…/inventory[1]`) and `SET-OF-<repeat>`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from openpyxl import Workbook

from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.forms import xlsform_layout as layout
from mipat.questionnaires.forms.choice_labels import (
    choice_lookup,
    kind_lookup,
    language_lookup,
    status_lookup,
)
from mipat.questionnaires.i18n import Language

Rows = list[dict[str, Any]]


class _Builder:
    """Rows of every table for a list of (submission id, response data)."""

    def __init__(self, questionnaire: Questionnaire, lang: Language, labels: bool) -> None:
        self.questionnaire = questionnaire
        self.lang = lang
        self.labels = labels
        self.layout = layout.tables(questionnaire)
        self.rows: dict[str, Rows] = {t.name: [] for t in self.layout}

    def group(self, table: layout.Table, column: layout.Column) -> str:
        if table.name:
            return ""
        if column.holds in ("respondent", "status", "language"):
            return layout.RESPONDENT_GROUP
        if column.holds == "marker":
            return ""
        section = self.questionnaire.section_of(column.key)
        return section.id if section else ""

    def shown(self, column: layout.Column, value: Any) -> Any:
        """A value as the export shows it: codes, or labels in the form's language."""
        question = column.question
        if value is None or question is None or not self.labels:
            if isinstance(value, list):
                return " ".join(str(v) for v in value)
            return value
        if question.type in ("yes_no", "single_choice", "partner_list"):
            return choice_lookup(self.questionnaire, question, self.lang).label(value)
        if question.type == "multiple_choice":
            lookup = choice_lookup(self.questionnaire, question, self.lang)
            return " ".join(lookup.label(str(v)) for v in value)
        return value

    def evidence_rows(self, repeat: str, items: list[dict[str, Any]], parent: dict[str, Any]) -> None:
        for item in items:
            row = {layout.evidence_column(repeat, part): item.get(part) for part in layout.EVIDENCE_FIELDS}
            if self.labels and item.get("kind"):
                row[layout.evidence_column(repeat, "kind")] = kind_lookup(self.lang).label(item["kind"])
            self.add(repeat, row, parent)

    def add(self, table: str, row: dict[str, Any], parent: dict[str, Any] | None) -> dict[str, Any]:
        rows = self.rows[table]
        row["_index"] = len(rows) + 1
        key_parent = parent["KEY"] if parent else None
        siblings = sum(1 for r in rows if r.get("PARENT_KEY") == key_parent) if parent else 0
        if parent is not None:
            row["_parent_index"] = parent["_index"]
            row["PARENT_KEY"] = key_parent
            row["KEY"] = f"{key_parent}/{table}[{siblings + 1}]"
            row["SET-OF"] = f"{key_parent}/{table}"
        rows.append(row)
        return row

    def submission(self, uuid: str, data: dict[str, Any]) -> None:
        main: dict[str, Any] = {
            layout.MARKER: f"{data['questionnaire']['id']} {data['questionnaire']['version']}",
            layout.LANGUAGE_MARKER: self.lang,
            "_uuid": uuid,
            "KEY": f"uuid:{uuid}",
        }
        for key in layout.RESPONDENT_FIELDS:
            main[f"{layout.RESPONDENT_GROUP}_{key}"] = data["respondent"].get(key)
        status, language = data["status"], data["language"]
        main[layout.STATUS] = status_lookup(self.lang).label(status) if self.labels else status
        main[layout.LANGUAGE] = language_lookup(self.lang).label(language) if self.labels else language
        main = self.add("", main, None)
        for question in self.questionnaire.questions():
            entry = data["answers"].get(question.id)
            if entry is None:
                continue
            if not isinstance(entry, dict) or set(entry) - {"value", "comment", "evidence"}:
                entry = {"value": entry}
            if question.type == "evidence":
                self.evidence_rows(layout.evidence_repeat(question.id), entry.get("value") or [], main)
            else:
                column = self.layout[0].column(question.id)
                assert column is not None
                main[column.name] = self.shown(column, entry.get("value"))
                self.evidence_rows(layout.answer_evidence_repeat(question.id), entry.get("evidence", []), main)
            main[layout.comment_name(question.id)] = entry.get("comment")
        inventory = next(t for t in self.layout if t.name == layout.INVENTORY)
        for item in data["inventory"]:
            row: dict[str, Any] = {layout.item_name("id"): item["id"], layout.item_name("comment"): item.get("comment")}
            for column in inventory.columns:
                if column.question is not None:
                    row[column.name] = self.shown(column, item.get(column.key))
            row = self.add(layout.INVENTORY, row, main)
            for table in self.layout:
                if table.kind == "partners":
                    name, kind = layout.partner_columns(table.key)
                    for partner in item.get(table.key, []):
                        shown_kind = self.shown(table.columns[1], partner["kind"])
                        self.add(table.name, {name: partner["name"], kind: shown_kind}, row)
            self.evidence_rows(layout.item_name("evidence"), item.get("evidence", []), row)


def _build(questionnaire: Questionnaire, lang: Language, submissions: list[tuple[str, dict]], labels: bool):
    builder = _Builder(questionnaire, lang, labels)
    for uuid, data in submissions:
        builder.submission(uuid, data)
    return builder


def _path(builder: _Builder, table: layout.Table, sep: str, *, inside: bool) -> list[tuple[str, str]]:
    """(header, name) of the table's columns; KoboToolbox prefixes groups and repeats, ODK only groups."""
    pairs = []
    for column in table.columns:
        prefix: list[str] = []
        if inside:
            chain = []
            current: layout.Table | None = table
            while current is not None and current.name:
                chain.insert(0, current.name)
                current = next((t for t in builder.layout if t.name == current.parent), None)
            if table.kind == "answer_evidence" or table.kind == "evidence":
                section = builder.questionnaire.section_of(table.key)
                chain.insert(0, section.id)
            prefix = chain
        else:
            group = builder.group(table, column)
            prefix = [group] if group else []
        pairs.append((sep.join([*prefix, column.name]), column.name))
        question = column.question
        if sep == "/" and question is not None and question.type == "multiple_choice":
            for code in builder.questionnaire.codes(question):
                pairs.append((sep.join([*prefix, column.name, code]), f"{column.name}\0{code}"))
    return pairs


def _cell(row: dict[str, Any], name: str) -> Any:
    if "\0" in name:
        column, code = name.split("\0")
        value = row.get(column)
        return None if value is None else int(code in str(value).split())
    return row.get(name)


def kobo_xlsx(
    questionnaire: Questionnaire, lang: Language, submissions: list[tuple[str, dict]], *, labels: bool = False
) -> bytes:
    """A KoboToolbox XLSX export: codes ("XML values and headers") or labels of `lang` ("labels")."""
    builder = _build(questionnaire, lang, submissions, labels)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in builder.layout:
        sheet = workbook.create_sheet(table.name or "mipat-partnerships"[:31])
        pairs = _path(builder, table, "/", inside=bool(table.name))
        if table.name:
            extra = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"]
        else:
            extra = ["_id", "_uuid", "_submission_time", "_validation_status", "_status", "__version__", "_index"]
        sheet.append([h for h, _ in pairs] + extra)
        for n, row in enumerate(builder.rows[table.name], start=1):
            cells = [_cell(row, name) for _, name in pairs]
            if table.name:
                parent = table.parent or "mipat-partnerships"
                tail = [row["_index"], parent, row["_parent_index"], 1000, row["PARENT_KEY"].split("/")[0][5:]]
            else:
                tail = [1000 + n, row["_uuid"], "2025-06-01T10:00:00", "", "submitted_via_web", "vXyZ", row["_index"]]
            sheet.append(cells + tail)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue()


def odk_zip(questionnaire: Questionnaire, lang: Language, submissions: list[tuple[str, dict]]) -> bytes:
    """An ODK Central "CSV files (.zip)" export: codes, one CSV per repeat."""
    builder = _build(questionnaire, lang, submissions, False)
    form = layout.form_id(questionnaire)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for table in builder.layout:
            pairs = _path(builder, table, "-", inside=False)
            rows = builder.rows[table.name]
            if table.name:
                headers = [h for h, _ in pairs] + ["PARENT_KEY", "KEY", f"SET-OF-{table.name}"]
                body = [[_cell(r, n) for _, n in pairs] + [r["PARENT_KEY"], r["KEY"], r["SET-OF"]] for r in rows]
                archive.writestr(f"{form}-{table.name}.csv", _csv(headers, body))
            else:
                headers = ["SubmissionDate", *[h for h, _ in pairs], "meta-instanceID", "KEY", "SubmitterID"]
                body = [
                    ["2025-06-01T10:00:00.000Z", *[_cell(r, n) for _, n in pairs], r["KEY"], r["KEY"], 5] for r in rows
                ]
                archive.writestr(f"{form}.csv", _csv(headers, body))
    return buffer.getvalue()


def main_csv(questionnaire: Questionnaire, lang: Language, submissions: list[tuple[str, dict]]) -> bytes:
    """The submissions alone as one CSV, KoboToolbox style (`;`, `/` group paths)."""
    builder = _build(questionnaire, lang, submissions, False)
    table = builder.layout[0]
    pairs = [(h, n) for h, n in _path(builder, table, "/", inside=False) if "\0" not in n]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([h for h, _ in pairs] + ["_uuid", "_index"])
    for row in builder.rows[""]:
        writer.writerow(
            [("" if _cell(row, n) is None else _cell(row, n)) for _, n in pairs] + [row["_uuid"], row["_index"]]
        )
    return out.getvalue().encode("utf-8")
