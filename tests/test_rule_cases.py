"""Every bundled rule has a response where it is met and one where it is not, run through the real engine.

Cases live in tests/data/rule_cases/<pack id>.yaml; each is merged into a draft response whose RS.1
is `national` unless the case says otherwise, validated (no errors, no warnings), then scored.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from mipat.assessment.scoring import Clock, Scorer
from mipat.questionnaires.responses import Response
from mipat.questionnaires.source_files import Document, read_document
from mipat.questionnaires.validation import validate_document
from mipat.rules.packs import LoadedPack, bundled_packs

CASES = Path(__file__).parent / "data" / "rule_cases"
CLOCK = Clock.fixed_or_now("2026-01-01T00:00:00Z")


def _all_rules() -> list[tuple[str, str]]:
    return [(p.pack.id, r.id) for p in bundled_packs() for r in p.pack.rules]


@cache
def _cases(pack_id: str) -> dict[str, Any]:
    path = CASES / f"{pack_id}.yaml"
    return read_document(path).data if path.exists() else {}  # mipat's reader: `yes` stays text


@cache
def _scorer(pack_id: str) -> Scorer:
    loaded: LoadedPack = next(p for p in bundled_packs() if p.pack.id == pack_id)
    return Scorer([loaded])


def case_response(case: dict[str, Any]) -> Response:
    answers = {"RS.1": "national", **(case.get("answers") or {})}
    data = {
        "questionnaire": {"id": "mipat-partnerships", "version": "1.1.0"},
        "status": "draft",
        "respondent": {"organisation": "Test authority"},
        "answers": answers,
        "inventory": case.get("inventory") or [],
    }
    report = validate_document(Document("case.yaml", data, {(): 1}))
    assert report.ok and not report.warnings, [p.describe() for p in report.problems]
    assert report.response is not None
    return report.response


def test_bundled_packs_cover_the_frameworks() -> None:
    packs = {p.pack.id: p.pack for p in bundled_packs()}
    assert set(packs) == {"gcm-guiding-principles", "gcm-objective-23", "sdg-17", "sdg-10-7-2-domain-3"}
    principles = packs["gcm-guiding-principles"]
    for group in ("international-cooperation", "whole-of-government", "whole-of-society"):
        assert sum(r.group == group for r in principles.rules) >= 5, group
    assert min(sum(r.group == g for r in principles.rules) for g in {r.group for r in principles.rules}) >= 3
    assert len({r.group for r in principles.rules}) == 10
    actions = packs["gcm-objective-23"]
    assert {r.group for r in actions.rules} == {"23a", "23b", "23c", "23d", "23e"}
    assert all(sum(r.group == g for r in actions.rules) >= 2 for g in ("23a", "23b", "23c", "23d", "23e"))
    targets = {r.group for r in packs["sdg-17"].rules}
    assert {"17.9", "17.14", "17.16", "17.17", "17.18"} <= targets
    assert {r.group for r in packs["sdg-10-7-2-domain-3"].rules} == {f"PD3.{i}" for i in range(1, 6)}


@pytest.mark.parametrize("pack_id, rule_id", _all_rules())
def test_rule_is_met_by_its_met_case_and_not_by_its_not_met_case(pack_id: str, rule_id: str) -> None:
    cases = _cases(pack_id).get(rule_id)
    assert cases is not None, f"no cases for {rule_id} in {CASES / pack_id}.yaml"
    scorer = _scorer(pack_id)
    met = scorer.score(case_response(cases["met"]), CLOCK).rule(rule_id)
    assert met is not None and met.outcome == "met", met
    not_met = scorer.score(case_response(cases["not_met"]), CLOCK).rule(rule_id)
    assert not_met is not None and not_met.outcome == "not_met", not_met
