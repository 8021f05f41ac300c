"""One error format for every API response that is not a success.

    {"errors": [{"code": "invalid", "message": "Date of death must be today or in the past",
                 "field": "person.date_of_death"}]}

Integrators handle one shape whatever went wrong: a bad token (401), a missing scope (403), a
reference that is not theirs (404), a wrong body (422), too many requests (429) or our fault
(500). `code` is stable and meant for programs; `message` is written for the person reading the
log; `field` (a dotted path into the request body, or a header name) is there when one field is
to blame. The handlers are installed on the `NinjaAPI` by `install(api)`.
"""

import logging

import ninja.errors
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Schema

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}
MESSAGES = {
    400: "The request could not be read.",
    401: "Send a valid access token: Authorization: Bearer <token>.",
    403: "This client is not allowed to do that.",
    404: "Not found.",
    405: "This address does not accept that method.",
    429: "Too many requests. Wait before trying again (see the Retry-After header).",
    500: "Something went wrong on our side. It has been logged; try again later.",
}


class ErrorItem(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    errors: list[ErrorItem]


class ApiError(ninja.errors.HttpError):
    """An error a router raises on purpose, with a stable code and optional field."""

    def __init__(self, status: int, message: str, *, code: str | None = None, field=None):
        super().__init__(status, message)
        self.code = code or CODES.get(status, "error")
        self.field = field


class Unauthenticated(ninja.errors.AuthenticationError):
    """A missing, unknown, expired or revoked token (401), with the reason as `code`."""

    def __init__(self, code: str, message: str):
        super().__init__(401, message)
        self.code = code


def error_body(status: int, errors: list[dict] | None = None) -> dict:
    if errors is None:
        errors = [{"code": CODES.get(status, "error"), "message": MESSAGES.get(status, "Error.")}]
    return {"errors": [{k: v for k, v in e.items() if k != "field" or v} for e in errors]}


def json_error(status: int, errors: list[dict] | None = None, **headers) -> JsonResponse:
    """A response in the one format, for code outside ninja (URL fall-through, 405)."""
    response = JsonResponse(error_body(status, errors), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _field_from_location(loc) -> str | None:
    # ninja prefixes the parameter source ("body", "query", "path", "header") and, for a body
    # parameter, the parameter's own name; neither means anything to the integrator.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(parts) or None


def _message(error: dict) -> str:
    message = error.get("msg", "Invalid value")
    if error.get("type") == "missing":
        return "Enter a value: this field is required"
    return message[0].upper() + message[1:] if message else "Invalid value"


def install(api) -> None:
    def respond(request, status: int, errors: list[dict] | None = None) -> HttpResponse:
        return api.create_response(request, error_body(status, errors), status=status)

    @api.exception_handler(ninja.errors.ValidationError)
    def validation(request: HttpRequest, exc: ninja.errors.ValidationError):
        errors = [
            {
                "code": "invalid",
                "message": _message(error),
                "field": _field_from_location(error.get("loc", ())),
            }
            for error in exc.errors
        ]
        return respond(request, 422, errors)

    @api.exception_handler(DjangoValidationError)
    def django_validation(request: HttpRequest, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                {"code": "invalid", "message": message, "field": field}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"code": "invalid", "message": message} for message in exc.messages]
        return respond(request, 422, errors)

    @api.exception_handler(Unauthenticated)
    def unauthenticated(request: HttpRequest, exc: Unauthenticated):
        response = respond(request, 401, [{"code": exc.code, "message": exc.message}])
        response["WWW-Authenticate"] = (
            f'Bearer error="invalid_token", error_description="{exc.code}"'
        )
        return response

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError):
        error = {"code": exc.code, "message": exc.message, "field": exc.field}
        return respond(request, exc.status_code, [error])

    @api.exception_handler(ninja.errors.HttpError)
    def http_error(request: HttpRequest, exc: ninja.errors.HttpError):
        status = exc.status_code
        # ninja's own messages ("Cannot parse request body") help; its 401/429 wording is ours.
        message = MESSAGES.get(status) if status in (401, 429) else str(exc)
        response = respond(
            request,
            status,
            [{"code": CODES.get(status, "error"), "message": message or MESSAGES.get(status)}],
        )
        if status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied):
        message = str(exc) or MESSAGES[403]
        return respond(request, 403, [{"code": "forbidden", "message": message}])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        # Selectors raise Http404 with a plain-words message; say it.
        message = str(exc) or MESSAGES[404]
        return respond(request, 404, [{"code": "not_found", "message": message}])

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"The request body is larger than {limit:,} bytes. Send less in one request."
        return respond(request, 413, [{"code": "too_large", "message": message}])

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation):
        # Too many fields, a malformed multipart body: the request's fault, not ours.
        return respond(request, 400, [{"code": "bad_request", "message": MESSAGES[400]}])

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception):
        logger.exception("Unhandled error in the API: %s %s", request.method, request.path)
        return respond(request, 500)
