"""Skip logic in the words of a form: each code a condition tests followed by the label a person
picks (`WOG.1 est l'un de yes, partial (« Oui », « Partiellement »)`), so a focal point filling a
workbook or a PDF form knows which of the choices they see opens the question."""

from __future__ import annotations

from mipat.questionnaires.conditions import Condition, answer_tests
from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.forms.choice_labels import choices
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.text_view import describe_condition
from mipat.questionnaires.ui_strings import ui


def condition_words(questionnaire: Questionnaire, condition: Condition, lang: Language) -> str:
    """`describe_condition`, each code list followed by the labels a person picks in the form:
    `WOG.1 est l'un de yes, partial (« Oui », « Partiellement »)`."""
    text = describe_condition(condition, lang)
    for test in answer_tests(condition):
        target = questionnaire.question(test.question) or questionnaire.field(test.question)
        codes = [str(c) for c in test.codes()]
        if target is None or not codes or target.type not in ("yes_no", "single_choice", "multiple_choice"):
            continue
        labels = dict(choices(questionnaire, target, lang))
        listed = ", ".join(codes)
        quoted = ", ".join(form_text("quoted", lang).format(label=labels.get(c, c)) for c in codes)
        for word in ("is", "is_not", "is_one_of", "includes"):  # the words describe_condition puts before codes
            said = f"{test.question} {ui(word, lang)} {listed}"
            if said in text:
                text = text.replace(said, f"{said} ({quoted})", 1)
                break
    return text
