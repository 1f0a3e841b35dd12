"""Validation that guides a person: each mistake is told where it was made, with the fix, in the respondent's language."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from mipat.cli import main
from mipat.questionnaires.problems import Problem
from mipat.questionnaires.validation import load_response, validate_file

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
    output = _validate(_write(tmp_path, "answers:\n  RS.1: national\n\tRS.2: Koranga\n"))  # language: fr, no --lang
    assert "r.yaml:6\u202f: erreur\u202f: YAML non valide à la colonne 1\u202f: une tabulation" in output
    spanish = _write(tmp_path, "answers:\n  RS.1: national\n  RS.2 Koranga\n", head=HEAD.replace("fr", "es"))
    assert "falta el signo de dos puntos después de la clave de esta línea; escriba `RS.2: Koranga`" in _validate(
        spanish
    )


# --- Codes YAML reads as numbers ------------------------------------------------------------------------


def test_an_unquoted_code_that_is_no_code_is_shown_as_written_with_the_quoted_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, "inventory:\n  - id: PS-01\n    sdg_targets: [17.10, 10.70]\n")
    (problem,) = [p for p in _problems(path) if p.code == "invalid-choice"]
    assert problem.message == "10.70 is not one of the choices; did you mean '10.7'? Write a code in quotes: '10.7'"
    assert "10.7 is not" not in problem.message


def test_an_unquoted_number_never_contradicts_the_list_of_choices(tmp_path: Path) -> None:
    path = _write(tmp_path, "inventory:\n  - id: PS-01\n    sdg_targets: [17.100]\n")
    (problem,) = [p for p in _problems(path) if p.code == "invalid-choice"]
    assert problem.message == "17.100 is not one of the choices; did you mean '17.1'? Write a code in quotes: '17.1'"


# --- Did you mean: codes, labels in the respondent's language -----------------------------------------


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("FW.2: oui", "write the code `yes` (the label 'Oui')"),
        ("FW.2: Partiellement", "write the code `partial` (the label 'Partiellement')"),
        ("FW.2: sí", "write the code `yes` (the label 'Sí')"),
        ("FW.2: YES", "did you mean `yes`?"),
        ("RS.8: [origine, transit]", "did you mean `origin`?"),
        ("RS.1: Nationale", "did you mean `national`?"),
    ],
)
def test_a_word_in_any_language_suggests_the_code(tmp_path: Path, answer: str, hint: str) -> None:
    (problem,) = _problems(_write(tmp_path, f"answers:\n  {answer}\n"))
    assert problem.code == "invalid-choice"
    assert problem.message.endswith(hint), problem.message


def test_the_code_hint_is_told_in_french(tmp_path: Path) -> None:
    output = _validate(_write(tmp_path, "answers:\n  FW.2: oui\n  RS.8: [origine]\n"))
    assert "écrivez le code `yes` (le libellé 'Oui')" in output
    assert "vouliez-vous dire `origin`\u202f?" in output


def test_a_word_far_from_every_code_gets_no_guess(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, "answers:\n  FW.2: peut-être\n"))
    assert problem.message == "'peut-être' is not one of the choices"


def test_a_partner_kind_close_to_a_code_is_suggested(tmp_path: Path) -> None:
    path = _write(tmp_path, "inventory:\n  - id: PS-01\n    partners: [{name: Syndicat, kind: trade_union}]\n")
    (problem,) = _problems(path)
    assert "`trade_unions`" in problem.message


# --- Evidence kinds and gate questions ----------------------------------------------------------------

WRONG_EVIDENCE = """\
answers:
  WOG.1:
    value: partial
    evidence:
      - {title: Décret 2021-114, kind: decree, reference: JO 12}
  WOG.3: [interior]
