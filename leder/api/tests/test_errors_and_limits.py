"""One error format everywhere, and the rate limits per token."""

import pytest

from leder.api import selectors
from leder.api.tests.factories import api_client, bearer, token_for

pytestmark = pytest.mark.django_db


class _MidWindowClock:
    """`time` for the rate limiters, fixed 30 seconds into a minute: requests made while a test
    runs cannot straddle the end of a fixed window (which would reset the count and the test
    would fail on a busy machine)."""

    @staticmethod
    def time() -> float:
        return 1_800_000_030.0


@pytest.fixture(autouse=True)
def _limiter_clock(monkeypatch):
    from leder.api import ratelimit as api_ratelimit
    from leder.notifications import ratelimit

    monkeypatch.setattr(ratelimit, "time", _MidWindowClock)
    monkeypatch.setattr(api_ratelimit, "time", _MidWindowClock)


def _assert_error_format(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["message"]


def test_unknown_address_is_404_in_the_error_format(client):
    _assert_error_format(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_405_in_the_error_format(client, trust_client):
    _, headers = trust_client
    response = client.delete("/api/v1/regions", **headers)
    _assert_error_format(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_unexpected_failure_is_500_in_the_error_format_without_details(
    client, trust_client, monkeypatch
):
    _, headers = trust_client

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "regions", broken)
    response = client.get("/api/v1/regions", **headers)
    _assert_error_format(response, 500, "server_error")
    assert b"secret internals" not in response.content


def test_over_the_limit_is_429_with_retry_after(client, trust_client, settings):
    settings.LEDER_API_RATE_LIMIT_PER_MINUTE = 3
    _, headers = trust_client
    statuses = [client.get("/api/v1/regions", **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/regions", **headers)
    _assert_error_format(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_limit_is_per_token(client, settings):
    settings.LEDER_API_RATE_LIMIT_PER_MINUTE = 1
    api = api_client()
    first, second = bearer(token_for(api)), bearer(token_for(api))
    assert client.get("/api/v1/regions", **first).status_code == 200
    assert client.get("/api/v1/regions", **first).status_code == 429
    assert client.get("/api/v1/regions", **second).status_code == 200


def test_refused_tokens_do_not_use_up_the_limit(client, trust_client, settings):
    settings.LEDER_API_RATE_LIMIT_PER_MINUTE = 1
    _, headers = trust_client
    for _ in range(3):
        assert client.get("/api/v1/regions", **bearer("ldr_wrong")).status_code == 401
    assert client.get("/api/v1/regions", **headers).status_code == 200


def test_submissions_have_their_own_hourly_limit(client, trust_client, settings):
    settings.LEDER_API_SUBMIT_RATE_LIMIT_PER_HOUR = 1
    _, headers = trust_client

    def post():
        return client.post(
            "/api/v1/notifications", data={}, content_type="application/json", **headers
        )

    assert post().status_code == 422
    response = post()
    _assert_error_format(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 3600
    # Reads are counted separately from submissions.
    assert client.get("/api/v1/regions", **headers).status_code == 200
