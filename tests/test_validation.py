"""Validating response files: every kind of mistake is reported at once, with file, line and question."""

from __future__ import annotations

from pathlib import Path

import pytest

from mipat.questionnaires.definition import default_questionnaire
from mipat.questionnaires.problems import InputError, Problem
from mipat.questionnaires.source_files import parse_yaml
from mipat.questionnaires.validation import load_response, validate_document, validate_file

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def _find(problems: list[Problem], code: str, question: str | None = None, line: int | None = None) -> Problem:
    for p in problems:
        if p.code == code and (question is None or p.question == question) and (line is None or p.line == line):
            return p
    listing = "\n".join(p.describe() for p in problems)
    raise AssertionError(f"no {code} problem for {question} at line {line} among:\n{listing}")


@pytest.fixture(scope="module")
def each_kind() -> list[Problem]:
    report = validate_file(DATA / "errors_each_kind.yaml")
    assert not report.ok and report.response is None
    return report.problems


def test_every_problem_names_the_file(each_kind: list[Problem]) -> None:
    assert all(p.file and p.file.endswith("errors_each_kind.yaml") for p in each_kind)


def test_wrong_type_is_located(each_kind: list[Problem]) -> None:
    p = _find(each_kind, "wrong-value", "RS.3", line=9)
    assert "not text" in p.message


def test_out_of_range_year_says_the_range(each_kind: list[Problem]) -> None:
    p = _find(each_kind, "out-of-range", "RS.5", line=10)
    assert p.expected == "from 1990 to 2035"


def test_choice_not_in_the_list_names_the_valid_codes(each_kind: list[Problem]) -> None:
    p = _find(each_kind, "invalid-choice", "RS.8", line=12)
    assert "'nowhere'" in p.message
    assert p.expected is not None and "destination" in p.expected


def test_exclusive_choice_cannot_be_combined(each_kind: list[Problem]) -> None:
    _find(each_kind, "exclusive-choice", "RS.9", line=13)


def test_unknown_question_id_suggests_the_closest(each_kind: list[Problem]) -> None:
    p = _find(each_kind, "unknown-question", "RS.99", line=14)
    assert p.expected is not None and "RS.9" in p.expected


def test_bad_evidence_items_are_reported_field_by_field(each_kind: list[Problem]) -> None:
    evidence = [p for p in each_kind if p.question == "RS.7" and p.line == 18]
    assert {p.path for p in evidence} == {"answers.RS.7.evidence[0].kind", "answers.RS.7.evidence[0].date"}


def test_inventory_problems_are_located_per_field(each_kind: list[Problem]) -> None:
    _find(each_kind, "invalid-choice", line=22)  # instrument: network
    _find(each_kind, "invalid-choice", line=24)  # partner kind: city
    _find(each_kind, "invalid-choice", line=25)  # formalised: maybe
    unknown = _find(each_kind, "unknown-field", line=26)
    assert "'colour'" in unknown.message
    _find(each_kind, "duplicate-id", line=27)


def test_final_response_must_answer_required_questions(each_kind: list[Problem]) -> None:
    # RS.4 is required and shown because RS.1 is `local`.
    _find(each_kind, "required-missing", "RS.4")
    missing_fields = [p for p in each_kind if p.code == "required-missing" and "inventory entry PS-01" in p.message]
    assert any("'status'" in p.message for p in missing_fields)


def test_a_draft_may_be_incomplete() -> None:
    report = validate_file(DATA / "draft_minimal.yaml")
    assert report.ok, [p.describe() for p in report.problems]
    assert report.response is not None and report.response.status == "draft"
    assert report.response.value("RS.8") == ["origin", "transit"]


def test_yaml_and_json_give_the_same_validated_response() -> None:
    from_yaml = load_response(DATA / "draft_minimal.yaml")
    from_json = load_response(DATA / "draft_minimal.json")
    assert from_yaml == from_json
    assert from_yaml.model_dump_json() == from_json.model_dump_json()


def test_json_problems_carry_lines_too(tmp_path: Path) -> None:
    text = (DATA / "draft_minimal.json").read_text().replace('"RS.5": 2022', '"RS.5": 1850')
    path = tmp_path / "r.json"
    path.write_text(text)
    problem = _find(validate_file(path).problems, "out-of-range", "RS.5")
    assert problem.line == text.splitlines().index('    "RS.5": 1850,') + 1


def test_answer_to_a_question_hidden_by_skip_logic_is_a_warning_and_ignored() -> None:
    report = validate_file(DATA / "hidden_answer.yaml")
    assert report.ok
    warning = _find(report.warnings, "hidden-answered", "RS.4", line=6)
    assert warning.severity == "warning"
    assert report.response is not None and "RS.4" not in report.response.answers


def test_skip_logic_shows_the_follow_up_when_its_condition_holds(tmp_path: Path) -> None:
    path = tmp_path / "city.yaml"
    path.write_text((DATA / "hidden_answer.yaml").read_text().replace("RS.1: national", "RS.1: local"))
    report = validate_file(path)
    assert report.ok and not report.warnings
    assert report.response is not None and report.response.value("RS.4") == "Veridia, Northern Region"


