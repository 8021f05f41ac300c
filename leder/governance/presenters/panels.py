"""How the panel pages read: the panel and its members, meetings with their status and quorum,
the agenda with each decision, and the papers pack (every review on the agenda in full)."""

from dataclasses import dataclass, field

from django.urls import reverse

from leder.core import presenters
from leder.governance.models import AgendaItem, MeetingStatus, PanelDecision, PanelMeeting
from leder.governance.presenters.signoff import SnapshotSection, snapshot_sections, value_text
from leder.governance.selectors.panels import PanelMember
from leder.governance.services.panels import Quorum

MEETING_TAGS = {
    MeetingStatus.SCHEDULED: "nhsuk-tag--blue",
    MeetingStatus.HELD: "nhsuk-tag--green",
    MeetingStatus.CANCELLED: "nhsuk-tag--grey",
}
DECISION_TAGS = {
    PanelDecision.PENDING: "nhsuk-tag--white",
    PanelDecision.SIGNED_OFF: "nhsuk-tag--green",
    PanelDecision.RETURNED: "nhsuk-tag--orange",
    PanelDecision.DEFERRED: "nhsuk-tag--yellow",
}


def person_name(case) -> str:
    n = case.notification
    return presenters.person_name(given=n.given_name, family=n.family_name)


def member_rows(members: list[PanelMember]) -> list[dict]:
    return [
        {
            "name": m.user.full_name,
            "role": "Panel chair" if m.is_chair else "Panel member",
            "job_title": m.user.job_title or "",
        }
        for m in members
    ]


def quorum_text(quorum: Quorum) -> str:
    attending = presenters.count(quorum.members_attending, "panel member")
    if quorum.is_quorate:
        return f"Quorate: {attending} attending, including a chair."
    missing = [f"{quorum.needed} panel members are needed (including a chair)"]
    if not quorum.chair_attending:
        missing.append("no chair is recorded as attending")
    return f"Not quorate: {attending} attending; " + "; ".join(missing) + "."


def meeting_url(name: str, meeting: PanelMeeting, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs={"pk": meeting.pk, **kwargs})


@dataclass(frozen=True)
class MeetingRow:
    meeting: PanelMeeting

    @property
    def when(self) -> str:
        return presenters.datetime_long(self.meeting.starts_at)

    @property
    def href(self) -> str:
        return meeting_url("panel_meeting", self.meeting)

    @property
    def location(self) -> str:
        return self.meeting.location or presenters.EMPTY

    @property
    def status_tag(self) -> dict:
        return {
            "text": self.meeting.get_status_display(),
            "classes": MEETING_TAGS[self.meeting.status],
        }

    @property
    def items(self) -> str:
        return presenters.count(getattr(self.meeting, "item_count", None), "review")


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    meeting: PanelMeeting
    first: bool
    last: bool

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def number(self) -> int:
        return self.item.order

    @property
    def case(self):
        return self.item.review.case

    @property
    def reference(self) -> str:
        return self.case.reference

    @property
    def person(self) -> str:
        return person_name(self.case)

    @property
    def reviewer(self) -> str:
        reviewer = self.case.reviewer
        return reviewer.user.full_name if reviewer else presenters.EMPTY

    @property
    def review_href(self) -> str | None:
        if not getattr(self.item, "can_read", False):
            return None
        return reverse("reviews:workspace", kwargs={"reference": self.reference, "kind": "focused"})

    @property
    def decided(self) -> bool:
        return self.item.decision != PanelDecision.PENDING

    @property
    def decision_tag(self) -> dict:
        return {
            "text": self.item.get_decision_display(),
            "classes": DECISION_TAGS[self.item.decision],
        }

    @property
    def decided_text(self) -> str:
        if not self.decided:
            return ""
        who = self.item.decided_by.full_name if self.item.decided_by else ""
        return f"{presenters.datetime_long(self.item.decided_at)} by {who}"

    @property
    def comments(self) -> str:
        return self.item.comments

    @property
    def decision_href(self) -> str:
        return meeting_url("panel_decision", self.meeting, item=self.item.pk)

    @property
    def action_href(self) -> str:
        """The actions part's page for agreeing an action from this agenda item."""
        return f"{reverse('governance:action_create')}?item={self.item.pk}"

    @property
    def signoffs_href(self) -> str:
        return reverse(
            "governance:signoffs", kwargs={"reference": self.reference, "kind": "focused"}
        )


