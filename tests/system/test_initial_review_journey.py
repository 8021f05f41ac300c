"""The initial review end to end in real Chromium: the reviewer starts the review and completes
every section through its pages (a failed save keeps what was typed), requests records from the
person's GP practice, the practice uploads through the e-mailed link (and a file of the wrong
kind is refused), the reviewer sees the records received and submits for quality assurance,
after which the review is read-only. axe checks every page visited."""

import os
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import Case, CaseState
from leder.organisations.tests.factories import GpPracticeFactory
from leder.reviews import sections
from leder.reviews.models import RecordsRequest, RecordsRequestStatus, Review, ReviewSection
from leder.reviews.tests.conftest import cases, icb, lac, reviewer  # noqa: F401
from tests.system.conftest import assert_error_summary_focused
from tests.system.keyboard import pick

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")

# A minimal file whose first bytes say PDF, as the upload check sniffs them.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, monkeypatch):
    """Uploaded files go to a temporary private folder; no ClamAV; the upload rate limiter's
    counts start at zero."""
    settings.LEDER_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    cache.clear()


@pytest.fixture
def practice(icb):
    return GpPracticeFactory(icb=icb, name="Orchard Way Surgery")


@pytest.fixture
def case(cases, practice):
    """A case in initial review for a White British person, not autistic, registered with a GP
    practice: no trigger for a focused review, and a practice to ask for records."""
    return cases.make(
        CaseState.INITIAL_REVIEW,
        given_name="Maya",
        family_name="Okafor",
        gp_practice_id=practice.pk,
        ethnic_category_id="A",
    )


def signed_in(page, live_server, user):
    """Share a verified session with the browser (sign-in itself is tested elsewhere)."""
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def open_section(page, workspace_url, title):
    page.goto(workspace_url)
    with page.expect_navigation():
        page.locator(".nhsuk-task-list").get_by_role("link", name=title, exact=True).click()
    assert page.locator("h1").first.inner_text().startswith(title.split(" (")[0]), title


def fill_date(page, name, day, month, year):
    page.fill(f"#id_{name}-day", str(day))
    page.fill(f"#id_{name}-month", str(month))
    page.fill(f"#id_{name}-year", str(year))


def add_contact(page, axe_check, *, name, kind, role="", organisation=None, other_org=""):
    click(page, "a:has-text('Add a contact')")
    axe_check(page)
    page.fill("#id_name", name)
    page.check(f"input[name=kind][value={kind}]")
    if organisation:
        pick(page, "id_organisation", organisation, organisation)
    if other_org:
        page.fill("#id_organisation_name", other_org)
    page.fill("#id_role", role)
    click(page, "button:has-text('Save contact')")
    assert "Contact added" in page.content()


def add_attempt(page, axe_check, *, name, day, method, outcome, notes=""):
    click(page, f"a:has-text('Record an attempt to reach {name}')")
    axe_check(page)
    fill_date(page, "made_on", day, 10, 2026)
    page.check(f"input[name=method][value={method}]")
    page.check(f"input[name=outcome][value={outcome}]")
    page.fill("#id_notes", notes)
    click(page, "button:has-text('Save attempt')")
    assert f"Attempt to reach {name} recorded" in page.content()


