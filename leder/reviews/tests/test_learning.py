"""Grading of care (versioned reference data), learning tagged with themes, the themes in the
Django admin, and who may see and change each page."""

import re
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.reviews import sections
from leder.reviews.models import (
    GradingLevel,
    GradingScale,
    LearningItem,
    LearningKind,
    LearningTheme,
    Review,
    ReviewSection,
    ReviewVersion,
)
from leder.reviews.services import learning as services
from leder.reviews.services.records import review_missing, review_start

pytestmark = pytest.mark.django_db

MY_SECTIONS = (
    "grading",
    "learning",
    "focused_decision",
    "focused_evidence",
    "focused_meeting",
    "focused_grading",
    "focused_learning",
)

DOMAIN_LEVELS = [
    "excellent care, beyond expected good practice",
    "good care, meeting expected good practice",
    "satisfactory care, short of good practice in some respects without significant impact on "
    "wellbeing",
    "care short of good practice that affected wellbeing but did not contribute to the cause of "
    "death",
    "care short of good practice that significantly affected wellbeing and/or had the potential "
    "to contribute to the cause of death",
    "care far short of good practice that contributed to the cause of death",
]


@pytest.fixture(autouse=True)
def only_these_sections(monkeypatch):
    """The registry with this part's sections (and family involvement, which the focused-review
    decision reads) only, so these tests do not depend on the other parts of the review."""
    mine = {key: sections.get(key) for key in ("family", *MY_SECTIONS)}
    monkeypatch.setattr(sections, "_registry", mine)


