"""The Excel workbook form: export blank or pre-filled, fill in as a person would, import back.

Every test works on real .xlsx files written by mipat and edited with openpyxl, the way a focal
point's spreadsheet program would leave them: labels picked from drop-downs, ticks, numbers typed
as text, dates Excel turned into dates, sheets deleted or renamed by mistake.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from mipat.cli import main
from mipat.questionnaires.definition import Question, default_questionnaire
from mipat.questionnaires.forms.choice_labels import choices, evidence_kinds, languages, statuses
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.forms.importing import FormFile, validate_form
from mipat.questionnaires.forms.workbook_export import export_workbook
from mipat.questionnaires.forms.workbook_import import import_workbook
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.responses import Evidence, Partner, Response
from mipat.questionnaires.validation import load_response
from tests.response_strategies import responses

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))
QUESTIONNAIRE = default_questionnaire()
HEADER_ROW = 4


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def export(tmp_path: Path, lang: Language, source: Path | None = None, name: str = "form.xlsx") -> Path:
    out = tmp_path / name
    args = ["questionnaire", "export", "--format", "xlsx", "--lang", lang, "-o", out]
    result = run(*args, *(["--from", source] if source else []))
    assert result.exit_code == 0, result.output
    return out


def imported(form: Path, tmp_path: Path) -> Path:
    out = tmp_path / f"{form.stem}.yaml"
    result = run("import", form, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def words(key: str, lang: Language) -> str:
    return form_text(key, lang, "workbook")


# --- filling a blank workbook as a person would: labels in the form's language ---------------


def _row_of(sheet: Worksheet, qid: str) -> int:
    return next(cell.row for (cell,) in sheet.iter_rows(min_col=1, max_col=1) if cell.value == qid)


def _columns(sheet: Worksheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[HEADER_ROW] if cell.value}


def _append(sheet: Worksheet, values: dict[str, Any]) -> None:
    """Type a row under the table's last filled row, columns found by their header."""
    columns = _columns(sheet)
    row = HEADER_ROW + 1
    while any(sheet.cell(row=row, column=c).value is not None for c in columns.values()):
        row += 1
    for header, value in values.items():
        if value is not None:
            sheet.cell(row=row, column=columns[header], value=value)


def _label(question: Question, code: str, lang: Language) -> str:
    return dict(choices(QUESTIONNAIRE, question, lang))[code]


def _evidence_row(item: Evidence, lang: Language) -> dict[str, Any]:
    return {
        form_text("evidence_title", lang): item.title,
        form_text("evidence_kind", lang): dict(evidence_kinds(lang))[item.kind],
        form_text("evidence_reference", lang): item.reference,
        form_text("evidence_date", lang): item.date,
    }


def fill(workbook: Workbook, response: Response, lang: Language) -> None:
    """Fill a blank workbook with `response`, reading the sheets as a person reads them."""
    sheet = workbook[words("sheet_respondent", lang)]
    sheet["B3"] = dict(statuses(lang))[response.status]
    sheet["B4"] = dict(languages(lang))[response.language]
    for row, key in enumerate(("organisation", "name", "role", "email"), start=5):
        sheet[f"B{row}"] = getattr(response.respondent, key)
    documents = workbook[words("sheet_documents", lang)]
    evidence = workbook[words("sheet_evidence", lang)]
    question_header = words("col_question_id", lang)
    partnership_header = words("col_partnership_id", lang)
    for number, section in enumerate(QUESTIONNAIRE.sections, start=1):
        sheet = workbook[f"{number} {section.id}"]
        for question in section.questions:
            answer = response.answers.get(question.id)
            if answer is None:
                continue
            row = _row_of(sheet, question.id)
            value = answer.value
            if answer.comment is not None:
                sheet[f"E{row}"] = answer.comment
            if question.type in ("yes_no", "single_choice") and value is not None:
                sheet[f"D{row}"] = _label(question, str(value), lang)
            elif question.type in ("integer", "year", "text") and value is not None:
                sheet[f"D{row}"] = value
            elif question.type == "multiple_choice" and isinstance(value, list):
                codes = QUESTIONNAIRE.codes(question)
                in_order = value == sorted(value, key=codes.index)  # else number the ticks to keep the order
                for rank, code in enumerate(value, start=1):
                    label = _label(question, code, lang)
                    tick = next(r for r in range(row + 1, row + 1 + len(codes)) if sheet[f"B{r}"].value == label)
                    sheet[f"D{tick}"] = "✓" if in_order else rank
            elif question.type == "evidence" and isinstance(value, list):
                for item in value:
                    _append(documents, {question_header: question.id, **_evidence_row(item, lang)})
            for item in answer.evidence:
                _append(evidence, {question_header: question.id, **_evidence_row(item, lang)})
    inventory = workbook[words("sheet_inventory", lang)]
    partners = workbook[words("sheet_partners", lang)]
    headers = {c: v for v, c in _columns(inventory).items()}
    fields = {f.id: f for f in QUESTIONNAIRE.inventory.fields}
    for item in response.inventory:
        row: dict[str, Any] = {form_text("partnership_id", lang): item.id, form_text("comment", lang): item.comment}
        for field_id, field in fields.items():
            header = next((h for h in headers.values() if h.startswith(field.text.get(lang))), None)
            value = item.get(field_id)
            if value is None or header is None:
                continue
            if field.type in ("yes_no", "single_choice"):
                row[header] = _label(field, str(value), lang)
            elif field.type == "multiple_choice":
                row[header] = "; ".join(str(v) for v in value)  # type: ignore[union-attr]
            else:
                row[header] = value
        _append(inventory, row)
        for partner in item.get("partners") or []:
            assert isinstance(partner, Partner)
            _append(
                partners,
                {
                    partnership_header: item.id,
                    form_text("partner_name", lang): partner.name,
                    form_text("partner_kind", lang): _label(fields["partners"], partner.kind, lang),
                },
            )
        for evidence_item in item.evidence:
            _append(evidence, {partnership_header: item.id, **_evidence_row(evidence_item, lang)})


