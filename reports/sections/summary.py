"""The executive summary: the headline index, the frameworks, strengths, areas with potential,
change since the previous cycle and priority next steps."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table

from mipat.assessment.results import Recommendation
from mipat.reports.answer_text import answered_questions
from mipat.reports.findings import action
from mipat.reports.pdf_document import Para
from mipat.reports.pdf_styles import PLAIN_TABLE
from mipat.reports.sections.kit import FRAME_WIDTH, PRINCIPLES_PACK_KIND, Kit, esc


def summary(k: Kit) -> list[Flowable]:
    a, st = k.a, k.st
    out: list[Flowable] = [k.heading(k.w("pdf_sec_summary"), 0)]
    answered, asked = answered_questions(k.q, a.response)
    if a.overall_index is not None:
        panel = Table(
            [
                [
                    k.text(k.num(a.overall_index), st.big_number),
                    [
                        k.text(k.w("overall_index"), st.strong),
                        k.text(f"{k.w('pdf_band')} {k.band(k.default_scheme, a.overall_band)}"),
                    ],
                ]
            ],
            colWidths=[90, FRAME_WIDTH - 90],
            style=[*PLAIN_TABLE, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
            hAlign="LEFT",
        )
        out.append(panel)
        lead = k.w(
            "pdf_summary_lead",
            authority=k.authority(),
            index=k.num(a.overall_index),
            band=k.band(k.default_scheme, a.overall_band),
        )
    else:
        lead = k.w("pdf_summary_lead_unscored", authority=k.authority())
    out.append(Spacer(1, 6))
    basis = k.w(
        "pdf_summary_basis",
        answered=answered,
        questions=asked,
        partnerships=len(a.response.inventory),
        packs=len(a.packs),
    )
    out.append(k.text(f"{lead} {basis}"))
    out.append(k.text(k.w("pdf_summary_tone"), st.note))

    out.append(k.heading(k.w("pdf_index_by_framework"), 1, in_toc=False))
    rows = [k.head_row(k.w("pdf_framework"), k.w("pdf_score"), k.w("pdf_band"))]
    rows.append(
        [
            k.cell(k.w("overall_index"), st.cell_bold),
            k.cell(k.num(a.overall_index), st.cell_right),
            k.cell(k.band(k.default_scheme, a.overall_band)),
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
    out.append(k.table(rows, [FRAME_WIDTH - 195, 60, 135]))

    principles = next((p for p in a.packs if p.scored_by == PRINCIPLES_PACK_KIND), None)
    if principles is not None:
        scored = [g for g in principles.groups if g.score]
        strongest = sorted(scored, key=lambda g: -(g.score or 0))[:3]
        if strongest:
            out.append(k.heading(k.w("pdf_strongest"), 1, in_toc=False))
            for g in strongest:
                band = esc(k.band(principles.bands, g.band))
                markup = f"<b>{esc(g.title.get(k.lang))}</b> — {esc(k.num(g.score))} ({band})"
                out.append(Para(markup, st.bullet, bulletText="•"))

    out.append(k.heading(k.w("top_actions"), 1, in_toc=False))
    top = [rec for rec in a.recommendations if rec.kind == "act"][:5]
    unanswered = sum(1 for r in a.rules if r.outcome == "not_answered")
    if top:
        out.append(k.text(k.w("pdf_top_actions_intro")))
        out.append(actions_table(k, top))
    elif unanswered:
        out.append(k.text(k.w("pdf_answer_first", count=unanswered)))
    else:
        out.append(k.text(k.w("pdf_no_actions")))
    document = [rec for rec in a.recommendations if rec.kind == "document"][:5]
    if document:
        out.append(k.heading(k.w("document_it"), 1, in_toc=False))
        out.append(k.text(k.w("document_it_intro")))
        out.append(actions_table(k, document))
    return out


def actions_table(k: Kit, recommendations: list[Recommendation]) -> Table:
    st = k.st
    rows = [k.head_row(k.w("rule"), k.w("recommendation"), k.w("pdf_gain_overall"))]
    for rec in recommendations:
        rule = k.a.rule(rec.rule_id)
        text = (action(rule, k.lang) or "") if rule else ""
        rows.append(
            [
                [k.cell(rec.rule_id, st.cell_bold), k.cell(k.group_title(rec.pack_id, rec.group))],
                k.cell(text),
                k.cell(k.w("pdf_gain_points", gain=k.num(rec.gain_overall)), st.cell_right),
            ]
        )
    return k.table(rows, [105, FRAME_WIDTH - 105 - 70, 70])
