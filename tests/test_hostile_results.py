"""A saved result edited by hand is refused, with the first number that does not follow named, before
a report or a comparison prints it as an authority's scores (reliability review F9, F14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mipat.assessment.provenance import Clock
from mipat.assessment.results import CONTENT_HASH, content_hash
from mipat.assessment.results_files import parse_result
from mipat.assessment.scoring import build_scorer
from mipat.questionnaires.problems import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def saved() -> str:
    scorer = build_scorer()
    try:
        assessment = scorer.score_file(
            ROOT / "examples" / "national-origin-fr.yaml", Clock.fixed_or_now("2026-01-31"), trace=False
        )
    finally:
        scorer.close()
    return assessment.to_json()


def edited(text: str, change: Callable[[dict[str, Any]], None]) -> str:
    """The result changed as a forger would: the content hash recomputed, so only the checks of the
    numbers themselves can find the edit."""
    data = json.loads(text)
    change(data)
    data[CONTENT_HASH] = content_hash(data)
    return json.dumps(data)


def test_an_edit_that_keeps_the_old_content_hash_is_refused(saved: str) -> None:
    text = saved.replace('"overall_index":', '"overall_index":1', 1)  # 52.1 -> 152.1, say
    with pytest.raises(InputError) as caught:
        parse_result(text, "edited.json")
    assert caught.value.problems[0].path == CONTENT_HASH and "edited after mipat wrote it" in caught.value.message
    data = json.loads(saved)
    del data[CONTENT_HASH]
    with pytest.raises(InputError, match="has no content_sha256"):
        parse_result(json.dumps(data), "stripped.json")


def first_group(data: dict[str, Any]) -> dict[str, Any]:
    return data["packs"][0]["groups"][0]


FORGERIES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "overall 250": (lambda d: d.update(overall_index=250.0), "overall_index", "outside 0-100"),
    "overall -50": (lambda d: d.update(overall_index=-50.0), "overall_index", "outside 0-100"),
    "overall 99.9, band kept": (lambda d: d.update(overall_index=99.9), "overall_index", "own figures give"),
    "group score": (lambda d: first_group(d).update(score=99.9), "packs[0].groups[0].score", "own figures give"),
    "group band": (lambda d: first_group(d).update(band=4), "packs[0].groups[0].band", "is in band"),
    "pack index": (lambda d: d["packs"][1].update(index=12.0), "packs[1].index", "own figures give"),
    "language de": (lambda d: d.update(language="de"), "language", "'de'"),
    "credit 2": (lambda d: d["rules"][0].update(credit=2.0), "rules[0]", "between 0 and 1"),
    "unknown bands": (lambda d: d["packs"][0].update(bands="generous"), "packs[0].bands", "'generous'"),
    "date in words": (lambda d: d.update(assessment_date="31/01/2026"), "assessment_date", "YYYY-MM-DD"),
    "moment in words": (lambda d: d.update(generated_at="yesterday"), "generated_at", "ISO"),
    "pack twice": (lambda d: d["packs"].append(d["packs"][0]), "packs", "listed twice"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_hand_edited_result_is_refused_with_the_first_inconsistency(saved: str, name: str) -> None:
    change, path, words = FORGERIES[name]
    with pytest.raises(InputError) as caught:
        parse_result(edited(saved, change), "forged.json")
    (problem,) = caught.value.problems
    assert problem.path == path and words in problem.message, problem.message


def test_the_unedited_result_reads_back(saved: str) -> None:
    assert parse_result(saved, "r.json").overall_index is not None


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_non_finite_number_in_a_result_is_refused(saved: str, number: str) -> None:
    data = json.loads(saved)
    marker = 123456.789
    first_group(data)["score"] = marker
    text = json.dumps(data).replace(str(marker), number)
    with pytest.raises(InputError):
        parse_result(text, "inf.json")


def test_report_refuses_a_forged_result_and_a_tailoring_it_would_ignore(saved: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mipat.cli import main

    forged = tmp_path / "forged.json"
    forged.write_text(edited(saved, lambda d: d.update(overall_index=250.0)), encoding="utf-8")
    run = CliRunner().invoke(main, ["report", str(forged), "-o", str(tmp_path / "f.pdf")])
    assert run.exit_code == 1 and "outside 0-100" in run.output and not (tmp_path / "f.pdf").exists()
    genuine = tmp_path / "r.json"
    genuine.write_text(saved, encoding="utf-8")
    tailoring = ROOT / "tests" / "data" / "tailoring_city.yaml"
    run = CliRunner().invoke(
        main, ["report", str(genuine), "-o", str(tmp_path / "t.pdf"), "--tailoring", str(tailoring)]
    )
    assert run.exit_code == 2 and "--tailoring does not apply" in run.output