def fill_file(form: Path, response: Response, lang: Language) -> Path:
    workbook = load_workbook(form)
    fill(workbook, response, lang)
    workbook.save(form)
    return form


def example(name: str) -> Path:
    return next(p for p in EXAMPLES if p.name.startswith(name))


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_prefilled_workbook_imports_back_to_the_same_response(path: Path, tmp_path: Path) -> None:
    original = load_response(path)
    form = export(tmp_path, original.language, path)
    assert load_response(imported(form, tmp_path)) == original


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_blank_workbook_filled_with_labels_imports_to_the_example(path: Path, tmp_path: Path) -> None:
    original = load_response(path)
    form = fill_file(export(tmp_path, original.language), original, original.language)
    assert load_response(imported(form, tmp_path)) == original


def test_a_french_workbook_filled_in_french_imports_like_the_english_one(tmp_path: Path) -> None:
    original = load_response(example("federal"))
    french = fill_file(export(tmp_path, "fr", name="fr.xlsx"), original, "fr")
    english = fill_file(export(tmp_path, "en", name="en.xlsx"), original, "en")
    assert load_response(imported(french, tmp_path)) == load_response(imported(english, tmp_path)) == original


def test_labels_typed_in_another_language_than_the_form_are_read(tmp_path: Path) -> None:
    form = export(tmp_path, "fr")
    workbook = load_workbook(form)
    sheet = workbook["3 WOG"]
    sheet[f"D{_row_of(sheet, 'WOG.1')}"] = "Partially"
    sheet[f"D{_row_of(sheet, 'WOG.5')}"] = "YES"
    workbook.save(form)
    data = yaml.safe_load(imported(form, tmp_path).read_text())
    assert data["answers"]["WOG.1"] == "partial"
    assert data["answers"]["WOG.5"] == "yes"


def test_a_blank_workbook_imports_as_an_empty_draft_in_its_language(tmp_path: Path) -> None:
    data = yaml.safe_load(imported(export(tmp_path, "es"), tmp_path).read_text())
    assert (data["status"], data["language"], data["answers"], data["inventory"]) == ("draft", "es", {}, [])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(response=responses())
def test_generated_responses_export_prefilled_and_import_back_equal(response: Response) -> None:
    data = export_workbook(QUESTIONNAIRE, "es", response)
    form = import_workbook(data, "generated.xlsx")
    report = validate_form(FormFile("generated.xlsx", "0" * 64, [form]), form)
    assert report.ok, [p.describe() for p in report.errors]
    assert report.response == response


# --- what the workbook holds -----------------------------------------------------------------


