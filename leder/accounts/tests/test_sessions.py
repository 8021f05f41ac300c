import time

import pytest
from django.urls import reverse

from leder.accounts.middleware import LAST_SEEN_KEY
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, totp_device
from leder.core.models import AuditAction

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
SIGN_IN = reverse("accounts:sign_in")
SIGN_OUT = reverse("accounts:sign_out")


def idle_for(client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


# --- second factor required ---------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next=/account/"


def test_password_only_session_cannot_reach_the_staff_home(client, user):
    totp_device(user)
    sign_in_password_only(client, user)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:two_factor')}?next=%2Faccount%2F"


def test_password_only_session_cannot_reach_staff_pages_outside_account(client, user):
    sign_in_password_only(client, user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def test_password_only_session_can_still_read_public_pages(client, user):
    sign_in_password_only(client, user)
    assert client.get(reverse("accessibility")).status_code == 200


def test_staff_pages_are_not_cached(client, user):
    sign_in_verified(client, user)
    response = client.get(HOME)
    assert "no-store" in response["Cache-Control"]


# --- idle timeout -------------------------------------------------------------------------------


def test_idle_session_is_signed_out_and_told_why(client, user, settings, audit_rows):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    sign_in_verified(client, user)
    assert client.get(HOME).status_code == 200
    idle_for(client, 30 * 60 + 1)

    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?timed_out=1&next=%2Faccount%2F"
    assert "_auth_user_id" not in client.session
    [row] = audit_rows(AuditAction.SIGN_OUT)
    assert row.details == {"reason": "idle"}

    page = client.get(response.url).content.decode()
    assert "You were signed out because you had not done anything for 30 minutes" in page


def test_activity_within_the_limit_keeps_the_session(client, user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    sign_in_verified(client, user)
    client.get(HOME)
    idle_for(client, 29 * 60)
    assert client.get(HOME).status_code == 200
    # The request moved "last seen" on: the clock starts again.
    assert time.time() - client.session[LAST_SEEN_KEY] < 5


def test_idle_post_is_not_sent_back_to(client, user):
    sign_in_verified(client, user)
    client.get(HOME)
    idle_for(client, 24 * 60 * 60)
    response = client.post(reverse("accounts:recovery_codes_new"))
    assert response.url == f"{SIGN_IN}?timed_out=1"


# --- signing out --------------------------------------------------------------------------------


def test_sign_out_link_shows_a_page_with_a_button(client, user):
    sign_in_verified(client, user)
    response = client.get(SIGN_OUT)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Sign out</h1>" in page
    assert 'method="post"' in page
    # Reaching it by GET does not sign out.
    assert client.get(HOME).status_code == 200


def test_sign_out_by_post_ends_the_session(client, user, audit_rows):
    sign_in_verified(client, user)
    response = client.post(SIGN_OUT, follow=True)
    assert response.request["PATH_INFO"] == SIGN_IN
    assert "You have signed out" in response.content.decode()
    assert "_auth_user_id" not in client.session
    [row] = audit_rows(AuditAction.SIGN_OUT)
    assert row.actor_id == user.pk and row.details == {"reason": "signed out"}
    assert client.get(HOME).status_code == 302


def test_sign_out_when_not_signed_in_writes_nothing(client, audit_rows):
    assert client.post(SIGN_OUT).url == SIGN_IN
    assert client.get(SIGN_OUT).url == SIGN_IN
    assert audit_rows() == []


def test_header_links_to_sign_out(client, user):
    sign_in_verified(client, user)
    assert f'href="{SIGN_OUT}"' in client.get(HOME).content.decode()
