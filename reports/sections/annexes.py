"""The annexes, one chapter: traceability of the inputs, tailoring and exceptions, every answer."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table

from mipat.questionnaires.definition import Questionnaire
from mipat.questionnaires.responses import Answer
from mipat.reports.answer_text import evidence_line, value_lines
from mipat.reports.pdf_document import literal
from mipat.reports.pdf_styles import key_value_table_style
from mipat.reports.sections.kit import FRAME_WIDTH, Kit


def annexes(k: Kit) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_annexes"), 0)]
    return out + traceability(k) + tailoring(k) + answers(k)


def traceability(k: Kit) -> list[Flowable]:
    """What an auditor needs to re-run the scoring: files, fingerprints, versions, warnings."""
    a, st = k.a, k.st
    out: list[Flowable] = [k.heading(k.w("pdf_sec_traceability"), 1), k.text(k.w("pdf_traceability_intro"))]
    rows = [
        [k.cell(k.w("pdf_response_file"), st.cell_bold), k.cell(a.input_file)],
        [k.cell(k.w("pdf_questionnaire"), st.cell_bold), k.cell(f"{a.questionnaire.id} {a.questionnaire.version}")],
        [k.cell(k.w("pdf_tool"), st.cell_bold), k.cell(f"{a.tool} {a.tool_version}")],
        [k.cell(k.w("pdf_scored_at"), st.cell_bold), k.cell(a.generated_at)],
    ]
    out.append(Table(rows, colWidths=[130, FRAME_WIDTH - 130], style=key_value_table_style(), hAlign="LEFT"))
    out.append(Spacer(1, 8))
    prints = [k.head_row(k.w("pdf_input"), k.w("pdf_version"), "SHA-256")]
    prints.append([k.cell(k.w("pdf_response_file")), k.cell("–"), k.cell(a.input_sha256 or "–", st.cell_mono)])
    prints += [
        [k.cell(f"{p.title.get(k.lang)} ({p.id})"), k.cell(p.version), k.cell(p.sha256, st.cell_mono)] for p in a.packs
    ]
    if a.tailoring_sha256:
        prints.append([k.cell(k.w("pdf_tailoring_file")), k.cell("–"), k.cell(a.tailoring_sha256, st.cell_mono)])
    out.append(k.table(prints, [FRAME_WIDTH - 60 - 250, 60, 250]))
    if a.warnings:
        out.append(k.heading(k.w("pdf_warnings"), 2, in_toc=False))
        out += [k.bullet(p.describe()) for p in a.warnings]
    return out


def tailoring(k: Kit) -> list[Flowable]:
    a, st = k.a, k.st
    out: list[Flowable] = [k.heading(k.w("pdf_sec_tailoring"), 1)]
    waived = [r for r in a.rules if r.waiver is not None]
    if not a.tailoring and not waived:
        out.append(k.text(k.w("pdf_no_tailoring")))
    else:
        out.append(k.text(k.w("pdf_tailoring_intro")))
        if a.tailoring_sha256:
            digest = k.w("pdf_labelled", label=k.w("pdf_tailoring_file"), text=f"SHA-256 {a.tailoring_sha256}")
            out.append(k.text(digest, st.small))
        rows = [k.head_row(k.w("pdf_change"), k.w("pdf_applies_to"), k.w("pdf_justification"))]
        for change in a.tailoring:
            detail = k.w(f"pdf_kind_{change.kind}")
            rule = a.rule(change.target)
            if change.kind == "weight" and rule is not None:
                base, weight = k.num(rule.base_weight, 0), k.num(rule.weight, 0)
                detail += f" ({k.w('pdf_weight_from_to', base=base, weight=weight)})"
            rows.append([k.cell(detail), k.cell(change.target), k.cell(change.justification or "–")])
        if len(rows) > 1:
            out.append(k.table(rows, [150, 90, FRAME_WIDTH - 240], split_in_row=True))
        if waived:
            out.append(k.heading(k.w("pdf_exceptions"), 2, in_toc=False))
            rows = [k.head_row(k.w("rule"), k.w("pdf_approver"), k.w("pdf_expires"), k.w("pdf_justification"))]
            for rule in waived:
                w = rule.waiver
                assert w is not None
                state = k.w("pdf_in_force") if w.active else k.w("pdf_expired")
                rows.append(
                    [
                        [k.cell(rule.rule_id, st.cell_bold), k.cell(state)],
                        k.cell(w.approver),
                        k.cell(w.expires),
                        k.cell(w.justification),
                    ]
                )
            out.append(k.table(rows, [120, 110, 60, FRAME_WIDTH - 290], split_in_row=True))
    return out


def answers(k: Kit) -> list[Flowable]:
    a, q = k.a, k.q
    out: list[Flowable] = [CondPageBreak(200), k.heading(k.w("pdf_sec_answers"), 1)]
    if q is None:
        out.append(
            k.text(
                k.w(
                    "pdf_answers_unknown_questionnaire",
                    questionnaire=a.questionnaire.id,
                    version=a.questionnaire.version,
                ),
                k.st.note,
            )
        )
        out += answer_table(k, k.w("pdf_other_answers"), sorted(a.response.answers), None)
        return out
    out.append(k.text(k.w("pdf_answers_intro", questionnaire=q.id, version=q.version)))
    answered = {qid: ans.value for qid, ans in a.response.answers.items() if ans.answered}
    shown = q.visible(answered)
    known: set[str] = set()
    for section in q.sections:
        ids = []
        for question in section.questions:
            known.add(question.id)
            answer = a.response.answers.get(question.id)
            if question.id in shown or (answer is not None and _has_content(answer)):
                ids.append(question.id)
        if ids:
            out += answer_table(k, section.title.get(k.lang), ids, q)
    others = sorted(qid for qid in a.response.answers if qid not in known)
    if others:
        out += answer_table(k, k.w("pdf_other_answers"), others, None)
    return out


def answer_table(k: Kit, title: str, ids: Iterable[str], q: Questionnaire | None) -> list[Flowable]:
    st, lang = k.st, k.lang
    rows = [k.head_row(k.w("pdf_id"), k.w("pdf_question"), k.w("pdf_answer"))]
    for qid in ids:
        question = q.question(qid) if q else None
        answer = k.a.response.answers.get(qid)
        cell: list[Flowable] = []
        lines = value_lines(q, question, answer.value, lang) if answer else []
        if lines:
            multi = len(lines) > 1
            cell += [k.cell(("• " if multi else "") + line, st.cell_bold) for line in lines]
        else:
            cell.append(literal(k.w("unanswered"), st.cell_italic))
        if answer is not None and answer.comment:
            comment = k.w("pdf_labelled", label=k.w("pdf_comment"), text=answer.comment)
            cell.append(literal(comment, st.cell_italic))
        if answer is not None and answer.evidence:
            cell.append(k.cell(k.w("pdf_labelled", label=k.w("pdf_evidence"), text="").rstrip()))
            cell += [k.cell("• " + evidence_line(e, lang)) for e in answer.evidence]
        text = question.text.get(lang) if question else qid
        rows.append([k.cell(qid, st.cell_bold), k.cell(text), cell])
    heading = k.heading(title, 2, in_toc=False)
    table = k.table(rows, [46, 212, FRAME_WIDTH - 258], split_in_row=True)
    return [CondPageBreak(90), heading, table]


def _has_content(answer: Answer) -> bool:
    return answer.answered or bool(answer.comment) or bool(answer.evidence)
