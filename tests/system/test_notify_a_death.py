"""A member of the public tells LeDeR about a death, with the keyboard only, in Chromium; axe
checks every page, including the error states."""

import os

import pytest

from leder.notifications.models import Channel, Notification
from tests.system.conftest import assert_error_summary_focused
from tests.system.keyboard import choose, fill, press_button, select_option, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")  # a folder, to look at the pages


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def expect_error(page, message: str, field_selector: str) -> None:
    """The error summary takes focus and lists `message`, and following its link moves focus to
    the field."""
    assert_error_summary_focused(page)
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    link = summary.locator("a", has_text=message)
    assert link.count() == 1, f"{message!r} not in the error summary"
    tab_to(page, f".nhsuk-error-summary a:has-text('{message}')")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(s) => document.activeElement === document.querySelector(s)", arg=field_selector
    )


def test_notify_a_death_with_the_keyboard_only(page, live_server, axe_check):
    page.goto(live_server.url + "/")
    axe_check(page)
    tab_to(page, "a[href='/notify']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().startswith("Tell us")
    axe_check(page)
    snap(page, "01-start")
    tab_to(page, "a[href='/about/easy-read']")  # the easy-read page is linked from the form
    tab_to(page, "a.nhsuk-button, a[role=button], a[href^='/notify/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # How did you know them? Continue without an answer first.
    axe_check(page)
    press_button(page, "Continue")
    expect_error(page, "Select how you knew the person who died", "#id_relationship")
    axe_check(page)
    snap(page, "02-error")
    choose(page, "relationship", "family")
    press_button(page, "Continue")

    fill(page, "#id_name", "Ann Oduya")
    fill(page, "#id_email", "ann@example.invalid")
    axe_check(page)
    press_button(page, "Continue")

    fill(page, "#id_given_name", "Margaret")
    fill(page, "#id_family_name", "Oduya")
    axe_check(page)
    press_button(page, "Continue")

    # Dates: a death before the birth is refused with a specific message.
    for prefix, (d, m, y) in {
        "date_of_birth": ("4", "3", "1961"),
        "date_of_death": ("10", "5", "1960"),
    }.items():
        fill(page, f"#id_{prefix}-day", d)
        fill(page, f"#id_{prefix}-month", m)
        fill(page, f"#id_{prefix}-year", y)
    press_button(page, "Continue")
    expect_error(
        page,
        "Date of death must be the same as or after the date of birth",
        "#id_date_of_death-day",
    )
    axe_check(page)
    snap(page, "03-dates-error")
    fill(page, "#id_date_of_death-year", "2025")
    press_button(page, "Continue")

    # NHS number with a wrong check digit, then a valid one from the 999 test range.
    fill(page, "#id_nhs_number", "999 000 0019")
    press_button(page, "Continue")
    expect_error(page, "Enter a valid NHS number", "#id_nhs_number")
    axe_check(page)
    fill(page, "#id_nhs_number", "999 000 0018")
    press_button(page, "Continue")

    fill(page, "#id_address", "1 Meadow Lane\nLeicester")
    fill(page, "#id_postcode", "le1 7rh")
    axe_check(page)
    press_button(page, "Continue")

    axe_check(page)  # GP practice: optional, left blank
    press_button(page, "Continue")

    select_option(page, "#id_icb", "Leicester")
    axe_check(page)
    press_button(page, "Continue")

    choose(page, "has_learning_disability", "yes")
    choose(page, "is_autistic", "no")
    axe_check(page)
    press_button(page, "Continue")

    axe_check(page)  # sex and ethnic group: optional
    press_button(page, "Continue")

    choose(page, "place_of_death", "hospital")
    choose(page, "died_in_england", "yes")
    fill(page, "#id_circumstances", "She had pneumonia and was in hospital for a week.")
    axe_check(page)
    press_button(page, "Continue")

    choose(page, "covid", "no")
    axe_check(page)
    press_button(page, "Continue")

    choose(page, "has_care_concerns", "no")
    axe_check(page)
    press_button(page, "Continue")

    # Check your answers, then send.
    assert page.locator("h1").inner_text() == "Check your answers before sending"
    assert "Margaret Oduya" in page.content()
    assert "999 000 0018" in page.content()
    axe_check(page)
    snap(page, "04-check")
    assert Notification.objects.count() == 0  # nothing stored until the end
    press_button(page, "Send notification")

    panel = page.locator(".nhsuk-panel")
    assert panel.is_visible()
    notification = Notification.objects.get()
    assert notification.reference in panel.inner_text()
    assert notification.channel == Channel.ONLINE
    assert (notification.given_name, notification.nhs_number, notification.postcode) == (
        "Margaret",
        "9990000018",
        "LE1 7RH",
    )
    axe_check(page)
    snap(page, "05-done")

    # Going back and sending again (a refresh, a double click) makes no second notification.
    page.go_back()
    if page.locator("button:has-text('Send notification')").count():
        press_button(page, "Send notification")
    assert Notification.objects.count() == 1


def test_the_easy_read_page_is_reachable_and_accessible(page, live_server, axe_check):
    page.goto(live_server.url + "/notify")
    tab_to(page, "a[href='/about/easy-read']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_check(page)
    images = page.locator("svg[role=img]")
    for i in range(images.count()):
        svg = images.nth(i)
        assert svg.get_attribute("aria-label") or svg.locator("title").count(), "icon without text"
