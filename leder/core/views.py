"""Pages every visitor can reach: the start page, accessibility, privacy and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
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


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
