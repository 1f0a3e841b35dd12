"""Faults injected into batch workers (via `run_batch(before_each=...)`): a crash and a hang on one response."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def crash_on_city(path: Path) -> None:
    """The worker dies as a segfault would, with no chance to report."""
    if "city" in path.name:
        os.kill(os.getpid(), signal.SIGKILL)


def hang_on_federal(path: Path) -> None:
    if "federal" in path.name:
        time.sleep(600)
