"""The question forms on their own: what each accepts, how it tidies answers, and its messages."""

from datetime import date

import nhs_number
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leder.notifications import forms
from leder.notifications.presenters import answer_sections
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory


def errors(form) -> dict[str, list[str]]:
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


# --- NHS number --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["9990000018", "999 000 0018", "999-000-0018", " 999 0000018 "])
def test_an_nhs_number_is_accepted_with_spaces_or_dashes_and_kept_as_digits(typed):
    form = forms.NHSNumberForm({"nhs_number": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == "9990000018"


@given(st.sampled_from(nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC, quantity=50)))
def test_every_valid_synthetic_nhs_number_is_accepted(number):
    assert forms.NHSNumberForm({"nhs_number": number}).is_valid()


@given(
    st.sampled_from(
        nhs_number.generate(valid=False, for_region=nhs_number.REGION_SYNTHETIC, quantity=50)
    )
)
def test_every_nhs_number_with_a_wrong_check_digit_is_refused(number):
    form = forms.NHSNumberForm({"nhs_number": number})
    assert errors(form) == {
        "nhs_number": ["Enter a valid NHS number, or leave this blank if you do not know it"]
    }


@pytest.mark.parametrize("typed", ["999000001", "99900000188", "999 000 001X", "NHS"])
def test_an_nhs_number_that_is_not_10_numbers_says_so(typed):
    assert errors(forms.NHSNumberForm({"nhs_number": typed})) == {
        "nhs_number": ["NHS number must be 10 numbers"]
    }


def test_the_nhs_number_is_optional():
    form = forms.NHSNumberForm({"nhs_number": "  "})
    assert form.is_valid()
    assert form.cleaned_data["nhs_number"] == ""


# --- postcode, phone, names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("ls1 4ap", "LS1 4AP"),
        ("SW1A1AA", "SW1A 1AA"),
        (" m1  1ae ", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("", ""),
    ],
)
def test_a_uk_postcode_is_tidied(typed, kept):
    form = forms.AddressForm({"address": "1 High Street", "postcode": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == kept


@pytest.mark.parametrize("typed", ["LS1", "LS1 4A", "12345", "LS1 4APX", "L$1 4AP"])
def test_a_postcode_that_is_not_a_full_uk_postcode_is_refused(typed):
    assert errors(forms.AddressForm({"address": "1 High Street", "postcode": typed})) == {
        "postcode": ["Enter a full UK postcode, like LS1 4AP"]
    }


def test_address_line_breaks_are_kept_as_newlines():
    form = forms.AddressForm({"address": "1 High Street\r\nLeeds", "postcode": ""})
    assert form.is_valid()
    assert form.cleaned_data["address"] == "1 High Street\nLeeds"


@pytest.mark.parametrize("phone", ["07700 900982", "+44 808 157 0192", "(01632) 960-001"])
def test_phone_numbers_in_the_usual_shapes_are_accepted(phone):
    form = forms.NotifierDetailsForm({"name": "Ann", "phone": phone}, relationship="family")
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("phone", ["call me", "12345", "0770090098212345678"])
def test_a_phone_number_that_cannot_be_one_is_refused(phone):
    form = forms.NotifierDetailsForm({"name": "Ann", "phone": phone}, relationship="family")
    assert list(errors(form)) == ["phone"]


def test_family_and_friends_are_not_asked_for_an_organisation():
    form = forms.NotifierDetailsForm(relationship="friend")
    assert "organisation_name" not in form.fields


@pytest.mark.parametrize("relationship", sorted(forms.PROFESSIONAL_RELATIONSHIPS))
def test_professionals_must_name_their_organisation(relationship):
    form = forms.NotifierDetailsForm(
        {"name": "Dr Ann Oduya", "email": "ann@nhs.example"}, relationship=relationship
    )
    assert errors(form) == {
        "organisation_name": ["Enter the name of the organisation you work for"]
    }


def test_missing_name_and_contact_are_reported_together():
    form = forms.NotifierDetailsForm({}, relationship="family")
    assert set(errors(form)) == {"name", "email"}


def test_someone_else_must_say_how_they_knew_the_person():
    form = forms.NotifierDetailsForm({"name": "Ann", "phone": "07700900982"}, relationship="other")
    assert errors(form) == {"relationship_detail": ["Tell us how you knew the person"]}


def test_relationship_detail_is_dropped_unless_someone_else():
    data = {"name": "Ann", "phone": "07700900982", "relationship_detail": "neighbour"}
    form = forms.NotifierDetailsForm(data, relationship="friend", for_staff=True)
    assert form.is_valid()
    assert form.cleaned_data["relationship_detail"] == ""


def test_concerns_are_required_after_yes_and_dropped_after_no():
    assert errors(forms.ConcernsDetailForm({"care_concerns": ""}, has_care_concerns="yes")) == {
        "care_concerns": ["Tell us about your concerns"]
    }
    form = forms.ConcernsDetailForm({"care_concerns": "stale"}, has_care_concerns="no")
    assert form.is_valid()
    assert form.cleaned_data["care_concerns"] == ""


def test_staff_see_the_questions_about_the_caller():
    form = forms.RelationshipForm(for_staff=True)
    assert form.fields["relationship"].label == "How did the caller know the person who died?"


# --- dates ------------------------------------------------------------------------------------


def dates(born: date, died: date) -> dict:
    return {
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
        "date_of_death_day": str(died.day),
        "date_of_death_month": str(died.month),
        "date_of_death_year": str(died.year),
    }


def test_a_death_on_the_day_of_birth_is_accepted():
    assert forms.DatesForm(dates(date(2024, 1, 1), date(2024, 1, 1))).is_valid()


def test_a_death_before_birth_is_refused_on_the_date_of_death():
    form = forms.DatesForm(dates(date(1990, 6, 2), date(1990, 6, 1)))
    assert errors(form) == {
        "date_of_death": ["Date of death must be the same as or after the date of birth"]
    }


# --- GP practice and area ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["B86001", "b86001", "church street surgery", "  Church  Street Surgery "]
)
def test_a_gp_practice_is_linked_when_the_answer_is_its_code_or_name(typed):
    practice = GpPracticeFactory(ods_code="B86001", name="Church Street Surgery")
    form = forms.GPForm({"gp_practice_text": typed})
    assert form.is_valid()
    assert form.cleaned_data["gp_practice"] == practice
    assert form.derived_icb() == practice.icb


@pytest.mark.django_db
def test_two_practices_with_the_same_name_are_not_guessed_between():
    GpPracticeFactory(name="Church Street Surgery")
    GpPracticeFactory(name="Church Street Surgery")
    form = forms.GPForm({"gp_practice_text": "Church Street Surgery"})
    assert form.is_valid()
    assert form.cleaned_data["gp_practice"] is None
    assert form.cleaned_data["gp_practice_text"] == "Church Street Surgery"


@pytest.mark.django_db
def test_a_closed_icb_is_not_derived_from_a_gp_practice():
    closed = IcbFactory(closed_on=date(2020, 1, 1))
    GpPracticeFactory(ods_code="B86001", icb=closed)
    form = forms.GPForm({"gp_practice_text": "B86001"})
    assert form.is_valid()
    assert form.derived_icb() is None


@pytest.mark.django_db
def test_the_area_question_offers_only_open_icbs():
    open_icb = IcbFactory()
    closed = IcbFactory(closed_on=date(2020, 1, 1))
    choices = {value for value, _ in forms.AreaForm().fields["icb"].choices if value}
    assert str(open_icb.pk) in {str(v) for v in choices}
    assert str(closed.pk) not in {str(v) for v in choices}
    assert list(errors(forms.AreaForm({"icb": str(closed.pk)}))) == ["icb"]


# --- turning answers into the service's inputs ---------------------------------------------------


@pytest.mark.django_db
def test_submission_inputs_and_the_check_page_use_the_same_answers():
    icb = IcbFactory(short_name="West Yorkshire")
    answers = {
        "relationship": "family",
        "relationship_detail": "",
        "name": " Ann Oduya ",
        "email": "ann@example.com",
        "phone": "",
        "given_name": "Margaret",
        "family_name": "Oduya",
        "other_names": "",
        "date_of_birth": date(1961, 3, 4),
        "date_of_death": date(2025, 5, 10),
        "nhs_number": "9990000018",
        "address": "1 High Street",
        "postcode": "LS1 4AP",
        "gp_practice_text": "",
        "gp_practice": None,
        "icb": icb,
        "has_learning_disability": "yes",
        "is_autistic": "no",
        "sex": "not_known",
        "ethnic_category": None,
        "place_of_death": "home",
        "place_of_death_detail": "",
        "died_in_england": "yes",
        "circumstances": "",
        "covid": "no",
        "has_care_concerns": "no",
        "care_concerns": "",
    }
    person, notifier = forms.submission_inputs(answers)
    assert person.icb_id == icb.pk
    assert person.gp_practice_id is None and person.ethnic_category_id is None
    assert notifier.name == "Ann Oduya"

    rows = {row.key: row.value for s in answer_sections(answers) for row in s.rows}
    assert rows["NHS number"] == "999 000 0018"
    assert rows["Date of death"] == "10 May 2025"
    assert rows["Area"] == "West Yorkshire"
    assert rows["Ethnic group"] == "Not given"
    assert rows["Concerns about their care"] == "No"
