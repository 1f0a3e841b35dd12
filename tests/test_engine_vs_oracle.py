"""Differential test: the durable-rules path and the plain-Python oracle agree on every bundled rule."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings

from mipat.questionnaires.responses import Response
from mipat.rules.evaluation import RulesEvaluator
from mipat.rules.metrics import span_metrics
from mipat.rules.packs import bundled_packs
from tests.response_strategies import QUESTIONNAIRE, responses
from tests.rules_oracle import oracle_evaluations


@cache
def _evaluator() -> RulesEvaluator:
    return RulesEvaluator(bundled_packs())


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(responses())
def test_engine_and_oracle_agree_on_every_rule(response: Response) -> None:
    metrics = span_metrics(response)
    engine = _evaluator().evaluate(response, metrics).rules
    for loaded in bundled_packs():
        oracle = oracle_evaluations(loaded.pack, response, QUESTIONNAIRE, metrics)
        mismatches = {rid: (engine[rid], oracle[rid]) for rid in oracle if engine[rid] != oracle[rid]}
        assert not mismatches, mismatches
