"""The Assessment: everything a score is, and why, as one JSON-serialisable pydantic model.

Reports are built from this model alone (plus the bundled, versioned questionnaire for question
wording); they never recompute a score. `assessment_json_schema()` is the published JSON Schema.

A saved result (schema 2.0) stores what scoring decided and nothing a pack or the embedded response
already holds: per rule its outcome, level, credit, weight, gains, waiver and the aggregates it
read, but not the rule's texts, conditions or references (read back from the pack with the SHA-256
recorded in `packs`), nor the answers it read (read back from `response`), nor the recommendations
(the rules ordered by gain). That makes a result about a sixth of schema 1.0's size. Schema 1.0
results, which copied all of it, still load as they are. Schema 2.1 adds `overall_bands` (see below);
2.2 adds `span_layout`.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from mipat.questionnaires.catalogue import References
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.problems import Problem
from mipat.questionnaires.responses import AnswerValue, QuestionnaireRef, Response
from mipat.rules.metrics import SpanMetrics

SCHEMA_VERSION = "2.3"
READABLE_SCHEMA_VERSIONS = ("1.0", "2.0", "2.1", "2.2", "2.3")
COMPACT_SCHEMA_VERSIONS = ("2.0", "2.1", "2.2", "2.3")  # stored without pack texts; read back with the packs
HASHED_SCHEMA_VERSIONS = ("2.3",)  # carry content_sha256, the SHA-256 of the result without it
CONTENT_HASH = "content_sha256"
DEFAULT_BANDS = "mipat-development"  # the band scheme of the overall index (rules/data/bands.yaml)
Outcome = Literal["met", "partially_met", "not_met", "not_applicable", "not_answered", "waived"]
OUTCOMES: tuple[Outcome, ...] = ("met", "partially_met", "not_met", "not_applicable", "not_answered", "waived")
COUNTED: frozenset[str] = frozenset({"met", "partially_met", "not_met", "not_answered"})  # in the denominator
# RuleResult fields a saved result leaves out: they follow from the pack and the response.
RULE_FIELDS_FROM_PACK = frozenset(
    {
        "group",
        "refs",
        "priority",
        "base_weight",
        "condition",
        "applies_if",
        "evidence_required",
        "evidence_cap",
        "texts",
    }
)
RULE_FIELDS_DERIVED = frozenset({"held", "answers"})
RULE_DEFAULTS = {"waiver": None, "values": [], "evidence_capped": False}


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
    """A rule short of full credit. `kind`: act (change practice), document (attach a checkable
    document to what is reported as in place) or answer (a draft's open questions)."""

    rule_id: str
    pack_id: str
    group: str
    priority: str
    kind: Literal["act", "document", "answer"] = "act"
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


class LabelledId(_Model):
    id: str
    label: Text


class SpanLayout(_Model):
    """How the span section lays out the metrics: counterpart rows with their labels, level columns and
    the order of the metrics. Stored since schema 2.2 so a saved result renders without the rules layer;
    earlier results get the layout of the metrics catalogue when read."""

    counterparts: list[LabelledId]
    levels: list[str]
    metrics: list[str]


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
    # The band scheme of overall_band. Schema 2.1 scores the overall index as the mean of the scored
    # groups of the packs marked `overall`, banded mipat-development; before, it was the mean of the
    # pack indices, banded sdg-10-7-2 (the default, so earlier results read as they were).
    overall_bands: str = "sdg-10-7-2"
    bands: list[BandInfo]
    packs: list[PackScore]
    rules: list[RuleResult]
    recommendations: list[Recommendation]
    metrics: SpanMetrics
    metric_labels: dict[str, Text]
    span_layout: SpanLayout
    tailoring: list[TailoringChange]
    warnings: list[Problem]
    response: Response

    def rule(self, rule_id: str) -> RuleResult | None:
        return next((r for r in self.rules if r.rule_id == rule_id), None)

    def to_json(self) -> str:
        """The saved form (schema 2.0) as canonical JSON: sorted keys, no spaces, the same bytes for the same input.

        Compact separators also let `json` use its C encoder (any `indent` forces the Python one).
        """
        # Leaving fields out in the dump is cheaper than dumping them and deleting them afterwards.
        data = self.model_dump(mode="json", exclude=_NOT_STORED)
        data["schema_version"] = SCHEMA_VERSION
        data["rules"] = [_stored_rule(rule) for rule in data["rules"]]
        return hashed_json(data)


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def hashed_json(data: dict[str, Any]) -> str:
    """canonical_json(data) with its content_sha256 added, encoding the data once instead of twice.

    The canonical text with the hash is the text without it, the hash inserted where its key sorts, so
    the keys before and after it are encoded apart and joined around it.
    """
    before = _inner_json({k: v for k, v in data.items() if k < CONTENT_HASH})
    after = _inner_json({k: v for k, v in data.items() if k > CONTENT_HASH})
    digest = hashlib.sha256(("{" + ",".join(p for p in (before, after) if p) + "}\n").encode()).hexdigest()
    return "{" + ",".join(p for p in (before, _inner_json({CONTENT_HASH: digest}), after) if p) + "}\n"


def _inner_json(data: dict[str, Any]) -> str:
    """The canonical JSON of `data` without its braces: "" for an empty dict."""
    return canonical_json(data)[1:-2]


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of a result's canonical JSON without its own content_sha256: an edit after mipat wrote
    the file shows (an integrity check against edits, not a signature against a determined forger)."""
    return hashlib.sha256(canonical_json({k: v for k, v in data.items() if k != CONTENT_HASH}).encode()).hexdigest()


_NOT_STORED: dict[str, Any] = {
    "recommendations": True,
    "rules": {"__all__": set(RULE_FIELDS_FROM_PACK | RULE_FIELDS_DERIVED)},
}


def _stored_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rule.items() if not (k in RULE_DEFAULTS and v == RULE_DEFAULTS[k])}


def assessment_json_schema() -> str:
    """The JSON Schema of a saved result (schema 2.0), derived from the in-memory model."""
    schema = Assessment.model_json_schema()
    schema["properties"].pop("recommendations")
    schema["required"].remove("recommendations")
    schema["$defs"].pop("Recommendation")
    rule = schema["$defs"]["RuleResult"]
    for key in RULE_FIELDS_FROM_PACK | RULE_FIELDS_DERIVED:
        rule["properties"].pop(key)
    rule["required"] = [k for k in rule["required"] if k in rule["properties"] and k not in RULE_DEFAULTS]
    schema["properties"]["schema_version"] = {"const": SCHEMA_VERSION, "title": "Schema Version", "type": "string"}
    schema["properties"][CONTENT_HASH] = {
        "description": "SHA-256 of this JSON (canonical: sorted keys, no spaces) without this key",
        "pattern": "^[0-9a-f]{64}$",
        "title": "Content Sha256",
        "type": "string",
    }
    schema["required"].append(CONTENT_HASH)
    used = set(re.findall(r'"#/\$defs/(\w+)"', json.dumps({k: v for k, v in schema.items() if k != "$defs"})))
    while True:  # definitions reachable from the kept ones
        more = set(re.findall(r'"#/\$defs/(\w+)"', json.dumps([schema["$defs"][d] for d in used]))) - used
        if not more:
            break
        used |= more
    schema["$defs"] = {k: v for k, v in schema["$defs"].items() if k in used}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://mipat.invalid/schema/assessment-{SCHEMA_VERSION}.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
