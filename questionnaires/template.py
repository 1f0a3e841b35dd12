"""A blank response file for a questionnaire: YAML with each question's text as a comment, or JSON."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.text_view import describe_condition
from mipat.questionnaires.ui_strings import ui

WIDTH = 96


def _comment(text: str, indent: str = "") -> list[str]:
    prefix = f"{indent}# "
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=prefix, subsequent_indent=prefix) or [prefix]


def _scalar(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, so any text round-trips unchanged.
    return json.dumps(value, ensure_ascii=False)


def _question_comment(questionnaire: Questionnaire, question: Question, lang: Language, indent: str) -> list[str]:
    flag = f" [{ui('required', lang)}]" if question.required else ""
    lines = _comment(f"{question.id}{flag} {question.text.get(lang)}", indent)
    if question.type == "yes_no":
        choices = " | ".join(question.yes_no_codes())
    elif question.type in ("single_choice", "multiple_choice", "partner_list"):
        choices = " | ".join(f"{o.code} ({o.label.get(lang)})" for o in questionnaire.options(question))
    else:
        choices = ""
    kind = ui(f"type_{question.type}", lang)
    if question.type in ("integer", "year") and (question.min is not None or question.max is not None):
        kind += (
            f", {question.min if question.min is not None else '…'}–{question.max if question.max is not None else '…'}"
        )
    lines += _comment(f"  → {kind}" + (f": {choices}" if choices else ""), indent)
    if question.show_if is not None:
        lines += _comment(f"  {ui('shown_if', lang)}: {describe_condition(question.show_if, lang)}", indent)
    return lines


def blank_response(questionnaire: Questionnaire, lang: Language) -> dict[str, Any]:
    """The data of a blank draft: every question unanswered, no partnership yet."""
    return {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "status": "draft",
        "language": lang,
        "respondent": {"organisation": None, "name": None, "role": None, "email": None},
        "answers": {question.id: None for question in questionnaire.questions()},
        "inventory": None,
    }


def render_json_template(questionnaire: Questionnaire, lang: Language) -> str:
    """The blank draft as JSON, which has no comments: the questions are in `mipat questionnaire show`
    and, in an editor, in the schema from `mipat schema --response`."""
    return json.dumps(blank_response(questionnaire, lang), ensure_ascii=False, indent=2) + "\n"


def render_template(questionnaire: Questionnaire, lang: Language, *, schema: str | None = None) -> str:
    """The blank draft as commented YAML; `schema`, a path relative to the file, is named in the
    modeline that the YAML language server (VS Code's YAML extension) reads."""
    modeline = [f"# yaml-language-server: $schema={schema}"] if schema is not None else []
    lines = [
        *modeline,
        f"# {ui('template_title', lang)}: {questionnaire.title.get(lang)} ({questionnaire.id} {questionnaire.version})",
        *_comment(ui("template_howto", lang)),
        *_comment(ui("template_entry", lang)),
        f"questionnaire: {{id: {questionnaire.id}, version: {_scalar(questionnaire.version)}}}",
        "status: draft",
        f"language: {lang}",
        *_comment(ui("template_respondent", lang)),
        "respondent:",
        "  organisation: null",
        "  name: null",
        "  role: null",
        "  email: null",
        "answers:",
    ]
    for section in questionnaire.sections:
        lines += ["", f"  # ── {section.id} · {section.title.get(lang)} ──"]
        for question in section.questions:
            lines += _question_comment(questionnaire, question, lang, "  ")
            lines.append(f"  {question.id}: null")
    inventory = questionnaire.inventory
    lines += ["", f"# ── {inventory.title.get(lang)} ──", *_comment(inventory.intro.get(lang))]
    lines += _comment(ui("template_inventory", lang))
    lines += ["inventory:", "#  - id: PS-01"]
    for field in inventory.fields:
        lines += _question_comment(questionnaire, field, lang, "#   ")
        example = "[{name: ..., kind: state}]" if field.type == "partner_list" else "null"
        lines.append(f"#    {field.id}: {example}")
    return "\n".join(lines) + "\n"
