"""Property tests: whatever a file contains, validation ends in a report, never an unhandled exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mipat.questionnaires.definition import default_questionnaire
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import Document, decode, parse_json, parse_yaml
from mipat.questionnaires.validation import validate_document

QUESTIONNAIRE = default_questionnaire()
QUESTION_IDS = [q.id for q in QUESTIONNAIRE.questions()]
FIELD_IDS = [f.id for f in QUESTIONNAIRE.inventory.fields]
CODES = sorted({c for q in QUESTIONNAIRE.questions() for c in QUESTIONNAIRE.codes(q)})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(CODES),
)
junk = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=10) | st.sampled_from(FIELD_IDS), children, max_size=5),
    ),
    max_leaves=25,
)
answer_values = st.one_of(
    junk,
    st.sampled_from(CODES),
    st.lists(st.sampled_from(CODES), max_size=4),
    st.fixed_dictionaries({"value": junk}, optional={"comment": junk, "evidence": junk}),
)
envelopes = st.fixed_dictionaries(
    {
        "questionnaire": st.just({"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version}),
        "status": st.sampled_from(["draft", "final", "other", 3]),
    },
    optional={
        "respondent": junk | st.just({"organisation": "Ministry"}),
        "language": st.sampled_from(["en", "fr", "es", "xx", None]),
        "answers": st.dictionaries(st.sampled_from(QUESTION_IDS) | st.text(max_size=8), answer_values, max_size=12)
        | junk,
        "inventory": st.lists(
            st.dictionaries(st.sampled_from([*FIELD_IDS, "id", "comment", "evidence"]), junk), max_size=3
        )
        | junk,
    },
)


def _validate(data: Any) -> None:
    report = validate_document(Document("prop.yaml", data, {(): 1}))
    for problem in report.problems:
        assert problem.message and problem.file == "prop.yaml"
    if report.ok:
        assert report.response is not None
    else:
        assert report.response is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk)
def test_arbitrary_junk_document_is_an_invalid_response_not_a_crash(data: Any) -> None:
    report = validate_document(Document("junk.yaml", data, {(): 1}))
    assert not report.ok
    assert report.errors[0].file == "junk.yaml"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(envelopes)
def test_any_answers_under_a_valid_header_give_a_report(data: dict[str, Any]) -> None:
    _validate(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_parses_or_fails_with_a_located_input_error(text: str) -> None:
    for parse in (parse_yaml, parse_json):
        try:
            document = parse(text, "t")
        except InputError as exc:
            assert exc.problems and exc.problems[0].file == "t"
            continue
        _validate(document.data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_decoded_or_refused_clearly(raw: bytes) -> None:
    try:
        text = decode(raw, "b.yaml")
    except InputError as exc:
        assert exc.problems[0].code in {"not-utf8", "binary"}
        return
    try:
        parse_yaml(text, "b.yaml")
    except InputError as exc:
        assert exc.problems[0].file == "b.yaml"


def test_property_strategies_reach_valid_responses_too(tmp_path: Path) -> None:
    """Guards the strategies above: a plain valid draft from the same building blocks is valid."""
    data = {"questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version}, "status": "draft"}
    report = validate_document(Document("ok.yaml", data, {(): 1}))
    assert report.ok
