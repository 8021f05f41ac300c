"""The service's public pages open in a real browser and pass axe."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_public_pages_pass_axe(page, live_server, axe_check):
    for path in ("/", "/accessibility", "/privacy", "/about/easy-read"):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        axe_check(page)
    # The NHS.UK stylesheet loaded: the header is styled and the logo's assets resolve.
    assert page.locator("header.nhsuk-header").is_visible()