def test_the_same_inputs_give_the_same_bytes() -> None:
    response = load_response(example("national"))
    assert export_workbook(QUESTIONNAIRE, "fr", response) == export_workbook(QUESTIONNAIRE, "fr", response)
    assert export_workbook(QUESTIONNAIRE, "en", None) == export_workbook(QUESTIONNAIRE, "en", None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sheets_are_named_as_excel_allows_and_the_machinery_is_hidden(lang: Language) -> None:
    workbook = load_workbook(io.BytesIO(export_workbook(QUESTIONNAIRE, lang, None)))
    for name in workbook.sheetnames:
        assert len(name) <= 31 and not set(name) & set(":\\/?*[]"), name
    assert workbook.sheetnames[2:4] == ["1 RS", "2 FW"]
    assert workbook["_mipat"].sheet_state == "veryHidden"
    assert workbook["lists"].sheet_state == "hidden"
    assert workbook.security.lockStructure
    section = workbook["3 WOG"]
    assert section["A1"].value.startswith("3 · " + QUESTIONNAIRE.sections[2].title.get(lang))
    row = _row_of(section, "WOG.1")
    assert section.protection.sheet and section.protection.password is None
    assert not section[f"D{row}"].protection.locked and not section[f"E{row}"].protection.locked
    assert section[f"B{row}"].protection.locked
    assert form_text("required", lang) in section[f"B{row}"].value  # WOG.1 is required
    assert "WOG.1" in section[f"C{_row_of(section, 'WOG.2')}"].value  # skip logic told beside WOG.2


def test_drop_downs_offer_labels_from_the_hidden_lists_sheet() -> None:
    workbook = load_workbook(io.BytesIO(export_workbook(QUESTIONNAIRE, "fr", None)))
    section = workbook["3 WOG"]
    cell = f"D{_row_of(section, 'WOG.1')}"
    rule = next(dv for dv in section.data_validations.dataValidation if cell in dv.sqref)
    assert rule.type == "list" and rule.formula1.startswith("='lists'!")
    column = rule.formula1.split("!")[1].split(":")[0].replace("$", "")
    assert workbook["lists"][column].value == "Oui"
    year = f"D{_row_of(workbook['1 RS'], 'RS.5')}"
    rule = next(dv for dv in workbook["1 RS"].data_validations.dataValidation if year in dv.sqref)
    assert rule.type == "whole"
    assert workbook[words("sheet_inventory", "fr")].tables["Inventory"].ref.startswith("A4:")


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    original = load_response(example("city"))
    comment = '=HYPERLINK("http://evil.example","clic")'
    answers = dict(original.answers)
    answers["RS.1"] = answers["RS.1"].model_copy(update={"comment": comment})
    respondent = original.respondent.model_copy(update={"name": "+34 600 000 000", "role": "@jefa", "email": "-x"})
    response = original.model_copy(update={"answers": answers, "respondent": respondent})
    data = export_workbook(QUESTIONNAIRE, "es", response)
    workbook = load_workbook(io.BytesIO(data))
    row = _row_of(workbook["1 RS"], "RS.1")
    assert workbook["1 RS"][f"E{row}"].data_type == "s"
    assert workbook["1 RS"][f"E{row}"].value == comment
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(b"<f>" not in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    form = import_workbook(data, "f.xlsx")
    assert form.data["answers"]["RS.1"]["comment"] == comment
    assert form.data["respondent"]["name"] == "+34 600 000 000"


def test_numbers_typed_as_text_or_decimals_and_excel_dates_are_read(tmp_path: Path) -> None:
    form = export(tmp_path, "en")
    workbook = load_workbook(form)
    sheet = workbook["1 RS"]
    sheet[f"D{_row_of(sheet, 'RS.5')}"] = 2021.0
    sheet[f"D{_row_of(sheet, 'RS.6')}"] = " 2023 "
    evidence = workbook[words("sheet_evidence", "en")]
    _append(
        evidence,
        {
            words("col_question_id", "en"): "RS.5",
            form_text("evidence_title", "en"): "Decree",
            form_text("evidence_date", "en"): datetime(2021, 3, 4),
        },
    )
    workbook.save(form)
    data = yaml.safe_load(imported(form, tmp_path).read_text())
    assert data["answers"]["RS.5"]["value"] == 2021
    assert data["answers"]["RS.5"]["evidence"] == [{"title": "Decree", "date": "2021-03-04"}]
    assert data["answers"]["RS.6"] == 2023


def test_import_records_where_each_answer_came_from(tmp_path: Path) -> None:
    form = export(tmp_path, "fr", example("national"))
    data = yaml.safe_load(imported(form, tmp_path).read_text())
    places = data["imported_from"]["places"]
    row = _row_of(load_workbook(form)["3 WOG"], "WOG.1")
    assert places["answers.WOG.1"] == f"'3 WOG'!D{row}"
    assert places["answers.WOG.1.comment"] == f"'3 WOG'!E{row}"
    assert places["inventory[0].name"].startswith("'Partenariats'!B")
    assert places["answers.FW.12[0]"].startswith("'Documents listés'!")
    assert data["imported_from"]["format"] == "workbook" and data["imported_from"]["form_language"] == "fr"


def test_rows_inserted_above_a_question_do_not_lose_its_answer(tmp_path: Path) -> None:
    original = load_response(example("federal"))
    form = export(tmp_path, "en", example("federal"))
    workbook = load_workbook(form)
    workbook["3 WOG"].insert_rows(6, amount=2)  # inside the sheet, below the header
    workbook.save(form)
    assert load_response(imported(form, tmp_path)) == original


# --- broken forms: exit 1, a located message, nothing written ---------------------------------


def _broken(tmp_path: Path, edit: Any) -> tuple[Any, Path]:
    form = export(tmp_path, "fr", example("national"))
    workbook = load_workbook(form)
    edit(workbook)
    workbook.save(form)
    out = tmp_path / "out.yaml"
    return run("import", form, "-o", out), out


def _set(sheet: str, qid: str, value: Any) -> Any:
    def edit(workbook: Workbook) -> None:
        workbook[sheet][f"D{_row_of(workbook[sheet], qid)}"] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda wb: wb.remove(wb["3 WOG"]), ["la feuille", "3 WOG", "introuvable"]),
        (lambda wb: setattr(wb["4 STA"], "title", "STA"), ["la feuille", "4 STA", "introuvable"]),
        (_set("3 WOG", "WOG.1", "Peut-être"), ["'3 WOG'!D", "'Peut-être'", "WOG.1"]),
        (_set("1 RS", "RS.5", "deux mille"), ["'1 RS'!D", "'deux mille'", "entier"]),
        (lambda wb: wb["_mipat"].cell(row=4, column=2, value="0.9.0"), ["'_mipat'!B4", "0.9.0", "1.1.0"]),
        (lambda wb: wb["Partenariats"].cell(row=4, column=3, value="Type"), ["'Partenariats'!C4", "'Type'"]),
        (lambda wb: wb["Partenaires"].cell(row=5, column=1, value="PS-99"), ["'Partenaires'!A5", "PS-99"]),
        (lambda wb: wb["3 WOG"].delete_rows(5), ["'3 WOG'!A5", "WOG.1 ne figure plus"]),
    ],
    ids=[
        "deleted sheet",
        "renamed sheet",
        "outside list",
        "not a number",
        "other version",
        "renamed column",
        "orphan partner",
        "deleted row",
    ],
)
def test_a_broken_workbook_is_refused_with_its_place_and_nothing_written(
    tmp_path: Path, edit: Any, expected: list[str]
) -> None:
    result, out = _broken(tmp_path, edit)
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    assert not out.exists()


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    def edit(workbook: Workbook) -> None:
        _set("3 WOG", "WOG.1", "Peut-être")(workbook)
        _set("2 FW", "FW.2", "Bof")(workbook)

    result, out = _broken(tmp_path, edit)
    assert result.exit_code == 1 and "'Peut-être'" in result.output and "'Bof'" in result.output
    assert not out.exists()


