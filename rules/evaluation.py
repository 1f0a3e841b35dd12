"""Evaluating packs against a response through the rules engine.

`PackEvaluator` compiles one pack once (engine rules for full credit, partial credit and
non-applicability) and then evaluates responses one at a time. It reports, per rule, which of those
conditions held; turning that into credit, outcomes and scores is the assessment layer's job.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from questionnaires.definition import Questionnaire, find_questionnaire
from questionnaires.problems import DefinitionError, Problem
from questionnaires.responses import Response
from rules.compiler import (
    ConditionTooLarge,
    aggregate_key,
    aggregate_value,
    engine_rules,
    fact_keys,
    response_facts,
)
from rules.conditions import CountTest, DistinctTest, atoms
from rules.engine import EngineLimitError, EngineRule, RuleEngine
from rules.metrics import SpanMetrics, span_metrics
from rules.packs import LoadedPack

KINDS = ("full", "partial", "na")


class RuleEvaluation(BaseModel):
    """What held for one rule: its full-credit condition, its partial one, and its non-applicability."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    full: bool
    partial: bool
    not_applicable: bool


class PackResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evaluations: dict[str, RuleEvaluation]
    aggregates: dict[str, int]


class PackEvaluator:
    def __init__(self, loaded: LoadedPack) -> None:
        pack = loaded.pack
        questionnaire = find_questionnaire(pack.questionnaire.id, pack.questionnaire.version)
        assert questionnaire is not None, "load_pack checked the questionnaire"
        self.loaded = loaded
        self.questionnaire: Questionnaire = questionnaire
        compiled: list[EngineRule] = []
        problems: list[Problem] = []
        self._aggregates: dict[str, CountTest | DistinctTest] = {}
        for rule in pack.rules:
            parts = [("full", rule.when, False)]
            if rule.partial_when is not None:
                parts.append(("partial", rule.partial_when, False))
            if rule.applies_if is not None:
                parts.append(("na", rule.applies_if, True))  # not applicable = applies_if is false
            for kind, condition, negate in parts:
                try:
                    compiled += engine_rules(f"{rule.id}#{kind}", condition, negate=negate)
                except ConditionTooLarge as exc:
                    problems.append(
                        Problem(code="condition-too-large", message=f"rule {rule.id}: {exc}", file=loaded.file)
                    )
                for atom in atoms(condition):
                    if isinstance(atom, CountTest | DistinctTest):
                        self._aggregates[aggregate_key(atom)] = atom
        if problems:
            raise DefinitionError(f"{loaded.file}: rules too large to compile", problems)
        keys = fact_keys(questionnaire, [c for r in pack.rules for c in r.conditions().values()])
        try:
            self.engine = RuleEngine(pack.id, compiled, keys)
        except EngineLimitError as exc:
            raise DefinitionError(
                f"{loaded.file}: the rules engine cannot run this pack safely",
                [Problem(code="engine-limit", message=str(exc), file=loaded.file)],
            ) from None

    def evaluate(self, response: Response, metrics: SpanMetrics | None = None) -> PackResult:
        metrics = metrics or span_metrics(response)
        aggregates = {key: aggregate_value(atom, response) for key, atom in self._aggregates.items()}
        fired = self.engine.run(response_facts(self.questionnaire, response, metrics, aggregates))
        held = {name.rsplit("#", 1)[0] for name in fired}
        evaluations = {
            rule.id: RuleEvaluation(
                full=f"{rule.id}#full" in held,
                partial=f"{rule.id}#partial" in held,
                not_applicable=f"{rule.id}#na" in held,
            )
            for rule in self.loaded.pack.rules
        }
        return PackResult(evaluations=evaluations, aggregates=aggregates)

    def close(self) -> None:
        self.engine.close()
