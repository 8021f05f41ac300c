"""The dashboard pages: who may open which (the permission matrix), what each shows and does not,
and query counts that do not grow with the number of cases."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leder.accounts.models import Membership, Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import (
    sign_in_password_only,
    sign_in_verified,
    user_with_role,
)
from leder.casework.models import Case, CaseState
from leder.casework.presenters.dashboard import case_list_href
from leder.casework.tests.dashboard_factories import person
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.time import today
from leder.organisations.models import Organisation

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("casework:dashboard")
REGION = reverse("casework:dashboard_region")
NATIONAL = reverse("casework:dashboard_national")
ESCALATIONS = reverse("casework:escalations")
URLS = [DASHBOARD, REGION, NATIONAL, ESCALATIONS]


@pytest.fixture
def region():
    return make_region(name="Test Region")


@pytest.fixture
def icb(region):
    return make_icb(name="NHS Test ICB", short_name="Test ICB", region=region)


@pytest.fixture
def other_icb():
    """An ICB in another region."""
    return make_icb(name="NHS Other ICB", short_name="Other ICB", region=make_region())


def summary_value(html: str, label: str) -> str:
    """The text of the summary list value whose key is `label` (tags removed)."""
    match = re.search(
        r'<dt class="nhsuk-summary-list__key"\s*>\s*' + re.escape(label) + r"\s*</dt>\s*"
        r'<dd class="nhsuk-summary-list__value"\s*>(.*?)</dd>',
        html,
        re.S,
    )
    assert match, f"No summary row {label!r}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def first_number(text: str) -> str:
    return text.split(" ")[0]


# --- The permission matrix -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, icb):
    sign_in_password_only(client, user_with_role(Role.LAC, icb))
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


OK, NO = 200, 403
# Each role, held at its own ICB / region / England: the status of each page.
MATRIX = {
    Role.LAC: (OK, NO, NO, NO),
    Role.SENIOR_REVIEWER: (OK, NO, NO, NO),
    Role.ICB_LEAD: (OK, NO, NO, NO),
    Role.PANEL_MEMBER: (OK, NO, NO, NO),
    Role.PANEL_CHAIR: (OK, NO, NO, NO),
    Role.REVIEWER: (NO, NO, NO, NO),
    # Without an ICB role the ICB dashboard sends them to theirs (302, checked below).
    Role.REGIONAL_COORDINATOR: (302, OK, NO, OK),
    Role.NATIONAL_ANALYST: (302, NO, OK, NO),
    Role.ADMINISTRATOR: (NO, NO, NO, NO),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_opens_only_its_own_dashboards(client, role, icb, region):
    organisation = {Role.REGIONAL_COORDINATOR: region}.get(role, icb)
    if role in (Role.NATIONAL_ANALYST, Role.ADMINISTRATOR):
        organisation = None
    sign_in_verified(client, user_with_role(role, organisation))
    statuses = tuple(client.get(url).status_code for url in URLS)
    assert statuses == MATRIX[role]


def test_someone_with_no_role_opens_no_dashboard(client):
    sign_in_verified(client)
    assert [client.get(url).status_code for url in URLS] == [403] * 4


def test_the_dashboard_link_takes_regional_and_national_users_to_theirs(client, region):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))
    assert client.get(DASHBOARD).url == REGION
    client.logout()
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))
    assert client.get(DASHBOARD).url == NATIONAL


def test_a_lac_asking_for_another_icbs_dashboard_gets_404(client, icb, other_icb):
    sign_in_verified(client, user_with_role(Role.LAC, icb))
    missing = Organisation.objects.order_by("-pk").first().pk + 100
    for query in (f"?icb={other_icb.pk}", f"?icb={missing}", "?icb=abc", "?icb=-1"):
        assert client.get(DASHBOARD + query).status_code == 404, query


def test_a_role_that_has_ended_opens_nothing(client, icb):
    lac = user_with_role(Role.LAC, icb)
    Membership.objects.filter(user=lac).update(ends_on=today())
    sign_in_verified(client, lac)
    assert client.get(DASHBOARD).status_code == 403


def test_a_coordinator_sees_only_their_own_region(client, region, icb, other_icb):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))

    page = client.get(REGION).content.decode()

    assert "Test ICB" in page and "Other ICB" not in page
    assert client.get(f"{REGION}?region={other_icb.region_id}").status_code == 404
    assert client.get(f"{ESCALATIONS}?region={other_icb.region_id}").status_code == 404
    assert client.get(f"{DASHBOARD}?icb={icb.pk}").status_code == 302  # to their region


def test_a_coordinator_of_two_regions_chooses_between_them(client, region, icb, other_icb):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)
    Membership.objects.create(
        user=coordinator, role=Role.REGIONAL_COORDINATOR, organisation=other_icb.region
    )
    sign_in_verified(client, coordinator)

    first = client.get(REGION).content.decode()
    second = client.get(f"{REGION}?region={other_icb.region_id}").content.decode()

    assert 'name="region"' in first
    assert "Test ICB" in first and "Other ICB" not in first
    assert "Other ICB" in second and "Test ICB" not in second


# --- What each page shows --------------------------------------------------------------------


@pytest.fixture
def busy(icb, other_icb, cases):
    """Own ICB: 2 awaiting allocation, one of them overdue; 1 in review. Other ICB: 3 awaiting
    allocation and 2 completed, which must never show in the own ICB's figures."""
    awaiting = [cases.make(CaseState.AWAITING_ALLOCATION, **person(i)) for i in range(2)]
    Case.objects.filter(pk=awaiting[0].pk).update(due_on=today() - timedelta(days=3))
    cases.make(CaseState.INITIAL_REVIEW, **person(2))
    other = CaseMaker(icb=other_icb, lac=user_with_role(Role.LAC, other_icb))
    for i in range(3):
        other.make(CaseState.AWAITING_ALLOCATION, **person(10 + i))
    for i in range(2):
        other.make(CaseState.COMPLETED, **person(20 + i))
    return {"overdue": awaiting[0], "other_icb_lac": other.lac}


