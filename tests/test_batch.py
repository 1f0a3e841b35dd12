"""`mipat batch`: many responses in, results, summaries, errors and a portfolio report out."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from mipat.assessment.provenance import Clock
from mipat.assessment.results_files import read_result
from mipat.assessment.scoring import build_scorer
from mipat.cli import main
from mipat.portfolio.inputs import collect_inputs, safe_id, shard, unique_ids
from mipat.portfolio.runner import run_batch

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data"
DATE = "2026-01-31T09:00:00Z"
VALID = ["city-es", "federal-destination-en", "national-origin-fr"]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Three valid examples, an invalid response, a YAML file that is no response, and a binary file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, folder / example.name)
    shutil.copy(DATA / "errors_each_kind.yaml", folder / "invalid.yaml")
    (folder / "notes.yaml").write_text("meeting: tuesday\n")
    (folder / "scan.json").write_bytes(bytes(range(256)) * 4)
    return folder


def expected_indices() -> dict[str, float | None]:
    scorer = build_scorer()
    clock = Clock.fixed_or_now(DATE)
    return {name: scorer.score_file(EXAMPLES / f"{name}.yaml", clock).overall_index for name in VALID}


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_a_mixed_folder_scores_the_valid_responses_and_lists_every_failure(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(mixed), "--out", str(out), "--jobs", "2", "--fixed-date", DATE])
    assert result.exit_code == 1, result.output
    assert "scored 3 response(s)" in result.output and "3 failed" in result.output

    assert sorted(p.stem for p in (out / "results").glob("*.json")) == VALID
    rows = read_csv(out / "summary.csv")
    header, body = rows[0], rows[1:]
    assert [r[0] for r in body] == VALID
    index_col = header.index("Overall index")
    for row, (name, index) in zip(body, expected_indices().items(), strict=True):
        assert float(row[index_col]) == pytest.approx(index), name
        saved = read_result(out / "results" / f"{name}.json")
        assert saved is not None and saved.overall_index == index

    errors = {r[0]: r for r in read_csv(out / "errors.csv")[1:]}
    assert sorted(errors) == ["invalid", "notes", "scan"]
    assert "required question" in errors["invalid"][3] and ":" in errors["invalid"][3].split(" ")[0]
    assert "missing key 'questionnaire'" in errors["notes"][3]
    assert "not UTF-8" in errors["scan"][3] or "NUL" in errors["scan"][3]

    sheet = load_workbook(out / "summary.xlsx", read_only=True).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == header
    assert [r[0] for r in cells[1:]] == VALID
    assert [r[index_col] for r in cells[1:]] == [pytest.approx(float(r[index_col])) for r in body]

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out / "portfolio.pdf").pages)
    authority = header.index("Authority")
    for row in body:
        assert row[authority] in text


def test_failures_are_told_in_the_batch_language(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["batch", str(mixed), "--out", str(out), "-j", "1", "--fixed-date", DATE, "--lang", "fr"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "3 réponses notées, 3 en échec" in result.output
    header, *rows = read_csv(out / "errors.csv")
    assert header == ["Réponse", "Fichier", "Erreur", "Problèmes"]
    errors = {r[0]: r for r in rows}
    assert "erreurs" in errors["invalid"][2]
    assert "question obligatoire" in errors["invalid"][3] and "required" not in errors["invalid"][3]


def test_all_valid_inputs_exit_zero_and_fail_under_exits_three(tmp_path: Path) -> None:
    inputs = [str(EXAMPLES / f"{name}.yaml") for name in VALID]
    first = run_batch(inputs, tmp_path / "a", jobs=2, fixed_date=DATE)
    assert first.exit_code == 0 and not first.failures
    lowest = min(r.overall_index for r in first.rows if r.overall_index is not None)
    second = run_batch(inputs, tmp_path / "b", jobs=2, fixed_date=DATE, fail_under=lowest + 0.1)
    assert second.exit_code == 3
    assert len(second.below) == sum(1 for r in first.rows if r.overall_index < lowest + 0.1)


def test_usage_errors_exit_two_and_never_touch_existing_results(tmp_path: Path) -> None:
    runner = CliRunner()
    nothing = runner.invoke(main, ["batch", str(tmp_path / "none-*.yaml"), "--out", str(tmp_path / "o")])
    assert nothing.exit_code == 2 and "matches no response file" in nothing.output
    out = tmp_path / "out"
    assert runner.invoke(main, ["batch", str(EXAMPLES / "city-es.yaml"), "--out", str(out), "-j", "1"]).exit_code == 0
    before = (out / "results" / "city-es.json").read_bytes()
    again = runner.invoke(main, ["batch", str(EXAMPLES / "city-es.yaml"), "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.output
    assert (out / "results" / "city-es.json").read_bytes() == before
    bad_shard = runner.invoke(main, ["batch", str(EXAMPLES), "--out", str(tmp_path / "s"), "--shard", "3/2"])
    assert bad_shard.exit_code == 2 and "expected i/n" in bad_shard.output


def test_a_worker_killed_mid_batch_costs_only_its_response(tmp_path: Path) -> None:
    inputs = [str(EXAMPLES / f"{name}.yaml") for name in VALID]
    result = run_batch(
        inputs, tmp_path / "out", jobs=2, fixed_date=DATE, before_each="tests.batch_faults:crash_on_city"
    )
    assert [r.id for r in result.rows] == ["federal-destination-en", "national-origin-fr"]
    assert [f.input.id for f in result.failures] == ["city-es"]
    assert "ended unexpectedly" in (result.failures[0].error or "") and "twice" in (result.failures[0].error or "")
    assert result.exit_code == 1
    errors = read_csv(tmp_path / "out" / "errors.csv")
    assert [r[0] for r in errors[1:]] == ["city-es"]


def test_a_hung_worker_is_stopped_after_the_timeout_and_reported(tmp_path: Path) -> None:
    inputs = [str(EXAMPLES / f"{name}.yaml") for name in VALID]
    result = run_batch(
        inputs, tmp_path / "out", jobs=2, fixed_date=DATE, timeout=3, before_each="tests.batch_faults:hang_on_federal"
    )
    assert [f.input.id for f in result.failures] == ["federal-destination-en"]
    assert "longer than 3 s" in (result.failures[0].error or "")
    assert sorted(r.id for r in result.rows) == ["city-es", "national-origin-fr"]


def test_resume_rescores_only_inputs_whose_bytes_changed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    out = tmp_path / "out"
    first = run_batch([str(folder)], out, jobs=2, fixed_date=DATE)
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")}
    summary = (out / "summary.csv").read_bytes()

    again = run_batch([str(folder)], out, jobs=2, fixed_date=DATE, resume=True)
    assert again.resumed == 3 and [r.id for r in again.rows] == [r.id for r in first.rows]
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")} == stamps
    assert (out / "summary.csv").read_bytes() == summary

    city = folder / "city-es.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "\n# revised\n", encoding="utf-8")
    third = run_batch([str(folder)], out, jobs=2, fixed_date=DATE, resume=True)
    assert third.resumed == 2
    changed = {p.name for p in (out / "results").glob("*.json") if p.stat().st_mtime_ns != stamps[p.name]}
    assert changed == {"city-es.json"}


def test_two_shards_together_are_the_whole_batch(tmp_path: Path) -> None:
    whole = run_batch([str(EXAMPLES)], tmp_path / "all", jobs=2, fixed_date=DATE)
    parts = [
        run_batch([str(EXAMPLES)], tmp_path / f"s{i}", jobs=1, fixed_date=DATE, shard_spec=f"{i}/2") for i in (1, 2)
    ]
    ids = [[r.id for r in p.rows] for p in parts]
    assert not set(ids[0]) & set(ids[1])
    assert sorted(ids[0] + ids[1]) == sorted(r.id for r in whole.rows)
    by_id = {r.id: r for p in parts for r in p.rows}
    assert all(by_id[r.id] == r for r in whole.rows)


def test_a_local_dask_cluster_gives_the_same_summary_as_the_process_pool(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    pool = run_batch([str(EXAMPLES)], tmp_path / "pool", jobs=2, fixed_date=DATE)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_batch([str(EXAMPLES)], tmp_path / "dask", fixed_date=DATE, scheduler=cluster.scheduler_address)
    assert on_dask.exit_code == pool.exit_code == 0
    assert (tmp_path / "dask" / "summary.csv").read_bytes() == (tmp_path / "pool" / "summary.csv").read_bytes()
    for name in VALID:
        assert (tmp_path / "dask" / "results" / f"{name}.json").read_bytes() == (
            tmp_path / "pool" / "results" / f"{name}.json"
        ).read_bytes()


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (EXAMPLES / "city-es.yaml").read_text(encoding="utf-8")
    authority = next(line for line in text.splitlines() if line.strip().startswith("RS.2:"))
    hostile = text.replace(authority, '  RS.2: "=HYPERLINK(\\"http://x.invalid\\",\\"click\\")"')
    (folder / "hostile.yaml").write_text(hostile, encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([str(folder)], out, jobs=1, fixed_date=DATE)
    assert result.exit_code == 0, result.failures
    row = read_csv(out / "summary.csv")[1]
    assert "'=HYPERLINK(" in row[2]
    sheet = load_workbook(out / "summary.xlsx").active
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_output_names_come_from_safe_unique_ids(tmp_path: Path) -> None:
    assert safe_id("../../etc/passwd") == "etc_passwd"
    assert (
        safe_id(".hidden") == "hidden" and safe_id("CON") == "response_CON" and safe_id("summary") == "response_summary"
    )
    assert safe_id("Valparaíso 2026") == "Valparaíso_2026" and safe_id("") == "response"
    assert unique_ids(["report", "Report", "report"]) == ["report", "Report-2", "report-3"]
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(EXAMPLES / "city-es.yaml", tmp_path / sub / "city.yaml")
    items = collect_inputs([str(tmp_path)])
    assert [i.id for i in items] == ["city", "city-2"]
    assert shard(items, 1, 2) + shard(items, 2, 2) == items


def test_the_api_returns_rows_as_dicts_and_a_dataframe(tmp_path: Path) -> None:
    import mipat

    pandas = pytest.importorskip("pandas")
    one = mipat.score_file(EXAMPLES / "city-es.yaml", fixed_date=DATE)
    assert one["overall_index"] == expected_indices()["city-es"]
    run = mipat.batch([EXAMPLES], tmp_path / "out", jobs=1, fixed_date=DATE)
    assert run["exit_code"] == 0 and run["scored"] == 3
    json.dumps(run)  # plain data all the way down
    frame = mipat.results_frame(run)
    assert isinstance(frame, pandas.DataFrame) and list(frame["id"]) == VALID
    assert frame.loc[frame["id"] == "city-es", "overall_index"].item() == one["overall_index"]
    assert mipat.results_frame(one)["overall_index"].item() == one["overall_index"]
