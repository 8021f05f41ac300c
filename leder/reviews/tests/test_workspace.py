"""The review workspace: the task list, the generic page of a simple section (drafts, complete
saves, bad input), submission, the version history and comparison, and the permission matrix."""

import re

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.reviews import sections
from leder.reviews.models import Review, ReviewSection, ReviewVersion
from leder.reviews.services.records import review_section_save

pytestmark = pytest.mark.django_db

FAMILY_COMPLETE = {
    "told_of_review": "yes",
    "told_on_day": "2",
    "told_on_month": "3",
    "told_on_year": "2025",
    "invited_to_contribute": "yes",
    "offered_pen_portrait": "yes",
    "pen_portrait_comments": "Her sister asked us to mention her singing",
    "wants_copy": "yes",
    "asked_for_focused_review": "no",
}
PEN_COMPLETE = {
    "who_they_were": "Maya loved music and her garden",
    "what_mattered": "Being at home with her cat",
    "what_people_said": "",
}


@pytest.fixture(autouse=True)
def only_workspace_sections(monkeypatch):
    """The registry with the workspace's two sections only, so that these tests do not depend
    on the other parts of the review, and submission can succeed without them."""
    mine = {key: sections.get(key) for key in ("family", "pen_portrait")}
    monkeypatch.setattr(sections, "_registry", mine)


