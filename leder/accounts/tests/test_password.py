import pytest
from django.test import Client
from django.urls import reverse

from leder.accounts.tests.factories import PASSWORD, sign_in_password_only, sign_in_verified
from leder.core.models import AuditAction

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")
NEW = "another long passphrase 7"


def change(client, current=PASSWORD, new=NEW, again=NEW):
    return client.post(
        CHANGE,
        {"current_password": current, "new_password": new, "new_password_again": again},
        follow=True,
    )


def test_change_own_password_keeps_this_session_and_ends_others(client, user, audit_rows):
    other_browser = Client()
    sign_in_verified(other_browser, user)
    sign_in_verified(client, user)
    response = change(client)
    assert "Your password has been changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("accounts:home")).status_code == 200
    assert other_browser.get(reverse("accounts:home")).status_code == 302
    [row] = audit_rows(AuditAction.UPDATE)
    assert row.details == {"changed": ["password"]} and NEW not in row.summary


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong", NEW, NEW, "Your current password is not right"),
        (PASSWORD, NEW, "different one", "Enter the same new password twice"),
        (PASSWORD, "short", "short", "This password is too short"),
        ("", "", "", "Enter your current password"),
    ],
)
def test_bad_password_change_shows_why_and_writes_nothing(
    client, user, audit_rows, current, new, again, message
):
    sign_in_verified(client, user)
    page = change(client, current, new, again).content.decode()
    assert message in page
    assert "<title>Error: Change your password" in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert audit_rows() == []


def test_password_change_needs_the_second_factor(client, user):
    sign_in_password_only(client, user)
    assert client.get(CHANGE).url.startswith(reverse("accounts:two_factor"))


def test_admin_password_change_link_goes_to_the_service_page(client, administrator):
    sign_in_verified(client, administrator)
    assert client.get(reverse("admin:password_change")).url == CHANGE
