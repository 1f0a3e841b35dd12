"""Partnership span metrics, computed from the inventory of a validated response.

Definitions and their labels live in `data/metrics.yaml`; this module holds only the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.model_loading import load_model
from mipat.questionnaires.responses import Partner, Partnership, Response

METRICS_FILE = Path(__file__).parent / "data" / "metrics.yaml"
LEVELS = ("bilateral", "regional", "inter_regional", "global", "national", "local")
_CREDIT = {"yes": 1.0, "partial": 0.5}


class Counterpart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: str
    kinds: list[str]
    label: Text


class MetricDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: str
    reads: list[str] = []  # inventory fields the metric needs
    label: Text


class MetricCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    counterparts: list[Counterpart]
    metrics: list[MetricDefinition]

    def category_of(self, kind: str) -> str | None:
        return next((c.id for c in self.counterparts if kind in c.kinds), None)


class SpanMetrics(BaseModel):
    """Metric values plus the counterpart × level matrix (partnership counts per cell)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    values: dict[str, float]
    matrix: dict[str, dict[str, int]]
    partners_by_kind: dict[str, int]


def span_layout() -> dict:
    """How reports lay out the span metrics: counterpart rows with labels, level columns, metric order.

    Stored in every result (schema 2.2), so a saved result renders without this module."""
    cat = metric_catalogue()
    return {
        "counterparts": [{"id": c.id, "label": c.label.model_dump()} for c in cat.counterparts],
        "levels": list(LEVELS),
        "metrics": [m.id for m in cat.metrics],
    }


@cache
def metric_catalogue() -> MetricCatalogue:
    catalogue = cached_bundled("metrics", lambda: load_model(METRICS_FILE, MetricCatalogue)[0])
    missing = {m.id for m in catalogue.metrics} ^ set(_FORMULAS)
    if missing:
        raise AssertionError(f"metrics.yaml and rules/metrics.py disagree on {sorted(missing)}")
    return catalogue


def _partners(p: Partnership) -> list[Partner]:
    value = p.get("partners")
    return value if isinstance(value, list) else []  # type: ignore[return-value]


def _kinds(p: Partnership) -> set[str]:
    return {partner.kind for partner in _partners(p)}


def _share(items: list[Partnership], credit: Callable[[Partnership], float]) -> float:
    if not items:
        return 0.0
    return round(100 * sum(credit(p) for p in items) / len(items), 1)


def _categories(p: Partnership, cat: MetricCatalogue) -> set[str]:
    return {c for c in (cat.category_of(k) for k in _kinds(p)) if c}


_NONSTATE = "non_state"


def _is_active(p: Partnership) -> bool:
    return p.get("status") == "active"


def _active(ps: list[Partnership]) -> list[Partnership]:
    return [p for p in ps if _is_active(p)]


_FORMULAS: dict[str, Callable[[list[Partnership], MetricCatalogue], float]] = {
    "partnerships": lambda ps, cat: len(ps),
    "active_partnerships": lambda ps, cat: len(_active(ps)),
    "nonstate_kinds": lambda ps, cat: len(
        {k for p in _active(ps) for k in _kinds(p) if cat.category_of(k) == _NONSTATE}
    ),
    "counterpart_categories": lambda ps, cat: len({c for p in _active(ps) for c in _categories(p, cat)}),
    "levels": lambda ps, cat: len({p.get("level") for p in _active(ps) if p.get("level")}),
    "matrix_cells": lambda ps, cat: len(
        {(c, p.get("level")) for p in _active(ps) if p.get("level") for c in _categories(p, cat)}
    ),
    "subnational_partnerships": lambda ps, cat: sum(
        1 for p in _active(ps) if "subnational" in _categories(p, cat) or p.get("level") == "local"
    ),
    "nonstate_partnerships": lambda ps, cat: sum(1 for p in _active(ps) if _NONSTATE in _categories(p, cat)),
    "share_formalised": lambda ps, cat: _share(_active(ps), lambda p: _CREDIT.get(str(p.get("formalised")), 0.0)),
    "share_monitored": lambda ps, cat: _share(_active(ps), lambda p: _CREDIT.get(str(p.get("monitored")), 0.0)),
    "share_funded": lambda ps, cat: _share(_active(ps), lambda p: _CREDIT.get(str(p.get("funded")), 0.0)),
    # any one safeguard (data protection alone, say) is not enough: the clause on human rights is
    "share_human_rights_safeguards": lambda ps, cat: _share(
        _active(ps), lambda p: 1.0 if "human_rights" in (p.get("safeguards") or []) else 0.0
    ),
    "share_migrant_voice": lambda ps, cat: _share(
        _active(ps), lambda p: 1.0 if p.get("migrant_participation") in ("involved", "co_implementing") else 0.0
    ),
}


def span_metrics(response: Response) -> SpanMetrics:
    cat = metric_catalogue()
    items = response.inventory
    matrix = {c.id: dict.fromkeys(LEVELS, 0) for c in cat.counterparts}
    partners_by_kind: dict[str, int] = {}
    for p in items:
        level = p.get("level")
        for category in _categories(p, cat) if _is_active(p) else ():
            if isinstance(level, str):
                matrix[category][level] += 1
        for partner in _partners(p):
            partners_by_kind[partner.kind] = partners_by_kind.get(partner.kind, 0) + 1
    values = {m.id: float(_FORMULAS[m.id](items, cat)) for m in cat.metrics}
    return SpanMetrics(values=values, matrix=matrix, partners_by_kind=dict(sorted(partners_by_kind.items())))


def matches(p: Partnership, where: dict[str, list[str | int]]) -> bool:
    """A partnership matches when, for every field in `where`, its value is (or includes) one of the codes."""
    for field, codes in where.items():
        accepted = {str(c) for c in codes}
        value = sorted(_kinds(p)) if field == "partner_kind" else p.get(field)
        present = {str(v) for v in value} if isinstance(value, list) else ({str(value)} if value is not None else set())
        if not present & accepted:
            return False
    return True


def count_matching(items: list[Partnership], where: dict[str, list[str | int]]) -> int:
    return sum(1 for p in items if matches(p, where))


def distinct_values(
    items: list[Partnership], of: str, where: dict[str, list[str | int]], among: list[str | int] | None
) -> int:
    found: set[str] = set()
    for p in items:
        if not matches(p, where):
            continue
        if of == "partner_kind":
            found |= _kinds(p)
        elif p.get(of) is not None:
            found.add(str(p.get(of)))
    if among is not None:
        found &= {str(c) for c in among}
    return len(found)
