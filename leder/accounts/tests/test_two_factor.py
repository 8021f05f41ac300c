import re
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from leder.accounts import services
from leder.accounts.sealing import recovery_code_digest
from leder.accounts.tests.factories import (
    current_code,
    sign_in_password_only,
    sign_in_verified,
    totp_device,
)
from leder.core.models import AuditAction

pytestmark = pytest.mark.django_db

SET_UP = reverse("accounts:two_factor_setup")
TWO_FACTOR = reverse("accounts:two_factor")
RECOVERY = reverse("accounts:two_factor_recovery")
HOME = reverse("accounts:home")


def is_verified(client) -> bool:
    return client.get(HOME).status_code == 200


def enrol(client, user) -> list[str]:
    """Go through set-up with a real code; return the recovery codes shown."""
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(SET_UP, {"code": current_code(device)}).content.decode()
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)


# --- setting up ---------------------------------------------------------------------------------


def test_set_up_page_shows_a_qr_code_and_the_key_in_groups(client, user):
    sign_in_password_only(client, user)
    page = client.get(SET_UP).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'role="img"' in page and '<title id="qr-code-title">' in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    groups = re.findall(r"<span>([A-Z2-7]{4})</span>", page)
    assert len(groups) == 8
    assert page.count("<h1") == 1
    # Reloading shows the same key, in case the code was already scanned.
    client.get(SET_UP)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_wrong_code_at_set_up_is_refused_and_audited(client, user, audit_rows):
    sign_in_password_only(client, user)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    page = client.post(SET_UP, {"code": wrong}).content.decode()
    assert "The security code is not right" in page
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1
    assert not is_verified(client)
    [row] = audit_rows(AuditAction.TWO_FACTOR)
    assert row.details == {"event": "refused", "reason": "enrolment code wrong"}


def test_badly_formed_code_gets_a_format_message_and_counts_nothing(client, user, audit_rows):
    sign_in_password_only(client, user)
    client.get(SET_UP)
    page = client.post(SET_UP, {"code": "12ab"}).content.decode()
    assert "Enter the security code as 6 numbers, like 123456" in page
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0
    assert audit_rows() == []


def test_right_code_confirms_the_app_and_shows_ten_recovery_codes_once(client, user, audit_rows):
    sign_in_password_only(client, user)
    codes = enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert is_verified(client)
    [row] = audit_rows(AuditAction.TWO_FACTOR)
    assert row.details == {"event": "enrolled"}
    assert not any(code.replace("-", "") in str(row.details) for code in codes)
    # The set-up page is finished with: it does not show the codes (or a new key) again.
    assert client.get(SET_UP).url == HOME


def test_someone_with_only_the_password_cannot_replace_a_confirmed_app(client, user):
    totp_device(user)
    sign_in_password_only(client, user)
    assert client.get(SET_UP).url == TWO_FACTOR
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_set_up_needs_a_password_first(client):
    assert client.get(SET_UP).url == reverse("accounts:sign_in")


# --- signing in with a code ---------------------------------------------------------------------


def test_right_code_verifies_the_session_and_goes_to_next(client, user, audit_rows):
    device = totp_device(user)
    sign_in_password_only(client, user)
    response = client.post(f"{TWO_FACTOR}?next=/account/", {"code": current_code(device)})
    assert response.url == "/account/"
    assert is_verified(client)
    [row] = audit_rows(AuditAction.TWO_FACTOR)
    assert row.details == {"event": "verified", "method": "authenticator app"}


def test_a_code_works_once(client, user):
    device = totp_device(user)
    code = current_code(device)
    sign_in_password_only(client, user)
    client.post(TWO_FACTOR, {"code": code})
    client.post(reverse("accounts:sign_out"))
    sign_in_password_only(client, user)
    page = client.post(TWO_FACTOR, {"code": code}).content.decode()
    assert "The security code is not right" in page
    assert not is_verified(client)


