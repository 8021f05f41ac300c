"""Decorators for staff views in every app.

`RequireTwoFactorMiddleware` already keeps password-only sessions away from most staff URLs, but
it exempts `/account/` (where the second factor is entered) and it cannot know which views are
staff views. Decorating each staff view makes the rule visible where the view is written, and
keeps it true if the view moves under an exempt prefix.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control


def verified_staff_required(view):
    """Let the view run only for an active user who has passed the second factor.

    - not signed in: to the sign-in page, coming back here afterwards;
    - signed in with a password only: to the security-code page, coming back here afterwards.

    Responses are marked `no-store`, so staff pages (which may show personal data) are not kept
    in the browser's cache for the next person at a shared computer.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return redirect_to_login(request.get_full_path())
        if not user.is_verified():
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper
