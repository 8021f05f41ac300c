"""Conflicts of interest (`selectors.register.conflicts_for`): the employer or a declared
organisation involved in the person's care, or a declared person who is the person who died.
And the register's workload figures, which allocation ranks its suggestions by."""

import string
from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState, ConflictKind, ReviewerConflict
from leder.casework.selectors.register import (
    PersonDeclared,
    conflicts_for,
    names_match,
    normalise_name,
    person_match,
    person_names,
    reviewer_workload,
)
from leder.casework.tests.factories import make_reviewer
from leder.core.time import now
from leder.notifications.tests.factories import nhs_number
from leder.organisations.models import Organisation, OrganisationKind

NHS_A = "9434765919"
NHS_B = "9434765870"


def person(**fields):
    values = {
        "given_name": "Joanne",
        "family_name": "Walsh",
        "other_names": "",
        "date_of_birth": date(1965, 2, 11),
        "nhs_number": "",
    }
    values.update(fields)
    return SimpleNamespace(**values)


def declared(name="Joanne Walsh", date_of_birth=None, nhs=""):
    return PersonDeclared(name=name, date_of_birth=date_of_birth, nhs_number=nhs)


# -- Names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Zoë   O’Brien-Smith ", "zoe obrien smith"),
        ("MARY-JANE  o'neill", "mary jane oneill"),
        ("José\tÁlvarez", "jose alvarez"),
        ("Straße", "strasse"),
        ("", ""),
        ("  - ' ", ""),
    ],
)
def test_names_are_normalised_for_comparison(raw, expected):
    assert normalise_name(raw) == expected


NAME_CHARS = st.sampled_from(list(string.ascii_letters + "éèëïöüçñåøÉÖ" + " -'’\t"))
NAMES = st.text(NAME_CHARS, max_size=40)


@given(NAMES)
def test_normalising_twice_changes_nothing(name):
    once = normalise_name(name)
    assert normalise_name(once) == once


@given(NAMES)
def test_normalised_names_are_lower_case_single_spaced_and_trimmed(name):
    result = normalise_name(name)
    assert result == result.strip()
    assert "  " not in result
    assert result == result.casefold()


@given(st.lists(st.text(string.ascii_letters, min_size=1, max_size=12), min_size=1, max_size=4))
def test_case_and_spacing_never_change_a_name(words):
    plain = " ".join(words)
    shouted = "  \t ".join(w.upper() for w in words) + "  "
    assert normalise_name(plain) == normalise_name(shouted)


@given(
    st.lists(st.text(string.ascii_lowercase, min_size=2, max_size=12), min_size=2, max_size=3),
    st.sampled_from(["upper", "title", "spaces", "accents"]),
)
@settings(max_examples=200)
def test_a_declared_name_written_differently_still_matches_the_person(words, style):
    given_name, family_name = words[0], words[-1]
    written = {
        "upper": f"{given_name.upper()} {family_name.upper()}",
        "title": f"{given_name.title()}   {family_name.title()}",
        "spaces": f"  {given_name}\t{family_name} ",
        "accents": f"{given_name} {family_name}".replace("e", "é").replace("o", "ö"),
    }[style]
    deceased = person(given_name=given_name, family_name=family_name)
    assert person_match(declared=declared(written), notification=deceased) is not None


def test_a_middle_name_on_one_side_only_still_matches():
    assert names_match("joanne mary walsh", "joanne walsh")
    assert names_match("joanne walsh", "joanne mary walsh")


def test_a_typo_or_swapped_order_still_matches_as_for_duplicates():
    assert names_match(normalise_name("Joane Walsh"), "joanne walsh")
    assert names_match(normalise_name("Walsh Joanne"), "joanne walsh")


def test_different_people_do_not_match_by_name():
    assert not names_match("peter okafor", "joanne walsh")
    assert not names_match("", "joanne walsh")


def test_other_names_are_names_the_person_can_be_declared_by():
    names = person_names(given="Joanne", family="Walsh", other="Jo; Joey Smith, or Jojo")
    assert names == {"joanne walsh", "jo", "jo walsh", "joey smith", "jojo", "jojo walsh"}


# -- A person they knew ------------------------------------------------------------------------


def test_the_same_nhs_number_matches_whatever_the_names():
    found = person_match(
        declared=declared("Somebody Else", nhs="943 476 5919"),
        notification=person(nhs_number=NHS_A),
    )
    assert found == "The reviewer declared that they knew the person (the same NHS number)."


