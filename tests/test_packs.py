"""Rule packs are data: every mistake in one is refused at load time with its file, line and rule id."""

from __future__ import annotations

from pathlib import Path

import pytest

from mipat.questionnaires.problems import DefinitionError, Problem
from mipat.rules.metrics import metric_catalogue
from mipat.rules.packs import band_schemes, bundled_packs, load_pack

HEADER = """id: test-pack
version: 0.1.0
questionnaire: {id: mipat-partnerships, version: 1.0.0}
scored_by: principles
bands: sdg-10-7-2
title: {en: Test, fr: Essai, es: Prueba}
description: {en: Test, fr: Essai, es: Prueba}
rules:
  - id: TEST-01
    group: whole-of-government
    weight: 1
    texts: {met: {en: a, fr: a, es: a}, not_met: {en: b, fr: b, es: b}, recommendation: {en: c, fr: c, es: c}, rationale: {en: d, fr: d, es: d}}
"""


def _problems(tmp_path: Path, rule_lines: str) -> list[Problem]:
    path = tmp_path / "pack.yaml"
    path.write_text(HEADER + rule_lines)
    with pytest.raises(DefinitionError) as info:
        load_pack(path)
    assert all(p.file == str(path) for p in info.value.problems)
    return info.value.problems


def test_unknown_operator_is_refused_with_the_rule_id_and_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "    when: {q: WOG.1, like: yes}\n")
    assert any("rule TEST-01" in p.message and "unknown key 'like'" in p.message and p.line == 13 for p in problems)


def test_dangling_question_suggests_close_ids(tmp_path: Path) -> None:
    [problem] = _problems(tmp_path, "    when: {q: WOG.99, eq: yes}\n")
    assert problem.code == "bad-condition" and problem.line == 13
    assert "question WOG.99 does not exist" in problem.message and problem.expected


def test_code_the_question_does_not_have_is_refused(tmp_path: Path) -> None:
    [problem] = _problems(tmp_path, "    when: {q: WOG.1, eq: maybe}\n")
    assert "WOG.1 has no code 'maybe'" in problem.message and "partial" in (problem.expected or "")


def test_operator_that_does_not_fit_the_question_type_is_refused(tmp_path: Path) -> None:
    [problem] = _problems(tmp_path, "    when: {q: WOG.1, gte: 2}\n")
    assert "gte compares numbers, but WOG.1 is a yes_no question" in problem.message


def test_dangling_catalogue_reference_and_unknown_group_are_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "    refs: {targets: ['17.99']}\n    when: {q: WOG.1, eq: yes}\n")
    assert any(p.code == "dangling-reference" and "'17.99'" in p.message for p in problems)
    text = (HEADER + "    when: {q: WOG.1, eq: yes}\n").replace("group: whole-of-government", "group: whole-of-planet")
    path = tmp_path / "group.yaml"
    path.write_text(text)
    with pytest.raises(DefinitionError) as info:
        load_pack(path)
    assert info.value.problems[0].code == "unknown-group" and info.value.problems[0].line == 10


def test_unknown_metric_and_filter_codes_are_refused(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        "    when:\n      all:\n        - {metric: happiness, gte: 1}\n        - {partnerships: {where: {level: [planetary]}, gte: 1}}\n",
    )
    messages = " | ".join(p.message for p in problems)
    assert "unknown metric 'happiness'" in messages and "level has no code 'planetary'" in messages


def test_bundled_rule_texts_are_translated_not_copied() -> None:
    for loaded in bundled_packs():
        for rule in loaded.pack.rules:
            for key in ("met", "not_met", "recommendation"):
                text = getattr(rule.texts, key)
                assert text.fr != text.en and text.es != text.en, (rule.id, key)


def test_metric_and_band_labels_exist_in_three_languages() -> None:
    labels = [m.label for m in metric_catalogue().metrics] + [c.label for c in metric_catalogue().counterparts]
    labels += [b.label for scheme in band_schemes().values() for b in scheme.bands]
    assert labels and all(t.en and t.fr and t.es for t in labels)
