"""The Django admin for API clients and tokens goes through the services (audited) and shows a
new token once, on the page that issued it."""

import re

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.api.models import ApiClient, ApiScope, ApiToken
from leder.api.tests.factories import administrator, api_client
from leder.api.tokens import token_hash
from leder.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

CLIENTS = "/admin/api/apiclient/"
TOKENS = "/admin/api/apitoken/"


@pytest.fixture
def admin_user(client):
    return sign_in_verified(client, administrator())


def _shown_token(response) -> str:
    match = re.search(rb"<code id=\"token-\d+\">(ldr_[^<]+)</code>", response.content)
    assert match, response.content[:2000]
    return match.group(1).decode()


def test_adding_a_client_in_the_admin_goes_through_the_service(client, admin_user):
    organisation = make_icb()
    response = client.post(
        f"{CLIENTS}add/",
        {
            "name": "Trust EPR",
            "organisation": organisation.pk,
            "scopes": [ApiScope.REFERENCE_READ, ApiScope.NOTIFICATIONS_SUBMIT],
            "contact_email": "epr@example.invalid",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    created = ApiClient.objects.get(name="Trust EPR")
    assert created.created_by == admin_user
    assert AuditEvent.objects.filter(
        object_type="api.ApiClient", object_id=str(created.pk), action=AuditAction.CREATE
    ).exists()


def test_a_duplicate_client_name_is_shown_on_the_form(client, admin_user):
    api_client(name="Trust EPR")
    response = client.post(
        f"{CLIENTS}add/",
        {"name": "trust epr", "organisation": make_icb().pk, "scopes": [ApiScope.REFERENCE_READ]},
    )
    assert response.status_code == 200
    assert b"An API client with this name already exists" in response.content
    assert ApiClient.objects.count() == 1


def test_issuing_a_token_from_the_client_list_shows_it_once(client, admin_user):
    api = api_client(admin=admin_user)
    response = client.post(
        CLIENTS, {"action": "issue_token", "_selected_action": [api.pk], "index": 0}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = _shown_token(response)
    assert ApiToken.objects.get(client=api).token_hash == token_hash(token)
    # The list and the token's own page never show it again.
    stored = ApiToken.objects.get(client=api)
    assert token.encode() not in client.get(TOKENS).content
    assert token.encode() not in client.get(f"{TOKENS}{stored.pk}/change/").content


def test_adding_a_token_in_the_admin_shows_it_once(client, admin_user):
    api = api_client(admin=admin_user)
    response = client.post(
        f"{TOKENS}add/", {"client": api.pk, "expires_at_0": "", "expires_at_1": ""}
    )
    assert response.status_code == 200
    token = _shown_token(response)
    assert ApiToken.objects.get(client=api).token_hash == token_hash(token)


def test_rotating_and_revoking_tokens_from_the_admin(client, admin_user):
    api = api_client(admin=admin_user)
    client.post(CLIENTS, {"action": "issue_token", "_selected_action": [api.pk], "index": 0})
    old = ApiToken.objects.get(client=api)
    response = client.post(
        TOKENS, {"action": "rotate_now", "_selected_action": [old.pk], "index": 0}
    )
    new_token = _shown_token(response)
    old.refresh_from_db()
    assert old.revoked_at is not None
    new = ApiToken.objects.get(token_hash=token_hash(new_token))
    client.post(TOKENS, {"action": "revoke_tokens", "_selected_action": [new.pk], "index": 0})
    new.refresh_from_db()
    assert new.revoked_at is not None
    assert (
        AuditEvent.objects.filter(object_type="api.ApiToken", action=AuditAction.UPDATE).count()
        == 2
    )


def test_revoking_a_client_from_the_admin(client, admin_user):
    api = api_client(admin=admin_user)
    client.post(CLIENTS, {"action": "revoke_clients", "_selected_action": [api.pk], "index": 0})
    api.refresh_from_db()
    assert api.revoked_at is not None


@pytest.mark.parametrize("role", [Role.LAC, Role.NATIONAL_ANALYST, Role.ICB_LEAD])
def test_other_roles_cannot_reach_the_api_admin(client, role):
    user = user_with_role(role)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    sign_in_verified(client, user)
    api = api_client()
    assert client.get(CLIENTS).status_code in (302, 403)
    client.post(CLIENTS, {"action": "issue_token", "_selected_action": [api.pk], "index": 0})
    assert not ApiToken.objects.exists()


def test_nothing_can_be_deleted_in_the_admin(client, admin_user):
    api = api_client(admin=admin_user)
    assert client.get(f"{CLIENTS}{api.pk}/delete/").status_code in (302, 403)
