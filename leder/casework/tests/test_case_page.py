"""The case page, holds, the organisations involved in the person's care and the reviewer's
own list; and the permission matrix of every page of the case and allocation work."""

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import (
    Allocation,
    Case,
    CaseEvent,
    CaseHold,
    CaseState,
)
from leder.casework.services.allocation import (
    allocation_accept,
    case_allocate,
    case_involved_organisation_add,
    case_reallocate,
)
from leder.casework.services.lifecycle import case_transition
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

_ods = itertools.count(1)


def provider(icb, name: str, kind=OrganisationKind.TRUST, **fields) -> Organisation:
    return Organisation.objects.create(
        ods_code=f"TSTQ{next(_ods):05d}", name=name, kind=kind, icb=icb, **fields
    )


def person(i: int) -> dict:
    """A person unlike any other in the test (born years apart), so no duplicate flag is raised."""
    return {
        "given_name": ["Priya", "Tomasz", "Aisha", "Gareth", "Mei", "Declan"][i % 6],
        "family_name": f"Family{chr(65 + i % 26)}{'x' * (i // 26)}",
        "date_of_birth": date(1930 + i % 60, 1 + i % 12, 1 + i % 28),
    }


def url(name: str, case=None, **kwargs) -> str:
    if case is None:
        return reverse(f"casework:{name}")
    return reverse(f"casework:{name}", kwargs={"reference": case.reference, **kwargs})


def written():
    return (
        Allocation.objects.count(),
        CaseEvent.objects.count(),
        CaseHold.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
        list(Case.objects.order_by("pk").values_list("state", "reviewer_id")),
        sorted(
            Case.involved_organisations.through.objects.values_list("case_id", "organisation_id")
        ),
    )


def set_case(case: Case, **fields) -> Case:
    """Test set-up only: move a case's dates without waiting months."""
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


# -- The case page ----------------------------------------------------------------------------


def test_lac_sees_the_person_state_due_date_reviewer_and_history(client, icb, lac, cases):
    case = cases.make(**person(0))
    reviewer = make_reviewer(icb, user=user_with_role(Role.REVIEWER, icb, full_name="Pat Jones"))
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    set_case(case, due_on=today() + timedelta(days=10))
    sign_in_verified(client, lac)

    page = client.get(url("case", case)).content.decode()

    n = case.notification
    assert f"{n.given_name} {n.family_name}" in page
    assert "Allocated, awaiting the reviewer" in page
    assert "Due soon" in page and "10 days left" in page
    assert "Pat Jones" in page and "waiting for them to accept" in page
    assert "Allocate to a reviewer" in page  # the history
    assert "Awaiting allocation to Allocated, awaiting the reviewer" in page
    assert "Never on hold" in page


def test_viewing_a_case_is_audited(client, lac, cases):
    case = cases.make(**person(0))
    sign_in_verified(client, lac)
    client.get(url("case", case))
    view = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert (view.actor, view.object_id) == (lac, str(case.pk))
    assert case.reference in view.summary


def test_lac_is_offered_allocation_and_hold_but_not_the_reviewers_answer(client, lac, cases):
    case = cases.make(**person(0))
    sign_in_verified(client, lac)
    page = client.get(url("case", case)).content.decode()
    assert url("allocate", case) in page and url("hold", case) in page
    assert url("accept", case) not in page and url("decline", case) not in page
    assert url("resume", case) not in page


def test_allocated_reviewer_is_offered_accept_and_decline_only(client, icb, lac, cases):
    case = cases.make(**person(0))
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    sign_in_verified(client, reviewer.user)
    page = client.get(url("case", case)).content.decode()
    assert url("accept", case) in page and url("decline", case) in page
    assert url("hold", case) not in page and url("allocate", case) not in page
    assert url("case_organisation_add", case) not in page


def test_a_reviewer_cannot_open_another_reviewers_case(client, icb, lac, cases):
    theirs = cases.make(CaseState.INITIAL_REVIEW, **person(0))
    mine = make_reviewer(icb)
    sign_in_verified(client, mine.user)
    assert client.get(url("case", theirs)).status_code == 404


def test_lac_is_warned_when_the_current_reviewer_now_has_a_conflict(client, icb, lac, cases):
    trust = provider(icb, "Northshire Hospitals NHS Trust")
    case = cases.make(**person(0))
    reviewer = make_reviewer(icb, employer=trust)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    case_involved_organisation_add(actor=lac, case=case, organisation=trust)
    sign_in_verified(client, lac)
    page = client.get(url("case", case)).content.decode()
    assert "The reviewer has a conflict of interest" in page
    assert "Northshire Hospitals NHS Trust" in page


