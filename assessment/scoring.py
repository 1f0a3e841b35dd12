"""The scoring pipeline: a validated response + rule packs (+ tailoring) → an Assessment.

Per rule (outcome, credit):
  waived         an active exception; left out of the score
  not_applicable its `applies_if` is false; left out of the score
  not_answered   none of the questions it reads is answered, and one of them is still open (shown,
                 or hidden only by an unanswered gate), or it reads the empty inventory of a draft;
                 credit 0, counted
  met / partially_met / not_met   full credit (1), partial credit (`partial_credit`), or 0
Evidence: a rule with an evidence requirement earns at most `cap` unless one of its evidence
questions carries checkable evidence (a reference, link or date).

Group score = Σ weight × credit / Σ weight of counted rules × 100 (None when nothing counts).
Pack index = mean of its group scores. Overall index = mean of the scored groups of every pack marked
`overall` (GCM principles, objective-23 actions, SDG-17 targets), each group weighing the same, so no
single rule outweighs a principle. The SDG 10.7.2 crosswalk (one rule per sub-category, its pack
index the official D = Σ s_j / 5 × 100) is reported on its own and stays out of the overall index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from mipat.assessment.provenance import Clock, tool_version
from mipat.assessment.results import (
    COUNTED,
    DEFAULT_BANDS,
    Assessment,
    BandInfo,
    GroupScore,
    PackScore,
    RuleResult,
    Scope,
    TailoringChange,
    ValueRead,
    Waiver,
)
from mipat.assessment.rule_traces import (
    RuleDescription,
    answers_read,
    evidence_count,
    open_questions,
    recommendations,
    shown_questions,
)
from mipat.assessment.score_arithmetic import group_score, mean_score
from mipat.assessment.tailoring import Exception_, LoadedTailoring, load_tailoring
from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.catalogue import Catalogue, bundled_catalogue
from mipat.questionnaires.problems import Problem
from mipat.questionnaires.responses import Response
from mipat.questionnaires.safe_text import display_name
from mipat.questionnaires.validation import validate_file
from mipat.rules.compiler import aggregate_key
from mipat.rules.conditions import CountTest, DistinctTest, MetricTest, atoms, describe, questions_read
from mipat.rules.evaluation import RuleEvaluation, RulesEvaluator
from mipat.rules.metrics import SpanMetrics, metric_catalogue, span_layout, span_metrics
from mipat.rules.packs import (
    BandScheme,
    LoadedPack,
    Rule,
    available_packs,
    band_schemes,
    bundled_packs,
    check_unique_ids,
)


class Scorer:
    """Compiled packs (+ tailoring), reusable across many responses."""

    def __init__(self, packs: list[LoadedPack] | None = None, tailoring: LoadedTailoring | None = None) -> None:
        available = list(packs if packs is not None else bundled_packs())
        check_unique_ids(available)
        chosen = tailoring.tailoring.packs if tailoring else None
        self.packs = [p for p in available if chosen is None or p.pack.id in chosen]
        self.tailoring = tailoring
        self.evaluator = RulesEvaluator(self.packs)
        self.questionnaire = self.evaluator.questionnaire
        self.catalogue: Catalogue = bundled_catalogue()
        self.schemes: dict[str, BandScheme] = band_schemes()
        # Describing 106 rules' conditions in words costs ~45 ms: cached like the engine plan.
        self._static: dict[str, _StaticRule] = cached_bundled(
            "static-rules",
            lambda: {r.id: _StaticRule.of(r) for p in self.packs for r in p.pack.rules},
            extra=[p.sha256 for p in self.packs],
        )

    def close(self) -> None:
        self.evaluator.close()

    def score_file(self, path: Path, clock: Clock, *, display: str | None = None, trace: bool = True) -> Assessment:
        name = display or display_name(path)
        report = validate_file(path, display=name)
        response = report.raise_for_errors()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return self.score(response, clock, input_file=name, input_sha256=digest, warnings=report.warnings, trace=trace)

    def score(
        self,
        response: Response,
        clock: Clock,
        *,
        input_file: str = "<response>",
        input_sha256: str = "",
        warnings: list[Problem] | None = None,
        trace: bool = True,
    ) -> Assessment:
        """The Assessment of `response`. With trace=False (the lean path, for scores and saved results
        only) rules carry no `answers`: a saved result does not store them, and reading it back restores them."""
        metrics = span_metrics(response)
        day = clock.moment.date()
        drafts, expired = self._rule_outcomes(response, metrics, day, trace)
        packs_out, group_weights = self._pack_scores(drafts)
        in_overall = {p.pack.id for p in self.packs if p.pack.overall}
        overall_groups = [g.score for p in packs_out if p.id in in_overall for g in p.groups if g.score is not None]
        overall = mean_score(overall_groups)
        rules_out = _with_gains(drafts, group_weights, in_overall, len(overall_groups))
        default_scheme = self.schemes[DEFAULT_BANDS]
        return Assessment(
            tool="mipat",
            tool_version=tool_version(),
            generated_at=clock.iso,
            assessment_date=day.isoformat(),
            input_file=input_file,
            input_sha256=input_sha256,
            tailoring_sha256=self.tailoring.sha256 if self.tailoring else None,
            questionnaire=response.questionnaire,
            status=response.status,
            complete=response.status == "final",
            language=response.language,
            scope=_scope(self.questionnaire.scope, response),
            overall_index=overall,
            overall_band=default_scheme.band_for(overall).code if overall is not None else None,
            overall_bands=DEFAULT_BANDS,
            bands=[_band_info(self.schemes[s]) for s in sorted({p.pack.bands for p in self.packs} | {DEFAULT_BANDS})],
            packs=packs_out,
            rules=rules_out,
            recommendations=recommendations(rules_out),
            metrics=metrics,
            metric_labels={m.id: m.label for m in metric_catalogue().metrics},
            span_layout=span_layout(),
            tailoring=_tailoring_changes(self.tailoring, [p.pack.id for p in self.packs]),
            warnings=[*(warnings or []), *expired],
            response=response,
        )

    def _rule_outcomes(
        self, response: Response, metrics: SpanMetrics, day: dt.date, trace: bool = True
    ) -> tuple[list[tuple[LoadedPack, Rule, dict]], list[Problem]]:
        """Each rule's result fields (outcome, credit, trace), tailoring applied, plus expired-exception warnings."""
        evaluations = self.evaluator.evaluate(response, metrics)
        shown = shown_questions(self.questionnaire, response)
        pending = open_questions(self.questionnaire, response, shown)
        tailoring = self.tailoring.tailoring if self.tailoring else None
        disabled = {d.rule for d in tailoring.disable} if tailoring else set()
        weights = {w.rule: w.weight for w in tailoring.weights} if tailoring else {}
        exceptions = {e.rule: e for e in tailoring.exceptions} if tailoring else {}
        expired: list[Problem] = []
        drafts: list[tuple[LoadedPack, Rule, dict]] = []
        for loaded in self.packs:
            for rule in loaded.pack.rules:
                if rule.id in disabled:
                    continue
                waiver, warnings = _waiver(exceptions.get(rule.id), day, self.tailoring)
                expired += warnings
                fields = _rule_fields(
                    rule,
                    self._static[rule.id],
                    evaluations.rules[rule.id],
                    response,
                    shown,
                    pending,
                    metrics,
                    evaluations.aggregates,
                    trace,
                )
                fields.update(pack_id=loaded.pack.id, waiver=waiver, weight=weights.get(rule.id, rule.weight))
                if waiver is not None and waiver.active:
                    fields.update(outcome="waived", credit=0.0)
                drafts.append((loaded, rule, fields))
        return drafts, expired

    def _pack_scores(
        self, drafts: list[tuple[LoadedPack, Rule, dict]]
    ) -> tuple[list[PackScore], dict[tuple[str, str], float]]:
        """Scores per group and pack, and each group's applicable weight (for the gains)."""
        by_group: dict[tuple[str, str], list[dict]] = {}
        for loaded, rule, fields in drafts:
            by_group.setdefault((loaded.pack.id, rule.group), []).append(fields)
        packs_out: list[PackScore] = []
        group_weights: dict[tuple[str, str], float] = {}
        for loaded in self.packs:
            pack = loaded.pack
            scheme = self.schemes[pack.bands]
            groups: list[GroupScore] = []
            for group_id, title in self.catalogue.groups_scored_by(pack.scored_by):
                members = by_group.get((pack.id, group_id), [])
                if not members:
                    continue
                score, applicable, credited = group_score((f["outcome"], f["weight"], f["credit"]) for f in members)
                group_weights[(pack.id, group_id)] = applicable
                outcomes: dict[str, int] = {}
                for f in members:
                    outcomes[f["outcome"]] = outcomes.get(f["outcome"], 0) + 1
                groups.append(
                    GroupScore(
                        id=group_id,
                        title=title,
                        score=score,
                        band=scheme.band_for(score).code if score is not None else None,
                        applicable_weight=applicable,
                        credited_weight=round(credited, 4),
                        outcomes=dict(sorted(outcomes.items())),
                    )
                )
            index = mean_score([g.score for g in groups if g.score is not None])
            packs_out.append(
                PackScore(
                    id=pack.id,
                    version=pack.version,
                    sha256=loaded.sha256,
                    source=loaded.file,
                    title=pack.title,
                    scored_by=pack.scored_by,
                    bands=pack.bands,
                    index=index,
                    band=scheme.band_for(index).code if index is not None else None,
                    groups=groups,
                )
            )
        return packs_out, group_weights


