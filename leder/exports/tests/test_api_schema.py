"""Schemathesis against the export operations' OpenAPI document, as `leder.api`'s own schema
test does for the whole API, but with a client linked to a recipient (so requests get past the
recipient check) and exports of its own to read. Bounded examples; no server error, and every
response as the document says."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.urls import set_urlconf
from hypothesis import HealthCheck, settings

from leder.api.tests.factories import api_client, token_for, wsgi_keeps_the_test_connection
from leder.api.tests.test_schemathesis import CHECKS
from leder.exports.tests import factories

URLCONF = "leder.exports.tests.api_urls"


class _App(WSGIHandler):
    """The project's WSGI application, answering from the export tests' URLconf (which mounts
    the export router even before `leder.api.api` does)."""

    def get_response(self, request):
        request.urlconf = URLCONF
        try:
            return super().get_response(request)
        finally:
            # The URLconf is a thread-local: leave the default for the tests that follow.
            set_urlconf(None)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _App())


@pytest.fixture
def token(db, settings, django_capture_on_commit_callbacks):
    settings.LEDER_API_RATE_LIMIT_PER_MINUTE = 100_000
    client = api_client(scopes=["dataset:export"])
    recipient = factories.recipient(name="Schema team", api_client=client)
    agreement = factories.agreement(recipient)
    factories.export(
        django_capture_on_commit_callbacks, actor=client, recipient=recipient, agreement=agreement
    )
    with wsgi_keeps_the_test_connection():
        yield token_for(client)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_the_export_api_conforms_to_its_openapi_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
