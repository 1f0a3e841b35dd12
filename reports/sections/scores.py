"""Scores: each pack's chart and its table of group scores and bands."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table

from mipat.assessment.results import GroupScore, PackScore
from mipat.reports.chart_labels import chart_word, short_title
from mipat.reports.charts import bands_of_scheme, principles_spider, score_bars
from mipat.reports.pdf_styles import PRIMARY
from mipat.reports.sections.kit import FRAME_WIDTH, PRINCIPLES_PACK_KIND, SDG_1072_KIND, TARGETS_PACK_KIND, Kit


def scores(k: Kit) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_scores"), 0)]
    previous_packs = {p.id: p for p in k.previous.packs} if k.previous else {}
    legend = [k.w("pdf_legend_current", date=k.cycle(k.a))]
    if k.previous is not None:
        legend.append(k.w("pdf_legend_previous", date=k.cycle(k.previous)))
    schemes = {scheme.id: scheme for scheme in k.a.bands}
    for pack in k.a.packs:
        old = previous_packs.get(pack.id)
        block: list[Flowable] = [k.heading(pack.title.get(k.lang), 1)]
        if pack.scored_by == SDG_1072_KIND and pack.index is None and k.all_not_applicable(pack):
            block.append(k.text(k.w("pdf_domain_not_applicable"), k.st.note))
            out.append(KeepTogether(block))
            continue
        if pack.scored_by == SDG_1072_KIND:
            domain = k.w("pdf_domain_score", score=k.num(pack.index), band=k.band(pack.bands, pack.band))
            block.append(k.text(domain, k.st.strong))
        chart = _chart(k, pack, old, legend, schemes)
        if chart is not None:
            block += chart
        # The heading stays with its chart; the table may start on the next page rather than leave
        # half a page empty.
        out.append(KeepTogether(block))
        out.append(score_table(k, pack, old))
    return out


def _chart(k: Kit, pack: PackScore, old: PackScore | None, legend: list[str], schemes: dict) -> list[Flowable] | None:
    """The pack's chart and caption: a spider for the principles, bars for actions, targets and 10.7.2."""
    if not pack.groups:
        return None
    scheme = schemes.get(pack.bands)
    common = {
        "legend": legend,
        "width": FRAME_WIDTH,
        "bands": bands_of_scheme(scheme.bands, k.lang) if scheme else (),
        "gap_label": k.w("pdf_not_applicable"),
        "bands_title": chart_word("bands_legend", k.lang),
    }
    labels = [short_title(pack.id, g.id, g.title.get(k.lang), k.lang) for g in pack.groups]
    now = [g.score for g in pack.groups]
    before = [k.group_score(old, g.id) for g in pack.groups] if old else None
    if pack.scored_by == PRINCIPLES_PACK_KIND and len(pack.groups) >= 3:
        drawing = principles_spider(labels, now, before, value_fmt=k.num, **common)
        caption = "pdf_fig_spider"
    else:
        drawing = score_bars(labels, now, before, fmt=k.num, **common)
        caption = {TARGETS_PACK_KIND: "pdf_fig_bars", SDG_1072_KIND: "pdf_fig_bars_1072"}.get(
            pack.scored_by, "pdf_fig_bars_groups"
        )
    return [drawing, k.text(k.w(caption), k.st.caption)]


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
            k.cell(_row_title(k, pack, g)),
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


def _row_title(k: Kit, pack: PackScore, group: GroupScore) -> str:
    """The group's title, or its chart title where that says more ('23a Support other States' rather
    than 'Action 23a')."""
    title = group.title.get(k.lang)
    short = short_title(pack.id, group.id, title, k.lang)
    return short if len(short) > len(title) else title
