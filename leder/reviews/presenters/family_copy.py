"""The review without its internal notes: what a draft summary shared with the family holds
(`families.selectors.draft_content`). The family copy itself, written for the family, is
`families.copy` (ADR 0166).

It leaves out everything
internal to the review's work: who was contacted and how to reach them, attempts to contact
people, the family-involvement record, records requested and the files received, the reviewer's
own notes and quality-assurance comments. It shows who the person was (the pen portrait), the
timeline of their care, the answers to the review's questions, the cause of death, the grading
of care and the learning (good practice and areas for improvement).

Which sections are the family's is decided here, by key, not by each section: a section added
later stays out of the family copy until someone decides it belongs (a section may also say so
itself with `extra={"family_copy": True}`, or keep itself out with False). Within a family
section, answers whose names mark them as internal (notes, comments, contact details) are left
out too, so a note field added to a section later does not leak.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from leder.core import presenters
from leder.reviews import sections
from leder.reviews.models import Review
from leder.reviews.parts.timeline import timeline_events
from leder.reviews.presenters.timeline import EventRow

# Section keys whose content is for the family (as registered by each part of the review).
FAMILY_SECTION_KEYS = frozenset(
    {
        "pen_portrait",
        "timeline",
        "questions",
        "structured_questions",
        "cause_of_death",
        "grading",
        "learning",
        "focused_grading",
        "focused_learning",
        "meeting",
        "focused_meeting",
    }
)
# Answers inside a family section that are still internal: the reviewer's notes, QA comments,
# contact details, and anything marked internal.
INTERNAL_ANSWER = re.compile(
    r"note|internal|comment|qa_|contact|email|e_mail|phone|address|attendee|reviewer",
    re.IGNORECASE,
)
# Bookkeeping that means nothing to a reader (the version of a scale or question set, ids).
BOOKKEEPING = re.compile(r"(^|_)(version|id)$", re.IGNORECASE)
# Learning the family sees: what went well and what should change. Concerns go to the panel,
# which agrees the actions; they reach the family through the panel's actions, not this copy.
FAMILY_LEARNING_KINDS = ("good_practice", "improvement")

ANSWER_WORDS = {
    "yes": "Yes",
    "no": "No",
    "not_known": "Not known",
    "unknown": "Not known",
    "not_applicable": "Not applicable",
    "na": "Not applicable",
}


@dataclass
class Answer:
    label: str
    text: str
    # Nested answers (a question with its answer and detail, say).
    children: list["Answer"] = field(default_factory=list)


@dataclass
class Block:
    key: str
    title: str
    # "timeline", "learning" or "answers" (a generic list of questions and answers).
    kind: str
    answers: list[Answer] = field(default_factory=list)
    rows: list = field(default_factory=list)
    # For the "profile" kind: the person's profile (`presenters.profile.ProfilePresenter`).
    profile: object = None


def humanise(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _display(value, choices: dict | None = None) -> str:
    """One answer as words: choice labels, yes/no, dates in the NHS style, lists joined."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(filter(None, (_display(item, choices) for item in value)))
    text = str(value)
    if choices and text in choices:
        return str(choices[text])
    if text in ANSWER_WORDS:
        return ANSWER_WORDS[text]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return presenters.date_long(date.fromisoformat(text))
        except ValueError:
            return text
    return text


def _form_labels(section, review: Review) -> tuple[dict, dict]:
    """Labels and choice labels of a simple section's form fields, to name its answers."""
    if section.form_class is None:
        return {}, {}
    try:
        form = (
            section.form_class(review=review)
            if getattr(section.form_class, "wants_review", False)
            else section.form_class()
        )
    except Exception:
        # Labels only make the answers read better; a form that cannot be built here (it needs
        # reference data, say) must not stop the family getting the answers themselves.
        return {}, {}
    labels = {name: str(f.label or humanise(name)) for name, f in form.fields.items()}
    choices = {
        name: {str(k): v for k, v in getattr(f, "choices", []) if not isinstance(v, list | tuple)}
        for name, f in form.fields.items()
    }
    return labels, choices


