"""Reads of one case and of a reviewer's own cases. Everything starts from
`cases_visible_to(user)`, so a case of another ICB, or a case allocated to someone else, is
simply not found (a 404, never a 403 that would confirm it exists)."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import CASE_CONTENT_ROLES, has_any_role, organisations_where
from leder.casework.models import Allocation, Case, CaseEvent, CaseHold, CaseState
from leder.casework.selectors import cases_visible_to
from leder.casework.selectors.register import OPEN_REVIEW_STATES
from leder.core.time import today
from leder.organisations.models import PROVIDER_KINDS, Organisation

# Roles whose holders can be allocated cases (the lifecycle's "accept" and "decline").
REVIEWING_ROLES = (Role.REVIEWER, Role.SENIOR_REVIEWER)


def can_see_cases(user) -> bool:
    """True if `user` holds a role that shows case content somewhere."""
    return has_any_role(user, *CASE_CONTENT_ROLES)


def can_review(user) -> bool:
    """True if `user` holds a reviewing role somewhere (the "my cases" list)."""
    return has_any_role(user, *REVIEWING_ROLES)


def can_allocate(user) -> bool:
    """True if `user` is a local area contact somewhere."""
    return has_any_role(user, Role.LAC)


def _with_case_page_relations(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related(
        "notification__icb",
        "notification__gp_practice",
        "notification__ethnic_category",
        "reviewer__user",
        "reviewer__employer",
    ).prefetch_related(
        "involved_organisations",
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch("holds", queryset=CaseHold.objects.select_related("started_by", "ended_by")),
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("reviewer__user", "allocated_by"),
        ),
        "reviewer__conflicts",
    )


def case_for(*, user, reference: str) -> Case:
    """One case `user` may see, with everything the case page shows loaded in a fixed number of
    queries; 404 if it does not exist or the user may not see it (the same 404 either way)."""
    try:
        return _with_case_page_relations(cases_visible_to(user)).get(
            notification__reference=reference
        )
    except Case.DoesNotExist:
        raise Http404("No case with that reference") from None


def case_for_lac(*, user, reference: str) -> Case:
    """One case of an ICB where `user` is a local area contact (for allocation, holds and the
    organisations involved); 404 otherwise, including for a case they see in another role."""
    queryset = cases_visible_to(user).filter(
        notification__icb__in=organisations_where(user, Role.LAC)
    )
    try:
        return _with_case_page_relations(queryset).get(notification__reference=reference)
    except Case.DoesNotExist:
        raise Http404("No case with that reference") from None


def cases_allocated_to(*, user) -> QuerySet[Case]:
    """The cases `user` holds as reviewer now (offered, in review, in QA, at panel or on hold),
    soonest due first, with the notification loaded: one query however many."""
    return (
        cases_visible_to(user)
        .filter(reviewer__user=user, state__in=OPEN_REVIEW_STATES)
        .select_related("notification")
        .order_by("due_on", "notification__reference")
    )


# "Your reviews" narrowed to what a count on the home page counted (`worklist.own_reviews`
# counts through `cases_allocated_to_shown`, and links here with the same `show`).
MY_CASES_SHOWN = {
    "offered": "offered to you to accept or decline",
    "due_soon": "due soon",
    "overdue": "overdue",
}


def cases_allocated_to_shown(*, user, show: str, today) -> QuerySet[Case]:
    """`cases_allocated_to(user)` narrowed to `show` (a key of MY_CASES_SHOWN; anything else
    is every case): the one query behind a home-page count and the list it links to."""
    from leder.casework.deadlines import DueStatus
    from leder.casework.selectors.deadlines import due_status_q

    cases = cases_allocated_to(user=user)
    if show == "offered":
        return cases.filter(state=CaseState.ALLOCATED)
    if show == "due_soon":
        return cases.filter(due_status_q(DueStatus.DUE_SOON, today=today))
    if show == "overdue":
        return cases.filter(
            due_status_q(DueStatus.OVERDUE, today=today)
            | due_status_q(DueStatus.LONG_OVERDUE, today=today)
        )
    return cases


def organisations_relevant_to(icbs, *, kinds=PROVIDER_KINDS) -> QuerySet[Organisation]:
    """The organisations an organisation picker offers an ICB's staff first (ADR 0167): open
    today, of `kinds`, by name, and linked to one of `icbs`: the ICB itself, those recorded as
    in its area (GP practices, providers, local authorities), those involved in its cases, its
    deaths' GP practices and its reviewers' employers. Any other is found by the picker's
    search. Organisations are not personal data, and this reveals no case."""
    from leder.casework.models import Reviewer
    from leder.notifications.models import Notification

    icb_ids = [icb.pk for icb in icbs]
    linked = (
        Q(pk__in=icb_ids)
        | Q(icb__in=icb_ids)
        | Q(
            pk__in=Case.objects.filter(notification__icb__in=icb_ids).values(
                "involved_organisations"
            )
        )
        | Q(pk__in=Notification.objects.filter(icb__in=icb_ids).values("gp_practice"))
        | Q(pk__in=Reviewer.objects.filter(icb__in=icb_ids).values("employer"))
    )
    return (
        Organisation.objects.open_on(today())
        .filter(kind__in=[str(k) for k in kinds])
        .filter(linked)
        .order_by("name")
    )


def notifiers_of(*, case: Case) -> list:
    """Who told us about the death of `case` (a case the caller has already read through
    `case_for`, so scoped to the user), and how to reach them: every notifier, the first
    first (a merge keeps each as a source)."""
    return list(
        case.notification.sources.select_related("recorded_by").order_by("received_at", "pk")
    )


def child_death_review_of(case):
    """The child death overview panel's recorded conclusion for `case` (a case the caller has
    already fetched through a scoped selector), or None before one is recorded."""
    from leder.casework.models import ChildDeathReview

    return ChildDeathReview.objects.filter(case=case).first()
