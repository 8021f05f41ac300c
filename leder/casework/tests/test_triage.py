"""Triage by the local area contact: the queue, the decision page, the opt-out with its
confirmation, reconsidering; who may use them, bad input, and what each decision writes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    sign_in_password_only,
    sign_in_verified,
    user_with_role,
)
from leder.casework.models import Case, CaseEvent, CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now
from leder.notifications.models import DuplicateStatus, Notification
from leder.notifications.tests.factories import nhs_number, notify

pytestmark = pytest.mark.django_db


def new_notification(cases, *, days_ago=0, **fields):
    """A notification of the test ICB received `days_ago` days ago. A distinct NHS number keeps
    the factory's made-up people from looking like duplicates of each other."""
    fields.setdefault("nhs_number", nhs_number())
    notification = cases.notification(**fields)
    if days_ago:
        Notification.objects.filter(pk=notification.pk).update(
            received_at=now() - timedelta(days=days_ago)
        )
        notification.refresh_from_db()
    return notification


@pytest.fixture
def notification(cases):
    return new_notification(cases, given_name="Priya", family_name="Shah", days_ago=3)


def triage_url(n, name="casework:triage"):
    return reverse(name, kwargs={"reference": n.reference})


def all_urls(n):
    return [
        reverse("casework:triage_queue"),
        triage_url(n),
        triage_url(n, "casework:triage_opt_out"),
        triage_url(n, "casework:triage_reconsider"),
    ]


# -- Who may use triage ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, notification):
    for url in all_urls(notification):
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, notification, lac):
    sign_in_password_only(client, lac)
    for url in all_urls(notification):
        response = client.get(url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


@pytest.mark.parametrize(
    "role",
    [Role.REVIEWER, Role.SENIOR_REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ICB_LEAD],
)
def test_other_roles_of_the_same_icb_may_not_triage(client, notification, icb, role):
    sign_in_verified(client, user_with_role(role, icb))
    for url in all_urls(notification):
        assert client.get(url).status_code == 403
    response = client.post(triage_url(notification), {"decision": "eligible"})
    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.NATIONAL_ANALYST, Role.REGIONAL_COORDINATOR]
)
def test_national_and_regional_roles_and_administrators_may_not_triage(client, notification, role):
    sign_in_verified(client, user_with_role(role))
    for url in all_urls(notification):
        assert client.get(url).status_code == 403


def test_a_lac_of_another_icb_sees_nothing_of_this_icbs_notifications(
    client, notification, other_icb
):
    sign_in_verified(client, user_with_role(Role.LAC, other_icb))
    response = client.get(reverse("casework:triage_queue"))
    assert response.status_code == 200
    assert notification.reference not in response.text and "Priya" not in response.text
    assert "No notifications are waiting for triage" in response.text
    for url in all_urls(notification)[1:]:
        response = client.get(url)
        assert response.status_code == 404 and "Priya" not in response.text
    response = client.post(triage_url(notification), {"decision": "eligible"})
    assert response.status_code == 404
    response = client.post(
        triage_url(notification, "casework:triage_opt_out"), {"reason": "x", "confirm": "on"}
    )
    assert response.status_code == 404
    assert not Case.objects.exists()
    notification.refresh_from_db()
    assert notification.given_name == "Priya"


# -- The queue ----------------------------------------------------------------------------------


def test_the_queue_lists_notifications_waiting_for_triage_oldest_first(client, lac, cases):
    newest = new_notification(cases, given_name="Newest", days_ago=1)
    oldest = new_notification(cases, given_name="Oldest", days_ago=40)
    opened = new_notification(cases, given_name="Opened", days_ago=5)
    cases.make(CaseState.NOTIFIED, nhs_number=nhs_number())  # a case opened, not yet decided
    Case.objects.create(
        notification=opened,
        state=CaseState.NOTIFIED,
        state_changed_at=now(),
        opened_at=now(),
        notified_on=now().date(),
        due_on=now().date(),
    )
    triaged = cases.make(CaseState.AWAITING_ALLOCATION, nhs_number=nhs_number())
    sign_in_verified(client, lac)
    response = client.get(reverse("casework:triage_queue"))
    text = response.text
    assert response.status_code == 200
    assert (
        text.index(oldest.reference) < text.index(opened.reference) < text.index(newest.reference)
    )
    assert triaged.reference not in text
    assert "40 days" in text and "The longest has waited 40 days" in text
    assert "4 notifications waiting" in text
    assert f'href="{triage_url(oldest)}"' in text


