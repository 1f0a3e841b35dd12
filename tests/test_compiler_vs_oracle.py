"""Random conditions, random responses: the compiled engine rules agree with the three-valued oracle.

Each generated condition is compiled twice, as itself and as its negation; on every response the
first must fire exactly when the oracle says true, the second exactly when it says false. Unknown
(an unanswered question) fires neither.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from mipat.questionnaires.responses import Response
from mipat.rules.compiler import aggregate_key, aggregate_value, engine_rules, fact_keys, response_facts
from mipat.rules.conditions import Condition, CountTest, DistinctTest, atoms
from mipat.rules.engine import RuleEngine
from mipat.rules.metrics import span_metrics
from tests.response_strategies import QUESTIONNAIRE, responses
from tests.rules_oracle import truth

CONDITION = TypeAdapter(Condition)

answer_tests = st.one_of(
    st.builds(lambda c: {"q": "WOG.1", "eq": c}, st.sampled_from(["yes", "partial", "no"])),
    st.builds(lambda c: {"q": "WOG.1", "ne": c}, st.sampled_from(["yes", "no"])),
    st.builds(
        lambda cs: {"q": "NSA.1", "in": cs},
        st.lists(st.sampled_from(["none", "consulted", "co_implementing"]), min_size=1, max_size=2),
    ),
    st.builds(lambda op, n: {"q": "STA.1", op: n}, st.sampled_from(["gte", "gt", "lte", "lt"]), st.integers(0, 6)),
    st.builds(lambda op, n: {"q": "FOR.1", op: n}, st.sampled_from(["gte", "lt"]), st.integers(0, 3)),
    st.builds(lambda c: {"q": "FOR.1", "includes": c}, st.sampled_from(["rabat_process", "budapest_process", "none"])),
    st.builds(lambda b: {"q": "RS.2", "answered": b}, st.booleans()),
    st.builds(lambda n: {"q": "RS.5", "gte": n}, st.integers(2000, 2030)),
    st.builds(lambda n: {"metric": "partnerships", "gte": n}, st.integers(0, 4)),
    st.builds(lambda n: {"metric": "share_formalised", "lt": n}, st.sampled_from([25, 50.5, 100])),
    st.builds(
        lambda levels, n: {"partnerships": {"where": {"level": levels}, "gte": n}},
        st.lists(st.sampled_from(["bilateral", "local", "global"]), min_size=1, max_size=2),
        st.integers(0, 2),
    ),
    st.builds(lambda n: {"distinct": {"of": "partner_kind", "gte": n}}, st.integers(0, 3)),
)
conditions = st.recursive(
    answer_tests,
    lambda inner: st.one_of(
        st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=6,
)


def _small_dnf(raw: dict[str, Any]) -> bool:
    from mipat.rules.compiler import ConditionTooLarge, dnf

    try:
        dnf(CONDITION.validate_python(raw))
        dnf(CONDITION.validate_python(raw), negate=True)
    except ConditionTooLarge:
        return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(conditions.filter(_small_dnf), min_size=1, max_size=4), st.lists(responses(0.8), min_size=3, max_size=3)
)
def test_compiled_conditions_fire_exactly_when_the_oracle_says_true(
    raws: list[dict[str, Any]], sample: list[Response]
) -> None:
    parsed = [CONDITION.validate_python(raw) for raw in raws]
    rules = []
    for index, condition in enumerate(parsed):
        rules += engine_rules(f"c{index}#true", condition)
        rules += engine_rules(f"c{index}#false", condition, negate=True)
    aggregates = {aggregate_key(a): a for c in parsed for a in atoms(c) if isinstance(a, CountTest | DistinctTest)}
    engine = RuleEngine("random", rules, fact_keys(QUESTIONNAIRE, parsed))
    try:
        for response in sample:
            metrics = span_metrics(response)
            values = {key: aggregate_value(atom, response) for key, atom in aggregates.items()}
            fired = {
                name.rsplit("#", 1)[0] for name in engine.run(response_facts(QUESTIONNAIRE, response, metrics, values))
            }
            for index, condition in enumerate(parsed):
                expected = truth(condition, response, QUESTIONNAIRE, metrics)
                assert (f"c{index}#true" in fired) == (expected is True), (raws[index], expected)
                assert (f"c{index}#false" in fired) == (expected is False), (raws[index], expected)
    finally:
        engine.close()
