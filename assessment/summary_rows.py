"""One summary row per scored response: what the summaries, the portfolio PDF and `--resume` need.

Rows are small and picklable, so workers send them back instead of whole assessments and the
batch's memory stays flat in the number of responses.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from mipat.assessment.results import Assessment

GAPS_PER_RESPONSE = 10


class GroupCell(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    pack: str
    group: str
    score: float | None
    band: int | None


class SummaryRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str
    file: str
    input_sha256: str
    authority: str | None
    level: str | None
    country: str | None
    period: str | None
    status: str
    language: str
    overall_index: float | None
    overall_band: int | None
    pack_indices: dict[str, float | None]
    groups: list[GroupCell]
    metrics: dict[str, float]
    warnings: list[str]
    # Rules short of full credit, by the overall gain of meeting them: the portfolio's "common gaps".
    gaps: list[str]
    result_file: str
    pdf_file: str | None = None


def summary_row(assessment: Assessment, *, id: str, result_file: str, pdf_file: str | None = None) -> SummaryRow:
    scope = assessment.scope
    return SummaryRow(
        id=id,
        file=assessment.input_file,
        input_sha256=assessment.input_sha256,
        authority=scope.authority,
        level=scope.level,
        country=scope.country,
        period=scope.period,
        status=assessment.status,
        language=assessment.language,
        overall_index=assessment.overall_index,
        overall_band=assessment.overall_band,
        pack_indices={p.id: p.index for p in assessment.packs},
        groups=[
            GroupCell(pack=p.id, group=g.id, score=g.score, band=g.band) for p in assessment.packs for g in p.groups
        ],
        metrics=dict(assessment.metrics.values),
        warnings=[w.describe() for w in assessment.warnings],
        gaps=[r.rule_id for r in assessment.recommendations[:GAPS_PER_RESPONSE]],
        result_file=result_file,
        pdf_file=pdf_file,
    )
