"""The case list: who sees which rows, each filter, search, sorting, pagination that keeps the
filters, bad filter input, the audit of each view and a query count that does not grow."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import Case, CaseState
from leder.casework.selectors.case_list import CaseListFilters
from leder.casework.selectors.case_list import case_list as select_cases
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import age_on, today
from leder.notifications.tests.factories import nhs_number

pytestmark = pytest.mark.django_db

LIST = reverse("casework:case_list")

# Distinct names, so that cases made with the same dates are never flagged as duplicates.
NAMES = [
    ("Priya", "Shah"),
    ("Tomasz", "Nowak"),
    ("Aisha", "Okafor"),
    ("Gareth", "Pritchard"),
    ("Mei", "Chen"),
    ("Declan", "Byrne"),
    ("Fatima", "Begum"),
    ("Oluwaseun", "Adeyemi"),
]


def named(i: int) -> dict:
    given, family = NAMES[i]
    return {"given_name": given, "family_name": family}


def many(cases, count: int, state: str = CaseState.AWAITING_ALLOCATION, **fields) -> list[Case]:
    """`count` cases whose people are born years apart, so none looks like another's duplicate."""
    start = cases._count
    return [
        cases.make(
            state, date_of_birth=date(1930 + (start + i) % 60, 1 + i % 12, 1 + i % 28), **fields
        )
        for i in range(count)
    ]


def set_case(case: Case, **fields) -> Case:
    """Test set-up only: move a case's dates without going through months of real time."""
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def references(response) -> list[str]:
    """The references in the table, in order (each is its row's link text)."""
    return re.findall(r'<a class="nhsuk-link" href="[^"]*">(LDR-\d{4}-\d{6})</a>', response.text)


def get(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response


@pytest.fixture
def signed_in_lac(client, lac):
    sign_in_verified(client, lac)
    return client


# --- Who may see the list, and which rows ------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, lac):
    sign_in_password_only(client, lac)
    response = client.get(LIST)
    assert response.status_code == 302 and "/account/two-factor" in response.url


@pytest.mark.parametrize("role", [Role.ICB_LEAD])
def test_icb_roles_without_case_access_are_refused(client, icb, role):
    sign_in_verified(client, user_with_role(role, icb))
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.NATIONAL_ANALYST, Role.REGIONAL_COORDINATOR]
)
def test_national_and_regional_roles_and_administrators_are_refused(client, cases, role):
    cases.make(**named(0))
    sign_in_verified(client, user_with_role(role))
    response = client.get(LIST)
    assert response.status_code == 403
    assert "Priya" not in response.text


@pytest.mark.parametrize("role", [Role.LAC, Role.SENIOR_REVIEWER])
def test_lac_and_senior_reviewer_see_every_case_of_their_icb(client, icb, cases, role):
    made = [
        cases.make(state, **named(i))
        for i, state in enumerate(
            [CaseState.AWAITING_ALLOCATION, CaseState.INITIAL_REVIEW, CaseState.COMPLETED]
        )
    ]
    sign_in_verified(client, user_with_role(role, icb))
    response = get(client)
    assert sorted(references(response)) == sorted(c.reference for c in made)
    assert "Priya Shah" in response.text and "Aisha Okafor" in response.text


def test_a_reviewer_sees_only_the_cases_allocated_to_them(client, icb, cases):
    mine = make_reviewer(icb)
    theirs = make_reviewer(icb)
    own = cases.make(CaseState.INITIAL_REVIEW, reviewer=mine, **named(0))
    cases.make(CaseState.INITIAL_REVIEW, reviewer=theirs, **named(1))
    cases.make(CaseState.AWAITING_ALLOCATION, **named(2))
    sign_in_verified(client, mine.user)
    response = get(client)
    assert references(response) == [own.reference]
    assert "Tomasz" not in response.text and "Aisha" not in response.text
    # Nor by searching for them, nor by naming another reviewer.
    assert references(get(client, q="Nowak")) == []
    assert references(get(client, reviewer=str(theirs.pk))) == [own.reference]


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_CHAIR])
def test_panel_members_see_only_cases_at_or_past_the_panel(client, icb, cases, role):
    at_panel = cases.make(CaseState.PANEL, **named(0))
    done = cases.make(CaseState.COMPLETED, **named(1))
    cases.make(CaseState.INITIAL_REVIEW, **named(2))
    sign_in_verified(client, user_with_role(role, icb))
    assert sorted(references(get(client))) == sorted([at_panel.reference, done.reference])


