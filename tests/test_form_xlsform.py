"""The XLSForm for KoboToolbox / ODK, and the import of the data exports those servers give for it.

The form is checked with pyxform (the converter KoboToolbox and ODK Central run) and, when Java is
present, with the ODK Validate it ships. The exports are written by `tests/xlsform_exports.py` in
the layouts KoboToolbox and ODK Central use, then imported through `mipat import`.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from mipat.cli import main
from mipat.questionnaires.conditions import AnswerTest
from mipat.questionnaires.definition import default_questionnaire
from mipat.questionnaires.forms import xlsform_layout as layout
from mipat.questionnaires.forms.imported import place_words
from mipat.questionnaires.forms.response_data import response_data
from mipat.questionnaires.forms.xlsform_export import export_xlsform
from mipat.questionnaires.forms.xlsform_logic import UnsupportedCondition, relevant
from mipat.questionnaires.validation import load_response
from tests.xlsform_exports import kobo_xlsx, main_csv, odk_zip

pyxform = pytest.importorskip("pyxform.xls2xform")

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))
QUESTIONNAIRE = default_questionnaire()


def _sheet(data: bytes, name: str) -> list[list[object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def _survey(data: bytes) -> dict[str, dict[str, object]]:
    """Survey rows by name (a group's or repeat's `begin` row, not its `end` row)."""
    rows = _sheet(data, "survey")
    named: dict[str, dict[str, object]] = {}
    for row in rows[1:]:
        named.setdefault(row[1], dict(zip(rows[0], row, strict=True)))
    return named


def _import(tmp_path: Path, name: str, blob: bytes, *args: str) -> tuple[object, Path]:
    source = tmp_path / name
    source.write_bytes(blob)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out), *args])
    return result, out


# --- the form -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_xlsform_converts_with_pyxform_without_errors_or_warnings(tmp_path, lang):
    path = tmp_path / f"form-{lang}.xlsx"
    path.write_bytes(export_xlsform(QUESTIONNAIRE, lang))
    warnings: list[str] = []
    result = pyxform.convert(xlsform=str(path), warnings=warnings, validate=False)
    assert warnings == []
    assert "mipat_questionnaire" in result.xform


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_french_form(tmp_path):
    path = tmp_path / "form-fr.xlsx"
    path.write_bytes(export_xlsform(QUESTIONNAIRE, "fr"))
    warnings: list[str] = []
    pyxform.convert(xlsform=str(path), warnings=warnings, validate=True)  # raises on a validation error
    assert warnings == []


def test_the_form_speaks_three_languages_and_defaults_to_the_chosen_one():
    data = export_xlsform(QUESTIONNAIRE, "fr")
    survey = _sheet(data, "survey")
    for column in ("label", "hint", "required_message", "constraint_message"):
        for language in ("English (en)", "Français (fr)", "Español (es)"):
            assert f"{column}::{language}" in survey[0]
    assert _sheet(data, "choices")[0] == [
        "list_name",
        "name",
        "label::English (en)",
        "label::Français (fr)",
        "label::Español (es)",
    ]
    settings = _sheet(data, "settings")
    assert dict(zip(*settings, strict=True)) == {
        "form_title": QUESTIONNAIRE.title.get("fr"),
        "form_id": "mipat_partnerships",
        "version": "100100001",
        "default_language": "Français (fr)",
    }
    rows = _survey(data)
    assert rows["mipat_questionnaire"]["type"] == "calculate"
    assert rows["mipat_questionnaire"]["calculation"] == "'mipat-partnerships 1.1.0'"
    assert rows["mipat_language"]["calculation"] == "'fr'"
    assert rows["WOG_1"]["label::Français (fr)"].startswith("WOG.1 ")
    assert rows["WOG_1"]["type"] == "select_one yes_no"
    assert rows["FW_3"]["type"] == "select_one yes_no_na"
    assert rows["WOG_3"]["type"] == "select_multiple WOG_3"
    assert rows["STA_7"]["constraint"] == "not(selected(., 'none') and count-selected(.) > 1)"
    assert rows["STA_1"]["constraint"] == ". >= 0 and . <= 1000"
    assert rows["RS_2"]["constraint"] == "string-length(.) <= 300"
    # the period cannot end before it starts, as `mipat validate` says
    assert rows["RS_6"]["constraint"] == ". >= 1990 and . <= 2035 and (${RS_5} = '' or . >= ${RS_5})"
    assert rows["RS_6"]["constraint_message::Français (fr)"].endswith("ne peut pas précéder la première (RS.5).")
    assert rows["RS_2"]["required"] == "${response_status} = 'final'"
    assert rows["WOG_1_evidence"]["type"] == "begin_repeat"
    assert rows["FW_12"]["type"] == "begin_repeat"  # an evidence question: its documents are its answer
    assert rows["partners"]["type"] == "begin_repeat"
    assert rows["inv_sdg_targets"]["type"] == "select_multiple sdg_targets"
    choices = _sheet(data, "choices")
    assert ["sdg_targets", "17.10"] in [row[:2] for row in choices]


def test_the_same_questionnaire_and_language_give_the_same_bytes():
    assert export_xlsform(QUESTIONNAIRE, "es") == export_xlsform(QUESTIONNAIRE, "es")


def test_skip_logic_becomes_relevant_xpath_that_is_false_while_the_tested_question_is_blank():
    rows = _survey(export_xlsform(QUESTIONNAIRE, "en"))
    assert rows["RS_4"]["relevant"] == "(${RS_1} = 'regional' or ${RS_1} = 'local')"
    assert rows["FOR_2"]["relevant"] == "selected(${FOR_1}, 'other')"
    assert rows["NSA_2"]["relevant"] == "(${NSA_1} != '' and ${NSA_1} != 'none')"
    assert rows["FOR_3"]["relevant"] == "(${FOR_1} != '' and not(selected(${FOR_1}, 'none')))"
    assert rows["WOG_2_comment"]["relevant"] == rows["WOG_2"]["relevant"]


@pytest.mark.parametrize(
    "test",
    [
        {"question": "RS.1", "includes": "national"},  # includes needs a multiple choice
        {"question": "RS.8", "equals": "origin"},  # one value against a multiple choice
        {"question": "RS.2", "gte": 3},  # a number test on a text
        {"question": "FW.12", "answered": True},  # an evidence question is a repeat
        {"question": "XX.1", "answered": True},  # not a question of the form
    ],
)
def test_a_condition_with_no_xpath_equivalent_fails_loudly(test):
    with pytest.raises(UnsupportedCondition):
        relevant(AnswerTest.model_validate(test), QUESTIONNAIRE.question, layout.xml_name)


def test_question_ids_map_to_xml_names_and_back_one_to_one():
    names = {layout.xml_name(q.id): q.id for q in QUESTIONNAIRE.questions()}
    assert len(names) == len(QUESTIONNAIRE.questions())
    assert all(name.replace("_", ".") == qid for name, qid in names.items())


def test_the_cli_writes_the_xlsform_and_refuses_to_prefill_it(tmp_path):
    runner = CliRunner()
    out = tmp_path / "form.xlsx"
    result = runner.invoke(main, ["questionnaire", "export", "--format", "xlsform", "--lang", "fr", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export_xlsform(QUESTIONNAIRE, "fr")
    prefilled = runner.invoke(
        main, ["questionnaire", "export", "--format", "xlsform", "--from", str(EXAMPLES[0]), "-o", str(tmp_path / "x")]
    )
    assert prefilled.exit_code == 2


# --- importing data exports -----------------------------------------------------------------------


def _original(path: Path) -> tuple[object, dict]:
    response = load_response(path)
    return response, response_data(QUESTIONNAIRE, response)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("export", ["kobo-codes", "kobo-labels", "odk-zip"])
def test_a_data_export_of_each_example_imports_to_the_same_response(tmp_path, path, export):
    response, data = _original(path)
    lang = response.language
    if export == "odk-zip":
        name, blob = "export.zip", odk_zip(QUESTIONNAIRE, lang, [("5f0c1e2a", data)])
    else:
        name, blob = "export.xlsx", kobo_xlsx(QUESTIONNAIRE, lang, [("5f0c1e2a", data)], labels=export == "kobo-labels")
    result, out = _import(tmp_path, name, blob)
    assert result.exit_code == 0, result.output
    assert load_response(out) == response
    written = yaml.safe_load(out.read_text())
    source = written["imported_from"]
    assert source["format"] == ("xlsform-csv" if export == "odk-zip" else "xlsform-xlsx")
    assert source["submission"] == ("uuid:5f0c1e2a" if export == "odk-zip" else "5f0c1e2a")
    assert source["form_language"] == lang
    first_partner = "inventory[0].partners[0].name"
    if export == "odk-zip":  # CSV: places in words, in the form's language
        assert source["places"]["answers.WOG.1"] == place_words("place_column", lang, name="WOG-WOG_1")
        where = [("place_file", "mipat_partnerships-partners.csv"), ("place_row", 2), ("place_column", "partners_name")]
        expected = ", ".join(place_words(key, lang, name=value, n=value) for key, value in where)
        assert source["places"][first_partner] == expected  # e.g. fichier …-partners.csv, ligne 2, colonne …
    else:  # a workbook: the cell, as Excel names it, and its header
        headers = _sheet(blob, "mipat-partnerships")[0]
        wog1 = f"'mipat-partnerships'!{get_column_letter(headers.index('WOG/WOG_1') + 1)}2 (WOG/WOG_1)"
        assert source["places"]["answers.WOG.1"] == wog1
        assert source["places"][first_partner] == "'partners'!A2 (inventory/partners/partners_name)"


def test_every_submission_of_an_export_becomes_its_own_response_file(tmp_path):
    fr, fr_data = _original(next(p for p in EXAMPLES if "fr" in p.name))
    es, es_data = _original(next(p for p in EXAMPLES if "es" in p.name))
    blob = kobo_xlsx(QUESTIONNAIRE, "fr", [("aaaa-1", fr_data), ("bbbb-2", es_data)])
    source = tmp_path / "export.xlsx"
    source.write_bytes(blob)
    folder = tmp_path / "responses"
    folder.mkdir()
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["aaaa-1.yaml", "bbbb-2.yaml"]
    assert load_response(folder / "aaaa-1.yaml") == fr
    assert load_response(folder / "bbbb-2.yaml") == es
    one = tmp_path / "one.yaml"
    picked = CliRunner().invoke(main, ["import", str(source), "-o", str(one), "--submission", "bbbb-2"])
    assert picked.exit_code == 0, picked.output
    assert load_response(one) == es


def test_a_single_csv_of_the_submissions_imports_the_answers_outside_repeats(tmp_path):
    response, data = _original(next(p for p in EXAMPLES if "en" in p.name))
    result, out = _import(tmp_path, "export.csv", main_csv(QUESTIONNAIRE, "en", [("c0ffee", data)]))
    assert result.exit_code == 0, result.output
    imported = load_response(out)
    assert imported.respondent == response.respondent
    assert imported.answers["WOG.1"].value == response.answers["WOG.1"].value
    assert imported.answers["RS.8"].value == response.answers["RS.8"].value
    assert imported.inventory == []


def _edited(blob: bytes, sheet: str, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(blob))
    edit(workbook[sheet] if sheet in workbook.sheetnames else workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, header: str, row: int = 2):
    column = [c.value for c in sheet[1]].index(header) + 1
    return sheet.cell(row=row, column=column)


def _rename(header: str, new: str):
    def edit(sheet):
        _cell(sheet, header, 1).value = new

    return edit


def _set(header: str, value: object):
    def edit(sheet):
        _cell(sheet, header).value = value

    return edit


def _drop_sheet(name: str):
    def edit(workbook):
        del workbook[name]

    return edit


@pytest.mark.parametrize(
    ("sheet", "edit", "expected"),
    [
        ("mipat-partnerships", _rename("WOG/WOG_1", "WOG/WOG_1_renamed"), "the column WOG_1 is missing from the form"),
        ("", _drop_sheet("partners"), "the repeat partners (its sheet or CSV file) is missing"),
        (
            "mipat-partnerships",
            _set("WOG/WOG_2", "a treaty"),
            "[aaaa-1] 'mipat-partnerships'!DD2 (WOG/WOG_2): error: question WOG.2: 'a treaty' is not one of",
        ),
        (
            "mipat-partnerships",
            _set("DAT/DAT_6", "douze"),
            "[aaaa-1] 'mipat-partnerships'!QA2 (DAT/DAT_6): error: question DAT.6: 'douze' is not a whole number",
        ),
        (
            "mipat-partnerships",
            _set("mipat_questionnaire", "mipat-partnerships 0.9.0"),
            "'mipat-partnerships'!A2 (mipat_questionnaire): error: this form was made for questionnaire mipat-partnerships 0.9.0",
        ),
    ],
    ids=["renamed-column", "deleted-repeat-sheet", "value-outside-list", "not-a-number", "other-version"],
)
def test_a_broken_export_is_refused_with_a_located_message_and_nothing_written(tmp_path, sheet, edit, expected):
    _, data = _original(next(p for p in EXAMPLES if "fr" in p.name))
    blob = _edited(kobo_xlsx(QUESTIONNAIRE, "fr", [("aaaa-1", data)]), sheet, edit)
    result, out = _import(tmp_path, "export.xlsx", blob, "--lang", "en")
    assert result.exit_code == 1
    assert expected in result.output
    assert "export.xlsx" in result.output
    assert not out.exists()


def test_every_problem_of_an_export_is_told_at_once(tmp_path):
    _, data = _original(next(p for p in EXAMPLES if "fr" in p.name))

    def edit(sheet):
        _set("WOG/WOG_2", "a treaty")(sheet)
        _set("DAT/DAT_6", "douze")(sheet)

    blob = _edited(kobo_xlsx(QUESTIONNAIRE, "fr", [("aaaa-1", data)]), "mipat-partnerships", edit)
    result, _ = _import(tmp_path, "export.xlsx", blob, "--lang", "en")
    assert result.exit_code == 1
    assert "WOG/WOG_2" in result.output and "DAT/DAT_6" in result.output


def test_the_xlsform_definition_given_to_import_is_refused(tmp_path):
    result, out = _import(tmp_path, "form.xlsx", export_xlsform(QUESTIONNAIRE, "fr"), "--lang", "en")
    assert result.exit_code == 1
    assert "this is the XLSForm definition" in result.output
    assert not out.exists()


def test_an_odk_export_missing_a_repeat_file_is_refused(tmp_path):
    _, data = _original(next(p for p in EXAMPLES if "es" in p.name))
    archive = zipfile.ZipFile(io.BytesIO(odk_zip(QUESTIONNAIRE, "es", [("x1", data)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for member in archive.namelist():
            if not member.endswith("-inventory.csv"):
                out.writestr(member, archive.read(member))
    result, out_path = _import(tmp_path, "export.zip", buffer.getvalue())
    assert result.exit_code == 1
    assert "el grupo de repetición inventory" in result.output  # told in the form's language
    assert not out_path.exists()


def _odk_edited(blob: bytes, edits: dict[str, dict[str, str]]) -> bytes:
    """The ODK zip with, in each member ending with a key, the first row's cells set by header."""
    archive = zipfile.ZipFile(io.BytesIO(blob))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for member in archive.namelist():
            rows = list(csv.reader(io.StringIO(archive.read(member).decode("utf-8-sig"), newline="")))
            for suffix, cells in edits.items():
                if member.endswith(suffix):
                    for header, value in cells.items():
                        rows[1][rows[0].index(header)] = value
            text = io.StringIO(newline="")
            csv.writer(text).writerows(rows)
            out.writestr(member, text.getvalue())
    return buffer.getvalue()


def test_a_french_export_is_refused_in_french_only_without_lang(tmp_path):
    """Places and messages in the form's language: no English word meets a French reader."""
    _, data = _original(next(p for p in EXAMPLES if "fr" in p.name))
    edits = {"mipat_partnerships.csv": {"WOG-WOG_2": "un traité"}, "-partners.csv": {"partners_kind": "martien"}}
    result, out = _import(tmp_path, "export.zip", _odk_edited(odk_zip(QUESTIONNAIRE, "fr", [("x1", data)]), edits))
    assert result.exit_code == 1 and not out.exists()
    output = result.output.replace("\u202f", " ")  # French puts a narrow no-break space before ':'
    assert "erreur : " in output and "export.zip : 2 erreurs" in output
    assert "[uuid:x1] colonne WOG-WOG_2 : erreur : question WOG.2 : 'un traité' ne fait pas partie" in output
    assert "fichier mipat_partnerships-partners.csv, ligne 2, colonne partners_kind : erreur" in output
    for english in (" field ", " row ", " column ", " sheet ", " file ", "error", " is not "):
        assert english not in output
