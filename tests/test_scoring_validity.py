"""Scores an expert would sign: properties of the bundled packs' judgements over generated responses.

Beside the mechanical invariants (tests/test_scoring_properties.py), these check what the packs
reward: quality and safeguards rather than counts, monitoring that matters, drafts that are not
judged on what they have not answered yet, and findings that say what the outcome is.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mipat.assessment.results import Assessment
from mipat.assessment.scoring import Clock, Scorer
from mipat.questionnaires.conditions import answer_tests
from mipat.questionnaires.source_files import read_document
from mipat.reports.findings import finding
from mipat.rules.packs import Pack, bundled_packs
from tests.response_strategies import QUESTIONNAIRE, partnerships, response_data, to_response
from tests.test_scoring_properties import all_scores

CLOCK = Clock.fixed_or_now("2026-01-31T09:00:00Z")
EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
PRINCIPLES = "gcm-guiding-principles"
STATE_LEVELS = ["bilateral", "regional", "inter_regional", "global"]
RETURN_SAFEGUARDS = [c for c in QUESTIONNAIRE.codes(QUESTIONNAIRE.question("STA.7")) if c != "none"]  # type: ignore[arg-type]
INVENTORY_SAFEGUARDS = QUESTIONNAIRE.codes(next(f for f in QUESTIONNAIRE.inventory.fields if f.id == "safeguards"))


@cache
def scorer() -> Scorer:
    return Scorer()


def score(data: dict[str, Any]) -> Assessment:
    return scorer().score(to_response(data), CLOCK)


def group_score(assessment: Assessment, pack_id: str, group_id: str) -> float | None:
    pack = next(p for p in assessment.packs if p.id == pack_id)
    return next((g.score for g in pack.groups if g.id == group_id), None)


def never_lower(before: Assessment, after: Assessment, why: str) -> None:
    was, now = all_scores(before), all_scores(after)
    for key, value in was.items():
        if value is not None and now[key] is not None:
            assert now[key] >= value, (why, key, value, now[key])


def national(data: dict[str, Any]) -> dict[str, Any]:
    """A national government's response: State matters apply, so the packs judge them."""
    data = copy.deepcopy(data)
    data["answers"]["RS.1"] = "national"
    return data


def example_data(path: Path) -> dict[str, Any]:
    return copy.deepcopy(read_document(path).data)


