"""Deadline reminders: who gets which, what the e-mail says (and does not), and idempotency
under a repeated, a failing and an interrupted run."""

import smtplib
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from leder.accounts.models import Membership, Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import Case, CaseState, Reminder, ReminderStatus, ReminderThreshold
from leder.casework.presenters.reminders import case_path
from leder.casework.services import reminders
from leder.casework.services.reminders import deadline_reminders_send
from leder.casework.tests.dashboard_factories import person
from leder.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def region():
    return make_region(name="Test Region")


@pytest.fixture
def icb(region):
    return make_icb(name="NHS Test ICB", short_name="Test ICB", region=region)


def due(case: Case, due_on: date) -> Case:
    """Set a case's due date directly: the deadline arithmetic is tested in test_lifecycle."""
    Case.objects.filter(pk=case.pk).update(due_on=due_on)
    case.refresh_from_db()
    return case


@pytest.fixture
def area(icb, region, lac, cases):
    """An ICB with two local area contacts and a regional coordinator, and one case at each due
    status (plus cases that must never be reminded about)."""
    lac.full_name, lac.email = "Alex Able", "alex.lac@leder.test"
    lac.save()
    lac2 = user_with_role(Role.LAC, icb, full_name="Bea Bright", email="bea.lac@leder.test")
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region, email="rc@leder.test")
    soon = due(
        cases.make(CaseState.INITIAL_REVIEW, **person(0)),
        TODAY + timedelta(days=10),
    )
    overdue = due(
        cases.make(CaseState.AWAITING_ALLOCATION, **person(1)),
        TODAY - timedelta(days=5),
    )
    long_overdue = due(
        cases.make(CaseState.QUALITY_ASSURANCE, **person(2)),
        TODAY - timedelta(days=100),
    )
    quiet = [
        due(cases.make(CaseState.ALLOCATED, **person(3)), TODAY + timedelta(days=60)),  # on track
        due(cases.make(CaseState.ON_HOLD, **person(4)), TODAY - timedelta(days=200)),  # stopped
        due(cases.make(CaseState.COMPLETED, **person(5)), TODAY - timedelta(days=200)),  # done
        due(cases.make(CaseState.NOTIFIED, **person(6)), TODAY - timedelta(days=200)),  # untriaged
    ]
    return {
        "lacs": [lac, lac2],
        "coordinator": coordinator,
        "soon": soon,
        "overdue": overdue,
        "long_overdue": long_overdue,
        "quiet": quiet,
    }


# Everyone who should hear about each case, at which threshold.
def expected(area) -> set[tuple[str, str, str]]:
    lacs = {u.email for u in area["lacs"]}
    soon, overdue, long_ = area["soon"], area["overdue"], area["long_overdue"]
    rows = set()
    for email in {soon.reviewer.user.email, *lacs}:
        rows.add((soon.reference, ReminderThreshold.DUE_SOON, email))
    for email in lacs:
        rows.add((overdue.reference, ReminderThreshold.OVERDUE, email))
    for email in {long_.reviewer.user.email, *lacs, area["coordinator"].email}:
        rows.add((long_.reference, ReminderThreshold.ESCALATED, email))
    return rows


def sent_pairs() -> Counter:
    """(recipient, subject) of every e-mail in the outbox: each reminder is one pair."""
    return Counter((m.to[0], m.subject) for m in mail.outbox)


def reminder_rows() -> set[tuple[str, str, str]]:
    return {
        (r.case.reference, r.threshold, r.recipient)
        for r in Reminder.objects.select_related("case__notification")
    }


def test_each_due_case_reminds_its_reviewer_the_icb_lacs_and_when_long_overdue_the_region(area):
    outsider_region_rc = user_with_role(Role.REGIONAL_COORDINATOR, make_region())
    other_icb_lac = user_with_role(Role.LAC, make_icb())

    run = deadline_reminders_send(today=TODAY)

    assert reminder_rows() == expected(area)
    assert len(run.sent) == len(mail.outbox) == 9
    assert not run.failed and not run.unconfirmed
    recipients = {m.to[0] for m in mail.outbox}
    assert outsider_region_rc.email not in recipients
    assert other_icb_lac.email not in recipients
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 9
    assert all(r.sent_at for r in Reminder.objects.all())
    quiet_refs = {c.reference for c in area["quiet"]}
    assert not any(ref in m.subject for m in mail.outbox for ref in quiet_refs)


def test_a_second_run_sends_nothing(area):
    first = deadline_reminders_send(today=TODAY)
    second = deadline_reminders_send(today=TODAY)

    assert len(first.sent) == 9
    assert second.sent == [] and second.already_claimed == 9
    assert len(mail.outbox) == 9
    assert max(sent_pairs().values()) == 1


