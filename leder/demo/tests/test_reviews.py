"""`leder.demo.reviews`: complete reviews written through the services, stored as the pages
would store them, routed where `review_next_step` says, in a bounded number of queries."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.models import AuditEvent
from leder.demo.reviews import ReviewContent, write_focused_review, write_initial_review
from leder.reviews.models import (
    ContactAttempt,
    ContactStatement,
    LearningItem,
    Review,
    ReviewSection,
    TimelineEvent,
)
from leder.reviews.services.records import review_missing

pytestmark = pytest.mark.django_db

WRITTEN_ON = date(2026, 10, 20)  # after the factory's date of death, 30 September 2026


@pytest.fixture
def cases():
    icb = make_icb(name="NHS Demo Test ICB", short_name="Demo Test ICB")
    return CaseMaker(icb=icb, lac=user_with_role(Role.LAC, icb))


@pytest.fixture
def case(cases):
    # White British: the notification itself calls for no focused review.
    return cases.make(CaseState.INITIAL_REVIEW, ethnic_category_id="A")


def stored(review: Review, key: str) -> ReviewSection:
    return ReviewSection.objects.get(review=review, key=key)


def fresh(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


# --- initial reviews -------------------------------------------------------------------------


def test_an_initial_review_with_defaults_is_complete_and_goes_to_quality_assurance(case):
    review = write_initial_review(case=case)

    assert review_missing(fresh(review)) == {}
    assert case.state == CaseState.QUALITY_ASSURANCE
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE
    review = fresh(review)
    assert review.kind == "initial" and review.submitted_at is not None
    # Written through the services: a version for every save, each audited, the last the
    # submission, all by the case's reviewer.
    versions = list(review.versions.all())
    assert len(versions) == review.current_version > 10
    assert versions[-1].section_key == "submission"
    assert {v.saved_by_id for v in versions} == {case.reviewer.user_id}
    assert AuditEvent.objects.filter(summary__startswith=f"{review} v").count() == len(versions)


def test_without_submitting_the_review_is_complete_and_stays_with_the_reviewer(case):
    review = write_initial_review(case=case, submit=False)
    assert review_missing(fresh(review)) == {}
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW
    assert fresh(review).submitted_at is None


def test_the_content_given_is_what_the_sections_store(case):
    content = ReviewContent(
        grading=4,
        grading_rationale="Constipation was not managed, which affected {given_name}.",
        other_causes=(("Aspiration pneumonia", "J69.0"),),
        underlying_cause=("Dysphagia", "r13"),
        contributing=(("Epilepsy", "G40.9"),),
        place_of_death="care_home",
        covid_status="not_known",
        learning=(
            ("improvement", "The bowel chart was not kept.", ("Constipation",)),
            ("good_practice", "A passport was used.", ("Reasonable adjustments", "Communication")),
        ),
        family_wants_copy=False,
        answers=(("constipation", "yes", "Chronic, with laxatives"),),
        written_on=WRITTEN_ON,
    )
    review = write_initial_review(case=case, content=content, submit=False)
    person = case.notification

    assert stored(review, "grading").data == {
        "level": 4,
        "rationale": f"Constipation was not managed, which affected {person.given_name}.",
        "scale_version": "1",
    }
    cause = stored(review, "cause_of_death").data
    assert (cause["a_text"], cause["a_code"]) == ("Aspiration pneumonia", "J69.0")
    assert (cause["b_text"], cause["b_code"]) == ("Dysphagia", "R13")
    assert (cause["ii1_text"], cause["ii1_code"]) == ("Epilepsy", "G40.9")
    assert (cause["underlying_cause_line"], cause["underlying_cause_code"]) == ("b", "R13")
    assert cause["place_of_death"] == "care_home"
    assert cause["covid_status"] == "not_known"
    items = LearningItem.objects.filter(review=review).order_by("created_at", "pk")
    assert [(i.kind, sorted(t.name for t in i.themes.all())) for i in items] == [
        ("improvement", ["Constipation"]),
        ("good_practice", ["Communication", "Reasonable adjustments"]),
    ]
    family = stored(review, "family").data
    assert family["wants_copy"] == "no"
    assert family["told_on"] == WRITTEN_ON.isoformat()  # JSON-ready, as the form page stores it
    assert family["asked_for_focused_review"] == "no"
    questions = stored(review, "questions").data
    assert questions["constipation"] == {"answer": "yes", "detail": "Chronic, with laxatives"}
    # The follow-up the answer asks is answered too.
    assert questions["constipation_managed"]["answer"]
    assert set(ContactAttempt.objects.filter(contact__review=review).values_list("made_on")) == {
        (WRITTEN_ON,)
    }
    events = TimelineEvent.objects.filter(review=review)
    assert "Community learning disability team" in {e.organisation_name for e in events}
    for event in events:
        assert person.date_of_birth <= event.occurred_on <= person.date_of_death
    assert review_missing(fresh(review)) == {}


def test_the_underlying_cause_alone_is_part_one_line_a(case):
    review = write_initial_review(case=case, submit=False)
    cause = stored(review, "cause_of_death").data
    assert (cause["underlying_cause_line"], cause["underlying_cause_code"]) == ("a", "J69.0")
    assert cause["b_text"] == ""


def test_concerns_are_answered_with_details_and_follow_ups(case):
    content = ReviewContent(answers=(("delays", "yes", ""), ("dnacpr", "yes", "")))
    review = write_initial_review(case=case, content=content, submit=False)
    questions = stored(review, "questions").data
    assert questions["delays"]["answer"] == "yes" and questions["delays"]["detail"]
    assert questions["dnacpr_appropriate"]["answer"] == "not_known"
    assert review_missing(fresh(review)) == {}


def test_with_no_family_contact_the_reason_is_recorded(case):
    content = ReviewContent(
        contacts=(("gp", "Dr Khan", "Named GP"), ("professional", "Ali Shah", "Social worker")),
        family_not_possible_reason="No relatives could be traced.",
    )
    review = write_initial_review(case=case, content=content, submit=False)
    statement = ContactStatement.objects.get(review=review)
    assert statement.family_not_possible_reason == "No relatives could be traced."
    assert review_missing(fresh(review)) == {}


def test_with_no_learning_the_reason_is_recorded(case):
    review = write_initial_review(case=case, content=ReviewContent(learning=()), submit=False)
    assert stored(review, "learning").data["no_learning_reason"]
    assert review_missing(fresh(review)) == {}


# --- focused reviews -------------------------------------------------------------------------


def test_focused_reasons_route_to_a_focused_review_which_then_goes_to_the_panel(case):
    initial = write_initial_review(
        case=case, content=ReviewContent(focused_reasons=("concerns", "other"))
    )
    assert case.state == CaseState.FOCUSED_REVIEW
    decision = stored(initial, "focused_decision").data
    assert decision["reasons"] == ["concerns", "other"] and decision["other_reason"]

    focused = write_focused_review(case=case, content=ReviewContent(grading=5))
    case.refresh_from_db()
    assert case.state == CaseState.PANEL
    focused = fresh(focused)
    assert focused.kind == "focused" and focused.submitted_at is not None
    assert review_missing(focused) == {}
    assert stored(focused, "focused_grading").data["level"] == 5
    assert stored(focused, "focused_meeting").data["held"] == "yes"


def test_the_familys_request_routes_to_a_focused_review(case):
    write_initial_review(case=case, content=ReviewContent(family_asked_for_focused=True))
    assert case.state == CaseState.FOCUSED_REVIEW


def test_a_focused_review_without_a_meeting_is_complete(cases):
    case = cases.make(CaseState.FOCUSED_REVIEW)
    focused = write_focused_review(
        case=case, content=ReviewContent(meeting_held=False), submit=False
    )
    assert stored(focused, "focused_meeting").data["held"] == "no"
    assert review_missing(fresh(focused)) == {}
    case.refresh_from_db()
    assert case.state == CaseState.FOCUSED_REVIEW


# --- refusals --------------------------------------------------------------------------------


def test_a_case_at_another_stage_is_refused(cases, case):
    with pytest.raises(ValueError, match="initial review"):
        write_initial_review(case=cases.make(CaseState.ALLOCATED))
    with pytest.raises(ValueError, match="focused review"):
        write_focused_review(case=case)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (ReviewContent(place_of_death="the moon"), ValidationError),
        (ReviewContent(underlying_cause=("Pneumonia", "NOPE")), ValidationError),
        (ReviewContent(grading=9), ValidationError),
        (ReviewContent(learning=(("good_practice", "x", ("No such theme",)),)), ValueError),
        (ReviewContent(answers=(("no_such_question", "yes", ""),)), ValueError),
    ],
)
def test_content_that_is_not_valid_writes_nothing(case, content, error):
    with pytest.raises(error):
        write_initial_review(case=case, content=content)
    assert not Review.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW


# --- speed -----------------------------------------------------------------------------------


# Measured: about 890 queries for a default initial review with its submission, 340 for a
# focused review; nearly all of them the services' own (each save snapshots the whole review
# for its version). The budgets leave room for the services to grow a little, not to double.
INITIAL_BUDGET = 1100
FOCUSED_BUDGET = 450


def test_reviews_are_written_in_a_bounded_number_of_queries(django_assert_max_num_queries, case):
    with django_assert_max_num_queries(INITIAL_BUDGET):
        write_initial_review(case=case, content=ReviewContent(focused_reasons=("concerns",)))
    assert case.state == CaseState.FOCUSED_REVIEW
    with django_assert_max_num_queries(FOCUSED_BUDGET):
        write_focused_review(case=case)
    assert case.state == CaseState.PANEL
