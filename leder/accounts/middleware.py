"""Session rules for staff: sign out after a period without activity, and no page behind the
sign-in without a verified second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from leder.accounts.services import user_sign_out

LAST_SEEN_KEY = "leder_last_seen"


class IdleTimeoutMiddleware:
    """After SESSION_IDLE_TIMEOUT_SECONDS without a request, the next request signs the user out
    (audited) and goes to the sign-in page, which explains why. A GET comes back to the same page
    after signing in again; a POST's data is lost, which is the point of the timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                user_sign_out(request=request, reason="idle")
                query = {"timed_out": "1"}
                if request.method == "GET":
                    query["next"] = request.get_full_path()
                return redirect(f"{reverse('accounts:sign_in')}?{urlencode(query)}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Paths a signed-in user may reach before completing two-factor authentication.
TWO_FACTOR_EXEMPT_PREFIXES = ("/account/", "/static/", "/assets/")


class RequireTwoFactorMiddleware:
    """Staff pages need `request.user.is_verified()` (django-otp). Public pages (the notification
    form, easy read, accessibility) do not need an account at all, so they are not checked.
    `/account/` is exempt because the second factor is entered there; staff views under it (and
    everywhere else) use `leder.accounts.decorators.verified_staff_required` as well."""

    PUBLIC_PREFIXES = (
        "/notify",
        "/about",
        "/accessibility",
        "/privacy",
        "/healthz",
        "/readyz",
        "/records",
        "/feedback",
        "/api/",
        "/messaging/",
        "/family/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and path != "/"
            and not path.startswith(TWO_FACTOR_EXEMPT_PREFIXES + self.PUBLIC_PREFIXES)
        ):
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            url = reverse("accounts:two_factor")
            return redirect(f"{url}?{query}" if query else url)
        return self.get_response(request)