"""


def test_a_wrong_evidence_kind_names_the_value_and_the_field(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, WRONG_EVIDENCE))
    assert problem.question == "WOG.1" and problem.line == 8
    assert problem.message == "evidence[0].kind: 'decree' is not an evidence kind"
    assert problem.expected is not None and problem.expected.startswith("one of law, policy, agreement")


def test_a_near_miss_evidence_kind_is_suggested(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, WRONG_EVIDENCE.replace("decree", "Polcy")))
    assert problem.message.endswith("is not an evidence kind; did you mean `policy`?")


def test_a_wrong_gate_answer_does_not_also_hide_the_questions_it_gates(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, WRONG_EVIDENCE))
    assert [p.code for p in problems] == ["schema"]
    problems = _problems(_write(tmp_path, "answers:\n  WOG.1: oui\n  WOG.3: [interior]\n  WOG.4: yearly\n"))
    assert [(p.code, p.question) for p in problems] == [("invalid-choice", "WOG.1")]


def test_a_valid_gate_answer_still_warns_about_hidden_answers(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, "answers:\n  WOG.1: no\n  WOG.3: [interior]\n"))
    assert [(p.code, p.question) for p in problems] == [("hidden-answered", "WOG.3")]


# --- Where and in which order -------------------------------------------------------------------------


def test_a_required_question_written_empty_is_reported_on_its_own_line(tmp_path: Path) -> None:
    head = HEAD.replace("status: draft", "status: final")
    path = _write(tmp_path, "answers:\n  RS.1: national\n  WOG.1: null\n  CAP.1:\n", head=head)
    problems = _problems(path)
    assert next(p for p in problems if p.question == "WOG.1").line == 6
    assert next(p for p in problems if p.question == "CAP.1").line == 7
    assert next(p for p in problems if p.question == "RS.2").line == 4  # not written at all: the answers line


def test_problems_are_listed_in_questionnaire_order(tmp_path: Path) -> None:
    head = 'questionnaire: {id: mipat-partnerships, version: "1.1.0"}\nstatus: final\n'
    body = """\
    answers:
      CAP.1: [nothing]
      WGO.2: yes
      WOG.4: sometimes
      FW.2: oui
    inventory:
      - {id: PS-01, name: x, sdg_targets: [99.9], start_year: 1500}
    language: xx
    """
    problems = [p for p in _problems(_write(tmp_path, body, head=head)) if p.code != "required-missing"]
    assert [p.path if (p.path or "").startswith("inventory") else p.question or p.path for p in problems] == [
        "language",
        "FW.2",
        "WOG.4",
        "CAP.1",
        "WGO.2",  # unknown: right after the answer written before it
        "inventory[0].start_year",
        "inventory[0].sdg_targets[0]",
    ]
    required = [p.question for p in _problems(_write(tmp_path, body, head=head)) if p.code == "required-missing"]
    assert required.index("RS.2") < required.index("FW.1") < required.index("WOG.1") < required.index("CAP.2")


# --- Placeholders left from the template --------------------------------------------------------------


def test_a_placeholder_left_from_the_template_is_an_error_naming_key_and_line(tmp_path: Path) -> None:
    body = """\
    respondent: {organisation: …}
    answers:
      RS.2: ...
      WOG.1: {value: yes, comment: ..., evidence: [{title: Décret, kind: law, reference: ...}]}
    inventory:
      - id: PS-01
        name: ...
        partners: [{name: ..., kind: state}]
    """
    problems = _problems(_write(tmp_path, body))
    assert all(p.code == "placeholder" for p in problems), [p.describe() for p in problems]
    found = {(p.line, p.question or p.path, p.message.split(":")[0]) for p in problems}
    assert found == {
        (4, "respondent.organisation", "replace the placeholder '…' left from the template with the real value"),
        (6, "RS.2", "replace the placeholder '...' left from the template with the real value"),
        (7, "WOG.1", "comment"),
        (7, "WOG.1", "evidence[0].reference"),
        (10, "inventory[0].name", "replace the placeholder '...' left from the template with the real value"),
        (
            11,
            "inventory[0].partners[0].name",
            "replace the placeholder '...' left from the template with the real value",
        ),
    }


def test_a_placeholder_answer_is_neither_missing_nor_checked_again(tmp_path: Path) -> None:
    head = HEAD.replace("status: draft", "status: final")
    problems = _problems(_write(tmp_path, "answers:\n  WOG.1: ...\n  RS.8: [origin, ...]\n", head=head))
    assert [p.code for p in problems if p.question in ("WOG.1", "RS.8")] == ["placeholder", "placeholder"]
    assert not [p for p in problems if p.code == "hidden-answered"]


def test_a_placeholder_is_told_in_french(tmp_path: Path) -> None:
    output = _validate(_write(tmp_path, "inventory:\n  - {id: PS-01, name: ...}\n"))
    assert "inventory[0].name\u202f: remplacez les points de suspension '...' laissés par le modèle" in output


# --- Tailoring files and rule ids ---------------------------------------------------------------------

CITY = str(Path(__file__).resolve().parents[1] / "examples" / "city-es.yaml")

BAD_TAILORING = """\
packs: [gcm-guiding-principle, sdg-17]
disable:
  - {rule: GCM-WOG-1, justification: "Not relevant for this city."}
  - {rule: GCM-XX-99}
weights:
  - {rule: gcm-wos-04, weight: 50, justification: "Whole-of-society matters most here."}
exceptions:
  - {rule: GCM-CS-02, justification: short, approver: Director, expires: 2026-02-30}
