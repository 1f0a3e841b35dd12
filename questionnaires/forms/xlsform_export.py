"""The questionnaire as an XLSForm (survey, choices, settings) for KoboToolbox and ODK.

Labels, hints and messages are written in all three languages (`label::Français (fr)`); `--lang`
only chooses the `default_language`. Two hidden `calculate` fields, `mipat_questionnaire` ('<id>
<version>') and `mipat_language`, become columns of every data export: `mipat import` recognises a
data export by the first and learns the questionnaire version from it. Names of fields, repeats and
export columns come from `xlsform_layout`. An XLSForm holds no answers, so it is never pre-filled.

A question is `required` only when the response is final (`${response_status} = 'final'`), as mipat
requires answers of a final response only, so a draft can be saved with blanks.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from openpyxl import Workbook

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms import xlsform_layout as layout
from mipat.questionnaires.forms.choice_labels import choices, evidence_kinds, languages, statuses
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.forms.xlsform_logic import relevant
from mipat.questionnaires.i18n import LANGUAGES, Language, Text
from mipat.questionnaires.responses import ITEM_ID
from mipat.questionnaires.validation import YEAR_BOUNDS

FIXED_TIME = datetime(2020, 1, 1)  # workbook metadata: the same questionnaire gives the same bytes
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
TRANSLATED = ("label", "hint", "required_message", "constraint_message")
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "required_message", "relevant", "constraint")
SURVEY_TAIL = ("constraint_message", "calculation", "default")
MAX_EVIDENCE_TITLE, MAX_REFERENCE, MAX_PARTNER_NAME = 500, 2000, 300

Row = dict[str, Any]  # column -> text, or column -> {lang: text} for translated columns


def _words(key: str, **values: object) -> dict[Language, str]:
    return {lang: form_text(key, lang, "xlsform").format(**values) for lang in LANGUAGES}


def _common(key: str) -> dict[Language, str]:
    return {lang: form_text(key, lang) for lang in LANGUAGES}


def _text(text: Text) -> dict[Language, str]:
    return {lang: text.get(lang) for lang in LANGUAGES}


class _Survey:
    """Rows of the survey and choices sheets, built question by question."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.rows: list[Row] = []
        self.lists: dict[str, list[tuple[str, dict[Language, str]]]] = {}

    def choice_list(self, name: str, entries: dict[Language, list[tuple[str, str]]]) -> str:
        if name not in self.lists:
            codes = [code for code, _ in entries["en"]]
            self.lists[name] = [(code, {lang: dict(entries[lang])[code] for lang in LANGUAGES}) for code in codes]
        return name

    def list_of(self, question: Question, own_name: str) -> str:
        if question.type == "yes_no":
            extra = [c for c, flag in (("na", question.allow_not_applicable), ("dk", question.allow_dont_know)) if flag]
            name = "_".join(["yes_no", *extra])
        elif isinstance(question.options, str):
            name = question.options
        else:
            name = own_name
        return self.choice_list(name, {lang: choices(self.questionnaire, question, lang) for lang in LANGUAGES})

    def required(self, question: Question) -> Row:
        if not question.required:
            return {}
        return {"required": f"${{{layout.STATUS}}} = 'final'", "required_message": _words("required_final")}

    def field(self, question: Question, name: str, label: dict[Language, str], show: str | None) -> None:
        row: Row = {"name": name, "label": label, "relevant": show, **self.required(question)}
        if question.help is not None:
            row["hint"] = _text(question.help)
        if question.type in ("yes_no", "single_choice"):
            row["type"] = f"select_one {self.list_of(question, name)}"
        elif question.type == "multiple_choice":
            row["type"] = f"select_multiple {self.list_of(question, name)}"
            exclusive = [o for o in self.questionnaire.options(question) if o.exclusive]
            if exclusive:
                row["constraint"] = " and ".join(
                    f"not(selected(., '{o.code}') and count-selected(.) > 1)" for o in exclusive
                )
                row["constraint_message"] = {
                    lang: " ".join(
                        form_text("exclusive", lang, "xlsform").format(label=o.label.get(lang)) for o in exclusive
                    )
                    for lang in LANGUAGES
                }
        elif question.type in ("integer", "year"):
            row["type"] = "integer"
            low, high = question.min, question.max
            if question.type == "year":
                low = YEAR_BOUNDS[0] if low is None else low
                high = YEAR_BOUNDS[1] if high is None else high
            tests = [f". >= {low}"] * (low is not None) + [f". <= {high}"] * (high is not None)
            if tests:
                row["constraint"] = " and ".join(tests)
                key = "range" if low is not None and high is not None else "at_least" if low is not None else "at_most"
                row["constraint_message"] = _words(key, min=low, max=high)
            start = self.questionnaire.scope.get("period_start")
            if question.id == self.questionnaire.scope.get("period_end") and start is not None:
                # the period cannot end before it starts (mipat validate refuses it too)
                first = f"${{{layout.xml_name(start)}}}"
                row["constraint"] = " and ".join([*tests, f"({first} = '' or . >= {first})"])
                order = _words("period_order", first=start)
                said = row.get("constraint_message", {})
                row["constraint_message"] = {lang: f"{said.get(lang, '')} {order[lang]}".strip() for lang in LANGUAGES}
        elif question.type == "text":
            row["type"] = "text"
            row |= self.length(question.max_length)
        else:  # pragma: no cover - evidence and partner lists are repeats, written by their callers
            raise ValueError(f"{question.type} is not a single field")
        self.rows.append(row)

    @staticmethod
    def length(limit: int) -> Row:
        return {"constraint": f"string-length(.) <= {limit}", "constraint_message": _words("max_length", n=limit)}

    def evidence(self, repeat: str, label: dict[Language, str], show: str | None) -> None:
        """A repeat of documents: title (required once a document is added), kind, reference, date."""
        kinds = self.choice_list("evidence_kind", {lang: evidence_kinds(lang) for lang in LANGUAGES})
        col = {part: layout.evidence_column(repeat, part) for part in layout.EVIDENCE_FIELDS}
        self.rows.append(
            {"type": "begin_repeat", "name": repeat, "label": label, "hint": _words("evidence_hint"), "relevant": show}
        )
        self.rows += [
            {
                "type": "text",
                "name": col["title"],
                "label": _common("evidence_title"),
                "required": "yes",
                "required_message": _words("required_always"),
                **self.length(MAX_EVIDENCE_TITLE),
            },
            {"type": f"select_one {kinds}", "name": col["kind"], "label": _common("evidence_kind"), "default": "other"},
            {
                "type": "text",
                "name": col["reference"],
                "label": _common("evidence_reference"),
                **self.length(MAX_REFERENCE),
            },
            {
                "type": "text",
                "name": col["date"],
                "label": _common("evidence_date"),
                "constraint": f"regex(., '{PARTIAL_DATE}')",
                "constraint_message": _words("partial_date"),
            },
            {"type": "end_repeat", "name": repeat},
        ]


