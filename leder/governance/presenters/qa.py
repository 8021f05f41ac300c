"""How quality assurance reads: the queue with each review's age, the review's content section
by section (as submitted for the round), the checklist's answers, comments with their responses,
and each round's outcome.

The content of each section is drawn the way the review's own pages draw it for readers: simple
sections as the workspace's summary list of answers (`answer_rows`), the structured questions as
their groups (`group_summaries`), the cause of death as the certificate (`CauseOfDeathPresenter`),
the timeline as its table. Sections that keep rows of their own (contacts, records, learning) are
read from the version's snapshot. Rendering the submitted version, not the live rows, means the
assessor reads exactly what they are approving (the sign-off freezes that version).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from leder.core import presenters
from leder.governance.models import QAComment, QAOutcome, QARound
from leder.governance.presenters.signoff import Answer, humanise, value_text
from leder.governance.services.qa import MET_CHOICES
from leder.reviews import sections
from leder.reviews.presenters.workspace import SECTION_PAGE, answer_rows

MET_LABELS = dict(MET_CHOICES)
OUTCOME_TAGS = {
    QAOutcome.PENDING: "nhsuk-tag--blue",
    QAOutcome.APPROVED: "nhsuk-tag--green",
    QAOutcome.RETURNED: "nhsuk-tag--orange",
}
WHOLE_REVIEW = "The review as a whole"
AUTHOR_NOTE = "You wrote this – another senior reviewer must assess it"


def qa_url(name: str, reference: str, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"reference": reference, **kwargs})


def section_title(key: str) -> str:
    if not key:
        return WHOLE_REVIEW
    try:
        return sections.get(key).title
    except ImproperlyConfigured:  # a section no longer registered keeps its comments
        return key.replace("_", " ").capitalize()


def section_page_href(reference: str, key: str, kind: str = "initial") -> str:
    """The review's own page for the section (read-only for anyone but the reviewer)."""
    try:
        section = sections.get(key)
    except ImproperlyConfigured:
        return ""
    kwargs = {"reference": reference, "kind": kind}
    if section.url_name == SECTION_PAGE:
        kwargs["key"] = key
    return reverse(section.url_name, kwargs=kwargs)


def age_days(submitted_at, *, today: date) -> int:
    return max((today - timezone.localdate(submitted_at)).days, 0)


def age_text(days: int) -> str:
    return "Today" if days == 0 else presenters.count(days, "day")


def outcome_tag(outcome: str) -> dict:
    return {"text": QAOutcome(outcome).label, "classes": OUTCOME_TAGS[outcome]}


# --- the queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    round: QARound
    today: date
    is_own: bool

    @property
    def case(self):
        return self.round.review.case

    @property
    def reference(self) -> str:
        return self.case.reference

    @property
    def person_name(self) -> str:
        n = self.case.notification
        return presenters.person_name(given=n.given_name, family=n.family_name)

    @property
    def reviewer_name(self) -> str:
        reviewer = self.case.reviewer
        return reviewer.user.full_name if reviewer else presenters.EMPTY

    @property
    def icb_name(self) -> str:
        icb = self.case.notification.icb
        return icb.short_name or icb.name

    @property
    def round_text(self) -> str:
        return str(self.round.number)

    @property
    def submitted(self) -> str:
        return presenters.date_long(self.round.submitted_at)

    @property
    def days(self) -> int:
        return age_days(self.round.submitted_at, today=self.today)

    @property
    def age(self) -> str:
        return age_text(self.days)

    @property
    def href(self) -> str:
        return qa_url("qa_review", self.reference)

    @property
    def own_note(self) -> str:
        return AUTHOR_NOTE if self.is_own else ""


# --- comments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentRow:
    comment: QAComment
    reference: str

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def section(self) -> str:
        return section_title(self.comment.section_key)

    @property
    def section_href(self) -> str:
        return section_page_href(self.reference, self.comment.section_key)

    @property
    def text(self) -> str:
        return self.comment.text

    @property
    def by(self) -> str:
        c = self.comment
        return f"{c.created_by.full_name}, {presenters.datetime_long(c.created_at)}"

    @property
    def response(self) -> str:
        return self.comment.response

    @property
    def responded(self) -> str:
        return presenters.datetime_long(self.comment.responded_at)

    @property
    def respond_href(self) -> str:
        return qa_url("qa_respond", self.reference, comment_id=self.comment.pk)


def comment_rows(comments, reference: str) -> list[CommentRow]:
    return [CommentRow(c, reference) for c in comments]


def comments_by_section(comments, reference: str) -> list[dict]:
    """Comments grouped by section, in the review's section order ("the review as a whole"
    first), each group with its title and the section's page."""
    order = {s.key: s.order for s in sections.sections_for("initial")}
    groups: dict[str, dict] = {}
    for comment in comments:
        key = comment.section_key
        group = groups.setdefault(
            key,
            {
                "key": key,
                "title": section_title(key),
                "href": section_page_href(reference, key) if key else "",
                "comments": [],
            },
        )
        group["comments"].append(CommentRow(comment, reference))
    return sorted(groups.values(), key=lambda g: order.get(g["key"], -1 if not g["key"] else 0))


