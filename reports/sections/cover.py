"""The cover (authority, period, headline result) and the table of contents."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from mipat.reports.pdf_document import Anchor, ContentsPlaceholder, Heading
from mipat.reports.pdf_styles import PLAIN_TABLE, PRIMARY, key_value_table_style
from mipat.reports.sections.kit import FRAME_WIDTH, Kit
from mipat.reports.sections.messages import key_messages


def cover(k: Kit) -> list[Flowable]:
    """Who was assessed, for which period, the headline result and the key messages.

    File names, hashes and rule-pack ids are in the traceability annex, not here."""
    a, st = k.a, k.st
    out: list[Flowable] = [
        Anchor(k.w("pdf_cover"), 0, k.key()),
        Spacer(1, 16),
        k.text(k.w("pdf_title"), st.cover_title),
        k.text(k.w("pdf_subtitle"), st.cover_subtitle),
        k.text(k.authority(), st.cover_authority),
    ]
    if not a.complete:
        out.append(k.text(k.w("draft_incomplete"), st.draft))
    respondent = a.response.respondent
    who = ", ".join(p for p in (respondent.name, respondent.role, respondent.organisation) if p)
    facts = [
        ("pdf_level", k.level_label()),
        ("pdf_country", a.scope.country),
        ("pdf_period", a.scope.period),
        ("pdf_lead", a.scope.lead),
        ("pdf_respondent", who or None),
        ("pdf_assessment_date", k.date(a.assessment_date)),
        ("pdf_status", k.w("pdf_status_final") if a.complete else k.w("pdf_status_draft")),
    ]
    rows = [
        [k.cell(k.w(label), st.cell_bold), k.cell(value if value else k.w("pdf_not_stated"))] for label, value in facts
    ]
    out.append(Table(rows, colWidths=[130, FRAME_WIDTH - 130], style=key_value_table_style(), hAlign="LEFT"))
    out.append(Spacer(1, 14))
    out.append(headline(k))
    messages = key_messages(k)[:3]
    if messages:
        out.append(k.text(k.w("pdf_key_messages"), st.h3))
        out += [k.bullet(message) for message in messages]
    out.append(Spacer(1, 10))
    out.append(k.text(k.w("pdf_cover_note"), st.note))
    return out


def headline(k: Kit) -> Flowable:
    """The overall index in large type with its band, or why there is none yet."""
    a, st = k.a, k.st
    if a.overall_index is None:
        return k.text(k.w("pdf_summary_lead_unscored", authority=k.authority()), st.strong)
    band = k.band(k.default_scheme, a.overall_band)
    return Table(
        [[k.text(k.num(a.overall_index), st.big_number), [k.text(k.w("overall_index"), st.strong), k.text(band)]]],
        colWidths=[90, FRAME_WIDTH - 90],
        style=[
            *PLAIN_TABLE,
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEABOVE", (0, 0), (-1, 0), 0.6, PRIMARY),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, PRIMARY),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ],
        hAlign="LEFT",
    )


def contents(k: Kit) -> list[Flowable]:
    return [
        PageBreak(),
        Heading(k.w("pdf_contents"), k.st.h1, 0, k.key(), in_toc=False),
        ContentsPlaceholder(),
        PageBreak(),
    ]
