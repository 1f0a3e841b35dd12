"""What an import of a form gives: response data, and the place in the form each value came from.

Every importer returns `ImportedForm`s and raises `FormError` for a form it cannot read, each
problem located by place (`ministere.xlsx '3 WOG'!D14`, `formulaire.pdf champ WOG_1 (page 10)`), so a
focal point fixes the form they filled, not a YAML file they never saw. A place is worded in the form's
language (`place_words`), like the FormError's `language`, so a French form is told in French only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.problems import InputError, Problem, Wording, worded
from mipat.questionnaires.source_files import Location, pointer

if TYPE_CHECKING:
    from mipat.questionnaires.definition import Questionnaire

FormFormat = Literal["workbook", "xlsform-xlsx", "xlsform-csv", "pdf-form"]


@dataclass
class ImportedForm:
    data: dict[str, Any]  # the response file content: questionnaire, status, language, respondent, answers, inventory
    format: FormFormat
    form_language: Language
    places: dict[Location, str] = field(default_factory=dict)  # location in `data` -> place in the form
    submission: str | None = None  # a KoboToolbox/ODK submission's id

    def place_of(self, location: Location) -> str | None:
        """The place of `location` or of its nearest placed ancestor."""
        loc = tuple(location)
        while loc:
            if loc in self.places:
                return self.places[loc]
            loc = loc[:-1]
        return None

    def places_by_pointer(self) -> dict[str, str]:
        # in the order the importer read them: the form's order, which is the questionnaire's
        return {pointer(loc): place for loc, place in self.places.items()}


def placed(file: str, place: str | None) -> str:
    """The `file` field of a problem found at `place` in a form."""
    return f"{file} {place}" if place else file


def place_words(key: str, lang: Language, **values: object) -> str:
    """A place's words in the form's language: `place_words("place_row", "fr", n=2)` is `ligne 2`."""
    return form_text(key, lang).format(**values)


def form_problem(
    file: str,
    place: str | None,
    code: str,
    message: str | Wording,
    *,
    question: str | None = None,
    expected: str | Wording | None = None,
) -> Problem:
    return Problem.from_words(code, message, file=placed(file, place), question=question, expected=expected)


def not_a_form(file: str, wording: Wording) -> FormError:
    """The error for a file that is no importable form at all (the wrong kind, damaged, a bomb)."""
    return FormError(wording, [form_problem(file, None, "not-a-form", wording)])


class FormError(InputError):
    """A form that cannot be imported: wrong kind of file, another questionnaire version, a value
    outside its list, a deleted sheet or field (exit code 1; nothing is written)."""


def form_questionnaire(
    file: str, place: str | None, qid: str, version: str, language: Language | None = None
) -> Questionnaire:
    """The bundled questionnaire a form was made for, or a FormError naming the versions this mipat reads,
    told in the form's `language` when its marker was read."""
    from mipat.questionnaires.definition import bundled_questionnaires, find_questionnaire

    found = find_questionnaire(qid, version)
    if found is None:
        known = [q for q in bundled_questionnaires() if q.id == qid] or list(bundled_questionnaires())
        versions = ", ".join(f"{q.id} {v}" for q in known for v in (q.version, *(e.version for e in q.supersedes)))
        wording = worded("form_other_version", form_version=f"{qid} {version}", versions=versions)
        raise FormError(wording, [form_problem(file, place, "form-version", wording)], language=language)
    return found
