"""What one worker process does: build the scorer once, then score one response per call.

Used by the process pool and by Dask workers alike. Everything a job needs travels in picklable
`BatchOptions` and `BatchInput`; everything it returns is a small `JobOutcome`.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mipat.assessment.summary_rows import SummaryRow, summary_row
from mipat.portfolio.inputs import BatchInput
from mipat.questionnaires.languages import LANGUAGES, Language
from mipat.questionnaires.messages import message
from mipat.questionnaires.problems import MipatError

if TYPE_CHECKING:
    from mipat.assessment.results import Assessment
    from mipat.assessment.scoring import Scorer

RESULTS_DIR = "results"
REPORTS_DIR = "reports"


@dataclass(frozen=True)
class BatchOptions:
    out_dir: str
    packs: tuple[str, ...] = ()
    tailoring: str | None = None
    pdf: bool = False
    lang: str | None = None
    assessment_time: str | None = None  # one ISO moment for the whole batch: reproducible output
    resume: bool = False
    # Test hook: "module:function" called with the input path before it is scored, in the worker.
    before_each: str | None = None


@dataclass(frozen=True)
class JobOutcome:
    input: BatchInput
    row: SummaryRow | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    resumed: bool = False


_state: dict[str, Any] = {}
# durable-rules is not thread-safe: a Dask worker given several threads still scores one response at a time.
_engine_lock = threading.Lock()


def _scorer(options: BatchOptions) -> Scorer:
    """This process's scorer: durable-rules is not thread-safe, so one engine per process, built once."""
    key = (options.packs, options.tailoring)
    if _state.get("key") != key:
        from mipat.assessment.scoring import build_scorer

        if "scorer" in _state:
            _state.pop("scorer").close()
        tailoring = Path(options.tailoring) if options.tailoring else None
        _state["scorer"] = build_scorer([Path(p) for p in options.packs], tailoring)
        _state["key"] = key
    return _state["scorer"]  # type: ignore[no-any-return]


def prepare(options: BatchOptions) -> None:
    """Build the scorer ahead of the first job (a worker's start-up)."""
    _scorer(options)


def run_job(item: BatchInput, options: BatchOptions) -> JobOutcome:
    """Score one response and write its outputs; any failure becomes an outcome, never an exception."""
    try:
        if options.before_each:
            module, _, name = options.before_each.partition(":")
            getattr(importlib.import_module(module), name)(item.path)
        with _engine_lock:
            return _score(item, options)
    except MipatError as exc:
        lang = reader_language(options)
        return JobOutcome(input=item, error=exc.describe(lang), problems=[p.describe(lang) for p in exc.problems])
    except OSError as exc:
        error = message("batch_os_error", reader_language(options), file=item.display, reason=exc.strerror or exc)
        return JobOutcome(input=item, error=error)
    except Exception as exc:  # a bug must cost one response, not the batch; the trace is kept for the report
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        error = message("batch_internal_error", reader_language(options), file=item.display, detail=detail)
        return JobOutcome(input=item, error=error)


def reader_language(options: BatchOptions) -> Language:
    """The language of failure lines and errors.csv: --lang, else English (responses may mix languages)."""
    return options.lang if options.lang in LANGUAGES else "en"  # type: ignore[return-value]


def _score(item: BatchInput, options: BatchOptions) -> JobOutcome:
    from mipat.assessment.provenance import Clock
    from mipat.questionnaires.output_files import write_atomic

    out = Path(options.out_dir)
    result_path = out / RESULTS_DIR / f"{item.id}.json"
    pdf_path = out / REPORTS_DIR / f"{item.id}.pdf" if options.pdf else None
    scorer = _scorer(options)
    if options.resume:
        row = _resumed_row(item, result_path, pdf_path, scorer)
        if row is not None:
            return JobOutcome(input=item, row=row, resumed=True)
    clock = Clock.fixed_or_now(options.assessment_time)
    # Without --pdf nothing reads the answers each rule read: the lean path skips that trace.
    assessment = scorer.score_file(item.path, clock, display=item.display, trace=options.pdf)
    write_atomic(result_path, assessment.to_json(), force=True)
    if pdf_path is not None:
        from mipat.reports.pdf_report import render_pdf

        language = options.lang or assessment.language
        write_atomic(pdf_path, render_pdf(assessment, language), force=True)  # type: ignore[arg-type]
    return JobOutcome(input=item, row=_row(assessment, item, result_path, pdf_path))


def _resumed_row(item: BatchInput, result_path: Path, pdf_path: Path | None, scorer: Scorer) -> SummaryRow | None:
    """The row of an earlier run's result, if that result is for these exact input bytes and packs."""
    from mipat.assessment.results_files import MAX_RESULT_BYTES, result_of
    from mipat.questionnaires.source_files import read_document

    if not result_path.is_file() or (pdf_path is not None and not pdf_path.is_file()):
        return None
    try:
        document = read_document(result_path, max_bytes=MAX_RESULT_BYTES)
        digest = hashlib.sha256(item.path.read_bytes()).hexdigest()
    except (OSError, MipatError):
        return None
    raw = document.data if isinstance(document.data, dict) else {}
    packs = {p["id"]: p.get("sha256") for p in raw.get("packs", []) if isinstance(p, dict)}
    expected = {p.pack.id: p.sha256 for p in scorer.packs}
    tailoring = scorer.tailoring.sha256 if scorer.tailoring else None
    if raw.get("input_sha256") != digest or packs != expected or raw.get("tailoring_sha256") != tailoring:
        return None
    try:
        assessment = result_of(document, scorer.packs)
    except MipatError:
        return None
    return _row(assessment, item, result_path, pdf_path)


def _row(assessment: Assessment, item: BatchInput, result_path: Path, pdf_path: Path | None) -> SummaryRow:
    out = result_path.parent.parent
    return summary_row(
        assessment,
        id=item.id,
        result_file=str(result_path.relative_to(out)),
        pdf_file=str(pdf_path.relative_to(out)) if pdf_path else None,
    )
