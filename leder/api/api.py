"""The REST API at /api/v1/: one `NinjaAPI`, its routers, its error handlers.

Every operation needs a bearer token (`leder.api.auth`); each checks its own scope. The OpenAPI
document is served at /api/v1/openapi.json and rendered for people at /api/v1/docs by
`leder.api.docs` (server-side, NHS.UK styles: the stock Swagger UI needs a CDN, which the
service cannot rely on).
"""

from ninja import NinjaAPI

from leder.api import errors
from leder.api.auth import bearer_token
from leder.api.routers import exports, notifications, reference

DESCRIPTION = """\
The LeDeR programme's API for trusts' and other NHS organisations' systems: notify a death, read
the status of the notifications your organisation sent, and read the reference data the
programme uses.

**Access.** An administrator registers your system as an API client of your organisation, grants
it scopes and issues a token. Send it with every request: `Authorization: Bearer <token>`. A
missing, unknown, expired or revoked token is 401; a scope the client was not granted is 403.

**Errors.** Every error has the same shape: `{"errors": [{"code", "message", "field"}]}`; `field`
is given when one field of the request is to blame.

**Rate limits.** Requests are counted per token. Over the limit the answer is 429 with a
`Retry-After` header (seconds).
"""

api = NinjaAPI(
    title="OpenLeDeR API",
    version="1",
    description=DESCRIPTION,
    auth=bearer_token,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # served by leder.api.docs, which works offline
)
errors.install(api)

api.add_router("", notifications.router)
api.add_router("", reference.router)

# The national dataset's export endpoints (leder.exports).
api.add_router("/exports", exports.router)