def test_two_different_nhs_numbers_are_two_different_people():
    assert (
        person_match(
            declared=declared(date_of_birth=date(1965, 2, 11), nhs=NHS_B),
            notification=person(nhs_number=NHS_A),
        )
        is None
    )


def test_name_and_date_of_birth_match_when_either_side_has_no_nhs_number():
    found = person_match(
        declared=declared("joanne walsh", date_of_birth=date(1965, 2, 11), nhs=NHS_A),
        notification=person(),
    )
    assert found == (
        "The reviewer declared that they knew the person (the same name and date of birth)."
    )


def test_a_mistyped_date_of_birth_still_matches_as_for_duplicates():
    day_month_swapped = date(1965, 11, 2)
    assert person_match(declared=declared(date_of_birth=day_month_swapped), notification=person())


def test_the_same_name_with_another_date_of_birth_is_someone_else():
    other_birthday = declared(date_of_birth=date(1980, 7, 30))
    assert person_match(declared=other_birthday, notification=person()) is None


def test_a_name_declared_without_a_date_of_birth_matches_by_name_alone():
    found = person_match(declared=declared("JOANNE WALSH"), notification=person())
    assert found == (
        "The reviewer declared that they knew someone of the same name "
        "(they gave no date of birth)."
    )


def test_a_name_the_person_was_also_known_by_matches():
    assert person_match(declared=declared("Jo Walsh"), notification=person(other_names="Jo"))


def test_someone_else_is_not_a_match():
    assert person_match(declared=declared("Peter Okafor"), notification=person()) is None


# -- conflicts_for with the register ------------------------------------------------------------


def provider(name, kind=OrganisationKind.TRUST, **fields):
    count = Organisation.objects.count()
    return Organisation.objects.create(ods_code=f"TSTP{count:05d}", name=name, kind=kind, **fields)


def declare(reviewer, **fields):
    return ReviewerConflict.objects.create(reviewer=reviewer, declared_at=now(), **fields)


@pytest.mark.django_db
def test_a_reviewer_employed_by_an_organisation_involved_in_the_care_is_conflicted(icb, cases):
    trust = provider("Riverside NHS Trust")
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    case.involved_organisations.add(trust)
    reviewer = make_reviewer(icb, employer=trust)
    assert conflicts_for(reviewer=reviewer, case=case) == [
        "The reviewer's employer, Riverside NHS Trust, is involved in the person's care."
    ]
    elsewhere = make_reviewer(icb, employer=provider("Hillside NHS Trust"))
    assert conflicts_for(reviewer=elsewhere, case=case) == []


@pytest.mark.django_db
def test_the_gp_practice_of_the_notification_counts_as_involved(icb, cases):
    practice = provider("Meadow Lane Surgery", kind=OrganisationKind.GP_PRACTICE, icb=icb)
    case = cases.make(CaseState.AWAITING_ALLOCATION, gp_practice_id=practice.pk)
    reviewer = make_reviewer(icb, employer=practice)
    assert conflicts_for(reviewer=reviewer, case=case) == [
        "The reviewer's employer, Meadow Lane Surgery, is involved in the person's care."
    ]


@pytest.mark.django_db
def test_an_employer_typed_as_free_text_counts_when_it_names_an_involved_organisation(icb, cases):
    trust = provider("Riverside NHS Trust")
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    case.involved_organisations.add(trust)
    reviewer = make_reviewer(icb, employer_name="  riverside nhs   TRUST ")
    assert conflicts_for(reviewer=reviewer, case=case) == [
        "The reviewer's employer, Riverside NHS Trust, is involved in the person's care."
    ]


@pytest.mark.django_db
def test_a_declared_organisation_involved_in_the_care_is_a_conflict(icb, cases):
    trust, care_home = provider("Riverside NHS Trust"), provider("Oak House Care")
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    case.involved_organisations.add(care_home)
    reviewer = make_reviewer(icb, employer=trust)
    declare(reviewer, kind=ConflictKind.ORGANISATION, organisation=care_home)
    assert conflicts_for(reviewer=reviewer, case=case) == [
        "The reviewer declared a conflict with Oak House Care, which is involved in the "
        "person's care."
    ]


