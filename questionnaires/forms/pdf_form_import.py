"""A filled mipat PDF form back to response data, each value placed at its field.

pypdf reads every field's value (`/V`): text as typed, a radio group's chosen export value
(`/partial`), a check box's on state (`/Yes`), a drop-down's export value (the code) or, when a tool
wrote the label instead, the label, which is looked up in any of the three languages. The import
rebuilds every field name the questionnaire gives (`pdf_form_fields`) and reads it: a field it
cannot find was deleted or renamed, and every such problem in the form is reported at once.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms import pdf_form_fields as names
from mipat.questionnaires.forms.choice_labels import (
    Lookup,
    choice_lookup,
    kind_lookup,
    language_lookup,
    status_lookup,
)
from mipat.questionnaires.forms.imported import (
    FormError,
    ImportedForm,
    form_problem,
    form_questionnaire,
    not_a_form,
    place_words,
)
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.problems import Problem, Wording, worded
from mipat.questionnaires.source_files import Location

OFF = ("", "/Off", "Off")
CODE_SEPARATORS = re.compile(r"[,;\s]+")


def _refuse(name: str, key: str) -> FormError:
    return not_a_form(name, worded(key))


def _read(data: bytes, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Every field's value by full name, and the page (from 1) of each field's box."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs ("EOF marker not found") to stderr; mipat reports the form itself.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(name, "form_pdf_unreadable")
        fields = reader.get_fields() or {}
        pages: dict[str, int] = {}
        for number, page in enumerate(reader.pages, start=1):
            for annotation in page.get("/Annots", None) or []:
                widget = annotation.get_object()
                title = widget.get("/T")
                if title is None and "/Parent" in widget:  # a radio button: the group holds the name
                    title = widget["/Parent"].get_object().get("/T")
                if title is not None:
                    pages.setdefault(str(title), number)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise _refuse(name, "form_pdf_unreadable") from None
    return {key: field.get("/V") for key, field in fields.items()}, pages


class _Reader:
    """Values of the form's fields as response data, with their places and every problem found."""

    def __init__(self, file: str, values: dict[str, Any], pages: dict[str, int], q: Questionnaire, lang: Language):
        self.file = file
        self.values = values
        self.pages = pages
        self.q = q
        self.lang = lang
        self.problems: list[Problem] = []
        self.places: dict[Location, str] = {}

    def place(self, field: str) -> str:
        """`champ WOG_1 (page 10)`: in the form's language, the page when the field has a box."""
        page = self.pages.get(field)
        where = place_words("place_field", self.lang, name=field)
        return where + (f" ({place_words('place_page', self.lang, n=page)})" if page else "")

    def has(self, field: str) -> bool:
        return field in self.values

    def _missing(self, field: str) -> None:
        self.problems.append(
            form_problem(
                self.file,
                self.place(field),
                "form-missing-field",
                worded("form_missing_part", part=worded("form_pdf_field", name=field)),
            )
        )

    def raw(self, field: str) -> str | None:
        """The field's value as text, None when empty; a missing field is a problem."""
        if field not in self.values:
            self._missing(field)
            return None
        value = self.values[field]
        if value is None:
            return None
        if isinstance(value, list):  # a list box with several entries chosen: not made by mipat
            value = ", ".join(str(v) for v in value)
        text = str(value).strip()
        return None if text in OFF else text

    def text(self, field: str, location: Location) -> str | None:
        value = self.raw(field)
        if value is not None:
            self.places[location] = self.place(field)
        return value

    def coded(self, field: str, lookup: Lookup, location: Location, question: str | None = None) -> str | None:
        """A radio group's export value or a drop-down's code or label, as its code."""
        value = self.raw(field)
        if value is None:
            return None
        self.places[location] = self.place(field)
        code = lookup.code(value.removeprefix("/"))
        if code is None:
            self.not_in_list(field, value.removeprefix("/"), question)
        return code

    def not_in_list(self, field: str, value: str, question: str | None) -> None:
        wording = worded("form_not_in_list", value=value)
        self.problems.append(form_problem(self.file, self.place(field), "form-not-in-list", wording, question=question))

    # --- a question's value -----------------------------------------------------------------------

    def value(self, question: Question, base: str, location: Location, label: str) -> Any:
        kind = names.widget(self.q, question)
        lookup = choice_lookup(self.q, question, self.lang) if question.options or question.type == "yes_no" else None
        if kind in ("radio", "dropdown"):
            assert lookup is not None
            return self.coded(base, lookup, location, label)
        if kind == "checkboxes":
            picked = []
            for code in self.q.codes(question):
                field = names.option_field(base, code)
                if self.raw(field) is not None:
                    picked.append(code)
                    self.places.setdefault(location, self.place(field))
            return picked or None
        if kind == "codes":
            assert lookup is not None
            text = self.text(base, location)
            if text is None:
                return None
            codes = []
            for token in filter(None, CODE_SEPARATORS.split(text)):
                code = lookup.code(token)
                if code is None:
                    self.not_in_list(base, token, label)
                elif code not in codes:
                    codes.append(code)
            return codes or None
        if kind == "number":
            text = self.text(base, location)
            if text is None:
                return None
            try:
                return int(text.replace(" ", "").replace("\u202f", "").replace("\xa0", ""))
            except ValueError:
                wording = worded("form_not_a_number", value=text)
                self.problems.append(
                    form_problem(self.file, self.place(base), "form-not-a-number", wording, question=label)
                )
                return None
        return self.text(base, location)  # text

    def evidence(self, base: str, rows: int, location: Location) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kinds = kind_lookup(self.lang)
        row = 1
        while row <= rows or self.has(names.evidence_field(base, row, "title")):
            at = (*location, len(items))
            item: dict[str, Any] = {}
            for part in names.EVIDENCE_PARTS:
                field = names.evidence_field(base, row, part)
                value = self.coded(field, kinds, (*at, part)) if part == "kind" else self.text(field, (*at, part))
                if value is not None:
                    item[part] = value
            if item:
                self.places[at] = self.place(names.evidence_field(base, row, "title"))
                items.append(item)
            row += 1
        return items

    # --- the parts --------------------------------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for question in self.q.questions():
            qid, base = question.id, names.question_field(question.id)
            at: Location = ("answers", qid)
            if question.type == "evidence":
                items = self.evidence(base, names.EVIDENCE_LIST_ROWS, (*at, "value"))
                value: Any = items or None
                evidence: list[dict[str, Any]] = []
                if items:
                    self.places[at] = self.places[(*at, "value", 0)]
            else:
                value = self.value(question, base, at, qid)
                evidence = self.evidence(base, names.EVIDENCE_ROWS, (*at, "evidence"))
            comment = self.text(names.comment_field(base), (*at, "comment"))
            if not comment and not evidence:
                if value is not None:
                    answers[qid] = value
                continue
            entry: dict[str, Any] = {} if value is None else {"value": value}
            if comment:
                entry["comment"] = comment
            if evidence:
                entry["evidence"] = evidence
            self.places.setdefault(at, self.places.get((*at, "comment")) or self.places[(*at, "evidence", 0)])
            answers[qid] = entry
        return answers

    def inventory(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        row = 1
        while row <= names.INVENTORY_ROWS or self.has(names.item_field(row, "id")):
            at: Location = ("inventory", len(items))
            item: dict[str, Any] = {}
            ident = self.text(names.item_field(row, "id"), (*at, "id"))
            if ident is not None:
                item["id"] = ident
            for field in self.q.inventory.fields:
                base = names.item_field(row, field.id)
                if field.type == "partner_list":
                    value: Any = self.partners(row, field, (*at, field.id)) or None
                else:
                    value = self.value(field, base, (*at, field.id), f"{names.item_base(row)} {field.id}")
                if value is not None:
                    item[field.id] = value
            comment = self.text(names.comment_field(names.item_base(row)), (*at, "comment"))
            if comment:
                item["comment"] = comment
            evidence = self.evidence(names.item_base(row), names.ITEM_EVIDENCE_ROWS, (*at, "evidence"))
            if evidence:
                item["evidence"] = evidence
            if item:
                self.places[at] = self.place(names.item_field(row, "id"))
                items.append(item)
            row += 1
        return items

    def partners(self, row: int, field: Question, location: Location) -> list[dict[str, Any]]:
        lookup = choice_lookup(self.q, field, self.lang)
        partners: list[dict[str, Any]] = []
        n = 1
        while n <= names.PARTNER_ROWS or self.has(names.partner_field(row, n, "name")):
            at = (*location, len(partners))
            partner: dict[str, Any] = {}
            name = self.text(names.partner_field(row, n, "name"), (*at, "name"))
            if name is not None:
                partner["name"] = name
            kind = self.coded(names.partner_field(row, n, "kind"), lookup, (*at, "kind"), field.id)
            if kind is not None:
                partner["kind"] = kind
            if partner:
                self.places[at] = self.place(names.partner_field(row, n, "name"))
                partners.append(partner)
            n += 1
        if partners:
            self.places[location] = self.places[(*location, 0)]
        return partners

    def envelope(self) -> dict[str, Any]:
        respondent: dict[str, Any] = {}
        for key in names.RESPONDENT_FIELDS:
            value = self.text(names.respondent_field(key), ("respondent", key))
            if value is not None:
                respondent[key] = value
        status = self.coded(names.STATUS, status_lookup(self.lang), ("status",))
        language = self.coded(names.ANSWER_LANGUAGE, language_lookup(self.lang), ("language",))
        return {"status": status or "draft", "language": language or self.lang, "respondent": respondent}


def import_pdf_form(data: bytes, name: str) -> ImportedForm:
    values, pages = _read(data, name)
    marker = values.get(names.MARKER)
    qid, version, lang = (values.get(k) for k in (names.QUESTIONNAIRE, names.VERSION, names.LANGUAGE))
    if str(marker or "") != names.MARKER_VALUE or not qid or not version:
        raise _refuse(name, "form_not_mipat_pdf")
    form_lang: Language = str(lang) if str(lang) in LANGUAGES else "en"  # type: ignore[assignment]
    version_place = place_words("place_field", form_lang, name=names.VERSION)
    questionnaire = form_questionnaire(name, version_place, str(qid), str(version), form_lang)
    reader = _Reader(name, values, pages, questionnaire, form_lang)
    envelope = reader.envelope()
    content: dict[str, Any] = {
        "questionnaire": {"id": str(qid), "version": str(version)},
        "status": envelope["status"],
        "language": envelope["language"],
        "respondent": envelope["respondent"],
        "answers": reader.answers(),
        "inventory": reader.inventory(),
    }
    if reader.problems:
        wording = Wording(key="form_pdf_problems", count=len(reader.problems))
        raise FormError(wording, reader.problems, language=form_lang)  # told in the form's language
    return ImportedForm(data=content, format="pdf-form", form_language=form_lang, places=reader.places)
