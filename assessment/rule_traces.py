"""The parts of a rule's trace that follow from the rule and the response alone.

Scoring fills them in when it scores; reading a saved result (schema 2) fills them in again from
the same pack and the embedded response, so a result file stores only what scoring decided
(outcome, level, credit, weight, gains) and never copies the pack's texts. Nothing here runs the
rules engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from mipat.assessment.results import AnswerRead, Recommendation, RuleResult
from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.responses import Evidence, Response
from mipat.rules.conditions import describe
from mipat.rules.packs import Rule

TEXT_KEYS = ("met", "partial", "not_met", "recommendation", "rationale")
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class RuleDescription:
    """A rule's fixed trace fields: its conditions in words, the questions it shows, its texts."""

    condition: str
    partial: str | None
    applies_if: str | None
    trace_questions: tuple[str, ...]
    texts: dict[str, Text]

    @classmethod
    def of(cls, rule: Rule) -> RuleDescription:
        evidence = rule.evidence.questions if rule.evidence else []
        return cls(
            condition=describe(rule.when),
            partial=describe(rule.partial_when) if rule.partial_when is not None else None,
            applies_if=describe(rule.applies_if) if rule.applies_if is not None else None,
            trace_questions=tuple(dict.fromkeys(rule.questions() + evidence)),
            texts={key: getattr(rule.texts, key) for key in TEXT_KEYS if getattr(rule.texts, key) is not None},
        )

    def held(self, level: str) -> str | None:
        return self.condition if level == "full" else self.partial if level == "partial" else None

    def static_fields(self, rule: Rule) -> dict:
        """RuleResult fields that come from the pack, not from scoring."""
        return {
            "group": rule.group,
            "refs": rule.refs,
            "priority": rule.priority,
            "base_weight": rule.weight,
            "condition": self.condition,
            "applies_if": self.applies_if,
            "evidence_required": rule.evidence.questions if rule.evidence else [],
            "evidence_cap": rule.evidence.cap if rule.evidence else None,
            "texts": self.texts,
        }


def shown_questions(questionnaire: Questionnaire, response: Response) -> set[str]:
    answered = {qid: a.value for qid, a in response.answers.items() if a.answered}
    return questionnaire.visible(answered)


def evidence_count(response: Response, qid: str) -> int:
    """Checkable evidence attached to an answer, plus the checkable items of an evidence-list answer.

    An item without a reference, link or date cannot be checked, so it supports nothing (validation warns).
    """
    answer = response.answers.get(qid)
    if answer is None:
        return 0
    value = answer.value
    listed = sum(1 for item in value if isinstance(item, Evidence) and item.checkable) if isinstance(value, list) else 0
    return sum(1 for item in answer.evidence if item.checkable) + listed


def open_questions(questionnaire: Questionnaire, response: Response, shown: set[str]) -> set[str]:
    """Questions still to be answered: shown and unanswered, or hidden only because a question their
    skip logic reads is itself still open (an unanswered gate decides nothing yet)."""
    answered = {qid for qid, a in response.answers.items() if a.answered}
    return questionnaire.open_questions(answered, shown)


def answers_read(questions: tuple[str, ...], response: Response, shown: set[str]) -> list[AnswerRead]:
    return [
        AnswerRead(question=q, value=response.value(q), shown=q in shown, evidence=evidence_count(response, q))
        for q in questions
    ]


def recommendations(rules: list[RuleResult]) -> list[Recommendation]:
    """Rules short of full credit, by the overall gain of meeting them, then priority, then id."""
    ordered = sorted(rules, key=lambda r: (-r.gain_overall, _PRIORITY_ORDER[r.priority], r.rule_id))
    return [
        Recommendation(
            rule_id=r.rule_id,
            pack_id=r.pack_id,
            group=r.group,
            priority=r.priority,
            kind="document" if r.evidence_capped else "answer" if r.outcome == "not_answered" else "act",
            gain_overall=r.gain_overall,
            gain_group=r.gain_group,
        )
        for r in ordered
        if r.gain_overall > 0
    ]
