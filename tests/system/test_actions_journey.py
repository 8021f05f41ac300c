"""Actions end to end in real Chromium: the panel chair agrees a SMART action (a vague title is
refused first), records progress, completes it with evidence, starts the 3-year action plan with
a priority, places the action under it and sees the progress. axe checks every page visited."""

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.governance.models import Action, ActionStatus
from leder.governance.tests.test_actions import make_review
from leder.organisations.models import Organisation, OrganisationKind
from tests.system.keyboard import pick

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(page, live_server, user):
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def submit(page, text):
    with page.expect_navigation():
        page.get_by_role("button", name=text).click()


def test_the_chair_agrees_an_action_and_tracks_it_to_completion(page, live_server, axe_check):
    icb = make_icb(name="NHS Journey ICB", short_name="Journey ICB")
    lac = user_with_role(Role.LAC, icb)
    chair = user_with_role(Role.PANEL_CHAIR, icb, full_name="Pat Chair")
    review = make_review(icb, lac)
    Organisation.objects.create(
        ods_code="TSTRJ1", name="Journey Hospitals NHS Trust", kind=OrganisationKind.TRUST
    )
    signed_in(page, live_server, chair)
    base = f"{live_server.url}/staff/governance"

    page.goto(f"{base}/actions")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Agree an action").click()
    axe_check(page)

    due = timezone.localdate() + timedelta(days=90)
    page.get_by_label("What will be done").fill("Do better")
    pick(page, "id_owner_organisation", "journey hosp", "Journey Hospitals NHS Trust (TSTRJ1)")
    page.get_by_label("Person who owns the action").fill("Director of Nursing")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("How completion will be measured").fill(
        "90% of ward staff trained, from the training records"
    )
    page.get_by_label("Reviews the action comes from").fill(review.case.reference)
    page.get_by_label("Annual health checks").check()
    submit(page, "Agree the action")
    assert "Error:" in page.title()
    assert page.get_by_text("Say specifically what will be done").first.is_visible()
    axe_check(page)
    snap(page, "actions-create-error")

    page.get_by_label("What will be done").fill(
        "Train ward staff at the district hospital to use hospital passports"
    )
    submit(page, "Agree the action")
    action = Action.objects.get()
    assert page.url.endswith(f"/actions/{action.reference}")
    assert page.get_by_text(f"Action {action.reference} agreed").is_visible()
    axe_check(page)

    page.get_by_role("button", name="Record an update").click()
    page.wait_for_url(f"**/{action.reference}/update")
    axe_check(page)
    page.get_by_label("What has happened since the last update?").fill("Training booked")
    page.get_by_label("The work has started").check()
    submit(page, "Save the update")

    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_url(f"**/{action.reference}/complete")
    axe_check(page)
    page.get_by_label("Evidence that the action is complete").fill("Training register: 94%")
    submit(page, "Complete the action")
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    assert page.get_by_text("Training register: 94%").first.is_visible()
    axe_check(page)
    snap(page, "actions-detail-completed")

    page.goto(f"{base}/action-plans")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start an action plan").click()
    axe_check(page)
    page.get_by_label("Title").fill("2026 to 2029")
    for legend, (day, month, year) in (
        ("Start date", ("1", "4", "2026")),
        ("End date", ("31", "3", "2029")),
    ):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    submit(page, "Save the plan")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Add a priority").click()
    axe_check(page)
    page.get_by_label("Priority", exact=True).fill("Hospital passports in every ward")
    submit(page, "Save the priority")

    page.goto(f"{base}/actions/{action.reference}/priority")
    axe_check(page)
    page.get_by_label("Priority of the action plan").select_option(index=1)
    submit(page, "Save")
    page.goto(f"{base}/action-plans")
    with page.expect_navigation():
        page.get_by_role("link", name="2026 to 2029").click()
    assert page.get_by_text("1 of 1 action completed (100%)").is_visible()
    axe_check(page)
    snap(page, "actions-plan")
