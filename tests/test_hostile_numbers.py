"""Numbers are read the YAML 1.2 way: a value written `023`, `1:30` or `0x1F` never becomes another
number (reliability review F2), and `.inf` or `1e309` never becomes infinity."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mipat.assessment.provenance import Clock
from mipat.assessment.scoring import build_scorer
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import parse_json, parse_yaml
from mipat.questionnaires.validation import validate_document

ROOT = Path(__file__).resolve().parents[1]
FRENCH = (ROOT / "examples" / "national-origin-fr.yaml").read_text(encoding="utf-8")
CLOCK = Clock.fixed_or_now("2026-01-31T09:00:00Z")


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("023", "023"),  # YAML 1.1: octal 19
        ("016", "016"),  # YAML 1.1: 14
        ("1:30", "1:30"),  # YAML 1.1: sexagesimal 90
        ("0x1F", "0x1F"),  # YAML 1.1: 31
        ("0o17", "0o17"),
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("23", 23),
        ("-5", -5),
        ("0", 0),
    ],
)
def test_only_plain_decimal_integers_are_numbers(written: str, read: object) -> None:
    value = parse_yaml(f"a: {written}\n", "n.yaml").data["a"]
    assert value == read and type(value) is type(read)


@pytest.mark.parametrize("written", [".inf", "-.Inf", ".nan", "1e309", "!!int 023", "!!float 1:30"])
def test_a_number_that_is_no_finite_decimal_is_a_located_error(written: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml(f"x: 1\na: {written}\n", "n.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 2 and problem.code == "yaml-value" and written.split()[-1] in problem.message


def test_a_json_number_too_large_for_a_float_is_refused() -> None:
    with pytest.raises(InputError, match="1e309"):
        parse_json('{"a": 1e309}', "n.json")


def test_a_float_keeps_the_text_it_was_written_as() -> None:
    value = parse_yaml("a: 17.10\n", "n.yaml").data["a"]
    assert value == 17.1 and value.text == "17.10"
    assert json.loads(json.dumps(value)) == 17.1  # still a plain number in results


def objectives_without(text: str, dropped: set[str]) -> str:
    """The French example with some objectives left out of every partnership (review R-F2)."""

    def keep(match: re.Match[str]) -> str:
        kept = [x.strip() for x in match.group(1).split(",") if x.strip() not in dropped] or ["5"]
        return "gcm_objectives: [" + ", ".join(kept) + "]"

    return re.sub(r"gcm_objectives: \[([^\]]*)\]", keep, text)


def test_objective_023_is_refused_with_the_fix_never_scored_as_objective_19() -> None:
    plain = objectives_without(FRENCH, {"2", "18", "19", "20", "22"})
    zero = plain.replace(" 23]", " 023]").replace(" 23,", " 023,")
    assert zero != plain
    report = validate_document(parse_yaml(zero, "zero.yaml"))
    assert report.response is None
    wrong = [p for p in report.errors if "023" in p.message]
    assert wrong and all("write 23" in p.message for p in wrong)
    assert all(p.code == "invalid-choice" for p in report.errors)  # and nothing else, such as "missing"


def test_a_count_written_with_a_leading_zero_is_one_error_with_the_fix() -> None:
    text = FRENCH.replace("  STA.1:\n    value: 14\n", "  STA.1:\n    value: 016\n")
    assert text != FRENCH
    report = validate_document(parse_yaml(text, "o.yaml"))
    (problem,) = report.errors
    assert problem.question == "STA.1" and "write 16" in problem.message


def test_unquoted_targets_read_as_their_codes_and_score_as_quoted_ones() -> None:
    quoted = FRENCH
    unquoted = re.sub(r'"(\d+\.\d+)"', r"\1", FRENCH.split("inventory:")[1])
    unquoted = FRENCH.split("inventory:")[0] + "inventory:" + unquoted
    unquoted = unquoted.replace("sdg_targets: [10.7, 8.8, 17.16]", "sdg_targets: [10.7, 8.8, 17.16, 17.10]")
    quoted = quoted.replace('sdg_targets: ["10.7", "8.8", "17.16"]', 'sdg_targets: ["10.7", "8.8", "17.16", "17.10"]')
    assert "17.10]" in unquoted and '"17.10"' in quoted
    scorer = build_scorer()
    try:
        results = []
        for name, text in (("quoted.yaml", quoted), ("unquoted.yaml", unquoted)):
            report = validate_document(parse_yaml(text, name))
            assert report.ok, [p.describe() for p in report.problems]
            assert report.response is not None
            results.append(scorer.score(report.response, CLOCK))
    finally:
        scorer.close()
    first, second = results
    assert [(r.rule_id, r.outcome, r.credit) for r in first.rules] == [
        (r.rule_id, r.outcome, r.credit) for r in second.rules
    ]
    assert first.overall_index == second.overall_index
