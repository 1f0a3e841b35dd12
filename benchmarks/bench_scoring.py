"""Benchmark: the durable-rules path against the plain-Python oracle, and whole-response scoring.

    python benchmarks/bench_scoring.py [--responses 1000] [--repeats 5] [--seed 7]

Generates N random valid responses to the bundled questionnaire (70 % of questions answered, 0-5
partnerships), then times, per response and for all bundled packs:
  engine   facts + RuleEngine.run for every pack (what `mipat score` does to evaluate rules)
  oracle   the plain-Python three-valued evaluator used as the differential test oracle
  score    the whole pipeline from a validated Response to an Assessment (outcomes, scores, trace)
Each pass runs N responses; the median of the passes' per-response times is printed, with the
engine/oracle ratio and responses per second on one core. Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mipat.assessment.scoring import Clock, Scorer
from mipat.questionnaires.definition import Question, default_questionnaire
from mipat.questionnaires.responses import Response
from mipat.questionnaires.source_files import Document
from mipat.questionnaires.validation import validate_document
from mipat.rules.metrics import span_metrics
from tests.rules_oracle import oracle_evaluations

QUESTIONNAIRE = default_questionnaire()


def random_value(rng: random.Random, question: Question) -> Any:
    codes = QUESTIONNAIRE.codes(question)
    if question.type in ("yes_no", "single_choice"):
        return rng.choice(codes)
    if question.type == "multiple_choice":
        plain = [o.code for o in QUESTIONNAIRE.options(question) if not o.exclusive]
        return rng.sample(plain, rng.randint(1, min(4, len(plain))))
    if question.type in ("integer", "year"):
        low = question.min if question.min is not None else 0
        return rng.randint(low, min(question.max if question.max is not None else low + 10, low + 10))
    if question.type == "text":
        return "Ministry of the Interior"
    if question.type == "evidence":
        return [{"title": "Decree 12/2021", "kind": "law"}]
    return [{"name": "Partner", "kind": rng.choice(codes)} for _ in range(rng.randint(1, 3))]


def random_response(rng: random.Random) -> Response:
    answers = {q.id: random_value(rng, q) for q in QUESTIONNAIRE.questions() if rng.random() < 0.7}
    inventory = []
    for index in range(rng.randint(0, 5)):
        item: dict[str, Any] = {"id": f"PS-{index}"}
        for field in QUESTIONNAIRE.inventory.fields:
            if field.required or rng.random() < 0.5:
                item[field.id] = random_value(rng, field)
        inventory.append(item)
    data = {
        "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
        "status": "draft",
        "respondent": {"organisation": "Benchmark"},
        "answers": answers,
        "inventory": inventory,
    }
    response = validate_document(Document("bench.yaml", data, {(): 1})).response
    assert response is not None
    return response


def per_response_ms(seconds: float, count: int) -> float:
    return 1000 * seconds / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    responses = [random_response(rng) for _ in range(args.responses)]
    scorer = Scorer()
    evaluator = scorer.evaluator
    packs = [p.pack for p in scorer.packs]
    metrics = [span_metrics(r) for r in responses]
    clock = Clock.fixed_or_now("2026-01-31T00:00:00Z")
    rules = sum(len(p.rules) for p in packs)

    mismatches = 0
    for response, m in zip(responses, metrics, strict=True):
        engine = evaluator.evaluate(response, m).rules
        for pack in packs:
            oracle = oracle_evaluations(pack, response, QUESTIONNAIRE, m)
            mismatches += sum(engine[rid] != oracle[rid] for rid in oracle)

    timings: dict[str, list[float]] = {"engine": [], "oracle": [], "score": []}
    for _ in range(args.repeats):
        start = time.perf_counter()
        for response, m in zip(responses, metrics, strict=True):
            evaluator.evaluate(response, m)
        timings["engine"].append(per_response_ms(time.perf_counter() - start, len(responses)))

        start = time.perf_counter()
        for response, m in zip(responses, metrics, strict=True):
            for pack in packs:
                oracle_evaluations(pack, response, QUESTIONNAIRE, m)
        timings["oracle"].append(per_response_ms(time.perf_counter() - start, len(responses)))

        start = time.perf_counter()
        for response in responses:
            scorer.score(response, clock)
        timings["score"].append(per_response_ms(time.perf_counter() - start, len(responses)))

    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(
        f"{len(responses)} responses x {args.repeats} passes; {len(packs)} packs, {rules} rules "
        f"({evaluator.rule_count} engine rules after DNF); mismatches engine vs oracle: {mismatches}"
    )
    for name, value in medians.items():
        spread = f"{min(timings[name]):.3f}-{max(timings[name]):.3f}"
        print(f"  {name:<7} median {value:.3f} ms/response (range {spread}), {1000 / value:,.0f} responses/s")
    print(f"  engine / oracle ratio: {medians['engine'] / medians['oracle']:.1f}x")
    scorer.close()


if __name__ == "__main__":
    main()
