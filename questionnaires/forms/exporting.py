"""`mipat questionnaire export`: the questionnaire as a form to fill in, blank or pre-filled."""

from __future__ import annotations

from typing import Literal

from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.responses import Response

ExportFormat = Literal["xlsx", "xlsform", "pdf"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("xlsx", "xlsform", "pdf")
PREFILLABLE: tuple[ExportFormat, ...] = ("xlsx", "pdf")  # an XLSForm is a form definition: it holds no answers


def export_form(fmt: ExportFormat, questionnaire: Questionnaire, lang: Language, response: Response | None) -> bytes:
    """The form file's bytes; the same inputs give the same bytes."""
    if fmt == "xlsx":
        from mipat.questionnaires.forms.workbook_export import export_workbook

        return export_workbook(questionnaire, lang, response)
    if fmt == "pdf":
        from mipat.questionnaires.forms.pdf_form_export import export_pdf_form

        return export_pdf_form(questionnaire, lang, response)
    from mipat.questionnaires.forms.xlsform_export import export_xlsform

    return export_xlsform(questionnaire, lang)
