"""The auditor's PDF report of one Assessment, in English, French or Spanish.

Built from the Assessment alone (plus the bundled questionnaire for question wording, and the
framework and metric catalogues for labels and summaries); no score is recomputed. Sections, in the
order auditors expect: cover, contents, executive summary, scope and method, scores, partnership span,
findings, exceptions and tailoring, change since the previous assessment (when one is given) and
every answer.

User text (names, comments, evidence titles) is printed exactly as written: almost every paragraph is
a `literal` one, whose text never passes through ReportLab's markup parser, so `<`, `&` or tags in an
answer can neither break nor restyle the layout. The few paragraphs with deliberate inline markup
pass every user value through `esc` (xml.sax.saxutils.escape) first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from mipat.assessment.results import Assessment, GroupScore, PackScore, Recommendation, RuleResult
from mipat.questionnaires.catalogue import bundled_catalogue
from mipat.questionnaires.definition import Questionnaire, find_questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.responses import Answer, AnswerValue
from mipat.reports.answer_text import (
    answered_questions,
    evidence_count,
    evidence_line,
    evidence_titles,
    option_label,
    partner_kind_label,
    value_lines,
)
from mipat.reports.charts import principles_spider, span_heat_map, target_bars
from mipat.reports.comparison import new_gaps, resolved_gaps, score_changes
from mipat.reports.findings import action, finding
from mipat.reports.pdf_document import Anchor, Chrome, ContentsPlaceholder, Heading, Metadata, Para, build_pdf, literal
from mipat.reports.pdf_styles import (
    PAGE_MARGIN,
    PLAIN_TABLE,
    PRIMARY,
    Styles,
    grid_table_style,
    key_value_table_style,
    styles,
)
from mipat.reports.strings import word
from mipat.rules.metrics import LEVELS, metric_catalogue

PRINCIPLES_PACK_KIND = "principles"
TARGETS_PACK_KIND = "targets"
SDG_1072_KIND = "sdg_1072"
FRAME_WIDTH = 595.2756 - 2 * PAGE_MARGIN  # A4 width less the margins
MIN_ROW_PART = 36  # points: a table row taller than the page splits, but leaves no sliver of it behind


def render_pdf(
    assessment: Assessment, lang: Language, *, previous: Assessment | None = None, all_findings: bool = False
) -> bytes:
    """The report as PDF bytes; the same assessment (and previous) always gives the same bytes.

    Findings are written per GCM guiding principle; with `all_findings`, for every pack's groups too
    (objective-23 actions, SDG targets), which roughly doubles that section.
    """
    report = _Report(assessment, lang, previous, all_findings=all_findings)
    return build_pdf(report.story(), report.chrome(), report.metadata())


def esc(text: object) -> str:
    """User text for a Paragraph: escaped, with its line breaks kept."""
    return escape(str(text)).replace("\n", "<br/>")


class _Report:
    def __init__(
        self, assessment: Assessment, lang: Language, previous: Assessment | None, *, all_findings: bool = False
    ) -> None:
        self.a = assessment
        self.all_findings = all_findings
        self.lang = lang
        self.previous = previous
        self.st: Styles = styles()
        self.q: Questionnaire | None = find_questionnaire(assessment.questionnaire.id, assessment.questionnaire.version)
        self.catalogue = bundled_catalogue()
        self._keys = 0

    # --- words and numbers ------------------------------------------------------------------------

    def w(self, key: str, **values: object) -> str:
        """A fixed string as plain text (outline, canvas, charts)."""
        return word(key, self.lang, **values)

    def num(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return self.w("not_scored")
        return f"{value:.{digits}f}".replace(".", self.w("pdf_decimal"))

    def signed(self, value: float | None) -> str:
        if value is None:
            return "–"
        text = self.num(abs(value))
        return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text

    def band(self, scheme_id: str, code: int | None) -> str:
        if code is None:
            return ""
        scheme = next((b for b in self.a.bands if b.id == scheme_id), None)
        if scheme is None:
            return str(code)
        band = next((b for b in scheme.bands if b["code"] == code), None)
        return f"{code} · {band['label'][self.lang]}" if band else str(code)

    @property
    def default_scheme(self) -> str:
        """The band scheme of the overall index."""
        return self.a.overall_bands

    def authority(self) -> str:
        s = self.a.scope
        return s.authority or self.a.response.respondent.organisation or self.a.input_file

    def key(self) -> str:
        self._keys += 1
        return f"s{self._keys}"

    def heading(self, title: str, level: int, *, in_toc: bool = True) -> Heading:
        style = (self.st.h1, self.st.h2, self.st.h3, self.st.h4)[min(level, 3)]
        return Heading(title, style, level, self.key(), in_toc=in_toc)

    def text(self, text: str, style=None) -> Paragraph:
        """A paragraph printed exactly as written (user or fixed text; nothing in it is markup)."""
        return literal(text, style or self.st.body)

    def cell(self, text: str, style=None) -> Paragraph:
        return literal(text, style or self.st.cell)

    def head_row(self, *labels: str) -> list[Paragraph]:
        return [literal(label, self.st.cell_head) for label in labels]

    def table(self, rows: list[list], widths: Sequence[float], *, header: bool = True, split_in_row: bool = False):
        return Table(
            rows,
            colWidths=list(widths),
            repeatRows=1 if header else 0,
            style=grid_table_style(header_rows=1 if header else 0, rows=len(rows)),
            hAlign="LEFT",
            splitInRow=MIN_ROW_PART if split_in_row else 0,
            spaceBefore=2,
            spaceAfter=8,
        )

    # --- document ---------------------------------------------------------------------------------

    def metadata(self) -> Metadata:
        a = self.a
        author = a.scope.lead or a.response.respondent.organisation or self.authority()
        return Metadata(
            title=f"{self.w('pdf_title')} — {self.authority()}",
            author=author,
            subject=self.w("pdf_subtitle"),
            keywords=self.w("pdf_keywords"),
            creator=f"mipat {a.tool_version}",
            lang=self.lang,
            created=_moment(a.generated_at, a.assessment_date),
        )

    def chrome(self) -> Chrome:
        a = self.a
        return Chrome(
            header_left=f"{self.w('pdf_title')} · {self.authority()}",
            header_right=f"{self.w('assessed_on')} {a.assessment_date}",
            footer_left=f"mipat {a.tool_version} · {a.questionnaire.id} {a.questionnaire.version} · "
            f"SHA-256 {a.input_sha256[:12]}",
            draft_marker=None if a.complete else self.w("pdf_draft"),
            page_label=lambda page, pages: word("pdf_page_of", self.lang, page=page, pages=pages),
        )

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.cover()
        story += self.contents()
        story += self.summary()
        story += self.method()
        story += self.scores()
        story += self.span()
        story += self.findings()
        story += self.tailoring()
        if self.previous is not None:
            story += self.change()
        story += self.answers()
        return story

    # --- cover ------------------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        a, st = self.a, self.st
        out: list[Flowable] = [
            Anchor(self.w("pdf_cover"), 0, self.key()),
            Spacer(1, 30),
            self.text(self.w("pdf_title"), st.cover_title),
            self.text(self.w("pdf_subtitle"), st.cover_subtitle),
            self.text(self.authority(), st.cover_authority),
        ]
        if not a.complete:
            out.append(self.text(self.w("draft_incomplete"), st.draft))
        respondent = a.response.respondent
        who = ", ".join(p for p in (respondent.name, respondent.role, respondent.organisation) if p)
        packs = "\n".join(f"{p.id} {p.version}" for p in a.packs)
        facts = [
            ("pdf_level", self.level_label()),
            ("pdf_country", a.scope.country),
            ("pdf_period", a.scope.period),
            ("pdf_lead", a.scope.lead),
            ("pdf_respondent", who or None),
            ("pdf_assessment_date", a.assessment_date),
            ("pdf_status", self.w("pdf_status_final") if a.complete else self.w("pdf_status_draft")),
            ("pdf_questionnaire", f"{a.questionnaire.id} {a.questionnaire.version}"),
            ("pdf_rule_packs", packs),
            ("pdf_tool", f"{a.tool} {a.tool_version}"),
        ]
        rows = [
            [self.cell(self.w(label), st.cell_bold), self.cell(value if value else self.w("pdf_not_stated"))]
            for label, value in facts
        ]
        out.append(Table(rows, colWidths=[130, FRAME_WIDTH - 130], style=key_value_table_style(), hAlign="LEFT"))
        out.append(Spacer(1, 14))
        out.append(self.text(self.w("pdf_fingerprints"), st.h4))
        response_file = self.w("pdf_labelled", label=self.w("pdf_response_file"), text=a.input_file)
        prints = [(response_file, a.input_sha256 or self.w("pdf_not_stated"))]
        prints += [(f"{p.id} {p.version}", p.sha256) for p in a.packs]
        if a.tailoring_sha256:
            prints.append((self.w("pdf_tailoring_file"), a.tailoring_sha256))
        rows = [[self.cell(label, st.cell), self.cell(digest, st.cell_mono)] for label, digest in prints]
        out.append(Table(rows, colWidths=[170, FRAME_WIDTH - 170], style=key_value_table_style(), hAlign="LEFT"))
        out.append(Spacer(1, 16))
        out.append(self.text(self.w("pdf_cover_note"), st.note))
        return out

    def level_label(self) -> str | None:
        level = self.a.scope.level
        if level is None or self.q is None:
            return level
        qid = self.q.scope.get("level")
        question = self.q.question(qid) if qid else None
        return option_label(self.q, question, level, self.lang)

    def contents(self) -> list[Flowable]:
        return [
            PageBreak(),
            Heading(self.w("pdf_contents"), self.st.h1, 0, self.key(), in_toc=False),
            ContentsPlaceholder(),
            PageBreak(),
        ]

    # --- executive summary ------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        a, st = self.a, self.st
        out: list[Flowable] = [self.heading(self.w("pdf_sec_summary"), 0)]
        answered, asked = answered_questions(self.q, a.response)
        if a.overall_index is not None:
            panel = Table(
                [
                    [
                        self.text(self.num(a.overall_index), st.big_number),
                        [
                            self.text(self.w("overall_index"), st.strong),
                            self.text(f"{self.w('pdf_band')} {self.band(self.default_scheme, a.overall_band)}"),
                        ],
                    ]
                ],
                colWidths=[90, FRAME_WIDTH - 90],
                style=[*PLAIN_TABLE, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
                hAlign="LEFT",
            )
            out.append(panel)
            lead = self.w(
                "pdf_summary_lead",
                authority=self.authority(),
                index=self.num(a.overall_index),
                band=self.band(self.default_scheme, a.overall_band),
            )
        else:
            lead = self.w("pdf_summary_lead_unscored", authority=self.authority())
        out.append(Spacer(1, 6))
        basis = self.w(
            "pdf_summary_basis",
            answered=answered,
            questions=asked,
            partnerships=len(a.response.inventory),
            packs=len(a.packs),
        )
        out.append(self.text(f"{lead} {basis}"))
        out.append(self.text(self.w("pdf_summary_tone"), st.note))

        out.append(self.heading(self.w("pdf_index_by_framework"), 1, in_toc=False))
        rows = [self.head_row(self.w("pdf_framework"), self.w("pdf_score"), self.w("pdf_band"))]
        rows.append(
            [
                self.cell(self.w("overall_index"), st.cell_bold),
                self.cell(self.num(a.overall_index), st.cell_right),
                self.cell(self.band(self.default_scheme, a.overall_band)),
            ]
        )
        rows += [
            [
                self.cell(p.title.get(self.lang)),
                self.cell(self.pack_index_text(p), st.cell_right),
                self.cell(self.band(p.bands, p.band)),
            ]
            for p in a.packs
        ]
        out.append(self.table(rows, [FRAME_WIDTH - 195, 60, 135]))

        principles = next((p for p in a.packs if p.scored_by == PRINCIPLES_PACK_KIND), None)
        if principles is not None:
            scored = [g for g in principles.groups if g.score]
            strongest = sorted(scored, key=lambda g: -(g.score or 0))[:3]
            if strongest:
                out.append(self.heading(self.w("pdf_strongest"), 1, in_toc=False))
                for g in strongest:
                    band = esc(self.band(principles.bands, g.band))
                    markup = f"<b>{esc(g.title.get(self.lang))}</b> — {esc(self.num(g.score))} ({band})"
                    out.append(Para(markup, st.bullet, bulletText="•"))

        out.append(self.heading(self.w("top_actions"), 1, in_toc=False))
        top = [rec for rec in a.recommendations if rec.kind == "act"][:5]
        unanswered = sum(1 for r in a.rules if r.outcome == "not_answered")
        if top:
            out.append(self.text(self.w("pdf_top_actions_intro")))
            out.append(self.actions_table(top))
        elif unanswered:
            out.append(self.text(self.w("pdf_answer_first", count=unanswered)))
        else:
            out.append(self.text(self.w("pdf_no_actions")))
        document = [rec for rec in a.recommendations if rec.kind == "document"][:5]
        if document:
            out.append(self.heading(self.w("document_it"), 1, in_toc=False))
            out.append(self.text(self.w("document_it_intro")))
            out.append(self.actions_table(document))
        return out

    def actions_table(self, recommendations: list[Recommendation]) -> Table:
        st = self.st
        rows = [self.head_row(self.w("rule"), self.w("recommendation"), self.w("pdf_gain_overall"))]
        for rec in recommendations:
            rule = self.a.rule(rec.rule_id)
            text = (action(rule, self.lang) or "") if rule else ""
            rows.append(
                [
                    [self.cell(rec.rule_id, st.cell_bold), self.cell(self.group_title(rec.pack_id, rec.group))],
                    self.cell(text),
                    self.cell(self.w("pdf_gain_points", gain=self.num(rec.gain_overall)), st.cell_right),
                ]
            )
        return self.table(rows, [105, FRAME_WIDTH - 105 - 70, 70])

    def pack_index_text(self, pack: PackScore) -> str:
        if pack.index is None and self.all_not_applicable(pack):
            return self.w("pdf_not_applicable")
        return self.num(pack.index)

    def all_not_applicable(self, pack: PackScore) -> bool:
        return all(set(g.outcomes) <= {"not_applicable"} for g in pack.groups)

    def group_title(self, pack_id: str, group_id: str) -> str:
        pack = next((p for p in self.a.packs if p.id == pack_id), None)
        group = next((g for g in pack.groups if g.id == group_id), None) if pack else None
        return group.title.get(self.lang) if group else group_id

    # --- scope and method -------------------------------------------------------------------------

    def method(self) -> list[Flowable]:
        a, st = self.a, self.st
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_method"), 0)]
        answered, asked = answered_questions(self.q, a.response)
        out.append(self.heading(self.w("pdf_what_assessed"), 1))
        out.append(
            self.text(
                self.w(
                    "pdf_what_assessed_text",
                    authority=self.authority(),
                    questionnaire=a.questionnaire.id,
                    version=a.questionnaire.version,
                    period=a.scope.period or self.w("pdf_not_stated"),
                    answered=answered,
                    questions=asked,
                    evidence=evidence_count(a.response),
                    partnerships=len(a.response.inventory),
                    date=a.assessment_date,
                )
            )
        )
        rows = [self.head_row(self.w("pdf_framework"), self.w("pdf_version"), self.w("pdf_rules"))]
        for pack in a.packs:
            count = sum(1 for r in a.rules if r.pack_id == pack.id)
            rows.append(
                [
                    self.cell(f"{pack.title.get(self.lang)} ({pack.id})"),
                    self.cell(pack.version),
                    self.cell(str(count), st.cell_right),
                ]
            )
        out.append(self.table(rows, [FRAME_WIDTH - 120, 70, 50]))

        out.append(self.heading(self.w("pdf_how_scored"), 1))
        for key in ("pdf_formula_credit", "pdf_formula_group", "pdf_formula_pack", "pdf_formula_1072"):
            out.append(self.bullet(self.w(key)))

        out.append(self.heading(self.w("pdf_weights"), 1))
        out.append(self.text(self.w("pdf_weights_text")))
        rows = [
            self.head_row(
                self.w("pdf_framework"), self.w("pdf_rules"), self.w("pdf_total_weight"), self.w("pdf_weights_changed")
            )
        ]
        for pack in a.packs:
            members = [r for r in a.rules if r.pack_id == pack.id]
            changed = [r for r in members if r.weight != r.base_weight]
            rows.append(
                [
                    self.cell(pack.title.get(self.lang)),
                    self.cell(str(len(members)), st.cell_right),
                    self.cell(self.num(sum(r.weight for r in members), 0), st.cell_right),
                    self.cell(", ".join(r.rule_id for r in changed) or "–"),
                ]
            )
        out.append(self.table(rows, [FRAME_WIDTH - 230, 45, 65, 120]))

        out.append(self.heading(self.w("pdf_bands"), 1))
        for scheme in a.bands:
            intro = "pdf_bands_judgement" if scheme.status == "judgement" else "pdf_bands_text"
            block: list[Flowable] = [self.text(self.w(intro, scheme=scheme.id))]
            rows = [self.head_row(self.w("pdf_band"), self.w("pdf_band_range"))]
            cuts = sorted(scheme.bands, key=lambda b: b["min"])
            for i, band in enumerate(cuts):
                upper = cuts[i + 1]["min"] if i + 1 < len(cuts) else None
                low = self.num(band["min"], 0)
                span = f"{low} – < {self.num(upper, 0)}" if upper is not None else f"≥ {low}"
                if upper is None and band["min"] >= 100:
                    span = low
                rows.append([self.cell(f"{band['code']} · {band['label'][self.lang]}"), self.cell(span)])
            block.append(self.table(rows, [220, 120]))
            if scheme.status == "unconfirmed":
                block.append(self.text(self.w("pdf_bands_unconfirmed"), st.note))
            elif scheme.status != "judgement":
                block.append(self.text(self.w("pdf_bands_status", status=scheme.status)))
            label = f"{self.w('pdf_source')} {self.w('pdf_source_language')}"
            block.append(self.text(self.w("pdf_labelled", label=label, text=scheme.source), st.small))
            out.append(KeepTogether(block))

        out.append(self.heading(self.w("pdf_what_counts"), 1))
        for key in ("pdf_count_na", "pdf_count_unanswered", "pdf_count_evidence", "pdf_count_exceptions"):
            out.append(self.bullet(self.w(key)))
        if not a.complete:
            out.append(self.bullet(self.w("pdf_count_draft")))
        return out

    def bullet(self, text: str) -> Paragraph:
        return literal(text, self.st.bullet, bulletText="•")

    # --- scores -----------------------------------------------------------------------------------

    def scores(self) -> list[Flowable]:
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_scores"), 0)]
        previous_packs = {p.id: p for p in self.previous.packs} if self.previous else {}
        legend = [self.w("pdf_legend_current", date=self.a.assessment_date)]
        if self.previous is not None:
            legend.append(self.w("pdf_legend_previous", date=self.previous.assessment_date))
        for pack in self.a.packs:
            old = previous_packs.get(pack.id)
            block: list[Flowable] = [self.heading(pack.title.get(self.lang), 1)]
            labels = [self.group_label(g) for g in pack.groups]
            now = [g.score for g in pack.groups]
            before = [self.group_score(old, g.id) for g in pack.groups] if old else None
            if pack.scored_by == PRINCIPLES_PACK_KIND and len(pack.groups) >= 3:
                block.append(principles_spider(labels, now, before, legend=legend, width=FRAME_WIDTH))
                block.append(self.text(self.w("pdf_fig_spider"), self.st.caption))
            elif pack.scored_by == TARGETS_PACK_KIND and pack.groups:
                block.append(target_bars(labels, now, before, legend=legend, fmt=self.num, width=FRAME_WIDTH))
                block.append(self.text(self.w("pdf_fig_bars"), self.st.caption))
            elif pack.scored_by == SDG_1072_KIND and pack.index is None and self.all_not_applicable(pack):
                block.append(self.text(self.w("pdf_domain_not_applicable"), self.st.note))
                out.append(KeepTogether(block))
                continue
            elif pack.scored_by == SDG_1072_KIND:
                domain = self.w("pdf_domain_score", score=self.num(pack.index), band=self.band(pack.bands, pack.band))
                block.append(self.text(domain, self.st.strong))
            block.append(self.score_table(pack, old))
            out.append(KeepTogether(block))
        return out

    def group_label(self, group: GroupScore) -> str:
        title = group.title.get(self.lang)
        if group.score is None and set(group.outcomes) <= {"not_applicable"}:
            return f"{title} ({self.w('pdf_not_applicable')})"
        return title

    @staticmethod
    def group_score(pack: PackScore | None, group_id: str) -> float | None:
        if pack is None:
            return None
        group = next((g for g in pack.groups if g.id == group_id), None)
        return group.score if group else None

    def score_table(self, pack: PackScore, old: PackScore | None) -> Table:
        st = self.st
        head = [self.w(f"pdf_scored_by_{pack.scored_by}"), self.w("pdf_score"), self.w("pdf_band"), self.w("pdf_rules")]
        widths = [FRAME_WIDTH - 275, 60, 130, 85]
        if old is not None:
            head += [self.w("pdf_previous"), self.w("pdf_delta")]
            widths = [FRAME_WIDTH - 355, 60, 115, 80, 50, 50]
        rows = [self.head_row(*head)]
        for g in pack.groups:
            counted = sum(n for outcome, n in g.outcomes.items() if outcome not in ("not_applicable", "waived"))
            met = g.outcomes.get("met", 0)
            row = [
                self.cell(g.title.get(self.lang)),
                self.cell(self.group_score_text(g), st.cell_right),
                self.cell(self.band(pack.bands, g.band)),
                self.cell(self.w("pdf_rules_met", met=met, counted=counted)),
            ]
            if old is not None:
                before = self.group_score(old, g.id)
                delta = None if before is None or g.score is None else round(g.score - before, 1)
                row += [self.cell(self.num(before), st.cell_right), self.cell(self.signed(delta), st.cell_right)]
            rows.append(row)
        total = [
            self.cell(self.w("pdf_pack_index"), st.cell_bold),
            self.cell(self.pack_index_text(pack), st.cell_bold_right),
            self.cell(self.band(pack.bands, pack.band), st.cell_bold),
            self.cell(""),
        ]
        if old is not None:
            delta = None if old.index is None or pack.index is None else round(pack.index - old.index, 1)
            total += [self.cell(self.num(old.index), st.cell_right), self.cell(self.signed(delta), st.cell_bold_right)]
        rows.append(total)
        table = self.table(rows, widths)
        table.setStyle([("LINEABOVE", (0, -1), (-1, -1), 0.6, PRIMARY)])
        return table

    def group_score_text(self, group: GroupScore) -> str:
        if group.score is None and set(group.outcomes) <= {"not_applicable"}:
            return self.w("pdf_not_applicable")
        return self.num(group.score)

    # --- partnership span -------------------------------------------------------------------------

    def span(self) -> list[Flowable]:
        a, st = self.a, self.st
        metrics = a.metrics
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_span"), 0)]
        out.append(
            self.text(
                self.w(
                    "pdf_span_intro",
                    partnerships=self.num(metrics.values.get("partnerships", len(a.response.inventory)), 0),
                    active=self.num(metrics.values.get("active_partnerships", 0), 0),
                )
            )
        )
        out.append(self.heading(self.w("pdf_counterpart_level"), 1))
        catalogue = metric_catalogue()
        counterparts = {c.id: c.label.get(self.lang) for c in catalogue.counterparts}
        # A saved result holds its dicts in key order: lay out rows in the catalogue's order instead.
        row_ids = _in_order(metrics.matrix, list(counterparts))
        levels = [lvl for lvl in LEVELS if any(lvl in metrics.matrix[r] for r in row_ids)] or list(LEVELS)
        level_field = self.q.field("level") if self.q else None
        level_names = [option_label(self.q, level_field, lvl, self.lang) for lvl in levels]
        counts = [[metrics.matrix[r].get(lvl, 0) for lvl in levels] for r in row_ids]
        out.append(span_heat_map([counterparts.get(r, r) for r in row_ids], level_names, counts, width=FRAME_WIDTH))
        out.append(self.text(self.w("pdf_fig_heat_map"), st.caption))

        kinds = [self.head_row(self.w("pdf_kind_of_partner"), self.w("pdf_number"))]
        labelled = [
            (partner_kind_label(self.q, None, kind, self.lang), n) for kind, n in metrics.partners_by_kind.items()
        ]
        kinds += [
            [self.cell(label), self.cell(str(n), st.cell_right)]
            for label, n in sorted(labelled, key=lambda item: (-item[1], item[0]))
        ]
        indicators = [self.head_row(self.w("pdf_indicator"), self.w("pdf_value"))]
        for metric_id in _in_order(metrics.values, [m.id for m in catalogue.metrics]):
            value = metrics.values[metric_id]
            label = a.metric_labels[metric_id].get(self.lang) if metric_id in a.metric_labels else metric_id
            digits = 0 if float(value).is_integer() else 1
            indicators.append([self.cell(label), self.cell(self.num(value, digits), st.cell_right)])
        left = self.table(kinds, [140, 45])
        right = self.table(indicators, [FRAME_WIDTH - 185 - 16 - 45, 45])
        out.append(
            KeepTogether(
                [
                    self.heading(self.w("pdf_partners_by_kind"), 1),
                    Table(
                        [[left, right]],
                        colWidths=[185 + 16, FRAME_WIDTH - 185 - 16],
                        style=[
                            *PLAIN_TABLE,
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ],
                        hAlign="LEFT",
                    ),
                ]
            )
        )
        out.append(self.heading(self.q.inventory.title.get(self.lang) if self.q else self.w("pdf_partnership"), 1))
        out += self.inventory_table()
        return out

    def inventory_table(self) -> list[Flowable]:
        st, q, lang = self.st, self.q, self.lang
        items = self.a.response.inventory
        if not items:
            return [self.text(self.w("pdf_inventory_empty"))]

        def label(field_id: str, value: AnswerValue) -> str:
            field = q.field(field_id) if q else None
            return "; ".join(value_lines(q, field, value, lang))

        rows = [self.head_row(self.w("pdf_id"), self.w("pdf_partnership"), self.w("pdf_partners"), self.w("pdf_state"))]
        for item in items:
            name = item.get("name")
            details = [label("instrument", item.get("instrument")), label("level", item.get("level"))]
            if item.get("start_year") is not None:
                details.append(self.w("pdf_since", year=item.get("start_year")))
            serves = []
            for prefix, field_id in (("GCM", "gcm_objectives"), ("SDG", "sdg_targets")):
                codes = item.get(field_id)
                if isinstance(codes, list) and codes:
                    serves.append(f"{prefix} " + ", ".join(str(code) for code in codes))
            first = [self.cell(str(name) if name is not None else item.id, st.cell_bold)]
            first.append(self.cell(" · ".join(d for d in details if d)))
            if serves:
                first.append(
                    self.cell(self.w("pdf_labelled", label=self.w("pdf_frameworks_served"), text="; ".join(serves)))
                )
            safeguards = label("safeguards", item.get("safeguards"))
            if safeguards:
                first.append(self.cell(safeguards))
            if item.comment:
                first.append(literal(item.comment, st.cell_italic))
            first += [self.cell("• " + evidence_line(e, lang)) for e in item.evidence]
            partners_field = q.field("partners") if q else None
            partners = [self.cell(line) for line in value_lines(q, partners_field, item.get("partners"), lang)]
            state = [self.cell(label("status", item.get("status")), st.cell_bold)]
            for field_id, key in (
                ("formalised", "pdf_formalised"),
                ("funded", "pdf_funded"),
                ("monitored", "pdf_monitored"),
            ):
                value = item.get(field_id)
                if value is not None:
                    state.append(self.cell(self.w("pdf_labelled", label=self.w(key), text=label(field_id, value))))
            participation = label("migrant_participation", item.get("migrant_participation"))
            if participation:
                state.append(self.cell(participation))
            rows.append([self.cell(item.id), first, partners or self.cell("–"), state])
        return [self.table(rows, [38, FRAME_WIDTH - 38 - 150 - 105, 150, 105], split_in_row=True)]

    # --- findings ---------------------------------------------------------------------------------

    def findings(self) -> list[Flowable]:
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_findings"), 0)]
        out.append(self.text(self.w("pdf_findings_intro")))
        packs = [p for p in self.a.packs if self.all_findings or p.scored_by == PRINCIPLES_PACK_KIND]
        for n, pack in enumerate(packs):
            if n:
                out.append(CondPageBreak(180))
            out.append(self.heading(pack.title.get(self.lang), 1))
            for group in pack.groups:
                out += self.group_findings(pack, group)
        return out

    def group_summary(self, pack: PackScore, group_id: str) -> str | None:
        """The catalogue's one-line summary of a principle, action or target (none for sub-categories)."""
        c = self.catalogue
        entries = {PRINCIPLES_PACK_KIND: c.principles, "actions": c.actions, TARGETS_PACK_KIND: c.targets}
        entry = next((e for e in entries.get(pack.scored_by, []) if e.id == group_id), None)
        return entry.summary.get(self.lang) if entry is not None else None

    def group_findings(self, pack: PackScore, group: GroupScore) -> list[Flowable]:
        st = self.st
        rules = [r for r in self.a.rules if r.pack_id == pack.id and r.group == group.id]
        met = [r for r in rules if r.outcome == "met"]
        open_ = [
            r for r in rules if r.outcome in ("partially_met", "not_met", "not_answered") and not r.evidence_capped
        ]
        undocumented = [r for r in rules if r.evidence_capped and r.outcome not in ("not_applicable", "waived")]
        aside = [r for r in rules if r.outcome in ("not_applicable", "waived")]
        score = self.group_score_text(group)
        band = self.band(pack.bands, group.band)
        title = f"{group.title.get(self.lang)} — {score}" + (f" · {band}" if band else "")
        out: list[Flowable] = [self.heading(title, 2, in_toc=False)]
        summary = self.group_summary(pack, group.id)
        if summary:
            out.append(self.text(summary, st.group_summary))
        if met or open_ or undocumented:
            out.append(self.text(self.w("pdf_well_developed"), st.h4))
            if met:
                for rule in met:
                    out += self.finding(rule, open_gap=False)
            else:
                out.append(self.text(self.w("pdf_nothing_met"), st.finding_text))
            out.append(self.text(self.w("pdf_potential"), st.h4))
            if open_:
                for rule in sorted(open_, key=lambda r: (-r.gain_group, r.rule_id)):
                    out += self.finding(rule, open_gap=True)
            else:
                out.append(self.text(self.w("pdf_nothing_open"), st.finding_text))
            if undocumented:
                out.append(self.text(self.w("document_it"), st.h4))
                for rule in sorted(undocumented, key=lambda r: (-r.gain_group, r.rule_id)):
                    out += self.finding(rule, open_gap=True)
        else:
            out.append(self.text(self.w("pdf_group_unscored"), st.finding_text))
        if aside:
            listed = "; ".join(f"{r.rule_id} ({self.w(f'outcome_{r.outcome}')})" for r in aside)
            out.append(self.text(self.w("pdf_labelled", label=self.w("pdf_not_counted"), text=listed), st.finding_meta))
        return out

    def finding(self, rule: RuleResult, *, open_gap: bool) -> list[Flowable]:
        """A finding as a few one-style paragraphs (mixed inline styles would make line breaking 4×
        slower), kept on one page: what was found, the answers it rests on, why it matters, what next."""
        st = self.st
        facts = [rule.rule_id]
        if open_gap:
            facts.append(self.w(f"outcome_{rule.outcome}"))
        facts.append(f"{self.w('weight')} {self.num(rule.weight, 0 if float(rule.weight).is_integer() else 1)}")
        if open_gap and rule.gain_group > 0:
            facts.append(self.w("pdf_labelled", label=self.w("pdf_gain_group"), text=f"+{self.num(rule.gain_group)}"))
        out: list[Flowable] = [
            self.text(" · ".join(facts), st.finding_head),
            self.text(finding(rule, self.lang), st.finding_text),
        ]
        read = self.answers_line(rule)
        if read:
            out.append(self.text(self.w("pdf_labelled", label=self.w("pdf_answers_given"), text=read), st.finding_meta))
        questions = dict.fromkeys(answer.question for answer in rule.answers)
        titles = [f"{qid}: {title}" for qid in questions for title in evidence_titles(self.a.response, qid)]
        if titles or rule.evidence_required:  # "none attached" only where a document is asked for
            evidence = "; ".join(titles) if titles else self.w("pdf_no_evidence")
            label = self.w("pdf_evidence_given")
            out.append(self.text(self.w("pdf_labelled", label=label, text=evidence), st.finding_meta))
        rationale = rule.texts["rationale"].get(self.lang)
        out.append(self.text(self.w("pdf_labelled", label=self.w("rationale"), text=rationale), st.finding_meta))
        next_step = action(rule, self.lang) if open_gap else None
        if next_step:
            text = self.w("pdf_labelled", label=self.w("recommendation"), text=next_step)
            out.append(literal(text, st.finding_action, bulletText="→"))
        return [KeepTogether(out)]

    def answers_line(self, rule: RuleResult) -> str:
        """The answers the rule read, as the respondent gave them (hidden and unanswered ones left out)."""
        parts = []
        for answer in rule.answers:
            question = self.q.question(answer.question) if self.q else None
            lines = value_lines(self.q, question, answer.value, self.lang) if answer.shown else []
            if lines and not (question is not None and question.type == "evidence"):
                parts.append(f"{answer.question} = {', '.join(lines)}")
        return (" ; " if self.lang == "fr" else "; ").join(parts)  # French sets a space before ';'

    # --- exceptions and tailoring -----------------------------------------------------------------

    def tailoring(self) -> list[Flowable]:
        a, st = self.a, self.st
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_tailoring"), 0)]
        waived = [r for r in a.rules if r.waiver is not None]
        if not a.tailoring and not waived:
            out.append(self.text(self.w("pdf_no_tailoring")))
        else:
            out.append(self.text(self.w("pdf_tailoring_intro")))
            if a.tailoring_sha256:
                digest = self.w(
                    "pdf_labelled", label=self.w("pdf_tailoring_file"), text=f"SHA-256 {a.tailoring_sha256}"
                )
                out.append(self.text(digest, st.small))
            rows = [self.head_row(self.w("pdf_change"), self.w("pdf_applies_to"), self.w("pdf_justification"))]
            for change in a.tailoring:
                detail = self.w(f"pdf_kind_{change.kind}")
                rule = a.rule(change.target)
                if change.kind == "weight" and rule is not None:
                    base, weight = self.num(rule.base_weight, 0), self.num(rule.weight, 0)
                    detail += f" ({self.w('pdf_weight_from_to', base=base, weight=weight)})"
                rows.append([self.cell(detail), self.cell(change.target), self.cell(change.justification or "–")])
            if len(rows) > 1:
                out.append(self.table(rows, [150, 90, FRAME_WIDTH - 240], split_in_row=True))
            if waived:
                out.append(self.heading(self.w("pdf_exceptions"), 1))
                rows = [
                    self.head_row(
                        self.w("rule"), self.w("pdf_approver"), self.w("pdf_expires"), self.w("pdf_justification")
                    )
                ]
                for rule in waived:
                    w = rule.waiver
                    assert w is not None
                    state = self.w("pdf_in_force") if w.active else self.w("pdf_expired")
                    rows.append(
                        [
                            [self.cell(rule.rule_id, st.cell_bold), self.cell(state)],
                            self.cell(w.approver),
                            self.cell(w.expires),
                            self.cell(w.justification),
                        ]
                    )
                out.append(self.table(rows, [120, 110, 60, FRAME_WIDTH - 290], split_in_row=True))
        if a.warnings:
            out.append(self.heading(self.w("pdf_warnings"), 1))
            out += [self.bullet(p.describe()) for p in a.warnings]
        return out

    # --- change since the previous assessment -----------------------------------------------------

    def change(self) -> list[Flowable]:
        prev, a, st = self.previous, self.a, self.st
        assert prev is not None
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_change"), 0)]
        out.append(
            self.text(
                self.w("pdf_change_intro", date=prev.assessment_date, file=prev.input_file, sha=prev.input_sha256[:16])
            )
        )
        before_versions = _versions(prev)
        now_versions = _versions(a)
        if before_versions != now_versions:
            out.append(
                self.text(self.w("pdf_change_versions", previous=before_versions, current=now_versions), st.note)
            )
        if prev.overall_bands != a.overall_bands:
            out.append(self.text(self.w("pdf_change_method"), st.note))
        out.append(self.heading(self.w("pdf_score_deltas"), 1))
        rows = [self.head_row("", self.w("pdf_previous"), self.w("pdf_current"), self.w("pdf_delta"))]
        bold_rows: list[int] = []
        for change in score_changes(prev, a):
            if change.kind == "overall":
                label, style = self.w("overall_index"), st.cell_bold
            elif change.kind == "pack":
                label, style = change.title.get(self.lang) if change.title else change.pack_id, st.cell_bold
            else:
                label, style = change.title.get(self.lang) if change.title else change.group_id, st.cell_indented
            if change.kind != "group":
                bold_rows.append(len(rows))
            rows.append(
                [
                    literal(label, style),
                    self.cell(self.num(change.before), st.cell_right),
                    self.cell(self.num(change.now), st.cell_right),
                    literal(self.signed(change.delta), st.cell_bold_right if change.kind != "group" else st.cell_right),
                ]
            )
        table = self.table(rows, [FRAME_WIDTH - 180, 60, 60, 60])
        table.setStyle([("LINEABOVE", (0, row), (-1, row), 0.5, PRIMARY) for row in bold_rows[1:]])
        out.append(table)
        for key, changes in (("pdf_new_gaps", new_gaps(prev, a)), ("pdf_resolved_gaps", resolved_gaps(prev, a))):
            out.append(self.heading(self.w(key), 1))
            if not changes:
                out.append(self.text(self.w("pdf_none")))
                continue
            rows = [self.head_row(self.w("rule"), self.w("pdf_delta"), self.w("finding"))]
            for item in changes:
                r = item.rule
                text = finding(r, self.lang)
                was_now = self.w(
                    "pdf_was_now", before=self.w(f"outcome_{item.before}"), now=self.w(f"outcome_{item.now}")
                )
                rows.append(
                    [
                        [self.cell(r.rule_id, st.cell_bold), self.cell(self.group_title(r.pack_id, r.group))],
                        self.cell(was_now),
                        self.cell(text),
                    ]
                )
            out.append(self.table(rows, [120, 110, FRAME_WIDTH - 230], split_in_row=True))
        return out

    # --- answers ----------------------------------------------------------------------------------

    def answers(self) -> list[Flowable]:
        a, q = self.a, self.q
        out: list[Flowable] = [PageBreak(), self.heading(self.w("pdf_sec_answers"), 0)]
        if q is None:
            out.append(
                self.text(
                    self.w(
                        "pdf_answers_unknown_questionnaire",
                        questionnaire=a.questionnaire.id,
                        version=a.questionnaire.version,
                    ),
                    self.st.note,
                )
            )
            out += self.answer_table(self.w("pdf_other_answers"), sorted(a.response.answers), None)
            return out
        out.append(self.text(self.w("pdf_answers_intro", questionnaire=q.id, version=q.version)))
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
                out += self.answer_table(section.title.get(self.lang), ids, q)
        others = sorted(qid for qid in a.response.answers if qid not in known)
        if others:
            out += self.answer_table(self.w("pdf_other_answers"), others, None)
        return out

    def answer_table(self, title: str, ids: Iterable[str], q: Questionnaire | None) -> list[Flowable]:
        st, lang = self.st, self.lang
        rows = [self.head_row(self.w("pdf_id"), self.w("pdf_question"), self.w("pdf_answer"))]
        for qid in ids:
            question = q.question(qid) if q else None
            answer = self.a.response.answers.get(qid)
            cell: list[Flowable] = []
            lines = value_lines(q, question, answer.value, lang) if answer else []
            if lines:
                multi = len(lines) > 1
                cell += [self.cell(("• " if multi else "") + line, st.cell_bold) for line in lines]
            else:
                cell.append(literal(self.w("unanswered"), st.cell_italic))
            if answer is not None and answer.comment:
                comment = self.w("pdf_labelled", label=self.w("pdf_comment"), text=answer.comment)
                cell.append(literal(comment, st.cell_italic))
            if answer is not None and answer.evidence:
                cell.append(self.cell(self.w("pdf_labelled", label=self.w("pdf_evidence"), text="").rstrip()))
                cell += [self.cell("• " + evidence_line(e, lang)) for e in answer.evidence]
            text = question.text.get(lang) if question else qid
            rows.append([self.cell(qid, st.cell_bold), self.cell(text), cell])
        heading = self.heading(title, 1, in_toc=False)
        table = self.table(rows, [46, 212, FRAME_WIDTH - 258], split_in_row=True)
        return [CondPageBreak(90), heading, table]


def _in_order(keys: Iterable[str], order: list[str]) -> list[str]:
    """`keys` in the given order, any others after them, sorted: the same whatever the dict's order."""
    present = set(keys)
    return [k for k in order if k in present] + sorted(present - set(order))


def _has_content(answer: Answer) -> bool:
    return answer.answered or bool(answer.comment) or bool(answer.evidence)


def _versions(a: Assessment) -> str:
    packs = ", ".join(f"{p.id} {p.version}" for p in a.packs)
    return f"{a.questionnaire.id} {a.questionnaire.version}; {packs}"


def _moment(generated_at: str, assessment_date: str) -> dt.datetime:
    """The assessment's own date-time (UTC), which stamps the PDF; never the wall clock."""
    try:
        moment = dt.datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    except ValueError:
        moment = dt.datetime.fromisoformat(assessment_date)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