def ready_rows(reviews) -> list[dict]:
    """Focused reviews waiting for the panel, for the page that adds them to an agenda."""
    return [
        {
            "pk": r.pk,
            "reference": r.case.reference,
            "person": person_name(r.case),
            "reviewer": r.case.reviewer.user.full_name if r.case.reviewer else presenters.EMPTY,
            "submitted": presenters.date_long(r.submitted_at),
        }
        for r in reviews
    ]


def agenda_rows(meeting: PanelMeeting, items: list[AgendaItem]) -> list[AgendaRow]:
    return [
        AgendaRow(item, meeting, index == 0, index == len(items) - 1)
        for index, item in enumerate(items)
    ]


class MeetingPresenter:
    """The top of every meeting page and its summary."""

    def __init__(self, meeting: PanelMeeting, *, quorum: Quorum):
        self.meeting = meeting
        self.quorum = quorum

    @property
    def pk(self) -> int:
        return self.meeting.pk

    @property
    def panel_name(self) -> str:
        return self.meeting.panel.name

    @property
    def icb_name(self) -> str:
        return self.meeting.panel.icb.name

    @property
    def title(self) -> str:
        return f"Meeting on {presenters.date_long(self.meeting.starts_at)}"

    @property
    def when(self) -> str:
        return presenters.datetime_long(self.meeting.starts_at)

    @property
    def status_tag(self) -> dict:
        return MeetingRow(self.meeting).status_tag

    @property
    def is_cancelled(self) -> bool:
        return self.meeting.status == MeetingStatus.CANCELLED

    @property
    def quorum_text(self) -> str:
        return quorum_text(self.quorum)

    @property
    def attendees(self) -> list[str]:
        return sorted(u.full_name for u in self.meeting.attendees.all())

    @property
    def other_attendees(self) -> list[str]:
        return [line.strip() for line in self.meeting.other_attendees.splitlines() if line.strip()]

    @property
    def summary_rows(self) -> list[dict]:
        rows = [
            ("Date and time", self.when),
            ("Where", self.meeting.location or presenters.EMPTY),
            ("Panel members attending", ", ".join(self.attendees) or "None recorded"),
            ("Others attending", ", ".join(self.other_attendees) or "None recorded"),
            ("Quorum", self.quorum_text),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def panel_href(self) -> str:
        return reverse("governance:panel", kwargs={"icb_id": self.meeting.panel.icb_id})

    def url(self, name: str, **kwargs) -> str:
        return meeting_url(name, self.meeting, **kwargs)


# The panel reads a case in this order (issue 16): the person, what happened, the care timeline in
# brief, the cause of death, the initial review's findings and grade, the focused review's
# findings, the concerns raised and the actions proposed; the focused review's remaining sections
# follow in full, so nothing the reviewer wrote is left out.
INITIAL_FINDINGS = ("grading", "questions", "learning")
FOCUSED_FINDINGS = ("focused_evidence", "focused_meeting", "focused_grading", "focused_learning")
SHOWN_IN_ORDER = frozenset(FOCUSED_FINDINGS)
BRIEF_WORDS = 30


def _brief(text: str) -> str:
    words = str(text or "").split()
    return " ".join(words[:BRIEF_WORDS]) + ("…" if len(words) > BRIEF_WORDS else "")


def _learning(snapshot: dict, key: str, kind: str) -> list[str]:
    data = (snapshot or {}).get(key) or {}
    return [
        v.get("text", "")
        for v in data.values()
        if isinstance(v, dict) and v.get("kind") == kind and v.get("text")
    ]


@dataclass(frozen=True)
class TimelineLine:
    when: str
    what: str
    where: str
    brief: str


@dataclass(frozen=True)
class PaperReview:
    """One review in the papers pack, in the order a panel works through a case: who the person
    was, what happened, the care in brief, the cause of death, both reviews' findings and grades,
    the concerns and the proposed actions; then the focused review's other sections in full."""

    row: AgendaRow
    version_number: int
    sections: list[SnapshotSection]
    # The person's profile, from the initial review (`reviews.presenters.profile`).
    profile: object = None
    snapshot: dict = field(default_factory=dict)
    initial: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"Item {self.row.number}: {self.row.person} (case {self.row.reference})"

    @property
    def facts(self) -> list[tuple[str, str]]:
        n = self.row.case.notification
        return [
            ("Date of birth", presenters.date_long(n.date_of_birth)),
            ("Date of death", presenters.date_long(n.date_of_death)),
            ("NHS number", presenters.nhs_number(n.nhs_number)),
            ("Reviewer", self.row.reviewer),
            ("Version", str(self.version_number)),
        ]

    def _initial_sections(self, keys) -> list[SnapshotSection]:
        found = {s.key: s for s in snapshot_sections("initial", self.initial)}
        return [found[k] for k in keys if k in found]

    @property
    def pen_portrait(self) -> list[SnapshotSection]:
        return self._initial_sections(("pen_portrait",))

    @property
    def what_happened(self) -> list[tuple[str, str]]:
        n = self.row.case.notification
        place = n.get_place_of_death_display() if n.place_of_death else presenters.EMPTY
        if n.place_of_death_detail:
            place = f"{place}: {n.place_of_death_detail}"
        return [
            ("Where the person died", place),
            ("What happened", n.circumstances or presenters.EMPTY),
        ]

    @property
    def timeline(self) -> list[TimelineLine]:
        """The care in brief: each event's date, kind and organisation, and the start of what
        happened (the whole of it is in the timeline of care at the end)."""
        source = self.snapshot if (self.snapshot or {}).get("timeline") else self.initial
        events = ((source or {}).get("timeline") or {}).get("events") or {}
        rows = sorted(
            (e for e in events.values() if isinstance(e, dict)), key=lambda e: e.get("date") or ""
        )
        return [
            TimelineLine(
                value_text(e.get("date")),
                e.get("kind") or "",
                e.get("organisation") or "",
                _brief(e.get("description")),
            )
            for e in rows
        ]

    @property
    def cause_of_death(self) -> list[SnapshotSection]:
        return self._initial_sections(("cause_of_death",))

    def _grade(self, snapshot: dict, key: str) -> str:
        return value_text(((snapshot or {}).get(key) or {}).get("level"))

    @property
    def initial_grade(self) -> str:
        """In words as well as number, as the scale put it: "Grade 3: Satisfactory care"."""
        return self._grade(self.initial, "grading")

    @property
    def focused_grade(self) -> str:
        return self._grade(self.snapshot, "focused_grading")

    @property
    def initial_findings(self) -> list[SnapshotSection]:
        return self._initial_sections(INITIAL_FINDINGS)

    @property
    def focused_findings(self) -> list[SnapshotSection]:
        return [s for s in self.sections if s.key in SHOWN_IN_ORDER]

    @property
    def in_full(self) -> list[SnapshotSection]:
        return [s for s in self.sections if s.key not in SHOWN_IN_ORDER]

    @property
    def concerns(self) -> list[str]:
        return _learning(self.initial, "learning", "Concern") + _learning(
            self.snapshot, "focused_learning", "Concern"
        )

    @property
    def improvements(self) -> list[str]:
        """Areas for improvement the reviewers found: what the panel turns into actions."""
        return _learning(self.initial, "learning", "Area for improvement") + _learning(
            self.snapshot, "focused_learning", "Area for improvement"
        )


def paper_reviews(
    rows: list[AgendaRow],
    snapshots: dict,
    *,
    initial: dict | None = None,
    actions: dict | None = None,
) -> list[PaperReview]:
    """`snapshots` maps an agenda item's pk to (version number, snapshot); `initial` to the
    snapshot of the case's initial review, whose profile the pack shows; `actions` to the
    actions already proposed for the item's review."""
    from leder.reviews.presenters.profile import ProfilePresenter

    initial = initial or {}
    actions = actions or {}
    out = []
    for row in rows:
        if row.item.pk not in snapshots:
            continue
        number, snapshot = snapshots[row.item.pk]
        first = initial.get(row.item.pk) or {}
        found = ProfilePresenter.from_snapshot(initial.get(row.item.pk))
        out.append(
            PaperReview(
                row,
                number,
                snapshot_sections("focused", snapshot),
                found,
                snapshot or {},
                first,
                list(actions.get(row.item.pk, [])),
            )
        )
    return out