def test_the_email_names_the_case_by_reference_only_and_links_to_it(area, settings):
    settings.LEDER_BASE_URL = "https://leder.example.nhs.uk/"
    deadline_reminders_send(today=TODAY)
    case = area["long_overdue"]

    to_reviewer = next(
        m for m in mail.outbox if m.to == [case.reviewer.user.email] and case.reference in m.subject
    )
    assert to_reviewer.subject == f"LeDeR review {case.reference} is long overdue"
    body = to_reviewer.body
    assert "allocated to you" in body
    assert "It was due on 7 March 2026, 100 days ago." in body
    assert "Stage: Quality assurance." in body
    assert f"https://leder.example.nhs.uk{case_path(case.reference)}" in body
    to_coordinator = next(m for m in mail.outbox if m.to == [area["coordinator"].email])
    assert "https://leder.example.nhs.uk/staff/escalations" in to_coordinator.body
    assert "escalated to the" in to_coordinator.body
    people = [c.notification for c in (area["soon"], area["overdue"], case)]
    for message in mail.outbox:
        text = message.subject + message.body
        for n in people:
            assert n.given_name not in text and n.family_name not in text
            assert n.nhs_number not in text
            assert str(n.date_of_birth.year) not in text
    soon = next(m for m in mail.outbox if area["soon"].reference in m.subject)
    assert "It is due on 25 June 2026, in 10 days." in soon.body
    # Plain text: nothing HTML-escaped.
    assert "&#39;" not in soon.body and "&amp;" not in soon.body


def test_a_reviewer_who_is_also_a_lac_gets_one_email_per_case(area, icb):
    reviewer_user = area["soon"].reviewer.user
    Membership.objects.create(user=reviewer_user, role=Role.LAC, organisation=icb)

    deadline_reminders_send(today=TODAY)

    to_them = [m for m in mail.outbox if m.to == [reviewer_user.email]]
    # The due-soon case (as its reviewer) and the two other cases (as a LAC): one each.
    assert len(to_them) == 3
    assert max(sent_pairs().values()) == 1


def test_a_new_due_date_after_a_hold_earns_a_new_reminder(area):
    deadline_reminders_send(today=TODAY)
    case = due(area["overdue"], TODAY + timedelta(days=20))  # resumed: due date moved

    run = deadline_reminders_send(today=TODAY)

    assert {(o.reference, o.threshold) for o in run.sent} == {
        (case.reference, ReminderThreshold.DUE_SOON)
    }
    assert len(run.sent) == 2  # the two LACs; the case has no reviewer


def test_a_reminder_claimed_by_another_run_is_not_sent(area):
    case, lac = area["overdue"], area["lacs"][0]
    Reminder.objects.create(
        case=case,
        threshold=ReminderThreshold.OVERDUE,
        due_on=case.due_on,
        recipient=lac.email,
        status=ReminderStatus.CLAIMED,
        claimed_at=reminders.now(),
    )

    run = deadline_reminders_send(today=TODAY)

    assert len(run.sent) == 8 and run.already_claimed == 1
    assert (lac.email, f"LeDeR review {case.reference} is overdue") not in sent_pairs()


def _failing_on(call_number: int, *, exception, send_first: bool, monkeypatch):
    """Replace the service's send_mail with one that fails on the `call_number`th message,
    before or after really sending it."""
    real = reminders.send_mail
    calls = {"n": 0}

    def send_mail(**kwargs):
        calls["n"] += 1
        if calls["n"] == call_number:
            if send_first:
                real(**kwargs)
            raise exception
        return real(**kwargs)

    monkeypatch.setattr(reminders, "send_mail", send_mail)


def test_a_failed_send_is_recorded_and_retried_by_the_next_run(area, monkeypatch):
    _failing_on(
        3,
        exception=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        send_first=False,
        monkeypatch=monkeypatch,
    )
    first = deadline_reminders_send(today=TODAY)
    monkeypatch.undo()

    assert len(first.sent) == 8 and len(first.failed) == 1
    failed = Reminder.objects.get(status=ReminderStatus.FAILED)
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in failed.error
    assert failed.sent_at is None
    assert len(mail.outbox) == 8

    second = deadline_reminders_send(today=TODAY)

    assert [(o.reference, o.recipient) for o in second.sent] == [
        (failed.case.reference, failed.recipient)
    ]
    assert second.retried == 1
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.SENT and failed.error == ""
    assert deadline_reminders_send(today=TODAY).sent == []
    # Every reminder exactly once overall.
    assert len(mail.outbox) == 9 and set(sent_pairs().values()) == {1}
    assert reminder_rows() == expected(area)


