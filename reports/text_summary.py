"""Terminal renderings of an Assessment: the score table (`mipat score`) and one rule's explanation.

Both are written for a reader of the chosen language: dates in words, the language's decimal mark,
CLDR plurals, French spacing before : ; ! ?, band names beside their codes. Lines fit `width`
(80 columns unless the terminal says otherwise): long labels wrap at spaces and a word is never cut.
"""

from __future__ import annotations

import textwrap
from collections import Counter

from mipat.assessment.results import Assessment, RuleResult
from mipat.questionnaires.definition import find_questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.locale_format import format_date, format_number, typography
from mipat.questionnaires.messages import count_message, message
from mipat.reports.answer_text import value_lines
from mipat.reports.findings import action, finding
from mipat.reports.strings import word

WIDTH = 80
MIN_LABEL = 34  # the narrowest label column before band names wrap instead


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """`text` in lines of at most `width` characters, broken only at spaces (a longer word stands alone)."""
    lines = textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


def number(value: float, lang: Language) -> str:
    """A credit, weight or cap as the language writes it: 0.5 / 0,5, 5 / 5."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=lang)


def _score(value: float | None, lang: Language) -> str:
    return format_number(value, lang) if value is not None else "–"


def _band(assessment: Assessment, scheme_id: str, code: int | None, lang: Language) -> str:
    if code is None:
        return word("not_scored", lang)
    scheme = next(b for b in assessment.bands if b.id == scheme_id)
    band = next(b for b in scheme.bands if b["code"] == code)
    return message("t_band", lang, code=code, label=band["label"][lang])


def _group_label(group_id: str, title: str) -> str:
    # Ids such as PD3.1 or 17.9 are how readers cite a group; slugs such as people-centred are not.
    has_digit = any(c.isdigit() for c in group_id)
    return f"{group_id} {title}" if has_digit and group_id not in title else title


def fitting(parts: list[str], width: int, separator: str = " · ") -> list[str]:
    """Parts joined by `separator` into lines of at most `width`, broken between parts where possible."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(separator) + len(part) <= width:
            lines[-1] += separator + part
        else:
            lines += wrap(part, width, "", "  ")
    return lines


def _table(rows: list[tuple[str, int, str, str]], width: int) -> list[str]:
    """Rows of (label, depth, score, band) as aligned columns; None-labelled rows are blank lines."""
    filled = [r for r in rows if r[0]]
    score_w = max(len(r[2]) for r in filled)
    band_w = max((len(r[3]) for r in filled), default=0)
    band_w = max(min(band_w, width - score_w - 4 - MIN_LABEL), 12)
    label_w = width - score_w - 4 - band_w
    lines: list[str] = []
    for label, depth, score, band in rows:
        if not label:
            lines.append("")
            continue
        indent = "  " * depth
        # A pack's title continues flush left; a group's hangs under its first word.
        label_lines = wrap(label, label_w, indent, indent + "  " if depth else "")
        lead = band.split("· ", 1)[0] + "· " if "· " in band else ""
        band_lines = wrap(band, band_w, "", " " * len(lead)) if band else []
        for i in range(max(len(label_lines), len(band_lines))):
            left = label_lines[i] if i < len(label_lines) else ""
            middle = score if i == 0 else ""
            right = band_lines[i] if i < len(band_lines) else ""
            lines.append(f"{left:<{label_w}}  {middle:>{score_w}}  {right}".rstrip())
    return lines


def _counts(assessment: Assessment, lang: Language) -> list[str]:
    outcomes = Counter(r.outcome for r in assessment.rules)
    parts = [
        count_message("n_rules_met", outcomes["met"], lang),
        count_message("n_rules_partial", outcomes["partially_met"], lang),
        count_message("n_rules_not_met", outcomes["not_met"], lang),
    ]
    if outcomes["not_answered"]:
        parts.append(count_message("n_rules_unanswered", outcomes["not_answered"], lang))
    return [", ".join(parts), count_message("n_partnerships", len(assessment.response.inventory), lang)]


def render_summary(assessment: Assessment, lang: Language, *, top: int = 5, width: int = WIDTH) -> str:
    scope = assessment.scope
    who = ", ".join(part for part in (scope.authority, scope.country) if part) or assessment.input_file
    level = (
        message(f"t_level_{scope.level}", lang)
        if scope.level in ("national", "federal", "regional", "local")
        else scope.level
    )
    about = [
        message(f"t_status_{assessment.status}", lang),
        f"{assessment.questionnaire.id} {assessment.questionnaire.version}",
        message("t_assessed_on", lang, date=format_date(assessment.assessment_date, lang)),
        f"mipat {assessment.tool_version}",
    ]
    lines = fitting([part for part in (who, level, scope.period) if part], width) + fitting(about, width)
    lines += fitting(_counts(assessment, lang), width)
    if not assessment.complete:
        lines += wrap(typography(word("draft_incomplete", lang), lang), width)
    rows: list[tuple[str, int, str, str]] = [
        ("", 0, "", ""),
        (
            word("overall_index", lang),
            0,
            _score(assessment.overall_index, lang),
            _band(assessment, assessment.overall_bands, assessment.overall_band, lang),
        ),
    ]
    for pack in assessment.packs:
        rows += [
            ("", 0, "", ""),
            (pack.title.get(lang), 0, _score(pack.index, lang), _band(assessment, pack.bands, pack.band, lang)),
        ]  # type: ignore[arg-type]
        rows += [
            (
                _group_label(group.id, group.title.get(lang)),  # type: ignore[arg-type]
                1,
                _score(group.score, lang),
                _band(assessment, pack.bands, group.band, lang),
            )
            for group in pack.groups
        ]
    lines += _table([(typography(label, lang), depth, score, band) for label, depth, score, band in rows], width)
    for kind, heading_key in (("act", "top_actions"), ("document", "document_it")):
        listed = [rec for rec in assessment.recommendations if rec.kind == kind][:top]
        if listed:
            lines += ["", *wrap(message("t_heading", lang, heading=word(heading_key, lang)), width)]
        for rec in listed:
            rule = assessment.rule(rec.rule_id)
            text = typography((action(rule, lang) or "") if rule else "", lang)
            gain = "+" + format_number(rec.gain_overall, lang)
            head = f"  {gain:>5}  {rec.rule_id:<16} "
            lines += wrap(text, width, head, " " * len(head))
    return "\n".join(lines) + "\n"


