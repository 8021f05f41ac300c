"""Bearer tokens: what is refused (401), what lacks a scope (403), and what a token's use
records."""

from datetime import timedelta

import pytest

from leder.api import services
from leder.api.models import ApiScope, ApiToken
from leder.api.tests.factories import api_client, bearer, token_for
from leder.core.time import now

pytestmark = pytest.mark.django_db

URL = "/api/v1/regions"


def _error_code(response) -> str:
    return response.json()["errors"][0]["code"]


def test_request_without_token_is_401_in_the_error_format(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert _error_code(response) == "token_missing"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(client, trust_client):
    response = client.get(URL, **bearer("ldr_" + "x" * 43))
    assert response.status_code == 401
    assert _error_code(response) == "token_invalid"


def test_token_with_a_right_prefix_but_wrong_rest_is_401(client):
    token = token_for(api_client())
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.get(URL, **bearer(forged))
    assert response.status_code == 401
    assert _error_code(response) == "token_invalid"


def test_other_authorisation_scheme_is_401(client):
    token = token_for(api_client())
    response = client.get(URL, HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 401
    assert _error_code(response) == "token_invalid"


def test_valid_token_is_accepted(client, trust_client):
    _, headers = trust_client
    assert client.get(URL, **headers).status_code == 200


def test_revoked_token_is_401(client):
    api = api_client()
    token = token_for(api)
    services.api_token_revoke(actor=api.created_by, token=ApiToken.objects.get(client=api))
    response = client.get(URL, **bearer(token))
    assert response.status_code == 401
    assert _error_code(response) == "token_revoked"


def test_expired_token_is_401(client):
    api = api_client()
    token = token_for(api, expires_at=now() + timedelta(days=1))
    ApiToken.objects.filter(client=api).update(expires_at=now() - timedelta(seconds=1))
    response = client.get(URL, **bearer(token))
    assert response.status_code == 401
    assert _error_code(response) == "token_expired"


def test_token_of_a_revoked_client_is_401(client):
    api = api_client()
    token = token_for(api)
    services.api_client_revoke(actor=api.created_by, client=api)
    response = client.get(URL, **bearer(token))
    assert response.status_code == 401
    assert _error_code(response) in {"client_revoked", "token_revoked"}


def test_revoked_client_is_refused_even_if_its_token_row_was_not_revoked(client):
    api = api_client()
    token = token_for(api)
    api.revoked_at = now()
    api.save(update_fields=["revoked_at"])
    response = client.get(URL, **bearer(token))
    assert response.status_code == 401
    assert _error_code(response) == "client_revoked"


def test_missing_scope_is_403(client):
    api = api_client(scopes=[ApiScope.NOTIFICATIONS_READ])
    response = client.get(URL, **bearer(token_for(api)))
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["code"] == "scope_missing"
    assert "reference:read" in body["errors"][0]["message"]


def test_use_of_a_token_is_recorded_at_most_once_a_minute(client):
    api = api_client()
    token = token_for(api)
    client.get(URL, **bearer(token))
    first = ApiToken.objects.get(client=api).last_used_at
    assert first is not None
    client.get(URL, **bearer(token))
    assert ApiToken.objects.get(client=api).last_used_at == first


def test_rotated_token_keeps_working_during_its_grace_and_the_new_one_works(client):
    api = api_client()
    old = token_for(api)
    issued = services.api_token_rotate(
        actor=api.created_by, token=ApiToken.objects.get(client=api), grace=timedelta(hours=1)
    )
    assert client.get(URL, **bearer(old)).status_code == 200
    assert client.get(URL, **bearer(issued.plaintext)).status_code == 200


def test_rotated_token_without_grace_stops_at_once(client):
    api = api_client()
    old = token_for(api)
    issued = services.api_token_rotate(actor=api.created_by, token=ApiToken.objects.get(client=api))
    assert client.get(URL, **bearer(old)).status_code == 401
    assert client.get(URL, **bearer(issued.plaintext)).status_code == 200