def test_a_run_that_dies_after_sending_never_sends_that_reminder_again(area, monkeypatch):
    # The process is killed after the mail server took the third message, before it was marked.
    _failing_on(3, exception=SystemExit(1), send_first=True, monkeypatch=monkeypatch)
    with pytest.raises(SystemExit):
        deadline_reminders_send(today=TODAY)
    monkeypatch.undo()
    assert len(mail.outbox) == 3
    stuck = Reminder.objects.get(status=ReminderStatus.CLAIMED)

    second = deadline_reminders_send(today=TODAY)

    assert len(second.sent) == 6
    assert [(o.reference, o.recipient) for o in second.unconfirmed] == [
        (stuck.case.reference, stuck.recipient)
    ]
    assert len(mail.outbox) == 9 and set(sent_pairs().values()) == {1}
    stuck.refresh_from_db()
    assert stuck.status == ReminderStatus.CLAIMED


def test_a_run_that_dies_before_sending_leaves_a_claim_reported_until_an_operator_decides(
    area, monkeypatch, capsys
):
    _failing_on(3, exception=SystemExit(1), send_first=False, monkeypatch=monkeypatch)
    with pytest.raises(SystemExit):
        deadline_reminders_send(today=TODAY)
    monkeypatch.undo()
    assert len(mail.outbox) == 2
    stuck = Reminder.objects.get(status=ReminderStatus.CLAIMED)

    # The next scheduled run sends the rest, not the unconfirmed one, and says so (exit 1).
    with pytest.raises(CommandError, match="1 are unconfirmed"):
        call_command("send_deadline_reminders", "--date", TODAY.isoformat())
    output = capsys.readouterr()
    assert "6 sent" in output.out
    assert f"Unconfirmed: {stuck.case.reference}" in output.err
    assert "--resend-unconfirmed" in output.err
    assert len(mail.outbox) == 8

    # The operator checked the mail log (it never went) and releases it: sent once, now.
    call_command("send_deadline_reminders", "--date", TODAY.isoformat(), "--resend-unconfirmed")
    output = capsys.readouterr()
    assert "1 unconfirmed reminders released to be sent again." in output.out
    assert "1 sent (1 of them retries" in output.out
    assert len(mail.outbox) == 9 and set(sent_pairs().values()) == {1}
    stuck.refresh_from_db()
    assert stuck.status == ReminderStatus.SENT
    assert AuditEvent.objects.filter(summary__contains="released to be sent again").exists()


def test_accepting_unconfirmed_reminders_marks_them_sent_without_sending(area, monkeypatch):
    _failing_on(1, exception=SystemExit(1), send_first=True, monkeypatch=monkeypatch)
    with pytest.raises(SystemExit):
        deadline_reminders_send(today=TODAY)
    monkeypatch.undo()

    call_command("send_deadline_reminders", "--date", TODAY.isoformat(), "--accept-unconfirmed")

    assert len(mail.outbox) == 9 and set(sent_pairs().values()) == {1}
    assert not Reminder.objects.exclude(status=ReminderStatus.SENT).exists()


def test_the_command_reports_and_exits_with_an_error_when_a_send_fails(area, monkeypatch, capsys):
    _failing_on(
        1, exception=smtplib.SMTPException("refused"), send_first=False, monkeypatch=monkeypatch
    )
    with pytest.raises(CommandError, match="1 reminders failed"):
        call_command("send_deadline_reminders", "--date", TODAY.isoformat())
    output = capsys.readouterr()
    assert "8 sent" in output.out
    assert "SMTPException: refused. The next run will try again." in output.err


def test_the_run_is_audited_once(area):
    before = AuditEvent.objects.count()
    deadline_reminders_send(today=TODAY)
    deadline_reminders_send(today=TODAY)  # sends nothing: no audit row

    events = list(AuditEvent.objects.order_by("sequence")[before:])
    assert len(events) == 1
    assert events[0].actor_label == reminders.SYSTEM_ACTOR
    assert events[0].details["sent"] == 9


def test_cases_nobody_can_be_reminded_about_are_reported(icb, cases, lac):
    from leder.core.time import today

    case = due(cases.make(CaseState.AWAITING_ALLOCATION), TODAY - timedelta(days=3))
    Membership.objects.filter(user=lac).update(ends_on=today())  # the only LAC has left

    run = deadline_reminders_send(today=TODAY)

    assert run.unreachable == [case.reference] and mail.outbox == []


def test_an_inactive_reviewer_is_not_reminded(area):
    reviewer = area["soon"].reviewer
    reviewer.is_active = False
    reviewer.save()

    deadline_reminders_send(today=TODAY)

    assert reviewer.user.email not in {m.to[0] for m in mail.outbox}


def test_the_task_runs_the_same_service(icb, cases, lac):
    from leder.casework.tasks import send_deadline_reminders
    from leder.core.time import today

    due(cases.make(CaseState.AWAITING_ALLOCATION), today() - timedelta(days=1))

    result = send_deadline_reminders.enqueue()

    assert result.return_value["sent"] == 1
    assert mail.outbox[0].to == [lac.email]
