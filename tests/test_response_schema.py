"""The JSON Schema of response files (`mipat schema --response`): generated from the questionnaire,
it accepts what `mipat validate` accepts and refuses the common mistakes the same way. The validator
stays the authority; the last tests here record what only it can check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mipat.cli import main
from mipat.questionnaires.definition import Option, Question, default_questionnaire
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.response_schema import response_json_schema, response_schema
from mipat.questionnaires.source_files import Document, SourceFloat, read_document
from mipat.questionnaires.template import blank_response
from mipat.questionnaires.validation import validate_document, validate_file
from tests.response_strategies import response_data

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
QUESTIONNAIRE = default_questionnaire()
SCHEMA = response_schema(QUESTIONNAIRE)
VALIDATOR = Draft202012Validator(SCHEMA)


def schema_errors(data: Any, validator: Draft202012Validator = VALIDATOR) -> list[str]:
    return [f"{e.json_path}: {e.message[:160]}" for e in validator.iter_errors(data)]


def mipat_errors(data: Any) -> list[str]:
    report = validate_document(Document("r.json", data, {(): 1}))
    return [p.describe() for p in report.errors]


def draft(**answers: Any) -> dict[str, Any]:
    return {
        "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
        "status": "draft",
        "language": "en",
        "respondent": {"organisation": "Ministry of Labour of Veridia"},
        "answers": answers,
        "inventory": [{"id": "PS-01", "name": "Seasonal work agreement", "partners": [{"name": "N", "kind": "state"}]}],
    }


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_schema_is_a_draft_2020_12_schema_in_each_language(lang: str) -> None:
    schema = response_schema(QUESTIONNAIRE, lang)  # type: ignore[arg-type]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    first = QUESTIONNAIRE.questions()[0]
    assert schema["properties"]["answers"]["properties"][first.id]["title"] == first.text.get(lang)  # type: ignore[arg-type]


def test_the_same_definition_always_gives_the_same_bytes() -> None:
    assert response_json_schema(QUESTIONNAIRE, "fr") == response_json_schema(default_questionnaire(), "fr")


@pytest.mark.parametrize(
    "path",
    [*EXAMPLES, DATA / "draft_minimal.yaml", DATA / "draft_minimal.json", DATA / "yes_no_words.yaml"],
    ids=lambda p: p.name,
)
def test_the_examples_validate_against_the_schema_as_they_do_for_mipat(path: Path) -> None:
    assert validate_file(path).ok
    assert schema_errors(read_document(path).data) == []


def test_every_question_is_a_property_with_its_codes_and_their_labels() -> None:
    answers = SCHEMA["properties"]["answers"]
    assert answers["additionalProperties"] is False
    assert list(answers["properties"]) == [q.id for q in QUESTIONNAIRE.questions()]
    for question in QUESTIONNAIRE.questions():
        branches = SCHEMA["$defs"][question.id]["anyOf"]
        if question.type in ("yes_no", "single_choice"):
            assert branches[1]["enum"] == QUESTIONNAIRE.codes(question), question.id
            assert len(branches[1]["enumDescriptions"]) == len(branches[1]["enum"])
        elif question.type == "multiple_choice":
            items = branches[1]["items"]
            text_codes = items["anyOf"][0] if "anyOf" in items else items
            assert branches[1]["uniqueItems"] is True and text_codes["enum"] == QUESTIONNAIRE.codes(question)
    fields = SCHEMA["properties"]["inventory"]["items"]["properties"]
    assert set(fields) == {"id", "comment", "evidence"} | {f.id for f in QUESTIONNAIRE.inventory.fields}


def test_a_question_added_to_the_definition_appears_without_schema_code() -> None:
    text = Text(en="Which colour?", fr="Quelle couleur ?", es="¿Qué color?")
    colours = [Option(code=c, label=Text(en=c, fr=c, es=c)) for c in ("red", "blue")]
    added = Question(id="CAP.99", type="single_choice", text=text, options=colours)
    sections = [*QUESTIONNAIRE.sections[:-1]]
    last = QUESTIONNAIRE.sections[-1]
    sections.append(last.model_copy(update={"questions": [*last.questions, added]}))
    extended = QUESTIONNAIRE.model_copy(update={"sections": sections})
    schema = response_schema(extended, "fr")
    assert schema["properties"]["answers"]["properties"]["CAP.99"]["title"] == "Quelle couleur ?"
    validator = Draft202012Validator(schema)
    assert schema_errors(draft(**{"CAP.99": "blue"}), validator) == []
    assert schema_errors(draft(**{"CAP.99": "green"}), validator)
    assert schema_errors(draft(**{"CAP.99": "blue"})), "the bundled questionnaire has no CAP.99"


def test_the_blank_json_template_holds_the_yaml_templates_data_and_validates(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("blank.json", "blank.yaml"):
        result = runner.invoke(main, ["questionnaire", "template", "--lang", "es", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "blank.json").read_text())
    assert data == read_document(tmp_path / "blank.yaml").data
    assert "$schema" not in data  # mipat validate refuses unknown keys
    assert validate_file(tmp_path / "blank.json").ok
    assert schema_errors(data) == []


def test_the_yaml_template_names_a_schema_file_relative_to_itself(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "forms").mkdir()
    args = ["questionnaire", "template", "-o", str(tmp_path / "forms" / "r.yaml")]
    result = runner.invoke(main, [*args, "--schema", str(tmp_path / "r.schema.json")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "forms" / "r.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../r.schema.json\n# mipat response file")
    assert validate_file(tmp_path / "forms" / "r.yaml").ok
    result = runner.invoke(main, ["questionnaire", "template", "-o", str(tmp_path / "r.json"), "--schema", "s.json"])
    assert result.exit_code == 2 and "JSON template cannot carry one" in result.output
    assert not (tmp_path / "r.json").exists()


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = draft(**{"RS.1": "national", "RS.8": ["origin"]})
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


REFUSED = {
    "a code that is not an option": _with(("answers", "RS.1"), "planetary"),
    "a question the questionnaire does not have": _with(("answers", "RS.99"), "national"),
    "an unknown key in an answer entry": _with(("answers", "RS.1"), {"value": "national", "note": "x"}),
    "an unknown top-level key": _with(("$schema",), "r.schema.json"),
    "an exclusive code with another": _with(("answers", "FW.1"), ["none", "gcm_2018"]),
    "the same code twice": _with(("answers", "RS.8"), ["origin", "origin"]),
    "a year out of range": _with(("answers", "RS.5"), 1850),
    "a number as text": _with(("answers", "STA.1"), "12"),
    "a list for a single choice": _with(("answers", "RS.1"), ["national"]),
    "evidence with a bad date": _with(("answers", "WOG.13"), [{"title": "Decree", "date": "2021-13"}]),
    "an unknown evidence kind": _with(
        ("answers", "WOG.1"), {"value": "yes", "evidence": [{"title": "D", "kind": "x"}]}
    ),
    "an unknown partner kind": _with(("inventory", 0, "partners"), [{"name": "N", "kind": "alien"}]),
    "an unknown inventory field": _with(("inventory", 0, "budget"), 100),
    "an inventory item without id": _with(("inventory", 0), {"name": "Agreement"}),
    "an unknown respondent key": _with(("respondent", "phone"), "123"),
    "a version mipat does not know": _with(("questionnaire", "version"), "0.9.0"),
    "a final response without organisation": {**_with(("respondent", "organisation"), None), "status": "final"},
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_common_mistakes_are_refused_by_the_schema_and_by_mipat_alike(data: dict[str, Any]) -> None:
    assert schema_errors(data), "the schema accepts it"
    assert mipat_errors(data), "mipat validate accepts it"


def test_mipat_validate_refuses_on_the_command_line_what_the_schema_refuses(tmp_path: Path) -> None:
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(REFUSED["a code that is not an option"]))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "planetary" in result.output


ACCEPTED = {
    "codes written as numbers": _with(("inventory", 0, "gcm_objectives"), [3, 7, "16"]),
    "a decimal code written as a number": _with(("inventory", 0, "sdg_targets"), [SourceFloat("10.7"), "17.17"]),
    "a number in a text question": _with(("answers", "RS.2"), 2024),
    "an empty string as no answer yet": _with(("answers", "FW.2"), ""),
    "an entry with a comment and no value": _with(("answers", "FW.2"), {"comment": "Under discussion."}),
    "an entry with evidence": _with(
        ("answers", "FW.2"), {"value": "yes", "evidence": [{"title": "Vote", "kind": "decision", "date": "2018-12"}]}
    ),
    "an older version mipat reads unchanged": _with(("questionnaire", "version"), "1.0.0"),
    "no answers yet": _with(("answers",), None),
}


@pytest.mark.parametrize("data", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_mipat_accepts_the_schema_accepts(data: dict[str, Any]) -> None:
    assert mipat_errors(data) == []
    assert schema_errors(data) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=response_data(), final=st.booleans())
def test_a_response_mipat_finds_valid_is_valid_against_the_schema(data: dict[str, Any], final: bool) -> None:
    if final:
        data = {**data, "status": "final"}
    if not mipat_errors(data):
        assert schema_errors(data) == []


def test_a_final_response_must_answer_the_questions_always_asked() -> None:
    data = {**blank_response(QUESTIONNAIRE, "en"), "status": "final", "respondent": {"organisation": "Ministry"}}
    errors = schema_errors(data)
    assert any(e.startswith("$.answers['RS.1']") for e in errors)
    assert not any("RS.4" in e for e in errors), "RS.4 is asked only for regional and local authorities"
    assert mipat_errors(data)


def test_what_only_mipat_validate_checks() -> None:
    """The schema is a typing aid: these need the whole response or mipat's reading of numbers."""
    twice = _with(("inventory",), [{"id": "PS-01"}, {"id": "PS-01"}])
    assert schema_errors(twice) == [] and mipat_errors(twice)  # partnership ids are unique
    federal = read_document(ROOT / "examples" / "federal-destination-en.yaml").data
    assert federal["status"] == "final" and "RS.4" not in federal["answers"]
    regional = {**federal, "answers": {**federal["answers"], "RS.1": "regional"}}
    assert schema_errors(regional) == [] and any("RS.4" in e for e in mipat_errors(regional))  # skip logic
    assert schema_errors(_with(("answers", "STA.1"), 12.0)) == []  # JSON Schema: 12.0 is an integer
    assert mipat_errors(_with(("answers", "STA.1"), 12.0))  # mipat: a whole number is written 12


