"""Issue 15: a relative who does not know the area notifies with a postcode only, and it is
placed; another with no postcode lands in the unassigned queue, where the region's coordinator
places it. axe checks every page."""

import os

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import totp_device, user_with_role
from leder.notifications.models import Notification
from leder.organisations.areas import AreaSource
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory, RegionFactory
from tests.system.keyboard import choose, fill, pick, press_button, select_option
from tests.system.test_triage_and_allocation import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def notify_without_knowing_the_area(page, base_url, axe_check, *, name, postcode, shots=""):
    page.goto(base_url + "/notify/you")
    choose(page, "relationship", "family")
    press_button(page, "Continue")
    fill(page, "#id_name", "Ann Oduya")
    fill(page, "#id_email", "ann@example.invalid")
    press_button(page, "Continue")
    fill(page, "#id_given_name", name)
    fill(page, "#id_family_name", "Oduya")
    press_button(page, "Continue")
    for prefix, (d, m, y) in {
        "date_of_birth": ("4", "3", "1961"),
        "date_of_death": ("10", "5", "2025"),
    }.items():
        fill(page, f"#id_{prefix}-day", d)
        fill(page, f"#id_{prefix}-month", m)
        fill(page, f"#id_{prefix}-year", y)
    press_button(page, "Continue")
    press_button(page, "Continue")  # NHS number: not known
    fill(page, "#id_address", "Flat 2, somewhere in town")
    if postcode:
        fill(page, "#id_postcode", postcode)
    press_button(page, "Continue")
    press_button(page, "Continue")  # GP practice: not known
    assert page.locator("h1, label.nhsuk-label--l").first.inner_text().startswith("Which area")
    select_option(page, "#id_icb", "I do not know")
    axe_check(page)
    if shots:
        snap(page, f"{shots}-area")
    press_button(page, "Continue")
    choose(page, "has_learning_disability", "yes")
    choose(page, "is_autistic", "no")
    press_button(page, "Continue")
    press_button(page, "Continue")
    choose(page, "place_of_death", "home")
    choose(page, "died_in_england", "yes")
    press_button(page, "Continue")
    choose(page, "covid", "no")
    press_button(page, "Continue")
    choose(page, "has_care_concerns", "no")
    press_button(page, "Continue")
    assert page.locator("h1").inner_text() == "Check your answers before sending"
    assert "I do not know" in page.content()
    axe_check(page)
    if shots:
        snap(page, f"{shots}-check")
    press_button(page, "Send notification")
    assert page.locator(".nhsuk-panel").is_visible()
    axe_check(page)
    return Notification.objects.get(given_name=name)


def test_unknown_areas_are_placed_by_postcode_or_by_the_regional_coordinator(
    page, live_server, axe_check
):
    region = RegionFactory(name="Test Midlands")
    vale = IcbFactory(short_name="Test Vale", region=region)
    hills = IcbFactory(short_name="Test Hills", region=region)
    GpPracticeFactory(icb=vale, postcode="TV1 1AA")
    GpPracticeFactory(icb=hills, postcode="TH2 2BB")
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region, full_name="Rita Region")
    totp_device(coordinator)

    by_postcode = notify_without_knowing_the_area(
        page, live_server.url, axe_check, name="Margaret", postcode="tv1 9zz", shots="u1"
    )
    assert by_postcode.icb == vale
    assert by_postcode.area_source == AreaSource.POSTCODE

    # No postcode, no GP: nobody can place it, and the national queue holds it. Give it the
    # region (as the GP practice's closed ICB would) so the coordinator sees it.
    unplaced = notify_without_knowing_the_area(
        page, live_server.url, axe_check, name="Patience", postcode=""
    )
    assert unplaced.icb is None
    Notification.objects.filter(pk=unplaced.pk).update(region=region)

    sign_in(page, live_server.url, coordinator, axe_check)
    with page.expect_navigation():
        page.click("a:has-text('Notifications without an area')")
    axe_check(page)
    snap(page, "u2-queue")
    with page.expect_navigation():
        page.click(f"a:has-text('{unplaced.reference}')")
    axe_check(page)
    # Placing without choosing is an error, shown accessibly.
    press_button(page, "Place in this ICB")
    assert page.locator(".nhsuk-error-summary").is_visible()
    axe_check(page)
    select_option(page, "#id_icb", "Test Hills")
    fill(page, "#id_note", "The family said Hills town")
    snap(page, "u3-place")
    press_button(page, "Place in this ICB")
    assert f"{unplaced.reference} placed in Test Hills" in page.content()
    axe_check(page)
    snap(page, "u4-placed")
    unplaced.refresh_from_db()
    assert unplaced.icb == hills and unplaced.area_source == AreaSource.ASSIGNED


