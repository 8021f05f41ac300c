"""The local area contact signs in with a TOTP code, triages a notification and allocates it,
past a reviewer blocked by a conflict of interest, to a reviewer who signs in and accepts it.
axe checks every page."""

import os

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import PASSWORD, current_code, totp_device, user_with_role
from leder.casework.models import Allocation, AllocationStatus, Case, CaseState
from leder.casework.tests.factories import make_reviewer
from leder.notifications.tests.factories import nhs_number, notify
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def sign_in(page, base_url, user, axe_check, *, steps_ahead=0):
    page.goto(base_url + "/account/sign-in")
    axe_check(page)
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text().startswith("Enter"), page.locator("h1").inner_text()
    axe_check(page)
    # A wrong code first: a clear error, and still not signed in.
    page.fill("#id_code", "000000" if current_code(totp_device(user)) != "000000" else "111111")
    with page.expect_navigation():
        page.click("button:has-text('Continue')")
    assert page.locator(".nhsuk-error-summary").is_visible()
    axe_check(page)
    # After a wrong code django-otp makes the user wait a second before the next try.
    page.wait_for_timeout(1200)
    page.fill("#id_code", current_code(totp_device(user), steps_ahead=steps_ahead))
    with page.expect_navigation():
        page.click("button:has-text('Continue')")


def sign_out(page):
    page.click("a:has-text('Sign out')")
    with page.expect_navigation():
        page.click("button:has-text('Sign out')")


def test_lac_triages_and_allocates_past_a_conflicted_reviewer_who_is_blocked(
    page, live_server, axe_check
):
    icb = IcbFactory(short_name="Test Vale")
    practice = GpPracticeFactory(icb=icb, name="Orchard Way Surgery")
    lac = user_with_role(Role.LAC, icb, full_name="Lena Contact")
    conflicted = user_with_role(Role.REVIEWER, icb, full_name="Connie Conflict")
    free = user_with_role(Role.REVIEWER, icb, full_name="Freya Free")
    make_reviewer(icb, user=conflicted, employer=practice, capacity=3)
    make_reviewer(icb, user=free, capacity=2)
    for user in (lac, free):
        totp_device(user)
    notification = notify(
        icb,
        given_name="Oluwaseun",
        family_name="Adeyemi",
        gp_practice_id=practice.pk,
        nhs_number=nhs_number(),
    ).notification

    sign_in(page, live_server.url, lac, axe_check)
    snap(page, "j3-00-after-sign-in")
    assert "Lena Contact" in page.content() or lac.email in page.content()
    axe_check(page)
    snap(page, "j3-01-home")

    # Triage: the queue lists the notification; confirm it eligible.
    with page.expect_navigation():
        page.click("a:has-text('Triage')")
    axe_check(page)
    assert notification.reference in page.content()
    snap(page, "j3-02-queue")
    with page.expect_navigation():
        page.click(f"a:has-text('{notification.reference}')")
    axe_check(page)
    # Saving without a decision: a clear error, no case.
    with page.expect_navigation():
        page.click("button:has-text('Save decision')")
    assert "Select your triage decision" in page.locator(".nhsuk-error-summary").inner_text()
    axe_check(page)
    assert not Case.objects.filter(notification=notification).exists()
    page.check("input[name=decision][value=eligible]")
    with page.expect_navigation():
        page.click("button:has-text('Save decision')")
    axe_check(page)
    case = Case.objects.get(notification=notification)
    assert case.state == CaseState.AWAITING_ALLOCATION

    # Allocation: the conflicted reviewer is listed with the reason and cannot be chosen.
    page.goto(f"{live_server.url}/staff/cases/{notification.reference}")
    axe_check(page)
    snap(page, "j3-03-case")
    with page.expect_navigation():
        page.click("a:has-text('Allocate')")
    axe_check(page)
    snap(page, "j3-04-suggestions")
    connie = page.locator("tr", has_text="Connie Conflict")
    assert "Cannot be allocated" in connie.inner_text()
    assert "Orchard Way Surgery" in connie.inner_text()
    assert connie.locator("a:has-text('Choose')").count() == 0
    with page.expect_navigation():
        page.locator("tr", has_text="Freya Free").locator("a:has-text('Choose')").click()
    axe_check(page)
    with page.expect_navigation():
        page.click("button:has-text('Allocate the case')")
    axe_check(page)
    case.refresh_from_db()
    assert case.state == CaseState.ALLOCATED and case.reviewer.user == free
    sign_out(page)

    # The reviewer signs in, sees the case among their reviews and accepts it.
    sign_in(page, live_server.url, free, axe_check)
    with page.expect_navigation():
        page.click("a:has-text('Your reviews')")
    axe_check(page)
    snap(page, "j3-05-my-cases")
    assert notification.reference in page.content()
    with page.expect_navigation():
        page.click(f"a:has-text('Accept {notification.reference}')")
    axe_check(page)
    with page.expect_navigation():
        page.click("button:has-text('Accept the review')")
    axe_check(page)
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW
    assert Allocation.objects.get(case=case).status == AllocationStatus.ACCEPTED
    snap(page, "j3-06-accepted")
