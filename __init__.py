"""mipat, the Migration Partnerships Assessment Toolkit.

The repository root is this package: `mipat.questionnaires`, `mipat.rules`, `mipat.assessment`,
`mipat.reports` and `mipat.cli`. Importing `mipat` stays cheap (the command line imports it on
every run); the analyst API below is loaded on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"
__all__ = ["__version__", "batch", "results_frame", "score_file"]


def __getattr__(name: str) -> Any:
    if name in ("batch", "results_frame", "score_file"):
        from mipat import api

        return getattr(api, name)
    raise AttributeError(f"module 'mipat' has no attribute {name!r}")