def test_a_reviewer_completes_an_initial_review_with_records_uploaded_and_submits_for_qa(
    another_page, page, live_server, axe_check, case, reviewer, practice, tmp_path
):
    signed_in(page, live_server, reviewer)
    workspace = f"{live_server.url}/staff/cases/{case.reference}/review/initial"

    # The case page leads to the review, which starts from its own page.
    page.goto(f"{live_server.url}/staff/cases/{case.reference}")
    axe_check(page)
    click(page, "a:has-text('Start the review')")
    axe_check(page)
    click(page, "button:has-text('Start the review')")
    assert page.locator(".nhsuk-task-list").is_visible()
    initial_sections = sections.sections_for("initial")
    progress = page.locator("main").inner_text()
    # Only "Records from organisations" is complete from the start: nothing is outstanding.
    assert f"1 of {len(initial_sections)} sections complete" in progress, progress
    axe_check(page)
    snap(page, "j4-01-workspace-start")

    # Family involvement.
    open_section(page, workspace, "Family involvement")
    axe_check(page)
    for name in ("told_of_review", "invited_to_contribute", "offered_pen_portrait", "wants_copy"):
        page.check(f"input[name={name}][value=yes]")
    # The family did not ask for a focused review.
    page.check("input[name=asked_for_focused_review][value=no]")
    fill_date(page, "told_on", 5, 10, 2026)
    click(page, "button:has-text('Save and mark as complete')")
    assert "Family involvement saved and marked as complete" in page.content()

    # Contacts: a family member, the GP and a paid carer, each spoken with.
    open_section(page, workspace, "Contacts")
    axe_check(page)
    add_contact(page, axe_check, name="Grace Okafor", kind="family", role="Sister")
    add_attempt(page, axe_check, name="Grace Okafor", day=7, method="phone", outcome="spoke")
    add_contact(
        page, axe_check, name="Dr Asha Patel", kind="gp", role="GP", organisation=practice.name
    )
    add_attempt(page, axe_check, name="Dr Asha Patel", day=8, method="video", outcome="spoke")
    add_contact(
        page,
        axe_check,
        name="Tom Reid",
        kind="paid_carer",
        role="Support worker",
        other_org="Brightside Support",
    )
    add_attempt(page, axe_check, name="Tom Reid", day=8, method="phone", outcome="no_answer")
    add_attempt(
        page,
        axe_check,
        name="Tom Reid",
        day=9,
        method="in_person",
        outcome="spoke",
        notes="Talked about her last month at home",
    )
    assert "meet the minimum of an initial review" in page.content()
    axe_check(page)
    snap(page, "j4-02-contacts")

    # Pen portrait: marking complete without every answer is refused, keeping what was typed.
    open_section(page, workspace, "Pen portrait")
    axe_check(page)
    page.fill("#id_who_they_were", "Maya loved music and her garden")
    click(page, "button:has-text('Save and mark as complete')")
    assert_error_summary_focused(page)
    assert page.input_value("#id_who_they_were") == "Maya loved music and her garden"
    axe_check(page)
    snap(page, "j4-03-pen-portrait-error")
    page.fill("#id_what_mattered", "Being at home with her cat and her sister")
    click(page, "button:has-text('Save and mark as complete')")
    assert "Pen portrait saved and marked as complete" in page.content()

    # The person's profile: every question answered (checkboxes for conditions and senses).
    open_section(page, workspace, "The person's profile")
    axe_check(page)
    for name, value in (
        ("downs_syndrome", "no"),
        ("cerebral_palsy", "no"),
        ("epilepsy", "yes"),
        ("long_term_conditions", "hypertension"),
        ("mobility", "some_help"),
        ("communication", "verbal"),
        ("sensory", "none"),
        ("lived_in", "family_home"),
        ("support", "none"),
        ("out_of_area_placement", "no"),
        ("mental_health_act_detained", "no"),
    ):
        page.check(f"input[name={name}][value={value}]")
    click(page, "button:has-text('Save and mark as complete')")
    assert "The person's profile saved and marked as complete" in page.content()

    # Timeline of care: two events, then marked complete.
    open_section(page, workspace, "Timeline of care")
    axe_check(page)
    for day, kind, description in (
        (14, "gp", "Annual health check: weight loss noted"),
        (20, "admission", "Admitted with a chest infection"),
    ):
        click(page, "a:has-text('Add an event')")
        axe_check(page)
        fill_date(page, "occurred_on", day, 9, 2026)
        page.check(f"input[name=kind][value={kind}]")
        page.fill("#id_description", description)
        click(page, "button:has-text('Save event')")
        assert description in page.content()
    axe_check(page)
    page.check("#id_complete")
    click(page, "form[action$='timeline/complete'] button:has-text('Save')")

    # Records: ask the GP practice; the upload link is e-mailed.
    open_section(page, workspace, "Records from organisations")
    axe_check(page)
    click(page, "a:has-text('Request records')")
    axe_check(page)
    assert pick(page, "id_organisation", "orchard", practice.name) == str(practice.pk)
    page.fill("#id_email", "records@orchard-way.example.nhs.uk")
    page.fill("#id_requested", "GP records for the last 2 years of the person's life")
    click(page, "button:has-text('Send the upload link')")
    assert f"Upload link sent to {practice.name}" in page.content()
    axe_check(page)
    assert mail.outbox, "the upload link was not e-mailed"
    message = mail.outbox[-1]
    assert message.to == ["records@orchard-way.example.nhs.uk"]
    upload_path = re.search(r"/records/upload/\S+", message.body).group(0)

    # The practice, with no account and no session, uploads through the link.
    org_page = another_page()
    org_page.goto(live_server.url + upload_path)
    assert "Upload records for a LeDeR review" in org_page.locator("h1").inner_text()
    assert "Maya" in org_page.content()
    axe_check(org_page)
    snap(org_page, "j4-04-upload-page")
    # A text file named .pdf is refused, clearly, and nothing is stored.
    fake = tmp_path / "records.pdf"
    fake.write_bytes(b"MZ not really a PDF at all")
    org_page.set_input_files("input[type=file][name=file]", str(fake))
    click(org_page, "button:has-text('Upload file')")
    summary = org_page.locator(".nhsuk-error-summary").inner_text()
    assert "must be a PDF, a Word document" in summary
    axe_check(org_page)
    snap(org_page, "j4-05-upload-refused")
    assert not RecordsRequest.objects.get(review__case=case).files.exists()
    # A real PDF is accepted.
    real = tmp_path / "gp-records.pdf"
    real.write_bytes(PDF_BYTES)
    org_page.set_input_files("input[type=file][name=file]", str(real))
    click(org_page, "button:has-text('Upload file')")
    assert org_page.locator(".nhsuk-error-summary").count() == 0
    assert "gp-records.pdf uploaded" in org_page.content()
    axe_check(org_page)
    snap(org_page, "j4-06-upload-done")
    request = RecordsRequest.objects.get(review__case=case)
    assert request.status == RecordsRequestStatus.RECEIVED
    assert [f.original_name for f in request.files.all()] == ["gp-records.pdf"]

    # Back as the reviewer: the request is received, with its file.
    open_section(page, workspace, "Records from organisations")
    records = page.locator("main").inner_text()
    assert "Received" in records and "gp-records.pdf" in records
    axe_check(page)
    snap(page, "j4-07-records-received")

    # Structured questions: every group answered.
    open_section(page, workspace, "Structured questions")
    axe_check(page)
    groups = page.locator("a:has-text('Answer these questions')")
    hrefs = [groups.nth(i).get_attribute("href") for i in range(groups.count())]
    assert hrefs
    for href in hrefs:
        page.goto(live_server.url + href)
        axe_check(page)
        for radio in page.locator("input[type=radio][value=not_known]").all():
            radio.check()
        click(page, "button:has-text('Save and continue')")
        assert page.locator(".nhsuk-error-summary").count() == 0
    open_section(page, workspace, "Structured questions")
    assert page.locator("a:has-text('Answer these questions')").count() == 0
    axe_check(page)
    click(page, "button:has-text('Mark as complete')")

    # Cause of death: Part I (a) with a code found by searching once.
    open_section(page, workspace, "Cause of death")
    axe_check(page)
    page.fill("#id_a_text", "Aspiration pneumonia")
    click(page, "button:has-text('Find a code for Part I line (a)')")
    axe_check(page)
    page.fill("#id_q", "J18.9")
    click(page, "button:has-text('Search')")
    page.check("input[name=code][value='J18.9']")
    axe_check(page)
    click(page, "button:has-text('Use this code')")
    assert page.input_value("#id_a_code") == "J18.9"
    assert page.input_value("#id_a_text") == "Aspiration pneumonia"
    for name, value in (
        ("coroner_referral", "no"),
        ("inquest", "no"),
        ("post_mortem", "no"),
        ("place_of_death", "hospital"),
        ("covid_status", "no"),
        ("covid_vaccination", "3"),
    ):
        page.check(f"input[name={name}][value='{value}']")
    click(page, "button:has-text('Save and mark as complete')")
    assert page.locator(".nhsuk-error-summary").count() == 0

    # Grading: a grade without reasons is refused, keeping what was chosen.
    open_section(page, workspace, "Grading of care")
    axe_check(page)
    page.check("input[name=level][value='2']")
    click(page, "button:has-text('Save and mark as complete')")
    assert "Enter why you chose this grade" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.is_checked("input[name=level][value='2']")
    axe_check(page)
    page.fill("#id_rationale", "Good care overall, but weight loss was not followed up")
    click(page, "button:has-text('Save and mark as complete')")
    assert page.locator(".nhsuk-error-summary").count() == 0

    # Learning: one area for improvement, with a theme.
    open_section(page, workspace, "Learning")
    axe_check(page)
    click(page, "a:has-text('Add a piece of learning')")
    axe_check(page)
    page.check("input[name=kind][value=improvement]")
    page.fill("#id_text", "Weight loss at the annual health check was not followed up")
    page.locator("input[name=themes]").first.check()
    click(page, "button:has-text('Save')")
    assert "Weight loss at the annual health check" in page.content()
    axe_check(page)
    click(page, "button:has-text('Save and mark as complete')")
    assert page.locator(".nhsuk-error-summary").count() == 0

    # The focused-review decision: nothing in the data, no reasons of the reviewer's own.
    open_section(page, workspace, "Focused review decision")
    axe_check(page)
    click(page, "button:has-text('Save and mark as complete')")
    assert page.locator(".nhsuk-error-summary").count() == 0

    # Every section is complete.
    page.goto(workspace)
    total = len(initial_sections)
    progress = page.locator("main").inner_text()
    assert f"{total} of {total} sections complete" in progress, progress
    axe_check(page)
    snap(page, "j4-08-workspace-complete")

    # Submission goes to quality assurance.
    page.goto(f"{workspace}/submit")
    axe_check(page)
    snap(page, "j4-09-submit")
    click(page, "button:has-text('Submit')")
    assert "Review submitted" in page.content()
    axe_check(page)
    snap(page, "j4-10-submitted")
    assert Case.objects.get(pk=case.pk).state == CaseState.QUALITY_ASSURANCE
    assert Review.objects.get(case=case, kind="initial").submitted_at is not None

    # Editing is locked: the pages offer no saving.
    for title in ("Pen portrait", "Grading of care"):
        open_section(page, workspace, title)
        assert page.locator("button:has-text('Save')").count() == 0, title
        axe_check(page)
    open_section(page, workspace, "Contacts")
    assert page.locator("a:has-text('Add a contact')").count() == 0
    axe_check(page)
    # And a save posted anyway changes nothing.
    client = Client()
    sign_in_verified(client, reviewer)
    client.post(
        f"/staff/cases/{case.reference}/review/initial/section/pen_portrait",
        {"who_they_were": "Changed after submission", "what_mattered": "x", "action": "draft"},
    )
    row = ReviewSection.objects.get(review__case=case, key="pen_portrait")
    assert row.data["who_they_were"] == "Maya loved music and her garden"
