"""NHS.UK 403, 404 and 500 pages in every mode (issue 16)."""

import pytest
from django.test import RequestFactory, override_settings

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core import errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_is_the_nhsuk_page_not_found(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page-here")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "nhsuk-header" in page
    assert "URLconf" not in page  # never Django's debug page listing every address


@pytest.mark.parametrize("debug", [False, True])
def test_a_refusal_is_the_nhsuk_page_with_its_reason(client, debug):
    sign_in_verified(client, user_with_role(Role.ICB_LEAD))
    with override_settings(DEBUG=debug):
        response = client.get("/staff/cases/LDR-2026-000001")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in page and "nhsuk-header" in page
    assert "Your role does not show case details." in page


def test_a_server_error_is_the_nhsuk_page():
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_api_keeps_its_own_errors(client):
    with override_settings(DEBUG=True):
        response = client.get("/api/v1/no-such-thing")
    assert "Page not found" not in response.content.decode()


def test_notify_with_a_slash_goes_to_the_form(client):
    response = client.get("/notify/")
    assert response.status_code == 302 and response["Location"] == "/notify"