def test_wrong_codes_are_throttled_and_the_wait_is_shown(client, user, audit_rows):
    device = totp_device(user)
    sign_in_password_only(client, user)
    # Four wrong codes in a row: django-otp now makes the user wait 2**3 = 8 seconds.
    device.throttling_failure_count = 4
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    page = client.post(TWO_FACTOR, {"code": current_code(device)}).content.decode()
    assert "You have entered too many wrong codes. Wait 8 seconds and try again" in page
    assert not is_verified(client)
    assert audit_rows(AuditAction.TWO_FACTOR)[-1].details["reason"] == "throttled"

    # Once the wait is over the right code works again.
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=9)
    device.save()
    assert client.post(TWO_FACTOR, {"code": current_code(device)}).status_code == 302
    assert is_verified(client)


def test_throttling_is_on():
    assert TOTPDevice().throttling_enabled
    assert [e for e in run_checks(tags=["security"]) if e.id == "accounts.E001"] == []


def test_system_check_fails_when_throttling_is_turned_off(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    assert [e.id for e in run_checks(tags=["security"]) if e.id.startswith("accounts")] == [
        "accounts.E001"
    ]


def test_code_page_without_an_app_goes_to_set_up(client, user):
    sign_in_password_only(client, user)
    assert client.get(TWO_FACTOR).url == SET_UP


def test_code_page_needs_a_password_first(client):
    assert client.get(TWO_FACTOR).url == reverse("accounts:sign_in")


# --- recovery codes -----------------------------------------------------------------------------


def test_recovery_code_works_once_only(client, user, audit_rows):
    sign_in_password_only(client, user)
    codes = enrol(client, user)
    client.post(reverse("accounts:sign_out"))

    sign_in_password_only(client, user)
    response = client.post(RECOVERY, {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert response.request["PATH_INFO"] == HOME
    assert "You have 9 recovery codes left" in response.content.decode()
    row = audit_rows(AuditAction.TWO_FACTOR)[-1]
    assert row.details == {"event": "verified", "method": "recovery code", "codes_left": 9}
    client.post(reverse("accounts:sign_out"))

    sign_in_password_only(client, user)
    page = client.post(RECOVERY, {"code": codes[0]}).content.decode()
    assert "The recovery code is not right, or it has been used already" in page
    assert not is_verified(client)


def test_few_recovery_codes_left_says_to_get_new_ones(client, user):
    sign_in_password_only(client, user)
    codes = enrol(client, user)
    StaticToken.objects.filter(device__user=user).exclude(
        token__in=[recovery_code_digest(c.replace("-", "")) for c in codes[:3]]
    ).delete()
    client.post(reverse("accounts:sign_out"))
    sign_in_password_only(client, user)
    page = client.post(RECOVERY, {"code": codes[0]}, follow=True).content.decode()
    assert "You have 2 recovery codes left. Get new recovery codes from your account page." in page


def test_new_recovery_codes_replace_the_old_ones(client, user, audit_rows):
    sign_in_password_only(client, user)
    old = enrol(client, user)
    page = client.get(reverse("accounts:recovery_codes_new")).content.decode()
    assert "You have 10 recovery codes left" in page
    page = client.post(reverse("accounts:recovery_codes_new")).content.decode()
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert "Your old codes no longer work" in page
    assert audit_rows(AuditAction.TWO_FACTOR)[-1].details == {
        "event": "recovery codes replaced",
        "count": 10,
    }


def test_new_recovery_codes_need_a_verified_session(client, user):
    sign_in_password_only(client, user)
    totp_device(user)
    response = client.post(reverse("accounts:recovery_codes_new"))
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)
    assert StaticToken.objects.count() == 0


def test_recovery_codes_replace_refuses_an_unverified_request(rf, user):
    request = rf.post("/")
    request.user = user
    user.is_verified = lambda: False
    with pytest.raises(services.PermissionDenied):
        services.recovery_codes_replace(request=request)


def test_sign_in_verified_helper_gives_a_verified_session(client, user):
    sign_in_verified(client, user)
    assert is_verified(client)


def test_passing_the_second_factor_gives_the_session_a_new_key(client, user):
    device = totp_device(user)
    sign_in_password_only(client, user)
    before = client.cookies["sessionid"].value
    client.post(TWO_FACTOR, {"code": current_code(device)})
    assert client.cookies["sessionid"].value != before
    assert is_verified(client)
