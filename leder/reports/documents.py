"""Rendering an annual report: the report's HTML content, its tagged PDF, and the easy-read
version's HTML and tagged PDF, all from one set of published figures.

The content is rendered once, when the report is generated, and stored; the report page shows
the stored HTML inside the site's layout, and the PDF wraps the same content in a stand-alone
document (WeasyPrint, `pdf_variant="pdf/ua-1"`: tagged, with a structure tree, so screen
readers and `pdftotext` can read it).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from leder.analytics import disclosure
from leder.core import readability
from leder.reports import easy_read
from leder.reports.figures import PublishedFigures
from leder.reports.forms import NARRATIVE_SECTIONS
from leder.reports.presenters import figure

#: The report's sections (DOMAIN.md, "What the reports show"): heading, metric keys, and the
#: narrative section written by the ICB that goes with it.
SECTIONS = (
    ("notifications", "Notifications and reviews", ("counts_by_state", "expected_vs_notified"),
     None),
    ("age", "Age at death", ("median_age", "deaths_before_65", "general_population"), None),
    ("place_cause", "Place and cause of death",
     ("place_of_death", "leading_causes", "covid_deaths"), None),
    ("avoidable", "Avoidable deaths", ("avoidable_deaths",), None),
    # The national report's figures (analytics.national): England and regional reports only.
    ("avoidable_groups", "Avoidable deaths by region, ethnic group, severity, sex and age",
     ("avoidable_by_group",), None),
    ("profile", "Long-term conditions, where people lived and Down's syndrome",
     ("deaths_by_condition", "deaths_by_residence", "median_age_by_downs"), None),
    ("care_questions", "The care people received: the care questions as rates",
     ("care_question_rates",), None),
    ("care", "Quality of care and learning", ("grading", "learning_themes"), "what_we_learned"),
    ("actions", "Actions taken as a result of reviews", ("actions",), "actions_taken"),
    ("timeliness", "Timeliness of reviews",
     ("time_to_allocation", "completed_within_6_months", "backlog_by_age"), None),
)  # fmt: skip


@dataclass(frozen=True)
class Rendered:
    html: str
    easy_read_html: str
    readability_score: float
    easy_read_text: str


def _narrative(report) -> dict[str, dict]:
    written = report.narrative or {}
    return {
        key: {"title": title, "text": (written.get(key) or "").strip()}
        for key, title, _ in NARRATIVE_SECTIONS
    }


def render_report(report, figures: PublishedFigures, *, manifest: dict, actions: dict) -> Rendered:
    """The report's content and its easy-read version (HTML fragments, each starting with its
    h1), with the easy read's readability score."""
    shown = {key: figure(result, prefix="report-") for key, result in figures.results.items()}
    sections = [
        {
            "key": key,
            "title": title,
            "figures": [shown[k] for k in keys if k in shown],
            "narrative": narrative,
        }
        for key, title, keys, narrative in SECTIONS
        # An ICB's report has no national sections; the actions section always shows.
        if any(k in shown for k in keys) or narrative
    ]
    narrative = _narrative(report)
    html = render_to_string(
        "reports/report/_content.jinja",
        {
            "report": report,
            "sections": sections,
            "narrative": narrative,
            "manifest": manifest,
            "actions": actions,
            "threshold": disclosure.threshold(),
        },
    )
    parts = easy_read.parts(
        figures.results,
        area=report.area_name,
        cohort=report.cohort,
        summary=narrative["easy_read_summary"]["text"],
    )
    text = easy_read.plain_text(parts)
    score = readability.flesch_reading_ease(text)
    easy_html = render_to_string(
        "reports/report/_easy_read.jinja",
        {
            "report": report,
            "parts": parts,
            "score": score,
            "minimum": readability.MINIMUM_SCORE,
            "meets": readability.meets_threshold(score),
        },
    )
    return Rendered(html, easy_html, score, text)


def pdf(content_html: str, *, title: str, easy_read: bool = False) -> bytes:
    """A tagged PDF (PDF/UA-1) of stored report content."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which pages do not need

    from leder.core.pdf_fetcher import static_only

    fetch = static_only()  # the project's own static files only

    document = render_to_string(
        "reports/report/document.jinja",
        {"content": content_html, "title": title, "easy_read": easy_read},
    )
    sheets = [CSS(filename=finders.find("reports/report_pdf.css"), url_fetcher=fetch)]
    if easy_read:
        sheets.append(CSS(filename=finders.find("reports/easy_read_pdf.css"), url_fetcher=fetch))
    return HTML(string=document, base_url=str(settings.BASE_DIR), url_fetcher=fetch).write_pdf(
        stylesheets=sheets, pdf_variant="pdf/ua-1"
    )