def test_a_lac_of_another_icb_sees_nothing_of_this_icb(client, icb, other_icb, cases):
    case = cases.make(nhs_number="9434765919", **named(0))
    sign_in_verified(client, user_with_role(Role.LAC, other_icb))
    for params in [
        {},
        {"q": case.reference},
        {"q": "943 476 5919"},
        {"q": "Priya"},
        {"state": CaseState.AWAITING_ALLOCATION},
    ]:
        response = get(client, **params)
        assert references(response) == []
        assert "Priya Shah" not in response.text
    # Naming this ICB is an invalid choice, and says nothing about it.
    response = get(client, icb=str(icb.pk))
    assert references(response) == []
    assert "Select an ICB from the list" in response.text
    assert icb.display_name not in response.text


def test_a_user_with_several_icbs_can_narrow_the_list_to_one(client, icb, other_icb, cases, lac):
    here = cases.make(**named(0))
    there = CaseMaker(icb=other_icb, lac=user_with_role(Role.LAC, other_icb)).make(**named(1))
    lac_of_both = user_with_role(Role.LAC, icb)
    from leder.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=lac_of_both, role=Role.LAC, organisation=other_icb)
    sign_in_verified(client, lac_of_both)
    assert sorted(references(get(client))) == sorted([here.reference, there.reference])
    response = get(client, icb=str(other_icb.pk))
    assert references(response) == [there.reference]
    assert 'name="icb"' in response.text


# --- Filters -----------------------------------------------------------------------------------


def test_filter_by_one_or_several_states(signed_in_lac, cases):
    waiting = cases.make(CaseState.AWAITING_ALLOCATION, **named(0))
    reviewing = cases.make(CaseState.INITIAL_REVIEW, **named(1))
    cases.make(CaseState.COMPLETED, **named(2))
    assert references(get(signed_in_lac, state="awaiting_allocation")) == [waiting.reference]
    both = get(signed_in_lac, state=["awaiting_allocation", "initial_review"])
    assert sorted(references(both)) == sorted([waiting.reference, reviewing.reference])


def test_filter_by_due_status(signed_in_lac, cases):
    day = today()
    on_track = set_case(cases.make(**named(0)), due_on=day + timedelta(days=60))
    due_soon = set_case(cases.make(**named(1)), due_on=day + timedelta(days=10))
    overdue = set_case(cases.make(**named(2)), due_on=day - timedelta(days=10))
    long_overdue = set_case(cases.make(**named(3)), due_on=day - timedelta(days=120))
    on_hold = cases.make(CaseState.ON_HOLD, **named(4))
    # A completed case is past its due date but has no deadline any more.
    set_case(cases.make(CaseState.COMPLETED, **named(5)), due_on=day - timedelta(days=10))
    expected = {
        "on_track": on_track,
        "due_soon": due_soon,
        "overdue": overdue,
        "long_overdue": long_overdue,
        "on_hold": on_hold,
    }
    for status, case in expected.items():
        response = get(signed_in_lac, due=status)
        assert references(response) == [case.reference], status
    several = get(signed_in_lac, due=["overdue", "long_overdue"])
    assert sorted(references(several)) == sorted([overdue.reference, long_overdue.reference])


def test_filter_by_reviewer_or_no_reviewer(signed_in_lac, icb, cases):
    first, second = make_reviewer(icb), make_reviewer(icb)
    a = cases.make(CaseState.INITIAL_REVIEW, reviewer=first, **named(0))
    b = cases.make(CaseState.ALLOCATED, reviewer=second, **named(1))
    waiting = cases.make(**named(2))
    assert references(get(signed_in_lac, reviewer=str(first.pk))) == [a.reference]
    assert references(get(signed_in_lac, reviewer=str(second.pk))) == [b.reference]
    assert references(get(signed_in_lac, reviewer="none")) == [waiting.reference]
    assert first.user.full_name in get(signed_in_lac).text


def test_a_reviewer_of_another_icb_is_not_a_choice(signed_in_lac, icb, other_icb, cases):
    elsewhere = make_reviewer(other_icb)
    made = [cases.make(**named(i)) for i in range(2)]
    response = get(signed_in_lac, reviewer=str(elsewhere.pk))
    assert "Select a reviewer from the list" in response.text
    assert sorted(references(response)) == sorted(c.reference for c in made)
    assert elsewhere.user.full_name not in response.text


