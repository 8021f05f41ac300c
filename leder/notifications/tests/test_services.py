"""The notification services: submission, eligibility override and duplicate decisions."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.notifications import services
from leder.notifications.models import (
    Channel,
    DuplicateMatch,
    DuplicateStatus,
    EligibilityOutcome,
    Notification,
    NotificationSource,
    NotificationState,
)
from leder.notifications.tests.factories import nhs_number, notifier, notify, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb()


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


def test_submission_stores_the_person_the_notifier_and_the_decision(icb):
    result = notify(icb, nhs_number=nhs_number())
    n = result.notification
    assert result.created
    assert n.reference.startswith(f"LDR-{today().year}-")
    assert n.eligibility_outcome == EligibilityOutcome.ELIGIBLE
    decision = n.eligibility_decisions.get()
    assert decision.rules.version == "2022-1" and decision.decided_by is None
    source = n.sources.get()
    assert (source.name, source.original_reference) == ("Grace Walsh", n.reference)
    event = AuditEvent.objects.get(object_id=str(n.pk), action=AuditAction.CREATE)
    assert event.details["rules_version"] == "2022-1"


def test_references_count_up_within_a_year(icb):
    first = notify(icb).notification.reference
    second = notify(icb, given_name="Susan", date_of_birth=date(1950, 1, 1)).notification.reference
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_the_same_submission_key_never_makes_two_notifications(icb):
    key = uuid.uuid4()
    kwargs = {"person": person(icb), "notifier": notifier(), "channel": Channel.ONLINE}
    first = services.notification_submit(submission_key=key, **kwargs)
    again = services.notification_submit(submission_key=key, **kwargs)
    assert first.created and not again.created
    assert again.notification.pk == first.notification.pk
    assert Notification.objects.count() == 1
    assert NotificationSource.objects.count() == 1


def test_death_before_birth_is_refused_and_nothing_is_written(icb):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        notify(icb, date_of_birth=date(2000, 1, 2), date_of_death=date(2000, 1, 1))
    assert "after the date of birth" in str(error.value)
    assert Notification.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_future_death_is_refused(icb):
    with pytest.raises(ValidationError, match="today or in the past"):
        notify(icb, date_of_death=today() + timedelta(days=1))


def test_telephone_notifications_need_a_lac_of_that_icb(icb, lac):
    other_lac = user_with_role(Role.LAC, make_icb())
    with pytest.raises(PermissionDenied):
        notify(icb, channel=Channel.TELEPHONE, recorded_by=other_lac)
    result = notify(icb, channel=Channel.TELEPHONE, recorded_by=lac)
    assert result.notification.sources.get().recorded_by == lac
    assert Notification.objects.count() == 1


def test_a_second_notification_of_the_same_death_is_flagged_not_merged(icb):
    number = nhs_number()
    first = notify(icb, nhs_number=number).notification
    second = notify(icb, nhs_number=number, source=notifier(relationship="hospital", name="Ward 7"))
    flag = second.duplicate_flags[0]
    assert (flag.candidate, flag.match, flag.status) == (first, DuplicateMatch.NHS_NUMBER, "open")
    assert Notification.objects.filter(state=NotificationState.NEW).count() == 2


def test_a_typo_and_swapped_dates_are_still_flagged(icb):
    notify(icb, given_name="Joanne", date_of_birth=date(1965, 2, 11))
    second = notify(icb, given_name="Joane", date_of_birth=date(1965, 11, 2))
    assert [f.match for f in second.duplicate_flags] == [DuplicateMatch.DETAILS]


def test_lac_overrides_eligibility_with_a_reason_and_history_is_kept(icb, lac):
    n = notify(icb, has_learning_disability="not_sure").notification
    assert n.eligibility_outcome == EligibilityOutcome.TO_CONFIRM
    services.eligibility_override(
        actor=lac,
        notification=n,
        outcome=EligibilityOutcome.ELIGIBLE,
        reason="GP record confirms LD",
    )
    n.refresh_from_db()
    assert n.eligibility_outcome == EligibilityOutcome.ELIGIBLE
    decisions = list(n.eligibility_decisions.order_by("decided_at", "id"))
    assert [d.outcome for d in decisions] == [
        EligibilityOutcome.TO_CONFIRM,
        EligibilityOutcome.ELIGIBLE,
    ]
    assert (
        decisions[1].decided_by == lac and decisions[1].override_reason == "GP record confirms LD"
    )
    event = AuditEvent.objects.get(action=AuditAction.OVERRIDE)
    assert event.details == {
        "from": "to_confirm",
        "to": "eligible",
        "reason": "GP record confirms LD",
    }


def test_override_needs_a_reason_and_the_right_icb(icb, lac):
    n = notify(icb).notification
    with pytest.raises(ValidationError, match="reason"):
        services.eligibility_override(actor=lac, notification=n, outcome="not_eligible", reason=" ")
    outsider = user_with_role(Role.LAC, make_icb())
    with pytest.raises(PermissionDenied):
        services.eligibility_override(
            actor=outsider, notification=n, outcome="not_eligible", reason="x"
        )
    reviewer = user_with_role(Role.REVIEWER, icb)
    with pytest.raises(PermissionDenied):
        services.eligibility_override(
            actor=reviewer, notification=n, outcome="not_eligible", reason="x"
        )
    n.refresh_from_db()
    assert n.eligibility_outcome == EligibilityOutcome.ELIGIBLE
    assert n.eligibility_decisions.count() == 1


def test_confirming_a_duplicate_merges_and_keeps_both_notifiers(icb, lac):
    number = nhs_number()
    earlier = notify(icb).notification
    later = notify(
        icb,
        nhs_number=number,
        postcode="LE1 7RH",
        source=notifier(relationship="hospital", name="Ward 7"),
    )
    flag = later.duplicate_flags[0]
    merged = services.duplicate_confirm(actor=lac, flag=flag, note="Same person")
    assert merged == earlier
    earlier.refresh_from_db()
    assert sorted(s.name for s in earlier.sources.all()) == ["Grace Walsh", "Ward 7"]
    # Gaps are filled from the later notification; the earlier notifier's answers are kept.
    assert (earlier.nhs_number, earlier.postcode) == (number, "LE1 7RH")
    later_n = Notification.objects.get(pk=later.notification.pk)
    assert later_n.state == NotificationState.MERGED and later_n.merged_into == earlier
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.CONFIRMED and flag.resolved_by == lac
    assert AuditEvent.objects.filter(action=AuditAction.MERGE).count() == 2
    assert verify_chain()[1] is None


def test_a_resolved_flag_cannot_be_resolved_again(icb, lac):
    notify(icb)
    flag = notify(icb).duplicate_flags[0]
    services.duplicate_dismiss(actor=lac, flag=flag, note="Different people")
    with pytest.raises(ValidationError, match="already been resolved"):
        services.duplicate_confirm(actor=lac, flag=flag)
    assert Notification.objects.filter(state=NotificationState.MERGED).count() == 0


def test_only_the_icbs_lac_resolves_duplicates(icb):
    notify(icb)
    flag = notify(icb).duplicate_flags[0]
    with pytest.raises(PermissionDenied):
        services.duplicate_dismiss(actor=user_with_role(Role.LAC, make_icb()), flag=flag)
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.OPEN


def test_an_nhs_number_failing_its_check_digit_is_refused(icb):
    valid = nhs_number()
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="valid NHS number"):
        notify(icb, nhs_number=wrong)
    assert Notification.objects.count() == 0