def url(name: str, case, kind="initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def section_url(case, key, kind="initial"):
    return url("section", case, kind=kind, key=key)


def theme(name: str) -> LearningTheme:
    return LearningTheme.objects.get(name=name)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- reference data ------------------------------------------------------------------------


def test_the_grading_scale_is_loaded_with_the_six_levels_worded_as_the_programme_words_them():
    scale = GradingScale.objects.get(version="1")
    assert [lv.description for lv in scale.levels.order_by("level")] == DOMAIN_LEVELS
    assert [lv.level for lv in scale.levels.all()] == [1, 2, 3, 4, 5, 6]


def test_a_starting_set_of_learning_themes_is_loaded_and_active():
    names = set(LearningTheme.objects.filter(active=True).values_list("name", flat=True))
    assert len(names) >= 15
    assert {"Annual health checks", "Reasonable adjustments", "DNACPR", "Sepsis"} <= names


def test_the_scale_in_force_is_the_latest_started_on_or_before_the_day():
    v2 = GradingScale.objects.create(version="2", effective_from=date(2030, 1, 1))
    assert GradingScale.objects.in_force_on(date(2029, 12, 31)).version == "1"
    assert GradingScale.objects.in_force_on(date(2030, 1, 1)) == v2
    # Before every scale: the earliest, so an old review can still be graded.
    assert GradingScale.objects.in_force_on(date(2000, 1, 1)).version == "1"


# --- grading ---------------------------------------------------------------------------------


def test_the_grading_page_offers_each_level_with_its_wording_as_hint(client, review, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(section_url(review.case, "grading")).content.decode()
    assert "Grade 3: Satisfactory care" in page
    assert "Satisfactory care, short of good practice in some respects" in page
    assert "version 1" in page


def test_a_grade_is_stored_with_the_version_of_the_scale(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        section_url(review.case, "grading"),
        {"level": "4", "rationale": "Constipation was not managed", "action": "complete"},
    )
    assert response.status_code == 302
    row = ReviewSection.objects.get(review=review, key="grading")
    assert row.data == {
        "level": 4,
        "rationale": "Constipation was not managed",
        "scale_version": "1",
    }
    assert row.is_complete
    version = review.versions.get()
    assert version.snapshot["grading"]["level"] == "Grade 4: Care short of good practice"
    assert sections.get("grading").missing(review) == []


def test_a_review_is_graded_against_the_scale_in_force_when_it_started(client, case, reviewer):
    later = GradingScale.objects.create(version="2", effective_from=date(2030, 1, 1))
    for level in range(1, 7):
        GradingLevel.objects.create(
            scale=later, level=level, title=f"New level {level}", description=f"new wording {level}"
        )
    review = review_start(actor=reviewer, case=case)
    Review.objects.filter(pk=review.pk).update(started_at=datetime(2026, 1, 5, tzinfo=UTC))
    sign_in_verified(client, reviewer)
    page = client.get(section_url(case, "grading")).content.decode()
    assert "Satisfactory care" in page and "New level 3" not in page
    client.post(
        section_url(case, "grading"),
        {"level": "2", "rationale": "Good care", "action": "complete"},
    )
    assert ReviewSection.objects.get(review=review, key="grading").data["scale_version"] == "1"

    # A review started once the new scale is in force is graded on it.
    Review.objects.filter(pk=review.pk).update(started_at=datetime(2030, 2, 1, tzinfo=UTC))
    ReviewSection.objects.filter(review=review, key="grading").delete()
    page = client.get(section_url(case, "grading")).content.decode()
    assert "New level 3" in page


def test_a_complete_grade_needs_reasons_and_bad_input_keeps_what_was_typed(
    client, review, reviewer
):
    sign_in_verified(client, reviewer)
    response = client.post(
        section_url(review.case, "grading"), {"level": "5", "rationale": "", "action": "complete"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter why you chose this grade" in page
    assert re.search(r'value="5"\s+checked', page)
    assert not ReviewSection.objects.filter(review=review).exists()
    assert not ReviewVersion.objects.filter(review=review).exists()

    response = client.post(
        section_url(review.case, "grading"),
        {"level": "9", "rationale": "Typed reasons stay", "action": "draft"},
    )
    page = response.content.decode()
    assert "Select a grade from the scale" in page
    assert "Typed reasons stay" in page
    assert not ReviewSection.objects.filter(review=review).exists()


def test_a_draft_grade_saves_and_says_what_is_missing(client, review, reviewer):
    sign_in_verified(client, reviewer)
    client.post(section_url(review.case, "grading"), {"level": "2", "action": "draft"})
    row = ReviewSection.objects.get(review=review, key="grading")
    assert row.data["level"] == 2 and not row.is_complete
    assert sections.get("grading").missing(review) == [
        "The reasons for the grade are not given",
        "Not marked as complete",
    ]


# --- learning ----------------------------------------------------------------------------------


def test_adding_learning_needs_a_theme_and_keeps_what_was_typed(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        url("learning_add", review.case),
        {"kind": "concern", "text": "Sepsis was not recognised on the ward"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select at least one theme" in page
    assert "Sepsis was not recognised on the ward" in page
    assert re.search(r'value="concern"\s+checked', page)
    assert not LearningItem.objects.exists()
    assert not ReviewVersion.objects.filter(review=review).exists()


def test_learning_is_added_changed_and_removed_each_as_a_version(client, review, reviewer):
    sign_in_verified(client, reviewer)
    sepsis, comms = theme("Sepsis"), theme("Communication")
    response = client.post(
        url("learning_add", review.case),
        {"kind": "concern", "text": "Sepsis was not recognised", "themes": [sepsis.pk]},
    )
    assert response.status_code == 302
    item = LearningItem.objects.get()
    assert (item.kind, item.text, list(item.themes.all())) == (
        "concern",
        "Sepsis was not recognised",
        [sepsis],
    )
    first = review.versions.get()
    assert first.section_key == "learning"
    assert first.snapshot["learning"][f"learning {item.pk}"] == {
        "kind": "Concern",
        "text": "Sepsis was not recognised",
        "themes": "Sepsis",
    }
    assert AuditEvent.objects.filter(
        object_type="reviews.LearningItem", action=AuditAction.CREATE
    ).exists()

    page = client.get(url("learning", review.case)).content.decode()
    assert "Sepsis was not recognised" in page and "Themes: Sepsis" in page
    assert "do not write recommendations" in page

    client.post(
        url("learning_edit", review.case, item_id=item.pk),
        {
            "kind": "concern",
            "text": "Sepsis was not recognised for a day",
            "themes": [sepsis.pk, comms.pk],
        },
    )
    second = review.versions.order_by("number").last()
    assert second.number == 2
    assert {(c["path"], c["after"]) for c in second.changes} == {
        (f"learning {item.pk}.text", "Sepsis was not recognised for a day"),
        (f"learning {item.pk}.themes", "Communication, Sepsis"),
    }

    # Saving it unchanged writes nothing.
    client.post(
        url("learning_edit", review.case, item_id=item.pk),
        {
            "kind": "concern",
            "text": "Sepsis was not recognised for a day",
            "themes": [sepsis.pk, comms.pk],
        },
    )
    assert review.versions.count() == 2

    assert (
        "Remove this piece of learning?"
        in client.get(url("learning_remove", review.case, item_id=item.pk)).content.decode()
    )
    client.post(url("learning_remove", review.case, item_id=item.pk))
    assert not LearningItem.objects.exists()
    third = review.versions.order_by("number").last()
    assert third.number == 3 and third.snapshot["learning"] == {}


def test_the_learning_services_insist_on_an_active_theme(review, reviewer):
    with pytest.raises(ValidationError, match="at least one theme"):
        services.learning_item_add(
            actor=reviewer, review=review, kind=LearningKind.CONCERN, text="x", themes=[]
        )
    retired = LearningTheme.objects.create(name="Retired theme", active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        services.learning_item_add(
            actor=reviewer, review=review, kind=LearningKind.CONCERN, text="x", themes=[retired]
        )
    # Learning tagged before a theme was retired can keep it.
    item = services.learning_item_add(
        actor=reviewer,
        review=review,
        kind=LearningKind.GOOD_PRACTICE,
        text="Good liaison nurse support",
        themes=[theme("Communication")],
    )
    item.themes.add(retired)
    services.learning_item_update(
        actor=reviewer,
        item=item,
        kind=LearningKind.GOOD_PRACTICE,
        text="Very good liaison nurse support",
        themes=[theme("Communication"), retired],
    )
    assert set(item.themes.all()) == {theme("Communication"), retired}
    assert review.learning_items.count() == 1


def test_only_the_reviewer_can_write_learning(review, lac):
    with pytest.raises(PermissionDenied):
        services.learning_item_add(
            actor=lac, review=review, kind="concern", text="x", themes=[theme("Sepsis")]
        )
    assert not LearningItem.objects.exists()


def test_the_learning_section_needs_learning_or_a_reason_for_none(client, review, reviewer):
    missing = sections.get("learning").missing
    assert missing(review) == ["Not started"]
    sign_in_verified(client, reviewer)
    response = client.post(url("learning", review.case), {"action": "complete"})
    assert "Add a piece of learning, or say why the review found none" in response.content.decode()
    assert not ReviewSection.objects.filter(review=review).exists()

    client.post(
        url("learning", review.case),
        {"no_learning_reason": "A short admission; care met every standard", "action": "complete"},
    )
    assert missing(review) == []
    row = ReviewSection.objects.get(review=review, key="learning")
    assert row.data == {"no_learning_reason": "A short admission; care met every standard"}

    # Once learning is recorded, the reason for none cannot stand beside it.
    services.learning_item_add(
        actor=reviewer, review=review, kind="good_practice", text="x", themes=[theme("Sepsis")]
    )
    response = client.post(
        url("learning", review.case),
        {"no_learning_reason": "A short admission; care met every standard", "action": "complete"},
    )
    assert "delete the reason for finding none" in response.content.decode()
    client.post(url("learning", review.case), {"no_learning_reason": "", "action": "complete"})
    assert missing(review) == []
    assert review_missing(review).get("Learning") is None


def test_a_learning_item_of_another_review_is_not_found(client, cases, review, reviewer):
    other_case = cases.make(CaseState.INITIAL_REVIEW)
    other = review_start(actor=other_case.reviewer.user, case=other_case)
    item = services.learning_item_add(
        actor=other_case.reviewer.user,
        review=other,
        kind="concern",
        text="Not yours",
        themes=[theme("Sepsis")],
    )
    sign_in_verified(client, reviewer)
    assert client.get(url("learning_edit", review.case, item_id=item.pk)).status_code == 404
    assert client.post(url("learning_remove", review.case, item_id=item.pk)).status_code == 404
    assert LearningItem.objects.filter(pk=item.pk).exists()


def test_the_focused_review_has_its_own_learning(client, cases):
    case = cases.make(CaseState.FOCUSED_REVIEW)
    user = case.reviewer.user
    sign_in_verified(client, user)
    review = review_start(actor=user, case=case, kind="focused")
    client.post(
        url("learning_add", case, kind="focused"),
        {
            "kind": "improvement",
            "text": "Share the hospital passport",
            "themes": [theme("Communication").pk],
        },
    )
    assert review.learning_items.count() == 1
    assert review.versions.get().section_key == "focused_learning"
    page = client.get(url("learning", case, kind="focused")).content.decode()
    assert "Learning (focused review)" in page and "Share the hospital passport" in page


# --- who may see and change what ------------------------------------------------------------


def test_viewing_the_learning_page_is_audited_once(client, review, reviewer):
    sign_in_verified(client, reviewer)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    client.get(url("learning", review.case))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before + 1


@pytest.fixture
def item(review, reviewer):
    return services.learning_item_add(
        actor=reviewer,
        review=review,
        kind="concern",
        text="Sepsis missed",
        themes=[theme("Sepsis")],
    )


def test_permission_matrix(client, icb, lac, review, reviewer, item):
    case = review.case
    senior = user_with_role(Role.SENIOR_REVIEWER, icb)
    other_reviewer = make_reviewer(icb).user
    other_icb_lac = user_with_role(Role.LAC, make_icb())
    icb_lead = user_with_role(Role.ICB_LEAD, icb)
    pages = [
        url("learning", case),
        section_url(case, "grading"),
        section_url(case, "focused_decision"),
    ]
    edit_pages = [
        url("learning_add", case),
        url("learning_edit", case, item_id=item.pk),
        url("learning_remove", case, item_id=item.pk),
    ]

    sign_in_verified(client, reviewer)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert "Save and mark as complete" in response.content.decode()
    for page in edit_pages:
        assert client.get(page).status_code == 200

    for reader in (lac, senior):
        client.logout()
        sign_in_verified(client, reader)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (reader, page)
            body = response.content.decode()
            assert "Save and mark as complete" not in body
        assert "Sepsis missed" in client.get(url("learning", case)).content.decode()
        assert "Add a piece of learning" not in client.get(url("learning", case)).content.decode()
        for page in edit_pages:
            assert client.get(page).status_code == 403
            assert client.post(page, {"kind": "concern", "text": "x"}).status_code == 403
        assert client.post(url("learning", case), {"action": "complete"}).status_code == 403

    for outsider in (other_reviewer, other_icb_lac):
        client.logout()
        sign_in_verified(client, outsider)
        for page in pages + edit_pages:
            assert client.get(page).status_code == 404

    client.logout()
    sign_in_verified(client, icb_lead)
    for page in pages + edit_pages:
        assert client.get(page).status_code == 403

    client.logout()
    sign_in_password_only(client, reviewer)
    response = client.get(url("learning", case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))

    assert LearningItem.objects.get().text == "Sepsis missed"
    assert review.versions.count() == 1


def test_after_submission_the_reviewer_reads_but_cannot_change(client, cases):
    case = cases.make(CaseState.QUALITY_ASSURANCE)
    user = case.reviewer.user
    # The review as it was submitted (started while the case was in initial review).
    Review.objects.create(case=case, kind="initial", started_at=datetime.now(UTC), started_by=user)
    sign_in_verified(client, user)
    response = client.get(url("learning", case))
    assert response.status_code == 200
    assert "Add a piece of learning" not in response.content.decode()
    response = client.post(url("learning_add", case), {"kind": "concern", "text": "x"})
    assert response.status_code == 302
    assert response["Location"] == url("workspace", case)
    assert not LearningItem.objects.exists()


# --- the themes in the Django admin ---------------------------------------------------------


def test_administrators_maintain_themes_and_changes_are_audited(client):
    admin_user = user_with_role(Role.ADMINISTRATOR)
    sign_in_verified(client, admin_user)
    assert client.get(reverse("admin:reviews_learningtheme_changelist")).status_code == 200
    response = client.post(
        reverse("admin:reviews_learningtheme_add"),
        {"name": "Oral health", "description": "Dental care", "parent": "", "active": "on"},
    )
    assert response.status_code == 302
    added = LearningTheme.objects.get(name="Oral health")
    assert AuditEvent.objects.filter(
        object_type="reviews.LearningTheme", object_id=str(added.pk), action=AuditAction.CREATE
    ).exists()

    response = client.post(
        reverse("admin:reviews_learningtheme_change", args=[added.pk]),
        {"name": "Oral health", "description": "Dental care", "parent": "", "active": ""},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert not added.active
    row = AuditEvent.objects.get(object_id=str(added.pk), action=AuditAction.UPDATE)
    assert row.details == {"changed": {"active": [True, False]}}

    # Retired, never deleted; the grading scale is read only.
    assert (
        client.get(reverse("admin:reviews_learningtheme_delete", args=[added.pk])).status_code
        == 403
    )
    scale = GradingScale.objects.get(version="1")
    page = client.get(reverse("admin:reviews_gradingscale_change", args=[scale.pk]))
    assert page.status_code == 200 and "beyond expected good practice" in page.content.decode()
    assert client.get(reverse("admin:reviews_gradingscale_add")).status_code == 403


def test_the_admin_shows_no_review_content(client, review, reviewer, item):
    sign_in_verified(client, user_with_role(Role.ADMINISTRATOR))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Learning themes" in page and "Grading scales" in page
    for model in ("review", "reviewsection", "reviewversion", "learningitem"):
        assert f"/admin/reviews/{model}/" not in page
    assert "Sepsis missed" not in page


def test_nobody_else_reaches_the_themes_in_the_admin(client, icb, lac, reviewer):
    for user in (lac, reviewer, user_with_role(Role.SENIOR_REVIEWER, icb)):
        user.is_staff = True  # even with admin access switched on
        user.save(update_fields=["is_staff"])
        client.logout()
        sign_in_verified(client, user)
        response = client.get(reverse("admin:reviews_learningtheme_changelist"))
        assert response.status_code in (302, 403)
        response = client.post(reverse("admin:reviews_learningtheme_add"), {"name": "Sneaky"})
        assert response.status_code in (302, 403)
    assert not LearningTheme.objects.filter(name="Sneaky").exists()
