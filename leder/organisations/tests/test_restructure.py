"""Applying a restructure: mergers, splits, idempotence, dry runs and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leder.accounts.models import Membership, Role
from leder.accounts.tests.factories import UserFactory
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.notifications.models import Notification
from leder.organisations import followers
from leder.organisations.errors import RestructureError
from leder.organisations.models import (
    Organisation,
    Succession,
    SuccessionKind,
    UnplacedRecord,
    UnplacedStatus,
)
from leder.organisations.selectors import records_pointing_at_closed_organisations
from leder.organisations.services import restructure_apply
from leder.organisations.tests.conftest import ACTOR, ON
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory, SuccessionFactory
from leder.organisations.tests.records import make_notification

pytestmark = pytest.mark.django_db


def _refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


def _state():
    """Everything a restructure may change, to compare before and after."""
    return (
        sorted(Notification.objects.values_list("pk", "icb_id")),
        sorted(Organisation.objects.values_list("pk", "icb_id", "closed_on")),
        sorted(Membership.objects.values_list("pk", "organisation_id", "starts_on", "ends_on")),
        sorted(Succession.objects.values_list("pk", "applied_at")),
        UnplacedRecord.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_merger_moves_notifications_and_providers_and_closes_the_predecessors(merger):
    report = restructure_apply(effective_on=ON, actor=ACTOR)

    for notification in merger.notifications:
        notification.refresh_from_db()
        assert notification.icb == merger.central
    _refresh(merger.practice, merger.closed_practice, merger.north, merger.south)
    assert merger.practice.icb == merger.central
    # A closed practice keeps its ICB as history.
    assert merger.closed_practice.icb == merger.north
    assert merger.north.closed_on == ON and merger.south.closed_on == ON
    assert merger.central.closed_on is None
    assert not Succession.objects.filter(effective_on=ON, applied_at__isnull=True).exists()
    assert report.counts_by_pair() == {
        (merger.north.ods_code, merger.central.ods_code): {
            "membership": 2,
            "notification": 2,
            "provider": 1,
        },
        (merger.south.ods_code, merger.central.ods_code): {"membership": 1, "notification": 1},
    }
    assert report.unplaced == []
    assert records_pointing_at_closed_organisations() == []


def test_a_merger_ends_roles_at_the_predecessor_and_starts_them_at_the_successor(merger):
    restructure_apply(effective_on=ON, actor=ACTOR)

    _refresh(merger.alice_at_north, merger.carol_at_north)
    assert merger.alice_at_north.ends_on == ON
    new = Membership.objects.get(user=merger.alice, organisation=merger.central)
    assert (new.role, new.starts_on, new.ends_on) == (Role.LAC, ON, None)
    # Carol's role had ended before: no new role for her.
    assert merger.carol_at_north.ends_on == datetime.date(2024, 6, 1)
    assert not Membership.objects.filter(user=merger.carol, organisation=merger.central).exists()
    # Bob held the role at both merging ICBs: both end, and he holds it once at Central.
    assert Membership.objects.filter(user=merger.bob, organisation=merger.central).count() == 1
    assert (
        not Membership.objects.filter(user=merger.bob, ends_on__isnull=True)
        .exclude(organisation=merger.central)
        .exists()
    )


def test_a_role_due_to_start_after_the_merger_moves_to_the_successor(merger):
    later = Membership.objects.create(
        user=merger.carol, role=Role.REVIEWER, organisation=merger.north, starts_on=ON
    )
    restructure_apply(effective_on=ON, actor=ACTOR)
    later.refresh_from_db()
    assert (later.organisation, later.starts_on, later.ends_on) == (merger.central, ON, None)


def test_an_acquisition_moves_records_into_an_existing_icb_without_duplicating_roles():
    acquirer, acquired = IcbFactory(), IcbFactory()
    SuccessionFactory(
        predecessor=acquired, successor=acquirer, effective_on=ON, kind=SuccessionKind.ACQUISITION
    )
    user = UserFactory()
    existing = Membership.objects.create(
        user=user, role=Role.LAC, organisation=acquirer, starts_on=datetime.date(2023, 1, 1)
    )
    Membership.objects.create(
        user=user, role=Role.LAC, organisation=acquired, starts_on=datetime.date(2023, 1, 1)
    )
    notification = make_notification(icb=acquired)

    restructure_apply(effective_on=ON, actor=ACTOR)

    notification.refresh_from_db()
    assert notification.icb == acquirer
    assert list(Membership.objects.filter(user=user, organisation=acquirer)) == [existing]


def test_a_split_places_notifications_by_their_gp_practice(split):
    report = restructure_apply(effective_on=ON, actor=ACTOR, placements=split.placements)

    _refresh(split.to_east, split.to_west, split.at_east_practice, split.at_west_practice)
    assert split.to_east.icb == split.east
    assert split.to_west.icb == split.west
    assert split.at_east_practice.icb == split.east
    assert split.at_west_practice.icb == split.west
    counts = report.counts_by_pair()
    assert counts[(split.frimtown.ods_code, split.west.ods_code)] == {
        "notification": 1,
        "provider": 1,
    }


def test_a_split_lists_what_it_cannot_place_and_leaves_nothing_at_the_closed_icb(split):
    report = restructure_apply(effective_on=ON, actor=ACTOR, placements=split.placements)

    unplaced = {
        (u.follower, u.reference): u for u in UnplacedRecord.objects.filter(effective_on=ON)
    }
    expected_notifications = {
        split.no_practice.reference: "no GP practice recorded",
        split.at_unlisted_practice.reference: f"GP practice {split.unlisted.ods_code} was not",
        split.at_foreign_practice.reference: f"ICB ({split.elsewhere.ods_code}) is not a succ",
    }
    for reference, reason in expected_notifications.items():
        record = unplaced[("notification", reference)]
        assert reason in record.reason
        assert record.held_by == split.east
        assert record.status == UnplacedStatus.OPEN
        assert Notification.objects.get(reference=reference).icb == split.east
    provider = unplaced[("provider", f"{split.unlisted.ods_code} {split.unlisted.name}")]
    assert provider.held_by == split.east and provider.reason == "not in the placements file"
    # The local area contact's role is ended, not moved, and listed for the administrator.
    split.lac_at_frimtown.refresh_from_db()
    assert split.lac_at_frimtown.ends_on == ON
    assert not Membership.objects.filter(user=split.lac_user, ends_on__isnull=True).exists()
    role = unplaced[("membership", f"{split.lac_user.email} (Local area contact)")]
    assert role.held_by is None
    assert len(report.unplaced) == len(unplaced) == 5

    split.frimtown.refresh_from_db()
    assert split.frimtown.closed_on == ON
    assert not Notification.objects.filter(icb=split.frimtown).exists()
    assert records_pointing_at_closed_organisations() == []


def test_a_split_without_placements_holds_every_record_at_the_default(split):
    report = restructure_apply(effective_on=ON, actor=ACTOR)
    assert not Notification.objects.exclude(icb__in=[split.east, split.elsewhere]).exists()
    assert {u.reference for u in report.unplaced if u.follower == "provider"} == {
        f"{p.ods_code} {p.name}" for p in (split.to_east, split.to_west, split.unlisted)
    }


def test_re_running_a_restructure_changes_nothing(merger):
    restructure_apply(effective_on=ON, actor=ACTOR)
    before = _state()

    again = restructure_apply(effective_on=ON, actor=ACTOR)

    assert again.already_applied is True
    assert again.moves == {} and again.unplaced == []
    assert _state() == before


def test_a_dry_run_reports_the_moves_and_changes_nothing(split):
    before = _state()

    report = restructure_apply(
        effective_on=ON, actor=ACTOR, placements=split.placements, dry_run=True
    )

    assert report.dry_run is True
    assert report.moved_count("notification") == 2
    assert len(report.unplaced) == 5
    assert report.closed == [split.frimtown.ods_code]
    assert _state() == before


def test_a_dry_run_may_preview_a_restructure_before_its_date():
    predecessor, successor = IcbFactory(), IcbFactory()
    later = today() + datetime.timedelta(days=10)
    SuccessionFactory(predecessor=predecessor, successor=successor, effective_on=later)
    make_notification(icb=predecessor)

    with pytest.raises(RestructureError, match="cannot be applied before then"):
        restructure_apply(effective_on=later, actor=ACTOR)
    report = restructure_apply(effective_on=later, actor=ACTOR, dry_run=True)

    assert report.moved_count("notification") == 1
    predecessor.refresh_from_db()
    assert predecessor.closed_on is None


def test_the_restructure_is_audited_and_the_chain_still_verifies(split):
    restructure_apply(effective_on=ON, actor=ACTOR, placements=split.placements)

    rows = AuditEvent.objects.filter(action=AuditAction.RESTRUCTURE)
    summary = rows.get(object_type="organisations.Restructure", object_id=ON.isoformat())
    assert summary.actor_label == ACTOR
    assert summary.details["unplaced"] == 5
    assert summary.details["counts"][f"{split.frimtown.ods_code}→{split.east.ods_code}"] == {
        "notification": 1,
        "provider": 1,
    }
    closing = rows.get(object_type="organisations.Organisation", object_id=str(split.frimtown.pk))
    moved = closing.details["moved"][f"{split.west.ods_code} notification"]
    assert moved == [split.at_west_practice.reference]
    assert {u["reference"] for u in closing.details["unplaced"]} >= {split.no_practice.reference}
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEvent.objects.count()


def test_placements_naming_unknown_or_wrong_organisations_are_refused(split):
    other = GpPracticeFactory()  # in an ICB that is not split
    before = _state()
    placements = {
        "ZZZ999": split.east.ods_code,
        split.to_east.ods_code: split.elsewhere.ods_code,
        other.ods_code: split.east.ods_code,
    }

    with pytest.raises(RestructureError) as raised:
        restructure_apply(effective_on=ON, actor=ACTOR, placements=placements)

    message = str(raised.value)
    assert "ZZZ999: no organisation has this ODS code" in message
    assert f"{split.elsewhere.ods_code} is not a successor of {split.frimtown.ods_code}" in message
    assert f"{other.ods_code}: its ICB ({other.icb.ods_code}) is not split" in message
    assert _state() == before


def test_a_date_without_successions_is_refused():
    with pytest.raises(RestructureError, match="Restructures waiting: 2026-04-01"):
        restructure_apply(effective_on=datetime.date(2026, 4, 2), actor=ACTOR)


def test_a_split_without_a_default_successor_is_refused(split):
    Succession.objects.filter(effective_on=ON).update(takes_unplaced=False)
    with pytest.raises(RestructureError, match="choose which successor holds"):
        restructure_apply(effective_on=ON, actor=ACTOR)


def test_only_an_administrator_may_apply_a_restructure(merger):
    with pytest.raises(PermissionDenied):
        restructure_apply(effective_on=ON, actor=merger.alice)
    merger.north.refresh_from_db()
    assert merger.north.closed_on is None


class _Stubborn(followers.Follower):
    """A follower that forgets to move its rows, as a buggy one from another app might."""

    def move(self, records, *, successor, effective_on):
        return None


def test_a_restructure_that_would_leave_records_at_a_closed_icb_is_rolled_back(merger):
    before = _state()
    real = followers.get("notification")
    followers.unregister("notification")
    followers.register(
        _Stubborn(name="notification", model="notifications.Notification", field="icb")
    )
    try:
        with pytest.raises(RestructureError) as raised:
            restructure_apply(effective_on=ON, actor=ACTOR)
    finally:
        followers.unregister("notification")
        followers.register(real)
    assert "would leave records pointing at closed organisations" in str(raised.value)
    assert merger.notifications[0].reference in str(raised.value)
    assert _state() == before


def test_other_apps_can_register_what_follows_an_icb(merger):
    # A second pointer at the ICB (standing in for a future case's ICB) follows it too.
    extra = followers.register(
        followers.Follower(name="case", model="notifications.Notification", field="icb")
    )
    try:
        report = restructure_apply(effective_on=ON, actor=ACTOR)
    finally:
        followers.unregister(extra.name)
    # Notifications moved first; the "case" follower then found nothing left at North.
    assert report.moved_count("notification") == 3
    assert report.moved_count("case") == 0


def test_the_2026_restructure_moves_roles_at_merged_icbs_and_ends_those_at_split_ones():
    qmj, qnq = (Organisation.objects.get(ods_code=code) for code in ("QMJ", "QNQ"))
    user = UserFactory()
    at_qmj = Membership.objects.create(
        user=user, role=Role.LAC, organisation=qmj, starts_on=datetime.date(2024, 1, 1)
    )
    at_qnq = Membership.objects.create(
        user=user, role=Role.REVIEWER, organisation=qnq, starts_on=datetime.date(2024, 1, 1)
    )
    restructure_date = datetime.date(2026, 4, 1)

    report = restructure_apply(effective_on=restructure_date, actor=ACTOR)

    _refresh(at_qmj, at_qnq)
    assert at_qmj.ends_on == at_qnq.ends_on == restructure_date
    current = Membership.objects.filter(user=user, ends_on__isnull=True)
    assert [(m.role, m.organisation.ods_code) for m in current] == [(Role.LAC, "Z9B2Z")]
    assert [(u.follower, u.predecessor) for u in report.unplaced] == [("membership", "QNQ")]
    assert len(report.closed) == 12
    assert records_pointing_at_closed_organisations() == []


def test_roles_due_to_start_after_the_restructure_never_start_at_the_closed_icb(merger, split):
    later = datetime.date(2025, 3, 1)
    # Alice will hold the role at Central anyway; Bob's future role is at a split ICB.
    Membership.objects.create(
        user=merger.alice, role=Role.LAC, organisation=merger.central, starts_on=ON
    )
    alice_later = Membership.objects.create(
        user=merger.alice, role=Role.LAC, organisation=merger.north, starts_on=later
    )
    bob_later = Membership.objects.create(
        user=merger.bob, role=Role.REVIEWER, organisation=split.frimtown, starts_on=later
    )

    restructure_apply(effective_on=ON, actor=ACTOR, placements=split.placements)

    _refresh(alice_later, bob_later)
    assert alice_later.ends_on == alice_later.starts_on == later
    assert bob_later.ends_on == bob_later.starts_on == later
    assert UnplacedRecord.objects.filter(
        follower="membership", record_id=str(bob_later.pk)
    ).exists()
    assert records_pointing_at_closed_organisations() == []


def test_placed_records_move_in_a_fixed_number_of_queries(split):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            restructure_apply(
                effective_on=ON, actor=ACTOR, placements=split.placements, dry_run=True
            )
        return len(captured)

    first = queries()
    for _ in range(5):
        make_notification(icb=split.frimtown, gp_practice=split.to_west)
    assert queries() == first
