"""Scores as CSV: one row per group, per pack index and per overall index, for spreadsheets and scripts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from mipat.assessment.results import Assessment

COLUMNS = ["input_file", "input_sha256", "authority", "status", "pack", "pack_version", "group", "score", "band"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Text as a spreadsheet shows it, never as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def render_csv(assessments: Iterable[Assessment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in assessments:
        base = [neutralise(a.input_file), a.input_sha256, neutralise(a.scope.authority), a.status]
        writer.writerow([*base, "", "", "overall", _number(a.overall_index), a.overall_band or ""])
        for pack in a.packs:
            writer.writerow([*base, pack.id, pack.version, "index", _number(pack.index), pack.band or ""])
            for group in pack.groups:
                writer.writerow([*base, pack.id, pack.version, group.id, _number(group.score), group.band or ""])
    return out.getvalue()
