"""Pages every visitor can reach: the start page, accessibility and privacy
(the health checks are in `leder.operations.views`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """The service's front door: tell us about a death, or sign in for staff."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("accounts:home")
    return render(request, "core/home.jinja")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.jinja")
