"""API clients and tokens for tests, made through the real services (so they are audited as in
production), and the headers a client sends."""

import contextlib

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.api import services
from leder.api.models import ApiClient, ApiScope

ALL_SCOPES = list(ApiScope.values)


def administrator():
    return user_with_role(Role.ADMINISTRATOR)


def api_client(*, organisation=None, scopes=None, name=None, admin=None) -> ApiClient:
    admin = admin or administrator()
    organisation = organisation or make_icb()
    return services.api_client_create(
        actor=admin,
        name=name or f"Trust EPR for {organisation.ods_code}",
        organisation=organisation,
        scopes=ALL_SCOPES if scopes is None else scopes,
    )


def token_for(client: ApiClient, *, admin=None, **kwargs) -> str:
    """A new token for `client`; returns the plaintext."""
    actor = admin or client.created_by
    return services.api_token_issue(actor=actor, client=client, **kwargs).plaintext


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@contextlib.contextmanager
def wsgi_keeps_the_test_connection():
    """Calling the WSGI application directly (schemathesis does) sends Django's request signals,
    whose `close_old_connections` closes the test's connection on PostgreSQL: inside the test's
    transaction autocommit is off, so the connection looks obsolete. Django's own test client
    disconnects it for the same reason; so does this, for the duration of the test."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
