"""The report's main message in a few sentences: strengths, areas with potential for further
development, change since the previous cycle and the first next step. The cover prints three of
them; the executive summary opens with them all."""

from __future__ import annotations

from dataclasses import dataclass

from mipat.assessment.results import GroupScore, PackScore
from mipat.reports.findings import action
from mipat.reports.sections.kit import PRINCIPLES_PACK_KIND, Kit

# Below this a principle is named as an area with potential even when it is among the best three.
POTENTIAL_BELOW = 60.0


@dataclass(frozen=True)
class Ranked:
    """The scored guiding principles, strongest first, split into strengths and areas with potential."""

    pack: PackScore | None
    strengths: list[GroupScore]
    potential: list[GroupScore]


def ranked_principles(k: Kit, count: int = 3) -> Ranked:
    pack = next((p for p in k.a.packs if p.scored_by == PRINCIPLES_PACK_KIND), None)
    if pack is None:
        return Ranked(None, [], [])
    scored = sorted((g for g in pack.groups if g.score is not None), key=lambda g: (-(g.score or 0), g.id))
    strengths = [g for g in scored[:count] if (g.score or 0) >= POTENTIAL_BELOW]
    strengths = strengths or [g for g in scored[:1] if (g.score or 0) > 0]
    rest = [g for g in scored if g not in strengths]
    potential = sorted(rest, key=lambda g: (g.score or 0, g.id))[:count]
    return Ranked(pack, strengths, potential)


def named_scores(k: Kit, groups: list[GroupScore]) -> str:
    """'People-centred (87.5), Rule of law (75.0)': names with their scores, in the reader's language."""
    return k.listing([f"{g.title.get(k.lang)} ({k.num(g.score)})" for g in groups])


def key_messages(k: Kit) -> list[str]:
    """At most four sentences: strengths, potential, change since last cycle, first next step."""
    a = k.a
    messages: list[str] = []
    ranked = ranked_principles(k)
    if ranked.strengths:
        messages.append(k.w("pdf_msg_strengths", areas=named_scores(k, ranked.strengths)))
    if ranked.potential:
        messages.append(k.w("pdf_msg_potential", areas=named_scores(k, ranked.potential)))
    change = change_message(k)
    if change:
        messages.append(change)
    first = next((rec for rec in a.recommendations if rec.kind == "act"), None)
    rule = a.rule(first.rule_id) if first else None
    step = action(rule, k.lang) if rule else None
    unanswered = sum(1 for r in a.rules if r.outcome == "not_answered")
    if not a.complete and unanswered:
        messages.append(k.w("pdf_msg_answer_first", count=unanswered))
    elif step and first:
        messages.append(k.w("pdf_msg_next_step", area=k.group_title(first.pack_id, first.group), step=step))
    return messages


def change_message(k: Kit) -> str | None:
    prev, a = k.previous, k.a
    if prev is None or prev.overall_index is None or a.overall_index is None:
        return None
    delta = round(a.overall_index - prev.overall_index, 1)
    key = "pdf_msg_change_up" if delta > 0 else "pdf_msg_change_down" if delta < 0 else "pdf_msg_change_same"
    return k.w(
        key,
        before=k.num(prev.overall_index),
        now=k.num(a.overall_index),
        delta=k.num(abs(delta)),
        previous=k.cycle(prev),
        current=k.cycle(a),
    )
