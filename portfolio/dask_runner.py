"""The same batch on a Dask distributed cluster (`--scheduler tcp://HOST:PORT`), with the optional extra `mipat[dask]`.

Each task is one response; each Dask worker process builds its scorer once, on its first task, and
scores one response at a time (a lock guards the engine should a worker run several threads). The
inputs and the output folder must be on a file system the workers see at the same absolute paths.
A task whose worker dies is retried by Dask on another worker (`retries=1`); a task that still
fails is reported in errors.csv like any other failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from mipat.portfolio.inputs import BatchInput, BatchUsageError
from mipat.portfolio.worker import BatchOptions, JobOutcome, reader_language, run_job
from mipat.questionnaires.messages import message


def run_on_dask(items: list[BatchInput], options: BatchOptions, address: str) -> Iterator[JobOutcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchUsageError("--scheduler needs Dask: pip install 'mipat[dask]'") from None
    # Workers may run elsewhere: every path they open must be absolute.
    remote = [replace(item, path=item.path.absolute()) for item in items]
    try:
        client = Client(address, timeout="30s", set_as_default=False)
    except OSError as exc:
        raise BatchUsageError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc})") from None
    with client:
        futures = client.map(run_job, remote, options=options, pure=False, retries=1)
        origin = {future.key: item for future, item in zip(futures, items, strict=True)}
        for future in as_completed(futures, loop=client.loop):
            item = origin[future.key]
            try:
                outcome: JobOutcome = future.result()
            except Exception as exc:  # the task itself failed twice (a dead worker, a lost connection)
                error = message("batch_dask_failed", reader_language(options), file=item.display, detail=exc)
                yield JobOutcome(input=item, error=error)
            else:
                yield replace(outcome, input=item)
            future.release()
