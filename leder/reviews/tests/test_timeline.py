"""The timeline of care: events in date order, the date rules, versions for every change,
completion, the printable version and who may do what."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.services.allocation import case_involved_organisation_add
from leder.casework.services.lifecycle import case_transition
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews import sections
from leder.reviews.models import ReviewVersion, TimelineEvent, TimelineEventKind
from leder.reviews.services.records import review_start
from leder.reviews.services.timeline import (
    timeline_event_add,
    timeline_event_remove,
    timeline_event_update,
    timeline_mark_complete,
)

pytestmark = pytest.mark.django_db
_ods = itertools.count(1)


def add(review, actor, on: date, text: str, kind=TimelineEventKind.GP, **fields):
    return timeline_event_add(
        actor=actor, review=review, occurred_on=on, kind=kind, description=text, **fields
    )


def url(name: str, case, **kwargs) -> str:
    return reverse(
        f"reviews:{name}",
        kwargs={"reference": case.notification.reference, "kind": "initial", **kwargs},
    )


def post_data(day: date | None = None, **overrides) -> dict:
    day = day or date(2020, 3, 15)
    data = {
        "occurred_on_day": str(day.day),
        "occurred_on_month": str(day.month),
        "occurred_on_year": str(day.year),
        "kind": "admission",
        "organisation": "",
        "organisation_name": "Riverside General Hospital",
        "description": "Admitted with a chest infection.",
    }
    data.update(overrides)
    return data


# --- order ----------------------------------------------------------------------------------


def test_events_are_in_date_order_whatever_order_they_were_entered(client, review, reviewer):
    add(review, reviewer, date(2024, 6, 1), "Third: moved to supported living")
    add(review, reviewer, date(1990, 2, 1), "First: diagnosed with epilepsy")
    add(review, reviewer, date(2010, 9, 9), "Second: started at the day centre")

    snapshot = sections.get("timeline").snapshot(review)
    texts = [e["description"] for e in snapshot["events"].values()]
    assert texts == [
        "First: diagnosed with epilepsy",
        "Second: started at the day centre",
        "Third: moved to supported living",
    ]

    sign_in_verified(client, reviewer)
    page = client.get(url("timeline", review.case)).content.decode()
    assert page.index("First:") < page.index("Second:") < page.index("Third:")
    assert "not only their last illness or admission" in page


# --- the date rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, message",
    [
        (lambda p: today() + timedelta(days=1), "must be today or in the past"),
        (lambda p: p.date_of_birth - timedelta(days=1), "on or after their date of birth"),
        (lambda p: p.date_of_death + timedelta(days=1), "on or before their date of death"),
    ],
    ids=["future", "before birth", "after death"],
)
def test_a_date_outside_the_persons_life_is_refused_and_nothing_is_written(
    client, review, reviewer, when, message
):
    sign_in_verified(client, reviewer)
    day = when(review.case.notification)
    versions = ReviewVersion.objects.count()
    response = client.post(url("timeline_event_add", review.case), post_data(day))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "Error: " in page  # the page title says there is an error
    assert TimelineEvent.objects.count() == 0
    assert ReviewVersion.objects.count() == versions
    # What the reviewer typed is still there.
    assert "Admitted with a chest infection." in page
    assert f'value="{day.year}"' in page


def test_the_service_enforces_the_same_date_rules(review, reviewer):
    with pytest.raises(ValidationError) as error:
        add(review, reviewer, review.case.notification.date_of_birth - timedelta(days=1), "x")
    assert "occurred_on" in error.value.message_dict
    assert TimelineEvent.objects.count() == 0


def test_events_on_the_day_of_birth_and_of_death_are_accepted(review, reviewer):
    person = review.case.notification
    add(review, reviewer, person.date_of_birth, "Born at home")
    add(review, reviewer, person.date_of_death, "Died in hospital", kind=TimelineEventKind.OTHER)
    assert TimelineEvent.objects.count() == 2


def test_missing_answers_are_listed_with_clear_messages(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        url("timeline_event_add", review.case),
        {"occurred_on_day": "31", "occurred_on_month": "2", "occurred_on_year": "2020"},
    )
    page = response.content.decode()
    assert "Date of the event must be a real date" in page
    assert "Select what kind of event it was" in page
    assert "Enter what happened" in page
    assert TimelineEvent.objects.count() == 0


def test_an_organisation_from_the_list_and_a_typed_name_together_are_refused(
    client, case, review, reviewer, lac
):
    trust = Organisation.objects.create(
        ods_code=f"TLQ{next(_ods):05d}", name="Riverside NHS Trust", kind=OrganisationKind.TRUST
    )
    case_involved_organisation_add(actor=lac, case=case, organisation=trust)
    sign_in_verified(client, reviewer)
    response = client.post(url("timeline_event_add", case), post_data(organisation=str(trust.pk)))
    assert "not both" in response.content.decode()
    assert TimelineEvent.objects.count() == 0

    client.post(
        url("timeline_event_add", case), post_data(organisation=str(trust.pk), organisation_name="")
    )
    event = TimelineEvent.objects.get()
    assert event.organisation == trust
    assert event.organisation_label == "Riverside NHS Trust"


# --- versions ---------------------------------------------------------------------------------


def test_adding_changing_and_removing_an_event_each_make_a_version(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(url("timeline_event_add", review.case), post_data())
    assert response.status_code == 302
    event = TimelineEvent.objects.get()
    added = ReviewVersion.objects.filter(review=review).latest("number")
    assert added.section_key == "timeline"
    assert "added" in added.summary
    assert any(c["path"].endswith(".description") for c in added.changes)

    response = client.post(
        url("timeline_event_edit", review.case, event_id=event.pk),
        post_data(description="Admitted with aspiration pneumonia."),
    )
    assert response.status_code == 302
    changed = ReviewVersion.objects.filter(review=review).latest("number")
    assert changed.number == added.number + 1
    assert [c["after"] for c in changed.changes] == ["Admitted with aspiration pneumonia."]

    # Saving again without a change writes no version.
    client.post(
        url("timeline_event_edit", review.case, event_id=event.pk),
        post_data(description="Admitted with aspiration pneumonia."),
    )
    assert ReviewVersion.objects.filter(review=review).latest("number").number == changed.number

    response = client.post(url("timeline_event_remove", review.case, event_id=event.pk))
    assert response.status_code == 302
    assert not TimelineEvent.objects.exists()
    removed = ReviewVersion.objects.filter(review=review).latest("number")
    assert removed.number == changed.number + 1
    assert "removed" in removed.summary
    # What it said stays readable in the earlier version.
    assert "Admitted with aspiration pneumonia." in str(changed.snapshot["timeline"])
    actions = set(
        AuditEvent.objects.filter(object_type="reviews.TimelineEvent").values_list(
            "action", flat=True
        )
    )
    assert actions == {AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE}


def test_an_edit_that_fails_validation_keeps_what_was_typed_and_changes_nothing(
    client, review, reviewer
):
    event = add(review, reviewer, date(2020, 1, 1), "Original words")
    sign_in_verified(client, reviewer)
    versions = ReviewVersion.objects.count()
    response = client.post(
        url("timeline_event_edit", review.case, event_id=event.pk),
        post_data(today() + timedelta(days=3), description="New words typed"),
    )
    assert response.status_code == 200
    assert "New words typed" in response.content.decode()
    event.refresh_from_db()
    assert event.description == "Original words"
    assert ReviewVersion.objects.count() == versions


# --- completion -------------------------------------------------------------------------------


def test_missing_until_there_is_an_event_and_it_is_marked_complete(client, review, reviewer):
    section = sections.get("timeline")
    assert section.missing(review) == ["No events added", "Not marked as complete"]

    sign_in_verified(client, reviewer)
    response = client.post(url("timeline_complete", review.case), {"complete": "on"})
    assert response.status_code == 200
    assert "Add at least one event before marking the timeline as complete" in (
        response.content.decode()
    )
    assert section.missing(review) == ["No events added", "Not marked as complete"]

    add(review, reviewer, date(2015, 5, 5), "Moved to a new home", TimelineEventKind.PLACEMENT)
    assert section.missing(review) == ["Not marked as complete"]
    response = client.post(url("timeline_complete", review.case), {"complete": "on"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert section.missing(review) == []
    latest = ReviewVersion.objects.filter(review=review).latest("number")
    assert latest.summary == "Timeline marked as complete"
    assert latest.snapshot["timeline"]["complete"] is True

    # Unticking marks it incomplete again.
    client.post(url("timeline_complete", review.case), {})
    assert section.missing(review) == ["Not marked as complete"]


# --- printable version ------------------------------------------------------------------------


def test_the_printable_version_shows_the_events_and_a_print_stylesheet(client, review, reviewer):
    add(review, reviewer, date(2001, 4, 2), "Annual health check at the surgery")
    sign_in_verified(client, reviewer)
    response = client.get(url("timeline_print", review.case))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Annual health check at the surgery" in page
    assert "2 April 2001" in page
    assert "reviews/print.css" in page
    assert "print command" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, summary__contains="printable timeline"
    ).exists()


def test_viewing_the_timeline_is_audited_once(client, review, reviewer):
    sign_in_verified(client, reviewer)
    client.get(url("timeline", review.case))
    assert (
        AuditEvent.objects.filter(action=AuditAction.VIEW, summary__contains="the timeline").count()
        == 1
    )


# --- who may do what --------------------------------------------------------------------------


@pytest.fixture
def people(icb, lac, reviewer):
    other_icb = make_icb(name="NHS Other ICB", short_name="Other ICB")
    return {
        "reviewer": reviewer,
        "lac": lac,
        "senior": user_with_role(Role.SENIOR_REVIEWER, icb),
        "other reviewer": user_with_role(Role.REVIEWER, icb),
        "other ICB's LAC": user_with_role(Role.LAC, other_icb),
        "ICB lead": user_with_role(Role.ICB_LEAD, icb),
        "national analyst": user_with_role(Role.NATIONAL_ANALYST),
    }


READ = {
    "reviewer": 200,
    "lac": 200,
    "senior": 200,
    "other reviewer": 404,
    "other ICB's LAC": 404,
    "ICB lead": 403,
    "national analyst": 403,
}
EDIT = {**READ, "lac": 403, "senior": 403}


@pytest.mark.parametrize("who", list(READ))
def test_permission_matrix(client, review, reviewer, people, who):
    event = add(review, reviewer, date(2012, 12, 12), "Seen by the dentist")
    sign_in_verified(client, people[who])
    case = review.case
    assert client.get(url("timeline", case)).status_code == READ[who]
    assert client.get(url("timeline_print", case)).status_code == READ[who]
    assert client.get(url("timeline_event_add", case)).status_code == EDIT[who]
    assert client.get(url("timeline_event_edit", case, event_id=event.pk)).status_code == EDIT[who]
    if EDIT[who] != 200:
        # Nothing is written by anyone who may not edit.
        response = client.post(url("timeline_event_add", case), post_data())
        assert response.status_code == EDIT[who]
        remove = client.post(url("timeline_event_remove", case, event_id=event.pk))
        assert remove.status_code == EDIT[who]
        assert list(TimelineEvent.objects.all()) == [event]


def test_the_lac_sees_the_timeline_without_change_links(client, review, reviewer, lac):
    add(review, reviewer, date(2012, 12, 12), "Seen by the dentist")
    sign_in_verified(client, lac)
    page = client.get(url("timeline", review.case)).content.decode()
    assert "Seen by the dentist" in page
    assert "Add an event" not in page
    assert ">Change<" not in page


def test_anonymous_users_are_sent_to_sign_in(client, review):
    response = client.get(url("timeline", review.case))
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "account" in response["Location"]


def test_an_event_of_another_review_is_not_found(client, cases, review, reviewer):
    other_case = cases.make(CaseState.INITIAL_REVIEW)
    other_review = review_start(actor=other_case.reviewer.user, case=other_case)
    other_event = add(other_review, other_case.reviewer.user, date(2011, 1, 1), "Elsewhere")
    sign_in_verified(client, reviewer)
    response = client.get(url("timeline_event_edit", review.case, event_id=other_event.pk))
    assert response.status_code == 404
    response = client.post(url("timeline_event_remove", review.case, event_id=other_event.pk))
    assert response.status_code == 404
    assert TimelineEvent.objects.filter(pk=other_event.pk).exists()


def test_after_submission_the_reviewer_reads_but_cannot_change(client, case, review, reviewer):
    event = add(review, reviewer, date(2012, 12, 12), "Seen by the dentist")
    case_transition(actor=reviewer, case=case, transition="submit_for_qa")
    case.refresh_from_db()
    review.case = case
    sign_in_verified(client, reviewer)
    assert client.get(url("timeline", case)).status_code == 200
    assert client.get(url("timeline_event_add", case)).status_code == 403
    with pytest.raises(PermissionDenied):
        timeline_event_update(
            actor=reviewer,
            event=event,
            occurred_on=event.occurred_on,
            kind=event.kind,
            description="Changed after submission",
        )
    with pytest.raises(PermissionDenied):
        timeline_event_remove(actor=reviewer, event=event)
    with pytest.raises(PermissionDenied):
        timeline_mark_complete(actor=reviewer, review=review, complete=True)
