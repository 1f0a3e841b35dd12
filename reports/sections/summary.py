"""The executive summary: the headline index, the frameworks, strengths, areas with potential,
change since the previous cycle and priority next steps."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table

from mipat.assessment.results import GroupScore, PackScore, Recommendation
from mipat.reports.answer_text import answered_questions
from mipat.reports.findings import action
from mipat.reports.sections.cover import headline
from mipat.reports.sections.kit import FRAME_WIDTH, Kit
from mipat.reports.sections.messages import change_message, key_messages, ranked_principles


def summary(k: Kit) -> list[Flowable]:
    """Headline, key messages, the frameworks at a glance, strengths, areas with potential, change
    since the previous cycle, priority next steps and what to document."""
    a, st = k.a, k.st
    out: list[Flowable] = [k.heading(k.w("pdf_sec_summary"), 0), headline(k), Spacer(1, 6)]
    answered, asked = answered_questions(k.q, a.response)
    if a.overall_index is not None:
        band = k.band(k.default_scheme, a.overall_band)
        lead = k.w("pdf_summary_lead", authority=k.authority(), index=k.num(a.overall_index), band=band)
    else:
        lead = k.w("pdf_summary_lead_unscored", authority=k.authority())
    basis = k.w(
        "pdf_summary_basis",
        answered=answered,
        questions=asked,
        partnerships=k.count(len(a.response.inventory), "pdf_n_partnerships"),
        packs=len(a.packs),
    )
    out.append(k.text(f"{lead} {basis}"))
    messages = key_messages(k)
    if messages:
        out.append(k.heading(k.w("pdf_key_messages"), 1, in_toc=False))
        out += [k.bullet(message) for message in messages]

    out.append(k.heading(k.w("pdf_index_by_framework"), 1, in_toc=False))
    rows = [k.head_row(k.w("pdf_framework"), k.w("pdf_score"), k.w("pdf_band"))]
    rows.append(
        [
            k.cell(k.w("overall_index"), st.cell_bold),
            k.cell(k.num(a.overall_index), st.cell_bold_right),
            k.cell(k.band(k.default_scheme, a.overall_band), st.cell_bold),
        ]
    )
    rows += [
        [
            k.cell(p.title.get(k.lang)),
            k.cell(k.pack_index_text(p), st.cell_right),
            k.cell(k.band(p.bands, p.band)),
        ]
        for p in a.packs
    ]
    out.append(k.table(rows, [FRAME_WIDTH - 195, 60, 135], right_columns=(1,)))

    ranked = ranked_principles(k)
    for key, groups in (("pdf_strongest", ranked.strengths), ("pdf_potential_principles", ranked.potential)):
        if groups and ranked.pack is not None:
            out.append(k.heading(k.w(key), 1, in_toc=False))
            out.append(principle_table(k, ranked.pack, groups))

    if k.previous is not None:
        out.append(k.heading(k.w("pdf_summary_change"), 1, in_toc=False))
        out.append(k.text(change_message(k) or k.w("pdf_summary_change_unscored")))
        out.append(k.text(k.w("pdf_summary_change_more"), st.small))

    out.append(k.heading(k.w("pdf_priority_steps"), 1, in_toc=False))
    top = [rec for rec in a.recommendations if rec.kind == "act"][:5]
    unanswered = sum(1 for r in a.rules if r.outcome == "not_answered")
    if top:
        out.append(k.text(k.w("pdf_top_actions_intro"), keep_with_next=True))
        out.append(actions_table(k, top))
    elif unanswered:
        out.append(k.text(k.w("pdf_answer_first", count=unanswered)))
    else:
        out.append(k.text(k.w("pdf_no_actions")))
    document = [rec for rec in a.recommendations if rec.kind == "document"][:5]
    if document:
        out.append(k.heading(k.w("document_it"), 1, in_toc=False))
        out.append(k.text(k.w("document_it_intro"), keep_with_next=True))
        out.append(actions_table(k, document, gains=False))
    out.append(k.text(k.w("pdf_summary_tone"), st.note))
    return out


def principle_table(k: Kit, pack: PackScore, groups: list[GroupScore]) -> Table:
    st = k.st
    rows = [k.head_row(k.w("pdf_principle"), k.w("pdf_score"), k.w("pdf_band"))]
    rows += [
        [k.cell(g.title.get(k.lang)), k.cell(k.num(g.score), st.cell_right), k.cell(k.band(pack.bands, g.band))]
        for g in groups
    ]
    return k.table(rows, [FRAME_WIDTH - 195, 60, 135], right_columns=(1,))


def actions_table(k: Kit, recommendations: list[Recommendation], *, gains: bool = True) -> Table:
    """Next steps, most useful first: the step and its area, then (secondary) the gain it would bring
    to the overall index, on that one scale."""
    st = k.st
    head = [k.w("pdf_step"), k.w("pdf_area")] + ([k.w("pdf_gain_overall_short")] if gains else [])
    rows = [k.head_row(*head)]
    for rec in recommendations:
        rule = k.a.rule(rec.rule_id)
        text = (action(rule, k.lang) or "") if rule else ""
        row = [
            [k.cell(text), k.cell(rec.rule_id, st.cell_muted)],
            k.cell(k.group_title(rec.pack_id, rec.group)),
        ]
        if gains:
            row.append(k.cell(f"+{k.num(rec.gain_overall)}", st.cell_right))
        rows.append(row)
    widths = [FRAME_WIDTH - 150 - 70, 150, 70] if gains else [FRAME_WIDTH - 150, 150]
    return k.table(rows, widths, right_columns=(2,) if gains else ())
