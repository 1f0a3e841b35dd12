"""Checks of a saved result before a report or a comparison trusts it.

A result is a file anyone can edit. Before its numbers are printed as an authority's scores they are
recomputed from what the result itself records: each group's score from its rules' outcomes,
weights and credits, each pack's index from its groups, the overall index from the groups (or, for
results saved before schema 2.1, from the pack indices) and every band from mipat's own band
schemes. The first number that does not follow is named with its place in the file, so a hand-edited
"250 out of 100" or a band that does not match its score is refused instead of rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from mipat.assessment.results import Assessment
from mipat.assessment.score_arithmetic import group_score, mean_score
from mipat.questionnaires.languages import LANGUAGES
from mipat.questionnaires.problems import InputError
from mipat.questionnaires.source_files import Document
from mipat.rules.packs import BandScheme, band_schemes

TOLERANCE = 0.051  # one rounding step of the stored one-decimal scores, and float noise


class _Inconsistent(Exception):
    def __init__(self, message: str, location: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.location = location


def check_result(assessment: Assessment, document: Document, overall_packs: Collection[str] | None) -> None:
    """Raise InputError naming the first number of `assessment` that its own records contradict.

    `overall_packs`: the packs whose groups make the overall index (schema 2.1 on), when the packs the
    result was scored with are known; None skips that one sum (the index is still range-checked).
    """
    try:
        _check(assessment, overall_packs)
    except _Inconsistent as exc:
        message = f"not a result mipat computed: {exc}; score the response again"
        raise InputError(message, [document.problem("result-inconsistent", message, exc.location)]) from None


def _check(a: Assessment, overall_packs: Collection[str] | None) -> None:
    if a.language not in LANGUAGES:
        raise _Inconsistent(f"language {a.language!r} is not one of {', '.join(LANGUAGES)}", ("language",))
    try:
        dt.date.fromisoformat(a.assessment_date)
    except ValueError:
        raise _Inconsistent(f"assessment_date {a.assessment_date!r} is not a date (YYYY-MM-DD)",
                            ("assessment_date",)) from None  # fmt: skip
    try:
        dt.datetime.fromisoformat(a.generated_at.replace("Z", "+00:00"))
    except ValueError:
        raise _Inconsistent(f"generated_at {a.generated_at!r} is not an ISO date-time", ("generated_at",)) from None
    ids = [p.id for p in a.packs]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise _Inconsistent(f"pack {twice[0]} is listed twice", ("packs",))
    schemes = band_schemes()
    by_group: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
    for index, rule in enumerate(a.rules):
        if not 0 <= rule.credit <= 1 or rule.weight <= 0:
            raise _Inconsistent(
                f"rule {rule.rule_id} has credit {rule.credit} and weight {rule.weight} "
                "(a credit is between 0 and 1, a weight above 0)",
                ("rules", index),
            )
        by_group.setdefault((rule.pack_id, rule.group), []).append((rule.outcome, rule.weight, rule.credit))
    for p_index, pack in enumerate(a.packs):
        scheme = schemes.get(pack.bands)
        if scheme is None:
            raise _Inconsistent(f"pack {pack.id} uses band scheme {pack.bands!r}, which mipat does not have",
                                ("packs", p_index, "bands"))  # fmt: skip
        for g_index, group in enumerate(pack.groups):
            where = ("packs", p_index, "groups", g_index)
            score, _, _ = group_score(by_group.get((pack.id, group.id), []))
            _same(f"the score of {pack.id} / {group.id}", group.score, score, (*where, "score"))
            _same_band(f"{pack.id} / {group.id}", group.band, scheme, group.score, (*where, "band"))
        index = mean_score(g.score for g in pack.groups if g.score is not None)
        _same(f"the index of pack {pack.id}", pack.index, index, ("packs", p_index, "index"))
        _same_band(f"pack {pack.id}", pack.band, scheme, pack.index, ("packs", p_index, "band"))
    overall_scheme = schemes.get(a.overall_bands)
    if overall_scheme is None:
        raise _Inconsistent(f"band scheme {a.overall_bands!r} is not one mipat has", ("overall_bands",))
    if a.overall_index is not None and not 0 <= a.overall_index <= 100:
        raise _Inconsistent(f"the overall index {a.overall_index} is outside 0-100", ("overall_index",))
    expected: float | None
    if a.overall_bands == "sdg-10-7-2":  # before schema 2.1: the mean of the pack indices
        expected = mean_score(p.index for p in a.packs if p.index is not None)
        _same("the overall index", a.overall_index, expected, ("overall_index",))
    elif overall_packs is not None:
        chosen = [g.score for p in a.packs if p.id in overall_packs for g in p.groups if g.score is not None]
        _same("the overall index", a.overall_index, mean_score(chosen), ("overall_index",))
    _same_band("the overall index", a.overall_band, overall_scheme, a.overall_index, ("overall_band",))


def _same(what: str, stored: float | None, computed: float | None, location: tuple[str | int, ...]) -> None:
    if stored is not None and not 0 <= stored <= 100:
        raise _Inconsistent(f"{what} is {stored}, outside 0-100", location)
    if (stored is None) != (computed is None) or (
        stored is not None and computed is not None and abs(stored - computed) > TOLERANCE
    ):
        raise _Inconsistent(f"{what} is recorded as {stored} but its own figures give {computed}", location)


def _same_band(
    what: str, band: int | None, scheme: BandScheme, score: float | None, location: tuple[str | int, ...]
) -> None:
    expected = scheme.band_for(score).code if score is not None else None
    if band != expected:
        raise _Inconsistent(f"the band of {what} is recorded as {band} but its score {score} is in band {expected}",
                            location)  # fmt: skip