def _name_of(qid: str) -> str:
    return layout.xml_name(qid)


def _envelope(survey: _Survey, questionnaire: Questionnaire, lang: Language) -> None:
    survey.rows += [
        {"type": "calculate", "name": layout.MARKER, "calculation": f"'{layout.marker_value(questionnaire)}'"},
        {"type": "calculate", "name": layout.LANGUAGE_MARKER, "calculation": f"'{lang}'"},
        {
            "type": "begin_group",
            "name": layout.RESPONDENT_GROUP,
            "label": _common("respondent"),
            "hint": _words("envelope_hint"),
        },
    ]
    for key in layout.RESPONDENT_FIELDS:
        row: Row = {
            "type": "text",
            "name": f"{layout.RESPONDENT_GROUP}_{key}",
            "label": _common(key),
            **survey.length(300 if key == "organisation" else 200),
        }
        if key == "organisation":
            row |= {"required": f"${{{layout.STATUS}}} = 'final'", "required_message": _words("required_final")}
        survey.rows.append(row)
    status_list = survey.choice_list("response_status", {lang: statuses(lang) for lang in LANGUAGES})
    language_list = survey.choice_list("response_language", {lang: languages(lang) for lang in LANGUAGES})
    survey.rows += [
        {
            "type": f"select_one {status_list}",
            "name": layout.STATUS,
            "label": _common("status"),
            "required": "yes",
            "required_message": _words("required_always"),
            "default": "draft",
        },
        {
            "type": f"select_one {language_list}",
            "name": layout.LANGUAGE,
            "label": _common("language"),
            "required": "yes",
            "required_message": _words("required_always"),
            "default": lang,
        },
        {"type": "end_group", "name": layout.RESPONDENT_GROUP},
    ]


