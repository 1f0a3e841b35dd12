"""The questionnaire and validate commands, run through click against real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mipat.cli import main
from mipat.questionnaires.definition import default_questionnaire
from mipat.questionnaires.source_files import read_document
from mipat.questionnaires.validation import validate_file

DATA = Path(__file__).parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_show_prints_every_section_and_question_in_french(runner: CliRunner) -> None:
    result = runner.invoke(main, ["questionnaire", "show", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    q = default_questionnaire()
    for section in q.sections:
        assert section.title.fr.upper() in result.output
    for question in q.questions():
        assert f"\n{question.id} " in result.output
    assert "obligatoire" in result.output
    assert "Affichée uniquement si: RS.1 est l'un de regional, local" in result.output


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_template_is_a_valid_blank_draft_with_question_texts_as_comments(
    runner: CliRunner, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / f"response-{lang}.yaml"
    result = runner.invoke(main, ["questionnaire", "template", "--lang", lang, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    q = default_questionnaire()
    first = q.questions()[0]
    assert f"# {first.id} [" in text and first.text.get(lang) in text  # type: ignore[arg-type]
    document = read_document(out)
    assert set(document.data["answers"]) == {x.id for x in q.questions()}
    report = validate_file(out)
    assert report.ok, [p.describe() for p in report.problems]
    assert report.response is not None and report.response.language == lang


def test_filled_template_validates_and_uncommented_inventory_example_parses(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.yaml"
    runner.invoke(main, ["questionnaire", "template", "-o", str(out)])
    lines = out.read_text().splitlines()
    start = lines.index("inventory:")
    example = [line[1:] if line.startswith("#") else line for line in lines[start + 1 :]]
    filled = "\n".join([*lines[: start + 1], *example]).replace("  RS.1: null", "  RS.1: national")
    out.write_text(filled + "\n")
    # The example's partner is a placeholder to replace: left as it is, it is an error, not a partner named '...'.
    left = validate_file(out)
    assert [(p.code, p.path) for p in left.problems] == [("placeholder", "inventory[0].partners[0].name")]
    out.write_text(filled.replace("{name: ..., kind: state}", "{name: Royaume de Valdrie, kind: state}") + "\n")
    report = validate_file(out)
    assert report.ok, [p.describe() for p in report.problems]
    assert report.response is not None
    assert report.response.value("RS.1") == "national"
    assert report.response.inventory[0].id == "PS-01"


def test_template_never_overwrites_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my precious draft\n")
    result = runner.invoke(main, ["questionnaire", "template", "-o", str(out)])
    assert result.exit_code == 2
    assert "exists" in result.output
    assert out.read_text() == "my precious draft\n"
    result = runner.invoke(main, ["questionnaire", "template", "-o", str(out), "--force"])
    assert result.exit_code == 0
    assert out.read_text().startswith("# mipat response file")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"], "no temporary file is left behind"


def test_validate_exit_codes_valid_invalid_usage(runner: CliRunner) -> None:
    ok = runner.invoke(main, ["validate", str(DATA / "draft_minimal.yaml")])
    assert ok.exit_code == 0, ok.output
    assert "valid draft response" in ok.output
    files = [str(DATA / "draft_minimal.yaml"), str(DATA / "errors_each_kind.yaml")]
    bad = runner.invoke(main, ["validate", *files, "--lang", "en"])
    assert bad.exit_code == 1
    assert "errors_each_kind.yaml:14: error: question RS.99:" in bad.output
    own = runner.invoke(main, ["validate", *files])  # each response in its own language (the second says fr)
    assert own.exit_code == 1
    assert "errors_each_kind.yaml:14\u202f: erreur\u202f: question RS.99\u202f:" in own.output
    usage = runner.invoke(main, ["validate"])
    assert usage.exit_code == 2
    usage = runner.invoke(main, ["validate", "--bogus", "x.yaml"])
    assert usage.exit_code == 2


def test_validate_json_output_is_machine_readable(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["validate", "--json", str(DATA / "errors_each_kind.yaml"), str(DATA / "hidden_answer.yaml")]
    )
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["valid"] for r in reports] == [False, True]
    first_error = reports[0]["errors"][0]
    assert set(first_error) >= {"code", "message", "file", "line", "question", "expected"}
    assert reports[1]["warnings"][0]["code"] == "hidden-answered"


def test_validate_reports_an_unreadable_file_as_invalid_input(runner: CliRunner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\xff\xfe\x00binary")
    result = runner.invoke(main, ["validate", str(junk), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output or "NUL" in result.output
    assert "file not found" in result.output
