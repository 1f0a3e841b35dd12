"""A process pool that survives its workers: a crash or a hang costs one response, not the batch.

`concurrent.futures.ProcessPoolExecutor` marks the whole pool broken when one worker dies, and
`multiprocessing.Pool` waits forever for a task whose worker was killed; neither can stop one hung
task. Here each worker takes one job at a time over its own pipe, so the parent always knows which
job a dead or overdue worker held: that worker is killed and replaced, and the job is retried once,
alone, in a fresh worker after the others; if it fails again it is reported, never retried forever.
Workers are started with `spawn`, so no engine state or lock is inherited from the parent.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from mipat.portfolio.inputs import BatchInput, BatchWorkerError
from mipat.portfolio.worker import BatchOptions, JobOutcome, prepare, reader_language, run_job
from mipat.questionnaires.messages import message

DEFAULT_TIMEOUT = 120.0  # seconds for one response; the slowest real response takes well under one
# A worker's start (imports, engine build) is not a response's time: it gets its own, generous bound.
STARTUP_TIMEOUT = 300.0


def _worker_main(conn: Connection, options: BatchOptions) -> None:
    prepare(options)
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(run_job(job, options))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    job: BatchInput | None = None
    started: float = 0.0


class WorkerPool:
    def __init__(self, options: BatchOptions, jobs: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.options = options
        self.size = max(1, jobs)
        self.timeout = timeout
        self.context = mp.get_context("spawn")

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.options), daemon=True)
        process.start()
        child.close()
        return _Worker(process=process, conn=parent, started=time.monotonic())

    @staticmethod
    def _stop(worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()

    def run(self, items: list[BatchInput]) -> Iterator[JobOutcome]:
        """Outcomes in completion order; exactly one per item."""
        pending: deque[BatchInput] = deque(items)
        retries: deque[BatchInput] = deque()
        attempts: dict[int, int] = {}
        lang = reader_language(self.options)
        workers = [self._start() for _ in range(min(self.size, len(items)))]
        try:
            while pending or retries or any(w.job is not None for w in workers):
                # A retry runs alone: only once nothing else is in flight.
                for worker in workers:
                    if worker.ready and worker.job is None:
                        if pending:
                            job = pending.popleft()
                        elif retries and all(w.job is None for w in workers):
                            job = retries.popleft()
                        else:
                            continue
                        worker.conn.send(job)
                        worker.job, worker.started = job, time.monotonic()
                ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers], timeout=1.0)
                now = time.monotonic()
                for i, worker in enumerate(workers):
                    failure = None
                    if worker.conn in ready:
                        try:
                            received = worker.conn.recv()
                        except (EOFError, OSError):
                            failure = message("batch_worker_gone", lang)
                        else:
                            if received == "ready":
                                worker.ready = True
                            else:
                                worker.job = None
                                yield received
                                continue
                    if failure is None and worker.process.sentinel in ready and not worker.process.is_alive():
                        failure = message("batch_worker_died", lang, code=worker.process.exitcode)
                    if not worker.ready and failure is None and now - worker.started > STARTUP_TIMEOUT:
                        raise BatchWorkerError(f"a batch worker did not start within {STARTUP_TIMEOUT:g} s")
                    if failure is None and worker.job is not None and now - worker.started > self.timeout:
                        failure = message("batch_worker_timeout", lang, seconds=f"{self.timeout:g}")
                    if failure is None:
                        continue
                    job = worker.job
                    self._stop(worker)
                    workers[i] = self._start()
                    if job is None:
                        if not worker.ready:  # a worker that cannot even start would fail every job
                            raise BatchWorkerError(f"a batch worker could not start: {failure}")
                        continue
                    key = id(job)
                    attempts[key] = attempts.get(key, 0) + 1
                    if attempts[key] < 2:
                        retries.append(job)
                    else:
                        yield JobOutcome(
                            input=job, error=message("batch_failed_twice", lang, file=job.display, failure=failure)
                        )
        finally:
            for worker in workers:
                if worker.process.is_alive():
                    with contextlib.suppress(OSError):
                        worker.conn.send(None)
            deadline = time.monotonic() + 5
            for worker in workers:
                worker.process.join(max(0.0, deadline - time.monotonic()))
                self._stop(worker)
