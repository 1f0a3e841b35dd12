"""`mipat batch`: score many responses, write one result per response and the batch's summaries.

Exit codes: 0 every input scored; 1 some inputs could not be scored (listed in errors.csv; the rest
are scored and summarised); 2 usage (no inputs, a bad option, results already in DIR); 3 every
input scored but some overall index is below `fail_under`. 1 wins over 3.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mipat.assessment.summary_rows import SummaryRow
from mipat.portfolio.inputs import BatchInput, BatchUsageError, collect_inputs, parse_shard, shard
from mipat.portfolio.pool import DEFAULT_TIMEOUT, WorkerPool
from mipat.portfolio.worker import RESULTS_DIR, BatchOptions, JobOutcome
from mipat.questionnaires.i18n import Language

SUMMARY_CSV, SUMMARY_XLSX, ERRORS_CSV, PORTFOLIO_PDF = "summary.csv", "summary.xlsx", "errors.csv", "portfolio.pdf"
EXIT_OK, EXIT_INVALID, EXIT_BELOW = 0, 1, 3


@dataclass
class BatchResult:
    out_dir: Path
    rows: list[SummaryRow]
    failures: list[JobOutcome]
    resumed: int = 0
    below: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.failures:
            return EXIT_INVALID
        return EXIT_BELOW if self.below else EXIT_OK


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(
    inputs: Sequence[str],
    out_dir: Path,
    *,
    pdf: bool = False,
    lang: Language | None = None,
    jobs: int | None = None,
    packs: Sequence[Path] = (),
    tailoring: Path | None = None,
    fail_under: float | None = None,
    resume: bool = False,
    force: bool = False,
    shard_spec: str | None = None,
    scheduler: str | None = None,
    fixed_date: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_outcome: Callable[[JobOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    before_each: str | None = None,
) -> BatchResult:
    from mipat.assessment.provenance import Clock
    from mipat.assessment.summary_layout import summary_layout
    from mipat.assessment.tailoring import load_tailoring
    from mipat.rules.packs import available_packs

    items = collect_inputs(list(inputs))
    if shard_spec:
        index, count = parse_shard(shard_spec)
        items = shard(items, index, count)
    # Packs and tailoring are checked here, once, so a bad pack is one clear error, not N failed responses.
    loaded = available_packs(list(packs))
    chosen = load_tailoring(tailoring, loaded).tailoring.packs if tailoring else None
    selected = [p for p in loaded if chosen is None or p.pack.id in chosen]
    _prepare_out_dir(out_dir, resume=resume, force=force)
    options = BatchOptions(
        out_dir=str(out_dir.absolute()),
        packs=tuple(str(p.absolute()) for p in packs),
        tailoring=str(tailoring.absolute()) if tailoring else None,
        pdf=pdf,
        lang=lang,
        assessment_time=Clock.fixed_or_now(fixed_date).iso,
        resume=resume,
        before_each=before_each,
    )
    if on_start:
        on_start(len(items))
    rows: dict[str, SummaryRow] = {}
    failures: dict[str, JobOutcome] = {}
    resumed = 0
    for outcome in _outcomes(items, options, jobs, scheduler, timeout):
        if outcome.row is not None:
            rows[outcome.input.id] = outcome.row
            resumed += outcome.resumed
        else:
            failures[outcome.input.id] = outcome
        if on_outcome:
            on_outcome(outcome)
    # Input order, not completion order: the same inputs give the same summaries, byte for byte.
    ordered = [rows[i.id] for i in items if i.id in rows]
    failed = [failures[i.id] for i in items if i.id in failures]
    below = [
        r.id for r in ordered if fail_under is not None and (r.overall_index is None or r.overall_index < fail_under)
    ]
    result = BatchResult(out_dir=out_dir, rows=ordered, failures=failed, resumed=resumed, below=below)
    result.files = _write_summaries(result, summary_layout(selected), lang or "en", options.assessment_time)
    return result


def _outcomes(
    items: list[BatchInput], options: BatchOptions, jobs: int | None, scheduler: str | None, timeout: float
) -> Iterator[JobOutcome]:
    if not items:
        return iter(())
    if scheduler:
        from mipat.portfolio.dask_runner import run_on_dask

        return run_on_dask(items, options, scheduler)
    return WorkerPool(options, jobs or default_jobs(), timeout).run(items)


def _prepare_out_dir(out_dir: Path, *, resume: bool, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchUsageError(f"--out {out_dir}: exists and is not a folder")
    results = out_dir / RESULTS_DIR
    if results.is_dir() and any(results.iterdir()) and not (resume or force):
        raise BatchUsageError(
            f"--out {out_dir}: already holds results; use --resume to keep those that are still current, "
            "or --force to score everything again"
        )
    try:
        (out_dir / RESULTS_DIR).mkdir(parents=True, exist_ok=True)
        (out_dir / "reports").mkdir(exist_ok=True)
    except OSError as exc:
        raise BatchUsageError(f"--out {out_dir}: cannot create the folder ({exc.strerror})") from None


def _write_summaries(result: BatchResult, layout: object, lang: Language, moment: str | None) -> list[Path]:
    import datetime as dt

    from mipat.portfolio.summary_files import render_errors_csv, render_summary_csv, render_summary_xlsx
    from mipat.questionnaires.output_files import write_atomic
    from mipat.reports.portfolio_pdf import render_portfolio_pdf

    when = dt.datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None
    out = result.out_dir
    outputs = {
        SUMMARY_CSV: render_summary_csv(result.rows, layout, lang),  # type: ignore[arg-type]
        SUMMARY_XLSX: render_summary_xlsx(result.rows, layout, lang, when),  # type: ignore[arg-type]
        ERRORS_CSV: render_errors_csv(result.failures, lang),
        PORTFOLIO_PDF: render_portfolio_pdf(result.rows, layout, lang, failures=len(result.failures), generated=when),  # type: ignore[arg-type]
    }
    for name, data in outputs.items():
        write_atomic(out / name, data, force=True)
    return [out / name for name in outputs]
