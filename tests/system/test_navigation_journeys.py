"""Each role finds its way: a journey per role that starts at the sign-in page (password, then
the authenticator code), lands on a home page that says what waits for them with counts, and
reaches every task only through the header navigation and the home page's links, never by
typing an address. Every page passes axe, logs no error and starts the NHS.UK frontend; each
page below the home page shows breadcrumbs or a back link. The home pages are photographed to
`LEDER_SCREENSHOTS` when it is set."""

import os
import re
from datetime import timedelta

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import PASSWORD, current_code, totp_device, user_with_role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.time import now
from leder.demo.reviews import write_focused_review, write_initial_review
from leder.governance.services import panels as panel_services
from leder.organisations.tests.factories import GpPracticeFactory

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def area():
    """An ICB with one piece of work at each stage, and a person in every role."""
    midlands = make_region(name="Midlands")
    icb = make_icb(name="NHS Test Vale ICB", short_name="Test Vale", region=midlands)
    practice = GpPracticeFactory(icb=icb, name="Orchard Way Surgery")
    people = {
        "lac": user_with_role(Role.LAC, icb, full_name="Lena Contact"),
        "reviewer": user_with_role(Role.REVIEWER, icb, full_name="Rae Reviewer"),
        "senior": user_with_role(Role.SENIOR_REVIEWER, icb, full_name="Sam Senior"),
        "chair": user_with_role(Role.PANEL_CHAIR, icb, full_name="Priya Chair"),
        "member": user_with_role(Role.PANEL_MEMBER, icb, full_name="Tom Member"),
        "lead": user_with_role(Role.ICB_LEAD, icb, full_name="Ife Lead"),
        "regional": user_with_role(Role.REGIONAL_COORDINATOR, midlands, full_name="Reg Ional"),
        "analyst": user_with_role(Role.NATIONAL_ANALYST, full_name="Nat Analyst"),
    }
    cases = CaseMaker(icb=icb, lac=people["lac"])
    reviewer = make_reviewer(icb, user=people["reviewer"], capacity=5)
    cases.notification()  # waits for triage
    cases.make(CaseState.AWAITING_ALLOCATION)
    cases.make(CaseState.ALLOCATED, reviewer=reviewer)  # offered to the reviewer
    in_qa = cases.make(CaseState.INITIAL_REVIEW, gp_practice_id=practice.pk, ethnic_category_id="A")
    write_initial_review(case=in_qa)
    at_panel = cases.make(CaseState.FOCUSED_REVIEW, gp_practice_id=practice.pk)
    focused = write_focused_review(case=at_panel)
    panel = panel_services.panel_save(
        actor=people["lac"], icb=icb, name="Test Vale LeDeR governance panel", quorum=3
    )
    meeting = panel_services.panel_meeting_schedule(
        actor=people["lac"], panel=panel, starts_at=now() + timedelta(days=10), location="Room 4"
    )
    panel_services.agenda_item_add(actor=people["lac"], meeting=meeting, review=focused)
    for user in people.values():
        totp_device(user)
    return people


def sign_in(page, base_url, user, axe_check):
    page.goto(base_url + "/account/sign-in")
    axe_check(page)
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Continue')")
    axe_check(page)
    page.fill("#id_code", current_code(totp_device(user)))
    with page.expect_navigation():
        page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == user.full_name
    axe_check(page)


def header_links(page) -> list[str]:
    nav = page.locator("nav.nhsuk-header__navigation li.nhsuk-header__navigation-item > a")
    return [text.strip() for text in nav.all_inner_texts()]


def via_navigation(page, text):
    """Follow the header's link called `text`, opening the "More" menu if the frontend moved it
    there for want of room."""
    nav = page.locator("nav.nhsuk-header__navigation")
    links = nav.get_by_role("link", name=text, exact=True)
    if not links.locator("visible=true").count():
        nav.locator("#toggle-menu").click()
    with page.expect_navigation():
        links.locator("visible=true").first.click()


def has_way_back(page) -> bool:
    return bool(page.locator(".nhsuk-breadcrumb, .nhsuk-back-link").count())


def waiting(page) -> dict[str, tuple[int, str]]:
    """The home page's counts: key → (number, link)."""
    cards = {}
    for card in page.locator("[data-waiting]").all():
        link = card.locator("a.nhsuk-card__link")
        number = int(link.locator(".leder-waiting__count").inner_text().replace(",", ""))
        cards[card.get_attribute("data-waiting")] = (number, link.get_attribute("href"))
    return cards


# What each role's home page counts (at least these, with these numbers) and the header links it
# offers, in order.
EXPECTED = {
    "lac": (
        {"triage": 1, "allocate": 1, "to_agenda": 0, "actions_overdue": 0},
        ["Home", "Triage", "Notifications", "Cases", "Panels", "Actions", "Dashboard", "Reports"],
    ),
    "reviewer": (
        {"accept": 1, "own_overdue": 0},
        ["Home", "Your reviews", "Cases"],
    ),
    "senior": (
        {"qa": 1, "accept": 0, "overdue": 0, "actions_overdue": 0},
        ["Home", "Your reviews", "Cases", "Quality assurance", "Actions", "Dashboard", "Reports"],
    ),
    "chair": (
        {"to_agenda": 0, "actions_overdue": 0},
        ["Home", "Cases", "Panels", "Actions", "Dashboard", "Reports"],
    ),
    "member": (
        {"to_agenda": 0},
        ["Home", "Cases", "Panels", "Actions", "Dashboard", "Reports"],
    ),
    "lead": (
        {"icb_overdue": 0, "actions_overdue": 0},
        ["Home", "Actions", "Dashboard", "Reports"],
    ),
    "regional": (
        {"escalations": 0, "actions_overdue": 0},
        ["Home", "Actions", "Dashboard", "Reports"],
    ),
    "analyst": ({}, ["Home", "Dashboard", "Reports"]),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_signs_in_sees_what_waits_and_reaches_every_task_by_the_navigation(
    browser, page, live_server, axe_check, role
):
    people = area()
    user = people[role]
    counts, navigation = EXPECTED[role]
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, live_server.url, user, axe_check)
    snap(page, f"home-{role}")
    assert header_links(page) == navigation
    found = waiting(page)
    for key, number in counts.items():
        assert found[key][0] == number, (key, found)
    if role in ("lac", "chair", "member"):
        next_panel = [key for key in found if key.startswith("next_panel_")]
        assert [found[key][0] for key in next_panel] == [1], found

    # Every count opens its list, and the list shows as many rows as the count says where
    # the list is a table of rows (the triage queue, the case list, the QA queue).
    for key, (number, _href) in found.items():
        with page.expect_navigation():
            page.locator(f"[data-waiting='{key}'] a.nhsuk-card__link").click()
        axe_check(page)
        assert has_way_back(page), page.url
        if key in ("triage", "allocate", "qa") and number:
            assert page.locator("main table tbody tr").count() == number, (key, page.url)
        if key.startswith("next_panel_"):
            assert page.locator("main").get_by_text(re.compile("Reviews on the agenda|Agenda"))
        via_navigation(page, "Home")
        assert page.locator("h1").inner_text() == user.full_name

    # Every place in the header opens, marked as the current section, with a way back home.
    for text in navigation[1:]:
        via_navigation(page, text)
        axe_check(page)
        current = page.locator("nav.nhsuk-header__navigation [aria-current]")
        assert current.first.inner_text().strip() == text, page.url
        assert has_way_back(page), page.url
    via_navigation(page, "Home")
    assert page.locator("h1").inner_text() == user.full_name
