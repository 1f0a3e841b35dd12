"""Evaluating rule packs against a response through the rules engine.

`RulesEvaluator` compiles the selected packs once into one engine (engine rules for full credit,
partial credit and non-applicability of every rule) and then evaluates responses one at a time:
one batch of facts, one engine session per response. It reports, per rule, which of those
conditions held; turning that into credit, outcomes and scores is the assessment layer's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.definition import Questionnaire, find_questionnaire
from mipat.questionnaires.problems import DefinitionError, Problem
from mipat.questionnaires.responses import Response
from mipat.rules.compiler import (
    ConditionTooLarge,
    aggregate_key,
    aggregate_value,
    engine_rules,
    fact_keys,
    response_facts,
)
from mipat.rules.conditions import CountTest, DistinctTest, atoms
from mipat.rules.engine import EngineLimitError, EnginePlan, EngineRule, RuleEngine, engine_plan
from mipat.rules.metrics import SpanMetrics, span_metrics
from mipat.rules.packs import LoadedPack


@dataclass(frozen=True, slots=True)
class RuleEvaluation:
    """What held for one rule: its full-credit condition, its partial one, and its non-applicability."""

    full: bool
    partial: bool
    not_applicable: bool


@dataclass(frozen=True, slots=True)
class Evaluations:
    rules: dict[str, RuleEvaluation]
    aggregates: dict[str, int]


def _compile(loaded: LoadedPack) -> tuple[list[EngineRule], dict[str, CountTest | DistinctTest]]:
    compiled: list[EngineRule] = []
    aggregates: dict[str, CountTest | DistinctTest] = {}
    problems: list[Problem] = []
    for rule in loaded.pack.rules:
        parts = [("full", rule.when, False)]
        if rule.partial_when is not None:
            parts.append(("partial", rule.partial_when, False))
        if rule.applies_if is not None:
            parts.append(("na", rule.applies_if, True))  # not applicable = applies_if is false
        for kind, condition, negate in parts:
            try:
                compiled += engine_rules(f"{rule.id}#{kind}", condition, negate=negate)
            except ConditionTooLarge as exc:
                problems.append(Problem(code="condition-too-large", message=f"rule {rule.id}: {exc}", file=loaded.file))
            for atom in atoms(condition):
                if isinstance(atom, CountTest | DistinctTest):
                    aggregates[aggregate_key(atom)] = atom
    if problems:
        raise DefinitionError(f"{loaded.file}: rules too large to compile", problems)
    return compiled, aggregates


def _plan(
    packs: list[LoadedPack], questionnaire: Questionnaire
) -> tuple[EnginePlan, dict[str, CountTest | DistinctTest], int]:
    compiled: list[EngineRule] = []
    aggregates: dict[str, CountTest | DistinctTest] = {}
    for loaded in packs:
        rules, found = _compile(loaded)
        compiled += rules
        aggregates.update(found)
    keys = fact_keys(questionnaire, [c for p in packs for c in _conditions(p)])
    try:
        return engine_plan("mipat", compiled, keys), aggregates, len(compiled)
    except EngineLimitError as exc:
        raise _limit_error(packs, questionnaire, exc) from None


class RulesEvaluator:
    def __init__(self, packs: Sequence[LoadedPack]) -> None:
        if not packs:
            raise ValueError("at least one rule pack is needed")
        # A pack written for an earlier version the current questionnaire reads unchanged runs on it.
        resolved = {p.file: find_questionnaire(p.pack.questionnaire.id, p.pack.questionnaire.version) for p in packs}
        targets = {(q.id, q.version) for q in resolved.values() if q is not None}
        if len(targets) != 1 or None in resolved.values():
            raise DefinitionError(
                "the selected packs are written for different questionnaires",
                [
                    Problem(
                        code="questionnaire-mismatch",
                        message=f"{p.file}: {p.pack.questionnaire.id} {p.pack.questionnaire.version}",
                        file=p.file,
                    )
                    for p in packs
                ],
            )
        questionnaire = resolved[packs[0].file]
        assert questionnaire is not None, "load_pack checked the questionnaire"
        self.packs = list(packs)
        self.questionnaire: Questionnaire = questionnaire
        # Compiling and checking the rules is pure and costs ~200 ms for the bundled packs; the
        # checked plan is cached, keyed by the packs' SHA-256 (their order too) and mipat's code.
        plan, self._aggregates, self.rule_count = cached_bundled(
            "engine-plan", lambda: _plan(self.packs, questionnaire), extra=[p.sha256 for p in self.packs]
        )
        self.engine = RuleEngine.from_plan(plan)

    def evaluate(self, response: Response, metrics: SpanMetrics | None = None) -> Evaluations:
        metrics = metrics or span_metrics(response)
        aggregates = {key: aggregate_value(atom, response) for key, atom in self._aggregates.items()}
        facts = response_facts(self.questionnaire, response, metrics, aggregates, self.engine.read_keys)
        held = {name.rsplit("#", 1)[0] for name in self.engine.run(facts)}
        return Evaluations(
            rules={
                rule.id: RuleEvaluation(
                    full=f"{rule.id}#full" in held,
                    partial=f"{rule.id}#partial" in held,
                    not_applicable=f"{rule.id}#na" in held,
                )
                for loaded in self.packs
                for rule in loaded.pack.rules
            },
            aggregates=aggregates,
        )

    def close(self) -> None:
        self.engine.close()


def _limit_error(packs: Sequence[LoadedPack], questionnaire: Questionnaire, exc: EngineLimitError) -> DefinitionError:
    """Name the pack the engine cannot run; only built when the combined engine was refused."""
    for loaded in packs:
        try:
            RuleEngine(loaded.pack.id, _compile(loaded)[0], fact_keys(questionnaire, _conditions(loaded))).close()
        except EngineLimitError as own:
            return DefinitionError(
                f"{loaded.file}: the rules engine cannot run this pack safely",
                [Problem(code="engine-limit", message=str(own), file=loaded.file)],
            )
    return DefinitionError(
        "the rules engine cannot run the selected packs together safely",
        [Problem(code="engine-limit", message=str(exc), file=", ".join(p.file for p in packs))],
    )


def _conditions(loaded: LoadedPack) -> list:
    return [c for r in loaded.pack.rules for c in r.conditions().values()]
