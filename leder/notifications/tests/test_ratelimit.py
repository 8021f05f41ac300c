"""The cache-based rate limiter for the public form."""

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from leder.notifications import ratelimit

LIMIT = ratelimit.Limit("test", per_period=3, period_seconds=60)


def test_requests_within_the_limit_are_allowed_and_the_next_is_not():
    assert [ratelimit.hit(LIMIT, ident="10.0.0.1") for _ in range(4)] == [True, True, True, False]


def test_each_address_has_its_own_count():
    for _ in range(3):
        ratelimit.hit(LIMIT, ident="10.0.0.1")
    assert ratelimit.hit(LIMIT, ident="10.0.0.2")


def test_the_count_starts_again_in_the_next_window():
    with mock.patch("leder.notifications.ratelimit.time.time", return_value=6000.0):
        for _ in range(3):
            ratelimit.hit(LIMIT, ident="10.0.0.1")
        assert not ratelimit.hit(LIMIT, ident="10.0.0.1")
    with mock.patch("leder.notifications.ratelimit.time.time", return_value=6060.0):
        assert ratelimit.hit(LIMIT, ident="10.0.0.1")


def test_the_hourly_submission_limit_comes_from_settings(settings):
    settings.LEDER_NOTIFY_RATE_LIMIT_PER_HOUR = 7
    assert ratelimit.submission_limit() == ratelimit.Limit("notify-submit", 7, 3600)


@pytest.fixture
def limited_view():
    calls = []

    @ratelimit.limit_posts(lambda: LIMIT)
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    return view, calls


@pytest.mark.django_db
def test_posts_over_the_limit_get_an_nhs_page_with_429_and_the_view_does_not_run(limited_view):
    view, calls = limited_view
    factory = RequestFactory()
    responses = [view(factory.post("/notify/you", REMOTE_ADDR="10.0.0.9")) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert calls == ["POST"] * 3
    refused = responses[-1]
    assert refused["Retry-After"] == "60"
    html = refused.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "phone the LeDeR team" in html


def test_gets_are_never_limited(limited_view):
    view, calls = limited_view
    factory = RequestFactory()
    for _ in range(10):
        assert view(factory.get("/notify/you", REMOTE_ADDR="10.0.0.9")).status_code == 200
    assert calls == ["GET"] * 10
