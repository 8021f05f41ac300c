"""How the workspace reads: the person and the deadline, each section's status and link, a simple
section's answers for readers, the list of versions and the difference between two."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from leder.casework.models import CaseState
from leder.casework.presenters.case import due_summary, state_label
from leder.casework.presenters.case_list import STATE_TAG_CLASSES
from leder.core import presenters
from leder.core.fields import NHSDateField
from leder.reviews import diffs, sections
from leder.reviews.selectors.workspace import ReviewAccess

# Simple sections edited on the generic page register this URL name; the page needs the key too.
SECTION_PAGE = "reviews:section"

COMPLETED, IN_PROGRESS, NOT_STARTED = "Completed", "In progress", "Not started"
# A section nothing requires and nothing is in (records from organisations, none requested):
# it does not stop the submission, but "Completed" would say work was done that was not.
NOTHING_RECORDED = "Nothing recorded"
# Sections with a quality assurance comment the reviewer has not yet responded to.
QA_COMMENT = "Quality assurance comment"

# Where a submitted review went, by the state the case moved to.
WENT_TO = {
    CaseState.QUALITY_ASSURANCE: "quality assurance",
    CaseState.FOCUSED_REVIEW: "a focused review",
    CaseState.PANEL: "the governance panel",
}


def review_url(name: str, access: ReviewAccess, **kwargs) -> str:
    return reverse(name, kwargs={"reference": access.case.reference, "kind": access.kind, **kwargs})


def section_href(section: sections.Section, access: ReviewAccess) -> str:
    if section.url_name == SECTION_PAGE:
        return review_url(SECTION_PAGE, access, key=section.key)
    return review_url(section.url_name, access)


def has_content(value) -> bool:
    """True if a snapshot holds any answer at all (not just empty containers and blanks)."""
    if isinstance(value, dict):
        return any(has_content(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_content(v) for v in value)
    return value not in (None, "", False)


_TAG_CLASSES = {
    NOT_STARTED: "nhsuk-tag--blue",
    IN_PROGRESS: "nhsuk-tag--light-blue",
    NOTHING_RECORDED: "nhsuk-tag--grey",
    QA_COMMENT: "nhsuk-tag--orange",
}


@dataclass(frozen=True)
class SectionRow:
    section: sections.Section
    status: str
    problems: list[str]
    href: str
    # Quality assurance's comments on the section (of the round that returned the review), and
    # how many of them still wait for the reviewer's response.
    qa_comments: int = 0
    qa_unanswered: int = 0

    @property
    def is_done(self) -> bool:
        """Nothing stops the submission in this section (it may hold nothing, if nothing is
        required of it)."""
        return not self.problems

    @property
    def task_item(self) -> dict:
        """An item of the NHS.UK task list: completed reads as plain text, the rest as tags. A
        section quality assurance commented on says so, and is tagged until every comment on it
        has the reviewer's response."""
        shown = QA_COMMENT if self.qa_unanswered else self.status
        if shown == COMPLETED:
            status = {"text": COMPLETED}
        else:
            status = {"tag": {"text": shown, "classes": _TAG_CLASSES[shown]}}
        hints = [self.section.hint] if self.section.hint else []
        if self.qa_comments:
            noun = presenters.count(self.qa_comments, "comment")
            waiting = (
                f", {self.qa_unanswered} waiting for your response" if self.qa_unanswered else ""
            )
            hints.append(f"Quality assurance: {noun} on this section{waiting}.")
        return {
            "title": {"text": self.section.title},
            "hint": {"text": " ".join(hints)} if hints else None,
            "href": self.href,
            "status": status,
        }


def section_rows(access: ReviewAccess, *, qa_comments=None) -> list[SectionRow]:
    """Every section of the review's kind, in order, with its real status: completed when
    nothing is missing and something is recorded; "nothing recorded" when nothing is missing
    because nothing is required (no records requested); in progress when something is saved;
    not started otherwise. `qa_comments` (section key → comments, from
    `oversight().comments_for_reviewer`) marks the sections quality assurance commented on."""
    review = access.review
    qa_comments = qa_comments or {}
    rows = []
    for section in sections.sections_for(access.kind):
        problems = section.missing(review)
        recorded = sections.stored(review, section.key) is not None or has_content(
            section.snapshot(review)
        )
        if not problems:
            status = COMPLETED if recorded else NOTHING_RECORDED
        elif recorded:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        comments = list(qa_comments.get(section.key, ()))
        rows.append(
            SectionRow(
                section,
                status,
                problems,
                section_href(section, access),
                qa_comments=len(comments),
                qa_unanswered=sum(1 for c in comments if not (c.response or "").strip()),
            )
        )
    return rows