@pytest.mark.django_db
def test_a_declared_person_who_is_the_person_who_died_is_a_conflict(icb, cases):
    number = nhs_number()
    case = cases.make(
        CaseState.AWAITING_ALLOCATION, given_name="Priya", family_name="Shah", nhs_number=number
    )
    by_number = make_reviewer(icb)
    declare(by_number, kind=ConflictKind.PERSON, person_name="P Shah", person_nhs_number=number)
    by_name = make_reviewer(icb)
    declare(by_name, kind=ConflictKind.PERSON, person_name="priya  SHAH")
    someone_else = make_reviewer(icb)
    declare(someone_else, kind=ConflictKind.PERSON, person_name="Tom Jones")
    assert conflicts_for(reviewer=by_number, case=case) == [
        "The reviewer declared that they knew the person (the same NHS number)."
    ]
    assert len(conflicts_for(reviewer=by_name, case=case)) == 1
    assert conflicts_for(reviewer=someone_else, case=case) == []


@pytest.mark.django_db
def test_every_reason_is_given_once(icb, cases):
    trust = provider("Riverside NHS Trust")
    case = cases.make(CaseState.AWAITING_ALLOCATION, given_name="Priya", family_name="Shah")
    case.involved_organisations.add(trust)
    reviewer = make_reviewer(icb, employer=trust)
    declare(reviewer, kind=ConflictKind.ORGANISATION, organisation=trust)
    declare(reviewer, kind=ConflictKind.PERSON, person_name="Priya Shah")
    declare(reviewer, kind=ConflictKind.PERSON, person_name="PRIYA SHAH")
    assert conflicts_for(reviewer=reviewer, case=case) == [
        "The reviewer's employer, Riverside NHS Trust, is involved in the person's care.",
        "The reviewer declared a conflict with Riverside NHS Trust, which is involved in the "
        "person's care.",
        "The reviewer declared that they knew someone of the same name (they gave no date of "
        "birth).",
    ]


# -- Workload -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_workload_counts_open_cases_and_free_capacity_most_free_first(icb, cases, other_icb):
    def make(state, reviewer):
        # Distinct NHS numbers: the factory's made-up names would otherwise look like duplicates.
        return cases.make(state, reviewer=reviewer, nhs_number=nhs_number())

    busy = make_reviewer(icb, capacity=2, user=user_with_role(Role.REVIEWER, icb, full_name="A"))
    idle = make_reviewer(icb, capacity=3, user=user_with_role(Role.REVIEWER, icb, full_name="B"))
    over = make_reviewer(icb, capacity=1, user=user_with_role(Role.REVIEWER, icb, full_name="C"))
    make_reviewer(other_icb)
    make(CaseState.ALLOCATED, busy)
    make(CaseState.INITIAL_REVIEW, busy)
    make(CaseState.COMPLETED, idle)  # finished work does not count
    make(CaseState.INITIAL_REVIEW, over)
    make(CaseState.QUALITY_ASSURANCE, over)
    rows = [(r.pk, r.open_cases, r.free_capacity) for r in reviewer_workload(icb=icb)]
    assert rows == [(idle.pk, 0, 3), (busy.pk, 2, 0), (over.pk, 2, 0)]


@pytest.mark.django_db
def test_a_case_on_hold_still_counts_against_its_reviewer(icb, cases):
    reviewer = make_reviewer(icb, capacity=2)
    case = cases.make(CaseState.INITIAL_REVIEW, reviewer=reviewer)
    cases.step(case, "hold")
    assert reviewer_workload(icb=icb).get(pk=reviewer.pk).open_cases == 1


@pytest.mark.django_db
def test_workload_and_conflicts_cost_the_same_queries_for_many_reviewers(
    icb, cases, django_assert_max_num_queries
):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    case = (
        type(case)
        .objects.select_related("notification")
        .prefetch_related("involved_organisations")
        .get(pk=case.pk)
    )

    def suggestions():
        return [
            (r.free_capacity, conflicts_for(reviewer=r, case=case))
            for r in reviewer_workload(icb=icb)
        ]

    for _ in range(2):
        declare(make_reviewer(icb), kind=ConflictKind.PERSON, person_name="Tom Jones")
    with django_assert_max_num_queries(2) as small:
        suggestions()
    for _ in range(15):
        declare(make_reviewer(icb), kind=ConflictKind.PERSON, person_name="Tom Jones")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(suggestions()) == 17