def _pack_and_group(assessment: Assessment, result: RuleResult, lang: Language) -> tuple[str, str]:
    pack = next((p for p in assessment.packs if p.id == result.pack_id), None)
    if pack is None:
        return result.pack_id, result.group
    group = next((g for g in pack.groups if g.id == result.group), None)
    group_title = _group_label(group.id, group.title.get(lang)) if group else result.group  # type: ignore[arg-type]
    return pack.title.get(lang), group_title  # type: ignore[arg-type]


def _answer_lines(assessment: Assessment, result: RuleResult, lang: Language, width: int) -> list[str]:
    questionnaire = find_questionnaire(assessment.questionnaire.id, assessment.questionnaire.version)
    lines: list[str] = []
    for answer in result.answers:
        question = None
        if questionnaire is not None:
            question = questionnaire.question(answer.question) or questionnaire.field(answer.question)
        if answer.value is None:
            shown = [word("unanswered", lang) if answer.shown else word("hidden", lang)]
        else:
            shown = value_lines(questionnaire, question, answer.value, lang)
            codes = answer.value if isinstance(answer.value, list) else [answer.value]
            if question is not None and question.type in ("yes_no", "single_choice", "multiple_choice"):
                # The condition names codes: show each beside the label the respondent read.
                shown = [
                    f"{label} [{code}]" if label != str(code) else label
                    for label, code in zip(shown, codes, strict=True)
                ]
        if answer.evidence:
            shown[-1] += " · " + count_message("n_evidence", answer.evidence, lang)
        head = f"  {answer.question:<8} "
        for i, text in enumerate(shown):
            lines += wrap(typography(text, lang), width, head if i == 0 else " " * len(head), " " * (len(head) + 2))
    return lines


def render_explanation(assessment: Assessment, result: RuleResult, lang: Language, *, width: int = WIDTH) -> str:
    def labelled(label: str, text: str) -> list[str]:
        return wrap(message("t_labelled", lang, label=label, text=typography(text, lang)), width, "", "  ")

    pack_title, group_title = _pack_and_group(assessment, result, lang)
    base = (
        message("e_base_weight", lang, weight=number(result.base_weight, lang))
        if result.weight != result.base_weight
        else ""
    )
    lines = [message("e_rule", lang, rule=result.rule_id)]
    lines += labelled(message("e_pack", lang), pack_title)
    lines += labelled(message("e_counts_towards", lang), group_title)
    lines += wrap(
        message(
            "e_outcome_line",
            lang,
            outcome_label=word("outcome", lang),
            outcome=message(f"e_outcome_{result.outcome}", lang),
            credit_label=word("credit", lang),
            credit=number(result.credit, lang),
            weight_label=word("weight", lang),
            weight=number(result.weight, lang),
            base=base,
        ),
        width,
        "",
        "  ",
    )
    lines += labelled(word("condition", lang), result.condition)
    if result.held and result.level == "partial":
        lines += labelled(word("partial_condition", lang), result.held)
    if result.applies_if:
        lines += labelled(word("applies_if", lang), result.applies_if)
    if result.evidence_capped:
        capped = word(
            "evidence_capped",
            lang,
            cap=number(result.evidence_cap or 0, lang),
            questions=f" {message('or_word', lang)} ".join(result.evidence_required),
        )
        lines += wrap(typography(capped[:1].upper() + capped[1:], lang), width, "", "  ")
    if result.waiver is not None:
        waiver = result.waiver
        waived = word(
            "waived",
            lang,
            expires=format_date(waiver.expires, lang),
            approver=waiver.approver,
            justification=waiver.justification,
        )
        lines += wrap(typography(waived[:1].upper() + waived[1:], lang), width, "", "  ")
    if result.answers:
        lines.append(message("t_heading", lang, heading=word("answers_read", lang)))
        lines += _answer_lines(assessment, result, lang, width)
    if result.values:
        lines.append(message("t_heading", lang, heading=word("values_read", lang)))
        for v in result.values:
            metric = v.name.removeprefix("metric ")
            if metric in assessment.metric_labels:
                label = assessment.metric_labels[metric].get(lang)  # type: ignore[arg-type]
                text = message("e_metric_value", lang, label=label, name=metric, value=number(v.value, lang))
            else:  # an inventory count, worded by the caller
                text = f"{v.name} = {number(v.value, lang)}"
            lines += wrap(typography(text, lang), width, "  ", "    ")
    if result.gain_group > 0:
        gain = message(
            "e_gain",
            lang,
            group_gain=number(result.gain_group, lang),
            group=group_title,
            overall_gain=number(result.gain_overall, lang),
        )
        lines += wrap(gain, width, "", "  ")
    for key, text in (
        ("finding", finding(result, lang)),
        ("recommendation", action(result, lang)),
        ("rationale", result.texts["rationale"].get(lang) if "rationale" in result.texts else None),  # type: ignore[arg-type]
    ):
        if text:
            lines += labelled(word(key, lang), text)
    return "\n".join(lines) + "\n"
