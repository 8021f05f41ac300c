"""The OpenAPI document and the docs page made from it."""

import pytest

from leder.api.api import api

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "OpenLeDeR API"
    assert document["info"]["version"] == "1"
    assert "/api/v1/notifications" in document["paths"]
    post = document["paths"]["/api/v1/notifications"]["post"]
    assert post["x-scopes"] == ["notifications:submit"]
    assert {"201", "200", "401", "403", "409", "422", "429"} <= set(post["responses"])


def test_docs_page_lists_every_operation_with_its_scope_and_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    document = api.get_openapi_schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert f"{method.upper()} {path}" in html
            for scope in operation.get("x-scopes", []):
                assert scope in html
    assert "Idempotency-Key" in html
    assert "person.date_of_death" in html
    assert "cdn" not in html.lower()
    assert "<title>API documentation – " in html


def test_api_index_points_at_the_docs(client):
    body = client.get("/api/v1/").json()
    assert body["docs"] == "/api/v1/docs"
    assert body["openapi"] == "/api/v1/openapi.json"
