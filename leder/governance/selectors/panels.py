"""Reads for the governance panel pages, scoped to the user by construction.

Who sees a panel, its meetings and their agendas: the local area contacts, panel members and
panel chairs of its ICB. Every other role gets a 403 (`panel_reader_check`); a panel or meeting
of another ICB is simply not found (404). The reviews on an agenda are read through
`cases_visible_to(user)`, so nobody reads a case here they could not read on its own page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from leder.accounts.models import Role, User
from leder.accounts.rules import organisations_where
from leder.accounts.selectors import users_holding
from leder.casework.models import CaseState
from leder.casework.selectors import cases_visible_to
from leder.governance.models import (
    AgendaItem,
    MeetingStatus,
    Panel,
    PanelDecision,
    PanelMeeting,
)
from leder.organisations.models import Organisation
from leder.reviews.models import Review, ReviewKind

PANEL_READERS = (Role.LAC, Role.PANEL_MEMBER, Role.PANEL_CHAIR)
# The papers pack holds every review on the agenda in full: the panel and the LAC.
PAPERS_READERS = PANEL_READERS


def panel_icbs(user) -> QuerySet[Organisation]:
    """The ICBs whose panel `user` may see."""
    return organisations_where(user, *PANEL_READERS).order_by("name")


def panel_reader_check(user) -> None:
    """403 for anyone who is not an LAC, panel member or panel chair anywhere."""
    if not panel_icbs(user).exists():
        raise PermissionDenied(
            "Governance panels are for local area contacts, panel members and panel chairs."
        )


def panel_icb_for(*, user, icb_id: int) -> Organisation:
    """One ICB whose panel `user` may see (404 otherwise; 403 for a role that never may)."""
    panel_reader_check(user)
    icb = panel_icbs(user).filter(pk=icb_id).first()
    if icb is None:
        raise Http404("No such panel")
    return icb


def panel_of(icb: Organisation) -> Panel | None:
    return Panel.objects.filter(icb=icb).first()


@dataclass(frozen=True)
class PanelMember:
    user: User
    is_chair: bool


def panel_members(icb: Organisation) -> list[PanelMember]:
    """The people holding the panel chair or panel member role at the ICB today: chairs first,
    then by name. Someone holding both is listed once, as a chair."""
    chairs = list(users_holding(role=Role.PANEL_CHAIR, organisation=icb))
    chair_ids = {u.pk for u in chairs}
    members = [
        u for u in users_holding(role=Role.PANEL_MEMBER, organisation=icb) if u.pk not in chair_ids
    ]
    return [PanelMember(u, True) for u in chairs] + [PanelMember(u, False) for u in members]


def meetings_of(panel: Panel) -> QuerySet[PanelMeeting]:
    """The panel's meetings, latest first, each with how many items its agenda has."""
    return panel.meetings.annotate(item_count=Count("items")).order_by("-starts_at")


