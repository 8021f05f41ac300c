"""Registers the review sections of the timeline part: the timeline of care (initial and focused
reviews). Its events are rows of their own; whether the reviewer marked it complete is kept in
the section's `ReviewSection` row."""

from leder.reviews import sections
from leder.reviews.models import Review, TimelineEvent

KEY = "timeline"
ORDER = ("occurred_on", "created_at", "pk")


def timeline_events(review: Review) -> list[TimelineEvent]:
    """The review's events in date order (events on one day in the order they were entered)."""
    cache = getattr(review, "_prefetched_objects_cache", {}).get("timeline_events")
    if cache is not None:
        return sorted(cache, key=lambda e: (e.occurred_on, e.created_at, e.pk))
    return list(review.timeline_events.select_related("organisation").order_by(*ORDER))


def is_marked_complete(review: Review) -> bool:
    row = sections.stored(review, KEY)
    return bool(row and row.is_complete)


def snapshot(review: Review) -> dict:
    # Keyed by event id, so adding an event earlier in time shows as one new event in a version's
    # differences rather than as every later event shifting by one place.
    return {
        "complete": is_marked_complete(review),
        "events": {
            str(event.pk): {
                "date": event.occurred_on.isoformat(),
                "kind": event.get_kind_display(),
                "organisation": event.organisation_label,
                "description": event.description,
            }
            for event in timeline_events(review)
        },
    }


def missing(review: Review) -> list[str]:
    problems = []
    if not review.timeline_events.exists():
        problems.append("No events added")
    if not is_marked_complete(review):
        problems.append("Not marked as complete")
    return problems


sections.register(
    sections.Section(
        key=KEY,
        title="Timeline of care",
        kinds=frozenset({"initial", "focused"}),
        order=40,
        url_name="reviews:timeline",
        missing=missing,
        snapshot=snapshot,
        hint="Dated events across key episodes of their life, not only the last admission.",
    )
)
