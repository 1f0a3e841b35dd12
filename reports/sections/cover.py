"""The cover (authority, period, headline result) and the table of contents."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from mipat.reports.pdf_document import Anchor, ContentsPlaceholder, Heading
from mipat.reports.pdf_styles import key_value_table_style
from mipat.reports.sections.kit import FRAME_WIDTH, Kit


def cover(k: Kit) -> list[Flowable]:
    a, st = k.a, k.st
    out: list[Flowable] = [
        Anchor(k.w("pdf_cover"), 0, k.key()),
        Spacer(1, 30),
        k.text(k.w("pdf_title"), st.cover_title),
        k.text(k.w("pdf_subtitle"), st.cover_subtitle),
        k.text(k.authority(), st.cover_authority),
    ]
    if not a.complete:
        out.append(k.text(k.w("draft_incomplete"), st.draft))
    respondent = a.response.respondent
    who = ", ".join(p for p in (respondent.name, respondent.role, respondent.organisation) if p)
    packs = "\n".join(f"{p.id} {p.version}" for p in a.packs)
    facts = [
        ("pdf_level", k.level_label()),
        ("pdf_country", a.scope.country),
        ("pdf_period", a.scope.period),
        ("pdf_lead", a.scope.lead),
        ("pdf_respondent", who or None),
        ("pdf_assessment_date", a.assessment_date),
        ("pdf_status", k.w("pdf_status_final") if a.complete else k.w("pdf_status_draft")),
        ("pdf_questionnaire", f"{a.questionnaire.id} {a.questionnaire.version}"),
        ("pdf_rule_packs", packs),
        ("pdf_tool", f"{a.tool} {a.tool_version}"),
    ]
    rows = [
        [k.cell(k.w(label), st.cell_bold), k.cell(value if value else k.w("pdf_not_stated"))] for label, value in facts
    ]
    out.append(Table(rows, colWidths=[130, FRAME_WIDTH - 130], style=key_value_table_style(), hAlign="LEFT"))
    out.append(Spacer(1, 14))
    out.append(k.text(k.w("pdf_fingerprints"), st.h4))
    response_file = k.w("pdf_labelled", label=k.w("pdf_response_file"), text=a.input_file)
    prints = [(response_file, a.input_sha256 or k.w("pdf_not_stated"))]
    prints += [(f"{p.id} {p.version}", p.sha256) for p in a.packs]
    if a.tailoring_sha256:
        prints.append((k.w("pdf_tailoring_file"), a.tailoring_sha256))
    rows = [[k.cell(label, st.cell), k.cell(digest, st.cell_mono)] for label, digest in prints]
    out.append(Table(rows, colWidths=[170, FRAME_WIDTH - 170], style=key_value_table_style(), hAlign="LEFT"))
    out.append(Spacer(1, 16))
    out.append(k.text(k.w("pdf_cover_note"), st.note))
    return out


def contents(k: Kit) -> list[Flowable]:
    return [
        PageBreak(),
        Heading(k.w("pdf_contents"), k.st.h1, 0, k.key(), in_toc=False),
        ContentsPlaceholder(),
        PageBreak(),
    ]
