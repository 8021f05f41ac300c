"""The lifecycle table, tested exhaustively: every state × every transition × every role."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework import deadlines
from leder.casework.lifecycle import RESUME, TRANSITIONS
from leder.casework.models import Case, CaseEvent, CaseState
from leder.casework.services.lifecycle import TransitionRefused, case_transition
from leder.casework.services.triage import case_triage
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.notifications.models import Notification
from leder.notifications.tests.factories import nhs_number

pytestmark = pytest.mark.django_db

ROLES = [r for r in Role if r != Role.ADMINISTRATOR]


class Rollback(Exception):
    pass


def attempt(case, actor, name):
    """Try the transition in a savepoint that is always rolled back; return the outcome. The
    table is tested here, so a move that belongs to a governance service is made as that service
    (the services' own tests cover what they add)."""
    try:
        with transaction.atomic():
            event = case_transition(
                actor=actor,
                case=case,
                transition=name,
                reason="because",
                service=TRANSITIONS[name].service,
            )
            outcome = ("moved", event.to_state)
            raise Rollback
    except Rollback:
        return outcome
    except PermissionDenied:
        return ("forbidden", None)
    except TransitionRefused:
        return ("refused", None)
    finally:
        case.refresh_from_db()


@pytest.mark.parametrize("state", [s for s in CaseState])
def test_every_transition_for_every_role_from_every_state(state, icb, lac, cases, other_icb):
    case = cases.make(state)
    assert case.state == state
    actors = {role: user_with_role(role, icb) for role in ROLES}
    actors[Role.LAC] = lac
    if case.reviewer_id:
        actors[Role.REVIEWER] = case.reviewer.user
    actors[Role.ADMINISTRATOR] = user_with_role(Role.ADMINISTRATOR)
    outsider = user_with_role(Role.LAC, other_icb)
    events_before = CaseEvent.objects.count()
    for name, t in TRANSITIONS.items():
        for role, actor in actors.items():
            result = attempt(case, actor, name)
            allowed_by_table = state in t.sources and role in t.roles
            guard_ok = True
            if t.guard and t.guard.__name__ == "_is_case_reviewer":
                guard_ok = role == Role.REVIEWER and case.reviewer_id is not None
            if t.guard and t.guard.__name__ == "_reopens_focused":
                guard_ok = False  # these cases have no focused review
            if allowed_by_table and guard_ok:
                expected_target = case.held_from_state if t.target == RESUME else t.target
                assert result == ("moved", expected_target), (state, name, role)
            elif state not in t.sources:
                assert result == ("refused", None), (state, name, role)
            elif role not in t.roles:
                assert result == ("forbidden", None), (state, name, role)
            else:
                assert result == ("refused", None), (state, name, role)
        # Nobody from another ICB can move this ICB's case.
        assert attempt(case, outsider, name)[0] in ("forbidden", "refused")
        if state in t.sources:
            assert attempt(case, outsider, name) == ("forbidden", None)
    assert CaseEvent.objects.count() == events_before
    assert case.state == state


def test_an_illegal_transition_changes_nothing(cases, lac):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(TransitionRefused, match="cannot be moved"):
        case_transition(
            actor=lac,
            case=case,
            transition="qa_approve",
            service="governance.services.qa.qa_approve",
        )
    with pytest.raises(TransitionRefused, match="no “fly” step"):
        case_transition(actor=lac, case=case, transition="fly")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ALLOCATION
    assert AuditEvent.objects.count() == audit_rows


def test_a_reason_is_required_where_the_table_says(cases, lac):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    with pytest.raises(TransitionRefused, match="Enter a reason"):
        case_transition(actor=lac, case=case, transition="hold", reason="  ")


def test_each_transition_writes_one_event_and_one_audit_row(cases, lac):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    audit_rows = AuditEvent.objects.filter(action=AuditAction.UPDATE).count()
    event = case_transition(actor=lac, case=case, transition="hold", reason="Coroner's inquest")
    assert (event.from_state, event.to_state, event.actor, event.reason) == (
        "awaiting_allocation",
        "on_hold",
        lac,
        "Coroner's inquest",
    )
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == audit_rows + 1
    assert verify_chain()[1] is None
    with pytest.raises(ValueError, match="immutable"):
        event.save()


def test_hold_and_resume_return_to_the_held_state_and_move_the_due_date(cases, lac):
    case = cases.make(CaseState.INITIAL_REVIEW)
    due = case.due_on
    case_transition(actor=lac, case=case, transition="hold", reason="Police investigation")
    case.refresh_from_db()
    assert (case.state, case.held_from_state) == (CaseState.ON_HOLD, CaseState.INITIAL_REVIEW)
    hold = case.holds.get()
    # Pretend the hold began ten days ago.
    type(hold).objects.filter(pk=hold.pk).update(started_at=hold.started_at - timedelta(days=10))
    case_transition(actor=lac, case=case, transition="resume", reason="Investigation closed")
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW and case.held_from_state == ""
    assert case.due_on == due + timedelta(days=10)
    assert case.holds.get().end_reason == "Investigation closed"


def test_due_date_is_six_months_after_notification():
    assert deadlines.due_date(notified_on=date(2026, 3, 15)) == date(2026, 9, 15)
    assert deadlines.due_date(notified_on=date(2026, 8, 31)) == date(2027, 2, 28)
    assert deadlines.due_date(notified_on=date(2026, 8, 31), hold_days=3) == date(2027, 3, 3)


def test_due_status_thresholds(settings):
    today = date(2026, 11, 22)

    def status(days, **kw):
        kw.setdefault("active", True)
        kw.setdefault("on_hold", False)
        return deadlines.due_status(due_on=today + timedelta(days=days), today=today, **kw)

    assert status(29) == deadlines.DueStatus.ON_TRACK
    assert status(28) == deadlines.DueStatus.DUE_SOON
    assert status(0) == deadlines.DueStatus.DUE_SOON
    assert status(-1) == deadlines.DueStatus.OVERDUE
    assert status(-91) == deadlines.DueStatus.LONG_OVERDUE
    assert status(-91, on_hold=True) == deadlines.DueStatus.ON_HOLD
    assert status(-91, active=False) == deadlines.DueStatus.NOT_APPLICABLE


def test_triage_needs_duplicates_decided_first(cases, lac, icb):
    first = cases.notification(given_name="Amara", family_name="Mensah", nhs_number="")
    second = cases.notification(
        given_name="Amara", family_name="Mensah", date_of_birth=first.date_of_birth
    )
    assert second.duplicate_flags.filter(status="open").exists()
    with pytest.raises(TransitionRefused, match="possible duplicates"):
        case_triage(actor=lac, notification=second, decision="eligible")
    assert not Case.objects.filter(notification=second).exists()


def test_opt_out_erases_personal_data_but_keeps_the_death_counted(cases, lac):
    notification = cases.notification(
        nhs_number=nhs_number(), address="1 Park Road", postcode="LE1 1AA"
    )
    case_triage(
        actor=lac, notification=notification, decision="opted_out", reason="NDOP registered"
    )
    n = Notification.objects.get(pk=notification.pk)
    assert n.case.state == CaseState.OPTED_OUT
    assert (n.given_name, n.family_name, n.nhs_number, n.address, n.postcode) == (
        "Opted out",
        "",
        "",
        "",
        "",
    )
    assert n.date_of_death.day == 1 and (n.date_of_birth.month, n.date_of_birth.day) == (1, 1)
    source = n.sources.get()
    assert (source.name, source.email, source.phone) == ("Opted out", "", "")
