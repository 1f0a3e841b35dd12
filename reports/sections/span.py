"""The partnership span: counterpart × level heat map, partners by kind, indicators, inventory."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.platypus import Flowable, PageBreak

from mipat.questionnaires.responses import AnswerValue
from mipat.reports.answer_text import evidence_line, option_label, partner_kind_label, value_lines
from mipat.reports.chart_labels import chart_word
from mipat.reports.charts import span_heat_map
from mipat.reports.pdf_document import literal
from mipat.reports.sections.kit import FRAME_WIDTH, Kit


def span(k: Kit) -> list[Flowable]:
    a, st = k.a, k.st
    metrics = a.metrics
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_span"), 0)]
    out.append(
        k.text(
            k.w(
                "pdf_span_intro",
                partnerships=k.num(metrics.values.get("partnerships", len(a.response.inventory)), 0),
                active=k.num(metrics.values.get("active_partnerships", 0), 0),
            )
        )
    )
    out.append(k.heading(k.w("pdf_counterpart_level"), 1))
    layout = a.span_layout
    counterparts = {c.id: c.label.get(k.lang) for c in layout.counterparts}
    # A saved result holds its dicts in key order: lay out rows in the order the result records.
    row_ids = _in_order(metrics.matrix, list(counterparts))
    levels = [lvl for lvl in layout.levels if any(lvl in metrics.matrix[r] for r in row_ids)] or list(layout.levels)
    level_field = k.q.field("level") if k.q else None
    level_names = [option_label(k.q, level_field, lvl, k.lang) for lvl in levels]
    counts = [[metrics.matrix[r].get(lvl, 0) for lvl in levels] for r in row_ids]
    out.append(
        span_heat_map(
            [counterparts.get(r, r) for r in row_ids],
            level_names,
            counts,
            width=FRAME_WIDTH,
            legend_title=chart_word("heat_legend", k.lang),
        )
    )
    out.append(k.text(k.w("pdf_fig_heat_map"), st.caption))

    kinds = [k.head_row(k.w("pdf_kind_of_partner"), k.w("pdf_number"))]
    labelled = [(partner_kind_label(k.q, None, kind, k.lang), n) for kind, n in metrics.partners_by_kind.items()]
    kinds += [
        [k.cell(label), k.cell(str(n), st.cell_right)]
        for label, n in sorted(labelled, key=lambda item: (-item[1], item[0]))
    ]
    indicators = [k.head_row(k.w("pdf_indicator"), k.w("pdf_value"))]
    for metric_id in _in_order(metrics.values, layout.metrics):
        value = metrics.values[metric_id]
        label = a.metric_labels[metric_id].get(k.lang) if metric_id in a.metric_labels else metric_id
        digits = 0 if float(value).is_integer() else 1
        indicators.append([k.cell(label), k.cell(k.num(value, digits), st.cell_right)])
    # One table under the other, not side by side: text extraction and screen readers read them in order.
    out.append(k.heading(k.w("pdf_partners_by_kind"), 1))
    out.append(k.table(kinds, [FRAME_WIDTH - 70, 70], right_columns=(1,)))
    out.append(k.heading(k.w("pdf_indicators"), 1))
    out.append(k.table(indicators, [FRAME_WIDTH - 70, 70], right_columns=(1,)))
    out.append(k.heading(k.q.inventory.title.get(k.lang) if k.q else k.w("pdf_partnership"), 1))
    out += inventory_table(k)
    return out


def inventory_table(k: Kit) -> list[Flowable]:
    st, q, lang = k.st, k.q, k.lang
    items = k.a.response.inventory
    if not items:
        return [k.text(k.w("pdf_inventory_empty"))]

    def label(field_id: str, value: AnswerValue) -> str:
        field = q.field(field_id) if q else None
        return k.sep.join(value_lines(q, field, value, lang))

    rows = [k.head_row(k.w("pdf_id"), k.w("pdf_partnership"), k.w("pdf_partners"), k.w("pdf_state"))]
    for item in items:
        name = item.get("name")
        details = [label("instrument", item.get("instrument")), label("level", item.get("level"))]
        if item.get("start_year") is not None:
            details.append(k.w("pdf_since", year=item.get("start_year")))
        serves = []
        for prefix, field_id in ((k.w("pdf_gcm_short"), "gcm_objectives"), (k.w("pdf_sdg_short"), "sdg_targets")):
            codes = item.get(field_id)
            if isinstance(codes, list) and codes:
                serves.append(f"{prefix} " + ", ".join(str(code) for code in codes))
        first = [k.cell(str(name) if name is not None else item.id, st.cell_bold)]
        first.append(k.cell(" · ".join(d for d in details if d)))
        if serves:
            first.append(k.cell(k.w("pdf_labelled", label=k.w("pdf_frameworks_served"), text=k.sep.join(serves))))
        safeguards = label("safeguards", item.get("safeguards"))
        if safeguards:
            first.append(k.cell(safeguards))
        if item.comment:
            first.append(literal(item.comment, st.cell_italic))
        first += [k.cell("• " + evidence_line(e, lang)) for e in item.evidence]
        partners_field = q.field("partners") if q else None
        partners = [k.cell(line) for line in value_lines(q, partners_field, item.get("partners"), lang)]
        state = [k.cell(label("status", item.get("status")), st.cell_bold)]
        for field_id, key in (
            ("formalised", "pdf_formalised"),
            ("funded", "pdf_funded"),
            ("monitored", "pdf_monitored"),
        ):
            value = item.get(field_id)
            if value is not None:
                state.append(k.cell(k.w("pdf_labelled", label=k.w(key), text=label(field_id, value))))
        participation = label("migrant_participation", item.get("migrant_participation"))
        if participation:
            state.append(k.cell(participation))
        rows.append([k.cell(item.id), first, partners or k.cell("–"), state])
    return [k.table(rows, [38, FRAME_WIDTH - 38 - 150 - 105, 150, 105], split_in_row=True)]


def _in_order(keys: Iterable[str], order: list[str]) -> list[str]:
    """`keys` in the given order, any others after them, sorted: the same whatever the dict's order."""
    present = set(keys)
    return [k for k in order if k in present] + sorted(present - set(order))
