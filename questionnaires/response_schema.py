"""The JSON Schema of response files, generated from a questionnaire definition.

Editors use it to complete and check a response as it is typed (VS Code's JSON support, the YAML
extension). It follows what `validation.py` accepts, but `mipat validate` stays the authority: a
schema cannot follow skip logic (`show_if`), say that partnership ids are unique, or tell the
code `17.10` from the number 17.1. Where the two differ the schema is the more lenient one, except
for the few cases listed in the README, so that it never marks a valid response as wrong.

The schema declares draft 2020-12 but uses only keywords that draft-07 readers also know
(`$ref` into `$defs`, `anyOf`, `if`/`then`, `const`, `contains`): the YAML language server reads
draft 7. `enumDescriptions` is VS Code's extension keyword: each code's label in the completion list.
"""

from __future__ import annotations

import json
import re
from typing import Any

import annotated_types
from pydantic import BaseModel

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.languages import LANGUAGES
from mipat.questionnaires.messages import message
from mipat.questionnaires.responses import (
    EVIDENCE_KINDS,
    ITEM_ID,
    PARTIAL_DATE,
    AnswerEntry,
    Evidence,
    ImportSource,
    Partner,
    Respondent,
)
from mipat.questionnaires.text_view import describe_condition
from mipat.questionnaires.ui_strings import ui
from mipat.questionnaires.validation import YEAR_BOUNDS

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
UNANSWERED = {"$ref": "#/$defs/unanswered"}
EVIDENCE_LIST = {"$ref": "#/$defs/evidence_list"}

# A code written without quotes is a number to YAML and JSON; mipat reads it back as the code it was
# written as (`RS.x: 7` is the code "7"), so the number is accepted beside the text.
_INTEGER_CODE = re.compile(r"^(0|[1-9][0-9]*)$")
_DECIMAL_CODE = re.compile(r"^(0|[1-9][0-9]*)\.[0-9]+$")


def response_schema(questionnaire: Questionnaire, lang: Language = "en") -> Schema:
    """The JSON Schema (a dict) of a response file to `questionnaire`, its texts in `lang`."""
    return _Builder(questionnaire, lang).schema()


