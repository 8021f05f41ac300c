"""The local area contact's notification inbox: who sees what, audited views, decisions."""

from datetime import date

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.notifications.models import (
    DuplicateStatus,
    EligibilityOutcome,
    Notification,
    NotificationState,
)
from leder.notifications.tests.factories import nhs_number, notifier, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb(name="NHS Test ICB", short_name="Test ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def notification(icb):
    return notify(icb, given_name="Priya", family_name="Shah").notification


def urls(n, flag_id=1):
    return [
        reverse("notifications:inbox"),
        reverse("notifications:inbox_detail", kwargs={"reference": n.reference}),
        reverse("notifications:inbox_eligibility", kwargs={"reference": n.reference}),
        reverse(
            "notifications:inbox_duplicate", kwargs={"reference": n.reference, "flag_id": flag_id}
        ),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, notification):
    for url in urls(notification):
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, notification, lac):
    sign_in_password_only(client, lac)
    for url in urls(notification):
        response = client.get(url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


@pytest.mark.parametrize(
    "role",
    [Role.REVIEWER, Role.SENIOR_REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ICB_LEAD],
)
def test_other_roles_in_the_same_icb_cannot_open_the_inbox(client, notification, icb, role):
    sign_in_verified(client, user_with_role(role, icb))
    for url in urls(notification):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.NATIONAL_ANALYST, Role.REGIONAL_COORDINATOR]
)
def test_national_and_regional_roles_and_administrators_see_no_identities(
    client, notification, role
):
    sign_in_verified(client, user_with_role(role))
    for url in urls(notification):
        assert client.get(url).status_code == 403


def test_a_lac_of_another_icb_sees_nothing_of_this_icb(client, notification):
    sign_in_verified(client, user_with_role(Role.LAC, make_icb()))
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert notification.reference not in response.text and "Priya" not in response.text
    for url in urls(notification)[1:]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Priya" not in response.text


def test_the_lac_sees_their_icbs_notifications_with_flags(client, lac, icb, notification):
    notify(icb, given_name="Priya", family_name="Shah")  # a likely duplicate
    sign_in_verified(client, lac)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert notification.reference in response.text
    assert "Possible duplicate" in response.text
    assert "Eligible" in response.text


def test_viewing_a_notification_is_audited(client, lac, notification):
    sign_in_verified(client, lac)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    response = client.get(
        reverse("notifications:inbox_detail", kwargs={"reference": notification.reference})
    )
    assert response.status_code == 200
    assert "Priya Shah" in response.text and "Grace Walsh" in response.text
    views = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert views.count() == before + 1
    event = views.last()
    assert (event.actor, event.object_id) == (lac, str(notification.pk))


def test_inbox_query_count_does_not_grow_with_notifications(
    client, lac, icb, django_assert_max_num_queries
):
    sign_in_verified(client, lac)
    for i in range(3):
        notify(icb, given_name=f"Person{i}", date_of_birth=date(1950 + i, 1, 1))
    # 16: one audit row records the list view (issue 12; PostgreSQL takes an advisory lock first).
    with django_assert_max_num_queries(16) as small:
        client.get(reverse("notifications:inbox"))
    for i in range(20):
        notify(
            icb,
            given_name=f"Other{i}",
            family_name=f"Family{i}",
            date_of_birth=date(1960 + i, 3, 5),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_override_with_missing_answers_shows_errors_and_changes_nothing(client, lac, notification):
    sign_in_verified(client, lac)
    url = reverse("notifications:inbox_eligibility", kwargs={"reference": notification.reference})
    response = client.post(url, {"outcome": "", "reason": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select your eligibility decision" in response.text
    assert "Enter why you are changing the eligibility decision" in response.text
    assert response.text.count("<title>Error:") == 1
    notification.refresh_from_db()
    assert notification.eligibility_outcome == EligibilityOutcome.ELIGIBLE
    assert notification.eligibility_decisions.count() == 1


def test_override_to_the_current_decision_is_refused(client, lac, notification):
    sign_in_verified(client, lac)
    url = reverse("notifications:inbox_eligibility", kwargs={"reference": notification.reference})
    response = client.post(url, {"outcome": "eligible", "reason": "no change"})
    assert "this is the current one" in response.text
    assert notification.eligibility_decisions.count() == 1


def test_override_saves_and_returns_to_the_notification(client, lac, notification):
    sign_in_verified(client, lac)
    url = reverse("notifications:inbox_eligibility", kwargs={"reference": notification.reference})
    response = client.post(url, {"outcome": "not_eligible", "reason": "Died in Wales"}, follow=True)
    assert "Eligibility decision changed" in response.text
    notification.refresh_from_db()
    assert notification.eligibility_outcome == EligibilityOutcome.NOT_ELIGIBLE
    assert "Died in Wales" in response.text


def test_confirming_a_duplicate_through_the_page_merges(client, lac, icb):
    number = nhs_number()
    earlier = notify(icb, nhs_number=number).notification
    later = notify(icb, nhs_number=number, source=notifier(name="Ward 7", relationship="hospital"))
    flag = later.duplicate_flags[0]
    sign_in_verified(client, lac)
    url = reverse(
        "notifications:inbox_duplicate",
        kwargs={"reference": later.notification.reference, "flag_id": flag.pk},
    )
    page = client.get(url)
    assert earlier.reference in page.text and "Same NHS number" in page.text
    response = client.post(url, {"decision": "", "note": ""})
    assert "Select whether these notifications are about the same death" in response.text
    flag.refresh_from_db()
    assert flag.status == DuplicateStatus.OPEN
    response = client.post(url, {"decision": "confirm", "note": "same"}, follow=True)
    assert f"merged into {earlier.reference}" in response.text
    assert Notification.objects.get(pk=later.notification.pk).state == NotificationState.MERGED


def test_a_flag_from_another_notification_is_not_found(client, lac, icb, notification):
    notify(icb, given_name="Unrelated", family_name="Person", date_of_birth=date(1940, 1, 1))
    other = notify(
        icb, given_name="Unrelated", family_name="Person", date_of_birth=date(1940, 1, 1)
    )
    flag = other.duplicate_flags[0]
    sign_in_verified(client, lac)
    url = reverse(
        "notifications:inbox_duplicate",
        kwargs={"reference": notification.reference, "flag_id": flag.pk},
    )
    assert client.get(url).status_code == 404


def test_another_icbs_candidate_shows_only_what_the_decision_needs(client, lac, icb):
    other_icb = make_icb(name="NHS Far ICB", short_name="Far ICB")
    number = nhs_number()
    earlier = notify(
        other_icb, given_name="Wilhelmina", family_name="Quartermaine", nhs_number=number
    )
    later = notify(
        icb, given_name="Wilhelmina", family_name="Quartermain", date_of_birth=date(1965, 2, 11)
    )
    flag = later.duplicate_flags[0]
    assert flag.candidate == earlier.notification
    sign_in_verified(client, lac)
    url = reverse(
        "notifications:inbox_duplicate",
        kwargs={"reference": later.notification.reference, "flag_id": flag.pk},
    )
    page = client.get(url).content.decode()
    assert earlier.notification.reference in page and "Far ICB" in page
    assert "Not shown: held by Far ICB" in page
    # This ICB's own notification is shown; the other ICB's copy of the details is not.
    assert "Quartermain" in page and "Quartermaine" not in page
    assert number not in page and f"{number[:3]} {number[3:6]} {number[6:]}" not in page