def test_the_queue_flags_possible_duplicates_and_leaves_out_merged_notifications(client, lac, icb):
    number = nhs_number()
    earlier = notify(icb, nhs_number=number).notification
    later = notify(icb, nhs_number=number).notification
    sign_in_verified(client, lac)
    text = client.get(reverse("casework:triage_queue")).text
    assert "Possible duplicate" in text and later.reference in text
    Notification.objects.filter(pk=later.pk).update(state="merged", merged_into=earlier)
    text = client.get(reverse("casework:triage_queue")).text
    assert later.reference not in text and earlier.reference in text


def test_the_queue_query_count_does_not_grow_with_notifications(
    client, lac, cases, django_assert_max_num_queries
):
    sign_in_verified(client, lac)
    for days in range(3):
        new_notification(cases, days_ago=days)
    # 17: one audit row records the list view (issue 12; PostgreSQL takes an advisory lock first).
    with django_assert_max_num_queries(17) as small:
        client.get(reverse("casework:triage_queue"))
    for days in range(25):
        new_notification(cases, days_ago=days)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("casework:triage_queue"))
    assert response.text.count('class="nhsuk-table__row"') == 28


# -- The decision page --------------------------------------------------------------------------


def test_the_triage_page_shows_the_automatic_decision_and_is_audited(client, lac, notification):
    sign_in_verified(client, lac)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    response = client.get(triage_url(notification))
    assert response.status_code == 200
    assert "Priya Shah" in response.text
    assert "Automatic eligibility decision" in response.text and "Eligible" in response.text
    assert "Save decision" in response.text
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before + 1


@pytest.mark.parametrize(
    ("decision", "reason", "state", "transition"),
    [
        ("eligible", "", CaseState.AWAITING_ALLOCATION, "triage_eligible"),
        ("child_death_review", "", CaseState.CHILD_DEATH_REVIEW, "triage_child_death_review"),
        ("not_eligible", "Died in Wales", CaseState.NOT_ELIGIBLE, "triage_not_eligible"),
    ],
)
def test_a_decision_opens_the_case_in_its_state_with_an_event_and_audit(
    client, lac, cases, notification, decision, reason, state, transition
):
    waiting = new_notification(cases, given_name="Next", days_ago=1)
    sign_in_verified(client, lac)
    response = client.post(triage_url(notification), {"decision": decision, "reason": reason})
    assert response.status_code == 302
    assert response.url == triage_url(waiting)  # on to the next one waiting
    case = Case.objects.get(notification=notification)
    assert case.state == state
    event = case.events.get()
    assert (event.transition, event.actor, event.reason) == (transition, lac, reason)
    audit = AuditEvent.objects.filter(object_type="casework.Case", object_id=str(case.pk))
    assert audit.filter(details__transition=transition, actor=lac).exists()
    page = client.get(response.url)
    assert notification.reference in page.text  # the banner names what was decided


