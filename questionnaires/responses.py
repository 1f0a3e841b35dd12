"""Response files: the raw file schema and the validated `Response` the rest of mipat consumes.

A response file (YAML or JSON) looks like

    questionnaire: {id: mipat-partnerships, version: 1.0.0}
    status: draft                # or final
    language: fr
    respondent: {name: ..., organisation: ..., email: ..., role: ...}
    answers:
      WOG.1: yes                 # a bare value, or
      WOG.2:
        value: partial
        comment: Decree under revision.
        evidence:
          - {title: Decree 2021-114, kind: law, reference: JO n°12, date: 2021-03-04}
    inventory:
      - id: PS-01
        name: ...
        partners: [{name: ..., kind: state}]
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mipat.questionnaires.i18n import Language

Status = Literal["draft", "final"]
EvidenceKind = Literal[
    "law", "policy", "agreement", "decision", "minutes", "report", "dataset", "website", "budget", "other"
]
EVIDENCE_KINDS: tuple[str, ...] = EvidenceKind.__args__  # type: ignore[attr-defined]

PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"  # YYYY, YYYY-MM or YYYY-MM-DD
_PARTIAL_DATE = re.compile(PARTIAL_DATE)
ITEM_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Evidence(_Strict):
    title: str = Field(min_length=1, max_length=500)
    kind: EvidenceKind = "other"
    reference: str | None = Field(default=None, max_length=2000)
    date: str | None = None

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not _PARTIAL_DATE.match(value):
            raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value

    @property
    def checkable(self) -> bool:
        """Whether a reader can find the document: a title plus a reference (number, URL) or a date."""
        return bool(self.reference and self.reference.strip()) or self.date is not None


class Partner(_Strict):
    name: str = Field(min_length=1, max_length=300)
    kind: str


class QuestionnaireRef(_Strict):
    id: str
    version: str

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # `version: 1.0` in YAML is a float; keep it comparable with the questionnaire's text.
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Respondent(_Strict):
    """Who filled in the response; a final response must name the organisation."""

    organisation: str | None = Field(default=None, min_length=1, max_length=300)
    name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)


# --- the file as written: values still untyped, checked against the questionnaire later ---------


class AnswerEntry(_Strict):
    value: Any = None
    comment: str | None = Field(default=None, max_length=10000)
    evidence: list[Evidence] = []


class ImportSource(_Strict):
    """Where an imported response came from: the form file and, per answer, the place in it
    (`'3 WOG'!D14`, a PDF field, a submission's column), so a reviewer can trace each value."""

    file: str = Field(max_length=1000)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: Literal["workbook", "xlsform-xlsx", "xlsform-csv", "pdf-form"]
    form_language: Language
    submission: str | None = Field(default=None, max_length=200)
    places: dict[str, str] = {}


class ResponseFile(_Strict):
    questionnaire: QuestionnaireRef
    status: Status
    language: Language = "en"
    respondent: Respondent = Respondent()
    answers: dict[str, Any] | None = None  # `answers:` left empty in a draft is no answers yet
    inventory: list[dict[str, Any]] | None = None
    imported_from: ImportSource | None = None  # metadata only: never read by scoring


# --- validated -------------------------------------------------------------------------------

AnswerValue = str | int | list[str] | list[Evidence] | list[Partner] | None


class Answer(_Strict):
    value: AnswerValue = None
    comment: str | None = None
    evidence: list[Evidence] = []

    @property
    def answered(self) -> bool:
        return self.value is not None and self.value != []


class Partnership(_Strict):
    id: str
    values: dict[str, AnswerValue]
    comment: str | None = None
    evidence: list[Evidence] = []

    def get(self, field: str) -> AnswerValue:
        return self.values.get(field)


class Response(_Strict):
    """A response that passed validation against its questionnaire (no errors, maybe warnings)."""

    questionnaire: QuestionnaireRef
    status: Status
    language: Language
    respondent: Respondent
    answers: dict[str, Answer]
    inventory: list[Partnership]

    def value(self, qid: str) -> AnswerValue:
        answer = self.answers.get(qid)
        return answer.value if answer is not None else None
