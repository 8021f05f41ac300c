"""The regional coordinator's escalation list: long-overdue cases of their region's ICBs, with
references and counts only — never a name or another identifier."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import Case, CaseState
from leder.casework.selectors.deadlines import escalations_for
from leder.casework.tests.dashboard_factories import person
from leder.casework.tests.factories import CaseMaker
from leder.core.presenters import nhs_number as nhs_number_text
from leder.core.time import today

pytestmark = pytest.mark.django_db

ESCALATIONS = reverse("casework:escalations")


@pytest.fixture
def region():
    return make_region(name="Test Region")


@pytest.fixture
def icb(region):
    return make_icb(name="NHS Test ICB", short_name="Test ICB", region=region)


def overdue_by(case: Case, days: int, *, on: date) -> Case:
    Case.objects.filter(pk=case.pk).update(due_on=on - timedelta(days=days))
    case.refresh_from_db()
    return case


@pytest.fixture
def escalated(icb, region, cases):
    """In the region: two long-overdue cases (one with a reviewer), one merely overdue, one on
    hold and one completed long ago. In another region: one long-overdue case."""
    day = today()
    with_reviewer = overdue_by(cases.make(CaseState.INITIAL_REVIEW, **person(0)), 120, on=day)
    without = overdue_by(cases.make(CaseState.AWAITING_ALLOCATION, **person(1)), 95, on=day)
    merely = overdue_by(cases.make(CaseState.ALLOCATED, **person(2)), 30, on=day)
    held = overdue_by(cases.make(CaseState.ON_HOLD, **person(3)), 200, on=day)
    done = overdue_by(cases.make(CaseState.COMPLETED, **person(4)), 300, on=day)
    far_icb = make_icb(name="NHS Far ICB", short_name="Far ICB", region=make_region())
    far = CaseMaker(icb=far_icb, lac=user_with_role(Role.LAC, far_icb))
    elsewhere = overdue_by(far.make(CaseState.INITIAL_REVIEW, **person(5)), 150, on=day)
    return {
        "shown": [with_reviewer, without],
        "hidden": [merely, held, done, elsewhere],
        "far_region": far_icb.region,
    }


def test_the_coordinator_sees_their_regions_long_overdue_cases_most_overdue_first(
    client, region, escalated
):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))

    page = client.get(ESCALATIONS).content.decode()

    with_reviewer, without = escalated["shown"]
    assert page.count("<h1") == 1
    assert "2 long-overdue reviews" in page
    assert page.index(with_reviewer.reference) < page.index(without.reference)
    rows = re.findall(r"<tr class=\"nhsuk-table__row\".*?</tr>", page, re.S)
    # Each cell's text without the headings the responsive table repeats for small screens.
    cells = [
        re.sub(r'<span class="nhsuk-table__heading".*?</span>', "", r, flags=re.S) for r in rows
    ]
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in cells]
    assert text[1:] == [
        f"{with_reviewer.reference} Test ICB 120 Initial review Allocated",
        f"{without.reference} Test ICB 95 Awaiting allocation Not allocated",
    ]
    for case in escalated["hidden"]:
        assert case.reference not in page


def test_the_list_names_nobody(client, region, escalated):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))

    page = client.get(ESCALATIONS).content.decode()

    for case in escalated["shown"]:
        n = case.notification
        assert n.given_name not in page and n.family_name not in page
        assert n.nhs_number not in page and nhs_number_text(n.nhs_number) not in page
        assert str(n.date_of_birth.year) not in page
        assert case.reviewer_id is None or case.reviewer.user.full_name not in page
        # The reference is not a link: the coordinator cannot open the case.
        assert f">{case.reference}</a>" not in page


def test_the_selector_reads_only_what_the_list_shows(region, escalated):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)

    rows = escalations_for(user=coordinator, today=today())

    assert [r.reference for r in rows] == [c.reference for c in escalated["shown"]]
    assert set(vars(rows[0])) == {
        "reference",
        "icb_name",
        "state",
        "due_on",
        "days_overdue",
        "has_reviewer",
    }


def test_nobody_else_gets_the_list(client, icb, region, escalated):
    for role in (Role.LAC, Role.ICB_LEAD, Role.SENIOR_REVIEWER):
        sign_in_verified(client, user_with_role(role, icb))
        assert client.get(ESCALATIONS).status_code == 403
        client.logout()
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))
    assert client.get(ESCALATIONS).status_code == 403


def test_another_regions_coordinator_sees_only_theirs(client, escalated):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, escalated["far_region"]))

    page = client.get(ESCALATIONS).content.decode()

    assert "1 long-overdue review." in page
    assert escalated["hidden"][-1].reference in page
    for case in escalated["shown"]:
        assert case.reference not in page


def test_an_empty_list_says_so(client, region):
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))
    assert "No reviews are long overdue." in client.get(ESCALATIONS).content.decode()


def test_a_long_list_is_paged(client, region, icb, cases):
    day = today()
    made = [
        overdue_by(cases.make(CaseState.AWAITING_ALLOCATION, **person(i)), 100 + i, on=day)
        for i in range(52)
    ]
    sign_in_verified(client, user_with_role(Role.REGIONAL_COORDINATOR, region))

    first = client.get(ESCALATIONS).content.decode()
    second = client.get(f"{ESCALATIONS}?page=2").content.decode()

    assert "52 long-overdue reviews" in first and "Page 1 of 2" in first
    assert made[-1].reference in first  # the most overdue first
    assert made[0].reference in second and made[0].reference not in first
