import pytest

from leder.api.tests.factories import api_client, bearer, token_for


@pytest.fixture
def trust_client(db):
    """An API client with every scope, and its bearer headers."""
    client = api_client()
    return client, bearer(token_for(client))