def test_filter_by_date_notified(signed_in_lac, cases):
    march = set_case(cases.make(**named(0)), notified_on=date(2026, 3, 15))
    june = set_case(cases.make(**named(1)), notified_on=date(2026, 6, 1))
    set_case(cases.make(**named(2)), notified_on=date(2026, 9, 1))
    response = get(
        signed_in_lac,
        notified_from_day="1",
        notified_from_month="3",
        notified_from_year="2026",
        notified_to_day="1",
        notified_to_month="6",
        notified_to_year="2026",
    )
    assert sorted(references(response)) == sorted([march.reference, june.reference])
    only_from = get(
        signed_in_lac, notified_from_day="2", notified_from_month="6", notified_from_year="2026"
    )
    assert len(references(only_from)) == 1


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("under_18", {"10"}),
        ("18_24", {"18", "24"}),
        ("25_49", {"35"}),
        ("50_64", {"64"}),
        ("65_74", {"65"}),
        ("75_plus", {"80"}),
    ],
)
def test_filter_by_age_band_at_death(signed_in_lac, cases, band, expected):
    died = date(2026, 9, 30)
    born = {
        "10": date(2016, 5, 1),
        "18": date(2008, 9, 30),  # 18th birthday on the day they died
        "24": date(2001, 10, 1),  # 25 the day after
        "35": date(1990, 10, 1),
        "64": date(1961, 12, 31),
        "65": date(1961, 9, 30),
        "80": date(1946, 1, 1),
    }
    by_reference = {}
    for i, (age, dob) in enumerate(born.items()):
        case = cases.make(date_of_birth=dob, date_of_death=died, **named(i))
        by_reference[case.reference] = age
    shown = {by_reference[r] for r in references(get(signed_in_lac, age=band))}
    assert shown == expected


@pytest.mark.parametrize(
    ("born", "died"),
    [
        (date(2000, 2, 29), date(2026, 2, 28)),
        (date(2000, 2, 29), date(2026, 3, 1)),
        (date(2000, 2, 29), date(2024, 2, 29)),
        (date(1990, 12, 31), date(2026, 1, 1)),
        (date(1990, 1, 1), date(2025, 12, 31)),
        (date(1990, 6, 15), date(2026, 6, 15)),
        (date(1990, 6, 15), date(2026, 6, 14)),
    ],
)
def test_the_database_counts_age_at_death_as_age_on_does(lac, cases, born, died):
    case = cases.make(date_of_birth=born, date_of_death=died, **named(0))
    row = select_cases(user=lac, filters=CaseListFilters()).get(pk=case.pk)
    assert row.age_at_death == age_on(born=born, on=died)


def test_filter_by_ethnic_group(signed_in_lac, cases):
    asian = cases.make(ethnic_category_id="H", **named(0))
    white = cases.make(ethnic_category_id="A", **named(1))
    not_stated = cases.make(ethnic_category_id="Z", **named(2))
    not_recorded = cases.make(**named(3))
    response = get(signed_in_lac, ethnic_group="Asian")
    assert references(response) == [asian.reference]
    assert 'aria-hidden="true">Ethnic group </span>Asian' in response.text
    assert references(get(signed_in_lac, ethnic_group="White")) == [white.reference]
    unknown = get(signed_in_lac, ethnic_group="Not stated/known")
    assert sorted(references(unknown)) == sorted([not_stated.reference, not_recorded.reference])
    assert unknown.text.count('aria-hidden="true">Ethnic group </span>Not known') == 2
    assert references(get(signed_in_lac, ethnic_group="Black")) == []


def test_filters_combine(signed_in_lac, icb, cases):
    reviewer = make_reviewer(icb)
    match = cases.make(
        CaseState.INITIAL_REVIEW, reviewer=reviewer, ethnic_category_id="N", **named(0)
    )
    cases.make(CaseState.INITIAL_REVIEW, reviewer=reviewer, ethnic_category_id="A", **named(1))
    cases.make(CaseState.AWAITING_ALLOCATION, ethnic_category_id="N", **named(2))
    response = get(
        signed_in_lac, state="initial_review", ethnic_group="Black", reviewer=str(reviewer.pk)
    )
    assert references(response) == [match.reference]


# --- Bad filter input ----------------------------------------------------------------------------


def test_an_invalid_state_is_an_error_and_does_not_filter(signed_in_lac, cases):
    made = [
        cases.make(CaseState.AWAITING_ALLOCATION, **named(0)),
        cases.make(CaseState.COMPLETED, **named(1)),
    ]
    response = get(signed_in_lac, state=["awaiting_allocation", "deleted"])
    assert "There is a problem" in response.text
    assert "Select states from the list" in response.text
    assert "<title>Error: " in response.text
    assert sorted(references(response)) == sorted(c.reference for c in made)