def qa_comment_rows_by_section(comments, reference: str) -> dict[str, list[CommentRow]]:
    """{section key: comment rows} for the review's pages (see `reviews/_qa_comments.jinja`)."""
    out: dict[str, list[CommentRow]] = {}
    for comment in comments:
        out.setdefault(comment.section_key, []).append(CommentRow(comment, reference))
    return out


# --- the review's content ---------------------------------------------------------------------


@dataclass
class ContentBlock:
    key: str
    title: str
    href: str
    # "rows" (a summary list), "groups" (headed summary lists), "timeline" or "answers".
    kind: str
    rows: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comments: list[CommentRow] = field(default_factory=list)
    # For the "profile" kind: the person's profile (`reviews.presenters.profile`).
    profile: object = None

    @property
    def is_empty(self) -> bool:
        if self.profile is not None:
            return self.profile.is_empty
        return not (self.rows or self.groups or self.answers or self.notes)


def _words(value) -> str:
    """A snapshot value as words, as the sign-off record says it; nothing for an empty one."""
    return value_text(value, empty="")


def snapshot_answers(data) -> list[Answer]:
    """Any snapshot as nested answers (the fallback for sections without a reader layout)."""
    if isinstance(data, dict):
        out = []
        for name, value in data.items():
            if name in ("complete", "is_complete"):
                continue
            if isinstance(value, dict | list) and any(isinstance(v, dict) for v in _values(value)):
                children = snapshot_answers(value)
                if children:
                    out.append(Answer(humanise(name), "", children))
                continue
            text = _words(value)
            if text:
                out.append(Answer(humanise(name), text))
        return out
    if isinstance(data, list):
        out = []
        for index, item in enumerate(data, start=1):
            if isinstance(item, dict):
                children = snapshot_answers(item)
                if children:
                    out.append(Answer(str(index), "", children))
            elif _words(item):
                out.append(Answer(str(index), _words(item)))
        return out
    text = _words(data)
    return [Answer("", text)] if text else []


def _values(value) -> list:
    return list(value.values()) if isinstance(value, dict) else list(value)


def _contacts_answers(data: dict) -> list[Answer]:
    out = []
    for contact in data.get("contacts") or []:
        children = [
            Answer(label, _words(contact.get(name)))
            for name, label in (
                ("organisation", "Organisation"),
                ("role", "Role"),
                ("notes", "Notes"),
            )
            if _words(contact.get(name))
        ]
        for attempt in contact.get("attempts") or []:
            text = f"{attempt.get('method', '')}: {attempt.get('outcome', '')}".strip(": ")
            if attempt.get("notes"):
                text = f"{text}. {attempt['notes']}"
            children.append(Answer(f"Attempt on {_words(attempt.get('date'))}", text))
        label = contact.get("name") or "Contact"
        if contact.get("relationship"):
            label = f"{label} ({contact['relationship']})"
        out.append(Answer(label, "", children))
    if data.get("no_conversation_with_family_because"):
        out.append(
            Answer(
                "Why no conversation with the family was possible",
                data["no_conversation_with_family_because"],
            )
        )
    if data.get("gp_record_reviewed_on"):
        out.append(Answer("GP record reviewed on", _words(data["gp_record_reviewed_on"])))
    return out


def _records_answers(data: dict) -> list[Answer]:
    out = []
    for request in data.get("requests") or []:
        files = [Answer("File", f.get("name", "")) for f in request.get("files") or []]
        text = f"{request.get('status', '')}, requested on {_words(request.get('requested_on'))}"
        out.append(Answer(request.get("organisation") or "Organisation", text, files))
    return out


def _learning_answers(data: dict) -> list[Answer]:
    out = []
    for value in data.values():
        if isinstance(value, dict):
            children = [Answer("Themes", value["themes"])] if value.get("themes") else []
            out.append(Answer(value.get("kind") or "Learning", value.get("text", ""), children))
    if data.get("no_learning_reason"):
        out.append(Answer("Why no learning was found", data["no_learning_reason"]))
    return out


def _timeline_rows(data: dict) -> list[dict]:
    events = (data or {}).get("events") or {}
    rows = [
        {
            "date": _words(event.get("date")),
            "sort": event.get("date") or "",
            "kind": event.get("kind", ""),
            "organisation": event.get("organisation", ""),
            "description": event.get("description", ""),
        }
        for event in events.values()
    ]
    return sorted(rows, key=lambda r: r["sort"])


def _questions_groups(review, data: dict) -> list[dict] | None:
    try:
        from leder.reviews import questions
        from leder.reviews.presenters.questions import group_summaries

        question_set = questions.question_set_for(review)
    except (ImportError, LookupError, AttributeError, KeyError, ValueError):
        return None
    return [
        {"title": g.group.title, "rows": g.rows, "status": g.count_text}
        for g in group_summaries(question_set, data or {})
    ]


