"""`manage.py api_token_issue`: a token for demos, issued through the audited service."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.api.models import ApiToken
from leder.api.tests.factories import api_client
from leder.api.tokens import token_hash

pytestmark = pytest.mark.django_db


def test_command_prints_a_working_token_once():
    api = api_client(name="Demo EPR")
    out = StringIO()
    call_command("api_token_issue", "Demo EPR", "--by", api.created_by.email, stdout=out)
    token = out.getvalue().strip()
    assert ApiToken.objects.get(client=api).token_hash == token_hash(token)


def test_command_refuses_a_non_administrator_and_an_unknown_client():
    api_client(name="Demo EPR")
    lac = user_with_role(Role.LAC)
    with pytest.raises(CommandError, match="administrator"):
        call_command("api_token_issue", "Demo EPR", "--by", lac.email, stdout=StringIO())
    with pytest.raises(CommandError, match="No API client"):
        call_command("api_token_issue", "Nope", "--by", lac.email, stdout=StringIO())
    assert not ApiToken.objects.exists()