def test_the_lac_sees_their_icbs_counts_linked_to_the_case_list(client, lac, icb, busy):
    sign_in_verified(client, lac)

    page = client.get(DASHBOARD).content.decode()

    assert "<h1" in page and page.count("<h1") == 1
    assert first_number(summary_value(page, "Awaiting allocation")) == "2"
    assert first_number(summary_value(page, "In review")) == "1"
    assert first_number(summary_value(page, "Completed")) == "0"
    assert first_number(summary_value(page, "Overdue")) == "1"
    assert first_number(summary_value(page, "Referrals this year")) == "3"
    href = case_list_href(icb_id=icb.pk, state=[CaseState.AWAITING_ALLOCATION])
    if href:  # the case list is another part of the work; link only once it exists
        assert href.replace("&", "&amp;") in page
    # The overdue list: the reference, never the person.
    assert "Overdue reviews" in page
    overdue = busy["overdue"]
    assert overdue.reference in page
    assert overdue.notification.family_name not in page
    assert overdue.notification.given_name not in page


def test_the_icb_lead_sees_counts_without_links_or_references(client, icb, busy):
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, icb))

    page = client.get(DASHBOARD).content.decode()

    assert first_number(summary_value(page, "Awaiting allocation")) == "2"
    assert "/staff/cases" not in page
    assert "Overdue reviews" not in page
    assert busy["overdue"].reference not in page


def test_another_icbs_lac_sees_only_their_figures(client, other_icb, busy):
    sign_in_verified(client, busy["other_icb_lac"])

    page = client.get(DASHBOARD).content.decode()

    assert first_number(summary_value(page, "Awaiting allocation")) == "3"
    assert first_number(summary_value(page, "Completed")) == "2"
    assert busy["overdue"].reference not in page


