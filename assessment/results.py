"""The Assessment: everything a score is, and why, as one JSON-serialisable pydantic model.

Reports are built from this model alone (plus the bundled, versioned questionnaire for question
wording); they never recompute a score. `assessment_json_schema()` is the published JSON Schema.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from mipat.questionnaires.catalogue import References
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.problems import Problem
from mipat.questionnaires.responses import AnswerValue, QuestionnaireRef, Response
from mipat.rules.metrics import SpanMetrics

SCHEMA_VERSION = "1.0"
DEFAULT_BANDS = "sdg-10-7-2"  # the band scheme of the overall index (rules/data/bands.yaml)
Outcome = Literal["met", "partially_met", "not_met", "not_applicable", "not_answered", "waived"]
OUTCOMES: tuple[Outcome, ...] = ("met", "partially_met", "not_met", "not_applicable", "not_answered", "waived")
COUNTED: frozenset[str] = frozenset({"met", "partially_met", "not_met", "not_answered"})  # in the denominator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class AnswerRead(_Model):
    """One answer a rule read: its value (None when unanswered or hidden) and how much evidence it has."""

    question: str
    value: AnswerValue
    shown: bool
    evidence: int


class ValueRead(_Model):
    """A metric or inventory aggregate a rule read."""

    name: str
    value: float


class Waiver(_Model):
    justification: str
    approver: str
    expires: str
    active: bool


class RuleResult(_Model):
    rule_id: str
    pack_id: str
    group: str
    refs: References
    priority: Literal["high", "medium", "low"]
    base_weight: float
    weight: float
    outcome: Outcome
    credit: float
    raw_credit: float
    level: Literal["full", "partial", "none"]
    condition: str
    held: str | None
    applies_if: str | None
    evidence_required: list[str]
    evidence_capped: bool
    evidence_cap: float | None
    answers: list[AnswerRead]
    values: list[ValueRead]
    gain_group: float
    gain_overall: float
    waiver: Waiver | None
    texts: dict[str, Text]


class GroupScore(_Model):
    id: str
    title: Text
    score: float | None
    band: int | None
    applicable_weight: float
    credited_weight: float
    outcomes: dict[str, int]


class PackScore(_Model):
    id: str
    version: str
    sha256: str
    source: str
    title: Text
    scored_by: str
    bands: str
    index: float | None
    band: int | None
    groups: list[GroupScore]


class BandInfo(_Model):
    id: str
    source: str
    status: str
    note: str
    bands: list[dict[str, Any]]


class Recommendation(_Model):
    rule_id: str
    pack_id: str
    group: str
    priority: str
    gain_overall: float
    gain_group: float


class TailoringChange(_Model):
    kind: Literal["select", "disable", "weight", "exception"]
    target: str
    detail: str
    justification: str


class Scope(_Model):
    authority: str | None
    level: str | None
    country: str | None
    period: str | None
    lead: str | None


class Assessment(_Model):
    schema_version: str = SCHEMA_VERSION
    tool: str
    tool_version: str
    generated_at: str
    assessment_date: str
    input_file: str
    input_sha256: str
    tailoring_sha256: str | None
    questionnaire: QuestionnaireRef
    status: Literal["draft", "final"]
    complete: bool
    language: str
    scope: Scope
    overall_index: float | None
    overall_band: int | None
    bands: list[BandInfo]
    packs: list[PackScore]
    rules: list[RuleResult]
    recommendations: list[Recommendation]
    metrics: SpanMetrics
    metric_labels: dict[str, Text]
    tailoring: list[TailoringChange]
    warnings: list[Problem]
    response: Response

    def rule(self, rule_id: str) -> RuleResult | None:
        return next((r for r in self.rules if r.rule_id == rule_id), None)

    def to_json(self) -> str:
        """Canonical JSON: stable key order and formatting, so the same input gives the same bytes."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def assessment_json_schema() -> str:
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://mipat.invalid/schema/assessment-{SCHEMA_VERSION}.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
