"""`mipat import`: a filled form in, validated response data out, each problem placed in the form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mipat.questionnaires.forms.detect import detect_kind
from mipat.questionnaires.forms.imported import FormError, ImportedForm, placed
from mipat.questionnaires.forms.response_data import response_yaml
from mipat.questionnaires.problems import Problem, Wording
from mipat.questionnaires.safe_text import display_name
from mipat.questionnaires.source_files import Document, Location, read_bytes
from mipat.questionnaires.validation import ValidationReport, validate_document

MAX_FORM_BYTES = 50 * 1024 * 1024


@dataclass
class FormFile:
    name: str  # as displayed and recorded
    sha256: str
    forms: list[ImportedForm]


class _FormDocument(Document):
    """Response data from a form: a problem is placed where its value was in the form."""

    def __init__(self, file: str, form: ImportedForm) -> None:
        super().__init__(file=file, data=form.data)
        self.form = form

    def problem(self, code: str, message: str | Wording, location: Location = (), **extra: Any) -> Problem:
        problem = super().problem(code, message, location, **extra)
        return problem.model_copy(update={"file": placed(self.file, self.form.place_of(location)), "line": None})


def read_form(path: Path) -> FormFile:
    """Every response the form file at `path` holds (one, or one per submission of a data export)."""
    name = display_name(path)
    data = read_bytes(path, display=name, max_bytes=MAX_FORM_BYTES)
    kind = detect_kind(data, name)
    if kind == "workbook":
        from mipat.questionnaires.forms.workbook_import import import_workbook

        forms = [import_workbook(data, name)]
    elif kind == "pdf-form":
        from mipat.questionnaires.forms.pdf_form_import import import_pdf_form

        forms = [import_pdf_form(data, name)]
    else:
        from mipat.questionnaires.forms.submissions_import import import_submissions

        forms = import_submissions(data, name, kind)
    return FormFile(name=name, sha256=hashlib.sha256(data).hexdigest(), forms=forms)


def validate_form(form_file: FormFile, form: ImportedForm) -> ValidationReport:
    name = form_file.name if form.submission is None else f"{form_file.name} [{form.submission}]"
    return validate_document(_FormDocument(name, form))


def imported_yaml(form_file: FormFile, form: ImportedForm) -> str:
    """The response file of an import: the answers, then where each came from."""
    data = dict(form.data)
    source: dict[str, Any] = {
        "file": form_file.name,
        "sha256": form_file.sha256,
        "format": form.format,
        "form_language": form.form_language,
    }
    if form.submission is not None:
        source["submission"] = form.submission
    source["places"] = form.places_by_pointer()
    data["imported_from"] = source
    header = [f"Imported by mipat from {form_file.name} ({form.format}, {form.form_language})."]
    return response_yaml(data, header)


__all__ = ["FormError", "FormFile", "imported_yaml", "read_form", "validate_form"]