def _sections(survey: _Survey, questionnaire: Questionnaire) -> None:
    for section in questionnaire.sections:
        group: Row = {
            "type": "begin_group",
            "name": section.id,
            "label": {
                lang: form_text("section_label", lang, "xlsform").format(id=section.id, title=section.title.get(lang))
                for lang in LANGUAGES
            },
        }
        if section.intro is not None:
            group["hint"] = _text(section.intro)
        survey.rows.append(group)
        for question in section.questions:
            show = (
                relevant(question.show_if, questionnaire.question, _name_of) if question.show_if is not None else None
            )
            label = {
                lang: form_text("question_label", lang, "xlsform").format(id=question.id, text=question.text.get(lang))
                for lang in LANGUAGES
            }
            if question.type == "evidence":
                survey.evidence(layout.evidence_repeat(question.id), label, show)
            else:
                survey.field(question, layout.xml_name(question.id), label, show)
            survey.rows.append(
                {
                    "type": "text",
                    "name": layout.comment_name(question.id),
                    "label": _words("comment_label", id=question.id),
                    "relevant": show,
                    **survey.length(10000),
                }
            )
            if question.type != "evidence":
                answered = f"${{{layout.xml_name(question.id)}}} != ''"
                survey.evidence(
                    layout.answer_evidence_repeat(question.id),
                    _words("evidence_label", id=question.id),
                    f"{show} and {answered}" if show else answered,
                )
        survey.rows.append({"type": "end_group", "name": section.id})


def _inventory(survey: _Survey, questionnaire: Questionnaire) -> None:
    inventory = questionnaire.inventory
    fields = {f.id: f for f in inventory.fields}
    survey.rows.append(
        {
            "type": "begin_repeat",
            "name": layout.INVENTORY,
            "label": {lang: f"{inventory.title.get(lang)} · {inventory.item_label.get(lang)}" for lang in LANGUAGES},
            "hint": _text(inventory.intro),
        }
    )
    survey.rows.append(
        {
            "type": "text",
            "name": layout.item_name("id"),
            "label": _common("partnership_id"),
            "required": "yes",
            "required_message": _words("required_always"),
            "constraint": f"regex(., '{ITEM_ID}')",
            "constraint_message": _words("item_id"),
        }
    )
    for item_field in inventory.fields:
        show = relevant(item_field.show_if, fields.get, layout.item_name) if item_field.show_if is not None else None
        if item_field.type == "partner_list":
            name, kind = layout.partner_columns(item_field.id)
            kinds = survey.list_of(item_field, item_field.id)
            survey.rows += [
                {"type": "begin_repeat", "name": item_field.id, "label": _text(item_field.text), "relevant": show},
                {
                    "type": "text",
                    "name": name,
                    "label": _common("partner_name"),
                    "required": "yes",
                    "required_message": _words("required_always"),
                    **survey.length(MAX_PARTNER_NAME),
                },
                {
                    "type": f"select_one {kinds}",
                    "name": kind,
                    "label": _common("partner_kind"),
                    "required": "yes",
                    "required_message": _words("required_always"),
                },
                {"type": "end_repeat", "name": item_field.id},
            ]
        else:
            survey.field(item_field, layout.item_name(item_field.id), _text(item_field.text), show)
    survey.rows.append(
        {"type": "text", "name": layout.item_name("comment"), "label": _words("item_comment"), **survey.length(10000)}
    )
    survey.evidence(layout.item_name("evidence"), _words("item_evidence"), None)
    survey.rows.append({"type": "end_repeat", "name": layout.INVENTORY})