@pytest.mark.parametrize("kind", ["bomb", "renamed"])
def test_a_zip_bomb_or_a_renamed_file_is_refused(tmp_path: Path, kind: str) -> None:
    form = tmp_path / "form.xlsx"
    if kind == "bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="_mipat"/></sheets></workbook>')
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
        form.write_bytes(buffer.getvalue())
    else:
        form.write_bytes(b"%!PS-Adobe-3.0 not a workbook")
    out = tmp_path / "out.yaml"
    result = run("import", form, "-o", out)
    assert result.exit_code == 1 and "form.xlsx" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda wb: wb["_mipat"].cell(row=4, column=2, value="0.9.0"),
            "'_mipat'!B4 : erreur : ce formulaire a été créé pour le questionnaire mipat-partnerships 0.9.0",
        ),
        (
            lambda wb: (
                _set("3 WOG", "WOG.1", "Peut-être")(wb),
                wb["Partenariats"].cell(row=4, column=3, value="Type"),
            ),
            "'Partenariats'!C4 : erreur : l'en-tête de colonne est 'Type' au lieu de",
        ),
    ],
    ids=["other version", "outside list and renamed column"],
)
def test_a_french_workbook_is_refused_in_french_only_without_lang(tmp_path: Path, edit: Any, expected: str) -> None:
    """Messages and counts in the workbook's language (its places are cells, the same in every language)."""
    result, out = _broken(tmp_path, edit)
    output = result.output.replace("\u202f", " ")  # French puts a narrow no-break space before ':'
    assert result.exit_code == 1 and not out.exists()
    assert expected in output
    for english in (" field ", " row ", " column ", " sheet ", " file ", "error", " is not ", " was made "):
        assert english not in output
