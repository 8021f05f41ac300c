"""Quality assurance end to end in real Chromium: a senior reviewer reads a complete initial
review on the QA page, comments on the pen portrait, answers part of the checklist and returns
the review; the reviewer reads the comments, responds, amends the pen portrait and resubmits
(round 2); the senior reviewer reads the history, completes the checklist and approves, which
signs the review off and completes the case. axe checks every page visited."""

import os

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import Case, CaseState
from leder.demo.reviews import write_initial_review
from leder.governance.models import QAChecklist, QAComment, QAOutcome, QARound
from leder.governance.services.signoff import is_locked
from leder.organisations.tests.factories import GpPracticeFactory
from leder.reviews.models import Review, ReviewSection
from leder.reviews.tests.conftest import cases, icb, lac  # noqa: F401

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.fixture
def case(cases, icb):
    """A case whose complete initial review is awaiting quality assurance."""
    practice = GpPracticeFactory(icb=icb, name="Orchard Way Surgery")
    case = cases.make(
        CaseState.INITIAL_REVIEW,
        given_name="Maya",
        family_name="Okafor",
        gp_practice_id=practice.pk,
        ethnic_category_id="A",
    )
    write_initial_review(case=case)
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE
    return case


@pytest.fixture
def senior(icb):
    return user_with_role(Role.SENIOR_REVIEWER, icb, full_name="Sam Senior")


def sign_in_as(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    page.context.clear_cookies()
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def answer_checklist(page, answers: dict[str, str]):
    for key, met in answers.items():
        page.check(f"input[name=met_{key}][value={met}]")


def test_qa_returns_a_review_the_reviewer_amends_and_resubmits_and_qa_approves(
    page, live_server, axe_check, case, senior
):
    reviewer = case.reviewer.user
    items = list(QAChecklist.objects.get(version="2026-1").items.values_list("key", flat=True))
    review_qa = f"{live_server.url}/staff/governance/qa/{case.reference}/"

    # The senior reviewer finds the review in their queue.
    sign_in_as(page, live_server, senior)
    page.goto(f"{live_server.url}/staff/governance/qa/")
    axe_check(page)
    assert "Maya Okafor" in page.content()
    snap(page, "qa-01-queue")
    click(page, f"a:has-text('{case.reference}')")
    assert page.locator("h1").inner_text() == "Quality assurance of the review of Maya Okafor"
    main = page.locator("main").inner_text()
    assert "The review as submitted" in main and "Pen portrait" in main
    axe_check(page)
    snap(page, "qa-02-review")

    # Section navigation: the contents list leads to each section of the review.
    click_nav = page.locator("nav[aria-labelledby=section-navigation] a", has_text="Pen portrait")
    click_nav.click()
    page.wait_for_url("**#content-pen_portrait")

    # The checklist answered first (not saved), then a comment beside the pen portrait: the
    # save keeps every answer and adds the comment (issue 16: adding a comment used to throw
    # away 10 unsaved answers).
    answer_checklist(page, {key: "yes" for key in items if key != "pen_portrait"})
    page.check("input[name=met_pen_portrait][value=no]")
    page.fill("#id_note_pen_portrait", "Reads as a list of activities.")
    page.locator("#content-pen_portrait summary", has_text="Comment on pen portrait").click()
    page.fill(
        "#id_comment_pen_portrait", "Say more about what Maya enjoyed and who she was close to."
    )
    click(page, "button:has-text('Save and stay on this page')")
    assert "Your checklist answers and comments are saved" in page.content()
    axe_check(page)
    snap(page, "qa-02b-saved")
    for key in items:
        expected = "no" if key == "pen_portrait" else "yes"
        assert page.is_checked(f"input[name=met_{key}][value={expected}]"), key
    assert page.input_value("#id_note_pen_portrait") == "Reads as a list of activities."
    pen = page.locator("#content-pen_portrait")
    assert "Say more about what Maya enjoyed" in pen.inner_text()
    assert QAComment.objects.get().section_key == "pen_portrait"

    # Approval is not possible with a "No"; return instead (each button saves first).
    click(page, "button:has-text('Save and approve the review')")
    assert "You cannot approve the review yet" in page.content()
    axe_check(page)
    page.goto(review_qa)
    click(page, "button:has-text('Save and return the review for amendment')")
    assert "Say more about what Maya enjoyed" in page.content()
    axe_check(page)
    snap(page, "qa-03-return")
    page.fill("#id_summary", "Nearly there: please expand the pen portrait.")
    click(page, "button:has-text('Return the review')")
    assert "returned to the reviewer" in page.content()
    axe_check(page)
    assert Case.objects.get(pk=case.pk).state == CaseState.INITIAL_REVIEW

    # The reviewer reads the comments section by section and responds.
    sign_in_as(page, live_server, reviewer)
    page.goto(f"{live_server.url}/staff/governance/qa/{case.reference}/comments")
    axe_check(page)
    snap(page, "qa-04-comments")
    assert "Nearly there" in page.content()
    click(page, "a:has-text('Respond')")
    axe_check(page)
    click(page, "button:has-text('Save response')")
    assert "Enter your response to the comment." in page.content()
    axe_check(page)
    page.fill("#id_response", "Added her choir and her friendship with Grace.")
    click(page, "button:has-text('Save response')")
    assert "Response saved" in page.content()
    assert "Added her choir" in page.content()

    # The reviewer amends the pen portrait and resubmits.
    click(page, "a:has-text('Go to pen portrait')")
    axe_check(page)
    page.fill(
        "#id_who_they_were", "Maya sang in the community choir and was close to her friend Grace."
    )
    click(page, "button:has-text('Save and mark as complete')")
    assert "Pen portrait saved and marked as complete" in page.content()
    page.goto(f"{live_server.url}/staff/governance/qa/{case.reference}/comments")
    click(page, "a:has-text('Check and submit the review')")
    axe_check(page)
    click(page, "button:has-text('Submit')")
    assert "Review submitted" in page.content()
    review = Review.objects.get(case=case, kind="initial")
    rounds = list(QARound.objects.filter(review=review).order_by("number"))
    assert [(r.number, r.outcome) for r in rounds] == [
        (1, QAOutcome.RETURNED),
        (2, QAOutcome.PENDING),
    ]

    # The senior reviewer sees round 2, reads the history, and approves.
    sign_in_as(page, live_server, senior)
    page.goto(review_qa)
    assert "Maya sang in the community choir" in page.content()
    axe_check(page)
    click(page, "a:has-text('Quality assurance history')")
    history = page.locator("main").inner_text()
    assert "Round 1" in history and "Round 2" in history
    assert "Added her choir and her friendship with Grace." in history
    axe_check(page)
    snap(page, "qa-05-history")
    page.goto(review_qa)
    answer_checklist(page, dict.fromkeys(items, "yes"))
    click(page, "button:has-text('Save and approve the review')")
    axe_check(page)
    snap(page, "qa-06-approve")
    click(page, "button:has-text('Approve and sign off')")
    assert "approved, signed off and locked" in page.content()
    axe_check(page)

    case.refresh_from_db()
    review.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert is_locked(review)
    assert QARound.objects.get(pk=rounds[1].pk).outcome == QAOutcome.APPROVED
    pen = ReviewSection.objects.get(review=review, key="pen_portrait")
    assert "community choir" in pen.data["who_they_were"]