def response_json_schema(questionnaire: Questionnaire, lang: Language = "en") -> str:
    """The same schema as JSON text: keys sorted, so the same definition always gives the same bytes."""
    return json.dumps(response_schema(questionnaire, lang), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class _Builder:
    def __init__(self, questionnaire: Questionnaire, lang: Language) -> None:
        self.q = questionnaire
        self.lang = lang

    def say(self, key: str, **values: Any) -> str:
        return message(key, self.lang, **values)

    # --- the file --------------------------------------------------------------------------------

    def schema(self) -> Schema:
        q, lang = self.q, self.lang
        return {
            "$schema": DRAFT,
            "$id": f"https://mipat.invalid/schema/response/{q.id}-{q.version}.{lang}.json",
            "title": self.say("rs_title", title=q.title.get(lang), id=q.id, version=q.version),
            "description": self.say("rs_description"),
            "type": "object",
            "additionalProperties": False,
            "required": ["questionnaire", "status"],
            "properties": {
                "questionnaire": self.questionnaire_ref(),
                "status": self.choice(
                    ["draft", "final"],
                    [self.say("rs_status_draft"), self.say("rs_status_final")],
                    description=self.say("rs_status"),
                ),
                "language": {
                    **self.choice(list(LANGUAGES), [_language_name(code, lang) for code in LANGUAGES]),
                    "description": self.say("rs_language"),
                    "default": "en",
                },
                "respondent": self.respondent(),
                "answers": {
                    "description": self.say("rs_answers"),
                    "type": ["object", "null"],
                    "additionalProperties": False,
                    "properties": {question.id: self.answer(question) for question in q.questions()},
                },
                "inventory": self.inventory(),
                "imported_from": self.imported_from(),
            },
            "allOf": [self.final_requirements()],
            "$defs": {**self.shared(), **{question.id: self.value(question) for question in q.questions()}},
        }

    def questionnaire_ref(self) -> Schema:
        q = self.q
        earlier = [e.version for e in q.supersedes]
        version: Schema = {"type": "string", "enum": [q.version, *earlier]}
        if earlier:
            version["description"] = self.say("rs_version", version=q.version, earlier=", ".join(earlier))
        return {
            "description": self.say("rs_questionnaire"),
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "version"],
            "properties": {"id": {"const": q.id, "title": q.title.get(self.lang)}, "version": version},
            "default": {"id": q.id, "version": q.version},
        }

    def imported_from(self) -> Schema:
        """Written by `mipat import`; the model's own schema, so the two cannot drift apart."""
        found = ImportSource.model_json_schema()
        found.pop("title", None)
        return {**found, "description": self.say("rs_imported_from")}

    def respondent(self) -> Schema:
        return {
            "description": ui("template_respondent", self.lang),
            "type": "object",
            "additionalProperties": False,
            "properties": {name: _text_field(Respondent, name) for name in Respondent.model_fields},
        }

    def final_requirements(self) -> Schema:
        """What `status: final` adds: the organisation, and every required question that is always
        asked (one shown only under a condition is left to `mipat validate`)."""
        answered = {"not": UNANSWERED}
        always = [question.id for question in self.q.questions() if question.required and question.show_if is None]
        fields = [f.id for f in self.q.inventory.fields if f.required and f.show_if is None]
        return {
            "if": {"required": ["status"], "properties": {"status": {"const": "final"}}},
            "then": {
                "required": ["respondent", "answers"],
                "properties": {
                    "respondent": {"required": ["organisation"], "properties": {"organisation": {"type": "string"}}},
                    "answers": {
                        "type": "object",
                        "required": always,
                        "properties": {qid: _answered_entry(answered) for qid in always},
                    },
                    "inventory": {
                        "items": {"required": fields, "properties": {fid: answered for fid in fields}},
                    },
                },
            },
        }

    # --- answers ---------------------------------------------------------------------------------

    def described(self, question: Question) -> Schema:
        """Title and description an editor shows on hover: the question, its help, when it is asked."""
        lang = self.lang
        notes = [question.help.get(lang)] if question.help else []
        if question.required:
            notes.append(self.say("rs_required"))
        if question.show_if is not None:
            notes.append(self.say("rs_shown_if", condition=describe_condition(question.show_if, lang)))
        found: Schema = {"title": question.text.get(lang)}
        if notes:
            found["description"] = "\n\n".join(notes)
        return found

    def answer(self, question: Question) -> Schema:
        """A question's entry under `answers`: its bare value, or {value, comment, evidence}."""
        value = {"$ref": f"#/$defs/{question.id}"}
        entry = {
            "title": self.say("rs_entry"),
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "value": value,
                "comment": {**_text_field(AnswerEntry, "comment"), "description": self.say("rs_comment")},
                "evidence": EVIDENCE_LIST,
            },
        }
        return {**self.described(question), "anyOf": [value, entry]}

    def value(self, question: Question) -> Schema:
        """The values a question takes, or none yet."""
        return {"anyOf": [UNANSWERED, *self.typed(question)]}

    def typed(self, question: Question) -> list[Schema]:
        kind = question.type
        if kind in ("yes_no", "single_choice"):
            return self.code(question)
        if kind == "multiple_choice":
            return [self.code_list(question)]
        if kind in ("integer", "year"):
            low, high = question.min, question.max
            if kind == "year":
                low = YEAR_BOUNDS[0] if low is None else low
                high = YEAR_BOUNDS[1] if high is None else high
            bounds = {"minimum": low, "maximum": high}
            return [{"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}]
        if kind == "text":
            # An unquoted number is text to mipat as well (`RS.2: 2024`).
            return [{"type": "string", "maxLength": question.max_length}, {"type": "number"}]
        if kind == "evidence":
            return [EVIDENCE_LIST]
        if kind == "partner_list":
            return [self.partner_list(question)]
        raise AssertionError(f"unhandled question type {kind}")

    def labels(self, question: Question) -> tuple[list[str], list[str]]:
        if question.type == "yes_no":
            codes = question.yes_no_codes()
            return codes, [ui(code, self.lang) for code in codes]
        options = self.q.options(question)
        return [o.code for o in options], [o.label.get(self.lang) for o in options]

    def code(self, question: Question) -> list[Schema]:
        """A code as text (with each code's label for completion), and as the number it may be written as."""
        codes, labels = self.labels(question)
        found = [{"type": "string", **self.choice(codes, labels)}]
        numbers: dict[int | float, list[str]] = {}
        for code, label in zip(codes, labels, strict=True):
            if _INTEGER_CODE.match(code):
                numbers.setdefault(int(code), []).append(label)
            elif _DECIMAL_CODE.match(code):  # `17.1` and `17.10` are one number: either code passes here
                numbers.setdefault(float(code), []).append(label)
        if numbers:
            found.append({"enum": list(numbers), "enumDescriptions": [" / ".join(v) for v in numbers.values()]})
        return found

    def code_list(self, question: Question) -> Schema:
        found: Schema = {"type": "array", "uniqueItems": True, "items": _one_of_these(self.code(question))}
        exclusive = [o.code for o in self.q.options(question) if o.exclusive]
        if exclusive:  # e.g. "none" stands alone
            found["allOf"] = [{"if": {"contains": {"const": code}}, "then": {"maxItems": 1}} for code in exclusive]
        return found

    def partner_list(self, question: Question) -> Schema:
        codes, labels = self.labels(question)
        name = {**_text_field(Partner, "name"), "description": self.say("rs_partner_name")}
        kind = {**self.choice(codes, labels), "type": "string", "description": self.say("rs_partner_kind")}
        return {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "kind"],
                "properties": {"name": name, "kind": kind},
            },
        }

    def choice(self, codes: list[str], labels: list[str], *, description: str | None = None) -> Schema:
        found: Schema = {"enum": codes, "enumDescriptions": labels}
        if description is not None:
            found["description"] = description
        return found

    # --- inventory -------------------------------------------------------------------------------

    def inventory(self) -> Schema:
        inventory, lang = self.q.inventory, self.lang
        fields = {f.id: {**self.described(f), "anyOf": [UNANSWERED, *self.typed(f)]} for f in inventory.fields}
        item = {
            "title": inventory.item_label.get(lang),
            "type": "object",
            "additionalProperties": False,
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "pattern": ITEM_ID, "description": self.say("rs_item_id")},
                "comment": {"type": ["string", "null"], "description": self.say("rs_comment")},
                "evidence": EVIDENCE_LIST,
                **fields,
            },
        }
        return {
            "title": inventory.title.get(lang),
            "description": inventory.intro.get(lang),
            "type": ["array", "null"],
            "items": item,
        }

    # --- shared definitions ----------------------------------------------------------------------

    def shared(self) -> dict[str, Schema]:
        kinds = list(EVIDENCE_KINDS)
        evidence_fields: dict[str, Schema] = {
            "title": {**_text_field(Evidence, "title"), "description": self.say("rs_evidence_title")},
            "kind": {
                **self.choice(kinds, [self.say(f"rs_kind_{kind}") for kind in kinds]),
                "type": "string",
                "default": Evidence.model_fields["kind"].default,
                "description": self.say("rs_evidence_kind"),
            },
            "reference": {**_text_field(Evidence, "reference"), "description": self.say("rs_evidence_reference")},
            "date": {"type": ["string", "null"], "pattern": PARTIAL_DATE, "description": self.say("rs_evidence_date")},
        }
        assert set(evidence_fields) == set(Evidence.model_fields), "the schema follows the Evidence model"
        return {
            # mipat reads null, "" and [] alike as "no answer yet"
            "unanswered": {
                "description": self.say("rs_unanswered"),
                "anyOf": [{"type": "null"}, {"type": "string", "maxLength": 0}, {"type": "array", "maxItems": 0}],
            },
            "evidence_list": {
                "description": self.say("rs_evidence"),
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [n for n, f in Evidence.model_fields.items() if f.is_required()],
                    "properties": evidence_fields,
                },
            },
        }


def _one_of_these(schemas: list[Schema]) -> Schema:
    return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}


def _answered_entry(answered: Schema) -> Schema:
    """A required answer in a final response: a value, or an entry whose value is one."""
    return {
        "if": {"type": "object"},
        "then": {"required": ["value"], "properties": {"value": answered}},
        "else": answered,
    }


def _text_field(model: type[BaseModel], name: str) -> Schema:
    """A text field of a response model, its length limits read from the model itself."""
    field = model.model_fields[name]
    found: Schema = {"type": "string" if field.is_required() else ["string", "null"]}
    for limit in field.metadata:
        if isinstance(limit, annotated_types.MinLen):
            found["minLength"] = limit.min_length
        elif isinstance(limit, annotated_types.MaxLen):
            found["maxLength"] = limit.max_length
    return found


def _language_name(code: str, lang: Language) -> str:
    from babel import Locale

    return Locale.parse(code).get_display_name(lang) or code
