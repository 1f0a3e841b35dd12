"""Terminal renderings of an Assessment: the score table (`mipat score`) and one rule's explanation."""

from __future__ import annotations

import textwrap

from mipat.assessment.results import Assessment, RuleResult
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.responses import Evidence, Partner
from mipat.reports.findings import action, finding
from mipat.reports.strings import word

WIDTH = 100


def _band_label(assessment: Assessment, scheme_id: str, code: int | None, lang: Language) -> str:
    if code is None:
        return ""
    scheme = next(b for b in assessment.bands if b.id == scheme_id)
    band = next(b for b in scheme.bands if b["code"] == code)
    return f"{code} {band['label'][lang]}"


def _score(value: float | None, lang: Language) -> str:
    return f"{value:5.1f}" if value is not None else f"{word('not_scored', lang):>5}"


def render_summary(assessment: Assessment, lang: Language, *, top: int = 5) -> str:
    scope = assessment.scope
    who = ", ".join(part for part in (scope.authority, scope.country) if part) or assessment.input_file
    lines = [
        f"{who}" + (f" ({scope.level})" if scope.level else "") + (f", {scope.period}" if scope.period else ""),
        f"{assessment.status} · {assessment.questionnaire.id} {assessment.questionnaire.version} · "
        f"{word('assessed_on', lang)} {assessment.assessment_date} · mipat {assessment.tool_version}",
    ]
    if not assessment.complete:
        lines.append(word("draft_incomplete", lang))
    lines += [
        "",
        f"{word('overall_index', lang):<60} {_score(assessment.overall_index, lang)}  "
        f"{_band_label(assessment, assessment.overall_bands, assessment.overall_band, lang)}",
    ]
    for pack in assessment.packs:
        lines += [
            "",
            f"{pack.title.get(lang)[:60]:<60} {_score(pack.index, lang)}  "
            f"{_band_label(assessment, pack.bands, pack.band, lang)}",
        ]
        for group in pack.groups:
            label = f"  {group.id:<26} {group.title.get(lang)}"[:60]
            lines.append(f"{label:<60} {_score(group.score, lang)}  {group.band or ''}")
    for kind, heading in (("act", "top_actions"), ("document", "document_it")):
        listed = [rec for rec in assessment.recommendations if rec.kind == kind][:top]
        if listed:
            lines += ["", word(heading, lang) + ":"]
        for rec in listed:
            rule = assessment.rule(rec.rule_id)
            text = (action(rule, lang) or "") if rule else ""
            head = f"  +{rec.gain_overall:4.1f}  {rec.rule_id:<16} "
            lines += textwrap.wrap(text, WIDTH, initial_indent=head, subsequent_indent=" " * len(head))
    return "\n".join(lines) + "\n"


def _item(value: object) -> str:
    # Codes of a multiple choice are plain strings (whose `.title` is a str method, not a field).
    if isinstance(value, Evidence):
        return value.title
    if isinstance(value, Partner):
        return value.name
    return str(value)


def _value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_item(v) for v in value) + "]"
    return str(value)


def render_explanation(assessment: Assessment, result: RuleResult, lang: Language) -> str:
    outcome = word(f"outcome_{result.outcome}", lang)
    lines = [
        f"{word('rule', lang)} {result.rule_id} ({result.pack_id}, {result.group})",
        f"{word('outcome', lang)}: {outcome} · {word('credit', lang)} {result.credit:g} · "
        f"{word('weight', lang)} {result.weight:g}"
        + (f" (base {result.base_weight:g})" if result.weight != result.base_weight else ""),
        f"{word('condition', lang)}: {result.condition}",
    ]
    if result.held and result.level == "partial":
        lines.append(f"{word('partial_condition', lang)}: {result.held}")
    if result.applies_if:
        lines.append(f"{word('applies_if', lang)}: {result.applies_if}")
    if result.evidence_capped:
        lines.append(
            word("evidence_capped", lang, cap=result.evidence_cap, questions=", ".join(result.evidence_required))
        )
    if result.waiver is not None:
        lines.append(word("waived", lang, **result.waiver.model_dump(include={"expires", "approver", "justification"})))
    lines.append(f"{word('answers_read', lang)}:")
    for answer in result.answers:
        if answer.value is None:
            shown = word("unanswered", lang) if answer.shown else word("hidden", lang)
        else:
            shown = _value(answer.value)
        evidence = f" · {answer.evidence} {word('evidence_items', lang)}" if answer.evidence else ""
        lines.append(f"  {answer.question:<8} {shown}{evidence}")
    if result.values:
        lines.append(f"{word('values_read', lang)}:")
        lines += [f"  {v.name} = {v.value:g}" for v in result.values]
    if result.gain_group > 0:
        lines.append(
            f"{word('gain', lang)}: +{result.gain_group:g} ({result.group}), "
            f"+{result.gain_overall:g} ({word('overall_index', lang)})"
        )
    for key, text in (
        ("finding", finding(result, lang)),
        ("recommendation", action(result, lang)),
        ("rationale", result.texts["rationale"].get(lang)),
    ):
        if text:
            lines += textwrap.wrap(f"{word(key, lang)}: {text}", WIDTH, subsequent_indent="  ")
    return "\n".join(lines) + "\n"
