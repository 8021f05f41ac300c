"""What waits on the home page from casework: notifications to triage, cases to allocate or
accept, reviews due soon or overdue, long-overdue reviews escalated to a region.

Each count is taken through the selector of the list it links to (the triage queue, the case
list with the same filters, the reviewer's own cases, the escalations), so the two agree."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.deadlines import DueStatus
from leder.casework.models import CaseState
from leder.casework.selectors.case import cases_allocated_to_shown
from leder.casework.selectors.case_list import CaseListFilters, case_list
from leder.casework.selectors.dashboard import dashboard_icbs_for, figures_by_icb
from leder.casework.selectors.deadlines import escalations_for
from leder.casework.selectors.triage import triage_queue
from leder.core.worklist import Waiting, worklist

LATE = (DueStatus.OVERDUE, DueStatus.LONG_OVERDUE)


def _case_list_href(**query) -> str:
    return reverse("casework:case_list") + "?" + urlencode(query, doseq=True)


def _case_list_count(user, *, today: date, **filters) -> int:
    return case_list(user=user, filters=CaseListFilters(**filters), today=today).count()


@worklist(order=10)
def triage_and_allocation(user, *, today: date) -> list[Waiting]:
    """Local area contacts: notifications to triage and cases to allocate."""
    if not rules.has_role(user, Role.LAC):
        return []
    awaiting = (CaseState.AWAITING_ALLOCATION,)
    return [
        Waiting(
            key="triage",
            label="Notifications to triage",
            count=triage_queue(user=user).count(),
            href=reverse("casework:triage_queue"),
        ),
        Waiting(
            key="allocate",
            label="Cases to allocate to a reviewer",
            count=_case_list_count(user, today=today, states=awaiting),
            href=_case_list_href(state=awaiting),
        ),
    ]


@worklist(order=20)
def own_reviews(user, *, today: date) -> list[Waiting]:
    """Reviewers (and senior reviewers who review): cases offered to them, and their reviews
    due soon or overdue. All on "Your reviews"."""
    if not rules.has_any_role(user, Role.REVIEWER, Role.SENIOR_REVIEWER):
        return []
    href = reverse("casework:my_cases")

    def waiting(show: str, label: str, *, late: bool = False) -> Waiting:
        # The count and the list it opens are the same query (`cases_allocated_to_shown`).
        return Waiting(
            key="accept" if show == "offered" else f"own_{show}",
            label=label,
            count=cases_allocated_to_shown(user=user, show=show, today=today).count(),
            href=f"{href}?{urlencode({'show': show})}",
            late=late,
        )

    return [
        waiting("offered", "Cases offered to you to accept or decline"),
        waiting("due_soon", "Your reviews due soon"),
        waiting("overdue", "Your reviews overdue", late=True),
    ]


@worklist(order=30)
def area_deadlines(user, *, today: date) -> list[Waiting]:
    """Local area contacts and senior reviewers (who see every case of their ICB): the area's
    reviews due soon or overdue, on the case list filtered the same way."""
    if not rules.has_any_role(user, Role.LAC, Role.SENIOR_REVIEWER):
        return []
    return [
        Waiting(
            key="due_soon",
            label="Reviews due soon in your area",
            count=_case_list_count(user, today=today, due_statuses=(DueStatus.DUE_SOON,)),
            href=_case_list_href(due=DueStatus.DUE_SOON),
        ),
        Waiting(
            key="overdue",
            label="Reviews overdue in your area",
            count=_case_list_count(user, today=today, due_statuses=LATE),
            href=_case_list_href(due=LATE),
            late=True,
        ),
    ]


@worklist(order=35)
def icb_lead_deadlines(user, *, today: date) -> list[Waiting]:
    """ICB executive leads see no case list: their ICB's overdue reviews are a count on the
    dashboard. Skipped for anyone who already has the case list's count."""
    if not rules.has_role(user, Role.ICB_LEAD) or rules.has_any_role(
        user, Role.LAC, Role.SENIOR_REVIEWER
    ):
        return []
    icb_ids = list(dashboard_icbs_for(user).values_list("pk", flat=True))
    if not icb_ids:
        return []
    figures = figures_by_icb(icb_ids=icb_ids, today=today)
    return [
        Waiting(
            key="icb_overdue",
            label="Reviews overdue in your ICB",
            count=sum(f.overdue for f in figures.values()),
            href=reverse("casework:dashboard"),
            late=True,
            hint="Your dashboard shows where every review stands",
        )
    ]


@worklist(order=40)
def regional_escalations(user, *, today: date) -> list[Waiting]:
    """Regional coordinators: the long-overdue reviews escalated to their region."""
    if not rules.has_role(user, Role.REGIONAL_COORDINATOR):
        return []
    return [
        Waiting(
            key="escalations",
            label="Long-overdue reviews escalated to your region",
            count=len(escalations_for(user=user, today=today)),
            href=reverse("casework:escalations"),
            late=True,
        )
    ]
