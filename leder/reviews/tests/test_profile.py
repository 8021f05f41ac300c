"""The person's profile: its versioned fields and rules (shared with importers), the prefill from
the cause of death and the structured questions, the section page, and how every page draws it."""

import pytest
from django.urls import reverse

from leder.accounts.tests.factories import sign_in_verified
from leder.reference import conditions
from leder.reviews import profile, sections
from leder.reviews.models import ReviewSection, ReviewVersion
from leder.reviews.presenters.family_copy import FamilyCopy
from leder.reviews.presenters.profile import ProfilePresenter
from leder.reviews.services.questions import cause_of_death_record
from leder.reviews.services.records import review_section_save

pytestmark = pytest.mark.django_db

COMPLETE = {
    "downs_syndrome": "yes",
    "cerebral_palsy": "no",
    "epilepsy": "yes",
    "long_term_conditions": ["dementia", "hypertension"],
    "mobility": "wheelchair",
    "communication": "some_speech",
    "sensory": ["sight"],
    "lived_in": "supported_living",
    "support": "round_the_clock",
    "out_of_area_placement": "no",
    "mental_health_act_detained": "no",
}


def section_url(case) -> str:
    return reverse(
        "reviews:section",
        kwargs={"reference": case.reference, "kind": "initial", "key": "profile"},
    )


# --- the rules an importer uses --------------------------------------------------------------


def test_a_complete_profile_has_no_errors_and_is_stored_with_its_version():
    assert profile.errors(COMPLETE, complete=True) == {}
    stored = profile.record({**COMPLETE, "unknown": "dropped"})
    assert stored["profile_version"] == "2026-1"
    assert "unknown" not in stored
    assert list(stored)[1:] == list(profile.profile_set().keys)


def test_every_unanswered_field_is_named_when_complete():
    problems = profile.errors({"downs_syndrome": "yes"}, complete=True)
    assert "downs_syndrome" not in problems
    assert problems["lived_in"] == "Select where the person lived"
    assert len(problems) == len(profile.profile_set().fields) - 1
    assert profile.errors({"downs_syndrome": "yes"}, complete=False) == {}


def test_values_off_the_list_and_none_with_other_answers_are_refused():
    problems = profile.errors(
        {"lived_in": "castle", "long_term_conditions": ["none", "diabetes"], "sensory": ["x"]}
    )
    assert "castle" in problems["lived_in"]
    assert problems["long_term_conditions"].startswith("Select none of these or not known")
    assert "“x”" in problems["sensory"]


def test_the_conditions_are_the_maintained_list_of_the_profile_version():
    field = profile.profile_set().field("long_term_conditions")
    listed = [key for key, _ in field.choices if key not in ("none", "not_known")]
    assert listed == [c.key for c in conditions.conditions("qof-2023-24")]
    assert "diabetes" in listed and "serious_mental_illness" in listed


def test_an_old_version_is_never_removed_silently():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        profile.profile_set("1999-1")


# --- prefill --------------------------------------------------------------------------------


def test_prefill_takes_conditions_from_the_certificate_and_epilepsy_from_the_questions():
    cause = cause_of_death_record(
        {
            "a_text": "Aspiration pneumonia",
            "a_code": "J69.0",
            "ii1_text": "Down's syndrome",
            "ii1_code": "Q90.9",
            "ii2_text": "Type 2 diabetes",
            "ii2_code": "E11.9",
        }
    )
    found = profile.prefill(cause_of_death=cause, questions={"epilepsy": {"answer": "no"}})
    assert found.values == {
        "downs_syndrome": "yes",
        "epilepsy": "no",
        "long_term_conditions": ["diabetes"],
    }
    assert "structured questions" in found.sources["epilepsy"]
    assert "certificate" in found.sources["downs_syndrome"]


def test_epilepsy_on_the_certificate_wins_over_nothing_in_the_questions():
    cause = cause_of_death_record({"a_text": "Status epilepticus", "a_code": "G41.9"})
    assert profile.prefill(cause_of_death=cause).values == {"epilepsy": "yes"}


