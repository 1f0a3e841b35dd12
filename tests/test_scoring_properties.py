"""Scoring invariants over generated responses: bounded scores, monotone answers, deterministic output."""

from __future__ import annotations

import copy
import itertools
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mipat.assessment.results import Assessment
from mipat.assessment.scoring import Clock, Scorer
from mipat.rules.conditions import questions_read
from mipat.rules.packs import bundled_packs
from tests.response_strategies import QUESTIONNAIRE, response_data, responses, to_response

CLOCK = Clock.fixed_or_now("2026-01-31T09:00:00Z")
# A question that decides whether rules apply (FW.2 endorsement, STA.2 labour agreements…) brings
# new requirements with it when it moves to yes: more can then be asked of the authority, so only
# the other answers must be monotone.
GATES = {
    q for p in bundled_packs() for r in p.pack.rules if r.applies_if is not None for q in questions_read(r.applies_if)
}
YES_NO = [q.id for q in QUESTIONNAIRE.questions() if q.type == "yes_no" and q.id not in GATES]
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@cache
def scorer() -> Scorer:
    return Scorer()


def all_scores(assessment: Assessment) -> dict[str, float | None]:
    scores: dict[str, float | None] = {"overall": assessment.overall_index}
    for pack in assessment.packs:
        scores[pack.id] = pack.index
        scores.update({f"{pack.id}/{g.id}": g.score for g in pack.groups})
    return scores


@SETTINGS
@given(responses())
def test_scores_stay_between_0_and_100(response: Any) -> None:
    assessment = scorer().score(response, CLOCK)
    assert all(s is None or 0 <= s <= 100 for s in all_scores(assessment).values())
    assert all(0 <= r.credit <= 1 and r.gain_group >= 0 for r in assessment.rules)


@SETTINGS
@given(response_data(), st.sampled_from(YES_NO))
def test_moving_an_answer_from_no_to_partial_to_yes_never_lowers_a_score(data: dict[str, Any], qid: str) -> None:
    runs = []
    for value in ("no", "partial", "yes"):
        changed = copy.deepcopy(data)
        entry = changed["answers"].get(qid)
        changed["answers"][qid] = {**entry, "value": value} if isinstance(entry, dict) else value
        runs.append(all_scores(scorer().score(to_response(changed), CLOCK)))
    for lower, higher in itertools.pairwise(runs):
        for key, before in lower.items():
            after = higher[key]
            if before is not None and after is not None:
                assert after >= before, (qid, key, before, after)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(responses())
def test_the_same_response_always_gives_the_same_json(response: Any) -> None:
    assert scorer().score(response, CLOCK).to_json() == Scorer().score(response, CLOCK).to_json()
