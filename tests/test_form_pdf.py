"""The fillable PDF form: exported blank or pre-filled, filled as a PDF reader would, imported back.

A PDF reader stores a radio group's export value (`/partial`), a check box's on state (`/Yes`) and
what was typed; the tests fill forms the same way with pypdf, writing drop-down lists with the
label a person sees in the form's language, and compare the imported response with the original.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from mipat.cli import main
from mipat.questionnaires.definition import Questionnaire, default_questionnaire
from mipat.questionnaires.forms import pdf_form_fields as names
from mipat.questionnaires.forms.choice_labels import choice_lookup, kind_lookup
from mipat.questionnaires.forms.pdf_form_export import export_pdf_form
from mipat.questionnaires.forms.pdf_form_import import import_pdf_form
from mipat.questionnaires.forms.response_data import response_data
from mipat.questionnaires.validation import load_response

EXAMPLES = Path(__file__).parents[1] / "examples"
EXAMPLE_FILES = ["national-origin-fr.yaml", "federal-destination-en.yaml", "city-es.yaml"]


def import_to_file(tmp_path: Path, pdf: bytes, name: str = "form.pdf") -> tuple[Any, Path]:
    form_path, out = tmp_path / name, tmp_path / f"{name}.yaml"
    form_path.write_bytes(pdf)
    result = CliRunner().invoke(main, ["import", str(form_path), "-o", str(out)])
    return result, out


def _parts(entry: Any) -> tuple[Any, str | None, list[dict[str, Any]]]:
    if isinstance(entry, dict) and ("value" in entry or "comment" in entry or "evidence" in entry):
        return entry.get("value"), entry.get("comment"), entry.get("evidence", [])
    return entry, None, []


def filled_values(questionnaire: Questionnaire, data: dict[str, Any], lang: str) -> dict[str, Any]:
    """What a person types and ticks in the blank form to give the response `data`."""
    values: dict[str, Any] = {}
    kinds = kind_lookup(lang)

    def put_value(question, base, value):  # type: ignore[no-untyped-def]
        kind = names.widget(questionnaire, question)
        if kind == "radio":
            values[base] = f"/{value}"
        elif kind == "dropdown":
            values[base] = choice_lookup(questionnaire, question, lang).label(value)
        elif kind == "checkboxes":
            for code in value:
                values[names.option_field(base, code)] = "/Yes"
        elif kind == "codes":
            values[base] = ", ".join(value)
        else:
            values[base] = str(value)

    def put_evidence(base, items):  # type: ignore[no-untyped-def]
        for row, item in enumerate(items, start=1):
            for part, text in item.items():
                values[names.evidence_field(base, row, part)] = kinds.label(text) if part == "kind" else text

    for key, text in data["respondent"].items():
        values[names.respondent_field(key)] = text
    values[names.STATUS] = f"/{data['status']}"
    values[names.ANSWER_LANGUAGE] = f"/{data['language']}"
    for qid, entry in data["answers"].items():
        question = questionnaire.question(qid)
        base = names.question_field(qid)
        value, comment, evidence = _parts(entry)
        if question.type == "evidence":
            put_evidence(base, value or [])
        elif value is not None:
            put_value(question, base, value)
        if comment is not None:
            values[names.comment_field(base)] = comment
        put_evidence(base, evidence)
    for row, item in enumerate(data["inventory"], start=1):
        values[names.item_field(row, "id")] = item["id"]
        for field in questionnaire.inventory.fields:
            if field.id not in item:
                continue
            if field.type == "partner_list":
                lookup = choice_lookup(questionnaire, field, lang)
                for n, partner in enumerate(item[field.id], start=1):
                    values[names.partner_field(row, n, "name")] = partner["name"]
                    values[names.partner_field(row, n, "kind")] = lookup.label(partner["kind"])
            else:
                put_value(field, names.item_field(row, field.id), item[field.id])
        if "comment" in item:
            values[names.comment_field(names.item_base(row))] = item["comment"]
        put_evidence(names.item_base(row), item.get("evidence", []))
    return values


def filled(pdf: bytes, values: dict[str, Any]) -> bytes:
    """The form with `values` set as a PDF reader sets them when a person fills it in and saves."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def edited(pdf: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The form after `change(field_dict_by_name)` edits its field dictionaries directly."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    by_name = {}
    for page in writer.pages:
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            target = widget["/Parent"].get_object() if "/Parent" in widget else widget
            by_name[str(target.get("/T"))] = target
    change(by_name)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return default_questionnaire()


