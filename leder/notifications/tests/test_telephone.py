"""A local area contact enters a notification taken by telephone."""

import uuid

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    UserFactory,
    sign_in_password_only,
    sign_in_verified,
    user_with_role,
)
from leder.notifications.models import Channel, Notification
from leder.notifications.tests.test_public_form import pages, summary_errors
from leder.organisations.tests.factories import IcbFactory

pytestmark = pytest.mark.django_db

URL = reverse("notifications:telephone_entry")


@pytest.fixture
def icb():
    return IcbFactory(short_name="West Yorkshire")


@pytest.fixture
def lac(client, icb):
    return sign_in_verified(client, user_with_role(Role.LAC, organisation=icb))


def call(icb, **changes) -> dict:
    """What the LAC types during the call: every page of the public form in one POST."""
    data = {"submission_key": str(uuid.uuid4())}
    for page in pages(icb, **changes).values():
        data.update(page)
    return data


def test_a_lac_records_a_call_as_a_telephone_notification_recorded_by_them(client, icb, lac):
    response = client.post(URL, call(icb))

    notification = Notification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "notifications:telephone_done", args=[notification.reference]
    )
    assert notification.channel == Channel.TELEPHONE
    assert notification.icb == icb
    assert notification.nhs_number == "9990000018"
    source = notification.sources.get()
    assert source.channel == Channel.TELEPHONE
    assert source.recorded_by == lac
    assert source.name == "Ann Oduya"

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert notification.reference in done.content.decode()


def test_the_telephone_page_asks_every_question_of_the_public_form(client, icb, lac):
    html = client.get(URL).content.decode()
    for name in call(icb):
        assert f'name="{name}"' in html, name
    assert html.count("<h1") == 1


def test_follow_up_questions_apply_only_when_the_answer_calls_for_them(client, icb, lac):
    data = call(icb, concerns={"has_care_concerns": "yes"})
    data.update(relationship="other", relationship_detail="", care_concerns="")
    response = client.post(URL, data)
    texts = [text for text, _ in summary_errors(response)]
    assert "Enter how the caller knew the person" in texts
    assert "Enter the caller's concerns" in texts

    data.update(relationship="family", relationship_detail="ignored", has_care_concerns="no")
    data["care_concerns"] = "ignored"
    assert client.post(URL, data).status_code == 302
    notification = Notification.objects.get()
    assert notification.care_concerns == ""
    assert notification.sources.get().relationship_detail == ""


def test_a_lac_can_choose_only_their_own_icbs(client, icb, lac):
    other = IcbFactory(short_name="Somewhere Else")
    html = client.get(URL).content.decode()
    assert "West Yorkshire" in html
    assert "Somewhere Else" not in html

    response = client.post(URL, call(icb, area={"icb": str(other.pk)}))

    assert response.status_code == 200
    assert ("Select the area where the person lived", "#id_icb") in summary_errors(response)
    assert Notification.objects.count() == 0


def test_bad_input_is_shown_in_one_error_summary_and_nothing_is_stored(client, icb, lac):
    data = call(icb, **{"nhs-number": {"nhs_number": "9990000019"}})
    data["date_of_death_year"] = "1950"
    data.pop("relationship")

    response = client.post(URL, data)

    assert response.status_code == 200
    texts = [text for text, _ in summary_errors(response)]
    assert "Select how the caller knew the person who died" in texts
    assert "Date of death must be the same as or after the date of birth" in texts
    assert "Enter a valid NHS number, or leave this blank if you do not know it" in texts
    assert Notification.objects.count() == 0
    key = data["submission_key"]
    assert f'value="{key}"' in response.content.decode(), "the same key is kept for the retry"


def test_the_same_call_submitted_twice_is_one_notification(client, icb, lac):
    data = call(icb)
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Notification.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_reviewer_cannot_record_a_telephone_notification(client, icb):
    sign_in_verified(client, user_with_role(Role.REVIEWER, organisation=icb))
    assert client.get(URL).status_code == 403
    assert client.post(URL, call(icb)).status_code == 403
    assert Notification.objects.count() == 0


def test_staff_without_a_second_factor_are_sent_to_it(client, icb):
    sign_in_password_only(client, user_with_role(Role.LAC, organisation=icb))
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:two_factor") in response["Location"]


def test_the_public_are_sent_to_sign_in(client, icb):
    response = client.post(URL, call(icb))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]
    assert Notification.objects.count() == 0


def test_another_lac_cannot_read_the_confirmation(client, icb, lac):
    from django.test import Client

    done_url = client.post(URL, call(icb))["Location"]
    colleague = Client()
    sign_in_verified(colleague, user_with_role(Role.LAC, organisation=icb))
    assert colleague.get(done_url).status_code == 404


def test_a_user_with_no_roles_is_refused(client, icb):
    sign_in_verified(client, UserFactory())
    assert client.get(URL).status_code == 403