def test_after_the_last_notification_the_lac_returns_to_the_queue(client, lac, notification):
    sign_in_verified(client, lac)
    response = client.post(triage_url(notification), {"decision": "eligible"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("casework:triage_queue")
    assert f"{notification.reference}: eligible, waiting for a reviewer" in response.text
    assert "There are no more notifications waiting for triage" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select your triage decision"),
        ({"decision": "maybe"}, "Select a valid choice"),
        ({"decision": "not_eligible", "reason": "  "}, "Enter why the death is not eligible"),
        ({"decision": "opted_out", "reason": ""}, "Enter how the national data opt-out was"),
        ({"decision": "eligible", "reason": "x" * 2001}, "2,000 characters or fewer"),
    ],
)
def test_bad_input_shows_the_message_and_writes_nothing(client, lac, notification, data, message):
    sign_in_verified(client, lac)
    response = client.post(triage_url(notification), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert response.text.count("<title>Error:") == 1
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_triage_waits_until_possible_duplicates_are_decided(client, lac, icb):
    number = nhs_number()
    notify(icb, nhs_number=number)
    later = notify(icb, nhs_number=number).notification
    flag = later.duplicate_flags.get()
    sign_in_verified(client, lac)
    page = client.get(triage_url(later))
    assert "once you have decided about its possible duplicates" in page.text
    assert "Save decision" not in page.text
    duplicate_url = reverse(
        "notifications:inbox_duplicate", kwargs={"reference": later.reference, "flag_id": flag.pk}
    )
    assert f'href="{duplicate_url}"' in page.text
    # A decision posted anyway is refused, with the reason, and opens no case.
    for decision, reason in [("eligible", ""), ("not_eligible", "no")]:
        response = client.post(triage_url(later), {"decision": decision, "reason": reason})
        assert "Decide about the possible duplicates of this notification first" in response.text
    response = client.post(
        triage_url(later, "casework:triage_opt_out"), {"reason": "x", "confirm": "on"}
    )
    assert "Decide about the possible duplicates first" in response.text
    assert not Case.objects.filter(notification=later).exists()
    # Once the flag is dismissed, triage goes ahead.
    flag.status = DuplicateStatus.DISMISSED
    flag.save()
    client.post(triage_url(later), {"decision": "eligible"})
    assert Case.objects.get(notification=later).state == CaseState.AWAITING_ALLOCATION


def test_a_merged_notification_points_to_the_one_it_merged_into(client, lac, cases):
    earlier = new_notification(cases)
    merged = new_notification(cases)
    Notification.objects.filter(pk=merged.pk).update(state="merged", merged_into=earlier)
    sign_in_verified(client, lac)
    page = client.get(triage_url(merged))
    assert f'merged into <a href="{triage_url(earlier)}">' in page.text
    assert "Save decision" not in page.text
    client.post(triage_url(merged), {"decision": "eligible"})
    assert not Case.objects.filter(notification=merged).exists()


def test_a_triaged_notification_shows_the_decision_and_cannot_be_triaged_again(client, lac, cases):
    case = cases.make(CaseState.NOT_ELIGIBLE, nhs_number=nhs_number())
    sign_in_verified(client, lac)
    page = client.get(triage_url(case.notification))
    assert "Recorded as not eligible" in page.text and "test" in page.text
    assert "Save decision" not in page.text and "Reconsider the decision" in page.text
    client.post(triage_url(case.notification), {"decision": "eligible"})
    case.refresh_from_db()
    assert case.state == CaseState.NOT_ELIGIBLE


# -- The national data opt-out ------------------------------------------------------------------


def test_choosing_opt_out_asks_for_confirmation_first_and_erases_nothing(client, lac, notification):
    sign_in_verified(client, lac)
    response = client.post(
        triage_url(notification), {"decision": "opted_out", "reason": "Checked on the service"}
    )
    assert response.status_code == 200
    assert "This cannot be undone" in response.text
    assert "Checked on the service" in response.text  # the reason is carried over
    assert "will be erased and this cannot be undone" in response.text
    assert not Case.objects.exists()
    notification.refresh_from_db()
    assert notification.given_name == "Priya"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Checked"}, "Confirm that you understand the person&#39;s details will be"),
        ({"reason": "", "confirm": "on"}, "Enter how the national data opt-out was confirmed"),
    ],
)
def test_the_opt_out_needs_a_reason_and_the_confirmation(client, lac, notification, data, message):
    sign_in_verified(client, lac)
    response = client.post(triage_url(notification, "casework:triage_opt_out"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert not Case.objects.exists()
    notification.refresh_from_db()
    assert notification.given_name == "Priya" and notification.nhs_number


def test_a_confirmed_opt_out_erases_the_person_and_the_page_shows_only_the_fact(
    client, lac, notification
):
    number = notification.nhs_number
    sign_in_verified(client, lac)
    response = client.post(
        triage_url(notification, "casework:triage_opt_out"),
        {"reason": "Checked on the service", "confirm": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == triage_url(notification)
    case = Case.objects.get(notification=notification)
    assert case.state == CaseState.OPTED_OUT
    assert case.events.get().transition == "record_opt_out"
    notification.refresh_from_db()
    assert (notification.given_name, notification.family_name, notification.nhs_number) == (
        "Opted out",
        "",
        "",
    )
    text = response.text
    assert "national data opt-out recorded and the person&#39;s details erased" in text
    assert "The person&#39;s details have been erased" in text
    assert "Not kept (national data opt-out)" in text and "Year of birth" in text
    assert "Priya" not in text and "Shah" not in text
    assert number not in text and number[:3] + " " + number[3:6] not in text
    assert AuditEvent.objects.filter(
        object_type="notifications.Notification",
        object_id=str(notification.pk),
        summary__contains="personal data erased",
    ).exists()


def test_an_opt_out_can_be_recorded_later_on_an_active_case(client, lac, cases):
    case = cases.make(CaseState.AWAITING_ALLOCATION, nhs_number=nhs_number())
    sign_in_verified(client, lac)
    page = client.get(triage_url(case.notification))
    assert "Record a national data opt-out" in page.text
    client.post(
        triage_url(case.notification, "casework:triage_opt_out"),
        {"reason": "Registered after triage", "confirm": "on"},
    )
    case.refresh_from_db()
    assert case.state == CaseState.OPTED_OUT


def test_an_opt_out_is_not_offered_twice(client, lac, cases):
    case = cases.make(CaseState.OPTED_OUT, nhs_number=nhs_number())
    sign_in_verified(client, lac)
    assert "Record a national data opt-out" not in client.get(triage_url(case.notification)).text
    response = client.post(
        triage_url(case.notification, "casework:triage_opt_out"), {"reason": "x", "confirm": "on"}
    )
    assert "cannot be moved" in response.text
    assert case.events.filter(transition="record_opt_out").count() == 1


# -- Reconsidering ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [CaseState.NOT_ELIGIBLE, CaseState.CHILD_DEATH_REVIEW])
def test_reconsidering_needs_a_reason_then_the_case_waits_for_a_reviewer(client, lac, cases, state):
    case = cases.make(state, nhs_number=nhs_number())
    url = triage_url(case.notification, "casework:triage_reconsider")
    sign_in_verified(client, lac)
    response = client.post(url, {"reason": " "})
    assert "Enter why you are reconsidering this decision" in response.text
    case.refresh_from_db()
    assert case.state == state and case.events.count() == 1
    response = client.post(url, {"reason": "He had a learning disability after all"}, follow=True)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ALLOCATION
    event = case.events.last()
    assert (event.transition, event.actor) == ("reconsider", lac)
    assert "reconsidered, waiting for a reviewer" in response.text


def test_only_closed_triage_decisions_can_be_reconsidered(client, lac, cases):
    case = cases.make(CaseState.AWAITING_ALLOCATION, nhs_number=nhs_number())
    sign_in_verified(client, lac)
    url = triage_url(case.notification, "casework:triage_reconsider")
    response = client.post(url, {"reason": "why not"})
    assert response.status_code == 302 and response.url == triage_url(case.notification)
    assert case.events.count() == 1


# -- The notification inbox links here ----------------------------------------------------------


def test_the_inbox_detail_page_offers_triage_until_the_notification_is_triaged(
    client, lac, notification
):
    sign_in_verified(client, lac)
    detail = reverse("notifications:inbox_detail", kwargs={"reference": notification.reference})
    page = client.get(detail)
    assert "Triage this notification" in page.text and triage_url(notification) in page.text
    client.post(triage_url(notification), {"decision": "eligible"})
    page = client.get(detail)
    assert "Triage this notification" not in page.text
    assert "Triaged: Awaiting allocation" in page.text
