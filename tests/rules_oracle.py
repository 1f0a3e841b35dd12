"""A plain-Python evaluator of the rule condition language: the differential oracle for the engine path.

It evaluates conditions directly on the tree with Kleene's three-valued logic (None = unknown), with
no DNF, no facts and no engine, so a bug in the compiler or the engine adapter shows up as a mismatch.
"""

from __future__ import annotations

from typing import Any

from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.responses import Evidence, Response
from mipat.rules.conditions import AllOf, AnswerTest, AnyOf, Condition, CountTest, MetricTest, Not, compare
from mipat.rules.evaluation import RuleEvaluation
from mipat.rules.metrics import SpanMetrics, count_matching, distinct_values
from mipat.rules.packs import Pack

Truth = bool | None


def truth(condition: Condition, response: Response, questionnaire: Questionnaire, metrics: SpanMetrics) -> Truth:
    def t(c: Condition) -> Truth:
        return truth(c, response, questionnaire, metrics)

    if isinstance(condition, AllOf):
        values = [t(c) for c in condition.all]
        return False if False in values else True if all(v is True for v in values) else None
    if isinstance(condition, AnyOf):
        values = [t(c) for c in condition.any]
        return True if True in values else False if all(v is False for v in values) else None
    if isinstance(condition, Not):
        inner = t(condition.not_)
        return None if inner is None else not inner
    if isinstance(condition, AnswerTest):
        return _answer_truth(condition, response, questionnaire)
    if isinstance(condition, MetricTest):
        return compare(metrics.values[condition.metric], condition.operator, condition.operand)
    if isinstance(condition, CountTest):
        spec = condition.partnerships
        return compare(count_matching(response.inventory, spec.where), spec.operator, spec.operand)
    spec = condition.distinct
    return compare(distinct_values(response.inventory, spec.of, spec.where, spec.among), spec.operator, spec.operand)


def _answer_truth(test: AnswerTest, response: Response, questionnaire: Questionnaire) -> Truth:
    answer = response.answers.get(test.q)
    value: Any = answer.value if answer is not None and answer.answered else None
    op, operand = test.operator, test.operand
    if op == "answered":
        return (value is not None) == operand
    if value is None:
        return None
    if op == "eq":
        return str(value) == str(operand)
    if op == "ne":
        return str(value) != str(operand)
    if op == "in":
        return str(value) in {str(c) for c in operand}
    if op == "includes":
        return str(operand) in {str(v) for v in value}
    question = questionnaire.question(test.q)
    assert question is not None
    if question.type == "multiple_choice":
        exclusive = {o.code for o in questionnaire.options(question) if o.exclusive}
        number = sum(1 for code in value if code not in exclusive)
    elif question.type == "evidence":
        number = sum(1 for item in value if isinstance(item, Evidence))
    else:
        number = value
    return compare(number, op, operand)


def oracle_evaluations(
    pack: Pack, response: Response, questionnaire: Questionnaire, metrics: SpanMetrics
) -> dict[str, RuleEvaluation]:
    def holds(c: Condition | None) -> bool:
        return c is not None and truth(c, response, questionnaire, metrics) is True

    return {
        rule.id: RuleEvaluation(
            full=holds(rule.when),
            partial=holds(rule.partial_when),
            not_applicable=rule.applies_if is not None
            and truth(rule.applies_if, response, questionnaire, metrics) is False,
        )
        for rule in pack.rules
    }