def _with_gains(
    drafts: list[tuple[LoadedPack, Rule, dict]],
    group_weights: dict[tuple[str, str], float],
    in_overall: set[str],
    overall_groups: int,
) -> list[RuleResult]:
    """Rule results with the points their group, and the overall index, would gain if they were met."""
    results: list[RuleResult] = []
    for loaded, rule, fields in drafts:
        applicable = group_weights.get((loaded.pack.id, rule.group), 0.0)
        gain_group = 0.0
        if fields["outcome"] in COUNTED and applicable:
            gain_group = 100 * fields["weight"] * (1 - fields["credit"]) / applicable
        gain_overall = gain_group / overall_groups if loaded.pack.id in in_overall and overall_groups else 0.0
        results.append(RuleResult(**fields, gain_group=round(gain_group, 2), gain_overall=round(gain_overall, 2)))
    return results


def _waiver(
    exception: Exception_ | None, day: dt.date, source: LoadedTailoring | None
) -> tuple[Waiver | None, list[Problem]]:
    if exception is None:
        return None, []
    active = exception.active_on(day)
    waiver = Waiver(
        justification=exception.justification, approver=exception.approver, expires=exception.expires, active=active
    )
    if active:
        return waiver, []
    expired = Problem(
        severity="warning",
        code="exception-expired",
        message=f"the exception for rule {exception.rule} expired on {exception.expires}; the rule counts again",
        file=source.file if source else None,
    )
    return waiver, [expired]


