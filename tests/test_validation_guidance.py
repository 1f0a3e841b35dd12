"""Validation that guides a person: each mistake is told where it was made, with the fix, in the respondent's language."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from mipat.cli import main
from mipat.questionnaires.problems import Problem
from mipat.questionnaires.validation import validate_file

HEAD = 'questionnaire: {id: mipat-partnerships, version: "1.1.0"}\nstatus: draft\nlanguage: fr\n'


def _write(tmp_path: Path, body: str, name: str = "r.yaml", head: str = HEAD) -> Path:
    path = tmp_path / name
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def _problems(path: Path) -> list[Problem]:
    return validate_file(path).problems


def _validate(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["validate", str(path), *args])
    assert result.exit_code == 1, result.output
    return result.output


# --- YAML syntax: the mistake's own line, a column and a hint -----------------------------------------


@pytest.mark.parametrize(
    ("body", "column", "hint"),
    [
        ("answers:\n  RS.1: national\n\tRS.2: Koranga\n  RS.3: Koranga\n", 1, "indent with spaces only"),
        ("answers:\n  RS.1: national\n  RS.2 Koranga\n  # a comment\n  RS.3: Koranga\n", 3, "write `RS.2: Koranga`"),
        ("answers:\n  RS.1: national\n  RS.8: [origin, transit\n  RS.3: Koranga\n", 9, "add the closing ]"),
        ('answers:\n  RS.1: national\n  RS.2: "Koranga\n  RS.3: Koranga\n', 9, 'add the closing "'),
        ("answers:\n  RS.1: national\n RS.2: Koranga\n  RS.3: Koranga\n", 2, "bad indentation"),
    ],
    ids=["tab", "missing-colon", "unclosed-bracket", "unclosed-quote", "bad-indentation"],
)
def test_a_yaml_syntax_mistake_is_reported_on_its_own_line_with_column_and_hint(
    tmp_path: Path, body: str, column: int, hint: str
) -> None:
    problem = _problems(_write(tmp_path, body))[0]
    assert problem.code == "yaml-syntax"
    assert problem.line == 6, problem.describe()  # the mistake is always on the file's sixth line
    assert f"column {column}:" in problem.message
    assert hint in problem.message


def test_a_yaml_syntax_hint_is_told_in_the_response_language(tmp_path: Path) -> None:
    output = _validate(_write(tmp_path, "answers:\n  RS.1: national\n\tRS.2: Koranga\n"), "--lang", "fr")
    assert "r.yaml:6\u202f: erreur\u202f: YAML non valide à la colonne 1\u202f: une tabulation" in output
