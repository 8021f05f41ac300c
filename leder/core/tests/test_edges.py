"""Each input that used to be a 500 (issue 11) now answers 4xx with a clear message, and the
edge refuses NUL and over-long values in paths, query strings, forms and JSON."""

import pytest
from django.test import Client

from leder.accounts.tests.factories import icb as make_icb
from leder.api.tests.factories import api_client, bearer, token_for
from leder.api.tests.payloads import changed, notification_payload
from leder.notifications.models import DuplicateFlag, Notification
from leder.notifications.tests.factories import notify
from leder.notifications.tests.test_public_form import (
    answer_pages_before,
    pages,
    step_url,
    summary_errors,
)

pytestmark = pytest.mark.django_db

API_SUBMIT = "/api/v1/notifications"


@pytest.fixture
def area():
    return make_icb()


@pytest.fixture
def headers():
    return bearer(token_for(api_client()))


def error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["errors"][0]


# --- the four former 500s ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "dates",
    [
        {"date_of_death_day": "9" * 30, "date_of_death_month": "5"},
        {"date_of_death_day": "10", "date_of_death_month": "9" * 30},
        {"date_of_death_day": "10", "date_of_death_month": "99999999999999999999"},
        {"date_of_death_day": "²", "date_of_death_month": "5"},
    ],
)
def test_a_huge_day_or_month_is_a_form_error_not_a_500(client, area, dates):
    answers = pages(area)
    answer_pages_before(client, answers, "dates")
    response = client.post(step_url("dates"), {**answers["dates"], **dates})
    assert response.status_code == 200
    assert "Date of death must be a real date" in [text for text, _ in summary_errors(response)]


def test_an_api_body_over_the_limit_is_413_with_a_clear_message(client, area, headers, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload = changed(notification_payload(area), "person", circumstances="x" * 20_000)
    response = client.post(API_SUBMIT, payload, content_type="application/json", **headers)
    assert response.status_code == 413
    assert error(response) == {
        "code": "too_large",
        "message": "The request body is larger than 10,000 bytes.",
    }
    assert not Notification.objects.exists()


def test_the_api_says_413_for_a_body_the_edge_does_not_read(client, headers, settings):
    """A body that is not JSON reaches ninja, which reads it: api/errors.py answers 413."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post(API_SUBMIT, "x" * 5_000, content_type="text/plain", **headers)
    assert response.status_code == 413
    assert error(response)["code"] == "too_large"
    assert "larger than 1,000 bytes" in error(response)["message"]


def test_a_nul_in_the_path_is_400(client, headers):
    response = client.get("/api/v1/notifications/%00", **headers)
    assert response.status_code == 400
    assert error(response)["code"] == "invalid_characters"
    page = client.get("/notify/%00")
    assert page.status_code == 400
    assert "Sorry, there is a problem with what was sent" in page.content.decode()
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("section", "field"),
    [("person", "icb"), ("person", "given_name"), ("notifier", "name"), ("person", "postcode")],
)
def test_a_nul_in_any_api_text_field_is_400_naming_the_field(client, area, headers, section, field):
    payload = changed(notification_payload(area), section, **{field: "A\x00B"})
    response = client.post(API_SUBMIT, payload, content_type="application/json", **headers)
    assert response.status_code == 400
    assert error(response)["field"] == f"{section}.{field}"
    assert "NUL" in error(response)["message"]
    assert not Notification.objects.exists()


def test_a_lone_surrogate_in_json_is_400(client, area, headers):
    body = '{"person": {"given_name": "\\ud800"}}'
    response = client.post(API_SUBMIT, body, content_type="application/json", **headers)
    assert response.status_code == 400


# --- forms and query strings -------------------------------------------------------------------


def test_a_nul_in_a_form_answer_is_400_and_nothing_is_kept(client, area):
    answers = pages(area)
    answer_pages_before(client, answers, "person")
    response = client.post(step_url("person"), {**answers["person"], "given_name": "Ma\x00rgaret"})
    assert response.status_code == 400
    assert "not allowed (NUL)" in response.content.decode()


def test_a_nul_or_an_over_long_value_in_a_query_string_is_400(client, settings):
    assert client.get("/notify", {"q": "a\x00"}).status_code == 400
    settings.LEDER_MAX_QUERY_VALUE_CHARS = 50
    response = client.get("/notify", {"q": "a" * 51})
    assert response.status_code == 400
    assert "longer than 50 characters" in response.content.decode()
    assert client.get("/notify", {"q": "a" * 50}).status_code == 200


def test_an_over_long_form_answer_is_400(client, area, settings):
    settings.LEDER_MAX_FIELD_CHARS = 1_000
    answers = pages(area)
    answer_pages_before(client, answers, "person")
    response = client.post(step_url("person"), {**answers["person"], "other_names": "x" * 1_001})
    assert response.status_code == 400


def test_over_long_api_values_are_refused_by_the_schema(client, area, headers):
    payload = changed(notification_payload(area), "person", given_name="x" * 101)
    response = client.post(API_SUBMIT, payload, content_type="application/json", **headers)
    assert response.status_code == 422
    assert error(response)["field"] == "person.given_name"


def test_a_staff_page_refuses_nul_in_its_query_string():
    response = Client().get("/staff/cases", {"search": "\x00"})
    assert response.status_code == 400


# --- duplicate candidates ----------------------------------------------------------------------


def test_duplicate_candidates_per_notification_are_capped(area, settings):
    settings.LEDER_MAX_DUPLICATE_CANDIDATES = 3
    for _ in range(5):
        notify(area)
    newest = notify(area).notification
    assert DuplicateFlag.objects.filter(notification=newest).count() == 3
