"""The Python API for analysts: score one file, run a batch, get a DataFrame.

    >>> import mipat
    >>> result = mipat.score_file("examples/city-es.yaml", fixed_date="2026-01-31")
    >>> result["overall_index"]
    >>> run = mipat.batch(["responses/"], "out", jobs=2)
    >>> frame = mipat.results_frame(run)          # needs pandas

Results are plain dicts (the JSON of `mipat score --format json`), so they can be stored, compared
and passed around without importing any mipat model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def score_file(
    path: str | Path,
    *,
    packs: Sequence[str | Path] = (),
    tailoring: str | Path | None = None,
    fixed_date: str | None = None,
) -> dict[str, Any]:
    """Validate and score one response file; raises `mipat.questionnaires.problems.InputError` when it is invalid."""
    from mipat.assessment.provenance import Clock
    from mipat.assessment.scoring import build_scorer

    scorer = build_scorer([Path(p) for p in packs], Path(tailoring) if tailoring else None)
    try:
        assessment = scorer.score_file(Path(path), Clock.fixed_or_now(fixed_date))
    finally:
        scorer.close()
    return assessment.model_dump(mode="json")


def batch(inputs: Sequence[str | Path] | str | Path, out_dir: str | Path, **options: Any) -> dict[str, Any]:
    """Run `mipat batch` (same options, as keywords: pdf, lang, jobs, packs, tailoring, fail_under, resume,
    force, shard_spec, scheduler, fixed_date, timeout) and return its rows, failures and exit code."""
    from mipat.portfolio.runner import run_batch

    specs = [str(inputs)] if isinstance(inputs, str | Path) else [str(i) for i in inputs]
    if "packs" in options:
        options["packs"] = [Path(p) for p in options["packs"]]
    if options.get("tailoring") is not None:
        options["tailoring"] = Path(options["tailoring"])
    result = run_batch(specs, Path(out_dir), **options)
    return {
        "out_dir": str(result.out_dir),
        "exit_code": result.exit_code,
        "scored": len(result.rows),
        "resumed": result.resumed,
        "rows": [row.model_dump(mode="json") for row in result.rows],
        "failures": [
            {"id": f.input.id, "file": f.input.display, "error": f.error, "problems": list(f.problems)}
            for f in result.failures
        ],
        "files": [str(p) for p in result.files],
    }


def results_frame(source: dict[str, Any] | Iterable[dict[str, Any]]) -> Any:
    """A pandas DataFrame, one row per response, from `batch()`'s return value, its rows, or `score_file()` results.

    Columns: the scope, `overall_index`, `overall_band`, `index:<pack>`, `<pack>:<group>` scores and the
    span metrics. pandas is not a dependency of mipat: install it to use this.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("results_frame needs pandas: pip install pandas") from None
    records = source["rows"] if isinstance(source, dict) and "rows" in source else source
    if isinstance(records, dict):
        records = [records]
    return pd.DataFrame([_flat(r) for r in records])


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    if "packs" in record:  # a full result from score_file()
        scope = record["scope"]
        row = {"id": Path(record["input_file"]).stem, "file": record["input_file"], **scope}
        row.update(status=record["status"], overall_index=record["overall_index"], overall_band=record["overall_band"])
        for pack in record["packs"]:
            row[f"index:{pack['id']}"] = pack["index"]
            row.update({f"{pack['id']}:{g['id']}": g["score"] for g in pack["groups"]})
        row.update(record["metrics"]["values"])
        return row
    row = {k: record[k] for k in ("id", "file", "authority", "level", "country", "period", "status")}
    row.update(overall_index=record["overall_index"], overall_band=record["overall_band"])
    row.update({f"index:{k}": v for k, v in record["pack_indices"].items()})
    row.update({f"{g['pack']}:{g['group']}": g["score"] for g in record["groups"]})
    row.update(record["metrics"])
    return row
