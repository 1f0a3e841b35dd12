"""Scores: each pack's chart and its table of group scores and bands."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table

from mipat.assessment.results import PackScore
from mipat.reports.charts import principles_spider, target_bars
from mipat.reports.pdf_styles import PRIMARY
from mipat.reports.sections.kit import FRAME_WIDTH, PRINCIPLES_PACK_KIND, SDG_1072_KIND, TARGETS_PACK_KIND, Kit


def scores(k: Kit) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_scores"), 0)]
    previous_packs = {p.id: p for p in k.previous.packs} if k.previous else {}
    legend = [k.w("pdf_legend_current", date=k.cycle(k.a))]
    if k.previous is not None:
        legend.append(k.w("pdf_legend_previous", date=k.cycle(k.previous)))
    for pack in k.a.packs:
        old = previous_packs.get(pack.id)
        block: list[Flowable] = [k.heading(pack.title.get(k.lang), 1)]
        labels = [k.group_label(g) for g in pack.groups]
        now = [g.score for g in pack.groups]
        before = [k.group_score(old, g.id) for g in pack.groups] if old else None
        if pack.scored_by == PRINCIPLES_PACK_KIND and len(pack.groups) >= 3:
            block.append(principles_spider(labels, now, before, legend=legend, width=FRAME_WIDTH))
            block.append(k.text(k.w("pdf_fig_spider"), k.st.caption))
        elif pack.scored_by == TARGETS_PACK_KIND and pack.groups:
            block.append(target_bars(labels, now, before, legend=legend, fmt=k.num, width=FRAME_WIDTH))
            block.append(k.text(k.w("pdf_fig_bars"), k.st.caption))
        elif pack.scored_by == SDG_1072_KIND and pack.index is None and k.all_not_applicable(pack):
            block.append(k.text(k.w("pdf_domain_not_applicable"), k.st.note))
            out.append(KeepTogether(block))
            continue
        elif pack.scored_by == SDG_1072_KIND:
            domain = k.w("pdf_domain_score", score=k.num(pack.index), band=k.band(pack.bands, pack.band))
            block.append(k.text(domain, k.st.strong))
        block.append(score_table(k, pack, old))
        out.append(KeepTogether(block))
    return out


def score_table(k: Kit, pack: PackScore, old: PackScore | None) -> Table:
    st = k.st
    head = [k.w(f"pdf_scored_by_{pack.scored_by}"), k.w("pdf_score"), k.w("pdf_band"), k.w("pdf_rules")]
    widths = [FRAME_WIDTH - 275, 60, 130, 85]
    if old is not None:
        head += [k.w("pdf_previous"), k.w("pdf_delta")]
        widths = [FRAME_WIDTH - 355, 60, 115, 80, 50, 50]
    rows = [k.head_row(*head)]
    for g in pack.groups:
        counted = sum(n for outcome, n in g.outcomes.items() if outcome not in ("not_applicable", "waived"))
        met = g.outcomes.get("met", 0)
        row = [
            k.cell(g.title.get(k.lang)),
            k.cell(k.group_score_text(g), st.cell_right),
            k.cell(k.band(pack.bands, g.band)),
            k.cell(k.w("pdf_rules_met", met=met, counted=counted)),
        ]
        if old is not None:
            before = k.group_score(old, g.id)
            delta = None if before is None or g.score is None else round(g.score - before, 1)
            row += [k.cell(k.num(before), st.cell_right), k.cell(k.signed(delta), st.cell_right)]
        rows.append(row)
    total = [
        k.cell(k.w("pdf_pack_index"), st.cell_bold),
        k.cell(k.pack_index_text(pack), st.cell_bold_right),
        k.cell(k.band(pack.bands, pack.band), st.cell_bold),
        k.cell(""),
    ]
    if old is not None:
        delta = None if old.index is None or pack.index is None else round(pack.index - old.index, 1)
        total += [k.cell(k.num(old.index), st.cell_right), k.cell(k.signed(delta), st.cell_bold_right)]
    rows.append(total)
    table = k.table(rows, widths)
    table.setStyle([("LINEABOVE", (0, -1), (-1, -1), 0.6, PRIMARY)])
    return table
