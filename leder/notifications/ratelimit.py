"""A small rate limiter for the public notification form, kept in the Django cache.

The form needs no account, so the only handle on abuse (scripted floods of fake notifications,
or someone probing the form) is the client address. We count POSTs per address in fixed windows:
final submissions per hour (`LEDER_NOTIFY_RATE_LIMIT_PER_HOUR`) and, generously, answers to the
question pages per minute. Over the limit the user sees an NHS.UK page with status 429 and nothing
is stored. The cache must be shared by every web process for the limit to hold across them
(Redis in production, see `REDIS_URL`); a per-process cache only makes it more generous.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from leder.core.audit import client_ip

HOUR = 60 * 60
MINUTE = 60
# Answering a question page is cheap and a person may go back and forth: 60 a minute is far more
# than anyone types, and still stops a script.
DEFAULT_STEP_POSTS_PER_MINUTE = 60


@dataclass(frozen=True)
class Limit:
    scope: str
    per_period: int
    period_seconds: int


def submission_limit() -> Limit:
    return Limit("notify-submit", settings.LEDER_NOTIFY_RATE_LIMIT_PER_HOUR, HOUR)


def step_limit() -> Limit:
    per_minute = getattr(
        settings, "LEDER_NOTIFY_STEP_RATE_LIMIT_PER_MINUTE", DEFAULT_STEP_POSTS_PER_MINUTE
    )
    return Limit("notify-step", per_minute, MINUTE)


def _cache_key(limit: Limit, ident: str, window: int) -> str:
    return f"leder:ratelimit:{limit.scope}:{ident}:{window}"


def hit(limit: Limit, *, ident: str) -> bool:
    """Count one request from `ident` against `limit`; True if it is within the limit."""
    window = int(time.time() // limit.period_seconds)
    key = _cache_key(limit, ident, window)
    # add() is a no-op when the key exists, so concurrent first requests do not reset the count.
    cache.add(key, 0, timeout=limit.period_seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this is the first request of a new window.
        cache.set(key, 1, timeout=limit.period_seconds)
        count = 1
    return count <= limit.per_period


def too_many_requests(request, limit: Limit):
    response = render(
        request,
        "notifications/rate_limited.jinja",
        {"retry_minutes": max(1, limit.period_seconds // MINUTE)},
        status=429,
    )
    response["Retry-After"] = str(limit.period_seconds)
    return response


def limit_posts(limit_for: Callable[[], Limit]):
    """Decorate a view so that its POSTs are counted against `limit_for()`, per client address.
    GETs are never limited: reading the form costs nothing and stores nothing."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                limit = limit_for()
                if not hit(limit, ident=client_ip(request) or "unknown"):
                    return too_many_requests(request, limit)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
