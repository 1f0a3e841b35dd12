"""Scores as CSV: one row per group, per pack index and per overall index, for spreadsheets and scripts.

Without a language the columns keep their stable English names (`input_file`, `group`, `score`…)
that scripts read. With one, a person gets headers in that language, the response status in words,
and two more columns: the label of each row (the group's title, the pack's, "Overall index") and the
band's name. Scores keep a decimal point either way, so any spreadsheet reads them as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from mipat.assessment.results import Assessment
from mipat.questionnaires.i18n import Language

COLUMNS = ["input_file", "input_sha256", "authority", "status", "pack", "pack_version", "group", "score", "band"]
READER_COLUMNS = [*COLUMNS[:7], "label", "score", "band", "band_label"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Text as a spreadsheet shows it, never as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _band_label(assessment: Assessment, scheme_id: str, code: int | None, lang: Language) -> str:
    if code is None:
        return ""
    scheme = next(b for b in assessment.bands if b.id == scheme_id)
    return next(str(b["label"][lang]) for b in scheme.bands if b["code"] == code)


def render_csv(assessments: Iterable[Assessment], lang: Language | None = None) -> str:
    from mipat.questionnaires.messages import message
    from mipat.reports.strings import word

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if lang is None:
        writer.writerow(COLUMNS)
    else:
        writer.writerow([message(f"csv_{column}", lang) for column in READER_COLUMNS])
    for a in assessments:
        status = a.status if lang is None else message(f"csv_status_{a.status}", lang)
        base = [neutralise(a.input_file), a.input_sha256, neutralise(a.scope.authority), status]
        rows = [
            (["", "", "overall"], word("overall_index", lang or "en"), a.overall_index, a.overall_bands, a.overall_band)
        ]
        for pack in a.packs:
            rows.append(
                ([pack.id, pack.version, "index"], pack.title.get(lang or "en"), pack.index, pack.bands, pack.band)
            )
            rows += [
                ([pack.id, pack.version, group.id], group.title.get(lang or "en"), group.score, pack.bands, group.band)
                for group in pack.groups
            ]
        for keys, label, score, scheme, band in rows:
            if lang is None:
                writer.writerow([*base, *keys, _number(score), band or ""])
            else:
                band_label = _band_label(a, scheme, band, lang)
                writer.writerow([*base, *keys, neutralise(label), _number(score), band or "", band_label])
    return out.getvalue()
