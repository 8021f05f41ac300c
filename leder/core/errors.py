"""NHS.UK error pages in every mode (issue 16): 403, 404 and 500 drawn in the service's layout,
never Django's plain "403 Forbidden" or, in the demo, the debug page that lists every URL.

- `handler403`, `handler404`, `handler500` (set in `leder.config.urls`) when DEBUG is off;
- `ErrorPagesMiddleware` when DEBUG is on (the demo): a 403 or 404 raised by a view, and an
  address that matches no page, get the same NHS.UK page. A 500 in DEBUG keeps Django's
  traceback, which is what a developer needs.
The API (`/api/`) answers its own JSON errors and is left alone.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

NOT_FOUND = (
    "Page not found",
    [
        "If you typed the web address, check it is correct.",
        "If you pasted the web address, check you copied the entire address.",
    ],
)
FORBIDDEN = ("You cannot see this page", [])
FORBIDDEN_HINT = (
    "If you think you should be able to, ask your local area contact or your LeDeR "
    "administrator to check your role."
)
SERVER_ERROR = (
    "Sorry, there is a problem with the service",
    ["Try again later.", "Anything you saved before the problem is kept."],
)


def _page(request: HttpRequest, status: int, heading: str, paragraphs: list[str]):
    try:
        html = render_to_string(
            "core/error.jinja", {"heading": heading, "paragraphs": paragraphs}, request=request
        )
    except Exception:  # the error page must never fail in its turn (a broken database, say)
        html = f"<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1>"
    return HttpResponse(html, status=status)


def _forbidden_paragraphs(exception) -> list[str]:
    # Refusals in this service are written for the person ("Your role does not show case
    # details."), so they are shown; Django's own empty ones are not.
    said = str(exception or "").strip()
    return [said, FORBIDDEN_HINT] if said else [FORBIDDEN_HINT]


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403, FORBIDDEN[0], _forbidden_paragraphs(exception))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404, *NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, *SERVER_ERROR)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class ErrorPagesMiddleware:
    """With DEBUG on, the NHS.UK 403 and 404 pages instead of Django's debug pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not _is_api(request)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception):
        if not settings.DEBUG or _is_api(request):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
