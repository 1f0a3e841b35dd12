"""What every form relies on: labels that map back to one code, and the canonical response data."""

from __future__ import annotations

from pathlib import Path

import pytest

from mipat.questionnaires.definition import default_questionnaire
from mipat.questionnaires.forms.choice_labels import choice_lookup, choices, folded, kind_lookup
from mipat.questionnaires.forms.detect import detect_kind, safe_zip
from mipat.questionnaires.forms.imported import FormError
from mipat.questionnaires.forms.response_data import response_data, response_yaml
from mipat.questionnaires.i18n import LANGUAGES
from mipat.questionnaires.validation import load_response

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))


def test_every_label_names_one_answer_in_each_language():
    questionnaire = default_questionnaire()
    for question in [*questionnaire.questions(), *questionnaire.inventory.fields]:
        if question.type not in ("yes_no", "single_choice", "multiple_choice", "partner_list"):
            continue
        for lang in LANGUAGES:
            labels = [folded(label) for _, label in choices(questionnaire, question, lang)]
            assert len(set(labels)) == len(labels), (question.id, lang)


def test_a_label_in_any_language_or_the_code_gives_the_code():
    questionnaire = default_questionnaire()
    question = questionnaire.question("WOG.1")
    lookup = choice_lookup(questionnaire, question, "fr")
    assert lookup.label("partial") == "Partiellement"
    assert [lookup.code(t) for t in ("Partiellement", " partially ", "PARCIALMENTE", "partial", "peut-être")] == [
        "partial",
        "partial",
        "partial",
        "partial",
        None,
    ]
    assert kind_lookup("es").code("Procès-verbal") == "minutes"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_response_data_written_as_yaml_reads_back_to_the_same_response(path, tmp_path):
    response = load_response(path)
    written = tmp_path / "again.yaml"
    written.write_text(response_yaml(response_data(default_questionnaire(), response), ["round trip"]))
    assert load_response(written) == response


def test_a_zip_bomb_posing_as_a_workbook_is_refused_unopened():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(FormError) as caught:
        safe_zip(data, "bomb.xlsx")
    assert "zip bomb" in caught.value.problems[0].describe("en")


@pytest.mark.parametrize(
    ("content", "key"),
    [(b"questionnaire: {}\n", "not a form"), (b"PK\x03\x04garbage", "damaged"), (b"\x89PNG\r\n", "not a form")],
)
def test_a_file_of_another_kind_is_refused_with_what_was_expected(content, key):
    with pytest.raises(FormError) as caught:
        detect_kind(content, "renamed.xlsx")
    assert key in caught.value.problems[0].describe("en")
    assert caught.value.problems[0].file == "renamed.xlsx"