def xlsform_rows(
    questionnaire: Questionnaire, lang: Language
) -> tuple[list[Row], dict[str, list[tuple[str, dict[Language, str]]]]]:
    """The survey rows and choice lists; `lang` is the form's default language."""
    survey = _Survey(questionnaire)
    _envelope(survey, questionnaire, lang)
    _sections(survey, questionnaire)
    _inventory(survey, questionnaire)
    return survey.rows, survey.lists


def _put(sheet: Any, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # a label or hint starting with '=' stays text, never a formula


def _write_sheet(sheet: Any, headers: list[str], rows: list[list[str | None]]) -> None:
    for col, header in enumerate(headers, start=1):
        _put(sheet, 1, col, header)
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            if value not in (None, ""):
                _put(sheet, r, col, value)


def _headers(base: tuple[str, ...]) -> list[str]:
    return [
        f"{column}::{form_text('language_column', lang, 'xlsform')}" if column in TRANSLATED else column
        for column in base
        for lang in (LANGUAGES if column in TRANSLATED else ("",))
    ]


def _cells(row: Row, base: tuple[str, ...]) -> list[str | None]:
    cells: list[str | None] = []
    for column in base:
        value = row.get(column)
        if column in TRANSLATED:
            cells += [value.get(lang) if isinstance(value, dict) else None for lang in LANGUAGES]
        else:
            cells.append(value)
    return cells


def export_xlsform(questionnaire: Questionnaire, lang: Language) -> bytes:
    """The .xlsx XLSForm; `lang` is its default language. The same inputs give the same bytes."""
    rows, lists = xlsform_rows(questionnaire, lang)
    workbook = Workbook()
    survey_sheet = workbook.active
    survey_sheet.title = "survey"
    columns = (*SURVEY_COLUMNS, *SURVEY_TAIL)
    _write_sheet(survey_sheet, _headers(columns), [_cells(row, columns) for row in rows])
    choice_rows = [
        [name, code, *(labels[lg] for lg in LANGUAGES)] for name, entries in lists.items() for code, labels in entries
    ]
    _write_sheet(workbook.create_sheet("choices"), _headers(("list_name", "name", "label")), choice_rows)  # type: ignore[arg-type]
    settings = {
        "form_title": questionnaire.title.get(lang),
        "form_id": layout.form_id(questionnaire),
        "version": layout.form_version(questionnaire),
        "default_language": form_text("language_column", lang, "xlsform"),
    }
    _write_sheet(workbook.create_sheet("settings"), list(settings), [list(settings.values())])
    for sheet, widths in (
        (survey_sheet, {"A": 28, "B": 26, "C": 60, "D": 60, "E": 60}),
        (workbook["choices"], {"A": 22, "B": 24, "C": 50, "D": 50, "E": 50}),
    ):
        for letter, width in widths.items():
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "mipat"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return fixed_zip_times(buffer.getvalue())


def fixed_zip_times(data: bytes) -> bytes:
    """The archive with every member dated 1980-01-01 and the workbook's `modified` date fixed:
    openpyxl stamps both with the clock when it saves."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            content = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    content,
                )
            target.writestr(info, content)
    return out.getvalue()
