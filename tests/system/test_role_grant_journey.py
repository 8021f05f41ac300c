"""Separation of duties in real Chromium (issue 12): the executive lead sees a proposed role on
their home page and approves it by keyboard on an NHS.UK form page; axe finds nothing and the
console stays clean on both pages."""

import os

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts import services
from leder.accounts.models import Role, RoleGrant, RoleGrantStatus
from leder.accounts.tests.factories import UserFactory, icb, sign_in_verified, user_with_role

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("LEDER_SCREENSHOTS")


def signed_in(page, live_server, user):
    page.context.clear_cookies()
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def snap(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_executive_lead_approves_a_proposed_role_by_keyboard(page, live_server, axe_check):
    page.set_default_timeout(120_000)
    board = icb(name="NHS Journey ICB", short_name="Journey ICB")
    lead = user_with_role(Role.ICB_LEAD, board, full_name="Edith Lead")
    administrator = user_with_role(Role.ADMINISTRATOR, full_name="Ada Admin")
    person = UserFactory(full_name="Grace Grantee")
    grant = services.role_grant_propose(
        actor=administrator, user=person, role=Role.LAC, organisation=board
    )

    signed_in(page, live_server, lead)
    page.goto(f"{live_server.url}/account/")
    assert "Roles that open case content" in page.content()
    snap(page, "role-grant-home")
    axe_check(page)

    page.get_by_role("link", name="Decide on Local area contact").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Approve or refuse a role"
    axe_check(page)
    # Saving without a choice shows the error summary.
    with page.expect_navigation():
        page.get_by_role("button", name="Save decision").press("Enter")
    assert "Select whether you approve this role" in page.content()
    axe_check(page)
    page.get_by_label("Yes, approve it").check()
    snap(page, "role-grant-decide")
    with page.expect_navigation():
        page.get_by_role("button", name="Save decision").press("Enter")
    grant = RoleGrant.objects.get(pk=grant.pk)
    assert grant.status == RoleGrantStatus.APPROVED and grant.decided_by == lead
    assert "Approved by Edith Lead" in page.content()
    axe_check(page)