def test_response_for_another_questionnaire_version_is_a_clear_error() -> None:
    report = validate_file(DATA / "old_version.yaml")
    p = _find(report.problems, "version-mismatch", line=1)
    assert "0.9.0" in p.message and default_questionnaire().version in p.message
    assert len(report.errors) == 1  # answers are not checked against the wrong questions


def test_unknown_questionnaire_is_named() -> None:
    doc = parse_yaml("questionnaire: {id: other-survey, version: 1.0.0}\nstatus: draft\n", "x.yaml")
    report = validate_document(doc)
    p = _find(report.problems, "unknown-questionnaire", line=1)
    assert "mipat-partnerships" in (p.expected or "")


def test_yes_no_and_country_code_no_are_read_as_text() -> None:
    report = validate_file(DATA / "yes_no_words.yaml")
    assert report.ok, [p.describe() for p in report.problems]
    response = report.response
    assert response is not None
    assert response.respondent.organisation == "NO"
    assert response.value("RS.3") == "NO"
    assert response.inventory[0].get("formalised") == "yes"
    assert response.inventory[0].get("funded") == "no"


def test_final_response_must_name_the_organisation(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("questionnaire: {id: mipat-partnerships, version: 1.1.0}\nstatus: final\nanswers: {}\n")
    p = _find(validate_file(path).problems, "required-missing")
    assert p is not None
    assert any("organisation" in x.message for x in validate_file(path).problems)


def test_top_level_schema_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "questionnaire: {id: mipat-partnerships, version: 1.1.0}\nstatus: finished\nlanguage: de\nextra: 1\n"
    )
    problems = validate_file(path).problems
    assert _find(problems, "schema", line=2).path == "status"
    assert _find(problems, "schema", line=3).path == "language"
    assert "unknown key 'extra'" in _find(problems, "schema", line=4).message


def test_load_response_raises_with_every_error() -> None:
    with pytest.raises(InputError) as info:
        load_response(DATA / "errors_each_kind.yaml")
    assert len(info.value.problems) >= 10


def test_a_response_made_for_1_0_0_is_read_as_1_1_0_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "cycle-2024.yaml"
    path.write_text(
        (ROOT / "examples" / "city-es.yaml")
        .read_text(encoding="utf-8")
        .replace('version: "1.1.0"', 'version: "1.0.0"')
        .replace("marrakech_mayors_declaration, ", ""),
        encoding="utf-8",
    )
    before = path.read_bytes()
    report = validate_file(path)
    assert report.ok and report.response is not None
    assert report.response.questionnaire.version == "1.1.0"
    upgraded = [p for p in report.warnings if p.code == "response-upgraded"]
    assert len(upgraded) == 1 and "1.0.0" in upgraded[0].message and "LOC.4" in upgraded[0].message
    assert path.read_bytes() == before  # the ministry's file is never rewritten


def test_a_saved_result_given_as_a_response_is_named_as_such() -> None:
    report = validate_file(DATA / "result_schema_2_0.json")
    assert [p.code for p in report.errors] == ["not-a-response"]
    assert "saved result" in report.errors[0].message


@pytest.mark.parametrize(
    ("path", "named", "option"),
    [
        (DATA / "custom_pack.yaml", "a rule pack", "--pack"),
        (DATA / "custom_pack_bad.yaml", "a rule pack", "--pack"),
        (DATA / "tailoring_city.yaml", "a tailoring file", "--tailoring"),
        (DATA / "tailoring_bad.yaml", "a tailoring file", "--tailoring"),
        (
            ROOT / "questionnaires" / "data" / "partnerships" / "questionnaire.yaml",
            "questionnaire definition",
            "template",
        ),
        (ROOT / "questionnaires" / "data" / "partnerships" / "states.yaml", "questionnaire definition", "template"),
    ],
)
def test_another_mipat_file_given_as_a_response_is_named_in_one_error(path: Path, named: str, option: str) -> None:
    """Not a list of missing and unknown keys: the file is what it is, and the error says where it goes."""
    report = validate_file(path)
    assert [p.code for p in report.errors] == ["not-a-response"]
    assert named in report.errors[0].message and option in (report.errors[0].expected or "")


@pytest.mark.parametrize(
    ("end", "entry", "refused"),
    [("2019", "{end}", True), ("2022", "{end}", False), ("2024", "{end}", False), ("2019", "{{value: {end}}}", True)],
)
def test_a_period_that_ends_before_it_starts_is_refused_at_its_last_year(
    tmp_path: Path, end: str, entry: str, refused: bool
) -> None:
    """Reports print the period as `start–end`: `2022–2019` must not reach a minister."""
    text = (ROOT / "examples" / "national-origin-fr.yaml").read_text(encoding="utf-8")
    path = tmp_path / "response.yaml"
    path.write_text(text.replace("  RS.6: 2024\n", f"  RS.6: {entry.format(end=end)}\n"), encoding="utf-8")
    report = validate_file(path)
    reversed_period = [p for p in report.errors if p.question == "RS.6"]
    if not refused:
        assert report.ok
        return
    assert [p.code for p in reversed_period] == ["wrong-value"] and len(report.errors) == 1
    problem = reversed_period[0]
    assert problem.line == 26 and "2019" in problem.message and "RS.5" in problem.message and "2022" in problem.message
