"""Change since the previous assessment: score deltas and every rule whose outcome changed."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from mipat.assessment.results import Assessment
from mipat.reports.comparison import mismatches, outcome_changes, score_changes
from mipat.reports.findings import finding
from mipat.reports.pdf_document import literal
from mipat.reports.pdf_styles import PRIMARY
from mipat.reports.sections.kit import FRAME_WIDTH, Kit


def change(k: Kit) -> list[Flowable]:
    prev, a, st = k.previous, k.a, k.st
    assert prev is not None
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_change"), 0)]
    previous, current = k.cycle(prev), k.cycle(a)
    out.append(k.text(k.w("pdf_change_intro", previous=previous, current=current, date=k.date(prev.assessment_date))))
    mismatched = mismatches(prev, a)
    if mismatched:
        out.append(k.text(k.w("pdf_change_other_authority", fields=k.sep.join(mismatched)), st.note))
    before_versions = _versions(prev)
    now_versions = _versions(a)
    if before_versions != now_versions:
        out.append(k.text(k.w("pdf_change_versions", previous=before_versions, current=now_versions), st.note))
    if prev.overall_bands != a.overall_bands:
        out.append(k.text(k.w("pdf_change_method"), st.note))
    out.append(k.heading(k.w("pdf_score_deltas"), 1))
    rows = [k.head_row("", previous, current, k.w("pdf_difference"))]
    bold_rows: list[int] = []
    for change in score_changes(prev, a):
        if change.kind == "overall":
            label, style = k.w("overall_index"), st.cell_bold
        elif change.kind == "pack":
            label, style = change.title.get(k.lang) if change.title else change.pack_id, st.cell_bold
        else:
            label, style = change.title.get(k.lang) if change.title else change.group_id, st.cell_indented
        if change.kind != "group":
            bold_rows.append(len(rows))
        rows.append(
            [
                literal(label, style),
                k.cell(k.num(change.before), st.cell_right),
                k.cell(k.num(change.now), st.cell_right),
                literal(k.signed(change.delta), st.cell_bold_right if change.kind != "group" else st.cell_right),
            ]
        )
    table = k.table(rows, [FRAME_WIDTH - 210, 70, 70, 70], right_columns=(1, 2, 3))
    table.setStyle([("LINEABOVE", (0, row), (-1, row), 0.5, PRIMARY) for row in bold_rows[1:]])
    out.append(table)
    changed = outcome_changes(prev, a)
    for key, changes in (
        ("pdf_outcomes_improved", changed.improved),
        ("pdf_outcomes_declined", changed.declined),
        ("pdf_outcomes_other", changed.other),
    ):
        if key == "pdf_outcomes_other" and not changes:
            continue
        out.append(k.heading(k.w(key, count=len(changes)), 1))
        if not changes:
            out.append(k.text(k.w("pdf_none")))
            continue
        rows = [k.head_row(k.w("rule"), k.w("pdf_outcome_change"), k.w("finding"))]
        for item in changes:
            r = item.rule
            was_now = k.w("pdf_was_now", before=_outcome(k, item.before), now=_outcome(k, item.now))
            rows.append(
                [
                    [k.cell(r.rule_id, st.cell_bold), k.cell(k.group_title(r.pack_id, r.group))],
                    k.cell(was_now),
                    k.cell(finding(r, k.lang)),
                ]
            )
        out.append(k.table(rows, [120, 110, FRAME_WIDTH - 230], split_in_row=True))
    return out


def _versions(a: Assessment) -> str:
    packs = ", ".join(f"{p.id} {p.version}" for p in a.packs)
    return f"{a.questionnaire.id} {a.questionnaire.version}; {packs}"


def _outcome(k: Kit, outcome: str) -> str:
    return k.w("pdf_no_such_rule") if outcome == "absent" else k.w(f"outcome_{outcome}")
