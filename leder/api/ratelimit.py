"""Rate limits per API token, counted in the Django cache.

The same fixed-window counter as the public form (`leder.notifications.ratelimit.hit`), keyed by
token rather than by address: a trust's system behind one address does not share its allowance
with another's, and a rotated token starts a fresh count. Over the limit the client gets 429 in
the API's error format with `Retry-After` (seconds to the end of the window). The limits come
from settings (`LEDER_API_RATE_LIMIT_PER_MINUTE`, `LEDER_API_SUBMIT_RATE_LIMIT_PER_HOUR`);
like the form's, they hold across processes only with a shared cache (Redis in production).
"""

import math
import time

from django.conf import settings
from ninja.throttling import BaseThrottle

from leder.notifications.ratelimit import MINUTE, Limit, hit

HOUR = 60 * MINUTE
DEFAULT_PER_MINUTE = 120
# Submissions: a trust's system may send a batch after an outage, but not thousands an hour.
DEFAULT_SUBMIT_PER_HOUR = 600


def requests_limit() -> Limit:
    per_minute = getattr(settings, "LEDER_API_RATE_LIMIT_PER_MINUTE", DEFAULT_PER_MINUTE)
    return Limit("api", per_minute, MINUTE)


def submit_limit() -> Limit:
    per_hour = getattr(settings, "LEDER_API_SUBMIT_RATE_LIMIT_PER_HOUR", DEFAULT_SUBMIT_PER_HOUR)
    return Limit("api-submit", per_hour, HOUR)


class TokenThrottle(BaseThrottle):
    """Counts each authenticated request against `limit_for()`, per token. Runs after
    authentication (ninja's order), so refused tokens are never counted."""

    def __init__(self, limit_for=requests_limit):
        self.limit_for = limit_for

    def allow_request(self, request) -> bool:
        token = getattr(request, "api_token", None)
        if token is None:
            return True
        return hit(self.limit_for(), ident=f"token-{token.pk}")

    def wait(self) -> float:
        """Seconds to the end of the current window, when the count starts again. Computed
        here, not kept from `allow_request`: one throttle object serves every thread."""
        period = self.limit_for().period_seconds
        return max(1, math.ceil(period - (time.time() % period)))
