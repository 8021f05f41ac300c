"""Reads of actions and action plans, scoped to who may read them.

The ICB's oversight group reads its actions: its local area contacts, senior reviewers, panel
members and chair, and executive lead. Regional coordinators read the actions of the ICBs in
their region (the action text and the case references it links to, never case content). Every
other role reads none, and another ICB's action or plan is "not found" (404), exactly as one
that does not exist.
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import icbs_in_regions_where, organisations_where
from leder.casework.selectors.case import organisations_relevant_to
from leder.governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionPlan,
    ActionPlanPriority,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
)
from leder.governance.presenters.actions import ActionCounts
from leder.governance.services.actions import AGREERS, PLAN_KEEPERS
from leder.organisations.models import PROVIDER_KINDS, Organisation, OrganisationKind
from leder.reviews.models import LearningTheme, Review, ReviewKind

READERS = (Role.LAC, Role.SENIOR_REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ICB_LEAD)


def action_icbs(user) -> QuerySet[Organisation]:
    """The ICBs whose actions and plans `user` may read."""
    return Organisation.objects.filter(
        Q(pk__in=organisations_where(user, *READERS).values("pk"))
        | Q(pk__in=icbs_in_regions_where(user).values("pk"))
    ).order_by("name")


def can_read_actions(user) -> bool:
    return action_icbs(user).exists()


def agreeing_icbs(user) -> QuerySet[Organisation]:
    """The ICBs where `user` may agree actions."""
    return organisations_where(user, *AGREERS).order_by("name")


def plan_keeping_icbs(user) -> QuerySet[Organisation]:
    return organisations_where(user, *PLAN_KEEPERS).order_by("name")


def actions_visible_to(user) -> QuerySet[Action]:
    return Action.objects.filter(icb__in=action_icbs(user))


def _with_details(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.select_related(
        "icb", "owner_organisation", "priority", "priority__plan"
    ).prefetch_related(
        Prefetch("reviews", queryset=Review.objects.select_related("case__notification")),
        "themes",
    )


def action_for(*, user, reference: str) -> Action:
    """The action with `reference`, if `user` may read it; 404 otherwise."""
    action = _with_details(actions_visible_to(user)).filter(reference=reference).first()
    if action is None:
        raise Http404("No such action")
    return action


def action_updates(action: Action) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("by").order_by("-at", "-pk")


@dataclass(frozen=True)
class ActionFilters:
    icb_id: int | None = None
    status: str = ""
    owner_organisation_id: int | None = None
    theme_id: int | None = None
    priority_id: int | None = None
    overdue: bool = False

    def as_details(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", False)}


def action_list(*, user, filters: ActionFilters, today: date) -> QuerySet[Action]:
    """The actions `user` may read, narrowed by `filters`, soonest due first. "Overdue" is open
    or in progress with the due date before `today` (Europe/London)."""
    queryset = actions_visible_to(user)
    if filters.icb_id:
        queryset = queryset.filter(icb_id=filters.icb_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner_organisation_id:
        queryset = queryset.filter(owner_organisation_id=filters.owner_organisation_id)
    if filters.theme_id:
        queryset = queryset.filter(themes__id=filters.theme_id)
    if filters.priority_id:
        queryset = queryset.filter(priority_id=filters.priority_id)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today))
    return _with_details(queryset.distinct()).order_by("due_on", "reference")


def overdue_q(today: date) -> Q:
    return Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)


def action_counts(queryset: QuerySet[Action], *, today: date) -> ActionCounts:
    """Counts by status and overdue for the actions in `queryset`, in one query."""
    ids = queryset.order_by().values("pk")
    figures = Action.objects.filter(pk__in=ids).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
        in_progress=Count("pk", filter=Q(status=ActionStatus.IN_PROGRESS)),
        completed=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    return ActionCounts(**figures)


def owner_organisations_in_use(user) -> QuerySet[Organisation]:
    """The organisations owning actions `user` may read (the owner filter's choices)."""
    return Organisation.objects.filter(
        pk__in=actions_visible_to(user).values("owner_organisation_id")
    ).order_by("name")


def themes_offered() -> QuerySet[LearningTheme]:
    return LearningTheme.objects.filter(active=True).select_related("parent").order_by("name")


# Who can own an action: an ICB, providers and local authorities (an owner may be outside the
# ICB, such as a national provider).
OWNER_KINDS = (OrganisationKind.ICB, *PROVIDER_KINDS)


def owner_organisation_choices(icbs) -> QuerySet[Organisation]:
    """The owners the action form offers first: the ICBs `icbs` and the organisations relevant
    to them (ADR 0167); the picker's search finds any other open owner."""
    return organisations_relevant_to(icbs, kinds=OWNER_KINDS)


def reviews_for_references(*, icb: Organisation, references: list[str]) -> tuple[list, list]:
    """The ICB's reviews for case `references`: (reviews, references not found in the ICB). A
    case with a focused review links it, the fuller of its two reviews; otherwise its initial
    review."""
    reviews = Review.objects.filter(
        case__notification__icb=icb, case__notification__reference__in=references
    ).select_related("case__notification")
    by_reference: dict[str, Review] = {}
    for review in reviews:
        ref = review.case.reference
        if ref not in by_reference or review.kind == ReviewKind.FOCUSED:
            by_reference[ref] = review
    missing = [ref for ref in references if ref not in by_reference]
    return [by_reference[ref] for ref in references if ref in by_reference], missing


def agenda_item_for(*, user, pk: int) -> AgendaItem:
    """A panel agenda item of an ICB where `user` agrees actions; 404 otherwise."""
    item = (
        AgendaItem.objects.filter(pk=pk, meeting__panel__icb__in=agreeing_icbs(user))
        .select_related("meeting__panel__icb", "review__case__notification")
        .first()
    )
    if item is None:
        raise Http404("No such agenda item")
    return item


# Action plans ----------------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(icb__in=action_icbs(user)).select_related("icb")


def plan_for(*, user, pk: int) -> ActionPlan:
    plan = plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404("No such action plan")
    return plan


def priority_for(*, plan: ActionPlan, pk: int) -> ActionPlanPriority:
    priority = plan.priorities.filter(pk=pk).first()
    if priority is None:
        raise Http404("No such priority")
    return priority


def priorities_of(icb: Organisation) -> QuerySet[ActionPlanPriority]:
    """The priorities of every plan of `icb`, latest plan first."""
    return (
        ActionPlanPriority.objects.filter(plan__icb=icb)
        .select_related("plan")
        .order_by("-plan__starts_on", "order")
    )


def priorities_visible_to(user) -> QuerySet[ActionPlanPriority]:
    return (
        ActionPlanPriority.objects.filter(plan__icb__in=action_icbs(user))
        .select_related("plan", "plan__icb")
        .order_by("plan__icb__name", "-plan__starts_on", "order")
    )


def plan_priorities_with_actions(plan: ActionPlan) -> list[ActionPlanPriority]:
    """The plan's priorities in order, each with its actions (prefetched, soonest due first)."""
    return list(
        plan.priorities.prefetch_related(
            "themes",
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner_organisation").order_by(
                    "due_on", "reference"
                ),
            ),
        ).order_by("order")
    )