@pytest.fixture(scope="module")
def blank_fr(questionnaire) -> bytes:
    return export_pdf_form(questionnaire, "fr", None)


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_a_prefilled_form_imports_back_to_the_same_response(example, questionnaire, tmp_path):
    original = load_response(EXAMPLES / example)
    pdf = export_pdf_form(questionnaire, original.language, original)
    result, out = import_to_file(tmp_path, pdf)
    assert result.exit_code == 0, result.output
    imported = load_response(out)
    assert imported == original


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_a_blank_form_filled_in_a_pdf_reader_imports_to_the_response_typed_into_it(example, questionnaire, tmp_path):
    original = load_response(EXAMPLES / example)
    lang = original.language
    blank = export_pdf_form(questionnaire, lang, None)
    pdf = filled(blank, filled_values(questionnaire, response_data(questionnaire, original), lang))
    result, out = import_to_file(tmp_path, pdf)
    assert result.exit_code == 0, result.output
    imported = load_response(out)
    assert imported == original


def test_the_import_records_the_field_and_page_of_each_value(questionnaire, tmp_path):
    original = load_response(EXAMPLES / "national-origin-fr.yaml")
    result, out = import_to_file(tmp_path, export_pdf_form(questionnaire, "fr", original))
    assert result.exit_code == 0, result.output
    source = yaml.safe_load(out.read_text())["imported_from"]
    assert source["format"] == "pdf-form" and source["form_language"] == "fr"
    places = source["places"]
    assert places["answers.WOG.1"].startswith("champ WOG_1 (page ")  # in the form's language
    assert places["respondent.organisation"] == "champ respondent-organisation (page 1)"
    assert places["inventory[0].name"].startswith("champ inv1-name (page ")


def test_two_exports_of_the_same_form_are_byte_identical(questionnaire, blank_fr):
    assert export_pdf_form(questionnaire, "fr", None) == blank_fr


def test_the_form_records_its_questionnaire_version_and_language_in_hidden_fields(questionnaire, blank_fr):
    fields = PdfReader(io.BytesIO(blank_fr)).get_fields()
    assert fields[names.MARKER]["/V"] == names.MARKER_VALUE
    assert fields[names.QUESTIONNAIRE]["/V"] == questionnaire.id
    assert fields[names.VERSION]["/V"] == questionnaire.version
    assert fields[names.LANGUAGE]["/V"] == "fr"
    assert "WOG_1" in fields and "WOG_3-foreign_affairs" in fields
    assert not any("." in name for name in fields)  # `.` would split a name into a hierarchy


def test_markup_and_formula_like_text_stay_literal_in_a_prefilled_form(questionnaire, tmp_path):
    original = load_response(EXAMPLES / "national-origin-fr.yaml")
    comment = "<b>gras</b> & =SOMME(A1:A3) — mise en œuvre, نص عربي"
    answers = dict(original.answers)
    answers["WOG.1"] = answers["WOG.1"].model_copy(update={"comment": comment})
    response = original.model_copy(update={"answers": answers})
    pdf = export_pdf_form(questionnaire, "fr", response)
    assert PdfReader(io.BytesIO(pdf)).get_fields()["WOG_1-comment"]["/V"] == comment
    result, out = import_to_file(tmp_path, pdf)
    assert result.exit_code == 0, result.output
    assert load_response(out).answers["WOG.1"].comment == comment


