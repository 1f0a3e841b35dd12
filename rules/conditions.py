"""The rule condition language: what a rule pack writes under `when`, `partial_when` and `applies_if`.

    {q: WOG.1, eq: yes}                    an answer compared with a code (eq, ne, in)
    {q: STA.1, gte: 3}                     a number, a year, or how many codes a multiple choice has (gte gt lte lt)
    {q: FOR.1, includes: rabat_process}    a multiple-choice answer includes a code
    {q: WOG.13, answered: true}            a question is (or is not) answered
    {metric: nonstate_kinds, gte: 4}       a partnership span metric (see rules/metrics.py)
    {partnerships: {where: {instrument: [labour_agreement], formalised: [yes]}, gte: 2}}
    {distinct: {of: partner_kind, among: [migrants, diaspora], gte: 2}}
    {all: [...]}  {any: [...]}  {not: ...}

Truth is three-valued (Kleene): a test on an unanswered question is *unknown*, `not` of unknown
stays unknown, and a condition holds only when it is true. So an unanswered question never makes
a rule met, not even through `not`. Metrics and inventory aggregates are numbers and always known.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Code = str | int


def _exact_number(value: int | float) -> int | float:
    """A number the rules engine compares exactly: finite, and an integer within ±2**53 (the engine
    compares through doubles). Checked here so a pack is refused with its file and line, not at compile."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("a number in a condition must be finite")
    if abs(value) > 2**53:
        raise ValueError(f"{value} is beyond ±2**53, the largest numbers the rules engine compares exactly")
    return value


Number = Annotated[int | float, AfterValidator(_exact_number)]

COMPARISONS = ("eq", "ne", "gte", "gt", "lte", "lt")
ANSWER_OPERATORS = ("eq", "ne", "in", "gte", "gt", "lte", "lt", "includes", "answered")
FILTER_FIELDS = ("instrument", "level", "status", "formalised", "funded", "monitored", "safeguards",
                 "gcm_objectives", "sdg_targets", "migrant_participation", "partner_kind")  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def _exactly_one(model: BaseModel, names: tuple[str, ...], what: str) -> str:
    used = [n for n in names if getattr(model, n if n != "in" else "in_") is not None]
    if len(used) != 1:
        raise ValueError(f"{what} needs exactly one of {', '.join(names)}; found {', '.join(used) or 'none'}")
    return used[0]


class Comparison(_Model):
    """A numeric comparison, shared by metric and aggregate tests."""

    eq: Number | None = None
    ne: Number | None = None
    gte: Number | None = None
    gt: Number | None = None
    lte: Number | None = None
    lt: Number | None = None

    @model_validator(mode="after")
    def _one(self) -> Comparison:
        _exactly_one(self, COMPARISONS, "a comparison")
        return self

    @property
    def operator(self) -> str:
        return next(op for op in COMPARISONS if getattr(self, op) is not None)

    @property
    def operand(self) -> Number:
        return getattr(self, self.operator)

    def holds(self, value: Number) -> bool:
        return compare(value, self.operator, self.operand)


def compare(value: Number, op: str, operand: Number) -> bool:
    return {
        "eq": value == operand,
        "ne": value != operand,
        "gte": value >= operand,
        "gt": value > operand,
        "lte": value <= operand,
        "lt": value < operand,
    }[op]


class AnswerTest(_Model):
    q: str
    eq: Code | None = None
    ne: Code | None = None
    in_: list[Code] | None = Field(default=None, alias="in", min_length=1)
    gte: Number | None = None
    gt: Number | None = None
    lte: Number | None = None
    lt: Number | None = None
    includes: Code | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one(self) -> AnswerTest:
        _exactly_one(self, ANSWER_OPERATORS, f"the test on {self.q}")
        return self

    @property
    def operator(self) -> str:
        return next(op for op in ANSWER_OPERATORS if getattr(self, "in_" if op == "in" else op) is not None)

    @property
    def operand(self) -> Any:
        return getattr(self, "in_" if self.operator == "in" else self.operator)

    def codes(self) -> list[str]:
        op = self.operator
        if op in ("eq", "ne", "includes"):
            return [str(self.operand)]
        if op == "in":
            return [str(c) for c in self.operand]
        return []


class MetricTest(Comparison):
    metric: str


PartnershipFilter = dict[str, list[Code]]


class CountSpec(Comparison):
    where: PartnershipFilter = {}


class DistinctSpec(Comparison):
    of: Literal["partner_kind", "level", "instrument"]
    where: PartnershipFilter = {}
    among: list[Code] | None = None  # count only these codes