def test_the_section_page_starts_from_the_prefill_and_says_where_it_came_from(
    client, review, reviewer
):
    review_section_save(
        actor=reviewer,
        review=review,
        key="cause_of_death",
        data=cause_of_death_record(
            {"a_text": "Pneumonia", "a_code": "J18.9", "ii1_text": "Cerebral palsy",
             "ii1_code": "G80.9"}
        ),
        complete=False,
    )  # fmt: skip
    sign_in_verified(client, reviewer)
    page = client.get(section_url(review.case)).content.decode()
    assert 'id="profile-prefilled"' in page
    assert "Did the person have cerebral palsy?: from the medical certificate" in page
    assert 'name="cerebral_palsy" type="radio" value="yes" checked' in " ".join(page.split())


def test_saved_answers_are_never_replaced_by_the_prefill(client, review, reviewer):
    review_section_save(
        actor=reviewer,
        review=review,
        key="cause_of_death",
        data=cause_of_death_record({"a_text": "Pneumonia", "ii1_code": "G80.9",
                                    "ii1_text": "Cerebral palsy"}),
        complete=False,
    )  # fmt: skip
    review_section_save(
        actor=reviewer,
        review=review,
        key="profile",
        data=profile.record({"cerebral_palsy": "no"}),
        complete=False,
    )
    sign_in_verified(client, reviewer)
    page = " ".join(client.get(section_url(review.case)).content.decode().split())
    assert 'id="profile-prefilled"' not in page
    assert 'type="radio" value="no" checked' in page


# --- the page -------------------------------------------------------------------------------


def test_saving_complete_stores_the_answers_with_the_version(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(section_url(review.case), {**COMPLETE, "action": "complete"})
    assert response.status_code == 302
    row = ReviewSection.objects.get(review=review, key="profile")
    assert row.is_complete
    assert row.data == profile.record(COMPLETE)
    assert ReviewVersion.objects.filter(review=review, section_key="profile").count() == 1
    assert sections.get("profile").missing(review) == []


def test_marking_complete_without_every_answer_keeps_what_was_typed(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        section_url(review.case), {"downs_syndrome": "yes", "action": "complete"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select where the person lived" in page
    assert 'value="yes" checked' in " ".join(page.split())
    assert not ReviewSection.objects.filter(review=review, key="profile").exists()


def test_none_with_a_condition_is_an_error_beside_the_question(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        section_url(review.case),
        {"long_term_conditions": ["none", "diabetes"], "action": "draft"},
    )
    assert "Select none of these or not known on its own" in response.content.decode()
    assert not ReviewSection.objects.filter(review=review, key="profile").exists()


def test_a_draft_can_be_saved_half_answered(client, review, reviewer):
    sign_in_verified(client, reviewer)
    client.post(section_url(review.case), {"epilepsy": "no", "action": "draft"})
    row = ReviewSection.objects.get(review=review, key="profile")
    assert (row.is_complete, row.data["epilepsy"], row.data["lived_in"]) == (False, "no", "")
    assert "Not marked as complete" in sections.get("profile").missing(review)


def test_the_lac_reads_the_profile_as_every_page_draws_it(client, review, reviewer, lac):
    review_section_save(
        actor=reviewer, review=review, key="profile", data=profile.record(COMPLETE), complete=True
    )
    sign_in_verified(client, lac)
    page = client.get(section_url(review.case)).content.decode()
    assert 'id="person-profile"' in page
    assert "Supported living" in page
    assert '<form method="post"' not in page


# --- the presenter, and the family copy --------------------------------------------------------


def test_the_presenter_names_every_question_for_staff_and_only_answers_for_the_family():
    shown = ProfilePresenter(profile.record({"lived_in": "family_home"}), ld_severity="severe")
    staff = {row.key: row.text for row in shown.rows}
    assert staff["ld_severity"] == "Severe"
    assert staff["lived_in"] == "With their family, in the family home"
    assert staff["epilepsy"] == "Not given"
    family = [(row.label, row.text) for row in shown.family_rows]
    assert family == [
        ("Severity of learning disability", "Severe"),
        ("Where they lived", "With their family, in the family home"),
    ]


def test_the_family_copy_has_the_profile_in_plain_words(review, reviewer):
    review_section_save(
        actor=reviewer, review=review, key="profile", data=profile.record(COMPLETE), complete=True
    )
    blocks = {b.key: b for b in FamilyCopy(review, is_draft=True).blocks}
    assert blocks["profile"].kind == "profile"
    labels = [row.label for row in blocks["profile"].profile.family_rows]
    assert "Long-term conditions" in labels and "Where they lived" in labels
