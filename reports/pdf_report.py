"""The auditor's PDF report of one Assessment, in English, French or Spanish.

Built from the Assessment alone (plus the bundled questionnaire for question wording); no score is
recomputed. Each section has its own module under `reports/sections/`, all sharing one `Kit`; this
module only puts them in the order auditors expect and builds the document.

User text (names, comments, evidence titles) is printed exactly as written: every paragraph is
a `literal` one, whose text never passes through ReportLab's markup parser, so `<`, `&` or tags in an
answer can neither break nor restyle the layout.
"""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable

from mipat.assessment.results import Assessment
from mipat.questionnaires.i18n import Language
from mipat.reports.pdf_document import Chrome, Metadata, build_pdf
from mipat.reports.sections import annexes, comparison, cover, findings, method, scores, span, summary
from mipat.reports.sections.kit import Kit
from mipat.reports.strings import word


def render_pdf(
    assessment: Assessment, lang: Language, *, previous: Assessment | None = None, all_findings: bool = False
) -> bytes:
    """The report as PDF bytes; the same assessment (and previous) always gives the same bytes.

    Findings are written per GCM guiding principle; with `all_findings`, for every pack's groups too
    (objective-23 actions, SDG targets), which roughly doubles that section.
    """
    k = Kit(assessment, lang, previous, all_findings=all_findings)
    return build_pdf(_story(k), _chrome(k), _metadata(k))


def _story(k: Kit) -> list[Flowable]:
    story: list[Flowable] = []
    story += cover.cover(k)
    story += cover.contents(k)
    story += summary.summary(k)
    story += method.method(k)
    story += scores.scores(k)
    story += span.span(k)
    story += findings.findings(k)
    if k.previous is not None:
        story += comparison.change(k)
    story += annexes.annexes(k)
    return story


def _metadata(k: Kit) -> Metadata:
    a = k.a
    author = a.scope.lead or a.response.respondent.organisation or k.authority()
    return Metadata(
        title=f"{k.w('pdf_title')} — {k.authority()}",
        author=author,
        subject=k.w("pdf_subtitle"),
        keywords=k.w("pdf_keywords"),
        creator=f"mipat {a.tool_version}",
        lang=k.lang,
        created=_moment(a.generated_at, a.assessment_date),
    )


def _chrome(k: Kit) -> Chrome:
    a = k.a
    return Chrome(
        header_left=" · ".join(part for part in (k.authority(), a.scope.period) if part),
        header_right=f"{k.w('assessed_on')} {k.date(a.assessment_date)}",
        footer_left=k.w("pdf_title"),
        draft_marker=None if a.complete else k.w("pdf_draft"),
        page_label=lambda page, pages: word("pdf_page_of", k.lang, page=page, pages=pages),
    )


def _moment(generated_at: str, assessment_date: str) -> dt.datetime:
    """The assessment's own date-time (UTC), which stamps the PDF; never the wall clock."""
    try:
        moment = dt.datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    except ValueError:
        moment = dt.datetime.fromisoformat(assessment_date)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
