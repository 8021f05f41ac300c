import pytest
from django.urls import reverse

from leder.accounts.tests.factories import PASSWORD, UserFactory, sign_in_verified, totp_device
from leder.core.models import AuditAction

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")
WRONG = "Enter a correct e-mail address and password"


def post(client, email, password, url=SIGN_IN):
    return client.post(url, {"email": email, "password": password})


def test_sign_in_page_has_one_heading_and_labelled_fields(client):
    page = client.get(SIGN_IN).content.decode()
    assert page.count("<h1") == 1
    assert 'for="id_email"' in page and 'id="id_email"' in page
    assert 'for="id_password"' in page and 'type="password"' in page
    assert 'autocomplete="current-password"' in page


def test_empty_form_says_what_to_enter_and_writes_nothing(client, audit_rows):
    response = post(client, "", "")
    page = response.content.decode()
    assert "Enter your e-mail address" in page
    assert "Enter your password" in page
    assert "<title>Error: Sign in" in page
    assert audit_rows() == []
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_address_get_the_same_message(client, user, audit_rows):
    wrong_password = post(client, user.email, "not the password").content.decode()
    unknown = post(client, "nobody@example.nhs.uk", PASSWORD).content.decode()
    assert WRONG in wrong_password
    assert WRONG in unknown
    assert "_auth_user_id" not in client.session

    known_row, unknown_row = audit_rows(AuditAction.SIGN_IN_FAILED)
    # The row names the account only when there is one, and never keeps what was typed.
    assert known_row.object_id == str(user.pk)
    assert known_row.details == {"known_account": True, "locked_out": False}
    assert unknown_row.object_id == ""
    assert "nobody" not in str(unknown_row.details) + unknown_row.actor_label


def test_inactive_account_cannot_sign_in(client, user):
    user.is_active = False
    user.save()
    assert WRONG in post(client, user.email, PASSWORD).content.decode()
    assert "_auth_user_id" not in client.session


def test_correct_password_without_an_app_goes_to_set_up(client, user, audit_rows):
    response = post(client, "  Sam.Jones@Example.NHS.uk ", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")
    assert client.session["_auth_user_id"] == str(user.pk)
    [row] = audit_rows(AuditAction.SIGN_IN)
    assert row.actor_id == user.pk


def test_correct_password_with_an_app_asks_for_the_code_and_keeps_next(client, user):
    totp_device(user)
    response = post(client, user.email, PASSWORD, url=f"{SIGN_IN}?next=/account/")
    assert response.url == reverse("accounts:two_factor") + "?next=%2Faccount%2F"


def test_next_pointing_off_site_is_ignored(client, user):
    totp_device(user)
    response = post(client, user.email, PASSWORD, url=f"{SIGN_IN}?next=https://evil.example/")
    assert response.url == reverse("accounts:two_factor")


def test_already_verified_user_goes_home(client, user):
    sign_in_verified(client, user)
    assert client.get(SIGN_IN).url == reverse("accounts:home")


def test_fifth_failure_locks_out_with_429_and_says_when_and_who(client, user, audit_rows):
    for _ in range(4):
        assert post(client, user.email, "wrong").status_code == 200
    response = post(client, user.email, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in for now" in page
    assert "try again after" in page
    assert "30 minutes" in page
    assert "Contact your LeDeR administrator" in page
    assert int(response["Retry-After"]) == 30 * 60

    # Even the right password is refused until the lockout ends.
    assert post(client, user.email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert audit_rows(AuditAction.SIGN_IN_FAILED)[-1].details["locked_out"] is True


def test_lockout_is_per_address(client, user):
    for _ in range(5):
        post(client, user.email, "wrong")
    other = UserFactory()
    response = post(client, other.email, PASSWORD)
    assert response.status_code == 302


def test_lockout_page_names_the_support_contact_when_configured(client, user, settings):
    settings.LEDER_SUPPORT_CONTACT = "leder.support@example.nhs.uk"
    for _ in range(5):
        response = post(client, user.email, "wrong")
    assert "leder.support@example.nhs.uk" in response.content.decode()
