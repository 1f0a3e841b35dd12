"""Saved results (schema 2.0): compact, read back exactly, never with texts of another pack version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mipat.assessment.provenance import Clock
from mipat.assessment.results import CONTENT_HASH, canonical_json, content_hash, hashed_json
from mipat.assessment.results_files import parse_result, read_result
from mipat.assessment.scoring import build_scorer
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import read_document
from mipat.rules.packs import ARCHIVE_DIR, BANDS_FILE, bundled_pack_files, bundled_packs, pack_with_hash

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
RELEASED = BANDS_FILE.parent / "released-packs.yaml"


@pytest.fixture(scope="module")
def scored() -> list:
    scorer = build_scorer()
    clock = Clock.fixed_or_now("2026-01-31")
    return [scorer.score_file(path, clock) for path in EXAMPLES]


def test_a_saved_result_reads_back_to_the_same_assessment_and_bytes(scored: list, tmp_path: Path) -> None:
    for assessment in scored:
        path = tmp_path / "result.json"
        path.write_text(assessment.to_json(), encoding="utf-8")
        again = read_result(path)
        assert again == assessment
        assert again.to_json() == assessment.to_json()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(
    st.dictionaries(st.sampled_from(["", "a", "complete", "content", "d", "generated_at", "z", "é"]) | st.text(), _JSON)
)
def test_the_one_pass_hashed_json_is_the_canonical_json_with_its_hash(data: dict) -> None:
    data.pop(CONTENT_HASH, None)
    assert hashed_json(data) == canonical_json({**data, CONTENT_HASH: content_hash(data)})


def test_a_result_stores_no_pack_text_and_no_copy_of_the_answers(scored: list) -> None:
    for assessment in scored:
        data = json.loads(assessment.to_json())
        assert data["schema_version"] == "2.3" and "recommendations" not in data
        for rule in data["rules"]:
            assert not {"texts", "condition", "refs", "answers", "held"} & set(rule)
        some_text = assessment.rules[0].texts["met"].en
        assert some_text not in assessment.to_json()
        # the response is what remains: the result is a small multiple of it, not of the packs
        assert len(assessment.to_json()) < 3 * len(json.dumps(data["response"], ensure_ascii=False))


def test_a_result_scored_with_another_version_of_a_pack_is_refused_by_name(scored: list) -> None:
    data = json.loads(scored[0].to_json())
    data["packs"][0]["sha256"] = "0" * 64
    data[CONTENT_HASH] = content_hash(data)  # as mipat would have written it with that pack
    with pytest.raises(InputError) as caught:
        parse_result(json.dumps(data), "old.json")
    assert data["packs"][0]["id"] in caught.value.message and "--pack" in caught.value.message


def test_a_schema_1_result_still_loads_with_an_upgrade_warning(scored: list) -> None:
    """Schema 1.0 results carried every rule's texts and trace and the recommendations themselves."""
    assessment = scored[0]
    old = assessment.model_dump(mode="json")
    old["schema_version"] = "1.0"
    loaded = parse_result(json.dumps(old, indent=2, sort_keys=True), "cycle-2025.json")
    assert loaded.rules == assessment.rules and loaded.overall_index == assessment.overall_index
    assert loaded.warnings[-1].code == "result-upgraded" and "1.0" in loaded.warnings[-1].message


def test_an_unknown_schema_version_is_refused() -> None:
    with pytest.raises(InputError, match=r"schema '9\.0'"):
        parse_result(json.dumps({"tool": "mipat", "schema_version": "9.0"}), "future.json")


def test_every_bundled_pack_is_a_listed_release_and_every_release_can_be_found() -> None:
    listed = read_document(RELEASED).data["packs"]
    hashes = {(p["id"], p["sha256"]) for p in listed}
    for path, loaded in zip(bundled_pack_files(), bundled_packs(), strict=True):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert (loaded.pack.id, digest) in hashes, (
            f"{path.name} changed: bump its version, keep the old file in {ARCHIVE_DIR.name}/, list the new hash"
        )
    for release in listed:
        found = pack_with_hash(release["id"], release["sha256"])
        assert found is not None and found.pack.version == str(release["version"]), release


def test_a_schema_2_0_result_of_the_1_0_packs_still_reads_and_compares(tmp_path: Path) -> None:
    """A result saved by mipat 0.2.0 before the 2.0 packs (kept as it was written) reads with the
    archived 1.0.0 packs, keeps its own overall index and band scheme, and serves as --previous."""
    from click.testing import CliRunner

    from mipat.cli import main

    old = read_result(Path(__file__).parent / "data" / "result_schema_2_0.json")
    assert old is not None and old.overall_bands == "sdg-10-7-2"
    assert {p.version for p in old.packs} == {"1.0.0"} and old.questionnaire.version == "1.0.0"
    assert any(w.code == "result-upgraded" for w in old.warnings)
    assert old.rule("GCM-IC-01") is not None  # a rule the 2.0 packs retired still has its texts
    out = tmp_path / "now.pdf"
    result = CliRunner().invoke(
        main,
        [
            "report",
            str(ROOT / "examples" / "national-origin-fr.yaml"),
            "--previous",
            str(Path(__file__).parent / "data" / "result_schema_2_0.json"),
            "-o",
            str(out),
            "--fixed-date",
            "2026-01-31T10:00:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
