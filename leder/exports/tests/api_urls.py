"""A URLconf for the export API tests: the API with the export router mounted.

Until `leder.api.api` mounts `leder.api.routers.exports` (the lead adds one line), the tests
mount it on an API of their own, built exactly as the real one (same bearer token, same error
handlers, same namespace), so the tests already exercise what will be served. Once it is
mounted there, the real API is used."""

from django.urls import include, path
from ninja import NinjaAPI

from leder.api import errors
from leder.api.api import api as main_api
from leder.api.auth import bearer_token
from leder.api.routers import exports


def _mounted(api) -> bool:
    return any(router is exports.router for _, router in api._routers)


if _mounted(main_api):
    urlpatterns = [path("api/v1/", include("leder.api.urls"))]
else:
    test_api = NinjaAPI(
        title="OpenLeDeR API (export tests)",
        version="exports-test",
        auth=bearer_token,
        urls_namespace="api",
        docs_url=None,
    )
    errors.install(test_api)
    test_api.add_router("/exports", exports.router)
    urlpatterns = [path("api/v1/", test_api.urls)]
