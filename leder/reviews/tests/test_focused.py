"""The focused-review decision (the triggers the data sets, and the reviewer's own reasons), the
routing of a submitted initial review, and the focused review's sections."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseState
from leder.reviews import sections
from leder.reviews.models import LearningTheme, Review, ReviewSection, ReviewVersion
from leder.reviews.services import learning as learning_services
from leder.reviews.services.focused import (
    ETHNIC_NOT_RECORDED,
    ReviewerReason,
    TriggerSettings,
    focused_review_decision,
    focused_review_needed,
    focused_review_open,
    focused_review_triggers,
)
from leder.reviews.services.records import review_section_save, review_start, review_submit

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
ETHNIC_CODES = [*"ABCDEFGHJKLMNPRSZ", "99"]
ANSWERS = ["yes", "no", "not_sure", None]
DEFAULT = TriggerSettings(white_british_codes=frozenset({"A"}))


@pytest.fixture(autouse=True)
def only_these_sections(monkeypatch):
    mine = {key: sections.get(key) for key in ("family", *MY_SECTIONS)}
    monkeypatch.setattr(sections, "_registry", mine)


def url(name: str, case, kind="initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def section_url(case, key, kind="initial"):
    return url("section", case, kind=kind, key=key)


# --- the rule itself -----------------------------------------------------------------------


@given(
    code=st.sampled_from([*ETHNIC_CODES, "", None]),
    autistic=st.sampled_from(ANSWERS),
    learning_disability=st.sampled_from(ANSWERS),
    family_asked=st.booleans(),
    reasons=st.sets(st.sampled_from(ReviewerReason.values)),
    other=st.text(max_size=20),
    white_british=st.sets(st.sampled_from(ETHNIC_CODES), min_size=1, max_size=3),
    concerns=st.integers(min_value=0, max_value=4),
    grade=st.sampled_from([None, 1, 2, 3, 4, 5, 6]),
)
def test_a_focused_review_is_needed_exactly_when_a_trigger_or_reason_applies(
    code,
    autistic,
    learning_disability,
    family_asked,
    reasons,
    other,
    white_british,
    concerns,
    grade,
):
    settings = TriggerSettings(white_british_codes=frozenset(white_british))
    decision = focused_review_triggers(
        ethnic_category_code=code,
        is_autistic=autistic,
        has_learning_disability=learning_disability,
        family_asked=family_asked,
        reviewer_reasons=reasons,
        other_reason=other,
        settings=settings,
        concerns_recorded=concerns,
        grade=grade,
    )
    codes = {t.code for t in decision.triggers}
    not_recorded = code in (None, "", "Z", "99")
    minority = not not_recorded and code not in white_british
    autistic_without_ld = autistic == "yes" and learning_disability != "yes"

    assert ("ethnic_background" in codes) == minority
    assert (ETHNIC_NOT_RECORDED in decision.checks) == not_recorded
    assert ("autistic_without_learning_disability" in codes) == autistic_without_ld
    assert ("family_asked" in codes) == family_asked
    assert {r.code for r in decision.reasons} == {f"reviewer:{r}" for r in reasons}
    assert ("concerns_recorded" in codes) == (concerns > 0)
    assert ("grade" in codes) == (grade is not None and grade >= 5)
    assert decision.needed == (
        minority
        or autistic_without_ld
        or family_asked
        or bool(reasons)
        or concerns > 0
        or (grade is not None and grade >= 5)
    )


@given(code=st.sampled_from(ETHNIC_CODES))
def test_white_british_is_configurable(code):
    def triggers(white_british):
        return focused_review_triggers(
            ethnic_category_code=code,
            is_autistic="no",
            has_learning_disability="yes",
            family_asked=False,
            reviewer_reasons=[],
            settings=TriggerSettings(white_british_codes=frozenset(white_british)),
        ).triggers

    assert not triggers({code})
    assert bool(triggers({"A"})) == (code not in ("A", "Z", "99"))


def test_the_reviewers_other_reason_is_given_in_their_words():
    decision = focused_review_triggers(
        ethnic_category_code="A",
        is_autistic="no",
        has_learning_disability="yes",
        family_asked=False,
        reviewer_reasons=["other"],
        other_reason=" The coroner asked ",
        settings=DEFAULT,
    )
    assert [r.text for r in decision.reasons] == ["Another reason: The coroner asked"]
    assert decision.needed and not decision.triggers and not decision.checks


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError, match="Unknown"):
        focused_review_triggers(
            ethnic_category_code="A",
            is_autistic="no",
            has_learning_disability="yes",
            family_asked=False,
            reviewer_reasons=["whim"],
            settings=DEFAULT,
        )


# --- the decision for a review -------------------------------------------------------------


def test_the_decision_reads_the_notification_and_the_family(cases, settings):
    case = cases.make(CaseState.INITIAL_REVIEW, ethnic_category_id="N", is_autistic="no")
    user = case.reviewer.user
    review = review_start(actor=user, case=case)
    decision = focused_review_decision(review)
    assert [t.code for t in decision.triggers] == ["ethnic_background"]

    settings.LEDER_FOCUSED_REVIEW_WHITE_BRITISH_CODES = ["A", "N"]
    assert not focused_review_needed(review)

    review_section_save(
        actor=user,
        review=review,
        key="family",
        data={"asked_for_focused_review": "yes"},
        complete=False,
    )
    review = Review.objects.get(pk=review.pk)
    assert [t.code for t in focused_review_decision(review).triggers] == ["family_asked"]


def test_an_autistic_adult_without_a_learning_disability_triggers(cases):
    case = cases.make(
        CaseState.INITIAL_REVIEW,
        ethnic_category_id="A",
        is_autistic="yes",
        has_learning_disability="no",
    )
    review = review_start(actor=case.reviewer.user, case=case)
    assert [t.code for t in focused_review_decision(review).triggers] == [
        "autistic_without_learning_disability"
    ]


def test_the_decision_page_shows_the_triggers_and_what_to_check(client, cases):
    case = cases.make(CaseState.INITIAL_REVIEW, is_autistic="yes", has_learning_disability="no")
    user = case.reviewer.user
    review_start(actor=user, case=case)
    sign_in_verified(client, user)
    page = client.get(section_url(case, "focused_decision")).content.decode()
    assert "autistic adult without a learning disability" in page
    assert "ethnic group is not recorded" in page
    assert "it will go on to a focused review" in page


def test_concerns_recorded_as_learning_are_a_reason_by_themselves(review, reviewer):
    # Issue 16: a concern recorded, and the decision said nothing called for a focused review.
    assert not focused_review_decision(review).needed
    learning_services.learning_item_add(
        actor=reviewer,
        review=review,
        kind="concern",
        text="No sepsis screen",
        themes=[LearningTheme.objects.get(name="Sepsis")],
    )
    decision = focused_review_decision(Review.objects.get(pk=review.pk))
    assert decision.needed and not decision.reasons
    assert [t.text for t in decision.triggers if t.code == "concerns_recorded"] == [
        "The review records a concern about the person's care"
    ]


@pytest.mark.parametrize(("level", "needed"), [(4, False), (5, True), (6, True)])
def test_a_grade_of_5_or_6_is_a_reason_by_itself(review, reviewer, level, needed):
    review_section_save(
        actor=reviewer,
        review=review,
        key="grading",
        data={"level": level, "rationale": "Because", "scale_version": "1"},
        complete=True,
    )
    decision = focused_review_decision(Review.objects.get(pk=review.pk))
    assert any(t.code == "grade" for t in decision.triggers) is needed


def test_the_notifiers_concerns_ask_the_reviewer_to_check_them(review):
    from leder.notifications.models import Notification

    Notification.objects.filter(pk=review.case.notification_id).update(
        has_care_concerns="yes", care_concerns="The GP did not visit"
    )
    decision = focused_review_decision(Review.objects.get(pk=review.pk))
    assert any("raised concerns" in check for check in decision.checks)


def test_bad_reasons_keep_what_was_typed_and_write_nothing(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        section_url(review.case, "focused_decision"),
        {"reasons": ["concerns"], "other_reason": "The coroner asked", "action": "complete"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select ‘Another reason’, or delete what you typed" in page
    assert "The coroner asked" in page
    response = client.post(
        section_url(review.case, "focused_decision"), {"reasons": ["other"], "action": "complete"}
    )
    assert "Enter your other reason for a focused review" in response.content.decode()
    assert not ReviewSection.objects.filter(review=review).exists()
    assert not ReviewVersion.objects.filter(review=review).exists()


# --- routing at submission -----------------------------------------------------------------


def _complete_initial_review(review, user, *, reasons=(), family_asked="no"):
    review_section_save(
        actor=user,
        review=review,
        key="family",
        data={
            "told_of_review": "yes",
            "told_on": "2026-10-02",
            "invited_to_contribute": "yes",
            "offered_pen_portrait": "yes",
            "wants_copy": "no",
            "asked_for_focused_review": family_asked,
        },
        complete=True,
    )
    review_section_save(
        actor=user,
        review=review,
        key="grading",
        data={"level": 2, "rationale": "Good care", "scale_version": "1"},
        complete=True,
    )
    learning_services.learning_item_add(
        actor=user,
        review=review,
        kind="good_practice",
        text="The liaison nurse made a hospital passport",
        themes=[LearningTheme.objects.get(name="Reasonable adjustments")],
    )
    learning_services.learning_section_save(
        actor=user, review=review, no_learning_reason="", complete=True
    )
    review_section_save(
        actor=user,
        review=review,
        key="focused_decision",
        data={"reasons": list(reasons), "other_reason": ""},
        complete=True,
    )


def test_an_initial_review_without_triggers_goes_to_quality_assurance(cases):
    case = cases.make(CaseState.INITIAL_REVIEW, ethnic_category_id="A")
    user = case.reviewer.user
    review = review_start(actor=user, case=case)
    _complete_initial_review(review, user)
    step = review_submit(actor=user, review=review)
    case.refresh_from_db()
    assert (step.transition, case.state) == ("submit_for_qa", CaseState.QUALITY_ASSURANCE)


def test_a_reviewer_reason_routes_the_initial_review_to_a_focused_review(cases):
    case = cases.make(CaseState.INITIAL_REVIEW, ethnic_category_id="A")
    user = case.reviewer.user
    review = review_start(actor=user, case=case)
    _complete_initial_review(review, user, reasons=["significant_learning"])
    step = review_submit(actor=user, review=review)
    case.refresh_from_db()
    assert (step.transition, case.state) == ("start_focused_review", CaseState.FOCUSED_REVIEW)

    # The focused review opens for the reviewer, and goes to the panel when complete.
    focused = focused_review_open(actor=user, case=case)
    assert focused.kind == "focused"
    assert focused_review_open(actor=user, case=case) == focused
    assert sections.get("focused_grading").missing(focused) == ["Not started"]


def test_a_family_request_routes_to_a_focused_review(cases):
    case = cases.make(CaseState.INITIAL_REVIEW, ethnic_category_id="A")
    user = case.reviewer.user
    review = review_start(actor=user, case=case)
    _complete_initial_review(review, user, family_asked="yes")
    review_submit(actor=user, review=review)
    case.refresh_from_db()
    assert case.state == CaseState.FOCUSED_REVIEW


def test_a_focused_review_cannot_open_before_the_case_moves_on(case, reviewer, lac):
    with pytest.raises(PermissionDenied):
        focused_review_open(actor=reviewer, case=case)
    assert not Review.objects.filter(case=case, kind="focused").exists()


# --- the focused review's sections ---------------------------------------------------------


@pytest.fixture
def focused_case(cases):
    return cases.make(CaseState.FOCUSED_REVIEW)


@pytest.fixture
def focused(focused_case):
    return focused_review_open(actor=focused_case.reviewer.user, case=focused_case)


def test_the_focused_review_lists_its_own_sections(client, focused_case, focused):
    sign_in_verified(client, focused_case.reviewer.user)
    page = client.get(url("workspace", focused_case, kind="focused")).content.decode()
    for title in (
        "Further evidence",
        "Multi-agency review meeting",
        "Grading of care (focused review)",
        "Learning (focused review)",
    ):
        assert title in page
    assert "Focused review decision" not in page
    # The decision belongs to the initial review only.
    response = client.get(section_url(focused_case, "focused_decision", kind="focused"))
    assert response.status_code == 404


def test_further_evidence_is_saved(client, focused_case, focused):
    sign_in_verified(client, focused_case.reviewer.user)
    response = client.post(
        section_url(focused_case, "focused_evidence", kind="focused"),
        {"evidence": "Ward notes show no sepsis screen", "sources": "", "action": "complete"},
    )
    assert "Enter where the further evidence came from" in response.content.decode()
    assert "Ward notes show no sepsis screen" in response.content.decode()
    assert not focused.sections.exists()
    client.post(
        section_url(focused_case, "focused_evidence", kind="focused"),
        {
            "evidence": "Ward notes show no sepsis screen",
            "sources": "Hospital records",
            "action": "complete",
        },
    )
    assert sections.get("focused_evidence").missing(focused) == []


MEETING = {
    "held": "yes",
    "meeting_date_day": "3",
    "meeting_date_month": "11",
    "meeting_date_year": "2026",
    "attendees": "Sam Patel, ward manager, Anytown Hospitals NHS Trust\nDr Lee, Park GP Surgery",
    "discussion": "The missed sepsis screen",
    "findings": "Screening was not started; training planned",
    "action": "complete",
}


def test_the_meeting_asks_its_details_only_when_one_was_held(client, focused_case, focused):
    sign_in_verified(client, focused_case.reviewer.user)
    page_url = section_url(focused_case, "focused_meeting", kind="focused")
    # Held, but the details are missing: each is asked for, and nothing is saved.
    response = client.post(page_url, {"held": "yes", "action": "complete"})
    page = response.content.decode()
    for message in (
        "Enter the date of the meeting",
        "Enter who attended and their organisations",
        "Enter what was discussed",
        "Enter what the meeting found",
    ):
        assert message in page
    assert not focused.sections.exists()

    response = client.post(page_url, {**MEETING, "attendees": "Sam Patel"})
    assert "organisation after a comma, one person a line" in response.content.decode()
    assert "Sam Patel" in response.content.decode()
    assert not focused.sections.exists()

    client.post(page_url, MEETING)
    row = ReviewSection.objects.get(review=focused, key="focused_meeting")
    assert row.data["meeting_date"] == "2026-11-03"
    assert row.data["attendees"].splitlines()[1] == "Dr Lee, Park GP Surgery"
    assert sections.get("focused_meeting").missing(focused) == []

    # Not held after all: the details are not kept, and not asked.
    client.post(page_url, {**MEETING, "held": "no"})
    row.refresh_from_db()
    assert row.data["held"] == "no"
    assert not row.data["attendees"] and row.data["meeting_date"] is None
    page = client.get(page_url).content.decode()
    assert "Who attended?" not in page
    assert sections.get("focused_meeting").missing(focused) == []


def test_the_focused_review_is_graded_on_its_own_and_goes_to_the_panel(focused_case, focused):
    user = focused_case.reviewer.user
    review_section_save(
        actor=user,
        review=focused,
        key="focused_evidence",
        data={"evidence": "More", "sources": "Trust"},
        complete=True,
    )
    review_section_save(
        actor=user, review=focused, key="focused_meeting", data={"held": "no"}, complete=True
    )
    review_section_save(
        actor=user,
        review=focused,
        key="focused_grading",
        data={"level": 5, "rationale": "Sepsis missed", "scale_version": "1"},
        complete=True,
    )
    learning_services.learning_item_add(
        actor=user,
        review=focused,
        kind="concern",
        text="No sepsis screen",
        themes=[LearningTheme.objects.get(name="Sepsis")],
    )
    learning_services.learning_section_save(
        actor=user, review=focused, no_learning_reason="", complete=True
    )
    step = review_submit(actor=user, review=focused)
    focused_case.refresh_from_db()
    assert (step.transition, focused_case.state) == ("submit_to_panel", CaseState.PANEL)
