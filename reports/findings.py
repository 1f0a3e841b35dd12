"""The words for a rule's outcome: the one finding that matches it, and the action it calls for.

A rule carries a finding per outcome (met, partial, not met). An evidence-capped rule (reported as in
place, but with no document a reader could check) gets a fixed finding and a "document it" action
instead of the rule's own recommendation, which would ask for what the authority says it has.
"""

from __future__ import annotations

from mipat.assessment.results import RuleResult
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.ui_strings import ui
from mipat.reports.strings import word

_RULE_TEXT = {"met": "met", "partially_met": "partial", "not_met": "not_met"}


def _unanswered(rule: RuleResult) -> str:
    return ", ".join(a.question for a in rule.answers if a.value is None)


def _either(questions: list[str], lang: Language) -> str:
    return f" {ui('or', lang)} ".join(questions)


def finding(rule: RuleResult, lang: Language) -> str:
    if rule.evidence_capped:
        return word("finding_capped", lang, questions=_either(rule.evidence_required, lang))
    key = _RULE_TEXT.get(rule.outcome)
    if key is None:
        questions = _unanswered(rule)
        if rule.outcome == "not_answered" and not questions:
            return word("finding_not_answered_inventory", lang)
        return word(f"finding_{rule.outcome}", lang, questions=questions)
    if key not in rule.texts:  # packs before 2.0 had no partial finding; never print the not-met one
        return word("finding_partial_generic", lang)
    return rule.texts[key].get(lang)


def action(rule: RuleResult, lang: Language) -> str | None:
    """What to do next; None when the rule needs nothing (met, not applicable, waived)."""
    if rule.evidence_capped:
        return word("action_document", lang, questions=_either(rule.evidence_required, lang))
    if rule.outcome == "not_answered":
        questions = _unanswered(rule)
        return word("action_answer", lang, questions=questions) if questions else word("action_inventory", lang)
    if rule.outcome in ("partially_met", "not_met"):
        return rule.texts["recommendation"].get(lang)
    return None