# --- `-o -` is standard output for every command that writes one file ---------------------------------

CITY = str(ROOT / "examples" / "city-es.yaml")
DATE = ["--fixed-date", "2026-01-31T00:00:00Z"]
TO_STDOUT = {
    "schema --response": (["schema", "--response", "--lang", "es", "-o", "-"], b'{\n  "$defs"'),
    "schema": (["schema", "-o", "-"], b'{\n  "$defs"'),
    "questionnaire template": (["questionnaire", "template", "-o", "-"], b"# mipat response file"),
    "score": (["score", CITY, "--format", "json", "-o", "-", *DATE], b"{"),
    "report": (["report", CITY, "-o", "-", *DATE], b"%PDF-"),
}


@pytest.mark.parametrize(("args", "start"), TO_STDOUT.values(), ids=TO_STDOUT.keys())
def test_dash_as_output_writes_to_standard_output_and_no_file(
    args: list[str], start: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a file named "-" would land here
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(start)
    assert list(tmp_path.iterdir()) == []


def test_the_response_schema_on_standard_output_is_the_one_written_to_a_file(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["schema", "--response", "--lang", "fr"])
    out = tmp_path / "r.schema.json"
    written = runner.invoke(main, ["schema", "--response", "--lang", "fr", "-o", str(out)])
    assert printed.exit_code == written.exit_code == 0
    assert printed.stdout == out.read_text() == response_json_schema(QUESTIONNAIRE, "fr")
    assert written.stdout == f"fichier écrit\u202f: {out}\n"
    again = runner.invoke(main, ["schema", "--response", "-o", str(out)])
    assert again.exit_code == 2 and out.read_text() == printed.stdout  # never replaced without --force


def test_lang_without_response_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["schema", "--lang", "fr"])
    assert result.exit_code == 2 and "--response" in result.output


def test_a_response_written_by_mipat_import_passes_the_schema(tmp_path):
    from mipat.questionnaires.forms.imported import ImportedForm
    from mipat.questionnaires.forms.importing import FormFile, imported_yaml
    from mipat.questionnaires.forms.response_data import response_data as canonical_data
    from mipat.questionnaires.validation import load_response

    questionnaire = default_questionnaire()
    original = load_response(EXAMPLES[0])
    form = ImportedForm(
        data=canonical_data(questionnaire, original),
        format="workbook",
        form_language="fr",
        places={("answers", "WOG.1"): "'3 WOG'!D14"},
    )
    written = tmp_path / "imported.yaml"
    written.write_text(imported_yaml(FormFile(name="form.xlsx", sha256="0" * 64, forms=[form]), form))
    Draft202012Validator(response_schema(questionnaire, "fr")).validate(read_document(written).data)
    assert load_response(written) == original
