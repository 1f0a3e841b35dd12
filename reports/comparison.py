"""What changed between two saved assessments of the same authority: score differences per group, pack
and overall, and the rules that opened or closed a gap. Differences of stored scores only; nothing is
rescored.
"""

from __future__ import annotations

from dataclasses import dataclass

from mipat.assessment.results import Assessment, RuleResult
from mipat.questionnaires.i18n import Text

GAP_OUTCOMES = frozenset({"partially_met", "not_met", "not_answered"})


@dataclass(frozen=True)
class ScoreChange:
    kind: str  # "overall", "pack" or "group"
    pack_id: str
    group_id: str
    title: Text | None
    before: float | None
    now: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.now is None:
            return None
        return round(self.now - self.before, 1)


@dataclass(frozen=True)
class RuleChange:
    rule: RuleResult
    before: str
    now: str


def score_changes(previous: Assessment, current: Assessment) -> list[ScoreChange]:
    """Overall first, then each current pack and its groups, matched by id."""
    changes = [ScoreChange("overall", "", "", None, previous.overall_index, current.overall_index)]
    old_packs = {p.id: p for p in previous.packs}
    for pack in current.packs:
        old = old_packs.get(pack.id)
        changes.append(ScoreChange("pack", pack.id, "", pack.title, old.index if old else None, pack.index))
        old_groups = {g.id: g for g in old.groups} if old else {}
        for group in pack.groups:
            before = old_groups[group.id].score if group.id in old_groups else None
            changes.append(ScoreChange("group", pack.id, group.id, group.title, before, group.score))
    return changes


# How far along a rule is, for telling an improvement from a decline.
_PROGRESS = {"not_answered": 0, "not_met": 1, "partially_met": 2, "met": 3}


@dataclass(frozen=True)
class OutcomeChanges:
    """Every rule whose outcome differs between two assessments, matched by rule id."""

    improved: list[RuleChange]
    declined: list[RuleChange]
    other: list[RuleChange]  # to or from not applicable or waived, or a rule only one cycle has


def outcome_changes(previous: Assessment, current: Assessment) -> OutcomeChanges:
    before = {r.rule_id: r.outcome for r in previous.rules}
    improved, declined, other = [], [], []
    for rule in current.rules:
        was = before.get(rule.rule_id, "absent")
        if was == rule.outcome:
            continue
        change = RuleChange(rule, was, rule.outcome)
        if was in _PROGRESS and rule.outcome in _PROGRESS:
            (improved if _PROGRESS[rule.outcome] > _PROGRESS[was] else declined).append(change)
        else:
            other.append(change)
    return OutcomeChanges(improved, declined, other)


def mismatches(previous: Assessment, current: Assessment) -> list[str]:
    """Why two assessments may not describe the same authority: differing authority, level or country
    (as 'field: previous → current'); empty when they match."""
    out = []
    for field in ("authority", "level", "country"):
        old, new = getattr(previous.scope, field), getattr(current.scope, field)
        if old and new and old.strip().casefold() != new.strip().casefold():
            out.append(f"{field}: {old!r} → {new!r}")
    return out
