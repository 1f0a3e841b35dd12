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


def new_gaps(previous: Assessment, current: Assessment) -> list[RuleChange]:
    """Rules met in the previous assessment and partially met, not met or unanswered now."""
    before = {r.rule_id: r.outcome for r in previous.rules}
    return [
        RuleChange(r, before[r.rule_id], r.outcome)
        for r in current.rules
        if before.get(r.rule_id) == "met" and r.outcome in GAP_OUTCOMES
    ]


def resolved_gaps(previous: Assessment, current: Assessment) -> list[RuleChange]:
    """Rules partially met, not met or unanswered in the previous assessment and met now."""
    before = {r.rule_id: r.outcome for r in previous.rules}
    return [
        RuleChange(r, before[r.rule_id], r.outcome)
        for r in current.rules
        if before.get(r.rule_id) in GAP_OUTCOMES and r.outcome == "met"
    ]
