from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leder.accounts import services
from leder.accounts.tests.factories import UserFactory, current_code

pytestmark = pytest.mark.django_db

KEY = "3132333435363738393031323334353637383930"


def test_totp_code_refuses_outside_demo_mode(settings):
    settings.DEBUG = False
    settings.LEDER_DEMO_MODE = False
    user = UserFactory()
    with pytest.raises(CommandError, match="only runs in a demo or development installation"):
        call_command("totp_code", user.email)


def test_totp_code_prints_the_current_code(settings):
    settings.LEDER_DEMO_MODE = True
    user = UserFactory()
    device = services.user_enrol_totp_for_demo(user=user, key_hex=KEY)
    out = StringIO()
    call_command("totp_code", user.email.upper(), stdout=out, stderr=StringIO())
    assert out.getvalue().strip() in {current_code(device), current_code(device, steps_ahead=1)}


def test_totp_code_explains_a_missing_user_or_device(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="no account"):
        call_command("totp_code", "nobody@example.nhs.uk")
    user = UserFactory()
    with pytest.raises(CommandError, match="has not set up an authenticator app"):
        call_command("totp_code", user.email)
