"""Bearer-token authentication for the API, and the scope check every endpoint makes.

`BearerToken` finds the token by its prefix, compares SHA-256 hashes in constant time and
refuses (401) a token that is unknown, revoked (after any grace period given at rotation),
expired, or whose client is revoked. On success `request.auth` is the `ApiClient` and
`request.api_token` the `ApiToken`. Endpoints call `require_scope(request, ApiScope.…)` first:
a client without the scope gets 403.
"""

from datetime import timedelta

from django.http import HttpRequest
from ninja.security import HttpBearer

from leder.api.errors import ApiError, Unauthenticated
from leder.api.models import ApiClient, ApiToken
from leder.api.tokens import hashes_match, token_prefix
from leder.core.time import now

# Recording every use would write a row per request; a minute's precision is enough to see
# which tokens are in use before revoking one.
LAST_USED_PRECISION = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise Unauthenticated(
                "token_missing", "Send an access token: Authorization: Bearer <token>."
            )
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "token_invalid", "Send the token as: Authorization: Bearer <token>."
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        candidates = ApiToken.objects.filter(prefix=token_prefix(token)).select_related(
            "client", "client__organisation"
        )
        found = next((t for t in candidates if hashes_match(token, t.token_hash)), None)
        if found is None:
            raise Unauthenticated("token_invalid", "This access token is not recognised.")
        moment = now()
        if found.revoked_at is not None and found.revoked_at <= moment:
            raise Unauthenticated("token_revoked", "This access token has been revoked.")
        if found.expires_at is not None and found.expires_at <= moment:
            raise Unauthenticated("token_expired", "This access token has expired.")
        if not found.client.is_active:
            raise Unauthenticated("client_revoked", "This API client has been revoked.")
        if found.last_used_at is None or moment - found.last_used_at >= LAST_USED_PRECISION:
            # update(), not save(): no signals, one short UPDATE, at most once a minute.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=moment)
        request.api_token = found
        return found.client


bearer_token = BearerToken()


def require_scope(request: HttpRequest, scope: str) -> ApiClient:
    """The calling client, if it was granted `scope`; 403 otherwise."""
    client: ApiClient = request.auth
    if not client.has_scope(scope):
        raise ApiError(
            403,
            f"This client has not been granted the {scope} scope. Ask the LeDeR administrators.",
            code="scope_missing",
        )
    return client


def actor_label(client: ApiClient) -> str:
    """How the audit log names a client: `api-client:<name>`."""
    return f"api-client:{client.name}"