@dataclass(frozen=True)
class _StaticRule:
    """What a rule's trace needs that does not depend on the response, computed once per Scorer."""

    reads: tuple[str, ...]
    description: RuleDescription
    metrics: tuple[str, ...]
    aggregates: tuple[tuple[str, str], ...]
    reads_inventory: bool
    # per metric or partnership test, the inventory fields it needs; one entry giving all the fields of
    # one of them is enough for the rule to have something to judge
    inventory_fields: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, rule: Rule) -> _StaticRule:
        scoring = [rule.when] + ([rule.partial_when] if rule.partial_when is not None else [])
        metrics: list[str] = []
        aggregates: list[tuple[str, str]] = []
        fields: list[tuple[str, ...]] = []
        needs = {m.id: m.reads for m in metric_catalogue().metrics}
        for condition in scoring:
            for atom in atoms(condition):
                if isinstance(atom, MetricTest):
                    fields.append(tuple(needs.get(atom.metric, [])))
                elif isinstance(atom, CountTest | DistinctTest):
                    spec = atom.partnerships if isinstance(atom, CountTest) else atom.distinct
                    keys = [*spec.where, *([atom.distinct.of] if isinstance(atom, DistinctTest) else [])]
                    fields.append(tuple("partners" if key == "partner_kind" else key for key in keys))
        for condition in rule.conditions().values():
            for atom in atoms(condition):
                if isinstance(atom, MetricTest):
                    metrics.append(atom.metric)
                elif isinstance(atom, CountTest | DistinctTest):
                    # the aggregate without its comparison, e.g. "partnerships where level in [local]"
                    text = describe(atom).rsplit(" ", 2)[0]
                    if all(text != shown for _, shown in aggregates):  # one filter, two thresholds: once
                        aggregates.append((aggregate_key(atom), text))
        return cls(
            reads=tuple(dict.fromkeys(q for c in scoring for q in questions_read(c))),
            description=RuleDescription.of(rule),
            metrics=tuple(dict.fromkeys(metrics)),
            aggregates=tuple(dict.fromkeys(aggregates)),
            reads_inventory=rule.reads_inventory(),
            inventory_fields=tuple(dict.fromkeys(fields)),
        )


