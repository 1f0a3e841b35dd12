"""Plain-Python oracle for rules.engine: the intended semantics with no durable-rules in the way.

Used only by tests/test_engine.py. It shares the pydantic models with the adapter and nothing else.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mipat.rules.engine import EngineRule, Fact, FactPattern, FieldTest

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, options: value in options,
}


def holds(test: FieldTest, fact: Fact) -> bool:
    """A test on a field that is None never holds, whatever the operator (also `ne`)."""
    value = getattr(fact, test.field)
    return value is not None and _COMPARE[test.op](value, test.value)


def pattern_matches(pattern: FactPattern, facts: Mapping[str, Fact]) -> bool:
    fact = facts.get(pattern.key)
    return fact is not None and all(holds(test, fact) for test in pattern.tests)


def evaluate(rules: Iterable[EngineRule], facts: Iterable[Fact]) -> frozenset[str]:
    """Names of the rules that fire for one response (facts must have unique keys)."""
    by_key = {fact.key: fact for fact in facts}
    return frozenset(
        rule.name
        for rule in rules
        if all(pattern_matches(p, by_key) for p in rule.match)
        and not any(pattern_matches(p, by_key) for p in rule.absent)
    )
