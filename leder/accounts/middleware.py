"""Session rules for staff: sign out after a period without activity, and no page behind the
sign-in without a verified second factor."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

LAST_SEEN_KEY = "leder_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                return redirect(f"{reverse('accounts:sign_in')}?timed_out=1")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Paths a signed-in user may reach before completing two-factor authentication.
TWO_FACTOR_EXEMPT_PREFIXES = ("/account/", "/static/", "/assets/")


class RequireTwoFactorMiddleware:
    """Staff pages need `request.user.is_verified()` (django-otp). Public pages (the notification
    form, easy read, accessibility) do not need an account at all, so they are not checked."""

    PUBLIC_PREFIXES = ("/notify", "/about", "/accessibility", "/privacy", "/healthz")

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
            return redirect("accounts:two_factor")
        return self.get_response(request)
