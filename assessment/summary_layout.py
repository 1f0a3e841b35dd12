"""The columns of a batch's summaries: every scored group of the selected packs, then the span metrics.

Built once in the parent from the packs and the catalogue, so every row has the same columns in
the same order, whatever each response happened to score.
"""

from __future__ import annotations

from dataclasses import dataclass

from mipat.assessment.results import DEFAULT_BANDS
from mipat.questionnaires.catalogue import bundled_catalogue
from mipat.questionnaires.i18n import Language, Text
from mipat.rules.metrics import metric_catalogue
from mipat.rules.packs import BandScheme, LoadedPack, band_schemes


@dataclass(frozen=True)
class GroupColumn:
    pack: str
    group: str
    title: Text
    pack_title: Text


@dataclass(frozen=True)
class RuleInfo:
    pack: str
    group: str
    recommendation: Text


@dataclass(frozen=True)
class SummaryLayout:
    packs: list[tuple[str, Text, str]]  # id, title, band scheme
    groups: list[GroupColumn]
    metrics: list[tuple[str, Text]]
    schemes: dict[str, BandScheme]
    overall_scheme: str
    rules: dict[str, RuleInfo]  # what the portfolio's "most common gaps" need to say of each rule

    def band_label(self, scheme: str, code: int | None, lang: Language) -> str:
        if code is None:
            return ""
        return next(b.label.get(lang) for b in self.schemes[scheme].bands if b.code == code)

    def pack_scheme(self, pack_id: str) -> str:
        return next(bands for pid, _, bands in self.packs if pid == pack_id)


def summary_layout(packs: list[LoadedPack]) -> SummaryLayout:
    catalogue = bundled_catalogue()
    groups = []
    for loaded in packs:
        pack = loaded.pack
        used = {r.group for r in pack.rules}
        groups.extend(
            GroupColumn(pack=pack.id, group=gid, title=title, pack_title=pack.title)
            for gid, title in catalogue.groups_scored_by(pack.scored_by)
            if gid in used
        )
    return SummaryLayout(
        packs=[(lp.pack.id, lp.pack.title, lp.pack.bands) for lp in packs],
        groups=groups,
        metrics=[(m.id, m.label) for m in metric_catalogue().metrics],
        schemes=band_schemes(),
        overall_scheme=DEFAULT_BANDS,
        rules={
            rule.id: RuleInfo(pack=lp.pack.id, group=rule.group, recommendation=rule.texts.recommendation)
            for lp in packs
            for rule in lp.pack.rules
        },
    )
