"""Compiling rule conditions to engine rules, and responses to engine facts.

A condition is rewritten into disjunctive normal form: alternatives, each a conjunction of literals
(a test or a negated test). Negation is pushed down to the tests (De Morgan), which is sound for the
three-valued logic of rules/conditions.py: a negated test is true only when the test is *false*, i.e.
its question is answered with another value. So `not {q: X, eq: yes}` compiles to "X answered and
X ≠ yes", and an unanswered X satisfies neither. Each alternative becomes one `EngineRule`.

Facts, one per key:
    <qid>             an answered question: v = its code, n = its number (or how many codes a
                      multiple choice holds, exclusive codes such as `none` not counted), e = evidence
    <qid>=<code>      one per code chosen in a multiple-choice answer
    metric:<name>     a span metric, n = its value
    agg:<digest>      an inventory aggregate used by some rule, n = its value
Inventory aggregates are counted here, before the engine runs; the engine compares the counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import lru_cache
from itertools import product

from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.responses import Evidence, Response
from mipat.rules.conditions import (
    AllOf,
    AnswerTest,
    AnyOf,
    Atom,
    Condition,
    CountTest,
    DistinctTest,
    MetricTest,
    Not,
    atoms,
)
from mipat.rules.engine import EngineRule, Fact, FactPattern, FieldTest
from mipat.rules.metrics import SpanMetrics, count_matching, distinct_values

MAX_ALTERNATIVES = 32  # a condition that expands further is rejected at load time

Literal = tuple[Atom, bool]  # (test, positive?)
Conjunction = tuple[Literal, ...]

_FLIP = {"eq": "ne", "ne": "eq", "gte": "lt", "gt": "lte", "lte": "gt", "lt": "gte"}


class ConditionTooLarge(ValueError):
    pass


def dnf(condition: Condition, negate: bool = False) -> list[Conjunction]:
    """Alternatives (OR) of conjunctions (AND) of literals, equivalent to the condition (or its negation)."""
    if isinstance(condition, Not):
        return dnf(condition.not_, not negate)
    if isinstance(condition, AllOf | AnyOf):
        parts = [dnf(c, negate) for c in (condition.all if isinstance(condition, AllOf) else condition.any)]
        conjunctive = isinstance(condition, AllOf) != negate
        if not conjunctive:
            result = [conj for part in parts for conj in part]
        else:
            size = 1
            for part in parts:
                size *= len(part)
            if size > MAX_ALTERNATIVES:
                raise ConditionTooLarge(f"condition expands to {size} alternatives; at most {MAX_ALTERNATIVES}")
            result = [tuple(lit for conj in combo for lit in conj) for combo in product(*parts)]
        if len(result) > MAX_ALTERNATIVES:
            raise ConditionTooLarge(f"condition expands to {len(result)} alternatives; at most {MAX_ALTERNATIVES}")
        return result
    return [((condition, not negate),)]


def aggregate_key(atom: CountTest | DistinctTest) -> str:
    digest = hashlib.sha256(atom.model_dump_json(by_alias=True).encode()).hexdigest()[:16]
    return f"agg:{digest}"


def _literal_patterns(atom: Atom, positive: bool) -> tuple[list[FactPattern], list[FactPattern]]:
    """(match, absent) patterns for one literal."""
    if isinstance(atom, AnswerTest):
        q, op, operand = atom.q, atom.operator, atom.operand
        if op == "answered":
            exists = FactPattern(key=q)
            return ([exists], []) if operand == positive else ([], [exists])
        if op == "includes":
            code = FactPattern(key=f"{q}={operand}")
            return ([code], []) if positive else ([FactPattern(key=q)], [code])
        if op == "in":  # positive: one `$or` test; negated: "answered and none of them"
            codes = tuple(str(c) for c in operand)
            tests = (
                [FieldTest(field="v", op="in", value=codes)]
                if positive
                else [FieldTest(field="v", op="ne", value=c) for c in codes]
            )
            return [FactPattern(key=q, tests=tests)], []
        field = "v" if op in ("eq", "ne") else "n"
        value = str(operand) if field == "v" else operand
        return [FactPattern(key=q, tests=[FieldTest(field=field, op=op if positive else _FLIP[op], value=value)])], []
    if isinstance(atom, MetricTest):
        key, op, operand = f"metric:{atom.metric}", atom.operator, atom.operand
    else:
        spec = atom.partnerships if isinstance(atom, CountTest) else atom.distinct
        key, op, operand = aggregate_key(atom), spec.operator, spec.operand
    return [FactPattern(key=key, tests=[FieldTest(field="n", op=op if positive else _FLIP[op], value=operand)])], []


def conjunction_rule(name: str, conjunction: Conjunction) -> EngineRule:
    merged: dict[str, list[FieldTest]] = {}
    absent: list[FactPattern] = []
    for atom, positive in conjunction:
        match, missing = _literal_patterns(atom, positive)
        for pattern in match:
            tests = merged.setdefault(pattern.key, [])
            tests += [t for t in pattern.tests if t not in tests]
        absent += [p for p in missing if p not in absent]
    return EngineRule(name=name, match=[FactPattern(key=k, tests=t) for k, t in merged.items()], absent=absent)


def engine_rules(prefix: str, condition: Condition, *, negate: bool = False) -> list[EngineRule]:
    return [conjunction_rule(f"{prefix}#{i}", conj) for i, conj in enumerate(dnf(condition, negate))]


def fact_keys(questionnaire: Questionnaire, conditions: list[Condition]) -> set[str]:
    """Every key a response's facts may have, for the engine's id-collision check."""
    keys: set[str] = set()
    for question in questionnaire.questions():
        keys.add(question.id)
        if question.type == "multiple_choice":
            keys |= {f"{question.id}={code}" for code in questionnaire.codes(question)}
    for condition in conditions:
        for atom in atoms(condition):
            if isinstance(atom, MetricTest):
                keys.add(f"metric:{atom.metric}")
            elif isinstance(atom, CountTest | DistinctTest):
                keys.add(aggregate_key(atom))
    return keys


def aggregate_value(atom: CountTest | DistinctTest, response: Response) -> int:
    if isinstance(atom, CountTest):
        return count_matching(response.inventory, atom.partnerships.where)
    spec = atom.distinct
    return distinct_values(response.inventory, spec.of, spec.where, spec.among)


@lru_cache(maxsize=1 << 16)
def _fact(key: str, v: str | None = None, n: float | None = None, e: int = 0) -> Fact:
    # Responses repeat the same few (key, value) pairs; each distinct fact is validated once.
    return Fact(key=key, v=v, n=n, e=e)


def response_facts(
    questionnaire: Questionnaire,
    response: Response,
    metrics: SpanMetrics,
    aggregates: dict[str, int],
    keys: frozenset[str] | None = None,
) -> list[Fact]:
    """The response's facts; with `keys`, only those some rule reads (the others would be dropped)."""
    facts = _facts(questionnaire, response, metrics, aggregates, keys)
    return [f for f in facts if keys is None or f.key in keys]


