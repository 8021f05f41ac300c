"""Reads of the timeline of care."""

from django.shortcuts import get_object_or_404

from leder.reviews.models import TimelineEvent


def timeline_event_for(*, access, event_id: int) -> TimelineEvent:
    """One event of the review `access` grants (see `selectors.workspace.review_access`); an id
    from another review is not found (404), so nothing about it leaks."""
    event = get_object_or_404(
        TimelineEvent.objects.select_related("organisation"), pk=event_id, review=access.review
    )
    event.review = access.review
    return event
