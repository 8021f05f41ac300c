"""The API documentation page works offline in a real browser, by keyboard, and passes axe."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_api_docs_page_passes_axe_and_loads_nothing_from_elsewhere(page, live_server, axe_check):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    axe_check(page)
    page.screenshot(path="/tmp/x3_api_docs.png", full_page=False)

    # The contents list leads to each endpoint's section, by keyboard.
    link = page.get_by_role("link", name="POST /api/v1/notifications: Submit a notification")
    link.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#post-api-v1-notifications")
    assert page.locator("#post-api-v1-notifications").is_visible()
    page.screenshot(path="/tmp/x3_api_docs_endpoint.png", full_page=False)
    assert not [url for url in outside if "fonts" not in url and "assets.nhs.uk" not in url]
