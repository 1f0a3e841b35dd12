"""The shared kit of the report's sections: the assessment being reported, the reader's language,
and the few ways the sections put words, numbers and tables on the page.

Each section module (cover, summary, method, scores, span, findings, comparison, annexes) is a
function of a `Kit`, so a section can be read and changed alone. The kit reads everything from the
Assessment (and the bundled questionnaire for question wording), never from the rules layer: a saved
result renders as it was scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from reportlab.platypus import Paragraph

from mipat.assessment.results import Assessment, GroupScore, PackScore
from mipat.questionnaires.catalogue import bundled_catalogue
from mipat.questionnaires.definition import Questionnaire, find_questionnaire
from mipat.questionnaires.i18n import Language
from mipat.questionnaires.locale_format import NNBSP, format_date, format_number, plural_form, typography
from mipat.reports.answer_text import option_label
from mipat.reports.pdf_document import BODY_HEIGHT, BODY_WIDTH, Heading, ReportTable, literal
from mipat.reports.pdf_styles import Styles, grid_table_style, styles
from mipat.reports.strings import report_strings

PRINCIPLES_PACK_KIND = "principles"
TARGETS_PACK_KIND = "targets"
SDG_1072_KIND = "sdg_1072"
FRAME_WIDTH = BODY_WIDTH
MIN_ROW_PART = 36  # points: a table row taller than the page splits, but leaves no sliver of it behind


@cache
def _template(key: str, lang: Language) -> str:
    """A fixed string with its French spacing, worked out once per key and language."""
    return typography(report_strings().root[key].get(lang), lang)


class Kit:
    """What every section needs: the assessment, the reader's language, styles and small helpers."""

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

    def w(self, key: str, **values: object) -> str:
        """A fixed string as plain text (outline, canvas, charts), with French spacing before ; : ! ?
        applied to the fixed words only: values (names, comments) are inserted as written."""
        template = _template(key, self.lang)
        return template.format(**values) if values else template

    @property
    def sep(self) -> str:
        """Between items of a list: '; ', or with French spacing."""
        return f"{NNBSP}; " if self.lang == "fr" else "; "

    def num(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return self.w("not_scored")
        return format_number(value, self.lang, digits)

    def date(self, value: str) -> str:
        """An ISO date (or date-time) in words: 31 January 2026, 31 janvier 2026."""
        try:
            return format_date(value, self.lang)
        except ValueError:
            return value

    def listing(self, items: Sequence[str]) -> str:
        """'a, b and c' in the reader's language (CLDR list patterns)."""
        from babel.lists import format_list

        return format_list(list(items), locale=self.lang) if items else ""

    def cycle(self, assessment: Assessment) -> str:
        """How a reader names a cycle: the period it covers, or the date it was scored when the two
        cycles compared give the same period (or none)."""
        other = self.previous if assessment is self.a else self.a
        period = assessment.scope.period
        if period and (other is None or other.scope.period != period):
            return period
        return self.date(assessment.assessment_date)

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

    def text(self, text: str, style=None, *, keep_with_next: bool = False) -> Paragraph:
        """A paragraph printed exactly as written (user or fixed text; nothing in it is markup).

        `keep_with_next`: an introduction that stays on the page of what it introduces."""
        paragraph = literal(text, style or self.st.body)
        if keep_with_next:
            paragraph.keepWithNext = 1
        return paragraph

    def cell(self, text: str, style=None) -> Paragraph:
        return literal(text, style or self.st.cell)

    def head_row(self, *labels: str) -> list[Paragraph]:
        return [literal(label, self.st.cell_head) for label in labels]

    def count(self, n: int, key: str) -> str:
        """`n` with its noun in the right plural form: the string is 'one form|other form' ({n} for n)."""
        one, _, other = self.w(key).partition("|")
        form = one if plural_form(n, self.lang) == "one" else other or one
        return form.replace("{n}", format_number(n, self.lang, 0))

    def table(
        self,
        rows: list[list],
        widths: Sequence[float],
        *,
        header: bool = True,
        split_in_row: bool = False,
        right_columns: Sequence[int] = (),
    ) -> ReportTable:
        """A grid table; the header cells of `right_columns` (numbers) are right-aligned like their values."""
        if header:
            for column in right_columns:
                head = rows[0][column]
                if isinstance(head, Paragraph):
                    rows[0][column] = literal(head.getPlainText(), self.st.cell_head_right)
        return ReportTable(
            rows,
            colWidths=list(widths),
            repeatRows=1 if header else 0,
            style=grid_table_style(header_rows=1 if header else 0, rows=len(rows)),
            hAlign="LEFT",
            splitInRow=MIN_ROW_PART if split_in_row else 0,
            spaceBefore=2,
            spaceAfter=8,
            frame_height=BODY_HEIGHT,
            continued=self.w("pdf_continued"),
        )

    def bullet(self, text: str) -> Paragraph:
        return literal(text, self.st.bullet, bulletText="•")

    def level_label(self) -> str | None:
        level = self.a.scope.level
        if level is None or self.q is None:
            return level
        qid = self.q.scope.get("level")
        question = self.q.question(qid) if qid else None
        return option_label(self.q, question, level, self.lang)

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

    @staticmethod
    def group_score(pack: PackScore | None, group_id: str) -> float | None:
        if pack is None:
            return None
        group = next((g for g in pack.groups if g.id == group_id), None)
        return group.score if group else None

    def group_score_text(self, group: GroupScore) -> str:
        if group.score is None and set(group.outcomes) <= {"not_applicable"}:
            return self.w("pdf_not_applicable")
        return self.num(group.score)
