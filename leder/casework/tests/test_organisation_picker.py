"""The organisation picker (ADR 0167): which organisations it offers an ICB's staff first, that
any other open one of its kinds is valid (and found by its search), that nothing or an unknown
choice is a clear error, and the search endpoint."""

from datetime import date

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.selectors.case import organisations_relevant_to
from leder.casework.tests.factories import make_reviewer
from leder.core.picker import is_search_submission
from leder.organisations.forms import OrganisationPickerField, organisation_label
from leder.organisations.models import PROVIDER_KINDS, OrganisationKind
from leder.organisations.selectors import organisations_matching
from leder.organisations.tests.factories import (
    CareProviderFactory,
    GpPracticeFactory,
    IcbFactory,
    LocalAuthorityFactory,
    TrustFactory,
)

pytestmark = pytest.mark.django_db


def names(organisations) -> set[str]:
    return {o.name for o in organisations}


def test_relevant_organisations_are_the_icbs_area_and_what_its_cases_link(icb, other_icb, cases):
    practice = GpPracticeFactory(icb=icb, name="Own Lane Surgery")
    council = LocalAuthorityFactory(icb=icb, name="Own County Council")
    elsewhere = TrustFactory(icb=other_icb, name="Faraway Hospitals Trust")
    involved = TrustFactory(icb=other_icb, name="Specialist Hospital Trust")
    their_gp = GpPracticeFactory(icb=other_icb, name="Border Surgery")
    employer = CareProviderFactory(icb=other_icb, name="Support Living Ltd")
    GpPracticeFactory(icb=icb, name="Closed Surgery", closed_on=date(2020, 1, 1))
    case = cases.make(gp_practice_id=their_gp.pk)
    case.involved_organisations.add(involved)
    make_reviewer(icb, user=user_with_role(Role.REVIEWER, icb), employer=employer)

    relevant = names(organisations_relevant_to([icb]))

    assert relevant == {
        practice.name,
        council.name,
        involved.name,
        their_gp.name,
        employer.name,
    }  # neither the far trust, the closed practice, nor the ICB (not a provider)
    assert elsewhere.name not in relevant
    with_icbs = organisations_relevant_to([icb], kinds=(OrganisationKind.ICB, *PROVIDER_KINDS))
    assert icb.name in names(with_icbs) and other_icb.name not in names(with_icbs)
    # Another ICB's staff are not offered this ICB's case links.
    assert names(organisations_relevant_to([other_icb])) == {
        elsewhere.name,
        involved.name,
        their_gp.name,
        employer.name,
    }


def test_matching_takes_every_word_and_puts_an_exact_code_first():
    TrustFactory(name="Northshire Hospitals NHS Trust", ods_code="RX1")
    TrustFactory(name="Northshire Community Trust", ods_code="RX2")
    coded = GpPracticeFactory(name="Abbey Surgery", ods_code="RX1A1")
    within = OrganisationPickerField(label="L", required_message="M").queryset

    assert [o.name for o in organisations_matching(query="northshire  hosp", within=within)] == [
        "Northshire Hospitals NHS Trust"
    ]
    assert organisations_matching(query=" rx1a1 ", within=within) == [coded]
    assert organisations_matching(query="   ", within=within) == []


class _Form(forms.Form):
    organisation = OrganisationPickerField(label="Organisation", required_message="Choose one")


def test_any_open_organisation_of_its_kinds_is_valid_and_others_are_a_clear_error(icb):
    shown = GpPracticeFactory(icb=icb)
    not_shown = TrustFactory(name="Not Shown Trust")
    closed = TrustFactory(closed_on=date(2020, 1, 1))

    def chosen(value):
        form = _Form({"organisation": value})
        form.fields["organisation"].shown = [shown]
        return form.cleaned_data["organisation"] if form.is_valid() else form.errors

    assert chosen(str(shown.pk)) == shown
    assert chosen(str(not_shown.pk)) == not_shown
    for refused in ("", "999999999", "not a number", str(closed.pk), str(icb.pk)):
        assert chosen(refused) == {"organisation": ["Choose one"]}


def test_the_select_offers_the_shown_the_found_and_the_chosen_only(icb):
    shown = GpPracticeFactory(icb=icb, name="Shown Surgery")
    chosen = TrustFactory(name="Chosen Earlier Trust")
    TrustFactory(name="Hidden Trust")
    field = _Form().fields["organisation"]
    field.shown = [shown]

    options, found = field.items(query="", value=None)
    assert options == [("", "Choose an organisation"), (str(shown.pk), organisation_label(shown))]
    assert found == []

    options, found = field.items(query="chosen earlier", value=str(chosen.pk))
    assert [text for _, text in options] == [
        "Choose an organisation",
        organisation_label(chosen),
        organisation_label(shown),
    ]
    options, _ = field.items(query="", value=str(chosen.pk))
    assert organisation_label(chosen) in [text for _, text in options]
    assert "Hidden Trust" not in str(options)


def test_a_search_is_the_search_button_or_enter_in_a_changed_search_box():
    post = RequestFactory().post
    assert is_search_submission(post("/", {"picker-search": "organisation"}))
    assert is_search_submission(post("/", {"o__search": "new", "o__searched": "old"}))
    assert not is_search_submission(post("/", {"o__search": "same ", "o__searched": " same"}))
    assert not is_search_submission(post("/", {"name": "x"}))
    assert not is_search_submission(RequestFactory().get("/", {"picker-search": "o"}))


def test_the_search_endpoint_is_for_staff_and_finds_open_organisations_of_the_kinds(client, icb):
    trust = TrustFactory(name="Northshire Hospitals Trust")
    TrustFactory(name="Northshire Old Trust", closed_on=date(2020, 1, 1))
    url = reverse("organisations:choices")

    assert client.get(url, {"q": "northshire"}).status_code == 302  # to sign in

    sign_in_verified(client, user_with_role(Role.REVIEWER, icb))
    found = client.get(url, {"q": "northshire"}).json()["results"]
    assert found == [{"value": trust.pk, "label": organisation_label(trust)}]
    assert client.get(url, {"q": "n"}).json() == {"results": []}
    only_icbs = client.get(url, {"q": "northshire", "kinds": "icb"}).json()
    assert only_icbs == {"results": []}
    icbs = client.get(url, {"q": icb.ods_code, "kinds": "icb,nonsense"}).json()["results"]
    assert icbs == [{"value": icb.pk, "label": organisation_label(icb)}]


def test_a_new_icb_is_found_by_a_transfer_picker_of_icbs():
    icb = IcbFactory(name="NHS Brand New Integrated Care Board")
    field = _Form().fields["organisation"]
    assert field.found("brand new") == []  # providers only
    icb_field = OrganisationPickerField(
        label="ICB", required_message="Choose", kinds=(OrganisationKind.ICB,)
    )
    assert icb_field.found("brand new") == [icb]
