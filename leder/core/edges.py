"""Input refused at the edge, before any view, form, service or database sees it (issue 11).

PostgreSQL refuses a NUL character in text, and a Python string with a lone surrogate cannot be
encoded for it: either reaching a query was a 500. Values far longer than any field allows only
cost memory and time further in. So, for every request:

- the path, every query-string key and value, every URL-encoded form value and every string in a
  JSON body is refused with 400 if it holds NUL or a lone surrogate;
- a query-string value over `LEDER_MAX_QUERY_VALUE_CHARS` or a form or JSON value over
  `LEDER_MAX_FIELD_CHARS` is refused with 400;
- a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is refused with 413, and one with too many fields
  with 400, instead of the generic error.

Multipart bodies are checked once the view is known (`process_view`), except for views marked
`@reads_its_own_body` (the records upload page sets its own upload handlers before anything
reads the body; Django's form fields refuse NUL in its text). Responses under `/api/` are the
API's JSON error format; others an NHS.UK page.
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.shortcuts import render

# NUL and the UTF-16 surrogates (which only appear in Python strings decoded from broken input).
# How a refusal is answered under /api/: the API app sets this at start-up to its own error
# format (`leder.api.apps`), so core knows nothing of the API (ADR 0033).
api_refusal = None

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _check_text(value: str, *, field: str, limit: int, where: str) -> None:
    if FORBIDDEN.search(value):
        raise Refused(
            400,
            "invalid_characters",
            f"{where} contains a character that is not allowed (NUL).",
            field,
        )
    if len(value) > limit:
        raise Refused(400, "too_long", f"{where} is longer than {limit:,} characters.", field)


def _walk_json(value, *, path: str, limit: int) -> None:
    if isinstance(value, str):
        _check_text(
            value, field=path or None, limit=limit, where=f"The value of {path or 'the body'}"
        )
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            _check_text(str(key), field=child, limit=limit, where="A field name")
            _walk_json(item, path=child, limit=limit)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk_json(item, path=f"{path}.{index}" if path else str(index), limit=limit)


def reads_its_own_body(view):
    """Mark a view whose multipart body the edge must not read first (upload handlers)."""
    view.leder_reads_its_own_body = True
    return view


def _check_form(request, limit: int) -> None:
    for key, values in request.POST.lists():
        _check_text(key, field=key, limit=limit, where="A form field name")
        for value in values:
            _check_text(value, field=key, limit=limit, where="An answer")


def _unreadable(error: SuspiciousOperation) -> Refused:
    """The refusal of a body Django would not read: too large (413), or too many fields or
    files, or a malformed multipart body (400)."""
    if isinstance(error, RequestDataTooBig):
        return Refused(
            413,
            "too_large",
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes.",
        )
    return Refused(400, "bad_request", "The request could not be read.")


def check_multipart(request, view) -> None:
    if request.method != "POST" or getattr(view, "leder_reads_its_own_body", False):
        return
    if not (request.content_type or "").startswith("multipart/"):
        return
    try:
        _check_form(request, settings.LEDER_MAX_FIELD_CHARS)
    except SuspiciousOperation as error:  # RequestDataTooBig is one
        raise _unreadable(error) from None


def check_request(request) -> None:
    field_limit = settings.LEDER_MAX_FIELD_CHARS
    query_limit = settings.LEDER_MAX_QUERY_VALUE_CHARS
    if FORBIDDEN.search(request.path):
        raise Refused(
            400, "invalid_characters", "The address contains a character that is not allowed (NUL)."
        )
    for key, values in request.GET.lists():
        _check_text(key, field=key, limit=query_limit, where="A query-string parameter name")
        for value in values:
            _check_text(
                value, field=key, limit=query_limit, where=f"The query-string parameter {key}"
            )
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.content_type or ""
    try:
        if content_type == "application/x-www-form-urlencoded":
            _check_form(request, field_limit)
        elif content_type == "application/json" or content_type.endswith("+json"):
            body = request.body
            try:
                data = json.loads(body) if body else None
            except ValueError:
                return  # not JSON: the API says so in its own words
            _walk_json(data, path="", limit=field_limit)
    except SuspiciousOperation as error:  # RequestDataTooBig is one
        raise _unreadable(error) from None


class InputEdgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except Refused as refused:
            return self.refuse(request, refused)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            check_multipart(request, view_func)
        except Refused as refused:
            return self.refuse(request, refused)
        return None

    @staticmethod
    def refuse(request, refused: Refused):
        if request.path.startswith("/api/") and api_refusal is not None:
            error = {"code": refused.code, "message": refused.message, "field": refused.field}
            return api_refusal(refused.status, [error])
        response = render(
            request,
            "core/bad_request.jinja",
            {"message": refused.message, "status": refused.status},
            status=refused.status,
        )
        response["X-Frame-Options"] = "DENY"  # XFrameOptionsMiddleware comes after this one
        return response
