"""A governance panel meeting end to end in real Chromium: the local area contact schedules a
meeting, puts a focused review on its agenda, records who attended (the meeting becomes quorate)
and downloads the papers pack; the panel chair signs the review off (it is locked) and the panel
agrees two SMART actions from it; later one action is completed with evidence. The signed-off
version is then read in full, and the minutes written. axe checks every page visited."""

import os
import re

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseState
from leder.core.time import today
from leder.governance.models import Action, ActionStatus, PanelDecision, SignOff
from leder.governance.services.signoff import is_locked, signoff_verify
from leder.governance.tests.test_panels_factories import panel_world
from tests.system.keyboard import pick

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/panel-{name}.png", full_page=True)


def signed_in(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def fill_date(page, name, day, month, year):
    page.fill(f"#id_{name}-day", str(day))
    page.fill(f"#id_{name}-month", str(month))
    page.fill(f"#id_{name}-year", str(year))


def agree_action(page, axe_check, *, title, owner, measure, due):
    click(page, "a:has-text('Agree an action')")
    axe_check(page)
    page.fill("#id_title", title)
    pick(page, "id_owner_organisation", "")
    page.fill("#id_owner_name", owner)
    fill_date(page, "due_on", *due)
    page.fill("#id_measure", measure)
    page.locator("input[name=themes]").first.check()
    click(page, "button:has-text('Agree the action'), button:has-text('Save')")
    errors = page.locator(".nhsuk-error-summary").all_inner_texts()
    assert re.search(r"Action ACT-\d{4}-\d{4} agreed", page.content()), errors
    axe_check(page)


def test_a_panel_signs_off_a_focused_review_and_agrees_two_actions(
    browser, page, live_server, axe_check
):
    world = panel_world()
    case, review = world.focused_at_panel(given_name="Maya", family_name="Okafor")
    base = live_server.url

    # The local area contact runs the meeting.
    signed_in(page, live_server, world.lac)
    with page.expect_navigation():
        page.goto(f"{base}/staff/governance/panels/")
    assert world.panel.name in page.content()
    axe_check(page)
    click(page, 'a:has-text("Change the panel\'s details")')
    axe_check(page)
    page.go_back()
    click(page, "a:has-text('Schedule a meeting')")
    axe_check(page)
    page.fill("#id_time", "25:00")
    click(page, "button:has-text('Schedule the meeting')")
    assert "There is a problem" in page.content()
    axe_check(page)
    # Today, early: what happens at a meeting is recorded on its day or later, never before.
    day = today()
    fill_date(page, "date", day.day, day.month, day.year)
    page.fill("#id_time", "00:05")
    page.fill("#id_location", "Room 4, ICB offices")
    click(page, "button:has-text('Schedule the meeting')")
    assert "Meeting scheduled" in page.content()
    meeting_url = page.url
    axe_check(page)

    click(page, "a:has-text('Add reviews to the agenda')")
    axe_check(page)
    click(page, 'button[aria-label="Add Maya Okafor\'s review to the agenda"]')
    assert f"{case.reference} added to the agenda" in page.content()
    axe_check(page)

    click(page, "table a:has-text('Remove')")
    axe_check(page)
    click(page, "a:has-text('Keep it on the agenda')")

    click(page, "a:has-text('Record who attended')")
    axe_check(page)
    for person in (world.chair, *world.members):
        page.check(f"input[name=attendees][value='{person.pk}']")
    page.fill("#id_other_attendees", "Sam Patel, family advocate")
    click(page, "button:has-text('Save attendance')")
    assert "Quorate: 3 panel members attending, including a chair." in page.content()
    snap(page, "meeting")
    axe_check(page)

    papers = page.request.get(
        base + page.get_attribute("a:has-text('download the papers pack')", "href")
    )
    assert papers.ok and papers.headers["content-type"] == "application/pdf"
    assert papers.body().startswith(b"%PDF")
    click(page, "a:has-text('Read the papers pack')")
    assert "5. The initial review: findings and grade" in page.content()
    snap(page, "papers")
    axe_check(page)
    click(page, "a:has-text('Back to the meeting')")

    # The panel chair records the panel's decision and the actions it agreed.
    signed_in(page, live_server, world.chair)
    page.goto(meeting_url)
    axe_check(page)
    click(page, "a:has-text('Record the decision')")
    axe_check(page)
    page.check("input[name=decision][value=returned]")
    click(page, "button:has-text('Record the decision')")
    assert "Enter the panel's comments for the reviewer" in page.content().replace("&#x27;", "'")
    axe_check(page)
    page.check("input[name=decision][value=signed_off]")
    click(page, "button:has-text('Record the decision')")
    assert f"{case.reference}: signed off" in page.content()
    axe_check(page)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED and is_locked(review)

    agree_action(
        page,
        axe_check,
        title="Train ward staff at Riverside hospital to use hospital passports",
        owner="Director of nursing",
        measure="90% of ward staff trained, from the training records",
        due=(30, 6, 2027),
    )
    page.goto(meeting_url)
    agree_action(
        page,
        axe_check,
        title="Add swallowing risk to the care home's admission checklist",
        owner="Registered manager",
        measure="The checklist in use at the next inspection",
        due=(30, 9, 2027),
    )
    actions = list(Action.objects.order_by("pk"))
    assert len(actions) == 2

    # Later, the first action is completed with evidence.
    page.goto(f"{base}/staff/governance/actions/{actions[0].reference}")
    axe_check(page)
    click(page, "a:has-text('Mark as complete')")
    axe_check(page)
    page.fill("#id_evidence", "Training records show 94% of ward staff trained by June.")
    click(page, "button:has-text('Complete the action')")
    axe_check(page)
    actions[0].refresh_from_db()
    actions[1].refresh_from_db()
    assert actions[0].status == ActionStatus.COMPLETED
    assert actions[1].status == ActionStatus.OPEN

    # The signed-off version, in full, from the meeting.
    page.goto(meeting_url)
    assert "Signed off" in page.content()
    click(page, "a:has-text('Sign-off')")
    axe_check(page)
    click(page, "table a:has-text('Version')")
    assert "Checked: this content is exactly what was signed off" in page.content()
    assert "Further evidence" in page.content()
    snap(page, "signed-off-version")
    axe_check(page)
    page.go_back()
    click(page, "a:has-text('Reopen this review')")
    axe_check(page)

    # The LAC writes the minutes.
    signed_in(page, live_server, world.lac)
    page.goto(meeting_url)
    click(page, "a:has-text('Write the minutes')")
    axe_check(page)
    page.fill("#id_minutes", "The panel signed off the focused review and agreed two actions.")
    click(page, "button:has-text('Save the minutes')")
    assert "Minutes saved" in page.content()
    axe_check(page)

    item = world.panel.meetings.get().items.get()
    assert item.decision == PanelDecision.SIGNED_OFF
    assert signoff_verify(SignOff.objects.get(review=review)) == []
    assert len(axe_check.pages_checked) >= 20
