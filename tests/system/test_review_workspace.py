"""The workspace in real Chromium: a reviewer starts the review, is warned before leaving a
section with unsaved answers, keeps what they typed through a failed save, completes the
sections, compares versions and submits. axe checks every page."""

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseState
from leder.reviews import sections
from leder.reviews.tests.conftest import case, cases, icb, lac, review, reviewer  # noqa: F401

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def only_workspace_sections(monkeypatch):
    mine = {key: sections.get(key) for key in ("family", "pen_portrait")}
    monkeypatch.setattr(sections, "_registry", mine)


def signed_in(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_reviewer_completes_and_submits_without_losing_work(
    page,
    live_server,
    axe_check,
    case,
    reviewer,
):
    signed_in(page, live_server, reviewer)
    base = f"{live_server.url}/staff/cases/{case.reference}/review/initial"

    # The case page leads to the review; the review starts from its own page.
    page.goto(f"{live_server.url}/staff/cases/{case.reference}")
    with page.expect_navigation():
        page.click("a:has-text('Start the review')")
    axe_check(page)
    with page.expect_navigation():
        page.click("button:has-text('Start the review')")
    assert page.locator(".nhsuk-task-list").is_visible()
    axe_check(page)

    # Typed but not saved: leaving the page asks first; staying keeps the words.
    with page.expect_navigation():
        page.click("a:has-text('Pen portrait')")
    axe_check(page)
    assert "Not saved yet" in page.locator("#last-saved").inner_text()
    page.click("#id_who_they_were")
    page.keyboard.type("Maya loved music and her garden")
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    # Wait for the dialog itself (a state), not for a time.
    with page.expect_event("dialog"):
        page.click("a:has-text('Back to the review')", no_wait_after=True)
    assert dialogs == ["beforeunload"]
    assert page.locator("h1").inner_text() == "Pen portrait"
    assert page.input_value("#id_who_they_were") == "Maya loved music and her garden"

    # Marking complete without every answer: errors, and what was typed is still there.
    with page.expect_navigation():
        page.click("button:has-text('Save and mark as complete')")
    assert "Enter what mattered to the person" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.input_value("#id_who_they_were") == "Maya loved music and her garden"
    axe_check(page)
    # Saving as a draft is a submission: no warning.
    page.fill("#id_what_mattered", "Being at home with her cat")
    with page.expect_navigation():
        page.click("button:has-text('Save and come back later')")
    assert "Pen portrait saved" in page.content()
    axe_check(page)

    with page.expect_navigation():
        page.click("a:has-text('Pen portrait')")
    assert "Last saved" in page.locator("#last-saved").inner_text()
    with page.expect_navigation():
        page.click("button:has-text('Save and mark as complete')")

    with page.expect_navigation():
        page.click("a:has-text('Family involvement')")
    axe_check(page)
    for name in (
        "told_of_review",
        "invited_to_contribute",
        "offered_pen_portrait",
        "wants_copy",
    ):
        page.check(f"input[name={name}][value=yes]")
    page.check("input[name=asked_for_focused_review][value=no]")
    page.fill("#id_told_on-day", "2")
    page.fill("#id_told_on-month", "3")
    page.fill("#id_told_on-year", "2025")
    with page.expect_navigation():
        page.click("button:has-text('Save and mark as complete')")
    assert "2 of 2 sections complete" in page.content()

    # The version history and a comparison.
    with page.expect_navigation():
        page.click("a:has-text('Version history')")
    axe_check(page)
    with page.expect_navigation():
        page.click("button:has-text('Compare')")
    axe_check(page)
    page.goto(f"{base}/versions/compare?from=2&to=3")
    assert page.locator("ins.leder-diff__added").count() >= 1
    axe_check(page)

    # Submission.
    page.goto(f"{base}/submit")
    axe_check(page)
    with page.expect_navigation():
        page.click("button:has-text('Submit')")
    assert "Review submitted" in page.content()
    axe_check(page)
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE
    page.goto(base)
    assert page.locator("text=Save and mark as complete").count() == 0
    axe_check(page)


def test_a_reader_sees_the_review_read_only(
    page,
    live_server,
    axe_check,
    case,
    review,
    reviewer,
    lac,
):
    from leder.reviews.services.records import review_section_save

    for text in ("Maya loved music", "Maya loved music and swimming"):
        review_section_save(
            actor=reviewer,
            review=review,
            key="pen_portrait",
            data={"who_they_were": text},
            complete=False,
        )
    signed_in(page, live_server, lac)
    base = f"{live_server.url}/staff/cases/{case.reference}/review/initial"
    for path in ("", "/section/pen_portrait", "/submit", "/versions"):
        page.goto(base + path)
        assert page.locator("button:has-text('Save')").count() == 0, path
        axe_check(page)
    page.goto(f"{base}/versions/compare?from=1&to=2")
    assert page.locator("ins.leder-diff__added").text_content() == "added: and swimming"
    axe_check(page)
