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
from leder.messaging import kinds
from leder.messaging.notify_server import NotifyTestServer, templates_for_project
from leder.reviews.services.contacts import contact_add
from leder.reviews.services.records import review_section_save
from leder.reviews.tests.conftest import case, cases, icb, lac, review, reviewer  # noqa: F401
from tests.system.keyboard import fill, tab_to

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/h18-shots")


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

    # Later the review is signed off and the family reads their copy.
    type(case).objects.filter(pk=case.pk).update(state=CaseState.COMPLETED)
    family.reload()
    follow(family, "Read the finished review")
    axe_check(family)
    assert "Learning from the life and death of" in family.content()
    family.screenshot(path=str(SHOTS / "family-copy.png"), full_page=True)

    # The reviewer sees what came in, with times.
    signed_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/family")
    axe_check(page)
    content = page.content()
    assert "She loved swimming" in content and "swam for her county" in content
    assert "2 new items" in content
    page.screenshot(path=str(SHOTS / "reviewer.png"), full_page=True)