def refused(tmp_path: Path, pdf: bytes) -> str:
    result, out = import_to_file(tmp_path, pdf)
    assert result.exit_code == 1, result.output
    assert not out.exists()
    return result.output


def test_a_pdf_without_form_fields_is_not_a_mipat_form(tmp_path):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, "Rapport")
    page.save()
    assert "not a mipat PDF form" in refused(tmp_path, buffer.getvalue())


def test_a_damaged_pdf_is_refused(tmp_path):
    assert "cannot be read" in refused(tmp_path, b"%PDF-1.4\n garbage")


def test_a_truncated_form_is_refused_in_one_line_without_pypdfs_own_warnings(blank_fr, tmp_path):
    # pypdf logs its repairs through `logging`, which reaches the real stderr: run the real command.
    import subprocess
    import sys

    form = tmp_path / "tronque.pdf"
    form.write_bytes(blank_fr[:3000])
    done = subprocess.run(
        [sys.executable, "-m", "mipat.cli", "import", str(form), "-o", str(tmp_path / "r.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "EOF marker" not in done.stderr, done.stderr
    assert not (tmp_path / "r.yaml").exists()


def test_a_renamed_field_is_reported_as_missing_at_its_name(blank_fr, tmp_path):
    def rename(fields):  # type: ignore[no-untyped-def]
        fields["WOG_2-comment"][NameObject("/T")] = TextStringObject("commentaire")

    output = refused(tmp_path, edited(blank_fr, rename))  # told in the form's language, French
    assert "champ WOG_2-comment" in output and "introuvable dans le formulaire" in output


def test_a_value_outside_the_list_is_reported_at_its_field(blank_fr, tmp_path):
    values = {"WOG_1-ev1-kind": "Télégramme", "inv1-instrument": "treaty_of_friendship"}
    output = refused(tmp_path, filled(blank_fr, values))
    assert "champ WOG_1-ev1-kind (page" in output and "'Télégramme' ne fait pas partie des réponses" in output
    assert "champ inv1-instrument" in output  # every problem at once


def test_a_number_field_holding_words_is_reported(blank_fr, tmp_path):
    output = refused(tmp_path, filled(blank_fr, {"RS_5": "deux mille"}))
    assert "champ RS_5" in output and "'deux mille' n'est pas un nombre entier" in output


def test_a_form_of_another_questionnaire_version_is_refused(blank_fr, tmp_path):
    def other_version(fields):  # type: ignore[no-untyped-def]
        fields[names.VERSION][NameObject("/V")] = TextStringObject("0.9.0")

    output = refused(tmp_path, edited(blank_fr, other_version))
    assert "mipat-partnerships 0.9.0" in output and "champ mipat_version" in output


def test_a_french_form_is_refused_in_french_only_without_lang(blank_fr, tmp_path):
    """Places, count and messages in the form's language: no English word meets a French reader."""
    output = refused(tmp_path, filled(blank_fr, {"RS_5": "deux mille", "WOG_1-ev1-kind": "Télégramme"}))
    output = output.replace("\u202f", " ")  # French puts a narrow no-break space before ':'
    assert output.startswith("erreur : 2 champs du formulaire PDF posent problème")
    assert "champ RS_5 (page 3) : erreur : question RS.5 : 'deux mille' n'est pas un nombre entier" in output
    assert "champ WOG_1-ev1-kind (page" in output
    for english in (" field ", " row ", " column ", " sheet ", " file ", "error", " is not "):
        assert english not in output


def test_the_french_form_exports_and_imports_in_a_few_seconds(questionnaire, tmp_path):
    original = load_response(EXAMPLES / "national-origin-fr.yaml")
    start = time.perf_counter()
    pdf = export_pdf_form(questionnaire, "fr", original)
    exported = time.perf_counter()
    import_pdf_form(pdf, "form.pdf")
    imported = time.perf_counter()
    assert len(pdf) < 6_000_000
    assert exported - start < 20 and imported - exported < 20
