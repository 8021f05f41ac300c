"""`manage.py demo_load`: users for every role, casework in many states through the services,
a reviewer blocked by a conflict of interest, an intact audit chain, and a second run that
loads nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from leder.accounts.models import ICB_ROLES, Membership, Role, User
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    CaseState,
    ConflictKind,
    Reviewer,
)
from leder.casework.selectors.allocation import allocation_suggestions
from leder.core.audit import verify_chain
from leder.core.models import AuditEvent
from leder.demo.management.commands.demo_load import DEMO_ICBS
from leder.notifications.models import DuplicateStatus, Notification, NotificationState
from leder.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (12 notifications per ICB), rolled back afterwards:
    it takes a few seconds."""
    from django.conf import settings
    from django.db import transaction

    with django_db_blocker.unblock():
        previous = getattr(settings, "LEDER_DEMO_MODE", False)
        settings.LEDER_DEMO_MODE = True
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("demo_load", "--notifications", "12", "--history-scale", "0", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.LEDER_DEMO_MODE = previous


def test_a_user_for_every_role(loaded):
    current = Membership.objects.current()
    for ods_code, _label, _area in DEMO_ICBS:
        icb = Organisation.objects.get(ods_code=ods_code)
        for role in ICB_ROLES:
            assert current.filter(organisation=icb, role=role).exists(), (ods_code, role)
    for role in (Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST, Role.ADMINISTRATOR):
        assert current.filter(role=role).exists(), role
    # Only the administrator reaches the Django admin.
    staff = {m.user.email for m in current.select_related("user") if m.user.is_staff}
    assert staff == {"admin@demo.leder.invalid"}


def test_casework_in_many_states_in_each_icb(loaded):
    for ods_code, _label, _area in DEMO_ICBS:
        cases = Case.objects.filter(notification__icb__ods_code=ods_code)
        states = set(cases.values_list("state", flat=True))
        assert {
            CaseState.AWAITING_ALLOCATION,
            CaseState.ALLOCATED,
            CaseState.INITIAL_REVIEW,
            CaseState.ON_HOLD,
            CaseState.OPTED_OUT,
        } <= states, (ods_code, states)
        # The newest notifications are left for the triage queue.
        untriaged = Notification.objects.filter(icb__ods_code=ods_code, case__isnull=True)
        assert untriaged.exclude(state=NotificationState.MERGED).exists()
        # Every case got where it is through the lifecycle service: its events say so.
        for case in cases.exclude(state=CaseState.NOTIFIED):
            assert case.events.last().to_state == case.state, case.reference
        hold = cases.get(state=CaseState.ON_HOLD).holds.get()
        assert hold.reason == "Coroner's inquest" and hold.ended_at is None
        icb = Organisation.objects.get(ods_code=ods_code)
        assert icb.ld_population


def test_allocation_history_shows_every_kind_of_answer(loaded):
    statuses = set(Allocation.objects.values_list("status", flat=True))
    assert {AllocationStatus.OFFERED, AllocationStatus.ACCEPTED, AllocationStatus.DECLINED} <= (
        statuses
    )
    assert CaseEvent.objects.filter(transition="decline").exclude(reason="").exists()
    assert CaseEvent.objects.filter(transition="reallocate").exclude(reason="").exists()
    # Both decisions on possible duplicates, and one merged notification per ICB.
    flags = set(Notification.objects.values_list("duplicate_flags__status", flat=True))
    assert {DuplicateStatus.CONFIRMED, DuplicateStatus.DISMISSED} <= flags
    assert Notification.objects.filter(state=NotificationState.MERGED).count() == len(DEMO_ICBS)


def test_the_demo_reviewer_has_cases_to_accept_and_to_work_on(loaded):
    reviewer = Reviewer.objects.get(user__email="reviewer.llr@demo.leder.invalid")
    statuses = list(reviewer.allocations.values_list("status", flat=True))
    assert AllocationStatus.OFFERED in statuses
    assert AllocationStatus.ACCEPTED in statuses


def test_the_register_has_reviewers_in_every_condition(loaded):
    for ods_code, _label, _area in DEMO_ICBS:
        register = Reviewer.objects.filter(icb__ods_code=ods_code)
        assert register.count() >= 5
        assert register.filter(is_active=False).exists()
        assert register.filter(recruitment_status="in_training").exists()
        assert all(r.training.exists() for r in register)
        kinds = set(
            register.values_list("conflicts__kind", flat=True).exclude(conflicts__kind=None)
        )
        assert kinds == {ConflictKind.ORGANISATION, ConflictKind.PERSON}
        # Synthetic reviewers cannot sign in.
        assert not any(
            r.user.has_usable_password()
            for r in register.exclude(user__email__endswith="@demo.leder.invalid")
        )


def test_an_awaiting_case_shows_a_reviewer_blocked_by_a_conflict(loaded):
    blocked = []
    for case in Case.objects.filter(state=CaseState.AWAITING_ALLOCATION):
        for suggestion in allocation_suggestions(case=case):
            if suggestion.conflicts:
                blocked.append((case.reference, suggestion.reviewer.user.full_name))
    assert blocked
    # The person conflict is one of them: a reviewer who knew someone whose case waits.
    person = [
        c
        for c in Case.objects.filter(state=CaseState.AWAITING_ALLOCATION)
        for s in allocation_suggestions(case=c)
        if any("knew" in reason for reason in s.conflicts)
    ]
    assert person


def test_the_audit_chain_verifies(loaded):
    checked, broken = verify_chain()
    assert broken is None
    assert checked == AuditEvent.objects.count() > 100


def test_a_second_run_loads_nothing(loaded, settings):
    settings.LEDER_DEMO_MODE = True
    counts = (
        User.objects.count(),
        Notification.objects.count(),
        Case.objects.count(),
        AuditEvent.objects.count(),
    )
    out = StringIO()
    call_command("demo_load", "--notifications", "12", "--history-scale", "0", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts == (
        User.objects.count(),
        Notification.objects.count(),
        Case.objects.count(),
        AuditEvent.objects.count(),
    )


def test_each_demo_icb_has_its_leder_contact_details(loaded):
    from leder.organisations.presenters import icb_contact

    for ods_code, _label, _ in DEMO_ICBS:
        contact = icb_contact(Organisation.objects.get(ods_code=ods_code))
        assert contact.is_set and contact.complaints.is_set and contact.advocacy.is_set