def answers_from(data, *, labels: dict | None = None, choices: dict | None = None) -> list[Answer]:
    """A section's snapshot as answers a family can read, leaving out internal ones."""
    labels, choices = labels or {}, choices or {}
    out = []
    if isinstance(data, list):
        for index, item in enumerate(data, start=1):
            children = answers_from(item) if isinstance(item, dict) else []
            text = "" if isinstance(item, dict) else _display(item)
            if children or text:
                out.append(Answer(str(index), text, children))
        return out
    if not isinstance(data, dict):
        text = _display(data)
        return [Answer("", text)] if text else []
    items = list(data.items())
    if labels:
        # The form's order, not the stored order (PostgreSQL's jsonb sorts keys by length).
        order = {name: index for index, name in enumerate(labels)}
        items.sort(key=lambda item: order.get(item[0], len(order)))
    for name, value in items:
        if (
            INTERNAL_ANSWER.search(str(name))
            or BOOKKEEPING.search(str(name))
            or name in ("complete", "is_complete")
        ):
            continue
        label = labels.get(name) or humanise(name)
        nested = isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(item, dict) for item in value)
        )
        if nested:
            children = answers_from(value)
            if children:
                out.append(Answer(label, "", children))
            continue
        text = _display(value, choices.get(name))
        if text:
            out.append(Answer(label, text))
    return out


def _question_answers(review: Review, data: dict) -> list[Answer] | None:
    """The structured questions in the order the reviewer answered them, grouped as on their
    pages, each with its question text, answer and detail. None if the question set cannot be
    read (the generic rendering is used instead)."""
    try:
        from leder.reviews import questions
    except ImportError:
        return None
    try:
        question_set = questions.question_set_for(review)
    except (LookupError, AttributeError, KeyError, ValueError):
        return None
    out = []
    for group in question_set.groups:
        children = []
        for question in group.questions:
            for asked in (question, *question.follow_ups):
                entry = data.get(asked.key) or {}
                answer = questions.ANSWER_LABELS.get(entry.get("answer") or "", "")
                text = " – ".join(filter(None, (answer, (entry.get("detail") or "").strip())))
                if text:
                    children.append(Answer(asked.text, text))
        if children:
            out.append(Answer(group.title, "", children))
    return out


def _is_for_family(section) -> bool:
    chosen = section.extra.get("family_copy") if section.extra else None
    if chosen is not None:
        return bool(chosen)
    return section.key in FAMILY_SECTION_KEYS


def _learning_rows(review: Review) -> list[dict]:
    """Good practice and areas for improvement, with their themes."""
    items = getattr(review, "learning_items", None)
    if items is None:  # the learning part is not installed
        return []
    rows = []
    for item in items.filter(kind__in=FAMILY_LEARNING_KINDS).prefetch_related("themes"):
        rows.append(
            {
                "kind": item.get_kind_display(),
                "text": item.text,
                "themes": ", ".join(sorted(str(theme) for theme in item.themes.all())),
            }
        )
    return rows


class FamilyCopy:
    """The family copy of `review`. `is_draft` marks a preview before the case is completed."""

    def __init__(self, review: Review, *, is_draft: bool):
        self.review = review
        self.is_draft = is_draft
        person = review.case.notification
        self.person_name = presenters.person_name(
            given=person.given_name, family=person.family_name
        )
        self.date_of_birth = presenters.date_long(person.date_of_birth)
        self.date_of_death = presenters.date_long(person.date_of_death)
        self.reference = person.reference
        self.review_label = review.get_kind_display()
        self.title = f"Learning from the life and death of {self.person_name}"

    @property
    def blocks(self) -> list[Block]:
        blocks = []
        for section in sections.sections_for(self.review.kind):
            if not _is_for_family(section):
                continue
            block = self._block(section)
            if block is not None:
                blocks.append(block)
        return blocks

    def _block(self, section) -> Block | None:
        if section.key == "timeline":
            rows = [
                EventRow(e, self.reference, self.review.kind) for e in timeline_events(self.review)
            ]
            return Block(section.key, section.title, "timeline", rows=rows) if rows else None
        if section.key in ("learning", "focused_learning") and hasattr(
            self.review, "learning_items"
        ):
            rows = _learning_rows(self.review)
            return Block(section.key, section.title, "learning", rows=rows) if rows else None
        if section.key == "profile":
            from leder.reviews.presenters.profile import ProfilePresenter

            found = ProfilePresenter.for_review(self.review)
            if not found.family_rows:
                return None
            return Block(section.key, "About the person", "profile", profile=found)
        data = section.snapshot(self.review)
        if section.key == "questions":
            answers = _question_answers(self.review, data)
            if answers is not None:
                return (
                    Block(section.key, section.title, "answers", answers=answers)
                    if answers
                    else None
                )
        labels, choices = _form_labels(section, self.review)
        answers = answers_from(data, labels=labels, choices=choices)
        return Block(section.key, section.title, "answers", answers=answers) if answers else None
