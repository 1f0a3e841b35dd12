"""Hypothesis strategies for valid responses to the bundled questionnaire (answers and inventory)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from mipat.questionnaires.definition import Question, Questionnaire, default_questionnaire
from mipat.questionnaires.responses import Response
from mipat.questionnaires.source_files import Document
from mipat.questionnaires.validation import validate_document

QUESTIONNAIRE: Questionnaire = default_questionnaire()

# Some items can be checked (a reference or a date), some cannot: only the first kind counts as evidence.
evidence_item = st.fixed_dictionaries(
    {"title": st.sampled_from(["Decree 12/2021", "Minutes of meeting 3", "Annual report"])},
    optional={"reference": st.sampled_from(["No. 12/2021", "https://example.org/report"]), "date": st.just("2021-03")},
)
evidence_items = st.lists(evidence_item, max_size=2)


def value_strategy(question: Question, questionnaire: Questionnaire = QUESTIONNAIRE) -> st.SearchStrategy[Any]:
    codes = questionnaire.codes(question)
    if question.type in ("yes_no", "single_choice"):
        return st.sampled_from(codes)
    if question.type == "multiple_choice":
        exclusive = [o.code for o in questionnaire.options(question) if o.exclusive]
        plain = [c for c in codes if c not in exclusive]
        size = min(4, len(plain))
        subsets = st.permutations(plain).flatmap(lambda order: st.integers(1, size).map(lambda k: list(order[:k])))
        return st.one_of(subsets, st.just(exclusive[:1] or plain[:1]))
    if question.type == "integer":
        low = question.min if question.min is not None else 0
        return st.integers(min_value=low, max_value=min(question.max if question.max is not None else 50, low + 12))
    if question.type == "year":
        return st.integers(min_value=question.min or 1990, max_value=question.max or 2035)
    if question.type == "text":
        return st.sampled_from(["Ministry of the Interior", "Comité & <CMD>", "n/a"])
    if question.type == "evidence":
        return st.lists(evidence_item, min_size=1, max_size=2)
    return st.lists(
        st.fixed_dictionaries({"name": st.just("Partner"), "kind": st.sampled_from(codes)}), min_size=1, max_size=3
    )


@st.composite
def answer_entries(draw: st.DrawFn, question: Question) -> Any:
    value = draw(value_strategy(question))
    if draw(st.integers(0, 3)) == 0:
        return {"value": value, "evidence": draw(evidence_items)}
    return value


@st.composite
def partnerships(draw: st.DrawFn, index: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"PS-{index:02d}"}
    for field in QUESTIONNAIRE.inventory.fields:
        if field.required or draw(st.booleans()):
            item[field.id] = draw(value_strategy(field))
    return item


@st.composite
def response_data(draw: st.DrawFn, answered_share: float = 0.7) -> dict[str, Any]:
    """The raw content of a draft response file: each question answered with probability ~answered_share."""
    answers: dict[str, Any] = {}
    threshold = int(answered_share * 100)
    for question in QUESTIONNAIRE.questions():
        if draw(st.integers(0, 99)) < threshold:
            answers[question.id] = draw(answer_entries(question))
    _period_in_order(answers)
    count = draw(st.integers(0, 5))
    return {
        "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
        "status": "draft",
        "respondent": {"organisation": "Generated"},
        "answers": answers,
        "inventory": [draw(partnerships(i + 1)) for i in range(count)],
    }


def _period_in_order(answers: dict[str, Any]) -> None:
    """A period drawn ending before it starts is turned round: validation refuses it as written."""
    start, end = QUESTIONNAIRE.scope.get("period_start"), QUESTIONNAIRE.scope.get("period_end")
    if start in answers and end in answers:
        years = sorted(answers[q]["value"] if isinstance(answers[q], dict) else answers[q] for q in (start, end))
        for qid, year in zip((start, end), years, strict=True):
            if isinstance(answers[qid], dict):
                answers[qid]["value"] = year
            else:
                answers[qid] = year


def to_response(data: dict[str, Any]) -> Response:
    report = validate_document(Document("generated.yaml", data, {(): 1}))
    assert report.ok, [p.describe() for p in report.errors]
    assert report.response is not None
    return report.response


def responses(answered_share: float = 0.7) -> st.SearchStrategy[Response]:
    """Valid draft responses (answers hidden by skip logic are dropped, as validation does)."""
    return response_data(answered_share).map(to_response)