def _rule_fields(
    rule: Rule,
    static: _StaticRule,
    evaluation: RuleEvaluation,
    response: Response,
    shown: set[str],
    pending: set[str],
    metrics: SpanMetrics,
    aggregates: dict[str, int],
    trace: bool = True,
) -> dict:
    level = "full" if evaluation.full else "partial" if evaluation.partial else "none"
    raw = 1.0 if level == "full" else rule.partial_credit if level == "partial" else 0.0
    evidence_questions = rule.evidence.questions if rule.evidence else []
    has_evidence = any(evidence_count(response, q) for q in evidence_questions)
    capped = rule.evidence is not None and raw > rule.evidence.cap and not has_evidence
    credit = min(raw, rule.evidence.cap) if capped and rule.evidence else raw
    reads = static.reads
    answered = any(q in response.answers and response.answers[q].answered for q in reads)
    # A draft's inventory is still being filled in: until one entry gives every field a rule needs, the
    # rule has nothing to judge. In a final response the inventory, even empty, is the answer.
    inventory_open = (
        static.reads_inventory
        and response.status == "draft"
        and not any(
            all(p.get(f) not in (None, []) for f in needed)
            for needed in static.inventory_fields
            for p in response.inventory
        )
    )
    inventory_given = static.reads_inventory and not inventory_open
    still_open = any(q in pending for q in reads) or inventory_open
    if evaluation.not_applicable:
        outcome, credit = "not_applicable", 0.0
    elif not answered and not inventory_given and still_open:
        outcome, credit = "not_answered", 0.0
    elif credit >= 1:
        outcome = "met"
    elif credit > 0:
        outcome = "partially_met"
    else:
        outcome = "not_met"
    values = [ValueRead(name=f"metric {m}", value=metrics.values[m]) for m in static.metrics]
    values += [ValueRead(name=text, value=aggregates[key]) for key, text in static.aggregates]
    described = static.description
    return {
        "rule_id": rule.id,
        **described.static_fields(rule),
        "outcome": outcome,
        "credit": credit,
        "raw_credit": raw,
        "level": level,
        "held": described.held(level),
        "evidence_capped": capped,
        "answers": answers_read(described.trace_questions, response, shown) if trace else [],
        "values": values,
    }


def _scope(mapping: dict[str, str], response: Response) -> Scope:
    def text(key: str) -> str | None:
        value = response.value(mapping[key]) if key in mapping else None
        return None if value is None else str(value)

    start, end = text("period_start"), text("period_end")
    period = f"{start}–{end}" if start and end else start or end
    return Scope(
        authority=text("authority"), level=text("level"), country=text("country"), period=period, lead=text("lead")
    )


def _band_info(scheme: BandScheme) -> BandInfo:
    return BandInfo(
        id=scheme.id,
        source=scheme.source,
        status=scheme.status,
        note=scheme.note,
        bands=[{"code": b.code, "min": b.min, "label": b.label.model_dump()} for b in scheme.bands],
    )


def _tailoring_changes(loaded: LoadedTailoring | None, pack_ids: list[str]) -> list[TailoringChange]:
    if loaded is None:
        return []
    t = loaded.tailoring
    changes: list[TailoringChange] = []
    if t.packs is not None:
        changes.append(
            TailoringChange(kind="select", target=", ".join(pack_ids), detail="packs selected", justification="")
        )
    changes += [
        TailoringChange(kind="disable", target=d.rule, detail="rule disabled", justification=d.justification)
        for d in t.disable
    ]
    changes += [
        TailoringChange(
            kind="weight", target=w.rule, detail=f"weight set to {w.weight:g}", justification=w.justification
        )
        for w in t.weights
    ]
    changes += [
        TailoringChange(
            kind="exception",
            target=e.rule,
            detail=f"waived until {e.expires}, approved by {e.approver}",
            justification=e.justification,
        )
        for e in t.exceptions
    ]
    return changes


def build_scorer(custom_packs: list[Path] | tuple[Path, ...] = (), tailoring_file: Path | None = None) -> Scorer:
    """The bundled packs plus the user's own (validated the same way), with an optional tailoring file."""
    packs = available_packs(custom_packs)
    tailoring = load_tailoring(tailoring_file, packs) if tailoring_file is not None else None
    return Scorer(packs, tailoring)