def test_an_invalid_date_is_an_error_and_does_not_filter(signed_in_lac, cases):
    made = [
        set_case(cases.make(**named(0)), notified_on=date(2026, 1, 10)),
        set_case(cases.make(**named(1)), notified_on=date(2026, 8, 10)),
    ]
    response = get(
        signed_in_lac,
        notified_from_day="31",
        notified_from_month="2",
        notified_from_year="2026",
        state="awaiting_allocation",
    )
    assert "Start date must be a real date" in response.text
    assert 'href="#id_notified_from-day"' in response.text
    assert sorted(references(response)) == sorted(c.reference for c in made)
    incomplete = get(signed_in_lac, notified_to_day="3", notified_to_year="2026")
    assert "End date must include a month" in incomplete.text
    assert len(references(incomplete)) == 2


def test_an_end_date_before_the_start_date_is_an_error(signed_in_lac, cases):
    set_case(cases.make(**named(0)), notified_on=date(2026, 1, 10))
    later = set_case(cases.make(**named(1)), notified_on=date(2026, 8, 10))
    response = get(
        signed_in_lac,
        notified_from_day="1",
        notified_from_month="6",
        notified_from_year="2026",
        notified_to_day="1",
        notified_to_month="2",
        notified_to_year="2026",
    )
    assert "End date must be the same as or after the start date" in response.text
    # The valid start date still applies; the end date does not.
    assert references(response) == [later.reference]


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("age", "Select an age band from the list"),
        ("ethnic_group", "Select an ethnic group from the list"),
        ("due", "Select due statuses from the list"),
        ("sort", "Select an order from the list"),
        ("reviewer", "Select a reviewer from the list"),
    ],
)
def test_other_invalid_choices_are_errors(signed_in_lac, cases, param, message):
    cases.make(**named(0))
    response = get(signed_in_lac, **{param: "<script>x</script>"})
    assert message in response.text
    assert "<script>x</script>" not in response.text
    assert len(references(response)) == 1


# --- Search --------------------------------------------------------------------------------------


def test_search_by_reference_whole_or_start(signed_in_lac, cases):
    first, second = cases.make(**named(0)), cases.make(**named(1))
    assert references(get(signed_in_lac, q=first.reference)) == [first.reference]
    assert references(get(signed_in_lac, q=f"  {second.reference.lower()} ")) == [second.reference]
    prefix = first.reference[:-2]
    assert sorted(references(get(signed_in_lac, q=prefix))) == sorted(
        [first.reference, second.reference]
    )


def test_search_by_nhs_number_with_or_without_spaces(signed_in_lac, cases):
    number = nhs_number()
    case = cases.make(nhs_number=number, **named(0))
    cases.make(nhs_number=nhs_number(), **named(1))
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert references(get(signed_in_lac, q=spaced)) == [case.reference]
    assert references(get(signed_in_lac, q=number)) == [case.reference]
    # Part of a number finds nothing: the box is not a way to guess a number digit by digit.
    assert references(get(signed_in_lac, q=number[:6])) == []


def test_search_by_name_ignores_case_and_matches_every_word(signed_in_lac, cases):
    shah = cases.make(**named(0))
    cases.make(**named(1))
    known_as = cases.make(other_names="Bunny", **named(2))
    assert references(get(signed_in_lac, q="SHAH")) == [shah.reference]
    assert references(get(signed_in_lac, q="priya shah")) == [shah.reference]
    assert references(get(signed_in_lac, q="priya nowak")) == []
    assert references(get(signed_in_lac, q="bunny")) == [known_as.reference]


def test_search_and_filters_combine(signed_in_lac, cases):
    cases.make(CaseState.COMPLETED, **named(0))
    assert references(get(signed_in_lac, q="Priya", state="awaiting_allocation")) == []


# --- Sorting and pagination ---------------------------------------------------------------------


def test_default_order_is_by_due_date_with_running_deadlines_first(signed_in_lac, cases):
    day = today()
    later = set_case(cases.make(**named(0)), due_on=day + timedelta(days=90))
    sooner = set_case(cases.make(**named(1)), due_on=day + timedelta(days=5))
    closed = set_case(cases.make(CaseState.COMPLETED, **named(2)), due_on=day - timedelta(days=300))
    assert references(get(signed_in_lac)) == [sooner.reference, later.reference, closed.reference]


def test_sort_by_date_notified_or_reference(signed_in_lac, cases):
    old = set_case(cases.make(**named(0)), notified_on=date(2026, 1, 1))
    new = set_case(cases.make(**named(1)), notified_on=date(2026, 7, 1))
    assert references(get(signed_in_lac, sort="notified_newest")) == [new.reference, old.reference]
    assert references(get(signed_in_lac, sort="notified_oldest")) == [old.reference, new.reference]
    assert references(get(signed_in_lac, sort="reference")) == sorted(
        [old.reference, new.reference]
    )


