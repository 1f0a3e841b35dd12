"""The bundled questionnaire and catalogue: complete in three languages, references resolve, bad
definitions are rejected with their file and line."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from mipat.questionnaires.catalogue import bundled_catalogue
from mipat.questionnaires.conditions import answer_tests
from mipat.questionnaires.definition import BUNDLED_DIR, default_questionnaire, load_questionnaire
from mipat.questionnaires.i18n import LANGUAGES, Text
from mipat.questionnaires.problems import DefinitionError
from mipat.questionnaires.ui_strings import ui_strings


def _texts(value: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text inside a model, with where it sits."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")


def test_bundled_questionnaire_has_60_to_120_questions_in_ten_sections() -> None:
    q = default_questionnaire()
    assert 60 <= len(q.questions()) <= 120
    assert [s.id for s in q.sections] == ["RS", "FW", "WOG", "STA", "FOR", "LOC", "NSA", "SAF", "DAT", "CAP"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_present_in_each_language(lang: str) -> None:
    sources = [default_questionnaire(), bundled_catalogue(), ui_strings()]
    texts = [t for source in sources for t in _texts(source.root if hasattr(source, "root") else source)]
    assert len(texts) > 500
    for where, text in texts:
        assert text.get(lang).strip(), f"blank {lang} text at {where}"  # type: ignore[arg-type]


def test_french_and_spanish_are_translations_not_copies_of_english() -> None:
    texts = [t for _, t in _texts(default_questionnaire()) if len(t.en) > 25]
    copied_fr = [t.en for t in texts if t.fr == t.en]
    copied_es = [t.en for t in texts if t.es == t.en]
    assert not copied_fr, copied_fr[:5]
    assert not copied_es, copied_es[:5]


def test_a_missing_translation_fails_loading(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    shutil.copytree(BUNDLED_DIR / "partnerships", folder)
    section = folder / "scope.yaml"
    lines = section.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("es: Quién responde"))
    del lines[index]
    section.write_text("\n".join(lines) + "\n")
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(folder)
    problem = info.value.problems[0]
    assert problem.file is not None and problem.file.endswith("scope.yaml")
    assert problem.message == "missing key 'es'"
    assert problem.line == 6


def test_every_framework_reference_resolves_in_the_catalogue() -> None:
    catalogue = bundled_catalogue()
    q = default_questionnaire()
    fields = q.inventory.fields
    for question in [*q.questions(), *fields]:
        assert question.refs.dangling(catalogue) == [], question.id
    referenced = {p for question in q.questions() for p in question.refs.principles}
    assert referenced == {p.id for p in catalogue.principles}, "every GCM principle is asked about"
    actions = {a for question in q.questions() for a in question.refs.actions}
    assert {"23a", "23b", "23c", "23d", "23e"} <= actions


def test_skip_logic_only_looks_back_at_existing_codes() -> None:
    q = default_questionnaire()
    seen: set[str] = set()
    for question in q.questions():
        if question.show_if is not None:
            for test in answer_tests(question.show_if):
                assert test.question in seen, f"{question.id} looks ahead at {test.question}"
                target = q.question(test.question)
                assert target is not None
                for code in test.codes():
                    assert str(code) in q.codes(target), (question.id, code)
        seen.add(question.id)


def test_the_inventory_captures_what_a_ministry_records_per_partnership() -> None:
    fields = {f.id: f for f in default_questionnaire().inventory.fields}
    assert set(fields) >= {
        "name", "instrument", "level", "partners", "start_year", "status", "formalised", "funded", "monitored",
        "gcm_objectives", "sdg_targets", "safeguards", "migrant_participation",
    }  # fmt: skip
    assert fields["partners"].type == "partner_list"
    q = default_questionnaire()
    assert len(q.codes(fields["gcm_objectives"])) == 23
    kinds = set(q.codes(fields["partners"]))
    assert {"state", "subnational_authority", "migrants", "diaspora", "trade_unions", "employers"} <= kinds


def test_options_added_in_1_1_0_keep_every_earlier_code_in_place() -> None:
    q = default_questionnaire()
    sta7 = q.codes(q.question("STA.7"))
    assert sta7 == [
        "non_refoulement", "individual_assessment", "best_interests_child", "reintegration_support",
        "independent_monitoring", "no_collective_expulsion", "effective_remedy", "agreed_procedures", "none",
    ]  # fmt: skip
    loc4 = q.codes(q.question("LOC.4"))
    assert loc4.index("marrakech_mayors_declaration") == loc4.index("global_parliament_of_mayors") + 1
    safeguards = q.codes(next(f for f in q.inventory.fields if f.id == "safeguards"))
    assert safeguards[:2] == ["human_rights", "non_refoulement"]


def test_help_texts_name_the_partial_answer_as_its_button_does() -> None:
    # the buttons read Partially / Partiellement / Parcialmente (ui.yaml); 1.0.0 help said "Partial", "En partie"
    stale = {
        "en": ("Partial:", "Partial if"),
        "fr": ("En partie :", "En partie si", "« partiellement »"),
        "es": ("«parcialmente»",),
    }
    for question in default_questionnaire().questions():
        if question.help is None:
            continue
        for lang, words in stale.items():
            text = question.help.get(lang)  # type: ignore[arg-type]
            assert not any(word in text for word in words), (question.id, lang)


def test_a_catalogue_entry_not_fully_verified_says_what_is_unchecked() -> None:
    catalogue = bundled_catalogue()
    for objective in catalogue.objectives:
        assert (objective.status == "confirmed") == (objective.note == ""), objective.number
    assert "capacity-building support to developing countries" in catalogue.target("17.18").summary.en
    assert "mipat label" in catalogue.target("17.18").note


def _broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "q"
    shutil.copytree(BUNDLED_DIR / "partnerships", folder)
    text = (folder / file).read_text()
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1))
    return folder


def test_dangling_reference_is_rejected_with_file_and_line(tmp_path: Path) -> None:
    folder = _broken_copy(
        tmp_path, "scope.yaml", "refs: {principles: [whole-of-government]}", "refs: {principles: [whole-of-planet]}"
    )
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(folder)
    [problem] = info.value.problems
    assert problem.code == "dangling-reference"
    assert "whole-of-planet" in problem.message
    assert problem.file is not None and problem.file.endswith("scope.yaml")
    assert (
        problem.line
        == (folder / "scope.yaml").read_text().splitlines().index("    refs: {principles: [whole-of-planet]}") + 1
    )


def test_unknown_key_in_a_question_is_rejected(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "scope.yaml", "    max_length: 300\n", "    max_length: 300\n    colour: red\n")
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(folder)
    assert any(p.message == "unknown key 'colour'" for p in info.value.problems)


def test_show_if_with_a_code_the_question_does_not_have_is_rejected(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "scope.yaml", "in: [regional, local]", "in: [regional, village]")
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(folder)
    [problem] = info.value.problems
    assert problem.code == "bad-show-if" and "'village'" in problem.message and problem.question == "RS.4"


def test_show_if_looking_ahead_is_rejected(tmp_path: Path) -> None:
    folder = _broken_copy(
        tmp_path,
        "scope.yaml",
        "show_if: {question: RS.1, in: [regional, local]}",
        "show_if: {question: RS.9, answered: true}",
    )
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(folder)
    assert info.value.problems[0].code == "bad-show-if"


def test_section_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "questionnaire.yaml", "  - scope.yaml", "  - ../../etc/passwd.yaml")
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(folder)
    assert info.value.problems[0].code == "bad-part"
