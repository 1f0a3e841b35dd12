"""Findings per group: well-developed areas, areas with potential, what to document; each finding
with the answers it read, its evidence, its normative basis and its next step."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak

from mipat.assessment.results import GroupScore, PackScore, RuleResult
from mipat.reports.answer_text import evidence_titles, value_lines
from mipat.reports.findings import action, finding
from mipat.reports.pdf_document import literal
from mipat.reports.sections.kit import PRINCIPLES_PACK_KIND, TARGETS_PACK_KIND, Kit


def findings(k: Kit) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), k.heading(k.w("pdf_sec_findings"), 0)]
    out.append(k.text(k.w("pdf_findings_intro")))
    packs = [p for p in k.a.packs if k.all_findings or p.scored_by == PRINCIPLES_PACK_KIND]
    for n, pack in enumerate(packs):
        if n:
            out.append(CondPageBreak(180))
        out.append(k.heading(pack.title.get(k.lang), 1))
        for group in pack.groups:
            out += group_findings(k, pack, group)
    return out


def group_summary(k: Kit, pack: PackScore, group_id: str) -> str | None:
    """The catalogue's one-line summary of a principle, action or target (none for sub-categories)."""
    c = k.catalogue
    entries = {PRINCIPLES_PACK_KIND: c.principles, "actions": c.actions, TARGETS_PACK_KIND: c.targets}
    entry = next((e for e in entries.get(pack.scored_by, []) if e.id == group_id), None)
    return entry.summary.get(k.lang) if entry is not None else None


def group_findings(k: Kit, pack: PackScore, group: GroupScore) -> list[Flowable]:
    st = k.st
    rules = [r for r in k.a.rules if r.pack_id == pack.id and r.group == group.id]
    met = [r for r in rules if r.outcome == "met"]
    open_ = [r for r in rules if r.outcome in ("partially_met", "not_met", "not_answered") and not r.evidence_capped]
    undocumented = [r for r in rules if r.evidence_capped and r.outcome not in ("not_applicable", "waived")]
    aside = [r for r in rules if r.outcome in ("not_applicable", "waived")]
    score = k.group_score_text(group)
    band = k.band(pack.bands, group.band)
    title = f"{group.title.get(k.lang)} — {score}" + (f" · {band}" if band else "")
    out: list[Flowable] = [k.heading(title, 2, in_toc=False)]
    summary = group_summary(k, pack, group.id)
    if summary:
        out.append(k.text(summary, st.group_summary))
    if met or open_ or undocumented:
        out.append(k.text(k.w("pdf_well_developed"), st.h4))
        if met:
            for rule in met:
                out += finding_block(k, rule, open_gap=False)
        else:
            out.append(k.text(k.w("pdf_nothing_met"), st.finding_text))
        out.append(k.text(k.w("pdf_potential"), st.h4))
        if open_:
            for rule in sorted(open_, key=lambda r: (-r.gain_group, r.rule_id)):
                out += finding_block(k, rule, open_gap=True)
        else:
            out.append(k.text(k.w("pdf_nothing_open"), st.finding_text))
        if undocumented:
            out.append(k.text(k.w("document_it"), st.h4))
            for rule in sorted(undocumented, key=lambda r: (-r.gain_group, r.rule_id)):
                out += finding_block(k, rule, open_gap=True)
    else:
        out.append(k.text(k.w("pdf_group_unscored"), st.finding_text))
    if aside:
        listed = k.sep.join(f"{r.rule_id} ({k.w(f'outcome_{r.outcome}')})" for r in aside)
        out.append(k.text(k.w("pdf_labelled", label=k.w("pdf_not_counted"), text=listed), st.finding_meta))
    return out


def finding_block(k: Kit, rule: RuleResult, *, open_gap: bool) -> list[Flowable]:
    """A finding as a few one-style paragraphs (mixed inline styles would make line breaking 4×
    slower), kept on one page: what was found, the answers it rests on, why it matters, what next."""
    st = k.st
    facts = [rule.rule_id]
    if open_gap:
        facts.append(k.w(f"outcome_{rule.outcome}"))
    facts.append(f"{k.w('weight')} {k.num(rule.weight, 0 if float(rule.weight).is_integer() else 1)}")
    if open_gap and rule.gain_group > 0:
        facts.append(k.w("pdf_labelled", label=k.w("pdf_gain_group"), text=f"+{k.num(rule.gain_group)}"))
    out: list[Flowable] = [
        k.text(" · ".join(facts), st.finding_head),
        k.text(finding(rule, k.lang), st.finding_text),
    ]
    read = answers_line(k, rule)
    if read:
        out.append(k.text(k.w("pdf_labelled", label=k.w("pdf_answers_given"), text=read), st.finding_meta))
    questions = dict.fromkeys(answer.question for answer in rule.answers)
    titles = [
        k.w("pdf_labelled", label=qid, text=title) for qid in questions for title in evidence_titles(k.a.response, qid)
    ]
    if titles or rule.evidence_required:  # "none attached" only where a document is asked for
        evidence = k.sep.join(titles) if titles else k.w("pdf_no_evidence")
        label = k.w("pdf_evidence_given")
        out.append(k.text(k.w("pdf_labelled", label=label, text=evidence), st.finding_meta))
    rationale = rule.texts["rationale"].get(k.lang)
    out.append(k.text(k.w("pdf_labelled", label=k.w("rationale"), text=rationale), st.finding_meta))
    next_step = action(rule, k.lang) if open_gap else None
    if next_step:
        text = k.w("pdf_labelled", label=k.w("recommendation"), text=next_step)
        out.append(literal(text, st.finding_action, bulletText="→"))
    return [KeepTogether(out)]


def answers_line(k: Kit, rule: RuleResult) -> str:
    """The answers the rule read, as the respondent gave them (hidden and unanswered ones left out)."""
    parts = []
    for answer in rule.answers:
        question = k.q.question(answer.question) if k.q else None
        lines = value_lines(k.q, question, answer.value, k.lang) if answer.shown else []
        if lines and not (question is not None and question.type == "evidence"):
            parts.append(f"{answer.question} = {', '.join(lines)}")
    return k.sep.join(parts)