def link(response, rel: str) -> str:
    """The pagination component's "prev" or "next" link."""
    name = {"prev": "previous", "next": "next"}[rel]
    match = re.search(
        rf'<a href="([^"]*)" class="nhsuk-pagination__{name}" rel="{rel}"', response.text
    )
    return match.group(1).replace("&amp;", "&") if match else ""


def test_pages_of_25_whose_links_keep_the_filters(signed_in_lac, cases):
    waiting = many(cases, 27)
    many(cases, 1, CaseState.COMPLETED)
    first = get(signed_in_lac, state="awaiting_allocation", sort="reference")
    assert len(references(first)) == 25
    assert "Showing 1 to 25 of 27 cases" in first.text
    assert link(first, "next") == "?state=awaiting_allocation&sort=reference&page=2"
    assert link(first, "prev") == ""
    assert 'aria-label="Page 2"' in first.text and 'aria-current="page"' in first.text
    second = get(signed_in_lac, state="awaiting_allocation", sort="reference", page="2")
    assert references(second) == sorted(c.reference for c in waiting)[25:]
    assert "Showing 26 to 27 of 27 cases" in second.text
    assert link(second, "prev") == "?state=awaiting_allocation&sort=reference"
    assert link(second, "next") == ""


def test_a_page_number_out_of_range_shows_the_last_page(signed_in_lac, cases):
    cases.make()
    response = get(signed_in_lac, page="99")
    assert len(references(response)) == 1
    assert "Showing 1 case" in response.text


def test_long_lists_number_the_first_last_and_nearby_pages():
    from django.core.paginator import Paginator
    from django.http import QueryDict

    from leder.casework.presenters.case_list import pagination

    page = Paginator(range(250), 25).get_page(5)
    params = pagination(page, QueryDict("state=allocated&state=initial_review&page=5"))
    numbers = [item.get("number", "…") for item in params["items"]]
    assert numbers == [1, "…", 4, 5, 6, "…", 10]
    assert params["next"]["href"] == "?state=allocated&state=initial_review&page=6"
    assert params["items"][0]["href"] == "?state=allocated&state=initial_review"


# --- Links, audit, queries ----------------------------------------------------------------------


def test_each_row_links_to_its_case(signed_in_lac, cases):
    case = cases.make(**named(0))
    response = get(signed_in_lac)
    href = reverse("casework:case", kwargs={"reference": case.reference})
    assert f'href="{href}"' in response.text


def test_each_view_of_the_list_is_audited_with_its_filters_and_rows(signed_in_lac, lac, icb, cases):
    case = cases.make(**named(0))
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    get(signed_in_lac, state="awaiting_allocation", q="Priya")
    views = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert views.count() == before + 1
    event = views.last()
    assert (event.actor, event.object_type, event.object_id) == (
        lac,
        "casework.CaseList",
        str(icb.pk),
    )
    assert event.details["filters"]["states"] == ["awaiting_allocation"]
    assert event.details["filters"]["search"] == "Priya"
    assert event.details["rows"] == 1 and event.details["references"] == [case.reference]


def test_a_reviewers_list_is_audited_as_their_own(client, icb, cases):
    reviewer = make_reviewer(icb)
    cases.make(CaseState.INITIAL_REVIEW, reviewer=reviewer)
    sign_in_verified(client, reviewer.user)
    get(client)
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert (event.actor, event.object_id) == (reviewer.user, "mine")


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, state=list(CaseState.values))
    return len(queries)


def varied_cases(cases, count: int, reviewers) -> None:
    """Cases in several states, with several reviewers and ethnic groups."""
    states = [CaseState.AWAITING_ALLOCATION, CaseState.INITIAL_REVIEW, CaseState.COMPLETED]
    categories = ["A", "H", "N", None]
    for i in range(count):
        n = cases._count + 1
        cases.make(
            states[i % 3],
            reviewer=reviewers[i % 3],
            ethnic_category_id=categories[i % 4],
            date_of_birth=date(1930 + n % 60, 1 + n % 12, 1 + n % 28),
        )


def test_list_query_count_does_not_grow_with_the_number_of_cases(signed_in_lac, icb, cases):
    reviewers = [make_reviewer(icb) for _ in range(3)]
    varied_cases(cases, 3, reviewers)
    small = _list_queries(signed_in_lac)
    varied_cases(cases, 27, reviewers)
    large = _list_queries(signed_in_lac)
    assert large <= small, f"{small} queries for 3 cases, {large} for 30"