class WorkspacePresenter:
    """The top of every review page: who the person was, the deadline, where the review is."""

    def __init__(self, access: ReviewAccess, *, today: date):
        self.access = access
        self.case = access.case
        self.review = access.review
        self.today = today
        self.notification = access.case.notification

    @property
    def reference(self) -> str:
        return self.case.reference

    @property
    def kind(self) -> str:
        return self.access.kind

    @property
    def kind_label(self) -> str:
        return self.access.kind_label

    @property
    def person_name(self) -> str:
        n = self.notification
        return presenters.person_name(given=n.given_name, family=n.family_name)

    @property
    def state_tag(self) -> dict:
        return {"text": state_label(self.case.state), "classes": STATE_TAG_CLASSES[self.case.state]}

    @property
    def due(self) -> dict:
        return due_summary(self.case, today=self.today)

    @property
    def case_href(self) -> str:
        return reverse("casework:case", kwargs={"reference": self.reference})

    def url(self, name: str, **kwargs) -> str:
        return review_url(name, self.access, **kwargs)

    @property
    def workspace_href(self) -> str:
        return self.url("reviews:workspace")

    @property
    def summary_rows(self) -> list[dict]:
        n = self.notification
        due = self.due
        rows = [
            ("Date of birth", presenters.date_long(n.date_of_birth)),
            ("Date of death", presenters.date_long(n.date_of_death)),
            ("Case", self.reference),
            ("Due", f"{due['date']}. {due['sentence']}"),
        ]
        if self.review is not None:
            rows.append(
                (
                    "Started",
                    f"{presenters.date_long(self.review.started_at)} by "
                    f"{self.review.started_by.full_name}",
                )
            )
            if self.review.submitted_at:
                rows.append(("Last submitted", presenters.datetime_long(self.review.submitted_at)))
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]

    @property
    def went_to(self) -> str:
        return WENT_TO.get(self.case.state, "the next stage")


def completed_text(rows: list[SectionRow]) -> str:
    done = sum(row.is_done for row in rows)
    return f"{done} of {presenters.count(len(rows), 'section')} complete."


# -- Answers, for readers and for the version history -------------------------------------------


def _field(section: sections.Section | None, name: str) -> forms.Field | None:
    if section is None or section.form_class is None:
        return None
    return section.form_class.base_fields.get(name)


def answer_text(field: forms.Field | None, value) -> str:
    """One stored answer as a person reads it: choice labels, dates in words, "Not given"."""
    if value in (None, "", []):
        return presenters.EMPTY
    if isinstance(field, NHSDateField) and isinstance(value, str):
        try:
            return presenters.date_long(date.fromisoformat(value))
        except ValueError:
            return value
    choices = dict(getattr(field, "choices", None) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return presenters.yes_no(value)
    return str(choices.get(value, value))


def answer_rows(section: sections.Section, data: dict) -> list[dict]:
    """The summary-list rows of a simple section's saved answers, in the form's order."""
    return [
        {"key": {"text": str(field.label)}, "value": {"text": answer_text(field, data.get(name))}}
        for name, field in section.form_class.base_fields.items()
    ]


def section_title(key: str) -> str:
    if key == "submission":
        return "Submission"
    try:
        return sections.get(key).title
    except ImproperlyConfigured:  # a section no longer registered still has its history
        return key.replace("_", " ").capitalize()


def version_rows(versions) -> list[dict]:
    return [
        {
            "number": v.number,
            "when": presenters.datetime_long(v.saved_at),
            "who": v.saved_by.full_name,
            "section": section_title(v.section_key),
            "summary": v.summary,
        }
        for v in versions
    ]


def _question_label(section_key: str, path: str) -> str:
    """The question a changed answer belongs to: the form field's label when the first part of
    the path is a field of the section's form, else the path made readable."""
    try:
        section = sections.get(section_key)
    except ImproperlyConfigured:
        section = None
    name = path.split(".")[0].split("[")[0]
    field = _field(section, name)
    if field is not None and path == name:
        return str(field.label)
    readable = path.replace("_", " ").replace(".", ": ")
    return readable[:1].upper() + readable[1:]


def change_groups(before: dict, after: dict) -> list[dict]:
    """The answers that changed between two snapshots, grouped by section in the review's
    order: each with its question and a word-level difference (`diffs.text_diff`)."""
    groups: dict[str, dict] = {}
    for change in diffs.changes_between(before, after):
        try:
            section = sections.get(change.section)
        except ImproperlyConfigured:
            section = None
        field = _field(section, change.path)
        old = None if change.before in (None, "", []) else answer_text(field, change.before)
        new = None if change.after in (None, "", []) else answer_text(field, change.after)
        group = groups.setdefault(
            change.section,
            {
                "title": section_title(change.section),
                "order": section.order if section else 10_000,
                "rows": [],
            },
        )
        group["rows"].append(
            {
                "question": _question_label(change.section, change.path),
                "parts": diffs.text_diff(old, new),
                "was_empty": old is None,
                "now_empty": new is None,
            }
        )
    return sorted(groups.values(), key=lambda g: (g["order"], g["title"]))
