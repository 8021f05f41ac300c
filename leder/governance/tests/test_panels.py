"""The panel services: setting the panel up, meetings, the agenda, attendance and quorum, minutes,
and the panel's decisions (signed off and locked, returned with comments, deferred)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leder.accounts import rules
from leder.accounts.models import Role
from leder.accounts.tests.factories import MembershipFactory, user_with_role
from leder.casework.models import CaseEvent, CaseState
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now, today
from leder.governance.models import (
    AgendaItem,
    MeetingStatus,
    Panel,
    PanelDecision,
    PanelMeeting,
    SignOff,
    SignOffRoute,
)
from leder.governance.services import panels as services
from leder.governance.services.signoff import is_locked, signoff_verify
from leder.governance.tests.test_panels_factories import panel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return panel_world()


def changes():
    """Everything a refused call must leave untouched."""
    return (
        list(Panel.objects.values_list("name", "quorum", "terms_of_reference")),
        PanelMeeting.objects.count(),
        list(AgendaItem.objects.values_list("pk", "order", "decision", "comments")),
        SignOff.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# -- The panel ----------------------------------------------------------------------------------


def test_the_lac_sets_the_panel_up_and_the_chair_changes_it(world):
    panel = world.panel
    assert (panel.name, panel.quorum) == ("NHS Panel ICB LeDeR governance panel", 3)
    services.panel_save(
        actor=world.chair,
        icb=world.icb,
        name="Panel",
        quorum=4,
        terms_of_reference="Signs off focused reviews",
    )
    panel.refresh_from_db()
    assert (panel.name, panel.quorum, panel.terms_of_reference) == (
        "Panel",
        4,
        "Signs off focused reviews",
    )
    event = AuditEvent.objects.filter(object_type="governance.Panel").last()
    assert event.action == AuditAction.UPDATE
    assert event.details["changed"] == ["name", "quorum", "terms_of_reference"]


def test_a_save_that_changes_nothing_writes_nothing(world):
    before = changes()
    services.panel_save(actor=world.lac, icb=world.icb, name=world.panel.name, quorum=3)
    assert changes() == before


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.REVIEWER, Role.SENIOR_REVIEWER])
def test_only_the_lac_or_chair_sets_the_panel_up(world, role):
    before = changes()
    with pytest.raises(PermissionDenied):
        services.panel_save(
            actor=user_with_role(role, world.icb), icb=world.icb, name="Mine", quorum=2
        )
    assert changes() == before


def test_the_lac_of_another_icb_cannot_change_this_panel(world):
    other = panel_world("NHS Other ICB")
    before = changes()
    with pytest.raises(PermissionDenied):
        services.panel_save(actor=other.lac, icb=world.icb, name="Mine", quorum=2)
    assert changes() == before


@pytest.mark.parametrize(
    ("name", "quorum", "field"),
    [("", 3, "name"), ("  ", 3, "name"), ("Panel", 0, "quorum"), ("Panel", 21, "quorum")],
)
def test_bad_panel_details_are_refused_and_nothing_is_written(world, name, quorum, field):
    before = changes()
    with pytest.raises(ValidationError) as error:
        services.panel_save(actor=world.lac, icb=world.icb, name=name, quorum=quorum)
    assert field in error.value.message_dict
    assert changes() == before


# -- Meetings and the agenda --------------------------------------------------------------------


def test_a_meeting_is_scheduled_and_audited(world):
    meeting = world.meeting(location="Boardroom")
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.created_by == world.lac
    assert AuditEvent.objects.filter(
        object_type="governance.PanelMeeting", object_id=str(meeting.pk), action=AuditAction.CREATE
    ).exists()
    with pytest.raises(PermissionDenied):
        services.panel_meeting_schedule(
            actor=world.members[0], panel=world.panel, starts_at=now(), location=""
        )


def test_only_focused_reviews_waiting_for_the_panel_go_on_the_agenda(world):
    meeting = world.meeting()
    _, review = world.focused_at_panel()
    item = world.on_agenda(meeting, review)
    assert item.order == 1
    with pytest.raises(ValidationError, match="on the agenda already"):
        world.on_agenda(meeting, review)
    with pytest.raises(ValidationError, match="another meeting"):
        world.on_agenda(world.meeting(days=14), review)

    other = panel_world("NHS Other ICB")
    _, foreign = other.focused_at_panel()
    with pytest.raises(ValidationError, match="focused review of this ICB"):
        world.on_agenda(meeting, foreign)


def test_a_review_not_at_the_panel_cannot_go_on_the_agenda(world):
    from leder.demo.reviews import write_focused_review

    case = world.cases.make(CaseState.FOCUSED_REVIEW)
    review = write_focused_review(case=case, submit=False)
    meeting = world.meeting()
    before = changes()
    with pytest.raises(ValidationError, match="not waiting"):
        world.on_agenda(meeting, review)
    assert changes() == before


def test_the_agenda_is_reordered_and_items_removed_before_a_decision(world):
    meeting = world.meeting()
    items = [world.on_agenda(meeting, world.focused_at_panel()[1]) for _ in range(3)]
    services.agenda_item_move(actor=world.chair, item=items[2], direction="up")
    assert list(meeting.items.order_by("order").values_list("pk", flat=True)) == [
        items[0].pk,
        items[2].pk,
        items[1].pk,
    ]
    services.agenda_item_remove(actor=world.lac, item=items[0])
    assert list(meeting.items.order_by("order").values_list("pk", "order")) == [
        (items[2].pk, 1),
        (items[1].pk, 2),
    ]
    with pytest.raises(PermissionDenied):
        services.agenda_item_remove(actor=world.members[0], item=items[1])
    with pytest.raises(ValidationError):
        services.agenda_item_move(actor=world.lac, item=items[1], direction="sideways")


# -- Attendance and quorum ----------------------------------------------------------------------


def test_quorum_needs_enough_members_including_a_chair(world):
    meeting = world.meeting()
    q = services.meeting_attendance_record(
        actor=world.lac, meeting=meeting, attendees=[world.chair, world.members[0]]
    )
    assert (q.members_attending, q.chair_attending, q.is_quorate) == (2, True, False)
    q = services.meeting_attendance_record(
        actor=world.lac, meeting=meeting, attendees=world.members
    )
    assert (q.members_attending, q.chair_attending, q.is_quorate) == (2, False, False)
    third = user_with_role(Role.PANEL_MEMBER, world.icb)
    q = services.meeting_attendance_record(
        actor=world.lac, meeting=meeting, attendees=[*world.members, third]
    )
    assert (q.members_attending, q.is_quorate) == (3, False)
    q = services.meeting_attendance_record(
        actor=world.lac,
        meeting=meeting,
        attendees=[world.chair, *world.members],
        other_attendees="Sam Patel, family advocate",
    )
    assert q.is_quorate
    meeting.refresh_from_db()
    assert meeting.other_attendees == "Sam Patel, family advocate"


def test_an_attendee_who_no_longer_holds_a_panel_role_does_not_count(world):
    meeting = world.quorate(world.meeting())
    membership = world.members[0].memberships.get(role=Role.PANEL_MEMBER)
    membership.ends_on = today() - timedelta(days=1)
    membership.save()
    rules.forget_roles(world.members[0])
    meeting = PanelMeeting.objects.get(pk=meeting.pk)
    assert services.meeting_quorum(meeting).members_attending == 2
    assert not services.meeting_quorum(meeting).is_quorate


def test_only_panel_members_can_be_ticked_as_attending(world):
    meeting = world.meeting()
    other = panel_world("NHS Other ICB")
    before = changes()
    with pytest.raises(ValidationError):
        services.meeting_attendance_record(
            actor=world.lac, meeting=meeting, attendees=[world.chair, world.lac]
        )
    with pytest.raises(ValidationError):
        services.meeting_attendance_record(
            actor=world.lac, meeting=meeting, attendees=[world.chair, other.members[0]]
        )
    assert changes() == before and not meeting.attendees.exists()
    with pytest.raises(PermissionDenied):
        services.meeting_attendance_record(
            actor=world.members[0], meeting=meeting, attendees=[world.chair]
        )


def test_minutes_are_saved_and_the_meeting_is_held(world):
    meeting = world.meeting()
    with pytest.raises(ValidationError):
        services.meeting_minutes_save(actor=world.lac, meeting=meeting, minutes=" ")
    services.meeting_minutes_save(actor=world.chair, meeting=meeting, minutes="Agreed.")
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.status) == ("Agreed.", MeetingStatus.HELD)


# -- Decisions ----------------------------------------------------------------------------------


@pytest.fixture
def item(world):
    """A focused review on the agenda of a quorate meeting."""
    meeting = world.quorate(world.meeting())
    _, review = world.focused_at_panel()
    return world.on_agenda(meeting, review)


def test_signing_off_locks_the_review_and_completes_the_case(world, item):
    services.panel_decision_record(
        actor=world.members[0], item=item, decision="signed_off", comments=""
    )
    item.refresh_from_db()
    review, case = item.review, item.review.case
    case.refresh_from_db()
    assert item.decision == PanelDecision.SIGNED_OFF and item.decided_by == world.members[0]
    assert case.state == CaseState.COMPLETED
    signoff = SignOff.objects.get(review=review)
    assert signoff.route == SignOffRoute.PANEL and signoff.panel_decision == item
    assert signoff.version_number == review.current_version
    assert is_locked(review) and signoff_verify(signoff) == []
    event = CaseEvent.objects.filter(case=case).last()
    assert event.transition == "panel_sign_off" and event.actor == world.members[0]
    assert AuditEvent.objects.filter(details__content_sha256=signoff.content_hash).exists()
    item.meeting.refresh_from_db()
    assert item.meeting.status == MeetingStatus.HELD
    assert verify_chain()[1] is None


def test_returning_needs_comments_which_go_back_with_the_case(world, item):
    before = changes()
    with pytest.raises(ValidationError) as error:
        services.panel_decision_record(actor=world.chair, item=item, decision="returned")
    assert "comments" in error.value.message_dict
    assert changes() == before

    services.panel_decision_record(
        actor=world.chair, item=item, decision="returned", comments="Add the GP's view"
    )
    case = item.review.case
    case.refresh_from_db()
    assert case.state == CaseState.FOCUSED_REVIEW
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.transition, event.reason) == ("panel_return", "Add the GP's view")
    assert not SignOff.objects.exists()


def test_a_deferred_review_stays_at_the_panel_for_a_later_agenda(world, item):
    services.panel_decision_record(actor=world.chair, item=item, decision="deferred")
    case = item.review.case
    case.refresh_from_db()
    assert case.state == CaseState.PANEL and not SignOff.objects.exists()
    later = world.on_agenda(world.meeting(days=30), item.review)
    assert later.order == 1


def test_decisions_need_a_quorate_meeting(world):
    meeting = world.meeting()
    services.meeting_attendance_record(
        actor=world.lac, meeting=meeting, attendees=[world.chair, world.members[0]]
    )
    item = world.on_agenda(meeting, world.focused_at_panel()[1])
    before = changes()
    with pytest.raises(ValidationError, match="not quorate"):
        services.panel_decision_record(actor=world.chair, item=item, decision="signed_off")
    assert changes() == before


@pytest.mark.parametrize("role", [Role.LAC, Role.SENIOR_REVIEWER, Role.REVIEWER])
def test_only_panel_members_decide(world, item, role):
    before = changes()
    with pytest.raises(PermissionDenied):
        services.panel_decision_record(
            actor=user_with_role(role, world.icb), item=item, decision="signed_off"
        )
    assert changes() == before


def test_the_panel_of_another_icb_cannot_decide(world, item):
    other = panel_world("NHS Other ICB")
    with pytest.raises(PermissionDenied):
        services.panel_decision_record(actor=other.chair, item=item, decision="signed_off")


@pytest.mark.parametrize("decision", ["signed_off", "returned", "deferred"])
def test_nobody_decides_on_a_review_they_wrote(world, item, decision):
    author = item.review.case.reviewer.user
    MembershipFactory(user=author, role=Role.PANEL_MEMBER, organisation=world.icb)
    before = changes()
    with pytest.raises(PermissionDenied, match="wrote"):
        services.panel_decision_record(
            actor=author, item=item, decision=decision, comments="Looks fine"
        )
    assert changes() == before


def test_an_unknown_decision_or_a_second_decision_is_refused(world, item):
    with pytest.raises(ValidationError):
        services.panel_decision_record(actor=world.chair, item=item, decision="maybe")
    services.panel_decision_record(actor=world.chair, item=item, decision="deferred")
    before = changes()
    with pytest.raises(ValidationError, match="already decided"):
        services.panel_decision_record(actor=world.chair, item=item, decision="signed_off")
    assert changes() == before


def test_a_decided_item_stays_on_the_agenda(world, item):
    services.panel_decision_record(actor=world.chair, item=item, decision="deferred")
    with pytest.raises(ValidationError):
        services.agenda_item_remove(actor=world.lac, item=item)


# -- Nothing is recorded at a meeting before its day (issue 16) ---------------------------------


def test_what_happens_at_a_meeting_cannot_be_recorded_before_its_day(world):
    future = world.meeting(days=14)
    _, review = world.focused_at_panel()
    item = world.on_agenda(future, review)  # the agenda is prepared beforehand
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="You can record who attended"):
        world.quorate(future)
    with pytest.raises(ValidationError, match="from that day"):
        services.meeting_minutes_save(actor=world.lac, meeting=future, minutes="Held early")
    with pytest.raises(ValidationError, match="from that day"):
        services.panel_decision_record(actor=world.chair, item=item, decision="signed_off")
    future.refresh_from_db()
    assert future.status == MeetingStatus.SCHEDULED and not future.attendees.exists()
    assert AuditEvent.objects.count() == before


def test_a_meeting_today_can_be_recorded(world):
    meeting = world.quorate(world.meeting(days=0))
    services.meeting_minutes_save(actor=world.lac, meeting=meeting, minutes="Held")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
