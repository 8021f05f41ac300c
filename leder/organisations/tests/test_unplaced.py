"""Deciding where a record a split could not place belongs."""

import pytest
from django.core.exceptions import PermissionDenied

from leder.accounts.models import Membership, Role
from leder.accounts.tests.factories import user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.notifications.models import Notification
from leder.organisations.errors import UnplacedRecordError
from leder.organisations.models import Organisation, UnplacedRecord, UnplacedStatus
from leder.organisations.selectors import unplaced_records_open
from leder.organisations.services import restructure_apply, unplaced_record_resolve
from leder.organisations.tests.conftest import ACTOR, ON

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(split):
    restructure_apply(effective_on=ON, actor=ACTOR, placements=split.placements)
    return split


def _unplaced(follower, reference):
    return UnplacedRecord.objects.get(follower=follower, reference=reference)


def test_the_local_area_contact_holding_a_notification_sees_it_listed(applied):
    listed = unplaced_records_open(held_by=applied.east, follower="notification")
    assert {u.reference for u in listed} == {
        applied.no_practice.reference,
        applied.at_unlisted_practice.reference,
        applied.at_foreign_practice.reference,
    }


def test_the_local_area_contact_re_places_a_notification_and_it_is_audited(applied):
    lac = user_with_role(Role.LAC, applied.east)
    unplaced = _unplaced("notification", applied.no_practice.reference)

    unplaced_record_resolve(
        unplaced=unplaced, organisation=applied.west, actor=lac, note="Lived in the west"
    )

    applied.no_practice.refresh_from_db()
    assert applied.no_practice.icb == applied.west
    unplaced.refresh_from_db()
    assert unplaced.status == UnplacedStatus.RESOLVED
    assert (unplaced.resolved_by, unplaced.resolved_to) == (lac, applied.west)
    row = AuditEvent.objects.get(
        action=AuditAction.UPDATE,
        object_type="notifications.Notification",
        object_id=str(applied.no_practice.pk),
    )
    assert row.details["before"] == applied.east.ods_code
    assert row.details["after"] == applied.west.ods_code
    assert row.details["note"] == "Lived in the west"
    assert unplaced not in unplaced_records_open(held_by=applied.east)


def test_a_local_area_contact_elsewhere_cannot_re_place_a_notification(applied):
    other_lac = user_with_role(Role.LAC, applied.west)
    unplaced = _unplaced("notification", applied.no_practice.reference)
    with pytest.raises(PermissionDenied):
        unplaced_record_resolve(unplaced=unplaced, organisation=applied.west, actor=other_lac)
    assert Notification.objects.get(pk=applied.no_practice.pk).icb == applied.east


def test_an_administrator_cannot_re_place_a_notification(applied):
    administrator = user_with_role(Role.ADMINISTRATOR)
    unplaced = _unplaced("notification", applied.no_practice.reference)
    with pytest.raises(PermissionDenied):
        unplaced_record_resolve(unplaced=unplaced, organisation=applied.west, actor=administrator)


def test_the_administrator_grants_an_ended_role_again_at_a_successor(applied):
    administrator = user_with_role(Role.ADMINISTRATOR)
    unplaced = UnplacedRecord.objects.get(follower="membership")

    unplaced_record_resolve(unplaced=unplaced, organisation=applied.west, actor=administrator)

    granted = Membership.objects.get(user=applied.lac_user, organisation=applied.west)
    # From the decision, never back-dated to the restructure.
    assert (granted.role, granted.starts_on, granted.ends_on) == (Role.LAC, today(), None)
    with pytest.raises(UnplacedRecordError, match="decided already"):
        unplaced_record_resolve(unplaced=unplaced, organisation=applied.east, actor=administrator)


def test_the_administrator_may_decide_not_to_grant_a_role_again(applied):
    administrator = user_with_role(Role.ADMINISTRATOR)
    unplaced = UnplacedRecord.objects.get(follower="membership")
    unplaced_record_resolve(unplaced=unplaced, organisation=None, actor=administrator)
    unplaced.refresh_from_db()
    assert unplaced.status == UnplacedStatus.RESOLVED
    assert not Membership.objects.filter(user=applied.lac_user, ends_on__isnull=True).exists()


def test_a_notification_must_be_placed_somewhere(applied):
    lac = user_with_role(Role.LAC, applied.east)
    unplaced = _unplaced("notification", applied.no_practice.reference)
    with pytest.raises(UnplacedRecordError, match="Choose the ICB"):
        unplaced_record_resolve(unplaced=unplaced, organisation=None, actor=lac)


def test_a_record_cannot_be_placed_at_a_closed_icb(applied):
    administrator = user_with_role(Role.ADMINISTRATOR)
    unplaced = _unplaced("provider", f"{applied.unlisted.ods_code} {applied.unlisted.name}")
    with pytest.raises(UnplacedRecordError, match="not an open ICB"):
        unplaced_record_resolve(
            unplaced=unplaced, organisation=applied.frimtown, actor=administrator
        )
    unplaced_record_resolve(unplaced=unplaced, organisation=applied.west, actor=administrator)
    assert Organisation.objects.get(pk=applied.unlisted.pk).icb == applied.west
