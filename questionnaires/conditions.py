"""Skip logic: the `show_if` condition language over other answers.

Written in YAML as one of
    {question: WOG.1, equals: yes}            {question: WOG.1, in: [yes, partial]}
    {question: RCP.1, includes: other}        {question: BIL.2, gte: 1}
    {question: WOG.3, answered: true}
    {all: [...]}   {any: [...]}   {not: {...}}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Scalar = str | int

ANSWER_OPERATORS = ("equals", "not_equals", "in", "includes", "answered", "gte", "lte")


class AnswerTest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    question: str
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    includes: Scalar | None = None
    answered: bool | None = None
    gte: int | None = None
    lte: int | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> AnswerTest:
        used = [op for op in ANSWER_OPERATORS if self.operand(op) is not None]
        if len(used) != 1:
            raise ValueError(f"a test needs exactly one of {', '.join(ANSWER_OPERATORS)}; found {used or 'none'}")
        return self

    def operand(self, op: str) -> Any:
        return self.in_ if op == "in" else getattr(self, op)

    @property
    def operator(self) -> str:
        return next(op for op in ANSWER_OPERATORS if self.operand(op) is not None)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        op, operand = self.operator, self.operand(self.operator)
        if op == "answered":
            return (value is not None) == operand
        if value is None:
            return False  # an unanswered question satisfies no comparison
        if op == "equals":
            return _same(value, operand)
        if op == "not_equals":
            return not _same(value, operand)
        if op == "in":
            return any(_same(value, item) for item in operand)
        if op == "includes":
            return isinstance(value, list) and any(_same(item, operand) for item in value)
        if not isinstance(value, int):
            return False
        return value >= operand if op == "gte" else value <= operand

    def codes(self) -> list[Scalar]:
        """Answer codes this test compares against (checked against the question's options)."""
        op = self.operator
        if op in ("equals", "not_equals", "includes"):
            return [self.operand(op)]
        if op == "in":
            return list(self.in_ or [])
        return []


def _same(value: Any, operand: Scalar) -> bool:
    return str(value) == str(operand)


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    all: list[Condition] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.all)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    any: list[Condition] = Field(min_length=1)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return any(c.holds(answers) for c in self.any)


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)
    not_: Condition = Field(alias="not")

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return not self.not_.holds(answers)


def _kind(value: Any) -> Literal["all", "any", "not", "test"] | None:
    if isinstance(value, BaseModel):
        return {"AllOf": "all", "AnyOf": "any", "Not": "not"}.get(type(value).__name__, "test")  # type: ignore[return-value]
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key  # type: ignore[return-value]
        return "test"
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[AnswerTest, Tag("test")],
    Discriminator(_kind),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


def answer_tests(condition: Condition) -> Iterator[AnswerTest]:
    """Every answer test inside a condition, depth first."""
    if isinstance(condition, AnswerTest):
        yield condition
    elif isinstance(condition, AllOf):
        for c in condition.all:
            yield from answer_tests(c)
    elif isinstance(condition, AnyOf):
        for c in condition.any:
            yield from answer_tests(c)
    elif isinstance(condition, Not):
        yield from answer_tests(condition.not_)
