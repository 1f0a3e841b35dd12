"""The XML names of an XLSForm of the questionnaire: which field, repeat and column holds what.

The export writes these names into the `survey` sheet; KoboToolbox and ODK Central make them the
column headers of their data exports (alone, or after group names: `WOG/WOG_1`, `WOG-WOG_1`), and
the import reads them back. One module names everything, so the two directions cannot drift.

Names use letters, digits and `_` only: `.` is a valid XML name character, but a question id such
as `WOG.1` is written `WOG_1` because the statistics packages KoboToolbox and ODK feed (Stata, SPSS,
R) treat a dot as an operator; `-` and `/` separate group names in export headers. Every name is
unique in the whole form, so a column is recognised by its last segment, whatever group path
precedes it and whichever sheet or CSV file holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mipat.questionnaires.definition import Question, Questionnaire

MARKER = "mipat_questionnaire"  # calculate: '<questionnaire id> <version>'
LANGUAGE_MARKER = "mipat_language"  # calculate: the form's default language
RESPONDENT_GROUP = "respondent"
RESPONDENT_FIELDS = ("organisation", "name", "role", "email")
STATUS = "response_status"
LANGUAGE = "response_language"
EVIDENCE_FIELDS = ("title", "kind", "reference", "date")
INVENTORY = "inventory"
ITEM_PREFIX = "inv_"
FORM_LAYOUT = 1  # raised when this module changes the form without a new questionnaire version

Holds = Literal["value", "comment", "evidence", "respondent", "status", "language", "marker", "option"]


def xml_name(qid: str) -> str:
    """`WOG.1` → `WOG_1`; question ids never contain `_`, so the mapping is reversible."""
    return qid.replace(".", "_")


def comment_name(qid: str) -> str:
    return f"{xml_name(qid)}_comment"


def evidence_repeat(qid: str) -> str:
    """The repeat of an answer's supporting documents (for an `evidence` question: its value)."""
    return xml_name(qid)


def answer_evidence_repeat(qid: str) -> str:
    return f"{xml_name(qid)}_evidence"


def item_name(fid: str) -> str:
    return f"{ITEM_PREFIX}{fid}"


def evidence_column(repeat: str, part: str) -> str:
    return f"{repeat}_{part}"


def partner_columns(fid: str) -> tuple[str, str]:
    return f"{fid}_name", f"{fid}_kind"


def form_id(questionnaire: Questionnaire) -> str:
    return questionnaire.id.replace("-", "_")


def form_version(questionnaire: Questionnaire) -> str:
    """ODK needs a new version string for each new form; `1.1.0` gives `100100001` (major, minor and
    patch in three digits each, then the layout revision), which grows with every release."""
    major, minor, patch = (int(part) for part in questionnaire.version.split("."))
    return f"{major}{minor:03d}{patch:03d}{FORM_LAYOUT:02d}"


def marker_value(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.id} {questionnaire.version}"


@dataclass(frozen=True)
class Column:
    """A data column: its name and what it holds for which question, field or envelope key."""

    name: str
    holds: Holds
    key: str = ""  # question id, inventory field id, respondent key or evidence part
    question: Question | None = None


@dataclass
class Table:
    """The main sheet, or one repeat (its own sheet in KoboToolbox, its own CSV file in ODK Central)."""

    name: str  # "" for the main table
    parent: str | None
    columns: list[Column] = field(default_factory=list)
    kind: Literal["main", "evidence", "answer_evidence", "inventory", "partners", "item_evidence"] = "main"
    key: str = ""  # the question id or inventory field id the repeat belongs to

    def column(self, key: str, holds: Holds = "value") -> Column | None:
        return next((c for c in self.columns if c.key == key and c.holds == holds), None)


def _evidence_table(name: str, parent: str, kind: str, key: str) -> Table:  # type: ignore[type-arg]
    columns = [Column(evidence_column(name, part), "evidence", part) for part in EVIDENCE_FIELDS]
    return Table(name, parent, columns, kind, key)  # type: ignore[arg-type]


def tables(questionnaire: Questionnaire) -> list[Table]:
    """Every table of a data export of the form, the main one first, repeats in form order."""
    main = Table("", None)
    main.columns += [Column(MARKER, "marker"), Column(LANGUAGE_MARKER, "marker", "language")]
    main.columns += [Column(f"{RESPONDENT_GROUP}_{key}", "respondent", key) for key in RESPONDENT_FIELDS]
    main.columns += [Column(STATUS, "status"), Column(LANGUAGE, "language")]
    repeats: list[Table] = []
    for question in questionnaire.questions():
        if question.type == "evidence":
            repeats.append(_evidence_table(evidence_repeat(question.id), "", "evidence", question.id))
        else:
            main.columns.append(Column(xml_name(question.id), "value", question.id, question))
        main.columns.append(Column(comment_name(question.id), "comment", question.id, question))
        if question.type != "evidence":
            repeats.append(_evidence_table(answer_evidence_repeat(question.id), "", "answer_evidence", question.id))
    inventory = Table(INVENTORY, "", kind="inventory")
    inventory.columns.append(Column(item_name("id"), "value", "id"))
    nested: list[Table] = []
    for item_field in questionnaire.inventory.fields:
        if item_field.type == "partner_list":
            name, kind = partner_columns(item_field.id)
            columns = [Column(name, "value", "name"), Column(kind, "value", "kind", item_field)]
            nested.append(Table(item_field.id, INVENTORY, columns, "partners", item_field.id))
        else:
            inventory.columns.append(Column(item_name(item_field.id), "value", item_field.id, item_field))
    inventory.columns.append(Column(item_name("comment"), "comment"))
    nested.append(_evidence_table(item_name("evidence"), INVENTORY, "item_evidence", ""))
    return [main, *repeats, inventory, *nested]
