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


def test_a_refused_request_is_an_nhs_page_that_passes_axe(page, live_server, axe_check):
    """What the edge answers when a request holds NUL or an over-long value (leder.core.edges)."""
    response = page.goto(live_server.url + "/notify?q=%00")
    assert response.status == 400
    assert page.locator("h1").inner_text() == "Sorry, there is a problem with what was sent"
    assert page.locator("header.nhsuk-header").is_visible()
    axe_check(page)
    page.screenshot(path="/tmp/h11b-shots/refused-request.png", full_page=True)
