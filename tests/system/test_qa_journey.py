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

    # A comment on the pen portrait, from the section's own link.
    click(page, "a:has-text('Comment on pen portrait')")
    assert page.input_value("#id_section_key") == "pen_portrait"
    page.fill("#id_text", "Say more about what Maya enjoyed and who she was close to.")
    click(page, "button:has-text('Add comment')")
    assert "Comment added" in page.content()
    axe_check(page)

    # An empty comment is refused with a message, and nothing is added.
    page.fill("#id_text", "")
    click(page, "button:has-text('Add comment')")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert "Enter your comment." in page.content()
    axe_check(page)
    assert QAComment.objects.count() == 1

    # Part of the checklist: the pen portrait falls short.
    page.goto(review_qa)
    answer_checklist(page, {key: "yes" for key in items if key != "pen_portrait"})
    page.check("input[name=met_pen_portrait][value=no]")
    page.fill("#id_note_pen_portrait", "Reads as a list of activities.")
    click(page, "button:has-text('Save checklist')")
    assert "Checklist saved" in page.content()
    axe_check(page)

    # Approval is not possible with a "No"; return instead.
    click(page, "a:has-text('Approve the review')")
    assert "You cannot approve the review yet" in page.content()
    axe_check(page)
    page.goto(review_qa)
    click(page, "a:has-text('Return the review for amendment')")
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
    click(page, "button:has-text('Save checklist')")
    click(page, "a:has-text('Approve the review')")
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
