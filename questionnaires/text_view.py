"""The questionnaire as readable terminal text, grouped by section (`mipat questionnaire show`)."""

from __future__ import annotations

import textwrap

from mipat.questionnaires.conditions import AllOf, AnswerTest, AnyOf, Condition, Not
from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.ui_strings import ui

WIDTH = 100
INDENT = " " * 8


def describe_condition(condition: Condition, lang: Language) -> str:
    """A condition in words, e.g. `WOG.1 is one of yes, partial`."""
    if isinstance(condition, AllOf):
        return f" {ui('and', lang)} ".join(_group(c, lang) for c in condition.all)
    if isinstance(condition, AnyOf):
        return f" {ui('or', lang)} ".join(_group(c, lang) for c in condition.any)
    if isinstance(condition, Not):
        return f"{ui('not', lang)} ({describe_condition(condition.not_, lang)})"
    assert isinstance(condition, AnswerTest)
    q, op = condition.question, condition.operator
    if op == "answered":
        return f"{q} {ui('is_answered' if condition.answered else 'is_unanswered', lang)}"
    words = {"equals": "is", "not_equals": "is_not", "in": "is_one_of", "includes": "includes"}
    if op in words:
        return f"{q} {ui(words[op], lang)} {', '.join(str(c) for c in condition.codes())}"
    return f"{q} {'≥' if op == 'gte' else '≤'} {condition.operand(op)}"


def _group(condition: Condition, lang: Language) -> str:
    text = describe_condition(condition, lang)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text


def _wrap(text: str, indent: str = INDENT) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def question_lines(questionnaire: Questionnaire, question: Question, lang: Language) -> list[str]:
    flag = f" [{ui('required', lang)}]" if question.required else ""
    head = f"{question.id:<8}"
    lines = textwrap.wrap(question.text.get(lang) + flag, WIDTH, initial_indent=head, subsequent_indent=INDENT)
    kind = ui(f"type_{question.type}", lang)
    if question.type in ("integer", "year") and (question.min is not None or question.max is not None):
        kind += f" ({ui('range', lang)} {question.min if question.min is not None else '…'}–"
        kind += f"{question.max if question.max is not None else '…'})"
    lines += _wrap(f"→ {kind}")
    if question.type == "yes_no":
        codes = question.yes_no_codes()
        lines += _wrap("; ".join(f"{c} = {ui(c, lang)}" for c in codes), INDENT + "  ")
    else:
        for option in questionnaire.options(question):
            lines += _wrap(f"{option.code} = {option.label.get(lang)}", INDENT + "  ")
    if question.show_if is not None:
        lines += _wrap(f"{ui('shown_if', lang)}: {describe_condition(question.show_if, lang)}")
    if question.help is not None:
        lines += _wrap(f"{ui('help', lang)}: {question.help.get(lang)}")
    refs = references_text(question)
    if refs:
        lines += _wrap(f"{ui('refs', lang)}: {refs}")
    return lines


def references_text(question: Question) -> str:
    r = question.refs
    parts = [f"GCM {p}" for p in r.principles]
    parts += [f"GCM obj. {o}" for o in r.objectives] + [f"GCM {a}" for a in r.actions]
    parts += [f"SDG {t}" for t in r.targets] + [f"SDG 10.7.2 {s}" for s in r.sdg_1072]
    return ", ".join(parts)


def render_questionnaire(questionnaire: Questionnaire, lang: Language) -> str:
    count = len(questionnaire.questions())
    lines = [
        f"{questionnaire.title.get(lang)}",
        f"{questionnaire.id} {ui('version', lang)} {questionnaire.version} · "
        f"{len(questionnaire.sections)} {ui('sections', lang)} · {count} {ui('questions', lang)}",
        "",
        *_wrap(questionnaire.description.get(lang), ""),
    ]
    for section in questionnaire.sections:
        lines += ["", f"== {section.id} · {section.title.get(lang)} ==".upper()]
        if section.intro is not None:
            lines += _wrap(section.intro.get(lang), "")
        for question in section.questions:
            lines += ["", *question_lines(questionnaire, question, lang)]
    inventory = questionnaire.inventory
    lines += ["", f"== {inventory.title.get(lang)} ==".upper(), *_wrap(inventory.intro.get(lang), "")]
    for field in inventory.fields:
        lines += ["", *question_lines(questionnaire, field, lang)]
    return "\n".join(lines) + "\n"
