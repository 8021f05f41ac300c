"""A family member's journey in real Chromium, keyboard only, at 320 px: the letter comes
through the local GOV.UK Notify server as a precompiled PDF; they type its link, give the date
of birth, tell the person's story, comment on the draft pen portrait the reviewer shares, and
later read the family copy. The reviewer then sees each contribution. axe checks every page.
Screenshots go to /tmp/h18-shots/."""

import re
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseState
from leder.families import services
from leder.families.selectors import draft_content
from leder.families.tests.test_family_copy import HARD, _learning, _row
from leder.messaging import kinds
from leder.messaging.notify_server import NotifyTestServer, templates_for_project
from leder.reviews.services.contacts import contact_add
from leder.reviews.services.records import review_section_save
from leder.reviews.tests.conftest import case, cases, icb, lac, review, reviewer  # noqa: F401
from tests.system.keyboard import fill, tab_to

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/h18-shots")
MY_SHOTS = Path("/tmp/h16-shots")


@pytest.fixture
def notify(settings, live_server):
    settings.LEDER_NOTIFY_TEMPLATE_IDS = {k: str(uuid.uuid4()) for k in kinds.required_templates()}
    server = NotifyTestServer(
        service_id=str(uuid.uuid4()), secret=str(uuid.uuid4()), templates=templates_for_project()
    ).start()
    settings.LEDER_NOTIFY_API_KEY = server.api_key
    settings.LEDER_NOTIFY_BASE_URL = server.base_url
    settings.LEDER_BASE_URL = live_server.url
    yield server
    server.stop()


def keyboard_submit(page, button_text: str) -> None:
    tab_to(page, f"button:has-text('{button_text}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page, link_text: str) -> None:
    tab_to(page, f"a:has-text('{link_text}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def signed_in(page, live_server, user):
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_family_member_takes_part_through_their_letter(
    another_page, page, live_server, axe_check, notify, case, review, reviewer, tmp_path
):
    SHOTS.mkdir(exist_ok=True)
    sister = contact_add(
        actor=reviewer,
        review=review,
        name="Jane Testperson",
        kind="family",
        address="1 Test Street\nLeicester",
        postcode="LE1 4AP",
        preferred_contact="letter",
        large_print=True,
    )
    services.invitation_create(actor=reviewer, contact=sister, second_factor="date_of_birth")
    [letter] = notify.sent.values()
    assert letter.type == "letter" and letter.pdf.startswith(b"%PDF-")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter.pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "letter")],
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Jane Testperson" in text and "LE1 4AP" in text
    assert case.notification.family_name not in text
    path = re.search(r"/family/[A-Za-z0-9_-]{43}", text.replace("\n", "")).group(0)

    family = another_page(width=320, height=800)
    family.goto(live_server.url + path)
    axe_check(family)
    family.screenshot(path=str(SHOTS / "start.png"), full_page=True)
    born = case.notification.date_of_birth
    fill(family, "#id_date_of_birth-day", str(born.day))
    fill(family, "#id_date_of_birth-month", str(born.month))
    fill(family, "#id_date_of_birth-year", str(born.year))
    keyboard_submit(family, "Continue")
    assert family.url.endswith("/home")
    axe_check(family)
    assert family.evaluate("document.documentElement.scrollWidth") <= 320

    follow(family, "What LeDeR is")
    axe_check(family)
    follow(family, "Read this in easy read")
    axe_check(family)
    family.goto(live_server.url + path + "/home")

    follow(family, "Tell us about")
    axe_check(family)
    fill(family, "#id_story", "She loved swimming and the sea, and laughed at everything.")
    family.screenshot(path=str(SHOTS / "story.png"), full_page=True)
    keyboard_submit(family, "Send to the reviewer")
    axe_check(family)
    assert "Thank you" in family.content()

    # The reviewer writes the pen portrait and shares it.
    review_section_save(
        actor=reviewer,
        review=review,
        key="pen_portrait",
        data={"who_they_were": "A keen swimmer", "what_mattered": "Her family and the sea"},
        complete=False,
    )
    services.draft_share(
        actor=reviewer,
        case=case,
        kind="pen_portrait",
        content=draft_content(review, "pen_portrait"),
    )
    family.reload()
    follow(family, "Read and comment on the draft pen portrait")
    axe_check(family)
    assert "A keen swimmer" in family.content()
    keyboard_submit(family, "Send your comments")  # empty: refused, summary focused
    axe_check(family)
    fill(family, "#id_comment", "Please say she swam for her county.")
    family.screenshot(path=str(SHOTS / "comment.png"), full_page=True)
    keyboard_submit(family, "Send your comments")
    axe_check(family)

    follow(family, "Raise a concern outside LeDeR")
    axe_check(family)
    family.goto(live_server.url + path + "/home")

    # Later the review is signed off, with what it found, and the family reads their copy.
    _row(review, "grading", {"level": 3, "scale_version": "1"}, reviewer)
    _learning(review, reviewer, "good_practice", "Her GP knew her well and visited often.")
    _learning(review, reviewer, "improvement", HARD)
    type(case).objects.filter(pk=case.pk).update(state=CaseState.COMPLETED)
    family.reload()
    follow(family, "Read the finished review")
    axe_check(family)
    assert "life and care" in family.content() and "A keen swimmer" in family.content()
    assert family.evaluate("document.documentElement.scrollWidth") <= 320
    family.screenshot(path=str(SHOTS / "family-copy.png"), full_page=True)
    MY_SHOTS.mkdir(exist_ok=True)
    family.screenshot(path=str(MY_SHOTS / "family-copy-320.png"), full_page=True)
    follow(family, "Read this in easy read")
    axe_check(family)
    assert "We are very sorry that" in family.content()
    assert "Most of the care" in family.content() and "aetiology" not in family.content()
    assert family.evaluate("document.documentElement.scrollWidth") <= 320
    family.screenshot(path=str(MY_SHOTS / "family-copy-easy-read-320.png"), full_page=True)

    # The reviewer sees what came in, with times.
    signed_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/family")
    axe_check(page)
    content = page.content()
    assert "She loved swimming" in content and "swam for her county" in content
    assert "2 new items" in content
    page.screenshot(path=str(SHOTS / "reviewer.png"), full_page=True)

    # The reviewer reaches the family copy from the case page, records a copy posted, and
    # reads the easy read with the sentences left out of it.
    page.goto(f"{live_server.url}/staff/cases/{case.reference}")
    follow(page, "The family copy, and how it was sent")
    axe_check(page)
    keyboard_submit(page, "Record it as sent")  # empty: refused, summary focused
    axe_check(page)
    fill(page, "#id_sent_to", "Jane Testperson, sister")
    tab_to(page, "#id_way")
    page.keyboard.press("Space")
    today = case.notification.date_of_death  # any day in the past
    fill(page, "#id_sent_on-day", str(today.day))
    fill(page, "#id_sent_on-month", str(today.month))
    fill(page, "#id_sent_on-year", str(today.year))
    keyboard_submit(page, "Record it as sent")
    axe_check(page)
    assert "Printed and posted" in page.content()
    page.screenshot(path=str(MY_SHOTS / "family-copy-staff.png"), full_page=True)
    follow(page, "See the easy-read version")
    axe_check(page)
    page.screenshot(path=str(MY_SHOTS / "family-copy-easy-read-staff.png"), full_page=True)
