"""Writing many new notifications at once, each with its source and its eligibility decision:
what `notification_submit` writes for one, a table at a time (ADR 0178). Used by the bulk
import (`imports.writing`) and the demo history (`demo.history_writes`), which build the
notifications themselves (reference, person, channel, received time, eligibility outcome) and
say who told us."""

from leder.core import bulk
from leder.notifications.models import EligibilityDecision, Notification, NotificationSource


def notifications_insert(notifications: list[Notification], *, sources: list[dict], rules) -> None:
    """Insert new `notifications` (no key yet), then one `NotificationSource` each, received
    when and how its notification was, under its reference, with the fields of `sources`
    (the same order: who told us), and one `EligibilityDecision` each: its notification's
    outcome and reason under `rules` (the same order), decided when it was received."""
    if not (len(notifications) == len(sources) == len(rules)):
        raise ValueError("one source and one set of rules for each notification")
    bulk.insert(Notification, notifications)
    bulk.insert(
        NotificationSource,
        [
            NotificationSource(
                notification=n,
                received_at=n.received_at,
                channel=n.channel,
                original_reference=n.reference,
                **source,
            )
            for n, source in zip(notifications, sources, strict=True)
        ],
    )
    bulk.insert(
        EligibilityDecision,
        [
            EligibilityDecision(
                notification=n,
                outcome=n.eligibility_outcome,
                reason=n.eligibility_reason,
                rules=in_force,
                decided_at=n.received_at,
            )
            for n, in_force in zip(notifications, rules, strict=True)
        ],
    )
