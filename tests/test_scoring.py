"""Scoring: outcomes, credit, weights, N/A handling, evidence caps, and the published result format."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from mipat.assessment.results import COUNTED, Assessment, assessment_json_schema
from mipat.assessment.results_files import parse_result
from mipat.assessment.scoring import Clock, Scorer
from mipat.questionnaires.responses import Response
from mipat.questionnaires.source_files import Document
from mipat.questionnaires.validation import validate_document
from mipat.rules.packs import bundled_packs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLOCK = Clock.fixed_or_now("2026-01-31T09:00:00Z")


@cache
def scorer() -> Scorer:
    return Scorer()


def draft(answers: dict[str, Any], inventory: list[dict[str, Any]] | None = None, status: str = "draft") -> Response:
    data = {
        "questionnaire": {"id": "mipat-partnerships", "version": "1.1.0"},
        "status": status,
        "respondent": {"organisation": "Ministry"},
        "answers": answers,
        "inventory": inventory or [],
    }
    report = validate_document(Document("t.yaml", data, {(): 1}))
    assert report.response is not None, [p.describe() for p in report.problems]
    return report.response


@cache
def example(name: str) -> Assessment:
    return scorer().score_file(EXAMPLES / name, CLOCK, display=f"examples/{name}")


def test_unanswered_question_never_counts_as_met() -> None:
    assessment = scorer().score(draft({"RS.1": "national"}), CLOCK)
    assert all(r.credit == 0 for r in assessment.rules)
    assert {r.outcome for r in assessment.rules} <= {"not_answered", "not_met", "not_applicable"}
    assert any(r.outcome == "not_answered" for r in assessment.rules)
    assert assessment.overall_index == 0


def test_a_draft_is_scored_but_marked_incomplete() -> None:
    assessment = scorer().score(draft({"RS.1": "national", "WOG.1": "yes"}), CLOCK)
    assert assessment.status == "draft" and not assessment.complete
    assert example("federal-destination-en.yaml").complete


def test_group_scores_are_weighted_credit_over_applicable_weight() -> None:
    assessment = example("national-origin-fr.yaml")
    for pack in assessment.packs:
        for group in pack.groups:
            members = [r for r in assessment.rules if r.pack_id == pack.id and r.group == group.id]
            counted = [r for r in members if r.outcome in COUNTED]
            weight = sum(r.weight for r in counted)
            expected = round(100 * sum(r.weight * r.credit for r in counted) / weight, 1) if weight else None
            assert group.score == expected, (pack.id, group.id)
            assert group.applicable_weight == weight
        scored = [g.score for g in pack.groups if g.score is not None]
        assert pack.index == (round(sum(scored) / len(scored), 1) if scored else None)
    overall = {p.pack.id for p in bundled_packs() if p.pack.overall}
    groups = [g.score for p in assessment.packs if p.id in overall for g in p.groups if g.score is not None]
    assert assessment.overall_index == round(sum(groups) / len(groups), 1)


def test_sdg_10_7_2_domain_score_is_the_official_share_of_five_subcategories() -> None:
    assessment = example("national-origin-fr.yaml")
    pack = next(p for p in assessment.packs if p.id == "sdg-10-7-2-domain-3")
    values = {r.group: r.credit for r in assessment.rules if r.pack_id == pack.id}
    assert len(values) == 5
    assert pack.index == round(sum(values.values()) / 5 * 100, 1)


def test_not_applicable_rules_leave_the_denominator() -> None:
    city = example("city-es.yaml")
    pack = next(p for p in city.packs if p.id == "sdg-10-7-2-domain-3")
    assert pack.index is None and pack.band is None
    assert all(r.outcome == "not_applicable" for r in city.rules if r.pack_id == pack.id)
    assert all(g.applicable_weight == 0 for g in pack.groups)
    state_only = [r for r in city.rules if r.rule_id in ("GCM-IC-02", "O23-E-01", "SDG-17.14-03")]
    assert state_only and all(r.outcome == "not_applicable" for r in state_only)


def test_unknown_applicability_does_not_remove_a_rule() -> None:
    # RS.1 unanswered: applies_if {RS.1 in [national, federal]} is unknown, so the rule still counts.
    assessment = scorer().score(draft({"WOG.1": "yes"}), CLOCK)
    rule = assessment.rule("SDG1072-PD3.1")
    assert rule is not None and rule.outcome != "not_applicable"


def test_evidence_requirement_caps_credit_without_checkable_evidence() -> None:
    bare = scorer().score(draft({"RS.1": "national", "CAP.6": "yes"}), CLOCK).rule("SDG-17.14-02")
    assert bare is not None
    assert (bare.outcome, bare.raw_credit, bare.credit, bare.evidence_capped) == ("partially_met", 1.0, 0.5, True)
    title_only = [{"title": "Decree 2020-12", "kind": "law"}]
    placeholder = scorer().score(draft({"CAP.6": {"value": "yes", "evidence": title_only}}), CLOCK)
    assert placeholder.rule("SDG-17.14-02").evidence_capped  # type: ignore[union-attr]
    checkable = [{"title": "Decree 2020-12", "kind": "law", "reference": "Official Journal No. 12"}]
    full = scorer().score(draft({"CAP.6": {"value": "yes", "evidence": checkable}}), CLOCK).rule("SDG-17.14-02")
    assert full is not None and (full.outcome, full.credit, full.evidence_capped) == ("met", 1.0, False)


def test_the_sdg_10_7_2_crosswalk_reads_no_evidence() -> None:
    rule = scorer().score(draft({"RS.1": "national", "WOG.1": "yes"}), CLOCK).rule("SDG1072-PD3.1")
    assert rule is not None and (rule.outcome, rule.credit, rule.evidence_capped) == ("met", 1.0, False)


def test_trace_names_the_answers_condition_and_weight() -> None:
    rule = example("national-origin-fr.yaml").rule("SDG1072-PD3.5")
    assert rule is not None
    assert rule.condition == "NSA.6 = yes and NSA.10 = yes"
    assert [a.question for a in rule.answers][:2] == ["NSA.6", "NSA.10"]
    assert rule.weight == rule.base_weight == 1
    assert rule.texts["recommendation"].fr


def test_gain_is_what_the_group_score_would_rise_by() -> None:
    assessment = example("national-origin-fr.yaml")
    for rule in assessment.rules:
        group = next(g for p in assessment.packs if p.id == rule.pack_id for g in p.groups if g.id == rule.group)
        if rule.outcome in COUNTED and group.applicable_weight:
            expected = 100 * rule.weight * (1 - rule.credit) / group.applicable_weight
            assert rule.gain_group == round(expected, 2)
        else:
            assert rule.gain_group == 0
    gains = [r.gain_overall for r in assessment.recommendations]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0


def test_same_input_gives_the_same_json_byte_for_byte() -> None:
    first = Scorer().score_file(EXAMPLES / "city-es.yaml", CLOCK, display="city-es.yaml").to_json()
    second = Scorer().score_file(EXAMPLES / "city-es.yaml", CLOCK, display="city-es.yaml").to_json()
    assert first == second
    assert '"generated_at":"2026-01-31T09:00:00Z"' in first


def test_result_json_round_trips_and_records_versions_and_hashes() -> None:
    assessment = example("federal-destination-en.yaml")
    again = parse_result(assessment.to_json())
    assert again == assessment
    import hashlib

    assert (
        assessment.input_sha256 == hashlib.sha256((EXAMPLES / "federal-destination-en.yaml").read_bytes()).hexdigest()
    )
    assert {p.id: p.sha256 for p in assessment.packs} == {p.pack.id: p.sha256 for p in bundled_packs()}
    assert assessment.tool_version and assessment.questionnaire.version == "1.1.0"


def test_published_json_schema_is_current() -> None:
    """Regenerate with: mipat schema > assessment/assessment.schema.json (and review the diff)."""
    published = (ROOT / "assessment" / "assessment.schema.json").read_text()
    assert published == assessment_json_schema()
    assert json.loads(published)["title"] == "Assessment"


def test_the_three_examples_have_clearly_different_profiles() -> None:
    names = ["national-origin-fr.yaml", "federal-destination-en.yaml", "city-es.yaml"]
    profiles = {n: {(g.id): g.score for p in example(n).packs for g in p.groups} for n in names}
    for a, b in [(0, 1), (0, 2), (1, 2)]:
        left, right = profiles[names[a]], profiles[names[b]]
        differing = [k for k in left if left[k] is not None and right[k] is not None and abs(left[k] - right[k]) >= 15]
        assert len(differing) >= 5, (names[a], names[b])
    origin, federal, city = (profiles[n] for n in names)
    assert federal["whole-of-government"] > city["whole-of-government"]  # its interministerial committee and data
    assert (
        city["23c"] > origin["23c"]
    )  # a city involves local authorities; the origin country's cities are only informed


@pytest.mark.parametrize("name", ["national-origin-fr.yaml", "federal-destination-en.yaml", "city-es.yaml"])
def test_every_score_stays_between_0_and_100(name: str) -> None:
    assessment = example(name)
    scores = [assessment.overall_index] + [p.index for p in assessment.packs]
    scores += [g.score for p in assessment.packs for g in p.groups]
    assert all(s is None or 0 <= s <= 100 for s in scores)
    assert all(0 <= r.credit <= 1 for r in assessment.rules)