def test_a_lac_of_two_icbs_chooses_between_them(client, lac, icb, other_icb, busy):
    Membership.objects.create(user=lac, role=Role.LAC, organisation=other_icb)
    sign_in_verified(client, lac)

    first = client.get(DASHBOARD).content.decode()
    other = client.get(f"{DASHBOARD}?icb={other_icb.pk}").content.decode()

    assert 'name="icb"' in first
    # Organisations are ordered by name: "NHS Other ICB" comes first.
    assert first_number(summary_value(first, "Awaiting allocation")) == "3"
    assert first_number(summary_value(other, "Awaiting allocation")) == "3"
    mine = client.get(f"{DASHBOARD}?icb={icb.pk}").content.decode()
    assert first_number(summary_value(mine, "Awaiting allocation")) == "2"


def test_the_page_says_when_the_population_is_not_configured(client, lac, icb):
    sign_in_verified(client, lac)
    page = client.get(DASHBOARD).content.decode()
    assert "population with a learning disability is not configured" in page
    assert "An administrator sets it" in page

    Organisation.objects.filter(pk=icb.pk).update(ld_population=15_500)
    page = client.get(DASHBOARD).content.decode()
    assert "not configured" not in page
    assert first_number(summary_value(page, f"Expected deaths in {today().year}")) == "50"


def test_the_regional_dashboard_has_a_row_per_icb_and_a_total(client, region, icb, busy):
    second = make_icb(name="NHS Second ICB", short_name="Second ICB", region=region)
    CaseMaker(icb=second, lac=user_with_role(Role.LAC, second)).make(
        CaseState.AWAITING_ALLOCATION, **person(30)
    )
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))

    page = client.get(REGION).content.decode()

    assert page.count("<h1") == 1
    assert "Second ICB" in page and "Test ICB" in page and "Region total" in page
    assert "Other ICB" not in page  # another region's
    # No references and no names: counts only.
    assert busy["overdue"].reference not in page
    assert busy["overdue"].notification.family_name not in page


def test_the_national_dashboard_shows_regions_and_england(client, region, busy):
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))

    page = client.get(NATIONAL).content.decode()

    assert "Test Region" in page and "England" in page
    assert "Test ICB" not in page  # regions, not ICBs
    assert busy["overdue"].reference not in page


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _varied(cases, start: int, count: int) -> None:
    states = [
        CaseState.NOTIFIED,
        CaseState.AWAITING_ALLOCATION,
        CaseState.ALLOCATED,
        CaseState.INITIAL_REVIEW,
        CaseState.QUALITY_ASSURANCE,
        CaseState.FOCUSED_REVIEW,
        CaseState.PANEL,
        CaseState.COMPLETED,
        CaseState.ON_HOLD,
        CaseState.NOT_ELIGIBLE,
    ]
    reviewer = make_reviewer(cases.icb)
    for i in range(count):
        case = cases.make(states[i % len(states)], reviewer=reviewer, **person(start + i))
        if i % 3 == 0:  # some overdue, some long overdue
            Case.objects.filter(pk=case.pk).update(due_on=today() - timedelta(days=30 * i))


def test_the_icb_dashboard_query_count_does_not_grow(
    client, lac, cases, django_assert_max_num_queries
):
    sign_in_verified(client, lac)
    _varied(cases, 0, 2)
    small = _queries(client, DASHBOARD)
    _varied(cases, 2, 28)
    with django_assert_max_num_queries(small):
        client.get(DASHBOARD)
    assert _queries(client, DASHBOARD) == small


def test_the_regional_dashboard_query_count_grows_with_neither_cases_nor_icbs(
    client, region, icb, cases, django_assert_max_num_queries
):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))
    _varied(cases, 0, 2)
    small = _queries(client, REGION)
    _varied(cases, 2, 20)
    for n in range(3):
        extra = make_icb(region=region, name=f"NHS Extra ICB {n}")
        _varied(CaseMaker(icb=extra, lac=user_with_role(Role.LAC, extra)), 100 + n * 10, 5)
    with django_assert_max_num_queries(small):
        client.get(REGION)
    assert _queries(client, REGION) == small
    with django_assert_max_num_queries(small):
        client.get(ESCALATIONS)


def test_the_national_dashboard_query_count_does_not_grow(
    client, cases, django_assert_max_num_queries
):
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))
    _varied(cases, 0, 2)
    small = _queries(client, NATIONAL)
    _varied(cases, 2, 20)
    with django_assert_max_num_queries(small):
        client.get(NATIONAL)