def url(name: str, case, kind="initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def section_url(case, key):
    return url("section", case, key=key)


def status_of(page: str, title: str) -> str:
    """The status the task list shows for the section called `title`."""
    for item in page.split('<li class="nhsuk-task-list__item')[1:]:
        if f"{title}\n" in item or f"{title}<" in item:
            status = item.split("nhsuk-task-list__status")[1].split("</div>")[0]
            return " ".join(re.sub(r"<[^>]+>", " ", status.split(">", 1)[1]).split())
    raise AssertionError(f"{title} is not in the task list")


def written():
    return (
        Review.objects.count(),
        list(ReviewSection.objects.order_by("pk").values_list("key", "data", "is_complete")),
        ReviewVersion.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# -- The workspace ------------------------------------------------------------------------------


def test_the_reviewer_starts_the_review_from_a_start_page(client, case, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("workspace", case)).content.decode()
    assert "Start the review" in page
    assert not Review.objects.filter(case=case).exists()

    response = client.post(url("workspace", case))

    assert response.status_code == 302
    review = Review.objects.get(case=case, kind="initial")
    assert review.started_by == reviewer


def test_a_reader_cannot_start_the_review(client, case, lac):
    sign_in_verified(client, lac)
    page = client.get(url("workspace", case)).content.decode()
    assert "The reviewer has not started the review yet" in page
    assert "Start the review" not in page
    assert client.post(url("workspace", case)).status_code == 403
    assert not Review.objects.filter(case=case).exists()


def test_the_workspace_lists_every_section_with_its_status_and_link(client, case, review, reviewer):
    review_section_save(
        actor=reviewer,
        review=review,
        key="pen_portrait",
        data={"who_they_were": "x"},
        complete=False,
    )
    sign_in_verified(client, reviewer)
    page = client.get(url("workspace", case)).content.decode()

    n = case.notification
    assert f"{n.given_name} {n.family_name}" in page
    assert "nhsuk-task-list" in page
    for section in sections.sections_for("initial"):
        assert section.title in page
    assert section_url(case, "family") in page and section_url(case, "pen_portrait") in page
    assert status_of(page, "Family involvement") == "Not started"
    assert status_of(page, "Pen portrait") == "In progress"
    assert url("submit", case) in page and url("versions", case) in page


def test_the_task_list_marks_sections_quality_assurance_commented_on(case, review, reviewer):
    from types import SimpleNamespace

    from leder.reviews.presenters import workspace as present
    from leder.reviews.selectors.workspace import review_access

    access = review_access(user=reviewer, reference=case.reference, kind="initial")
    comments = {
        "pen_portrait": [SimpleNamespace(response=""), SimpleNamespace(response="Done")],
        "family": [SimpleNamespace(response="Added the sister's view")],
    }
    rows = {row.section.key: row for row in present.section_rows(access, qa_comments=comments)}
    pen, family = rows["pen_portrait"].task_item, rows["family"].task_item
    assert pen["status"]["tag"]["text"] == "Quality assurance comment"
    assert "2 comments on this section, 1 waiting for your response" in pen["hint"]["text"]
    # Answered: the section's own state again, still saying QA commented on it.
    assert family["status"]["tag"]["text"] == "Not started"
    assert "1 comment on this section." in family["hint"]["text"]


def test_a_section_nothing_requires_and_nothing_holds_is_not_called_completed(
    case, review, reviewer, monkeypatch
):
    # Issue 16: a new review showed "Records from organisations: Completed", none requested.
    from leder.reviews.presenters import workspace as present
    from leder.reviews.selectors.workspace import review_access

    optional = sections.Section(
        key="records",
        title="Records from organisations",
        kinds=frozenset({"initial"}),
        order=1,
        url_name="reviews:records",
        missing=lambda review: [],
        snapshot=lambda review: {"requests": []},
    )
    monkeypatch.setattr(sections, "sections_for", lambda kind: [optional])
    access = review_access(user=reviewer, reference=case.reference, kind="initial")
    [row] = present.section_rows(access)
    assert row.status == "Nothing recorded" and row.is_done
    assert row.task_item["status"]["tag"]["text"] == "Nothing recorded"


def test_viewing_the_workspace_is_audited_once(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    client.get(url("workspace", case))
    views = AuditEvent.objects.filter(action=AuditAction.VIEW).order_by("-sequence")
    assert views.count() == before + 1
    assert (views[0].actor, views[0].object_id) == (reviewer, str(case.pk))
    assert case.reference in views[0].summary


# -- A simple section ---------------------------------------------------------------------------


def test_a_draft_saves_what_is_given_and_is_in_progress(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        section_url(case, "pen_portrait"),
        {"who_they_were": "Maya loved music", "action": "draft"},
    )
    assert response.status_code == 302
    row = ReviewSection.objects.get(review=review, key="pen_portrait")
    assert row.data["who_they_were"] == "Maya loved music" and not row.is_complete
    assert review.versions.count() == 1
    page = client.get(response.url).content.decode()
    assert "Pen portrait saved" in page
    assert status_of(page, "Pen portrait") == "In progress"


def test_marking_complete_needs_every_required_answer_and_keeps_what_was_typed(
    client, case, review, reviewer
):
    sign_in_verified(client, reviewer)
    before = written()
    response = client.post(
        section_url(case, "pen_portrait"),
        {"who_they_were": "Maya loved music and dancing", "action": "complete"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter what mattered to the person" in page
    assert "Maya loved music and dancing" in page  # what was typed is still there
    assert written() == before


def test_an_invalid_answer_in_a_draft_saves_nothing_and_keeps_what_was_typed(
    client, case, review, reviewer
):
    sign_in_verified(client, reviewer)
    before = written()
    data = {**FAMILY_COMPLETE, "told_on_day": "31", "told_on_month": "2", "action": "draft"}
    page = client.post(section_url(case, "family"), data).content.decode()
    assert "Date the family was told must be a real date" in page
    assert 'value="31"' in page and "Her sister asked us to mention her singing" in page
    assert written() == before


def test_a_complete_save_is_complete_and_stores_json_answers(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(section_url(case, "family"), {**FAMILY_COMPLETE, "action": "complete"})
    assert response.status_code == 302
    row = sections.stored(review, "family")
    assert row.is_complete
    assert row.data["told_on"] == "2025-03-02"
    # The focused-review triggers read this exact key and value.
    assert row.data["asked_for_focused_review"] == "no"
    assert sections.get("family").missing(review) == []
    page = client.get(url("workspace", case)).content.decode()
    assert status_of(page, "Family involvement") == "Completed"
    # The section page shows what was saved, and when.
    page = client.get(section_url(case, "family")).content.decode()
    assert "Last saved" in page and "marked as complete" in page
    assert 'value="2025"' in page


def test_told_of_the_review_needs_the_date_when_complete(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    data = {**FAMILY_COMPLETE, "told_on_day": "", "told_on_month": "", "told_on_year": ""}
    page = client.post(section_url(case, "family"), {**data, "action": "complete"}).content
    assert "Enter the date the family was told" in page.decode()
    assert not ReviewSection.objects.exists()
    # As a draft it saves, and the workspace says the date is missing.
    client.post(section_url(case, "family"), {**data, "action": "draft"})
    assert sections.get("family").missing(review) == [
        "The date the family was told is not answered",
        "Not marked as complete",
    ]


def test_a_save_that_changes_nothing_writes_no_version(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    client.post(section_url(case, "pen_portrait"), {**PEN_COMPLETE, "action": "complete"})
    client.post(section_url(case, "pen_portrait"), {**PEN_COMPLETE, "action": "complete"})
    assert review.versions.count() == 1


def test_readers_see_the_answers_without_a_form(client, case, review, reviewer, lac):
    review_section_save(
        actor=reviewer,
        review=review,
        key="family",
        data={"told_of_review": "yes", "told_on": "2025-03-02"},
        complete=False,
    )
    sign_in_verified(client, lac)
    page = client.get(section_url(case, "family")).content.decode()
    assert "You can read this review but not change it" in page
    assert "2 March 2025" in page and '<form method="post"' not in page
    before = written()
    assert client.post(section_url(case, "family"), FAMILY_COMPLETE).status_code == 403
    assert written() == before


def test_unknown_sections_and_kinds_are_not_found(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    assert client.get(section_url(case, "nonsense")).status_code == 404
    assert client.get(url("workspace", case, kind="nonsense")).status_code == 404
    # The family section belongs to the initial review only.
    focused = url("section", case, kind="focused", key="family")
    assert client.get(focused).status_code == 404


# -- Versions ---------------------------------------------------------------------------------


def test_each_save_is_a_version_and_the_comparison_shows_the_words_changed(
    client, case, review, reviewer
):
    sign_in_verified(client, reviewer)
    client.post(
        section_url(case, "pen_portrait"),
        {"who_they_were": "Maya loved music", "action": "draft"},
    )
    client.post(
        section_url(case, "pen_portrait"),
        {"who_they_were": "Maya loved music and swimming", "action": "draft"},
    )
    assert list(review.versions.values_list("number", flat=True)) == [1, 2]

    page = client.get(url("versions", case)).content.decode()
    assert "Pen portrait saved" in page and reviewer.full_name in page
    assert "See what changed" in page

    page = client.get(url("compare", case) + "?from=1&to=2").content.decode()
    assert "What changed from version 1 to version 2" in page
    assert "Who was the person?" in page  # the question, not the stored key
    assert '<span class="nhsuk-u-visually-hidden">added: </span>and swimming</ins>' in page


def test_comparing_a_version_with_itself_is_a_clear_error(client, case, review, reviewer):
    review_section_save(
        actor=reviewer,
        review=review,
        key="pen_portrait",
        data={"who_they_were": "a"},
        complete=False,
    )
    sign_in_verified(client, reviewer)
    page = client.get(url("compare", case) + "?from=1&to=1").content.decode()
    assert "Select two different versions to compare" in page
    page = client.get(url("compare", case) + "?from=1&to=9").content.decode()
    assert "Select versions this review has" in page


# -- Submission ---------------------------------------------------------------------------------


def test_submission_lists_what_is_missing_with_links_and_refuses(client, case, review, reviewer):
    client.force_login(reviewer)
    sign_in_verified(client, reviewer)
    client.post(section_url(case, "pen_portrait"), {"who_they_were": "x", "action": "draft"})
    page = client.get(url("submit", case)).content.decode()
    assert section_url(case, "family") in page and section_url(case, "pen_portrait") in page
    assert "What mattered to them is not answered" in page
    assert "Not started" in page
    assert 'value="Submit"' not in page and ">Submit<" not in page

    before = written()
    page = client.post(url("submit", case)).content.decode()
    assert "The review cannot be submitted yet" in page
    assert "Family involvement: Not started" in page
    assert written() == before
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW


def test_submitting_a_complete_review_sends_it_to_qa_and_locks_it(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    client.post(section_url(case, "family"), {**FAMILY_COMPLETE, "action": "complete"})
    client.post(section_url(case, "pen_portrait"), {**PEN_COMPLETE, "action": "complete"})
    page = client.get(url("submit", case)).content.decode()
    assert "the review goes to quality assurance" in page

    response = client.post(url("submit", case))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE
    page = client.get(response.url).content.decode()
    assert "Review submitted" in page and "quality assurance" in page

    # Locked: the reviewer reads it, the forms are gone, and a POST is refused with the reason.
    page = client.get(section_url(case, "pen_portrait")).content.decode()
    assert '<form method="post"' not in page and "Maya loved music" in page
    before = written()
    response = client.post(
        section_url(case, "pen_portrait"), {**PEN_COMPLETE, "who_they_were": "Later"}
    )
    assert response.status_code == 302
    assert "returned to you" in client.get(response.url).content.decode()
    assert written() == before


# -- The permission matrix ------------------------------------------------------------------------

PAGES = ["workspace", "section", "submit", "versions", "compare"]
READ = dict.fromkeys(PAGES, 200)
MATRIX = {
    "the_reviewer": READ,
    "lac": READ,
    "senior_reviewer": READ,
    "another_reviewer": dict.fromkeys(PAGES, 404),
    "panel_member": dict.fromkeys(PAGES, 404),
    "other_icb_lac": dict.fromkeys(PAGES, 404),
    "other_icb_senior_reviewer": dict.fromkeys(PAGES, 404),
    "icb_lead": dict.fromkeys(PAGES, 403),
    "administrator": dict.fromkeys(PAGES, 403),
    "national_analyst": dict.fromkeys(PAGES, 403),
    "regional_coordinator": dict.fromkeys(PAGES, 403),
}


@pytest.fixture
def world(icb, lac, case, review, reviewer):
    for text in ("first", "second"):
        review_section_save(
            actor=reviewer,
            review=review,
            key="pen_portrait",
            data={"who_they_were": text},
            complete=False,
        )
    other_icb = make_icb(name="NHS Other ICB")
    urls = {
        "workspace": url("workspace", case),
        "section": section_url(case, "pen_portrait"),
        "submit": url("submit", case),
        "versions": url("versions", case),
        "compare": url("compare", case) + "?from=1&to=2",
    }
    personas = {
        "the_reviewer": reviewer,
        "lac": lac,
        "senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, icb),
        "another_reviewer": make_reviewer(icb).user,
        "panel_member": user_with_role(Role.PANEL_MEMBER, icb),
        "other_icb_lac": user_with_role(Role.LAC, other_icb),
        "other_icb_senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, other_icb),
        "icb_lead": user_with_role(Role.ICB_LEAD, icb),
        "administrator": user_with_role(Role.ADMINISTRATOR),
        "national_analyst": user_with_role(Role.NATIONAL_ANALYST),
        "regional_coordinator": user_with_role(Role.REGIONAL_COORDINATOR),
    }
    return urls, personas


@pytest.mark.parametrize("persona", list(MATRIX))
def test_permission_matrix(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    got = {page: client.get(page_url).status_code for page, page_url in urls.items()}
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", [p for p in MATRIX if p != "the_reviewer"])
def test_nobody_but_the_reviewer_can_change_the_review(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    before = written()
    expected = 403 if MATRIX[persona]["section"] == 200 else MATRIX[persona]["section"]
    for page in ("section", "submit"):
        response = client.post(urls[page], {**PEN_COMPLETE, "action": "complete"})
        assert response.status_code == expected, page
    assert written() == before


def test_readers_get_no_edit_controls(client, world):
    urls, personas = world
    sign_in_verified(client, personas["lac"])
    page = client.get(urls["workspace"]).content.decode()
    assert "You can read this review but not change it" in page
    page = client.get(urls["section"]).content.decode()
    assert "Save and mark as complete" not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    urls, _ = world
    for page_url in urls.values():
        response = client.get(page_url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, world, reviewer):
    urls, _ = world
    sign_in_password_only(client, reviewer)
    for page_url in urls.values():
        response = client.get(page_url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


# -- The case page's link -----------------------------------------------------------------------


def test_the_case_page_leads_the_reviewer_to_start_then_to_the_review(client, case, reviewer, lac):
    case_page = reverse("casework:case", kwargs={"reference": case.reference})
    sign_in_verified(client, reviewer)
    page = client.get(case_page).content.decode()
    assert "Start the review" in page and url("workspace", case) in page
    client.post(url("workspace", case))
    assert "Go to the review" in client.get(case_page).content.decode()
    # Readers are offered the started review to read.
    sign_in_verified(client, lac)
    page = client.get(case_page).content.decode()
    assert "Read the initial review" in page and "Start the review" not in page
