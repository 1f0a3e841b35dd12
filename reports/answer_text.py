"""Answers as a reader sees them: option codes turned into the questionnaire's own labels in the report
language, evidence and partners as short lines. Plain text; the caller escapes it for its medium.
"""

from __future__ import annotations

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.responses import AnswerValue, Evidence, Partner, Response
from mipat.questionnaires.ui_strings import ui
from mipat.reports.strings import word


def option_label(questionnaire: Questionnaire | None, question: Question | None, code: str, lang: Language) -> str:
    if question is None or questionnaire is None:
        return code
    if question.type == "yes_no":
        return ui(code, lang) if code in question.yes_no_codes() else code
    for option in questionnaire.options(question):
        if option.code == code:
            return option.label.get(lang)
    return code


def evidence_line(evidence: Evidence, lang: Language) -> str:
    details = [word(f"pdf_evidence_kind_{evidence.kind}", lang)]
    details += [part for part in (evidence.reference, evidence.date) if part]
    return f"{evidence.title} ({', '.join(details)})"


def value_lines(
    questionnaire: Questionnaire | None, question: Question | None, value: AnswerValue, lang: Language
) -> list[str]:
    """One line per item of a list answer, one line otherwise; no line for an empty answer."""
    if value is None or value == []:
        return []
    if isinstance(value, list):
        lines: list[str] = []
        for item in value:
            if isinstance(item, Evidence):
                lines.append(evidence_line(item, lang))
            elif isinstance(item, Partner):
                lines.append(f"{item.name} ({partner_kind_label(questionnaire, question, item.kind, lang)})")
            else:
                lines.append(option_label(questionnaire, question, str(item), lang))
        return lines
    if isinstance(value, str) and question is not None and question.type in ("yes_no", "single_choice"):
        return [option_label(questionnaire, question, value, lang)]
    return [str(value)]


def partner_kind_label(
    questionnaire: Questionnaire | None, question: Question | None, kind: str, lang: Language
) -> str:
    if questionnaire is None:
        return kind
    field = question if question is not None and question.type == "partner_list" else questionnaire.field("partners")
    return option_label(questionnaire, field, kind, lang)


def answered_questions(questionnaire: Questionnaire | None, response: Response) -> tuple[int, int]:
    """(answered, asked): answers given, and questions the skip logic shows for these answers."""
    answered = {qid: a.value for qid, a in response.answers.items() if a.answered}
    if questionnaire is None:
        return len(answered), len(response.answers)
    shown = questionnaire.visible(answered)
    return sum(1 for qid in answered if qid in shown), len(shown)


def evidence_count(response: Response) -> int:
    """Evidence attached to answers and inventory entries, plus the items of evidence-list answers."""
    count = 0
    for answer in response.answers.values():
        count += len(answer.evidence)
        if isinstance(answer.value, list):
            count += sum(1 for item in answer.value if isinstance(item, Evidence))
    return count + sum(len(p.evidence) for p in response.inventory)


def evidence_titles(response: Response, qid: str) -> list[str]:
    """Titles of the evidence the respondent gave for one answer (attached, or listed as its value)."""
    answer = response.answers.get(qid)
    if answer is None:
        return []
    titles = [e.title for e in answer.evidence]
    if isinstance(answer.value, list):
        titles += [item.title for item in answer.value if isinstance(item, Evidence)]
    return titles
