"""How the panel pages read: the panel and its members, meetings with their status and quorum,
the agenda with each decision, and the papers pack (every review on the agenda in full)."""

from dataclasses import dataclass

from django.urls import reverse

from leder.core import presenters
from leder.governance.models import AgendaItem, MeetingStatus, PanelDecision, PanelMeeting
from leder.governance.presenters.signoff import SnapshotSection, snapshot_sections
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


@dataclass(frozen=True)
class PaperReview:
    """One review in the papers pack: who the person was, and the review as last saved."""

    row: AgendaRow
    version_number: int
    sections: list[SnapshotSection]
    # The person's profile, from the initial review (`reviews.presenters.profile`).
    profile: object = None

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


def paper_reviews(
    rows: list[AgendaRow], snapshots: dict, *, initial: dict | None = None
) -> list[PaperReview]:
    """`snapshots` maps an agenda item's pk to (version number, snapshot); `initial` to the
    snapshot of the case's initial review, whose profile the pack shows."""
    from leder.reviews.presenters.profile import ProfilePresenter

    initial = initial or {}
    out = []
    for row in rows:
        if row.item.pk not in snapshots:
            continue
        number, snapshot = snapshots[row.item.pk]
        found = ProfilePresenter.from_snapshot(initial.get(row.item.pk))
        out.append(PaperReview(row, number, snapshot_sections("focused", snapshot), found))
    return out
