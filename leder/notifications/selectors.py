"""Reads of notifications. Every query for notification data in a view starts here, scoped to
what the user may see; views never use `Notification.objects` directly."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import is_national_team, organisations_where, regions_where
from leder.notifications.models import (
    DuplicateFlag,
    DuplicateStatus,
    EligibilityDecision,
    Notification,
    NotificationSource,
)


def notifications_visible_to(user) -> QuerySet[Notification]:
    """Notifications whose identifiable details `user` may see: those of the ICBs where the user
    is currently a local area contact. Anyone else (including administrators) sees none."""
    if not user.is_authenticated:
        return Notification.objects.none()
    icbs = organisations_where(user, Role.LAC)
    return Notification.objects.filter(icb__in=icbs)


def notification_inbox(
    *, user, icb_id: int | None = None, show: str = "open"
) -> QuerySet[Notification]:
    """The local area contact's list, newest first, with what the list shows in a fixed number of
    queries. `show`: "open" (not merged), "duplicates" (with an unresolved duplicate flag),
    "to_confirm" (eligibility to be confirmed) or "all"."""
    queryset = notifications_visible_to(user).select_related("icb")
    if icb_id is not None:
        queryset = queryset.filter(icb_id=icb_id)
    if show == "open":
        queryset = queryset.filter(state="new")
    elif show == "duplicates":
        queryset = queryset.filter(duplicate_flags__status=DuplicateStatus.OPEN).distinct()
    elif show == "to_confirm":
        queryset = queryset.filter(state="new", eligibility_outcome="to_confirm")
    return queryset.annotate(
        open_duplicates=Count(
            "duplicate_flags", filter=Q(duplicate_flags__status=DuplicateStatus.OPEN)
        ),
        source_count=Count("sources", distinct=True),
    ).order_by("-received_at")


def notification_for(*, user, reference: str) -> Notification:
    """One notification the user may see, with its sources, decisions and flags; 404 otherwise
    (the same 404 whether it does not exist or belongs to another ICB, so nothing leaks)."""
    queryset = (
        notifications_visible_to(user)
        .select_related("icb", "gp_practice", "ethnic_category", "merged_into")
        .prefetch_related(
            Prefetch("sources", queryset=NotificationSource.objects.select_related("recorded_by")),
            Prefetch(
                "eligibility_decisions",
                queryset=EligibilityDecision.objects.select_related("rules", "decided_by"),
            ),
            Prefetch(
                "duplicate_flags",
                queryset=DuplicateFlag.objects.select_related(
                    "candidate", "candidate__icb", "resolved_by"
                ),
            ),
        )
    )
    try:
        return queryset.get(reference=reference)
    except Notification.DoesNotExist:
        raise Http404("No notification with that reference") from None


def duplicate_flag_for(*, user, reference: str, flag_id: int) -> DuplicateFlag:
    """A duplicate flag on a notification the user may see. The candidate may belong to another
    ICB (a person can be notified in two areas); the flag shows only what is needed to decide."""
    notification = notification_for(user=user, reference=reference)
    try:
        return (
            DuplicateFlag.objects.select_related("notification", "candidate", "candidate__icb")
            .prefetch_related("candidate__sources", "notification__sources")
            .get(pk=flag_id, notification=notification)
        )
    except DuplicateFlag.DoesNotExist:
        raise Http404("No such possible duplicate") from None


def unassigned_visible_to(user) -> QuerySet[Notification]:
    """Notifications waiting for an area (the notifier did not know it, and neither the GP
    practice nor the postcode placed it), oldest first: every one for the national LeDeR team,
    those of their regions for a regional coordinator. Merged ones are not waiting."""
    if not user.is_authenticated:
        return Notification.objects.none()
    queryset = Notification.objects.filter(icb__isnull=True, state="new")
    if not is_national_team(user):
        queryset = queryset.filter(region__in=regions_where(user))
    return queryset.select_related("region", "gp_practice").order_by("received_at")


def unassigned_for(*, user, reference: str) -> Notification:
    """One unassigned notification the user may place; 404 otherwise."""
    try:
        return unassigned_visible_to(user).get(reference=reference)
    except Notification.DoesNotExist:
        raise Http404("No unassigned notification with that reference") from None
