"""Pages about LeDeR for everyone: the easy-read explanation linked from the form and footer."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def about_easy_read(request: HttpRequest) -> HttpResponse:
    """What LeDeR is and what happens after someone tells us about a death, in easy read."""
    return render(request, "notifications/about_easy_read.jinja")
