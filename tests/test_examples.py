"""The bundled examples: complete, final responses in the three languages, for three kinds of authority."""

from __future__ import annotations

from pathlib import Path

import pytest

from mipat.questionnaires.validation import validate_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPECTED = {
    "national-origin-fr.yaml": ("fr", "national"),
    "federal-destination-en.yaml": ("en", "federal"),
    "city-es.yaml": ("es", "local"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_is_a_valid_final_response_without_warnings(name: str) -> None:
    report = validate_file(EXAMPLES / name)
    assert report.ok, [p.describe() for p in report.problems]
    assert not report.warnings, [p.describe() for p in report.warnings]
    response = report.response
    assert response is not None and response.status == "final"
    language, authority = EXPECTED[name]
    assert response.language == language
    assert response.value("RS.1") == authority
    assert len(response.inventory) >= 4
    assert sum(len(a.evidence) for a in response.answers.values()) >= 10


def test_examples_are_different_profiles() -> None:
    answers = []
    for name in sorted(EXPECTED):
        response = validate_file(EXAMPLES / name).response
        assert response is not None
        answers.append({qid: a.value for qid, a in response.answers.items()})
    for first, second in [(0, 1), (0, 2), (1, 2)]:
        shared = set(answers[first]) & set(answers[second])
        differing = [q for q in shared if answers[first][q] != answers[second][q]]
        assert len(differing) >= 20, "examples should differ in substance, not only in names"
