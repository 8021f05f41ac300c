"""Issue 15 item 3 in real Chromium: the reviewer, from the review, corrects what the review
established (the ethnic group from the GP record); a missing reason is an accessible error; the
checks run again and say what changed. axe checks every page."""

import pytest

from leder.notifications.models import Notification
from leder.reviews.tests.conftest import case, cases, icb, lac, review, reviewer  # noqa: F401
from tests.system.keyboard import fill, press_button, select_option
from tests.system.test_review_workspace import signed_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_reviewer_corrects_the_ethnic_group_from_the_review(
    page, live_server, axe_check, case, reviewer, review
):
    signed_in(page, live_server, reviewer)
    # The first page of a session renders cold (templates compiled): on a loaded machine that
    # alone can pass the default 10 s.
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/review/initial", timeout=60_000)
    axe_check(page)
    with page.expect_navigation():
        page.click("a:has-text('Correct the person')")
    assert page.locator("h1").inner_text() == "Correct the person's details"
    assert page.locator("#id_nhs_number").count() == 0  # the LAC's to correct
    axe_check(page)
    select_option(page, "#id_ethnic_category", "Black or Black British - Caribbean")
    press_button(page, "Save corrections")
    assert page.locator(".nhsuk-error-summary").is_visible()
    axe_check(page)
    fill(page, "#id_reason", "The GP record gives another ethnic group")
    press_button(page, "Save corrections")
    content = page.content()
    assert "Corrected: ethnic group." in content
    assert "Focused-review triggers from the data are now" in content
    assert "The local area contact has been told" in content
    assert page.locator(".nhsuk-task-list").is_visible()  # back in the review
    axe_check(page)
    assert Notification.objects.get(pk=case.notification_id).ethnic_category_id == "M"
