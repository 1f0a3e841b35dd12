"""One rule of a pack in words (`mipat rules show`): what it reads, what earns credit, what it says."""

from __future__ import annotations

from mipat.questionnaires.catalogue import bundled_catalogue
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.locale_format import typography
from mipat.questionnaires.messages import count_message, message
from mipat.reports.strings import word
from mipat.reports.text_summary import WIDTH, number, wrap
from mipat.rules.conditions import describe
from mipat.rules.packs import Pack, Rule


def _group_title(pack: Pack, group: str, lang: Language) -> str:
    titles = dict(bundled_catalogue().groups_scored_by(pack.scored_by))
    title = titles[group].get(lang) if group in titles else group
    has_digit = any(c.isdigit() for c in group)
    return f"{group} {title}" if has_digit and group not in title else title


def _references(rule: Rule, lang: Language) -> list[str]:
    catalogue = bundled_catalogue()
    refs = rule.refs
    parts = []
    if refs.principles:
        titles = [catalogue.principle(p).title.get(lang) for p in refs.principles]
        parts.append(count_message("r_ref_principles", len(titles), lang, items=", ".join(titles)))
    for kind, items in (
        ("objectives", [str(o) for o in refs.objectives]),
        ("actions", refs.actions),
        ("targets", refs.targets),
        ("sdg_1072", refs.sdg_1072),
    ):
        if items:
            parts.append(count_message(f"r_ref_{kind}", len(items), lang, items=", ".join(items)))
    return parts


def render_rule(pack: Pack, rule: Rule, lang: Language, *, width: int = WIDTH) -> str:
    def labelled(label: str, text: str) -> list[str]:
        return wrap(message("t_labelled", lang, label=label, text=typography(text, lang)), width, "", "  ")

    heading = typography(f"{rule.id} · {pack.title.get(lang)} · {pack.id} {pack.version}", lang)
    lines = wrap(heading, width, "", "  ")
    lines += labelled(message("e_counts_towards", lang), _group_title(pack, rule.group, lang))
    lines.append(
        message(
            "r_weight_priority",
            lang,
            weight=number(rule.weight, lang),
            priority=message(f"priority_{rule.priority}", lang),
        )
    )
    lines += labelled(message("r_when", lang), describe(rule.when, lang))
    if rule.partial_when is not None:
        label = message("r_partial_when", lang, credit=number(rule.partial_credit, lang))
        lines += labelled(label, describe(rule.partial_when, lang))
    if rule.applies_if is not None:
        lines += labelled(word("applies_if", lang), describe(rule.applies_if, lang))
    if rule.evidence is not None:
        questions = f" {message('or_word', lang)} ".join(rule.evidence.questions)
        text = message("r_evidence", lang, questions=questions, cap=number(rule.evidence.cap, lang))
        lines += wrap(text, width, "", "  ")
    references = _references(rule, lang)
    if references:
        lines += labelled(message("r_refs", lang), "; ".join(references))
    texts = rule.texts
    for label, text in (
        (message("r_text_met", lang), texts.met),
        (message("r_text_partial", lang), texts.partial),
        (message("r_text_not_met", lang), texts.not_met),
        (word("recommendation", lang), texts.recommendation),
        (word("rationale", lang), texts.rationale),
    ):
        if text is not None:
            lines += labelled(label, text.get(lang))
    return "\n".join(lines) + "\n"
