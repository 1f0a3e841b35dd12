"""Labels a person picks in a form, and the codes they stand for.

A form shows labels in its language (a drop-down of "Partiellement", not `partial`); an import maps
each label back to its code. A label is recognised in any of the three languages, and so is the code
itself, ignoring case, accents' composition and repeated spaces, so a workbook exported in French
and filled by an English-speaking colleague still imports. Labels are unique within a question in
each language (checked by the tests over the bundled questionnaire).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.i18n import LANGUAGES, Language
from mipat.questionnaires.responses import EVIDENCE_KINDS
from mipat.questionnaires.ui_strings import ui

STATUSES = ("draft", "final")


def choices(questionnaire: Questionnaire, question: Question, lang: Language) -> list[tuple[str, str]]:
    """(code, label) of every answer a yes/no, choice or partner-kind question accepts, in order."""
    if question.type == "yes_no":
        return [(code, ui(code, lang)) for code in question.yes_no_codes()]
    return [(option.code, option.label.get(lang)) for option in questionnaire.options(question)]


def evidence_kinds(lang: Language) -> list[tuple[str, str]]:
    return [(kind, form_text(f"kind_{kind}", lang)) for kind in EVIDENCE_KINDS]


def statuses(lang: Language) -> list[tuple[str, str]]:
    return [(status, form_text(f"status_{status}", lang)) for status in STATUSES]


def languages(lang: Language) -> list[tuple[str, str]]:
    return [(code, form_text(f"language_{code}", lang)) for code in LANGUAGES]


def folded(text: str) -> str:
    """The form of a label used for matching: NFC, case-folded, single spaces, no outer spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class Lookup:
    """Code for a label or code typed or picked in a form, in any language."""

    def __init__(self, entries: Sequence[tuple[str, str]], *others: Sequence[tuple[str, str]]) -> None:
        self.codes = [code for code, _ in entries]
        self.labels = dict(entries)
        self._map: dict[str, str] = {}
        for code, label in (*entries, *(pair for other in others for pair in other)):
            self._map.setdefault(folded(label), code)
        for code in self.codes:
            self._map.setdefault(folded(code), code)

    def code(self, text: str) -> str | None:
        return self._map.get(folded(text))

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


def choice_lookup(questionnaire: Questionnaire, question: Question, lang: Language) -> Lookup:
    return Lookup(choices(questionnaire, question, lang), *(choices(questionnaire, question, o) for o in LANGUAGES))


def kind_lookup(lang: Language) -> Lookup:
    return Lookup(evidence_kinds(lang), *(evidence_kinds(o) for o in LANGUAGES))


def status_lookup(lang: Language) -> Lookup:
    return Lookup(statuses(lang), *(statuses(o) for o in LANGUAGES))


def language_lookup(lang: Language) -> Lookup:
    return Lookup(languages(lang), *(languages(o) for o in LANGUAGES))
