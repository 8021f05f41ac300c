"""Issue 15: a hold names its process (kind, organisation, reference, expected end, outcome);
a reminder goes when the expected end passes, for every kind; the dashboard counts holds by
kind."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseHold, CaseState, HoldKind
from leder.casework.selectors.dashboard import figures_by_icb
from leder.casework.services.hold_reminders import REPEAT_DAYS, hold_reminders_send
from leder.casework.services.lifecycle import TransitionRefused, case_transition
from leder.core.schedule import periodic_jobs
from leder.core.time import today

pytestmark = pytest.mark.django_db


def hold(lac, case, kind, *, expected: date | None = None, **extra):
    case_transition(
        actor=lac,
        case=case,
        transition="hold",
        reason="Waiting",
        details={
            "hold_kind": kind,
            "expected_end_on": expected.isoformat() if expected else "",
            **extra,
        },
    )
    return case.holds.get(ended_at__isnull=True)


def test_a_hold_records_its_process_and_its_outcome(lac, cases):
    case = cases.make(CaseState.INITIAL_REVIEW)
    h = hold(
        lac,
        case,
        HoldKind.CORONER,
        expected=date(2027, 3, 1),
        other_organisation="West Yorkshire Coroner",
        other_reference="INQ-2026-77",
    )
    assert (h.kind, h.other_organisation, h.other_reference, h.expected_end_on) == (
        "coroner",
        "West Yorkshire Coroner",
        "INQ-2026-77",
        date(2027, 3, 1),
    )
    event = case.events.last()
    assert event.details["hold_kind"] == "coroner"
    case_transition(
        actor=lac,
        case=case,
        transition="resume",
        reason="Concluded",
        details={"outcome": "Natural causes"},
    )
    h.refresh_from_db()
    assert h.outcome == "Natural causes" and h.ended_at is not None


def test_an_unknown_kind_is_refused(lac, cases):
    case = cases.make(CaseState.INITIAL_REVIEW)
    with pytest.raises(TransitionRefused):
        hold(lac, case, "tea_break")
    assert not CaseHold.objects.exists()


@pytest.mark.parametrize("kind", HoldKind.values)
def test_every_kind_is_reminded_once_the_expected_end_passes(lac, cases, kind):
    case = cases.make(CaseState.INITIAL_REVIEW)
    hold(lac, case, kind, expected=today() - timedelta(days=1), other_reference="REF-1")
    mail.outbox.clear()

    run = hold_reminders_send()
    assert run.reminded == [case.reference]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lac.email]
    assert case.reference in message.subject
    assert HoldKind(kind).label.lower() in message.body
    assert case.notification.family_name not in message.body

    # Not again the same day, nor before the repeat interval; again after it.
    assert hold_reminders_send().reminded == []
    assert hold_reminders_send(today=today() + timedelta(days=REPEAT_DAYS - 1)).reminded == []
    assert hold_reminders_send(today=today() + timedelta(days=REPEAT_DAYS)).reminded == [
        case.reference
    ]


def test_no_reminder_before_the_date_without_a_date_or_after_resuming(lac, cases):
    future = cases.make(CaseState.INITIAL_REVIEW)
    hold(lac, future, HoldKind.POLICE, expected=today() + timedelta(days=3))
    undated = cases.make(CaseState.INITIAL_REVIEW)
    hold(lac, undated, HoldKind.PSII)
    resumed = cases.make(CaseState.INITIAL_REVIEW)
    hold(lac, resumed, HoldKind.SAFEGUARDING_ADULTS_REVIEW, expected=today() - timedelta(days=9))
    case_transition(
        actor=lac, case=resumed, transition="resume", reason="Done", details={"outcome": "x"}
    )
    mail.outbox.clear()
    assert hold_reminders_send().reminded == []
    assert mail.outbox == []


def test_the_reminder_job_is_registered_with_the_scheduler():
    jobs = {job.name: job for job in periodic_jobs()}
    assert "hold-reminders" in jobs
    assert jobs["hold-reminders"].daily_at is not None


def test_the_dashboard_counts_holds_by_kind(icb, lac, cases):
    for kind in (HoldKind.CORONER, HoldKind.CORONER, HoldKind.DOMESTIC_HOMICIDE_REVIEW):
        hold(lac, cases.make(CaseState.INITIAL_REVIEW), kind)
    ended = cases.make(CaseState.INITIAL_REVIEW)
    hold(lac, ended, HoldKind.POLICE)
    case_transition(
        actor=lac, case=ended, transition="resume", reason="Done", details={"outcome": "x"}
    )
    figures = figures_by_icb(icb_ids=[icb.pk], today=today())[icb.pk]
    assert figures.on_hold == 3
    assert (figures.on_hold_coroner, figures.on_hold_dhr, figures.on_hold_police) == (2, 1, 0)


def test_the_hold_and_resume_pages_ask_for_the_process_and_its_outcome(client, lac, cases):
    case = cases.make(CaseState.INITIAL_REVIEW)
    sign_in_verified(client, lac)
    url = reverse("casework:hold", args=[case.reference])
    response = client.post(url, {"reason": "Inquest opened"})
    assert response.status_code == 200
    assert "Select the process the review is waiting for" in response.content.decode()
    response = client.post(
        url,
        {
            "kind": "coroner",
            "other_organisation": "HM Coroner",
            "other_reference": "C-1",
            "expected_end_on_day": "1",
            "expected_end_on_month": "3",
            "expected_end_on_year": "2027",
            "reason": "Inquest opened",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("casework:case", args=[case.reference])).content.decode()
    assert "Coroner&#39;s inquest" in page or "Coroner's inquest" in page
    assert "HM Coroner, C-1" in page and "1 March 2027" in page
    resume = reverse("casework:resume", args=[case.reference])
    assert client.post(resume, {"reason": "Concluded"}).status_code == 200
    assert client.post(resume, {"reason": "Concluded", "outcome": "Accident"}).status_code == 302
    assert (
        "Outcome: Accident"
        in client.get(reverse("casework:case", args=[case.reference])).content.decode()
    )

    dashboard = client.get(reverse("casework:dashboard")).content.decode()
    assert "On hold, by the process that holds them" in dashboard