"""


def test_a_tailoring_file_reports_every_problem_at_once_each_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(BAD_TAILORING)
    result = CliRunner().invoke(main, ["score", CITY, "--tailoring", str(path), "--lang", "en"])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines[0] == f"error: {path}: 8 problems"
    assert [line.replace(str(tmp_path) + "/", "") for line in lines[1:]] == [
        "t.yaml:1: error: packs[0]: pack 'gcm-guiding-principle' is not available; did you mean "
        "`gcm-guiding-principles`? (expected gcm-guiding-principles, gcm-objective-23, sdg-10-7-2-domain-3, sdg-17)",
        "t.yaml:3: error: disable[0].rule: rule 'GCM-WOG-1' is not in the selected packs; did you mean `GCM-WOG-01`?",
        "t.yaml:4: error: disable[1].justification: missing key 'justification'",
        "t.yaml:4: error: disable[1].rule: rule 'GCM-XX-99' is not in the selected packs",
        "t.yaml:6: error: weights[0].rule: rule 'gcm-wos-04' is not in the selected packs; did you mean `GCM-WOS-04`?",
        "t.yaml:6: error: weights[0].weight: 50 is more than 10",
        "t.yaml:8: error: exceptions[0].expires: '2026-02-30' is not a date (YYYY-MM-DD)",
        "t.yaml:8: error: exceptions[0].justification: a justification must say why in words "
        "(at least 10 characters, not only spaces or signs)",
    ]


def test_tailoring_problems_are_told_in_french(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(BAD_TAILORING)
    result = CliRunner().invoke(main, ["score", CITY, "--tailoring", str(path), "--lang", "fr"])
    assert (
        "la règle 'GCM-WOG-1' ne fait pas partie des jeux de règles choisis\u202f; vouliez-vous dire" in result.output
    )
    assert "weights[0].weight\u202f: 50 dépasse 10" in result.output


@pytest.mark.parametrize("command", [["rules", "show", "gcm-wog-1"], ["explain", CITY, "GCM-WOG-1", "--lang", "en"]])
def test_an_unknown_rule_id_suggests_the_closest_rule(command: list[str]) -> None:
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert "did you mean `GCM-WOG-01`?" in result.output


@pytest.mark.parametrize(("typed", "meant"), [("wog.1", "WOG.1"), ("WGO.2", "WOG.2"), ("RS.11", "RS.1")])
def test_an_unknown_question_id_suggests_the_closest_question(tmp_path: Path, typed: str, meant: str) -> None:
    (problem,) = _problems(_write(tmp_path, f"answers:\n  {typed}: yes\n"))
    assert problem.code == "unknown-question"
    assert problem.message.endswith(f"; did you mean `{meant}`?")


def test_a_wrong_inventory_value_is_not_also_reported_missing(tmp_path: Path) -> None:
    head = HEAD.replace("status: draft", "status: final")
    body = "inventory:\n  - id: PS-01\n    formalised: maybe\n    funded:\n"
    problems = [p for p in _problems(_write(tmp_path, body, head=head)) if (p.path or "").startswith("inventory")]
    formalised = [p.code for p in problems if p.path == "inventory[0].formalised"]
    assert formalised == ["invalid-choice"]
    funded = next(p for p in problems if p.path == "inventory[0].funded")
    assert (funded.code, funded.line) == ("required-missing", 7)  # written empty: its own line
    fields = [p.path for p in problems]
    assert fields.index("inventory[0].instrument") < fields.index("inventory[0].formalised")  # field order


# --- In the respondent's language -----------------------------------------------------------------------


def test_values_of_the_wrong_shape_are_told_in_french_not_in_pydantic_english(tmp_path: Path) -> None:
    body = """\
    respondent: {organisation: [Ministère]}
    answers:
      WOG.1: {value: yes, comment: [x], evidence: {title: Décret}}
      WOG.2: {value: law, evidence: [{title: "", kind: law}, loose]}
    inventory:
      - {id: PS-01, partners: [{name: 3, kind: state}]}
    """
    output = _validate(_write(tmp_path, body))
    assert "Input should" not in output
    assert "respondent.organisation\u202f: ['Ministère'] n'est pas du texte" in output
    assert "question WOG.1\u202f: evidence\u202f: {'title': 'Décret'} n'est pas une liste" in output
    assert "question WOG.2\u202f: evidence[0].title\u202f: le texte est vide" in output
    assert "question WOG.2\u202f: evidence[1]\u202f: 'loose' n'est pas un ensemble de clés et de valeurs" in output
    assert "inventory[0].partners[0].name\u202f: 3 n'est pas du texte" in output


def test_every_guidance_message_is_written_in_the_three_languages() -> None:
    from mipat.questionnaires.messages import messages

    keys = [k for k in messages().root if k.startswith(("yaml_hint_", "v_hint", "v_placeholder", "t_", "schema_"))]
    assert len(keys) > 20
    for key in keys:
        entry = messages().root[key]
        assert all(getattr(entry, lang) for lang in ("en", "fr", "es")), key


def test_a_multiple_choice_is_held_in_the_questionnaires_order_whatever_order_the_file_lists(tmp_path):
    # A form of check boxes keeps no order: the same choices must be the same response.
    listed = []
    for order in (["return", "origin", "transit"], ["origin", "transit", "return"]):
        path = tmp_path / f"{order[0]}.yaml"
        path.write_text(
            "questionnaire: {id: mipat-partnerships, version: 1.1.0}\nstatus: draft\nanswers:\n"
            f"  RS.8: [{', '.join(order)}]\n"
        )
        listed.append(load_response(path))
    assert listed[0] == listed[1]
    assert listed[0].value("RS.8") == ["origin", "transit", "return"]
