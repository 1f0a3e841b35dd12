"""The arithmetic of scores, shared by scoring and by the checks of saved results, so that a result
is checked with exactly the sums and roundings that produced it."""

from __future__ import annotations

from collections.abc import Iterable

from mipat.assessment.results import COUNTED


def group_score(rules: Iterable[tuple[str, float, float]]) -> tuple[float | None, float, float]:
    """A group's score from its rules' (outcome, weight, credit): the credited share of the weight of
    the rules that count, on 0-100 with one decimal; None when no rule counts. Also returns the
    applicable and credited weights."""
    applicable = credited = 0.0
    for outcome, weight, credit in rules:
        if outcome in COUNTED:
            applicable += weight
            credited += weight * credit
    score = round(100 * credited / applicable, 1) if applicable else None
    return score, applicable, credited


def mean_score(values: Iterable[float]) -> float | None:
    """The mean of scores, one decimal; None for none."""
    listed = list(values)
    return round(sum(listed) / len(listed), 1) if listed else None