class CountTest(_Model):
    """How many inventory partnerships match `where`."""

    partnerships: CountSpec


class DistinctTest(_Model):
    """How many distinct partner kinds, levels or instruments the matching partnerships span."""

    distinct: DistinctSpec


class AllOf(_Model):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Model):
    any: list[Condition] = Field(min_length=1)


class Not(_Model):
    not_: Condition = Field(alias="not")


def _kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {
            AllOf: "all", AnyOf: "any", Not: "not", AnswerTest: "q", MetricTest: "metric",
            CountTest: "partnerships", DistinctTest: "distinct",
        }.get(type(value))  # fmt: skip
    if isinstance(value, dict):
        for key in ("all", "any", "not", "q", "metric", "partnerships", "distinct"):
            if key in value:
                return key
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[AnswerTest, Tag("q")]
    | Annotated[MetricTest, Tag("metric")]
    | Annotated[CountTest, Tag("partnerships")]
    | Annotated[DistinctTest, Tag("distinct")],
    Discriminator(
        _kind,
        custom_error_type="condition",
        custom_error_message="a condition starts with one of q, metric, partnerships, distinct, all, any, not",
    ),
]

Atom = AnswerTest | MetricTest | CountTest | DistinctTest

AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


def atoms(condition: Condition) -> Iterator[Atom]:
    """Every test inside a condition, depth first."""
    if isinstance(condition, AllOf):
        for c in condition.all:
            yield from atoms(c)
    elif isinstance(condition, AnyOf):
        for c in condition.any:
            yield from atoms(c)
    elif isinstance(condition, Not):
        yield from atoms(condition.not_)
    else:
        yield condition


def questions_read(condition: Condition) -> list[str]:
    return list(dict.fromkeys(a.q for a in atoms(condition) if isinstance(a, AnswerTest)))


def describe(condition: Condition, lang: str = "en") -> str:
    """Compact one-line text of a condition, for traces and `mipat rules show`.

    Question ids, codes and metric names stay as written (they are what the files use); the
    connecting words follow `lang`.
    """
    if isinstance(condition, AllOf):
        return f" {_word('and', lang)} ".join(_paren(c, lang) for c in condition.all)
    if isinstance(condition, AnyOf):
        return f" {_word('or', lang)} ".join(_paren(c, lang) for c in condition.any)
    if isinstance(condition, Not):
        return f"{_word('not', lang)} {_paren(condition.not_, lang)}"
    if isinstance(condition, AnswerTest):
        op, operand = condition.operator, condition.operand
        if op == "in":
            return f"{condition.q} {_word('in', lang)} [{', '.join(str(c) for c in operand)}]"
        if op == "answered":
            return f"{condition.q} {_word('answered' if operand else 'unanswered', lang)}"
        return f"{condition.q} {_symbol(op, lang)} {operand}"
    if isinstance(condition, MetricTest):
        return f"{_word('metric', lang)} {condition.metric} {_symbol(condition.operator, lang)} {condition.operand}"
    if isinstance(condition, CountTest):
        spec = condition.partnerships
        return f"{_word('partnerships', lang)}{_where(spec.where, lang)} {_symbol(spec.operator, lang)} {spec.operand}"
    spec = condition.distinct
    among = f" {_word('among', lang)} [{', '.join(str(c) for c in spec.among)}]" if spec.among else ""
    return (
        f"{_word('distinct', lang)} {spec.of}{among}{_where(spec.where, lang)} "
        f"{_symbol(spec.operator, lang)} {spec.operand}"
    )


_SYMBOL = {"eq": "=", "ne": "≠", "gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}
_WORDS = {"in": "is_one_of", "answered": "is_answered", "unanswered": "is_unanswered", "metric": "cond_metric",
          "partnerships": "cond_partnerships", "where": "cond_where", "distinct": "cond_distinct",
          "among": "cond_among"}  # fmt: skip


def _word(key: str, lang: str) -> str:
    from mipat.questionnaires.ui_strings import ui  # only when a condition is put into words

    return ui(_WORDS.get(key, key), lang)  # type: ignore[arg-type]


def _symbol(op: str, lang: str) -> str:
    return _word("includes", lang) if op == "includes" else _SYMBOL.get(op, op)


def _where(where: PartnershipFilter, lang: str = "en") -> str:
    if not where:
        return ""
    tests = ", ".join(f"{k} {_word('in', lang)} [{', '.join(str(c) for c in v)}]" for k, v in where.items())
    return f" {_word('where', lang)} {tests}"


def _paren(condition: Condition, lang: str = "en") -> str:
    text = describe(condition, lang)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text