# -- Holds ------------------------------------------------------------------------------------


def test_putting_on_hold_needs_a_reason_and_then_stops_the_clock(client, lac, cases):
    case = cases.make(**person(0))
    sign_in_verified(client, lac)
    before = written()

    response = client.post(url("hold", case), {"kind": "coroner", "reason": " "})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter why the review is being put on hold" in page
    assert written() == before

    response = client.post(url("hold", case), {"kind": "coroner", "reason": "Coroner's inquest"})
    assert response.status_code == 302 and response.url == url("case", case)
    case.refresh_from_db()
    assert case.state == CaseState.ON_HOLD
    assert case.holds.get().reason == "Coroner's inquest"

    page = client.get(url("case", case)).content.decode()
    assert "On hold now" in page and "Coroner&#39;s inquest" in page
    assert url("resume", case) in page and url("hold", case) not in page


def test_resuming_needs_a_reason_and_returns_the_case_where_it_was(client, icb, lac, cases):
    case = cases.make(**person(0))
    case_allocate(actor=lac, case=case, reviewer=make_reviewer(icb))
    case_transition(actor=lac, case=case, transition="hold", reason="Police investigation")
    sign_in_verified(client, lac)
    before = written()

    response = client.post(url("resume", case), {"outcome": "Closed", "reason": ""})

    assert "Enter why the review can continue" in response.content.decode()
    assert written() == before

    response = client.post(
        url("resume", case), {"outcome": "No further action", "reason": "Investigation closed"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ALLOCATED
    assert case.holds.get().end_reason == "Investigation closed"


def test_time_on_hold_is_shown(client, lac, cases):
    case = cases.make(**person(0))
    case_transition(actor=lac, case=case, transition="hold", reason="Inquest")
    hold = case.holds.get()
    CaseHold.objects.filter(pk=hold.pk).update(started_at=hold.started_at - timedelta(days=12))
    sign_in_verified(client, lac)
    page = client.get(url("case", case)).content.decode()
    assert "12 days in all" in page and "The clock is stopped" in page


def test_hold_page_of_a_closed_case_goes_back_to_the_case_with_the_reason(client, lac, cases):
    case = cases.make(CaseState.COMPLETED, **person(0))
    sign_in_verified(client, lac)
    before = written()
    response = client.post(url("hold", case), {"reason": "Inquest"})
    assert response.status_code == 302 and response.url == url("case", case)
    assert written() == before


# -- Organisations involved in the person's care ----------------------------------------------


def test_lac_finds_and_adds_an_organisation_involved_in_care(client, icb, lac, cases):
    case = cases.make(**person(0))
    trust = provider(icb, "Northshire Hospitals NHS Trust")
    provider(icb, "Closed Hospitals NHS Trust", closed_on=date(2020, 1, 1))
    sign_in_verified(client, lac)

    page = client.get(url("case_organisation_add", case), {"q": "hospitals"}).content.decode()
    assert "Northshire Hospitals NHS Trust" in page
    assert "Closed Hospitals" not in page

    response = client.post(
        url("case_organisation_add", case), {"q": "hospitals", "organisation": trust.pk}
    )

    assert response.status_code == 302 and response.url == url("case", case)
    assert list(case.involved_organisations.all()) == [trust]
    audit = AuditEvent.objects.filter(action=AuditAction.UPDATE).last()
    assert audit.details == {"involved_organisation_added": trust.ods_code}
    assert "Northshire Hospitals NHS Trust" in client.get(url("case", case)).content.decode()


def test_adding_an_organisation_already_listed_or_not_chosen_is_refused(client, icb, lac, cases):
    trust = provider(icb, "Northshire Hospitals NHS Trust")
    case = cases.make(**person(0))
    case.involved_organisations.add(trust)
    sign_in_verified(client, lac)
    before = written()

    response = client.post(url("case_organisation_add", case), {})
    assert "Choose the organisation involved in the person&#39;s care" in response.content.decode()

    response = client.post(url("case_organisation_add", case), {"organisation": trust.pk})
    assert "is already listed for this case" in response.content.decode()

    # An ICB is not a provider: not a choice, whatever is posted.
    response = client.post(url("case_organisation_add", case), {"organisation": icb.pk})
    assert "Choose the organisation involved in the person&#39;s care" in response.content.decode()
    assert written() == before


# -- The reviewer's own list ------------------------------------------------------------------


def test_my_cases_lists_offered_and_in_review_cases_with_due_dates(client, icb, lac, cases):
    reviewer = make_reviewer(icb)
    offered = cases.make(**person(0))
    case_allocate(actor=lac, case=offered, reviewer=reviewer)
    reviewing = cases.make(**person(1))
    case_allocate(actor=lac, case=reviewing, reviewer=reviewer)
    allocation_accept(actor=reviewer.user, case=reviewing)
    set_case(reviewing, due_on=today() - timedelta(days=3))
    someone_elses = cases.make(CaseState.INITIAL_REVIEW, **person(2))
    sign_in_verified(client, reviewer.user)

    page = client.get(url("my_cases")).content.decode()

    offered_part, in_review_part = page.split(">Your reviews in progress</h2>")
    assert offered.reference in offered_part and url("accept", offered) in offered_part
    assert url("decline", offered) in offered_part
    assert reviewing.reference in in_review_part and "Overdue" in in_review_part
    assert someone_elses.reference not in page


def test_my_cases_shows_nothing_of_another_icb(client, icb, other_icb, lac, cases):
    # The same person on two ICBs' registers sees each ICB's cases only while they hold the
    # reviewer role there.
    reviewer = make_reviewer(icb)
    case = cases.make(**person(0))
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    outsider = make_reviewer(other_icb)
    sign_in_verified(client, outsider.user)
    assert case.reference not in client.get(url("my_cases")).content.decode()


def _queries(client, page_url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_my_cases_queries_do_not_grow_with_cases(client, icb, lac, cases):
    reviewer = make_reviewer(icb, capacity=20)

    def add(start, count):
        for i in range(start, start + count):
            case = cases.make(**person(i))
            case_allocate(actor=lac, case=case, reviewer=reviewer)
            if i % 2:
                allocation_accept(actor=reviewer.user, case=case)

    add(0, 2)
    sign_in_verified(client, reviewer.user)
    small = _queries(client, url("my_cases"))
    add(2, 10)
    large = _queries(client, url("my_cases"))
    # One audit row records the list view (issue 12): the chain's head and the insert, and on
    # PostgreSQL an advisory lock first.
    assert large == small and small <= 13


def test_case_page_queries_do_not_grow_with_history(client, icb, lac, cases):
    case = cases.make(**person(0))
    reviewers = [make_reviewer(icb) for _ in range(6)]
    case_allocate(actor=lac, case=case, reviewer=reviewers[0])
    sign_in_verified(client, lac)
    small = _queries(client, url("case", case))
    for previous, reviewer in itertools.pairwise(reviewers):
        case_transition(actor=lac, case=case, transition="hold", reason="Inquest")
        case_transition(actor=lac, case=case, transition="resume", reason="Done")
        case_reallocate(actor=lac, case=case, reviewer=reviewer, reason=f"From {previous.pk}")
    large = _queries(client, url("case", case))
    # The header navigation (issue 16) reads the user's roles once: 26 at most on PostgreSQL.
    assert large == small and small <= 26


# -- The permission matrix --------------------------------------------------------------------

# Expected status of each page (GET) for each persona: 200 (may use it), 403 (their role never
# may), 404 (the case is not theirs to see: another ICB, or not allocated to them).
PAGES = ["case", "allocate", "allocate_confirm", "hold", "resume", "org_add", "accept", "decline"]
PAGES += ["my_cases"]
LAC_ONLY = {"allocate": 200, "allocate_confirm": 200, "hold": 200, "resume": 200, "org_add": 200}
MATRIX = {
    "lac": {"case": 200, **LAC_ONLY, "accept": 403, "decline": 403, "my_cases": 403},
    "allocated_reviewer": {
        "case": 200,
        **dict.fromkeys(LAC_ONLY, 403),
        "accept": 200,
        "decline": 200,
        "my_cases": 200,
    },
    "reviewer": {
        "case": 404,
        **dict.fromkeys(LAC_ONLY, 403),
        "accept": 404,
        "decline": 404,
        "my_cases": 200,
    },
    "senior_reviewer": {
        "case": 200,
        **dict.fromkeys(LAC_ONLY, 403),
        "accept": 403,
        "decline": 403,
        "my_cases": 200,
    },
    "panel_member": {"case": 404, **dict.fromkeys(PAGES[1:], 403)},
    "panel_chair": {"case": 404, **dict.fromkeys(PAGES[1:], 403)},
    "icb_lead": dict.fromkeys(PAGES, 403),
    "other_icb_lac": {
        "case": 404,
        **dict.fromkeys(LAC_ONLY, 404),
        "accept": 403,
        "decline": 403,
        "my_cases": 403,
    },
    "other_icb_reviewer": {
        "case": 404,
        **dict.fromkeys(LAC_ONLY, 403),
        "accept": 404,
        "decline": 404,
        "my_cases": 200,
    },
    "administrator": dict.fromkeys(PAGES, 403),
    "national_analyst": dict.fromkeys(PAGES, 403),
    "regional_coordinator": dict.fromkeys(PAGES, 403),
}


@pytest.fixture
def world(icb, other_icb, lac, cases):
    """A case awaiting allocation, one on hold and one offered to a reviewer, with a reviewer
    who could be allocated; and a person in each role."""
    waiting = cases.make(**person(0))
    held = cases.make(**person(1))
    case_transition(actor=lac, case=held, transition="hold", reason="Inquest")
    allocated = make_reviewer(icb)
    offered = cases.make(**person(2))
    case_allocate(actor=lac, case=offered, reviewer=allocated)
    candidate = make_reviewer(icb)
    urls = {
        "case": url("case", offered),
        "allocate": url("allocate", waiting),
        "allocate_confirm": url("allocate_confirm", waiting, reviewer_id=candidate.pk),
        "hold": url("hold", waiting),
        "resume": url("resume", held),
        "org_add": url("case_organisation_add", waiting),
        "accept": url("accept", offered),
        "decline": url("decline", offered),
        "my_cases": url("my_cases"),
    }
    personas = {
        "lac": lac,
        "allocated_reviewer": allocated.user,
        "reviewer": make_reviewer(icb).user,
        "senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, icb),
        "panel_member": user_with_role(Role.PANEL_MEMBER, icb),
        "panel_chair": user_with_role(Role.PANEL_CHAIR, icb),
        "icb_lead": user_with_role(Role.ICB_LEAD, icb),
        "other_icb_lac": user_with_role(Role.LAC, other_icb),
        "other_icb_reviewer": make_reviewer(other_icb).user,
        "administrator": user_with_role(Role.ADMINISTRATOR),
        "national_analyst": user_with_role(Role.NATIONAL_ANALYST),
        "regional_coordinator": user_with_role(Role.REGIONAL_COORDINATOR),
    }
    return urls, personas


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    urls, _ = world
    for page_url in urls.values():
        response = client.get(page_url)
        assert response.status_code == 302 and "/account/sign-in" in response.url


def test_password_only_sessions_must_enter_their_code(client, world, lac):
    urls, _ = world
    sign_in_password_only(client, lac)
    for page_url in urls.values():
        response = client.get(page_url)
        assert response.status_code == 302 and "/account/two-factor" in response.url


@pytest.mark.parametrize("persona", list(MATRIX))
def test_permission_matrix(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    got = {page: client.get(page_url).status_code for page, page_url in urls.items()}
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", [p for p in MATRIX if p != "lac"])
def test_nobody_but_the_lac_can_change_a_case_by_posting(client, world, persona):
    urls, personas = world
    sign_in_verified(client, personas[persona])
    before = written()
    for page in ["allocate_confirm", "hold", "resume", "org_add"]:
        response = client.post(urls[page], {"reason": "Because", "organisation": "1", "q": "a"})
        assert response.status_code == MATRIX[persona][page], page
    if persona != "allocated_reviewer":
        for page in ["accept", "decline"]:
            response = client.post(urls[page], {"reason": "Because"})
            assert response.status_code == MATRIX[persona][page], page
    assert written() == before


# -- Who told us (issue 16) ----------------------------------------------------------------------


def test_the_reviewer_sees_who_notified_and_how_to_reach_them_and_it_is_audited(
    client, icb, lac, cases
):
    from leder.notifications.models import Notification

    case = cases.make(CaseState.INITIAL_REVIEW, **person(0))
    Notification.objects.filter(pk=case.notification_id).update(
        has_care_concerns="yes", care_concerns="The GP did not visit after the fall."
    )
    case.notification.sources.update(phone="0116 496 0000")
    reviewer = case.reviewer.user
    sign_in_verified(client, reviewer)
    assert url("notified_by", case) in client.get(url("case", case)).content.decode()
    before = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=reviewer).count()
    page = client.get(url("notified_by", case)).content.decode()
    assert "Grace Walsh" in page and "grace@example.invalid" in page
    assert "0116 496 0000" in page
    assert "The GP did not visit after the fall." in page
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=reviewer)
    assert views.count() == before + 1
    latest = views.order_by("-sequence")[0]
    assert latest.object_id == str(case.pk) and "who notified" in latest.summary


def test_who_notified_is_not_shown_beyond_those_who_see_the_case(client, icb, lac, cases):
    case = cases.make(CaseState.INITIAL_REVIEW, **person(0))
    other = make_reviewer(icb)
    sign_in_verified(client, other.user)
    assert client.get(url("notified_by", case)).status_code == 404
    client.logout()
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, icb))
    assert client.get(url("notified_by", case)).status_code == 403