def _facts(
    questionnaire: Questionnaire,
    response: Response,
    metrics: SpanMetrics,
    aggregates: dict[str, int],
    keys: frozenset[str] | None,
) -> Iterator[Fact]:
    for qid, answer in response.answers.items():
        question = questionnaire.question(qid)
        if (
            question is None
            or not answer.answered
            or (keys is not None and qid not in keys and question.type != "multiple_choice")
        ):
            continue
        value, evidence = answer.value, len(answer.evidence)
        if question.type in ("yes_no", "single_choice"):
            yield _fact(qid, v=str(value), e=evidence)
        elif question.type in ("integer", "year"):
            yield _fact(qid, n=value, e=evidence)  # type: ignore[arg-type]
        elif question.type == "multiple_choice":
            assert isinstance(value, list)
            exclusive = {o.code for o in questionnaire.options(question) if o.exclusive}
            yield _fact(qid, n=sum(1 for c in value if c not in exclusive), e=evidence)
            yield from (_fact(f"{qid}={code}") for code in value if keys is None or f"{qid}={code}" in keys)
        elif question.type == "evidence":
            assert isinstance(value, list)
            items = sum(1 for item in value if isinstance(item, Evidence))
            yield _fact(qid, n=items, e=evidence + items)
        else:
            yield _fact(qid, e=evidence)
    for name, number in metrics.values.items():
        if keys is None or f"metric:{name}" in keys:
            yield _fact(f"metric:{name}", n=number)
    for key, number in aggregates.items():
        yield _fact(key, n=number)


def canonical(condition: Condition) -> str:
    return json.dumps(condition.model_dump(by_alias=True, exclude_none=True), sort_keys=True)
