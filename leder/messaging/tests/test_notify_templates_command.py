import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from leder.messaging import kinds


def test_it_lists_every_template_and_fails_when_notify_is_on_and_one_is_missing(settings):
    settings.LEDER_NOTIFY_TEMPLATE_IDS = {}
    out = StringIO()
    call_command("notify_templates", stdout=out)
    text = out.getvalue()
    assert "family_invitation.email: not set" in text
    assert "family_invitation.email.easy_read: not set (optional)" in text
    assert "((link))" in text and "family_invitation.letter: precompiled PDF" in text
    settings.LEDER_NOTIFY_API_KEY = "key"
    with pytest.raises(SystemExit):
        call_command("notify_templates", stdout=StringIO(), stderr=StringIO())
    settings.LEDER_NOTIFY_TEMPLATE_IDS = {k: str(uuid.uuid4()) for k in kinds.required_templates()}
    call_command("notify_templates", stdout=StringIO())
