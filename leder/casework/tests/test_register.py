"""The reviewer register: who may see and change it, adding reviewers, their details, training
and declared conflicts; bad input shows the message and writes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    sign_in_password_only,
    sign_in_verified,
    user_with_role,
)
from leder.casework.models import (
    CaseState,
    ConflictKind,
    Profession,
    RecruitmentStatus,
    Reviewer,
    ReviewerConflict,
    ReviewerTraining,
)
from leder.casework.services.register import (
    reviewer_add,
    reviewer_conflict_declare,
    reviewer_training_add,
    reviewer_update,
)
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.notifications.tests.factories import nhs_number
from leder.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def provider(name, kind=OrganisationKind.TRUST, **fields):
    count = Organisation.objects.count()
    return Organisation.objects.create(ods_code=f"TSTR{count:05d}", name=name, kind=kind, **fields)


@pytest.fixture
def trust():
    return provider("Riverside NHS Trust")


@pytest.fixture
def reviewer(icb, trust):
    user = user_with_role(Role.REVIEWER, icb, full_name="Ada Okonjo")
    return make_reviewer(icb, user=user, employer=trust, capacity=3)


def urls(reviewer):
    pk = reviewer.pk
    return {
        "list": reverse("casework:register"),
        "detail": reverse("casework:register_detail", kwargs={"pk": pk}),
        "add": reverse("casework:register_add"),
        "edit": reverse("casework:register_edit", kwargs={"pk": pk}),
        "training": reverse("casework:register_training_add", kwargs={"pk": pk}),
        "organisation": reverse("casework:register_conflict_organisation", kwargs={"pk": pk}),
        "person": reverse("casework:register_conflict_person", kwargs={"pk": pk}),
    }


CHANGE_PAGES = ["add", "edit", "training", "organisation", "person"]


def details(**overrides):
    data = {
        "profession": Profession.LD_NURSE,
        "employer": "",
        "employer_name": "Oak House Care",
        "capacity": "3",
        "recruitment_status": RecruitmentStatus.TRAINED,
        "is_active": "yes",
    }
    data.update(overrides)
    return data


def nothing_written(reviewer):
    reviewer.refresh_from_db()
    return (
        Reviewer.objects.count() == 1
        and not ReviewerTraining.objects.exists()
        and not ReviewerConflict.objects.exists()
    )


# -- Who may see and change the register --------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, reviewer):
    for url in urls(reviewer).values():
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, reviewer, lac):
    sign_in_password_only(client, lac)
    for url in urls(reviewer).values():
        response = client.get(url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


def test_the_lac_can_open_every_register_page(client, reviewer, lac):
    sign_in_verified(client, lac)
    for url in urls(reviewer).values():
        assert client.get(url).status_code == 200, url


def test_a_senior_reviewer_may_read_the_register_but_not_change_it(client, reviewer, icb, trust):
    sign_in_verified(client, user_with_role(Role.SENIOR_REVIEWER, icb))
    pages = urls(reviewer)
    assert "Ada Okonjo" in client.get(pages["list"]).text
    detail = client.get(pages["detail"])
    assert detail.status_code == 200 and "Riverside NHS Trust" in detail.text
    assert "Change the details" not in detail.text and "Record training" not in detail.text
    assert "Add a reviewer" not in client.get(pages["list"]).text
    for name in CHANGE_PAGES:
        assert client.get(pages[name]).status_code == 403, name
    assert client.post(pages["edit"], details(capacity="9")).status_code == 403
    assert client.post(pages["training"], {"course": "x"}).status_code == 403
    assert nothing_written(reviewer) and reviewer.capacity == 3


@pytest.mark.parametrize(
    "role", [Role.REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ICB_LEAD]
)
def test_other_roles_of_the_same_icb_may_not_see_the_register(client, reviewer, icb, role):
    sign_in_verified(client, user_with_role(role, icb))
    for url in urls(reviewer).values():
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.NATIONAL_ANALYST, Role.REGIONAL_COORDINATOR]
)
def test_national_and_regional_roles_and_administrators_may_not_see_the_register(
    client, reviewer, role
):
    sign_in_verified(client, user_with_role(role))
    for url in urls(reviewer).values():
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.LAC, Role.SENIOR_REVIEWER])
def test_another_icbs_register_is_invisible(client, reviewer, icb, other_icb, role):
    user_with_role(Role.REVIEWER, icb, full_name="Waiting Person")  # could join this ICB's
    sign_in_verified(client, user_with_role(role, other_icb))
    pages = urls(reviewer)
    listing = client.get(pages["list"])
    assert listing.status_code == 200
    assert "Ada Okonjo" not in listing.text and "There are no reviewers to show" in listing.text
    for name in ["detail", "edit", "training", "organisation", "person"]:
        response = client.get(pages[name])
        assert response.status_code == 404, name
        assert "Ada Okonjo" not in response.text
    assert client.post(pages["edit"], details(capacity="9")).status_code == 404
    assert client.post(pages["person"], {"person_name": "Someone"}).status_code == 404
    assert nothing_written(reviewer) and reviewer.capacity == 3
    if role == Role.LAC:
        add = client.get(pages["add"])
        assert "Waiting Person" not in add.text


# -- The list -----------------------------------------------------------------------------------


def test_the_register_lists_reviewers_with_their_workload(client, lac, icb, reviewer, cases):
    cases.make(CaseState.INITIAL_REVIEW, reviewer=reviewer, nhs_number=nhs_number())
    make_reviewer(
        icb,
        user=user_with_role(Role.REVIEWER, icb, full_name="Ben Inactive"),
        is_active=False,
        trained=False,
    )
    sign_in_verified(client, lac)
    text = client.get(reverse("casework:register")).text
    assert "Ada Okonjo" in text and "Riverside NHS Trust" in text
    assert "Learning disability nurse" in text and "Trained" in text
    assert (
        '<span class="nhsuk-table-responsive__heading" aria-hidden="true">Open reviews</span>1'
        in (text)
    )
    assert (
        '<span class="nhsuk-table-responsive__heading" aria-hidden="true">Free capacity</span>2'
        in text
    )
    assert "Ben Inactive" not in text
    inactive = client.get(reverse("casework:register") + "?show=inactive").text
    assert "Ben Inactive" in inactive and "In training" in inactive and "Ada Okonjo" not in inactive
    everyone = client.get(reverse("casework:register") + "?show=all").text
    assert "Ben Inactive" in everyone and "Ada Okonjo" in everyone


def test_the_register_query_count_does_not_grow_with_reviewers(
    client, lac, icb, cases, django_assert_max_num_queries
):
    sign_in_verified(client, lac)
    for _ in range(2):
        r = make_reviewer(icb, employer=provider("Trust"))
        cases.make(CaseState.ALLOCATED, reviewer=r, nhs_number=nhs_number())
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("casework:register"))
    for _ in range(15):
        r = make_reviewer(icb, employer=provider("Trust"))
        cases.make(CaseState.INITIAL_REVIEW, reviewer=r, nhs_number=nhs_number())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("casework:register"))
    assert response.text.count('class="nhsuk-table__row"') == 17


# -- Adding a reviewer --------------------------------------------------------------------------


def test_the_lac_adds_a_person_holding_the_reviewer_role(client, lac, icb, trust):
    newcomer = user_with_role(Role.SENIOR_REVIEWER, icb, full_name="Chloe New")
    user_with_role(Role.PANEL_MEMBER, icb, full_name="Not A Reviewer")
    sign_in_verified(client, lac)
    page = client.get(reverse("casework:register_add"))
    assert "Chloe New" in page.text and "Not A Reviewer" not in page.text
    response = client.post(
        reverse("casework:register_add"),
        details(person=f"{icb.pk}:{newcomer.pk}", employer=str(trust.pk), employer_name=""),
        follow=True,
    )
    entry = Reviewer.objects.get(user=newcomer)
    assert (entry.icb, entry.employer, entry.capacity, entry.is_active) == (icb, trust, 3, True)
    assert entry.joined_on == today()
    assert "Chloe New added to the register" in response.text
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="casework.Reviewer", object_id=str(entry.pk)
    ).exists()
    assert "Chloe New" not in client.get(reverse("casework:register_add")).text


def test_someone_without_the_reviewer_role_cannot_be_added(client, lac, icb):
    outsider = user_with_role(Role.PANEL_MEMBER, icb, full_name="Not A Reviewer")
    user_with_role(Role.REVIEWER, icb)  # someone could be added, so the form is shown
    sign_in_verified(client, lac)
    response = client.post(
        reverse("casework:register_add"), details(person=f"{icb.pk}:{outsider.pk}")
    )
    assert "There is a problem" in response.text
    assert "Select a person who holds the reviewer or senior reviewer role" in response.text
    assert not Reviewer.objects.exists()


def test_the_service_refuses_a_user_without_the_role_with_a_clear_message(lac, icb):
    outsider = user_with_role(Role.PANEL_MEMBER, icb, full_name="Not A Reviewer")
    with pytest.raises(ValidationError) as refused:
        reviewer_add(
            actor=lac,
            icb=icb,
            user=outsider,
            profession=Profession.NURSE,
            employer_name="Oak House",
            capacity=2,
        )
    assert refused.value.message_dict["user"] == [
        "Not A Reviewer does not hold the reviewer or senior reviewer role at "
        f"{icb.display_name}, so cannot be added to its register. An administrator can give "
        "them the role."
    ]
    assert not Reviewer.objects.exists()


def test_only_a_lac_of_the_icb_can_add_and_nobody_twice(lac, icb, other_icb, reviewer):
    newcomer = user_with_role(Role.REVIEWER, icb)
    for actor in [user_with_role(Role.LAC, other_icb), user_with_role(Role.SENIOR_REVIEWER, icb)]:
        with pytest.raises(PermissionDenied):
            reviewer_add(
                actor=actor,
                icb=icb,
                user=newcomer,
                profession="nurse",
                employer_name="X",
                capacity=1,
            )
    with pytest.raises(ValidationError, match="already on the register"):
        reviewer_add(
            actor=lac,
            icb=icb,
            user=reviewer.user,
            profession="nurse",
            employer_name="X",
            capacity=1,
        )
    assert Reviewer.objects.count() == 1


def test_with_nobody_to_add_the_page_says_how_to_get_someone_the_role(client, lac, reviewer):
    sign_in_verified(client, lac)
    text = client.get(reverse("casework:register_add")).text
    assert "ask an administrator to give them the reviewer role" in text
    assert "Add to the register" not in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"person": ""}, "Select the person you are adding to the register"),
        ({"profession": ""}, "Select the reviewer&#39;s profession"),
        ({"employer_name": ""}, "Select the reviewer&#39;s employer, or type its name"),
        ({"employer": "TRUST"}, "Choose the employer from the list or type its name, not both"),
        ({"capacity": "21"}, "must be 0 to 20"),
        ({"capacity": "-1"}, "must be 0 to 20"),
        ({"capacity": "lots"}, "Enter the most reviews they can hold at once, as a number"),
        ({"recruitment_status": ""}, "Select whether they are trained or still in training"),
        ({"employer": "999999", "employer_name": ""}, "Choose the reviewer&#39;s employer from"),
    ],
)
def test_adding_with_bad_input_shows_the_message_and_writes_nothing(
    client, lac, icb, trust, overrides, message
):
    newcomer = user_with_role(Role.REVIEWER, icb)
    data = {**details(person=f"{icb.pk}:{newcomer.pk}"), **overrides}
    if data["employer"] == "TRUST":
        data["employer"] = str(trust.pk)
    sign_in_verified(client, lac)
    response = client.post(reverse("casework:register_add"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert response.text.count("<title>Error:") == 1
    assert not Reviewer.objects.exists()
    assert not AuditEvent.objects.filter(object_type="casework.Reviewer").exists()


def test_a_closed_organisation_cannot_be_an_employer(lac, icb):
    closed = provider("Old Hospital", closed_on=date(2020, 4, 1))
    with pytest.raises(ValidationError, match="has closed"):
        reviewer_add(
            actor=lac,
            icb=icb,
            user=user_with_role(Role.REVIEWER, icb),
            profession="nurse",
            employer=closed,
            capacity=1,
        )
    not_a_provider = provider("NHS Another ICB", kind=OrganisationKind.ICB)
    with pytest.raises(ValidationError, match="not a provider of care"):
        reviewer_add(
            actor=lac,
            icb=icb,
            user=user_with_role(Role.REVIEWER, icb),
            profession="nurse",
            employer=not_a_provider,
            capacity=1,
        )


# -- Changing the details -----------------------------------------------------------------------


def test_the_lac_changes_a_reviewers_details_and_the_change_is_audited(
    client, lac, reviewer, cases
):
    cases.make(CaseState.ALLOCATED, reviewer=reviewer, nhs_number=nhs_number())
    sign_in_verified(client, lac)
    page = client.get(urls(reviewer)["edit"])
    assert 'value="3"' in page.text  # the current capacity is filled in
    response = client.post(
        urls(reviewer)["edit"],
        details(capacity="5", is_active="no", employer_name="Oak House Care"),
        follow=True,
    )
    reviewer.refresh_from_db()
    assert (reviewer.capacity, reviewer.is_active, reviewer.employer) == (5, False, None)
    assert reviewer.employer_name == "Oak House Care"
    assert "Changes saved" in response.text
    assert "Ada Okonjo still holds 1 open review: reallocate them if needed" in response.text
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="casework.Reviewer")
    assert event.details["changes"]["capacity"] == [3, 5]
    assert event.details["changes"]["is_active"] == [True, False]


def test_saving_without_changes_writes_nothing(lac, reviewer, trust):
    changed = reviewer_update(
        actor=lac,
        reviewer=reviewer,
        profession=reviewer.profession,
        employer=trust,
        employer_name="",
        capacity=3,
        is_active=True,
        recruitment_status=reviewer.recruitment_status,
    )
    assert changed == []
    assert not AuditEvent.objects.filter(object_type="casework.Reviewer").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"capacity": "25"}, "must be 0 to 20"),
        ({"is_active": ""}, "Select whether they can be offered new cases"),
        ({"employer_name": "x" * 201}, "200 characters or fewer"),
    ],
)
def test_changing_with_bad_input_shows_the_message_and_writes_nothing(
    client, lac, reviewer, overrides, message
):
    sign_in_verified(client, lac)
    response = client.post(urls(reviewer)["edit"], details(**overrides))
    assert "There is a problem" in response.text and message in response.text
    reviewer.refresh_from_db()
    assert reviewer.capacity == 3 and reviewer.employer_name == ""
    assert not AuditEvent.objects.filter(object_type="casework.Reviewer").exists()


# -- Training -----------------------------------------------------------------------------------


def test_the_lac_records_training(client, lac, reviewer):
    sign_in_verified(client, lac)
    response = client.post(
        urls(reviewer)["training"],
        {
            "course": "LeDeR reviewer training",
            "completed_on_day": "3",
            "completed_on_month": "3",
            "completed_on_year": "2026",
        },
        follow=True,
    )
    training = ReviewerTraining.objects.get()
    assert (training.course, training.completed_on) == ("LeDeR reviewer training", date(2026, 3, 3))
    assert "Training recorded" in response.text and "3 March 2026" in response.text
    assert AuditEvent.objects.filter(object_type="casework.ReviewerTraining").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"course": ""}, "Enter the name of the course"),
        ({"completed_on_year": ""}, "Enter the date they completed the course"),
        ({"completed_on_day": "31", "completed_on_month": "2"}, "must be a real date"),
        ("tomorrow", "must be today or in the past"),
    ],
)
def test_training_with_bad_input_shows_the_message_and_writes_nothing(
    client, lac, reviewer, data, message
):
    if data == "tomorrow":
        day = today() + timedelta(days=1)
        data = {
            "completed_on_day": str(day.day),
            "completed_on_month": str(day.month),
            "completed_on_year": str(day.year),
        }
    posted = {"course": "Course", "completed_on_year": "2026", **data}
    sign_in_verified(client, lac)
    response = client.post(urls(reviewer)["training"], posted)
    assert "There is a problem" in response.text and message in response.text
    assert not ReviewerTraining.objects.exists()


def test_the_training_service_refuses_a_future_date(lac, reviewer):
    with pytest.raises(ValidationError, match="today or in the past"):
        reviewer_training_add(
            actor=lac,
            reviewer=reviewer,
            course="Course",
            completed_on=today() + timedelta(days=1),
        )
    assert not ReviewerTraining.objects.exists()


# -- Conflicts ----------------------------------------------------------------------------------


def test_the_lac_declares_an_organisation_conflict(client, lac, reviewer):
    care_home = provider("Oak House Care", kind=OrganisationKind.CARE_PROVIDER, icb=reviewer.icb)
    sign_in_verified(client, lac)
    page = client.get(urls(reviewer)["organisation"])
    assert f"Oak House Care ({care_home.ods_code})" in page.text
    response = client.post(
        urls(reviewer)["organisation"],
        {"organisation": str(care_home.pk), "note": "Worked there until 2024"},
        follow=True,
    )
    conflict = ReviewerConflict.objects.get()
    assert (conflict.kind, conflict.organisation) == (ConflictKind.ORGANISATION, care_home)
    assert "Conflict of interest recorded" in response.text and "Oak House Care" in response.text
    again = client.post(urls(reviewer)["organisation"], {"organisation": str(care_home.pk)})
    assert "A conflict with Oak House Care is already declared" in again.text
    assert ReviewerConflict.objects.count() == 1


def test_an_organisation_conflict_needs_an_organisation(client, lac, reviewer):
    sign_in_verified(client, lac)
    response = client.post(urls(reviewer)["organisation"], {"organisation": ""})
    assert "There is a problem" in response.text and "Choose the organisation" in response.text
    assert not ReviewerConflict.objects.exists()


def test_the_lac_declares_a_person_the_reviewer_knew(client, lac, reviewer):
    sign_in_verified(client, lac)
    response = client.post(
        urls(reviewer)["person"],
        {
            "person_name": "  Priya   Shah ",
            "person_date_of_birth_day": "4",
            "person_date_of_birth_month": "5",
            "person_date_of_birth_year": "1970",
            "person_nhs_number": "943 476 5919",
            "note": "A neighbour",
        },
        follow=True,
    )
    conflict = ReviewerConflict.objects.get()
    assert (conflict.person_name, conflict.person_nhs_number) == ("Priya Shah", "9434765919")
    assert conflict.person_date_of_birth == date(1970, 5, 4)
    assert "Priya Shah, born 4 May 1970, NHS number 943 476 5919" in response.text
    # The audit trail cannot be erased, so the person's details are not written into it.
    event = AuditEvent.objects.get(object_type="casework.ReviewerConflict")
    assert "Priya" not in event.summary and "Priya" not in str(event.details)
    assert "9434765919" not in str(event.details)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"person_name": " "}, "Enter the name of the person they knew"),
        ({"person_nhs_number": "1234567890"}, "Enter a valid NHS number"),
        ({"person_nhs_number": "not a number"}, "Enter a valid NHS number"),
        ({"person_date_of_birth_year": "2099"}, "Date of birth must be today or in the past"),
        ({"person_date_of_birth_day": "40"}, "Date of birth must be a real date"),
    ],
)
def test_a_person_conflict_with_bad_input_shows_the_message_and_writes_nothing(
    client, lac, reviewer, data, message
):
    posted = {"person_name": "Priya Shah", **data}
    if "person_date_of_birth_year" in data or "person_date_of_birth_day" in data:
        posted = {
            "person_date_of_birth_day": "1",
            "person_date_of_birth_month": "1",
            "person_date_of_birth_year": "1970",
            **posted,
        }
    sign_in_verified(client, lac)
    response = client.post(urls(reviewer)["person"], posted)
    assert "There is a problem" in response.text and message in response.text
    assert not ReviewerConflict.objects.exists()


def test_the_conflict_service_checks_the_kind_and_the_actor(lac, reviewer, icb):
    with pytest.raises(ValidationError, match="Select the kind of conflict"):
        reviewer_conflict_declare(actor=lac, reviewer=reviewer, kind="other")
    with pytest.raises(PermissionDenied):
        reviewer_conflict_declare(
            actor=user_with_role(Role.SENIOR_REVIEWER, icb),
            reviewer=reviewer,
            kind=ConflictKind.PERSON,
            person_name="Priya Shah",
        )
    assert not ReviewerConflict.objects.exists()


def test_every_problem_with_the_details_is_shown_at_once(client, lac, icb):
    user_with_role(Role.REVIEWER, icb)
    sign_in_verified(client, lac)
    response = client.post(
        reverse("casework:register_add"),
        details(person="", profession="", employer_name="", capacity="99"),
    )
    for message in [
        "Select the person you are adding to the register",
        "Select the reviewer&#39;s profession",
        "Select the reviewer&#39;s employer, or type its name",
        "must be 0 to 20",
    ]:
        assert message in response.text
    assert not Reviewer.objects.exists()


def test_every_problem_with_a_declared_person_is_shown_at_once(client, lac, reviewer):
    sign_in_verified(client, lac)
    response = client.post(
        urls(reviewer)["person"], {"person_name": "", "person_nhs_number": "123"}
    )
    assert "Enter the name of the person they knew" in response.text
    assert "Enter a valid NHS number" in response.text
    assert not ReviewerConflict.objects.exists()