def _cause_rows(data: dict) -> tuple[list[dict], list[str]]:
    from leder.reviews.presenters.questions import CauseOfDeathPresenter

    cause = CauseOfDeathPresenter(data)
    rows = [*cause.part_one_rows, *cause.part_two_rows]
    if cause.underlying_cause:
        rows.append(
            {"key": {"text": "Underlying cause"}, "value": {"text": cause.underlying_cause}}
        )
    rows += cause.other_rows
    return rows, cause.flags


def _block(review, section, data, *, reference: str) -> ContentBlock:
    block = ContentBlock(
        key=section.key,
        title=section.title,
        href=section_page_href(reference, section.key, review.kind),
        kind="answers",
    )
    data = data if data is not None else {}
    if section.key == "timeline":
        block.kind, block.rows = "timeline", _timeline_rows(data)
    elif section.key == "questions":
        groups = _questions_groups(review, data)
        if groups is None:
            block.answers = snapshot_answers(data)
        else:
            block.kind, block.groups = "groups", groups
    elif section.key == "cause_of_death":
        block.kind = "rows"
        block.rows, block.notes = _cause_rows(data) if data else ([], [])
    elif section.key == "contacts":
        block.answers = _contacts_answers(data)
    elif section.key == "records":
        block.answers = _records_answers(data)
    elif section.key in ("learning", "focused_learning"):
        block.answers = _learning_answers(data)
    elif section.form_class is not None and isinstance(data, dict) and data:
        block.kind, block.rows = "rows", answer_rows(section, data)
    else:
        block.answers = snapshot_answers(data)
    return block


def review_content(review, snapshot: dict | None, *, comments=()) -> list[ContentBlock]:
    """Every section of the review in order, drawn from `snapshot` (the submitted version), with
    the round's comments on each. Comments on the review as a whole are not in any block."""
    reference = review.case.reference
    snapshot = snapshot or {}
    by_section = qa_comment_rows_by_section(comments, reference)
    blocks = []
    for section in sections.sections_for(review.kind):
        block = _block(review, section, snapshot.get(section.key), reference=reference)
        if section.key == "profile":
            from leder.reviews.presenters.profile import ProfilePresenter

            block.kind, block.profile = "profile", ProfilePresenter.from_snapshot(snapshot)
        block.comments = by_section.get(section.key, [])
        blocks.append(block)
    return blocks


def section_navigation(blocks, overall_comments, *, can_assess: bool) -> list[dict]:
    """The QA page's contents: each section of the review (with how many comments it has, so
    the assessor sees at a glance where they have commented), then the checklist and, for the
    assessor, the decision. Links to anchors on the same page."""

    def with_comments(text: str, n: int) -> str:
        return f"{text} ({presenters.count(n, 'comment')})" if n else text

    items = [{"href": "#comments", "text": with_comments(WHOLE_REVIEW, len(overall_comments))}]
    items += [
        {"href": f"#content-{b.key}", "text": with_comments(b.title, len(b.comments))}
        for b in blocks
    ]
    items.append({"href": "#checklist", "text": "Checklist"})
    if can_assess:
        items.append({"href": "#decision", "text": "Save, approve or return"})
    return items


def section_choices(review) -> list[tuple[str, str]]:
    return [("", WHOLE_REVIEW)] + [(s.key, s.title) for s in sections.sections_for(review.kind)]


# --- the checklist and rounds -----------------------------------------------------------------


@dataclass(frozen=True)
class RoundView:
    """One round as the history shows it."""

    round: QARound
    reference: str

    @property
    def number(self) -> int:
        return self.round.number

    @property
    def heading(self) -> str:
        return f"Round {self.round.number}"

    @property
    def tag(self) -> dict:
        return outcome_tag(self.round.outcome)

    @property
    def summary_rows(self) -> list[dict]:
        r = self.round
        rows = [
            (
                "Submitted",
                f"{presenters.datetime_long(r.submitted_at)} (version {r.submitted_version})",
            ),
            ("Checklist", f"Version {r.checklist.version}"),
            ("Outcome", QAOutcome(r.outcome).label),
        ]
        if r.assessor_id:
            rows.append(("Assessed by", r.assessor.full_name))
        if r.decided_at:
            rows.append(("Decided", presenters.datetime_long(r.decided_at)))
        if r.summary:
            rows.append(("Overall comments", r.summary))
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def answer_rows(self) -> list[dict]:
        return checklist_rows(self.round)

    @property
    def comment_groups(self) -> list[dict]:
        return comments_by_section(self.round.comments.all(), self.reference)


def checklist_rows(round: QARound) -> list[dict]:
    """Each checklist item with its answer and note (table rows)."""
    rows = []
    for item in round.checklist.items.all():
        answer = round.answers.get(item.key) or {}
        rows.append(
            {
                "item": item.text,
                "section": section_title(item.section_key) if item.section_key else "",
                "answer": MET_LABELS.get(answer.get("met"), "Not answered"),
                "note": answer.get("note", ""),
            }
        )
    return rows


def round_views(rounds, reference: str) -> list[RoundView]:
    return [RoundView(r, reference) for r in rounds]
