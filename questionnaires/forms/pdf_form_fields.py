"""Names of the fields of a mipat PDF form, shared by its export and its import.

A PDF field name cannot hold a `.`: it separates the parts of a hierarchical name, so a field
called `WOG.1` is read back as a field `1` inside a field `WOG`. Question ids (`WOG.1`) and codes
(`17.17`) are therefore written with `_` and `:` instead, characters neither ever contains, and the
parts of a name are joined with `-`, which no question id or field id holds: every name maps back
to exactly one question, option or evidence row. The import never parses names: it rebuilds the
names the questionnaire gives and looks each one up, so a renamed field is a missing one.
"""

from __future__ import annotations

from mipat.questionnaires.definition import Question, Questionnaire

# Hidden read-only fields: what form this is, for which questionnaire, in which language.
MARKER = "mipat_form"
MARKER_VALUE = "mipat-pdf-form-1"
QUESTIONNAIRE = "mipat_questionnaire"
VERSION = "mipat_version"
LANGUAGE = "mipat_language"

RESPONDENT_FIELDS = ("organisation", "name", "role", "email")
EVIDENCE_PARTS = ("title", "kind", "reference", "date")
STATUS = "status"
ANSWER_LANGUAGE = "language"

RADIO_MAX = 8  # a single choice with more options is a drop-down list: radios would fill half a page
CHECKBOX_MAX = 16  # a multiple choice with more options is a text field of codes (GCM objectives, SDG targets)
EVIDENCE_ROWS = 2  # per ordinary question
EVIDENCE_LIST_ROWS = 6  # per question whose answer is a list of evidence
INVENTORY_ROWS = 25
INVENTORY_SPARE = 5  # blank partnerships after those of a pre-filled response
PARTNER_ROWS = 6
ITEM_EVIDENCE_ROWS = 2


def respondent_field(key: str) -> str:
    return f"respondent-{key}"


def question_field(qid: str) -> str:
    return qid.replace(".", "_")


def option_field(base: str, code: str) -> str:
    return f"{base}-{code.replace('.', ':')}"


def comment_field(base: str) -> str:
    return f"{base}-comment"


def evidence_field(base: str, row: int, part: str) -> str:
    return f"{base}-ev{row}-{part}"


def item_base(row: int) -> str:
    return f"inv{row}"


def item_field(row: int, fid: str) -> str:
    return f"{item_base(row)}-{fid}"


def partner_field(row: int, partner: int, part: str) -> str:
    return f"{item_base(row)}-partner{partner}-{part}"


def widget(questionnaire: Questionnaire, question: Question) -> str:
    """How a question is asked: radio, dropdown, checkboxes, codes (a text of codes), number, text, evidence,
    partners."""
    t = question.type
    count = len(questionnaire.codes(question)) if t != "partner_list" else 0
    if t in ("yes_no", "single_choice"):
        return "radio" if count <= RADIO_MAX else "dropdown"
    if t == "multiple_choice":
        return "checkboxes" if count <= CHECKBOX_MAX else "codes"
    if t in ("integer", "year"):
        return "number"
    return t  # text, evidence, partner_list