def test_a_lac_transfers_a_case_and_the_neighbouring_lac_accepts_it(page, live_server, axe_check):
    from leder.casework.models import Case, CaseState
    from leder.casework.services.triage import case_triage
    from leder.notifications.tests.factories import nhs_number, notify
    from tests.system.test_triage_and_allocation import sign_out

    region = RegionFactory(name="Test Midlands")
    vale = IcbFactory(short_name="Test Vale", region=region)
    hills = IcbFactory(short_name="Test Hills", region=region)
    sender = user_with_role(Role.LAC, vale, full_name="Vera Vale")
    receiver = user_with_role(Role.LAC, hills, full_name="Hugo Hills")
    for user in (sender, receiver):
        totp_device(user)
    notification = notify(
        vale, given_name="Oluwaseun", family_name="Adeyemi", nhs_number=nhs_number()
    ).notification
    case_triage(actor=sender, notification=notification, decision="eligible")
    case = Case.objects.get(notification=notification)
    due_on = case.due_on

    sign_in(page, live_server.url, sender, axe_check)
    page.goto(f"{live_server.url}/staff/cases/{notification.reference}")
    axe_check(page)
    with page.expect_navigation():
        page.click("a:has-text('Transfer to another ICB')")
    axe_check(page)
    press_button(page, "Ask to transfer")
    assert page.locator(".nhsuk-error-summary").is_visible()
    axe_check(page)
    pick(page, "id_to_icb", "Hills", "Test Hills")
    fill(page, "#id_reason", "She lived in a care home in Hills")
    snap(page, "t1-ask")
    press_button(page, "Ask to transfer")
    assert "their local area contact decides" in page.content()
    axe_check(page)
    snap(page, "t2-asked")
    sign_out(page)

    sign_in(page, live_server.url, receiver, axe_check, steps_ahead=1)
    with page.expect_navigation():
        page.click("a:has-text('Transfers')")
    axe_check(page)
    with page.expect_navigation():
        page.click(f"a:has-text('{notification.reference} from Test Vale')")
    axe_check(page)
    snap(page, "t3-decide")
    choose(page, "decision", "accept")
    press_button(page, "Save decision")
    axe_check(page)
    page.goto(f"{live_server.url}/staff/cases/{notification.reference}")
    assert "Where this case has been" in page.content()
    assert "Transferred from Test Vale to Test Hills" in page.content()
    axe_check(page)
    snap(page, "t4-case")
    case.refresh_from_db()
    assert case.notification.icb == hills
    assert case.state == CaseState.AWAITING_ALLOCATION and case.due_on == due_on


def test_a_regional_coordinator_transfers_a_death_by_its_reference(page, live_server, axe_check):
    """Item 2 of issue 15, "by its LAC or a regional coordinator": the coordinator finds the
    death by its reference (a wrong one is an accessible error), sees its ICB, stage and how its
    area was decided but not who it was, and asks; the neighbouring ICB's LAC accepts it."""
    from leder.casework.models import Case
    from leder.casework.services.triage import case_triage
    from leder.notifications.tests.factories import nhs_number, notify
    from tests.system.test_triage_and_allocation import sign_out

    region = RegionFactory(name="Test Midlands")
    vale = IcbFactory(short_name="Test Vale", region=region)
    hills = IcbFactory(short_name="Test Hills", region=region)
    lac = user_with_role(Role.LAC, vale, full_name="Vera Vale")
    receiver = user_with_role(Role.LAC, hills, full_name="Hugo Hills")
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region, full_name="Rita Region")
    for user in (receiver, coordinator):
        totp_device(user)
    notification = notify(
        vale, given_name="Temperance", family_name="Okonkwo", nhs_number=nhs_number()
    ).notification
    case_triage(actor=lac, notification=notification, decision="eligible")

    sign_in(page, live_server.url, coordinator, axe_check)
    with page.expect_navigation():
        page.click("a:has-text('Transfers')")
    axe_check(page)
    fill(page, "#reference", "LDR-2099-999999")
    press_button(page, "Find the death")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    axe_check(page)
    fill(page, "#reference", notification.reference)
    press_button(page, "Find the death")
    assert page.locator("h1").inner_text() == "Transfer to another ICB"
    content = page.content()
    assert "Awaiting allocation" in content and "Test Vale" in content
    assert "Okonkwo" not in content and notification.nhs_number not in content
    axe_check(page)
    snap(page, "r1-find")
    pick(page, "id_to_icb", "Hills", "Test Hills")
    fill(page, "#id_reason", "The family says she lived in Hills")
    press_button(page, "Ask to transfer")
    assert "their local area contact decides" in page.content()
    axe_check(page)
    snap(page, "r2-asked")
    sign_out(page)

    sign_in(page, live_server.url, receiver, axe_check, steps_ahead=1)
    with page.expect_navigation():
        page.click("a:has-text('Transfers')")
    with page.expect_navigation():
        page.click(f"a:has-text('{notification.reference} from Test Vale')")
    axe_check(page)
    choose(page, "decision", "accept")
    press_button(page, "Save decision")
    axe_check(page)
    assert Case.objects.get(notification=notification).notification.icb == hills
