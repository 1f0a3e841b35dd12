"""Packs and tailoring files that would double-count, overflow the engine or hide a decision are
refused with file and line (reliability review F3, F15, F16 and issue 11 item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mipat.assessment.tailoring import MAX_JUSTIFICATION, load_tailoring
from mipat.questionnaires.problems import DefinitionError, InputError, MipatError
from mipat.rules.packs import available_packs

DATA = Path(__file__).parent / "data"
CUSTOM = (DATA / "custom_pack.yaml").read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_custom_pack_cannot_take_a_bundled_packs_id(tmp_path: Path) -> None:
    """Review F3: a custom `id: sdg-17` was merged into the bundled SDG 17 groups and counted twice."""
    text = CUSTOM.replace("id: city-extra", "id: sdg-17").replace("scored_by: principles", "scored_by: targets")
    text = text.replace("group: whole-of-society", 'group: "17.16"')
    with pytest.raises(DefinitionError) as caught:
        available_packs([write(tmp_path, "dup.yaml", text)])
    (problem,) = caught.value.problems
    assert problem.code == "duplicate-pack-id" and problem.file.endswith("dup.yaml") and problem.line == 2
    assert "sdg-17" in problem.message and "rules/packs/sdg-17.yaml" in problem.message


def test_two_custom_packs_cannot_share_an_id_or_a_rule_id(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", CUSTOM)
    second = write(tmp_path, "b.yaml", CUSTOM)
    with pytest.raises(DefinitionError) as caught:
        available_packs([first, second])
    codes = {(p.code, p.line) for p in caught.value.problems}
    assert codes == {("duplicate-pack-id", 2), ("duplicate-id", 13)}
    assert all(p.file.endswith("b.yaml") for p in caught.value.problems)


@pytest.mark.parametrize("number", ["100000000000000000000", "9007199254740993", "-9007199254740993"])
def test_a_pack_number_beyond_what_the_engine_compares_exactly_is_a_located_pack_error(
    tmp_path: Path, number: str
) -> None:
    """Review F15: such numbers passed pack validation and crashed at compile time."""
    text = CUSTOM.replace("id: city-extra", "id: big-number").replace("CITY-WOS-01", "BIG-NUM-01")
    text = text.replace(
        "    when: {all: [{q: NSA.1, in: [involved, co_implementing]}, {q: NSA.2, eq: yes}]}\n",
        f"    when: {{q: STA.1, gte: {number}}}\n",
    )
    text = "\n".join(line for line in text.splitlines() if "partial_when" not in line) + "\n"
    with pytest.raises(DefinitionError) as caught:
        available_packs([write(tmp_path, "big.yaml", text)])
    (problem,) = caught.value.problems
    assert problem.line == 17 and "2**53" in problem.message and "BIG-NUM-01" in problem.message


@pytest.mark.parametrize("number", [".inf", ".nan", "1.0e+400"])
def test_a_pack_number_that_is_not_finite_is_refused_where_it_is_written(tmp_path: Path, number: str) -> None:
    text = CUSTOM.replace("id: city-extra", "id: inf-number").replace("CITY-WOS-01", "INF-NUM-01")
    text = text.replace("    weight: 2\n", "    weight: 2\n    when: {q: STA.1, gte: " + number + "}\n", 1)
    text = text.replace("    when: {all: [{q: NSA.1, in: [involved, co_implementing]}, {q: NSA.2, eq: yes}]}\n", "")
    with pytest.raises(MipatError) as caught:
        available_packs([write(tmp_path, "inf.yaml", text)])
    (problem,) = caught.value.problems
    assert problem.line == 16 and problem.file.endswith("inf.yaml")


def tailoring(tmp_path: Path, text: str) -> list[str]:
    """The problems of a tailoring file, as described to the user."""
    with pytest.raises(InputError) as caught:
        load_tailoring(write(tmp_path, "t.yaml", text), available_packs())
    return [p.describe() for p in caught.value.problems]


def test_a_tailoring_that_selects_no_pack_is_refused(tmp_path: Path) -> None:
    """Review F16: `packs: []` ended in a ValueError traceback."""
    (problem,) = tailoring(tmp_path, "packs: []\n")
    assert "t.yaml:1" in problem and "selects no pack" in problem


@pytest.mark.parametrize("justification", ["          ", "..........!!", "x" * (MAX_JUSTIFICATION + 1)])
def test_a_justification_must_be_words_of_a_bounded_length(tmp_path: Path, justification: str) -> None:
    (problem,) = tailoring(tmp_path, f'disable:\n  - rule: GCM-NS-03\n    justification: "{justification}"\n')
    assert "t.yaml:3" in problem and "justification" in problem


def test_a_rule_cannot_be_both_disabled_and_excepted(tmp_path: Path) -> None:
    text = (
        "disable:\n"
        '  - {rule: GCM-WOG-01, justification: "Not relevant here, agreed with the audit office"}\n'
        "exceptions:\n"
        "  - {rule: GCM-WOG-01, justification: Agreed with the audit office, approver: Minister, expires: 2027-01-01}\n"
    )
    (problem,) = tailoring(tmp_path, text)
    assert "t.yaml:2" in problem and "both disabled and granted an exception" in problem
