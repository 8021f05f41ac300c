"""Reads for triage: the local area contact's queue of notifications waiting for a decision, and
the case (if any) of one notification.

Notifications come from `leder.notifications.selectors` (the ICBs where the user is a local area
contact, nobody else) and cases from `cases_visible_to`, so nothing here can reach another ICB.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from leder.casework.models import Case, CaseEvent, CaseState
from leder.casework.selectors import cases_visible_to
from leder.notifications.models import DuplicateStatus, Notification, NotificationState
from leder.notifications.selectors import notifications_visible_to


def triage_queue(*, user, icb_id: int | None = None) -> QuerySet[Notification]:
    """Notifications waiting for triage at the user's ICBs, oldest first (the longest wait is
    what matters): not merged, and with no case yet or a case still "notified". Each has
    `open_duplicates` (undecided duplicate flags) annotated; the ICB is loaded. A fixed number
    of queries however long the queue. `icb_id` narrows to one of the user's ICBs."""
    queryset = notifications_visible_to(user).filter(
        Q(case__isnull=True) | Q(case__state=CaseState.NOTIFIED),
        state=NotificationState.NEW,
    )
    if icb_id is not None:
        queryset = queryset.filter(icb_id=icb_id)
    return (
        queryset.select_related("icb")
        .annotate(
            open_duplicates=Count(
                "duplicate_flags", filter=Q(duplicate_flags__status=DuplicateStatus.OPEN)
            )
        )
        .order_by("received_at", "pk")
    )


def next_to_triage(*, user, after: Notification) -> Notification | None:
    """The notification that has waited longest at the user's ICBs, other than `after` (the one
    just decided): where the triage page goes next. None when the queue is empty."""
    return triage_queue(user=user).exclude(pk=after.pk).first()


def case_of(*, user, notification: Notification) -> Case | None:
    """The case of `notification`, if it has one the user may see, with its events (and their
    actors) loaded for the triage history; None before triage."""
    return (
        cases_visible_to(user)
        .filter(notification=notification)
        .select_related("reviewer__user")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .first()
    )
