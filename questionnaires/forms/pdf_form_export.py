"""The questionnaire as a fillable PDF form (AcroForm), blank or pre-filled from a response.

Every question is page text in the form's language (id, text, help, when it applies, required
mark) followed by its fields: radios for yes/no and short single choices, a drop-down list for
long ones, a check box per option of a multiple choice, text boxes for numbers and text, then a
comment box and evidence rows. The partnership inventory follows, one partnership a page. The
form's kind, questionnaire, version and language sit in hidden read-only fields for the import.
Field names are in `pdf_form_fields`; how fields are drawn is in `pdf_fields`.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageBreak, PageTemplate, Paragraph
from reportlab.platypus.flowables import Flowable, Spacer

from mipat.questionnaires.definition import Question, Questionnaire
from mipat.questionnaires.forms import pdf_form_fields as names
from mipat.questionnaires.forms.choice_labels import choices, evidence_kinds, languages, statuses
from mipat.questionnaires.forms.condition_words import condition_words
from mipat.questionnaires.forms.form_strings import form_text
from mipat.questionnaires.forms.pdf_fields import Cell, Choice, FieldRow, HiddenFields, OptionGrid
from mipat.questionnaires.forms.response_data import response_data
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.responses import Response

# The report's fonts (DejaVu Sans, every Latin, Greek and Cyrillic letter) for the page text. They are
# read from the files, not through `reports`, which sits above `questionnaires` in mipat's layers.
FONT_DIR = Path(__file__).parents[2] / "reports" / "fonts"
SANS, BOLD, CONDENSED = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansCondensed"
INK = colors.HexColor("#1A1A1A")
PRIMARY = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#595959")
MARGIN = 16 * mm
MAXLEN = {"title": 500, "reference": 2000, "date": 10}  # the limits of an Evidence in responses.py


@cache
def _fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in (SANS, BOLD, CONDENSED):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=BOLD, italic=SANS, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=9, leading=11.5, textColor=INK)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=18, leading=22, textColor=PRIMARY, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=11, leading=14, textColor=PRIMARY, spaceAfter=10),
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=13, leading=16, textColor=PRIMARY, spaceAfter=6),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=10.5, leading=13, textColor=PRIMARY, spaceAfter=4),
        "question": ParagraphStyle("question", body, fontSize=9.5, leading=12, spaceBefore=2, spaceAfter=1),
        "help": ParagraphStyle("help", body, fontSize=8, leading=10, textColor=MUTED, spaceAfter=1),
        "hint": ParagraphStyle("hint", body, fontSize=7.5, leading=9.5, textColor=MUTED, spaceAfter=2),
        "label": ParagraphStyle("label", body, fontName=CONDENSED, fontSize=7.5, leading=9, textColor=MUTED),
        "option": ParagraphStyle("option", body, fontName=CONDENSED, fontSize=8.5, leading=10),
        "legend": ParagraphStyle("legend", body, fontName=CONDENSED, fontSize=7.5, leading=9),
    }


def _t(key: str, lang: Language, **values: Any) -> str:
    text = form_text(key, lang, "pdf_form")
    return text.format(**values) if values else text


def _c(key: str, lang: Language) -> str:
    return form_text(key, lang)


def _parts(entry: Any) -> tuple[Any, str | None, list[dict[str, Any]]]:
    """(value, comment, evidence) of an answer in response data, bare or with extras."""
    if isinstance(entry, dict) and ("value" in entry or "comment" in entry or "evidence" in entry):
        return entry.get("value"), entry.get("comment"), entry.get("evidence", [])
    return entry, None, []


class _Form:
    """The story of one form: the flowables for each part, in order."""

    def __init__(self, questionnaire: Questionnaire, lang: Language, data: dict[str, Any] | None) -> None:
        self.q = questionnaire
        self.lang = lang
        self.data = data
        self.s = _styles()

    # --- shared pieces --------------------------------------------------------------------------------

    def para(self, text: str, style: str) -> Paragraph:
        return Paragraph(escape(text), self.s[style])

    def heading(self, question: Question, label: str | None = None) -> list[Flowable]:
        """Id, text and required mark, then help and when the question applies."""
        mark = ' <font color="#7A1F1F">*</font>' if question.required else ""
        ident = escape(label if label is not None else question.id)
        parts: list[Flowable] = [
            Paragraph(f"<b>{ident}</b>  {escape(question.text.get(self.lang))}{mark}", self.s["question"])
        ]
        if question.help is not None and question.type != "partner_list":  # its help describes YAML
            parts.append(self.para(question.help.get(self.lang), "help"))
        if question.show_if is not None:
            condition = condition_words(self.q, question.show_if, self.lang)
            parts.append(self.para(_t("applies_if", self.lang, condition=condition), "help"))
        return parts

    def answer_fields(
        self, question: Question, base: str, value: Any, tooltip: str, *, codes_example: str = ""
    ) -> list[Flowable]:
        """The fields that hold `question`'s value, named from `base`."""
        lang = self.lang
        kind = names.widget(self.q, question)
        if kind == "radio":
            options = [Choice(base, code, label, value == code) for code, label in choices(self.q, question, lang)]
            return [OptionGrid("radio", options, self.s["option"], tooltip)]
        if kind == "dropdown":
            return [
                self.para(_t("pick_from_list", lang), "hint"),
                FieldRow(
                    [Cell(None, 1, base, value, options=choices(self.q, question, lang), tooltip=tooltip)],
                    self.s["label"],
                ),
            ]
        if kind == "checkboxes":
            picked = set(value or [])
            options = [
                Choice(names.option_field(base, code), code, label, code in picked)
                for code, label in choices(self.q, question, lang)
            ]
            hints = [_t("pick_many", lang)]
            hints += [_t("exclusive", lang, label=o.label.get(lang)) for o in self.q.options(question) if o.exclusive]
            return [self.para(" ".join(hints), "hint"), OptionGrid("checkbox", options, self.s["option"], tooltip)]
        if kind == "codes":
            text = ", ".join(value) if value else None
            return [
                self.para(_t("codes_list", lang, example=codes_example), "hint"),
                FieldRow([Cell(None, 1, base, text, height=28, multiline=True, tooltip=tooltip)], self.s["label"]),
            ]
        if kind == "number":
            hint = _t("year" if question.type == "year" else "whole_number", lang)
            if question.min is not None and question.max is not None:
                hint += " " + _t("between", lang, low=question.min, high=question.max)
            text = str(value) if value is not None else None
            return [
                FieldRow([Cell(hint, 1, base, text, maxlen=12, tooltip=tooltip), Cell(None, 2, "")], self.s["label"])
            ]
        long = question.max_length > 300  # a name fits one line; a description needs room
        return [
            FieldRow(
                [
                    Cell(
                        _t("text_answer", lang),
                        1,
                        base,
                        value,
                        height=40 if long else 16,
                        multiline=long,
                        maxlen=question.max_length,
                        tooltip=tooltip,
                    )
                ],
                self.s["label"],
            )
        ]

    def comment_row(self, base: str, comment: str | None, tooltip: str) -> FieldRow:
        return FieldRow(
            [
                Cell(
                    _c("comment", self.lang),
                    1,
                    names.comment_field(base),
                    comment,
                    height=28,
                    multiline=True,
                    maxlen=10000,
                    tooltip=f"{tooltip} – {_c('comment', self.lang)}",
                )
            ],
            self.s["label"],
        )

    def evidence_rows(self, base: str, items: list[dict[str, Any]], rows: int, tooltip: str) -> list[Flowable]:
        lang = self.lang
        kinds = evidence_kinds(lang)
        labels = [_c(k, lang) for k in ("evidence_title", "evidence_kind", "evidence_reference", "evidence_date")]
        shares = (0.39, 0.2, 0.25, 0.16)
        flow: list[Flowable] = []
        for row in range(1, max(rows, len(items)) + 1):
            item = items[row - 1] if row <= len(items) else {}
            cells = []
            for part, label, share in zip(names.EVIDENCE_PARTS, labels, shares, strict=True):
                name = names.evidence_field(base, row, part)
                tip = f"{tooltip} – {_c('evidence', lang)} {row} – {label}"
                options = kinds if part == "kind" else None
                head = label if row == 1 else None
                cells.append(
                    Cell(head, share, name, item.get(part), options=options, maxlen=MAXLEN.get(part), tooltip=tip)
                )
            flow.append(FieldRow(cells, self.s["label"], space_after=2))
        return flow

    # --- the parts ------------------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        lang, q = self.lang, self.q
        data = self.data or {}
        respondent = data.get("respondent", {})
        hidden = {
            names.MARKER: names.MARKER_VALUE,
            names.QUESTIONNAIRE: q.id,
            names.VERSION: q.version,
            names.LANGUAGE: lang,
        }
        flow: list[Flowable] = [
            HiddenFields(hidden),
            self.para(_c("form_title", lang), "title"),
            self.para(f"{q.title.get(lang)} — {q.id} {q.version}", "subtitle"),
            self.para(_t("howto_title", lang), "h2"),
            self.para(_t("howto", lang), "body"),
            Spacer(0, 4),
            self.para(_t("required_note", lang) + " · " + _t("non_latin", lang), "hint"),
            Spacer(0, 8),
            self.para(_t("envelope", lang), "h1"),
            self.para(_c("respondent", lang), "h2"),
        ]
        maxlen = {"organisation": 300, "name": 200, "role": 200, "email": 200}
        cells = [
            Cell(
                _c(key, lang),
                1,
                names.respondent_field(key),
                respondent.get(key),
                maxlen=maxlen[key],
                tooltip=_c(key, lang),
            )
            for key in names.RESPONDENT_FIELDS
        ]
        flow += [FieldRow(cells[:1], self.s["label"]), FieldRow(cells[1:], self.s["label"])]
        flow.append(self.para(_c("status", lang), "question"))
        status = [Choice(names.STATUS, c, label, data.get("status", "draft") == c) for c, label in statuses(lang)]
        flow.append(OptionGrid("radio", status, self.s["option"], _c("status", lang)))
        flow.append(self.para(_c("language", lang), "question"))
        answer_lang = data.get("language", lang)
        langs = [Choice(names.ANSWER_LANGUAGE, c, label, answer_lang == c) for c, label in languages(lang)]
        flow.append(OptionGrid("radio", langs, self.s["option"], _c("language", lang)))
        return flow

    def question(self, question: Question) -> list[Flowable]:
        answers = (self.data or {}).get("answers", {})
        value, comment, evidence = _parts(answers.get(question.id))
        base = names.question_field(question.id)
        tooltip = question.id
        head = self.heading(question)
        if question.type == "evidence":
            items = value or []
            head.append(self.para(_t("evidence_answer", self.lang), "hint"))
            rows = self.evidence_rows(base, items, names.EVIDENCE_LIST_ROWS, tooltip)
            return [KeepTogether([*head, *rows[:2]]), *rows[2:], self.comment_row(base, comment, tooltip), Spacer(0, 6)]
        fields = self.answer_fields(question, base, value, tooltip)
        rows = self.evidence_rows(base, evidence, names.EVIDENCE_ROWS, tooltip)
        hint = self.para(_t("evidence_hint", self.lang), "hint")
        return [KeepTogether([*head, *fields, self.comment_row(base, comment, tooltip), hint, *rows]), Spacer(0, 6)]

    def sections(self) -> list[Flowable]:
        flow: list[Flowable] = []
        for section in self.q.sections:
            flow += [PageBreak(), self.para(f"{section.id} · {section.title.get(self.lang)}", "h1")]
            if section.intro is not None:
                flow += [self.para(section.intro.get(self.lang), "help"), Spacer(0, 4)]
            for question in section.questions:
                flow += self.question(question)
        return flow

    def legend(self) -> list[Flowable]:
        """The lists a person filling the inventory on paper needs: codes and labels."""
        flow: list[Flowable] = [self.para(_t("legend", self.lang), "h2")]
        for field in self.q.inventory.fields:
            kind = names.widget(self.q, field)
            if kind not in ("dropdown", "codes", "partner_list"):
                continue
            entries = " · ".join(escape(label) for _, label in choices(self.q, field, self.lang))
            flow.append(Paragraph(f"<b>{escape(field.text.get(self.lang))}</b> — {entries}", self.s["legend"]))
            flow.append(Spacer(0, 3))
        return flow

    def inventory(self) -> list[Flowable]:
        lang, inv = self.lang, self.q.inventory
        items = (self.data or {}).get("inventory", [])
        count = max(names.INVENTORY_ROWS, len(items) + names.INVENTORY_SPARE) if items else names.INVENTORY_ROWS
        flow: list[Flowable] = [
            PageBreak(),
            self.para(inv.title.get(lang), "h1"),
            self.para(inv.intro.get(lang), "body"),
            Spacer(0, 4),
            self.para(_t("inventory_rows", lang, count=count), "hint"),
            Spacer(0, 6),
            *self.legend(),
        ]
        for row in range(1, count + 1):
            flow += self.partnership(row, items[row - 1] if row <= len(items) else {})
        return flow

    def partnership(self, row: int, item: dict[str, Any]) -> list[Flowable]:
        lang = self.lang
        label = f"{self.q.inventory.item_label.get(lang)} {row}"
        flow: list[Flowable] = [PageBreak(), self.para(label, "h1")]
        first = [
            Cell(
                _c("partnership_id", lang),
                1,
                names.item_field(row, "id"),
                item.get("id"),
                maxlen=41,
                tooltip=f"{label} – {_c('partnership_id', lang)}",
            )
        ]
        flow.append(FieldRow([*first, Cell(None, 2, "")], self.s["label"]))
        for field in self.q.inventory.fields:
            base = names.item_field(row, field.id)
            tip = f"{label} – {field.text.get(lang)}"
            value = item.get(field.id)
            block = self.heading(field, label="")
            if field.type == "partner_list":
                block.append(self.para(_t("partners_hint", lang), "hint"))
                kinds = choices(self.q, field, lang)
                partners = value or []
                for n in range(1, max(names.PARTNER_ROWS, len(partners)) + 1):
                    partner = partners[n - 1] if n <= len(partners) else {}
                    head = n == 1
                    block.append(
                        FieldRow(
                            [
                                Cell(
                                    _c("partner_name", lang) if head else None,
                                    0.62,
                                    names.partner_field(row, n, "name"),
                                    partner.get("name"),
                                    maxlen=300,
                                    tooltip=f"{tip} {n} – {_c('partner_name', lang)}",
                                ),
                                Cell(
                                    _c("partner_kind", lang) if head else None,
                                    0.38,
                                    names.partner_field(row, n, "kind"),
                                    partner.get("kind"),
                                    options=kinds,
                                    tooltip=f"{tip} {n} – {_c('partner_kind', lang)}",
                                ),
                            ],
                            self.s["label"],
                            space_after=2,
                        )
                    )
            else:
                example = "5, 23" if field.options == "gcm_objectives" else "10.7, 17.16"
                block += self.answer_fields(field, base, value, tip, codes_example=example)
            flow.append(KeepTogether(block))
        base = names.item_base(row)
        flow.append(self.comment_row(base, item.get("comment"), label))
        flow.append(
            KeepTogether(
                [
                    self.para(_t("evidence_hint", lang), "hint"),
                    *self.evidence_rows(base, item.get("evidence", []), names.ITEM_EVIDENCE_ROWS, label),
                ]
            )
        )
        return flow


def _footer(questionnaire: Questionnaire, lang: Language):  # type: ignore[no-untyped-def]
    text = f"{_c('form_title', lang)} · {questionnaire.id} {questionnaire.version}"

    def draw(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 9 * mm, text)
        canvas.drawRightString(A4[0] - MARGIN, 9 * mm, f"{_t('page', lang)} {doc.page}")
        canvas.restoreState()

    return draw


def export_pdf_form(questionnaire: Questionnaire, lang: Language, response: Response | None) -> bytes:
    """The form's bytes; the same inputs give the same bytes (ReportLab's invariant mode fixes dates and ids)."""
    data = response_data(questionnaire, response) if response is not None else None
    form = _Form(questionnaire, lang, data)
    story = [*form.cover(), *form.sections(), *form.inventory()]
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title=f"{_c('form_title', lang)} — {questionnaire.id} {questionnaire.version}",
        author="mipat",
        creator="mipat",
        subject=f"{names.MARKER_VALUE} {questionnaire.id} {questionnaire.version} {lang}",
        lang=lang,
    )
    frame = Frame(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=_footer(questionnaire, lang))])
    doc.build(story)
    return buffer.getvalue()
