"""The structured questions: the versioned question set, follow-ups decided on the server,
what is missing, the pages (saving, bad input, follow-ups appearing) and the permission matrix."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.reviews import questions, sections
from leder.reviews.models import Review, ReviewSection, ReviewVersion
from leder.reviews.services import questions as services
from leder.reviews.services.records import review_missing, review_start

QS = questions.QUESTION_SET_2026_1
ANSWER_VALUES = [value for value, _ in questions.ANSWERS]


def url(name: str, case, kind="initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def saved_answers(review) -> dict:
    row = ReviewSection.objects.filter(review=review, key="questions").first()
    return row.data if row else {}


def written():
    return (
        list(ReviewSection.objects.order_by("pk").values_list("key", "data", "is_complete")),
        ReviewVersion.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


def everything_answered(answer="no") -> dict:
    """Every top-level question answered `answer` (so no "yes" follow-up applies)."""
    return {q.key: {"answer": answer, "detail": ""} for g in QS.groups for q in g.questions}


# -- The question set ---------------------------------------------------------------------------


def test_the_question_set_covers_the_domain_list():
    keys = {q.key for _, q, _ in QS.all_questions()}
    for key in (
        "annual_health_check",
        "health_action_plan",
        "cancer_screening",
        "flu_immunisation",
        "covid_immunisation",
        "medication_review",
        "polypharmacy",
        "psychotropics",
        "stomp_review",
        "reasonable_adjustments",
        "reasonable_adjustment_flag",
        "hospital_passport",
        "liaison_nurse",
        "mental_capacity",
        "best_interests",
        "dols",
        "dnacpr",
        "dnacpr_appropriate",
        "dnacpr_person_involved",
        "dnacpr_family_involved",
        "dnacpr_learning_disability_reason",
        "diagnostic_overshadowing",
        "delays",
        "constipation",
        "dysphagia",
        "epilepsy",
        "sepsis",
        "care_package",
        "transitions",
        "safeguarding",
        "family_view",
    ):
        assert key in keys, key


def test_question_keys_are_unique_and_groups_are_short():
    keys = [q.key for _, q, _ in QS.all_questions()]
    assert len(keys) == len(set(keys))
    assert all(len(g.questions) <= 6 for g in QS.groups)


def test_dnacpr_follow_ups_are_asked_only_when_there_was_a_dnacpr():
    dnacpr = QS.question("dnacpr")
    assert {f.key for f in dnacpr.follow_ups} == {
        "dnacpr_appropriate",
        "dnacpr_person_involved",
        "dnacpr_family_involved",
        "dnacpr_learning_disability_reason",
    }
    assert all(f.shown_when == {"yes"} for f in dnacpr.follow_ups)


def version_b():
    return questions.QuestionSet(
        version="2027-1",
        effective_from=date(2027, 4, 1),
        groups=(
            questions.QuestionGroup(
                slug="new",
                title="New questions",
                questions=(questions.Question("new_question", "A question added in 2027?"),),
            ),
        ),
    )


def test_the_current_version_is_the_latest_in_force(monkeypatch):
    monkeypatch.setattr(questions, "QUESTION_SETS", {"2026-1": QS, "2027-1": version_b()})
    assert questions.current_version(on=date(2026, 6, 1)) == "2026-1"
    assert questions.current_version(on=date(2027, 4, 1)) == "2027-1"


@pytest.mark.django_db
def test_a_review_keeps_the_question_set_it_was_started_with(monkeypatch, case, reviewer):
    monkeypatch.setattr(questions, "current_version", lambda on=None: "2026-1")
    review = review_start(actor=reviewer, case=case)
    assert review.question_set_version == "2026-1"
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="medication",
        answers={"medication_review": {"answer": "yes", "detail": ""}},
    )
    # A new version comes into force after the review started.
    monkeypatch.setattr(questions, "QUESTION_SETS", {"2026-1": QS, "2027-1": version_b()})
    monkeypatch.setattr(questions, "current_version", lambda on=None: "2027-1")
    review.refresh_from_db()
    assert review.question_set_version == "2026-1"
    assert questions.question_set_for(review) is QS
    assert saved_answers(review) == {"medication_review": {"answer": "yes", "detail": ""}}
    with pytest.raises(ValueError):
        services.questions_group_save(actor=reviewer, review=review, group="new", answers={})


def test_an_unversioned_review_uses_the_earliest_set_and_an_unknown_version_is_an_error(
    monkeypatch,
):
    monkeypatch.setattr(questions, "QUESTION_SETS", {"2026-1": QS, "2027-1": version_b()})
    assert questions.question_set("") is QS
    with pytest.raises(Exception, match="No question set"):
        questions.question_set("1999-1")


# -- Follow-ups and what is missing (rules) -----------------------------------------------------


def test_follow_ups_apply_only_when_the_parent_answer_asks_them():
    shown = {q.key for q, _ in questions.shown(QS, {"dnacpr": {"answer": "yes"}})}
    assert "dnacpr_appropriate" in shown
    for answer in ("no", "not_known", "not_applicable", None):
        shown = {q.key for q, _ in questions.shown(QS, {"dnacpr": {"answer": answer}})}
        assert "dnacpr_appropriate" not in shown
    shown = {q.key for q, _ in questions.shown(QS, {"annual_health_check": {"answer": "no"}})}
    assert "annual_health_check_offered" in shown


def test_clean_discards_follow_ups_their_parent_does_not_ask_and_unknown_keys():
    answers = {
        "dnacpr": {"answer": "no", "detail": ""},
        "dnacpr_appropriate": {"answer": "yes", "detail": "kept?"},
        "made_up": {"answer": "yes", "detail": ""},
        "sepsis": {"answer": "maybe", "detail": ""},
        "epilepsy": {"answer": "", "detail": ""},
    }
    assert questions.clean(QS, answers) == {"dnacpr": {"answer": "no", "detail": ""}}


# A strategy for any mix of answers to any of the questions (including follow-ups).
any_answers = st.dictionaries(
    st.sampled_from([q.key for _, q, _ in QS.all_questions()]),
    st.fixed_dictionaries(
        {
            "answer": st.sampled_from([*ANSWER_VALUES, ""]),
            "detail": st.sampled_from(["", "Some detail"]),
        }
    ),
)


@given(any_answers)
@settings(max_examples=200, deadline=None)
def test_missing_is_empty_exactly_when_every_question_that_applies_is_answered(answers):
    cleaned = questions.clean(QS, answers)
    applies = questions.shown(QS, cleaned)
    all_answered = all(questions.is_answered(q, cleaned.get(q.key)) for q, _ in applies)
    assert (questions.missing(QS, cleaned) == []) == all_answered
    # Every top-level question applies, always.
    assert {q.key for g in QS.groups for q in g.questions} <= {q.key for q, _ in applies}
    # Nothing kept answers a follow-up its parent does not ask.
    for key in cleaned:
        parent = next((p for q, p in questions.shown(QS, cleaned) if q.key == key), "absent")
        assert parent != "absent"
    # Cleaning twice changes nothing.
    assert questions.clean(QS, cleaned) == cleaned


@given(st.sampled_from(ANSWER_VALUES))
def test_with_every_top_level_question_answered_only_asked_follow_ups_and_details_remain(answer):
    answers = everything_answered(answer)
    gaps = {q.key for _, q in questions.unanswered(QS, answers)}
    expected = {
        q.key
        for g in QS.groups
        for top in g.questions
        for q in (top, *top.follow_ups)
        if (q is top and answer in top.detail_required_when) or (q is not top and q.shows(answer))
    }
    assert gaps == expected


def test_a_concern_needs_its_detail():
    answers = everything_answered("no") | {
        "dnacpr": {"answer": "yes", "detail": ""},
        "dnacpr_appropriate": {"answer": "no", "detail": ""},
        "dnacpr_person_involved": {"answer": "no", "detail": ""},
        "dnacpr_family_involved": {"answer": "no", "detail": ""},
        "dnacpr_learning_disability_reason": {"answer": "yes", "detail": ""},
        "annual_health_check_offered": {"answer": "no", "detail": ""},
        "cancer_screening_adjustments": {"answer": "no", "detail": ""},
    }
    assert questions.missing(QS, answers) == [
        "Capacity, DoLS and DNACPR: “Was learning disability or Down's syndrome given as a "
        "reason for the DNACPR decision?” needs details"
    ]


def test_a_group_not_started_is_one_line():
    gaps = questions.missing(QS, {})
    assert gaps == [f"{g.title}: not started" for g in QS.groups]


# -- The service --------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_saving_a_page_keeps_other_pages_and_discards_follow_ups_no_longer_asked(review, reviewer):
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="medication",
        answers={"medication_review": {"answer": "yes", "detail": "In March"}},
    )
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="capacity",
        answers={
            "dnacpr": {"answer": "yes", "detail": ""},
            "dnacpr_appropriate": {"answer": "no", "detail": "Not discussed"},
        },
    )
    assert saved_answers(review)["dnacpr_appropriate"]["answer"] == "no"
    # The parent changes: the follow-up no longer applies and its answer is discarded.
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="capacity",
        answers={
            "dnacpr": {"answer": "no", "detail": ""},
            "dnacpr_appropriate": {"answer": "no", "detail": "Not discussed"},
        },
    )
    assert saved_answers(review) == {
        "medication_review": {"answer": "yes", "detail": "In March"},
        "dnacpr": {"answer": "no", "detail": ""},
    }
    assert review.versions.count() == 3


def test_a_page_cannot_write_another_pages_answers(review, reviewer):
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="medication",
        answers={"sepsis": {"answer": "yes", "detail": ""}},
    )
    assert saved_answers(review) == {}


def test_marking_complete_is_refused_while_questions_are_unanswered(review, reviewer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.questions_complete_set(actor=reviewer, review=review, complete=True)
    assert "Medication: not started" in refused.value.messages
    assert not ReviewSection.objects.filter(review=review).exists()


def save_everything(review, reviewer, answer="no"):
    answers = everything_answered(answer)
    if answer == "no":
        answers |= {
            "annual_health_check_offered": {"answer": "yes", "detail": ""},
            "cancer_screening_adjustments": {"answer": "no", "detail": ""},
        }
    for group in QS.groups:
        services.questions_group_save(
            actor=reviewer, review=review, group=group.slug, answers=answers
        )


def test_the_section_is_complete_once_everything_is_answered_and_marked(review, reviewer):
    section = sections.get("questions")
    assert section.missing(review) == ["Not started"]
    save_everything(review, reviewer)
    assert section.missing(Review.objects.get(pk=review.pk)) == ["Not marked as complete"]
    services.questions_complete_set(actor=reviewer, review=review, complete=True)
    assert section.missing(Review.objects.get(pk=review.pk)) == []
    assert "Structured questions" not in review_missing(Review.objects.get(pk=review.pk))
    # A new answer that asks follow-ups takes the "complete" mark away until they are answered.
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="conditions",
        answers=everything_answered() | {"epilepsy": {"answer": "yes", "detail": ""}},
    )
    problems = section.missing(Review.objects.get(pk=review.pk))
    assert problems == [
        "Diagnosis and conditions: “Did they have an up-to-date epilepsy care plan that was "
        "followed?” is not answered",
        "Not marked as complete",
    ]


def test_only_the_reviewer_can_save_questions(review, lac):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.questions_group_save(
            actor=lac,
            review=review,
            group="medication",
            answers={"medication_review": {"answer": "yes", "detail": ""}},
        )
    assert not ReviewSection.objects.exists()


# -- The pages ----------------------------------------------------------------------------------


def test_the_overview_lists_every_group_with_its_status(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("questions", case)).content.decode()
    for group in QS.groups:
        assert group.title in page
    assert "Answer these questions" in page
    assert "Question set 2026-1" in page


def test_a_page_shows_its_questions_without_follow_ups_until_asked(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    page = client.get(url("questions_group", case, group="capacity")).content.decode()
    assert "Was a DNACPR decision in place?" in page
    assert "Was the DNACPR decision appropriate?" not in page


def test_answering_yes_brings_up_the_follow_ups_on_the_same_page(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    page_url = url("questions_group", case, group="capacity")
    shown = ["mental_capacity", "best_interests", "dols", "dnacpr"]
    response = client.post(
        page_url, {"shown": shown, "dnacpr": "yes", "mental_capacity": "not_known"}
    )
    assert response.status_code == 302
    assert response.url == f"{page_url}#dnacpr_appropriate"
    page = client.get(page_url).content.decode()
    assert "Your answers bring up 4 more questions" in page
    assert "Was the DNACPR decision appropriate?" in page
    assert "Was learning disability or Down&#39;s syndrome given as a reason" in page
    assert saved_answers(review) == {
        "mental_capacity": {"answer": "not_known", "detail": ""},
        "dnacpr": {"answer": "yes", "detail": ""},
    }
    # Answered, the page moves on to the next group.
    response = client.post(
        page_url,
        {
            "shown": [
                *shown,
                "dnacpr_appropriate",
                "dnacpr_person_involved",
                "dnacpr_family_involved",
                "dnacpr_learning_disability_reason",
            ],
            "dnacpr": "yes",
            "dnacpr_appropriate": "no",
            "dnacpr_appropriate__detail": "Made without the family",
            "dnacpr_person_involved": "no",
            "dnacpr_family_involved": "no",
            "dnacpr_learning_disability_reason": "no",
        },
    )
    assert response.url == url("questions_group", case, group="conditions")
    assert saved_answers(review)["dnacpr_appropriate"] == {
        "answer": "no",
        "detail": "Made without the family",
    }


def test_follow_up_answers_posted_without_their_parent_are_discarded(
    client, case, review, reviewer
):
    sign_in_verified(client, reviewer)
    client.post(
        url("questions_group", case, group="capacity"),
        {"dnacpr": "no", "dnacpr_appropriate": "yes", "dnacpr_appropriate__detail": "x"},
    )
    assert saved_answers(review) == {"dnacpr": {"answer": "no", "detail": ""}}


def test_the_last_page_returns_to_the_overview(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    last = QS.groups[-1]
    shown = [q.key for q in last.questions]
    response = client.post(url("questions_group", case, group=last.slug), {"shown": shown})
    assert response.url == url("questions", case)


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"dnacpr": "yes", "dnacpr_learning_disability_reason": "yes"},
            "Enter what the DNACPR form says about learning disability or Down&#39;s syndrome",
        ),
        ({"dnacpr": "perhaps"}, "Select yes, no, not known or not applicable"),
        ({"dols": "no", "dols__detail": "x" * 4001}, "Details must be 4000 characters or fewer"),
    ],
)
def test_bad_input_writes_nothing_and_keeps_what_was_typed(
    client, case, review, reviewer, posted, message
):
    sign_in_verified(client, reviewer)
    services.questions_group_save(
        actor=reviewer,
        review=review,
        group="capacity",
        answers={"dnacpr": {"answer": "yes", "detail": ""}},
    )
    before = written()
    typed = {**posted, "best_interests": "no", "best_interests__detail": "Decided by the GP"}
    response = client.post(url("questions_group", case, group="capacity"), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "Decided by the GP" in page
    assert 'value="no" checked' in page or "checked" in page
    assert written() == before


def test_marking_complete_on_the_overview_lists_what_is_missing(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    before = written()
    response = client.post(url("questions", case), {"action": "complete"})
    page = response.content.decode()
    assert "You cannot mark the questions as complete yet" in page
    assert "Medication: not started" in page
    assert url("questions_group", case, group="medication") in page
    assert written() == before
    save_everything(review, reviewer)
    response = client.post(url("questions", case), {"action": "complete"})
    assert response.status_code == 302
    assert ReviewSection.objects.get(review=review, key="questions").is_complete


def test_focused_reviews_have_no_structured_questions(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    assert client.get(url("questions", case, kind="focused")).status_code == 404
    assert client.get(url("questions_group", case, group="nope")).status_code == 404


def test_viewing_a_page_is_audited_once(client, case, review, reviewer):
    sign_in_verified(client, reviewer)
    client.get(url("questions_group", case, group="medication"))
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=reviewer)
    assert views.count() == 1
    assert "Medication" in views.get().summary


# -- The permission matrix ----------------------------------------------------------------------

READ, NOT_FOUND, FORBIDDEN = 200, 404, 403
PERSONAS = {
    "the_reviewer": READ,
    "lac": READ,
    "senior_reviewer": READ,
    "another_reviewer": NOT_FOUND,
    "panel_member": NOT_FOUND,
    "other_icb_lac": NOT_FOUND,
    "icb_lead": FORBIDDEN,
    "administrator": FORBIDDEN,
    "national_analyst": FORBIDDEN,
}


@pytest.fixture
def world(icb, lac, case, review, reviewer):
    other_icb = make_icb(name="NHS Other ICB")
    personas = {
        "the_reviewer": reviewer,
        "lac": lac,
        "senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, icb),
        "another_reviewer": make_reviewer(icb).user,
        "panel_member": user_with_role(Role.PANEL_MEMBER, icb),
        "other_icb_lac": user_with_role(Role.LAC, other_icb),
        "icb_lead": user_with_role(Role.ICB_LEAD, icb),
        "administrator": user_with_role(Role.ADMINISTRATOR),
        "national_analyst": user_with_role(Role.NATIONAL_ANALYST),
    }
    urls = [url("questions", case), url("questions_group", case, group="medication")]
    return urls, personas


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_permission_matrix(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    assert [client.get(u).status_code for u in urls] == [PERSONAS[persona]] * len(urls)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "the_reviewer"])
def test_nobody_but_the_reviewer_can_save(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    before = written()
    expected = FORBIDDEN if PERSONAS[persona] == READ else PERSONAS[persona]
    assert client.post(urls[0], {"action": "incomplete"}).status_code == expected
    assert client.post(urls[1], {"medication_review": "yes"}).status_code == expected
    assert written() == before


def test_readers_see_answers_without_a_form(client, world, review):
    urls, personas = world
    services.questions_group_save(
        actor=personas["the_reviewer"],
        review=review,
        group="medication",
        answers={"medication_review": {"answer": "yes", "detail": "Reviewed by the GP"}},
    )
    sign_in_verified(client, personas["lac"])
    page = client.get(urls[1]).content.decode()
    assert "You can read this review but not change it" in page
    assert "Yes. Reviewed by the GP" in page
    assert "Save and continue" not in page


def test_the_reviewer_cannot_change_answers_after_submission(client, world, case, review):
    urls, personas = world
    case.state = CaseState.QUALITY_ASSURANCE
    case.save(update_fields=["state"])
    sign_in_verified(client, personas["the_reviewer"])
    before = written()
    response = client.post(urls[1], {"medication_review": "yes"})
    assert response.status_code == 302
    assert written() == before
    assert "Save and continue" not in client.get(urls[1]).content.decode()
