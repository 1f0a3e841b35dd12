"""The report command: PDFs from responses or saved results, with comparisons, reproducible bytes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from mipat.assessment.results import CONTENT_HASH, content_hash
from mipat.assessment.results_files import parse_result
from mipat.cli import main

ROOT = Path(__file__).resolve().parents[1]
FEDERAL = str(ROOT / "examples" / "federal-destination-en.yaml")
FIXED = ["--fixed-date", "2026-01-31T09:00:00Z"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_report_from_a_response_prints_its_scores(runner: CliRunner, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    result = runner.invoke(main, ["report", FEDERAL, "-o", str(pdf), *FIXED])
    assert result.exit_code == 0, result.output
    scored = parse_result(runner.invoke(main, ["score", FEDERAL, "--format", "json", *FIXED]).output)
    text = _text(pdf)
    assert f"{scored.overall_index:.1f}" in text
    assert PdfReader(pdf).metadata.title.startswith("Migration partnerships assessment")


def test_report_from_a_saved_result_does_not_rescore_and_is_byte_identical(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    assert runner.invoke(main, ["score", FEDERAL, "--format", "json", "-o", str(saved), *FIXED]).exit_code == 0
    from_response, from_result = tmp_path / "a.pdf", tmp_path / "b.pdf"
    runner.invoke(main, ["report", FEDERAL, "-o", str(from_response), *FIXED])
    result = runner.invoke(main, ["report", str(saved), "-o", str(from_result)])
    assert result.exit_code == 0, result.output
    assert from_response.read_bytes() == from_result.read_bytes()


def test_report_with_previous_shows_the_change(runner: CliRunner, tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    text = Path(FEDERAL).read_text(encoding="utf-8")
    assert "  WOG.1:\n    value: yes\n" in text
    old.write_text(text.replace("  WOG.1:\n    value: yes\n", "  WOG.1:\n    value: no\n", 1), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    result = runner.invoke(main, ["report", FEDERAL, "-o", str(pdf), "--previous", str(old), *FIXED])
    assert result.exit_code == 0, result.output
    printed = _text(pdf)
    assert "Change since the previous assessment" in printed
    assert "SDG1072-PD3.1" in printed.split("Change since the previous assessment")[-1]  # resolved gap: WOG.1 no -> yes


def test_report_never_overwrites_without_force(runner: CliRunner, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"my signed copy")
    result = runner.invoke(main, ["report", FEDERAL, "-o", str(pdf)])
    assert result.exit_code == 2 and pdf.read_bytes() == b"my signed copy"


def test_a_tampered_result_file_is_rejected_with_its_location(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    runner.invoke(main, ["score", FEDERAL, "--format", "json", "-o", str(saved), *FIXED])
    data = json.loads(saved.read_text())
    data["overall_index"] = "very good"
    data[CONTENT_HASH] = content_hash(data)  # a forger who knows the canonical form: the schema still holds
    saved.write_text(json.dumps(data, indent=2, sort_keys=True))
    result = runner.invoke(main, ["report", str(saved), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert "not a valid mipat result" in result.output and "overall_index" in result.output
    data["overall_index"] = 99.0  # without the hash recomputed: the edit itself shows
    saved.write_text(json.dumps(data, indent=2, sort_keys=True))
    result = runner.invoke(main, ["report", str(saved), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1 and "edited after mipat wrote it" in result.output
