"""Skip logic (`show_if`) as the XPath of an XLSForm `relevant` column.

mipat's conditions say an unanswered question satisfies no comparison (`not_equals: none` is false
while the question is blank), whereas in XPath a blank field is the empty string, which differs from
'none'. Each comparison therefore tests that the field is answered first, so a question shows in
KoboToolbox or ODK Collect exactly when mipat would expect its answer.
"""

from __future__ import annotations

from collections.abc import Callable

from mipat.questionnaires.conditions import AllOf, AnswerTest, AnyOf, Condition, Not
from mipat.questionnaires.definition import Question


class UnsupportedCondition(ValueError):
    """A condition with no XPath equivalent here: the export fails rather than drop the skip logic."""


def _literal(value: object) -> str:
    text = str(value)
    if "'" in text:
        raise UnsupportedCondition(f"code {text!r} contains a quote")
    return f"'{text}'"


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnsupportedCondition(f"{value!r} is not a whole number")
    return str(value)


def _test(test: AnswerTest, question: Question, ref: str) -> str:
    op, operand = test.operator, test.operand(test.operator)
    multiple = question.type == "multiple_choice"
    numeric = question.type in ("integer", "year")
    if question.type in ("evidence", "partner_list"):
        raise UnsupportedCondition(f"{test.question} is a repeat; its answers cannot be compared")
    if op == "answered":
        return f"{ref} != ''" if operand else f"{ref} = ''"
    if op == "includes":
        if not multiple:
            raise UnsupportedCondition(f"'includes' needs a multiple choice; {test.question} is {question.type}")
        return f"selected({ref}, {_literal(operand)})"
    if multiple:
        raise UnsupportedCondition(f"{op!r} compares one value; {test.question} is a multiple choice")
    value = _number if numeric else _literal
    if op == "equals":
        return f"{ref} = {value(operand)}"
    if op == "not_equals":
        return f"({ref} != '' and {ref} != {value(operand)})"
    if op == "in":
        return "(" + " or ".join(f"{ref} = {value(item)}" for item in operand) + ")"
    if not numeric:
        raise UnsupportedCondition(f"{op!r} needs a number; {test.question} is {question.type}")
    return f"({ref} != '' and {ref} {'>=' if op == 'gte' else '<='} {_number(operand)})"


def relevant(condition: Condition, question_of: Callable[[str], Question | None], name_of: Callable[[str], str]) -> str:
    """The XPath for `condition`; `question_of` finds a tested question, `name_of` gives its field name."""
    if isinstance(condition, AllOf):
        return "(" + " and ".join(relevant(c, question_of, name_of) for c in condition.all) + ")"
    if isinstance(condition, AnyOf):
        return "(" + " or ".join(relevant(c, question_of, name_of) for c in condition.any) + ")"
    if isinstance(condition, Not):
        return f"not({relevant(condition.not_, question_of, name_of)})"
    question = question_of(condition.question)
    if question is None:
        raise UnsupportedCondition(f"{condition.question} is not a question of this form")
    return _test(condition, question, f"${{{name_of(condition.question)}}}")
