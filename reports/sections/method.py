"""Scope and method: what was assessed, how rules score, weights, bands and what counts."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from mipat.reports.answer_text import answered_questions, evidence_count
from mipat.reports.sections.kit import FRAME_WIDTH, Kit


def method(k: Kit) -> list[Flowable]:
    a, st = k.a, k.st
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_method"), 0)]
    answered, asked = answered_questions(k.q, a.response)
    out.append(k.heading(k.w("pdf_what_assessed"), 1))
    out.append(
        k.text(
            k.w(
                "pdf_what_assessed_text",
                authority=k.authority(),
                questionnaire=a.questionnaire.id,
                version=a.questionnaire.version,
                period=a.scope.period or k.w("pdf_not_stated"),
                answered=answered,
                questions=asked,
                evidence=evidence_count(a.response),
                partnerships=len(a.response.inventory),
                date=k.date(a.assessment_date),
            )
        )
    )
    rows = [k.head_row(k.w("pdf_framework"), k.w("pdf_version"), k.w("pdf_rules"))]
    for pack in a.packs:
        count = sum(1 for r in a.rules if r.pack_id == pack.id)
        rows.append(
            [
                k.cell(f"{pack.title.get(k.lang)} ({pack.id})"),
                k.cell(pack.version),
                k.cell(str(count), st.cell_right),
            ]
        )
    out.append(k.table(rows, [FRAME_WIDTH - 120, 70, 50]))

    out.append(k.heading(k.w("pdf_how_scored"), 1))
    for key in ("pdf_formula_credit", "pdf_formula_group", "pdf_formula_pack", "pdf_formula_1072"):
        out.append(k.bullet(k.w(key)))

    out.append(k.heading(k.w("pdf_weights"), 1))
    out.append(k.text(k.w("pdf_weights_text")))
    rows = [k.head_row(k.w("pdf_framework"), k.w("pdf_rules"), k.w("pdf_total_weight"), k.w("pdf_weights_changed"))]
    for pack in a.packs:
        members = [r for r in a.rules if r.pack_id == pack.id]
        changed = [r for r in members if r.weight != r.base_weight]
        rows.append(
            [
                k.cell(pack.title.get(k.lang)),
                k.cell(str(len(members)), st.cell_right),
                k.cell(k.num(sum(r.weight for r in members), 0), st.cell_right),
                k.cell(", ".join(r.rule_id for r in changed) or "–"),
            ]
        )
    out.append(k.table(rows, [FRAME_WIDTH - 230, 45, 65, 120]))

    out.append(k.heading(k.w("pdf_bands"), 1))
    for scheme in a.bands:
        intro = "pdf_bands_judgement" if scheme.status == "judgement" else "pdf_bands_text"
        block: list[Flowable] = [k.text(k.w(intro, scheme=scheme.id))]
        rows = [k.head_row(k.w("pdf_band"), k.w("pdf_band_range"))]
        cuts = sorted(scheme.bands, key=lambda b: b["min"])
        for i, band in enumerate(cuts):
            upper = cuts[i + 1]["min"] if i + 1 < len(cuts) else None
            low = k.num(band["min"], 0)
            span = f"{low} – < {k.num(upper, 0)}" if upper is not None else f"≥ {low}"
            if upper is None and band["min"] >= 100:
                span = low
            rows.append([k.cell(f"{band['code']} · {band['label'][k.lang]}"), k.cell(span)])
        block.append(k.table(rows, [FRAME_WIDTH - 160, 160]))
        if scheme.status == "unconfirmed":
            block.append(k.text(k.w("pdf_bands_unconfirmed"), st.note))
        elif scheme.status != "judgement":
            block.append(k.text(k.w("pdf_bands_status", status=scheme.status)))
        # The bundled schemes' sources in the reader's language; another scheme's as its file gives it.
        known = {"sdg-10-7-2": "pdf_band_source_sdg_10_7_2", "mipat-development": "pdf_band_source_mipat"}
        if scheme.id in known:
            source = k.w("pdf_labelled", label=k.w("pdf_source"), text=k.w(known[scheme.id]))
        else:
            label = f"{k.w('pdf_source')} {k.w('pdf_source_language')}"
            source = k.w("pdf_labelled", label=label, text=scheme.source)
        block.append(k.text(source, st.small))
        out.append(KeepTogether(block))

    out.append(k.heading(k.w("pdf_what_counts"), 1))
    for key in ("pdf_count_na", "pdf_count_unanswered", "pdf_count_evidence", "pdf_count_exceptions"):
        out.append(k.bullet(k.w(key)))
    if not a.complete:
        out.append(k.bullet(k.w("pdf_count_draft")))
    return out