@SETTINGS
@given(response_data(), st.data())
def test_an_active_formalised_monitored_state_partnership_never_lowers_international_cooperation(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    data = national(data)
    before = score(data)
    entry = draw.draw(partnerships(len(data["inventory"]) + 1))
    entry.update(
        level=draw.draw(st.sampled_from(STATE_LEVELS)),
        status="active",
        formalised="yes",
        monitored="yes",
        partners=[
            {"name": "Ministry of Labour of Norland", "kind": draw.draw(st.sampled_from(["state", "interstate_forum"]))}
        ],
    )
    data["inventory"].append(entry)
    after = score(data)
    was, now = (group_score(a, PRINCIPLES, "international-cooperation") for a in (before, after))
    if was is not None and now is not None:
        assert now >= was, (was, now, entry)


@SETTINGS
@given(response_data(), st.data())
def test_adding_a_return_safeguard_never_lowers_any_score(data: dict[str, Any], draw: st.DataObject) -> None:
    data = national(data)
    data["answers"]["STA.6"] = draw.draw(st.sampled_from(["yes", "partial"]))
    have = draw.draw(st.lists(st.sampled_from(RETURN_SAFEGUARDS), unique=True, max_size=len(RETURN_SAFEGUARDS) - 1))
    extra = draw.draw(st.sampled_from([c for c in RETURN_SAFEGUARDS if c not in have]))
    data["answers"]["STA.7"] = have or ["none"]
    before = score(data)
    data["answers"]["STA.7"] = [*have, extra]
    never_lower(before, score(data), f"STA.7 + {extra}")


@SETTINGS
@given(response_data(), st.data())
def test_adding_a_safeguard_to_a_partnership_never_lowers_any_score(data: dict[str, Any], draw: st.DataObject) -> None:
    if not data["inventory"]:
        data["inventory"].append(draw.draw(partnerships(1)))
    entry = draw.draw(st.sampled_from(data["inventory"]))
    have = list(entry.get("safeguards") or [])
    missing = [c for c in INVENTORY_SAFEGUARDS if c not in have]
    if not missing:
        return
    before = score(data)
    entry["safeguards"] = [*have, draw.draw(st.sampled_from(missing))]
    never_lower(before, score(data), f"{entry['id']} safeguards {entry['safeguards']}")


@SETTINGS
@given(response_data())
def test_a_return_agreement_without_safeguards_never_raises_the_overall_index(data: dict[str, Any]) -> None:
    data = national(data)
    data["answers"]["STA.6"] = "no"
    data["answers"].pop("STA.7", None)
    without = score(data)
    data["answers"]["STA.6"] = "yes"
    data["answers"]["STA.7"] = ["none"]
    unsafeguarded = score(data)
    if without.overall_index is not None and unsafeguarded.overall_index is not None:
        assert unsafeguarded.overall_index <= without.overall_index


# The answers that record follow-up and resources, as the principles pack's header lists them.
MONITORING = ("monitored", ("WOG.5", "STA.4", "SAF.7", "DAT.4", "DAT.8", "FW.7"))
FUNDING = ("funded", ("CAP.2", "CAP.3", "WOG.12"))


def without(data: dict[str, Any], traces: tuple[str, tuple[str, ...]]) -> dict[str, Any]:
    """Every trace of one kind of follow-through set to "no", in the inventory and in the answers."""
    field, questions = traces
    data = copy.deepcopy(data)
    for entry in data.get("inventory") or []:
        entry[field] = "no"
    for qid in questions:
        entry = data["answers"].get(qid)
        if entry is not None:
            data["answers"][qid] = {**entry, "value": "no"} if isinstance(entry, dict) else "no"
    return data


def principles_index(assessment: Assessment) -> float:
    index = next(p.index for p in assessment.packs if p.id == PRINCIPLES)
    assert index is not None
    return index


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_removing_all_monitoring_lowers_the_principles_index_by_at_least_5_points(path: Path) -> None:
    data = example_data(path)
    before, after = principles_index(score(data)), principles_index(score(without(data, MONITORING)))
    assert before - after >= 5, (before, after)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_removing_all_dedicated_funding_lowers_the_principles_index(path: Path) -> None:
    data = example_data(path)
    before, after = principles_index(score(data)), principles_index(score(without(data, FUNDING)))
    assert before > after, (before, after)


def gate_questions() -> dict[str, set[str]]:
    """For each question with skip logic, the questions its `show_if` reads."""
    return {q.id: {t.question for t in answer_tests(q.show_if)} for q in QUESTIONNAIRE.questions() if q.show_if}


@SETTINGS
@given(response_data(answered_share=0.4))
def test_an_unanswered_gate_never_yields_not_met(data: dict[str, Any]) -> None:
    assessment = score(data)
    answered = {qid for qid, a in assessment.response.answers.items() if a.answered}
    gates = gate_questions()
    for rule in assessment.rules:
        read = [a.question for a in rule.answers if a.question in _scored_questions(rule.rule_id)]
        if not read or any(q in answered for q in read):
            continue
        behind_open_gate = [q for q in read if gates.get(q) and not gates[q] & answered]
        if len(behind_open_gate) == len(read):
            assert rule.outcome != "not_met", (rule.rule_id, read)


@cache
def _scored_questions(rule_id: str) -> frozenset[str]:
    rule = next(r for p in bundled_packs() for r in p.pack.rules if r.id == rule_id)
    from mipat.rules.conditions import questions_read

    conditions = [rule.when] + ([rule.partial_when] if rule.partial_when is not None else [])
    return frozenset(q for c in conditions for q in questions_read(c))


@SETTINGS
@given(response_data(answered_share=0.8), st.sampled_from(["en", "fr", "es"]))
def test_no_finding_contradicts_its_outcome(data: dict[str, Any], lang: str) -> None:
    for rule in score(data).rules:
        text = finding(rule, lang)  # type: ignore[arg-type]
        texts = {k: v.get(lang) for k, v in rule.texts.items()}  # type: ignore[arg-type]
        if rule.outcome == "met":
            assert text == texts["met"], rule.rule_id
        elif rule.evidence_capped:
            assert text not in (texts["met"], texts["not_met"], texts.get("partial")), rule.rule_id
        elif rule.outcome == "partially_met":
            assert text == texts["partial"] and text != texts["not_met"], rule.rule_id
        elif rule.outcome == "not_met":
            assert text == texts["not_met"], rule.rule_id
        else:
            assert text not in texts.values(), rule.rule_id


def test_every_partial_condition_has_its_own_finding() -> None:
    for loaded in bundled_packs():
        for rule in loaded.pack.rules:
            if rule.partial_when is not None:
                assert rule.texts.partial is not None, rule.id


def test_a_pack_with_partial_credit_but_no_partial_finding_is_refused() -> None:
    pack = next(p for p in bundled_packs() if p.pack.id == PRINCIPLES).pack
    data = pack.model_dump(mode="json", by_alias=True, exclude_none=True)
    rule = next(r for r in data["rules"] if "partial_when" in r)
    del rule["texts"]["partial"]
    with pytest.raises(ValueError, match=r"texts\.partial"):
        Pack.model_validate(data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_overall_index_weighs_every_scored_group_equally_and_leaves_out_the_10_7_2_crosswalk(path: Path) -> None:
    assessment = score(example_data(path))
    overall = {p.pack.id for p in bundled_packs() if p.pack.overall}
    assert "sdg-10-7-2-domain-3" not in overall
    groups = [g.score for p in assessment.packs if p.id in overall for g in p.groups if g.score is not None]
    assert assessment.overall_index == round(sum(groups) / len(groups), 1)
    assert all(r.gain_overall == 0 for r in assessment.rules if r.pack_id not in overall)


def test_the_10_7_2_crosswalk_has_no_evidence_cap_and_keeps_its_own_categories() -> None:
    crosswalk = next(p.pack for p in bundled_packs() if p.pack.id == "sdg-10-7-2-domain-3")
    assert crosswalk.bands == "sdg-10-7-2" and not crosswalk.overall
    assert all(rule.evidence is None for rule in crosswalk.rules)
    assert all(p.pack.bands == "mipat-development" for p in bundled_packs() if p.pack.overall)


def test_an_empty_draft_states_no_finding() -> None:
    data = {
        "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
        "status": "draft",
        "respondent": {"organisation": "Ministry"},
        "answers": {},
        "inventory": [],
    }
    outcomes = {r.outcome for r in score(data).rules}
    assert outcomes <= {"not_answered", "not_applicable"}, outcomes


def _strip_checkable(value: Any) -> Any:
    """The same evidence with only a title and a kind: a placeholder nobody could check."""
    if isinstance(value, dict):
        if "title" in value:
            return {"title": value["title"], "kind": value.get("kind", "other")}
        return {k: _strip_checkable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_checkable(v) for v in value]
    return value


def test_a_placeholder_evidence_item_does_not_lift_a_cap() -> None:
    from tests.test_rule_cases import _cases, case_response

    capped_rules = [(p.pack.id, r) for p in bundled_packs() for r in p.pack.rules if r.evidence is not None]
    assert capped_rules
    for pack_id, rule in capped_rules:
        case = _cases(pack_id)[rule.id]["met"]
        met = scorer().score(case_response(case), CLOCK).rule(rule.id)
        assert met is not None and met.outcome == "met" and not met.evidence_capped, rule.id
        placeholder = _strip_checkable(case)
        data = {
            "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
            "status": "draft",
            "respondent": {"organisation": "Test authority"},
            "answers": {"RS.1": "national", **placeholder.get("answers", {})},
            "inventory": placeholder.get("inventory") or [],
        }
        from mipat.questionnaires.source_files import Document
        from mipat.questionnaires.validation import validate_document

        report = validate_document(Document("placeholder.yaml", data, {(): 1}))
        assert any(p.code == "evidence-uncheckable" for p in report.warnings), rule.id
        result = scorer().score(to_response(data), CLOCK).rule(rule.id)
        assert result is not None and result.evidence_capped and result.credit <= rule.evidence.cap, rule.id


def test_a_users_pack_written_before_partial_findings_still_loads_and_never_prints_its_not_met_text() -> None:
    from mipat.reports.strings import word
    from mipat.rules.packs import load_pack

    legacy = load_pack(Path(__file__).parent / "data" / "custom_pack.yaml")
    assert legacy.pack.questionnaire.version == "1.0.0"
    data = {
        "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
        "status": "draft",
        "respondent": {"organisation": "City"},
        "answers": {"RS.1": "local", "NSA.1": "consulted"},
        "inventory": [],
    }
    rule = Scorer([legacy]).score(to_response(data), CLOCK).rule("CITY-WOS-01")
    assert rule is not None and rule.outcome == "partially_met"
    assert finding(rule, "en") == word("finding_partial_generic", "en") != rule.texts["not_met"].en
