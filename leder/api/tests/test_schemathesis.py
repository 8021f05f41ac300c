"""Schemathesis against the served OpenAPI document: generated requests (valid and invalid) to
every operation, bounded, through the WSGI application. No response may be a server error and
every response must match what the document says (status code, content type, headers, body)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leder.api.tests.factories import api_client, token_for, wsgi_keeps_the_test_connection

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded when the module is collected, from the document the application serves (the view
# reads no database). `schemathesis.pytest.from_fixture` would load it lazily, but its pytest
# plugin does not work with pytest 9 (it reads the removed `Function._nodeid`).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(db, settings):
    settings.LEDER_API_RATE_LIMIT_PER_MINUTE = 100_000
    settings.LEDER_API_SUBMIT_RATE_LIMIT_PER_HOUR = 100_000
    with wsgi_keeps_the_test_connection():
        yield token_for(api_client())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_conforms_to_its_openapi_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
