"""The REST API at /api/v1/: the ninja API, its documentation page, and JSON (not HTML) answers
for addresses and methods the API does not have, so that every error is in the one format."""

from functools import wraps

from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, re_path, reverse

from leder.api import docs
from leder.api.api import api
from leder.api.errors import json_error


def _json_not_allowed(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return json_error(405, Allow=response["Allow"])
        return response

    return wrapped


def index(request):
    return JsonResponse(
        {
            "title": "OpenLeDeR API",
            "version": "1",
            "docs": reverse("api_docs"),
            "openapi": reverse("api:openapi-json"),
        }
    )


def not_found(request, *args, **kwargs):
    return json_error(404)


_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = _json_not_allowed(_pattern.callback)

urlpatterns = [
    path("", index, name="api_index"),
    path("docs", docs.api_docs, name="api_docs"),
    path("", (_patterns, _app_name, _namespace)),
    re_path(r"^.*$", not_found),
]
