"""Limits behind a proxy and across processes (ADR 0111): the client address comes through a
configured number of trusted proxies, never from a header when none is configured; rate-limit
counts live in a store every process shares (the database cache, or Redis)."""

import shutil
import socket
import subprocess

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.test import Client, RequestFactory

from leder.core.client import client_address
from leder.notifications import ratelimit
from leder.notifications.tests.test_public_form import (
    answer_every_page,
    pages,
    submit,
)
from leder.organisations.tests.factories import IcbFactory

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "leder_cache"}
}


def request(remote="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # No proxy configured: the header is never read, whatever it says.
        (0, "198.51.100.7", "203.0.113.9", "198.51.100.7"),
        # One proxy (nginx): it appended the address it saw; anything left of it is the client's.
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        # A load balancer and nginx.
        (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        # Fewer hops than proxies (the request did not come through them all): the proxy's own.
        (2, "127.0.0.1", "203.0.113.9", "127.0.0.1"),
        (1, "127.0.0.1", None, "127.0.0.1"),
        # Not an address: never stored or counted as one.
        (1, "127.0.0.1", "not-an-ip", "127.0.0.1"),
        (1, "127.0.0.1", "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_address_through_trusted_proxies(settings, count, remote, forwarded, expected):
    settings.LEDER_TRUSTED_PROXY_COUNT = count
    assert client_address(request(remote, forwarded)) == expected


def test_the_sign_in_lockout_counts_by_the_same_address(settings):
    settings.LEDER_TRUSTED_PROXY_COUNT = 1
    assert get_client_ip_address(request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    settings.LEDER_TRUSTED_PROXY_COUNT = 0
    assert get_client_ip_address(request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def test_lockout_failures_are_kept_in_the_database(settings):
    from axes.handlers.proxy import AxesProxyHandler

    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    AxesProxyHandler.implementation = None
    assert type(AxesProxyHandler.get_implementation()).__name__ == "AxesDatabaseHandler"


LIMIT = ratelimit.Limit("shared", per_period=5, period_seconds=3600)


def count_with_alternating_clients(monkeypatch, first, second) -> list[bool]:
    """Hit LIMIT seven times, alternating between two cache clients (as two processes would)."""
    results = []
    for index in range(7):
        monkeypatch.setattr(ratelimit, "cache", first if index % 2 == 0 else second)
        results.append(ratelimit.hit(LIMIT, ident="203.0.113.50"))
    return results


@pytest.mark.django_db
def test_counts_are_shared_by_two_clients_of_the_database_cache(settings, monkeypatch):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    first = DatabaseCache("leder_cache", {})
    second = DatabaseCache("leder_cache", {})
    assert count_with_alternating_clients(monkeypatch, first, second) == [True] * 5 + [False] * 2


def test_per_process_memory_would_not_share_them(monkeypatch):
    """The control: two processes' own memory caches each allow the whole limit."""
    first, second = LocMemCache("process-1", {}), LocMemCache("process-2", {})
    assert count_with_alternating_clients(monkeypatch, first, second) == [True] * 7


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:  # waits for the server to say it is ready
            if "Ready to accept connections" in line:
                break
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait()


def test_counts_are_shared_by_two_clients_of_redis(monkeypatch, redis_url):
    from django.core.cache.backends.redis import RedisCache

    first, second = RedisCache(redis_url, {}), RedisCache(redis_url, {})
    assert count_with_alternating_clients(monkeypatch, first, second) == [True] * 5 + [False] * 2


def test_redis_url_selects_redis(monkeypatch):
    import importlib

    from leder.config.settings import base

    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.CACHES["default"]["BACKEND"].endswith("RedisCache")
    finally:
        monkeypatch.delenv("REDIS_URL")
        assert importlib.reload(base).CACHES["default"]["BACKEND"].endswith("DatabaseCache")


def honest_notifications(how_many: int, icb) -> list[int]:
    """Status of the final submission of `how_many` people, each behind the same proxy
    (REMOTE_ADDR 127.0.0.1) with their own address in X-Forwarded-For."""
    statuses = []
    for index in range(how_many):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{index + 1}")
        answers = pages(
            icb,
            person={"given_name": f"Person{index}", "family_name": f"Honest{index}"},
            **{"nhs-number": {"nhs_number": ""}},
        )
        answer_every_page(client, answers)
        statuses.append(submit(client).status_code)
    return statuses


@pytest.mark.django_db
def test_forty_honest_notifications_behind_one_proxy_are_not_refused(settings):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    settings.LEDER_TRUSTED_PROXY_COUNT = 1
    assert settings.LEDER_NOTIFY_RATE_LIMIT_PER_HOUR == 20
    statuses = honest_notifications(40, IcbFactory())
    assert statuses == [302] * 40


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_header_cannot_lift_the_limit(settings):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    settings.LEDER_TRUSTED_PROXY_COUNT = 0
    settings.LEDER_NOTIFY_RATE_LIMIT_PER_HOUR = 3
    statuses = honest_notifications(4, IcbFactory())
    assert statuses == [302, 302, 302, 429]