def meeting_for(*, user, pk: int) -> PanelMeeting:
    """A meeting of a panel `user` may see (404 otherwise; 403 for a role that never may)."""
    panel_reader_check(user)
    meeting = (
        PanelMeeting.objects.filter(panel__icb__in=panel_icbs(user), pk=pk)
        .select_related("panel__icb", "created_by")
        .prefetch_related("attendees")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def agenda(*, user, meeting: PanelMeeting) -> list[AgendaItem]:
    """The meeting's agenda in order, with each review and its case. Every item stays listed
    (a review the panel returned is still part of the meeting's record), but `item.can_read`
    says whether `user` may open the review now (through `cases_visible_to`)."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("review__case__notification", "review__case__reviewer__user", "decided_by")
        .order_by("order")
    )
    readable = set(
        cases_visible_to(user)
        .filter(pk__in=[i.review.case_id for i in items])
        .values_list("pk", flat=True)
    )
    for item in items:
        item.can_read = item.review.case_id in readable
    return items


def agenda_item_for(*, user, meeting: PanelMeeting, pk: int) -> AgendaItem:
    item = next((i for i in agenda(user=user, meeting=meeting) if i.pk == pk), None)
    if item is None:
        raise Http404("No such agenda item")
    return item


def reviews_ready_for_panel(*, user, meeting: PanelMeeting) -> list[Review]:
    """Focused reviews of the meeting's ICB waiting for the panel's sign-off that could go on
    this agenda: not on it already, and not waiting for a decision on another meeting's."""
    waiting = AgendaItem.objects.filter(decision=PanelDecision.PENDING).exclude(
        meeting__status=MeetingStatus.CANCELLED
    )
    return list(
        Review.objects.filter(
            kind=ReviewKind.FOCUSED,
            case__in=cases_visible_to(user),
            case__state=CaseState.PANEL,
            case__notification__icb=meeting.panel.icb,
        )
        .exclude(pk__in=waiting.values("review_id"))
        .exclude(pk__in=meeting.items.values("review_id"))
        .select_related("case__notification", "case__reviewer__user")
        .order_by("case__state_changed_at", "pk")
    )


def review_on_agenda_candidate(*, user, meeting: PanelMeeting, pk: int) -> Review:
    """A review `user` may put on this meeting's agenda (404 if they cannot see it)."""
    review = (
        Review.objects.filter(
            pk=pk, case__in=cases_visible_to(user), case__notification__icb=meeting.panel.icb
        )
        .select_related("case__notification")
        .first()
    )
    if review is None:
        raise Http404("No such review")
    return review


def latest_snapshots(items: list[AgendaItem]) -> dict[int, tuple[int, dict]]:
    """For the papers pack: each readable item's review as last recorded (its latest version:
    what the reviewer submitted, and what a sign-off would freeze), by agenda item pk."""
    from leder.reviews.models import ReviewVersion

    readable = {i.review_id: i.pk for i in items if getattr(i, "can_read", False)}
    out = {}
    latest = ReviewVersion.objects.filter(
        review_id__in=readable, number=F("review__current_version")
    )
    for version in latest:
        out[readable[version.review_id]] = (version.number, version.snapshot)
    return out


def initial_snapshots(items: list[AgendaItem]) -> dict[int, dict]:
    """For the papers pack: each readable item's *initial* review as last recorded (submitted
    before the focused review began, unchangeable since), by agenda item pk: the person's profile
    and pen portrait are there, not in the focused review."""
    from leder.reviews.models import ReviewVersion

    readable = {i.review.case_id: i.pk for i in items if getattr(i, "can_read", False)}
    out = {}
    latest = ReviewVersion.objects.filter(
        review__case_id__in=readable,
        review__kind="initial",
        number=F("review__current_version"),
    ).select_related("review")
    for version in latest:
        out[readable[version.review.case_id]] = version.snapshot
    return out


def proposed_actions(items: list[AgendaItem]) -> dict[int, list]:
    """For the papers pack: the actions already proposed for each readable item's review (those
    not cancelled), by agenda item pk, earliest due first."""
    from leder.governance.models import Action, ActionStatus

    readable = {i.review_id: i.pk for i in items if getattr(i, "can_read", False)}
    out: dict[int, list] = {}
    found = (
        Action.objects.filter(reviews__in=readable)
        .exclude(status=ActionStatus.CANCELLED)
        .select_related("owner_organisation")
        .prefetch_related("reviews")
        .order_by("due_on", "reference")
        .distinct()
    )
    for action in found:
        for review_id in [r.pk for r in action.reviews.all()]:
            if review_id in readable:
                out.setdefault(readable[review_id], []).append(action)
    return out


def review_signoffs(review: Review) -> QuerySet:
    """Every sign-off of `review`, oldest first, with who signed off and who reopened. The
    caller has already checked the user may read the review."""
    from leder.governance.models import SignOff

    return (
        SignOff.objects.filter(review=review)
        .select_related("signed_off_by", "reopened_by")
        .order_by("signed_off_at", "pk")
    )


__all__ = [
    "PANEL_READERS",
    "PAPERS_READERS",
    "PanelMember",
    "agenda",
    "agenda_item_for",
    "initial_snapshots",
    "latest_snapshots",
    "meeting_for",
    "meetings_of",
    "panel_icb_for",
    "panel_icbs",
    "panel_members",
    "panel_of",
    "panel_reader_check",
    "review_on_agenda_candidate",
    "review_signoffs",
    "reviews_ready_for_panel",
]


def next_meetings_for(*, user, today: date) -> list[PanelMeeting]:
    """For the home page: the next scheduled meeting (from `today` on) of each panel `user` may
    see, soonest first, each with `pending_items`, the reviews on its agenda awaiting a decision.
    Nothing for a role that sees no panel. One query."""
    start = timezone.make_aware(datetime.combine(today, time.min))
    meetings = (
        PanelMeeting.objects.filter(
            panel__icb__in=panel_icbs(user), status=MeetingStatus.SCHEDULED, starts_at__gte=start
        )
        .select_related("panel__icb")
        .annotate(pending_items=Count("items", filter=Q(items__decision=PanelDecision.PENDING)))
        .order_by("starts_at", "pk")
    )
    first: dict[int, PanelMeeting] = {}
    for meeting in meetings:
        first.setdefault(meeting.panel_id, meeting)
    return list(first.values())


def reviews_waiting_for_agenda(*, user) -> int:
    """How many focused reviews at the user's panels wait for the panel and are on no agenda
    still to decide them: what the local area contact has to place on a meeting."""
    waiting = AgendaItem.objects.filter(decision=PanelDecision.PENDING).exclude(
        meeting__status=MeetingStatus.CANCELLED
    )
    return (
        Review.objects.filter(
            kind=ReviewKind.FOCUSED,
            case__in=cases_visible_to(user),
            case__state=CaseState.PANEL,
            case__notification__icb__in=panel_icbs(user),
        )
        .exclude(pk__in=waiting.values("review_id"))
        .count()
    )
