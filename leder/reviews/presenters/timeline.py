"""How the timeline of care reads: events in date order with their dates, kinds and
organisations formatted, and the links the user may follow."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from leder.core import presenters
from leder.reviews.models import Review, TimelineEvent
from leder.reviews.parts.timeline import is_marked_complete, timeline_events

# Why the page asks for more than the last admission (DOMAIN.md: "a timeline of care across key
# episodes of their life").
GUIDANCE = (
    "Record the key episodes of the person's life and care, not only their last illness or "
    "admission: moves between homes or placements, diagnoses, hospital stays, changes in support "
    "and the events that led up to their death."
)


def person_name(review: Review) -> str:
    person = review.case.notification
    return presenters.person_name(given=person.given_name, family=person.family_name)


@dataclass(frozen=True)
class EventRow:
    event: TimelineEvent
    reference: str
    kind_slug: str

    @property
    def date(self) -> str:
        return presenters.date_long(self.event.occurred_on)

    @property
    def date_short(self) -> str:
        return presenters.date_short(self.event.occurred_on)

    @property
    def kind(self) -> str:
        return self.event.get_kind_display()

    @property
    def organisation(self) -> str:
        return self.event.organisation_label or "Not given"

    @property
    def description(self) -> str:
        return self.event.description

    def _url(self, name: str) -> str:
        return reverse(
            name,
            kwargs={"reference": self.reference, "kind": self.kind_slug, "event_id": self.event.pk},
        )

    @property
    def edit_href(self) -> str:
        return self._url("reviews:timeline_event_edit")

    @property
    def remove_href(self) -> str:
        return self._url("reviews:timeline_event_remove")


class TimelinePresenter:
    def __init__(self, review: Review, *, can_edit: bool):
        self.review = review
        self.can_edit = can_edit
        self.reference = review.case.notification.reference
        self.kind = review.kind
        self.guidance = GUIDANCE

    def _url(self, name: str) -> str:
        return reverse(name, kwargs={"reference": self.reference, "kind": self.kind})

    @property
    def person_name(self) -> str:
        return person_name(self.review)

    @property
    def born_and_died(self) -> str:
        person = self.review.case.notification
        return (
            f"Born {presenters.date_long(person.date_of_birth)}, "
            f"died {presenters.date_long(person.date_of_death)}"
        )

    @property
    def review_label(self) -> str:
        return self.review.get_kind_display()

    @property
    def rows(self) -> list[EventRow]:
        return [EventRow(e, self.reference, self.kind) for e in timeline_events(self.review)]

    @property
    def count(self) -> str:
        return presenters.count(len(self.rows), "event")

    @property
    def is_complete(self) -> bool:
        return is_marked_complete(self.review)

    @property
    def status_tag(self) -> dict:
        if self.is_complete:
            return {"text": "Complete", "classes": "nhsuk-tag--green"}
        return {"text": "Incomplete", "classes": "nhsuk-tag--grey"}

    @property
    def href(self) -> str:
        return self._url("reviews:timeline")

    @property
    def add_href(self) -> str:
        return self._url("reviews:timeline_event_add")

    @property
    def complete_href(self) -> str:
        return self._url("reviews:timeline_complete")

    @property
    def print_href(self) -> str:
        return self._url("reviews:timeline_print")

    @property
    def back_href(self) -> str:
        """The review's workspace when it is wired up, otherwise the case page."""
        try:
            return self._url("reviews:workspace")
        except NoReverseMatch:  # the workspace's URL name is the workspace part's to define
            return reverse("casework:case", kwargs={"reference": self.reference})
