"""Allocation: ranked suggestions, conflicts and capacity that block, reallocation with a reason,
and the reviewer's answer to an offer. Every refusal shows its reason and writes nothing."""

import itertools
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    CaseState,
    ConflictKind,
    Profession,
    ReviewerConflict,
)
from leder.casework.selectors.allocation import allocation_suggestions
from leder.casework.selectors.case import case_for_lac
from leder.casework.services.allocation import (
    AllocationRefused,
    allocation_accept,
    allocation_decline,
    case_allocate,
    case_reallocate,
)
from leder.casework.services.lifecycle import TransitionRefused
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now
from leder.notifications.tests.factories import nhs_number
from leder.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

_ods = itertools.count(1)


def provider(icb, name: str, kind=OrganisationKind.GP_PRACTICE, **fields) -> Organisation:
    return Organisation.objects.create(
        ods_code=f"TSTP{next(_ods):05d}", name=name, kind=kind, icb=icb, **fields
    )


def person(i: int) -> dict:
    """A person unlike any other in the test (born years apart), so no duplicate flag is raised."""
    return {
        "given_name": ["Priya", "Tomasz", "Aisha", "Gareth", "Mei", "Declan"][i % 6],
        "family_name": f"Family{chr(65 + i % 26)}{'x' * (i // 26)}",
        "date_of_birth": date(1930 + i % 60, 1 + i % 12, 1 + i % 28),
    }


def reviewer_named(icb, full_name: str, **fields):
    return make_reviewer(
        icb, user=user_with_role(Role.REVIEWER, icb, full_name=full_name), **fields
    )


def url(name: str, case, **kwargs) -> str:
    return reverse(f"casework:{name}", kwargs={"reference": case.reference, **kwargs})


def written():
    """Counts of everything allocation could write, to assert that a refusal wrote nothing."""
    return (
        Allocation.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
        list(Case.objects.order_by("pk").values_list("state", "reviewer_id")),
    )


@pytest.fixture
def gp(icb):
    return provider(icb, "Riverside Surgery")


@pytest.fixture
def case(cases, gp):
    return cases.make(gp_practice_id=gp.pk, nhs_number=nhs_number(), **person(0))


# -- The service ------------------------------------------------------------------------------


def test_lac_allocates_a_case_as_an_offer_to_the_reviewer(icb, lac, case):
    reviewer = make_reviewer(icb)
    allocation = case_allocate(actor=lac, case=case, reviewer=reviewer)

    case.refresh_from_db()
    assert case.state == CaseState.ALLOCATED
    assert case.reviewer == reviewer
    assert allocation.status == AllocationStatus.OFFERED
    assert allocation.allocated_by == lac
    event = case.events.last()
    assert (event.transition, event.actor, event.details["reviewer"]) == (
        "allocate",
        lac,
        reviewer.pk,
    )
    audit = AuditEvent.objects.filter(object_id=str(case.pk)).last()
    assert audit.details["transition"] == "allocate"
    assert audit.details["allocation"] == allocation.pk


def test_the_reviewer_is_emailed_the_reference_but_not_who_the_person_was(
    icb, lac, case, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer(icb)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_allocate(actor=lac, case=case, reviewer=reviewer)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reviewer.user.email]
    assert case.reference in message.subject and case.reference in message.body
    assert case.notification.family_name not in message.body
    assert case.notification.given_name not in message.body


def test_lac_cannot_allocate_reviewer_employed_by_an_organisation_involved_in_care(
    icb, lac, case, gp
):
    conflicted = make_reviewer(icb, employer=gp)
    before = written()
    with pytest.raises(AllocationRefused) as refused:
        case_allocate(actor=lac, case=case, reviewer=conflicted)
    assert "Riverside Surgery" in str(refused.value)
    assert "involved in the person's care" in str(refused.value)
    assert written() == before


def test_lac_cannot_allocate_reviewer_with_declared_conflict_with_the_person(icb, lac, case):
    knew_them = make_reviewer(icb)
    ReviewerConflict.objects.create(
        reviewer=knew_them,
        kind=ConflictKind.PERSON,
        person_name="Someone else entirely",
        person_nhs_number=case.notification.nhs_number,
        declared_at=now(),
    )
    before = written()
    with pytest.raises(AllocationRefused) as refused:
        case_allocate(actor=lac, case=case, reviewer=knew_them)
    assert "knew the person" in str(refused.value)
    assert written() == before


def test_lac_cannot_allocate_reviewer_with_no_free_capacity(icb, lac, cases, case):
    full = make_reviewer(icb, capacity=1)
    cases.make(CaseState.INITIAL_REVIEW, reviewer=full, **person(1))
    before = written()
    with pytest.raises(
        AllocationRefused, match="no free capacity: 1 open review of a maximum of 1"
    ):
        case_allocate(actor=lac, case=case, reviewer=full)
    assert written() == before


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"trained": False}, "has not completed reviewer training"),
        ({"is_active": False}, "is not an active reviewer"),
    ],
)
def test_lac_cannot_allocate_reviewer_not_active_and_trained(icb, lac, case, fields, message):
    reviewer = make_reviewer(icb, **fields)
    before = written()
    with pytest.raises(AllocationRefused, match=message):
        case_allocate(actor=lac, case=case, reviewer=reviewer)
    assert written() == before


def test_lac_cannot_allocate_reviewer_of_another_icb(icb, other_icb, lac, case):
    outsider = make_reviewer(other_icb)
    with pytest.raises(AllocationRefused, match="not on this ICB's register"):
        case_allocate(actor=lac, case=case, reviewer=outsider)


def test_lac_of_another_icb_cannot_allocate(icb, other_icb, case):
    other_lac = user_with_role(Role.LAC, other_icb)
    before = written()
    with pytest.raises(PermissionDenied):
        case_allocate(actor=other_lac, case=case, reviewer=make_reviewer(icb))
    assert written() == before


def test_reallocation_without_a_reason_is_refused(icb, lac, case):
    first, second = make_reviewer(icb), make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=first)
    before = written()
    with pytest.raises(TransitionRefused, match="Enter a reason"):
        case_reallocate(actor=lac, case=case, reviewer=second, reason="   ")
    assert written() == before


def test_reallocation_withdraws_the_current_allocation_with_the_reason(icb, lac, case):
    first, second = make_reviewer(icb), make_reviewer(icb)
    offered = case_allocate(actor=lac, case=case, reviewer=first)
    allocation_accept(actor=first.user, case=case)

    new = case_reallocate(actor=lac, case=case, reviewer=second, reason="Long-term sick leave")

    offered.refresh_from_db()
    case.refresh_from_db()
    assert offered.status == AllocationStatus.WITHDRAWN
    assert offered.response_reason == "Long-term sick leave"
    assert new.status == AllocationStatus.OFFERED and new.reviewer == second
    assert case.state == CaseState.ALLOCATED and case.reviewer == second
    event = case.events.last()
    assert (event.transition, event.reason) == ("reallocate", "Long-term sick leave")


def test_reallocation_to_the_current_reviewer_is_refused(icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    with pytest.raises(AllocationRefused, match="already allocated to"):
        case_reallocate(actor=lac, case=case, reviewer=reviewer, reason="Again")


def test_accepting_moves_the_case_into_initial_review(icb, lac, case):
    reviewer = make_reviewer(icb)
    allocation = case_allocate(actor=lac, case=case, reviewer=reviewer)
    allocation_accept(actor=reviewer.user, case=case)
    allocation.refresh_from_db()
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW
    assert allocation.status == AllocationStatus.ACCEPTED and allocation.responded_at
    assert case.events.last().actor == reviewer.user


def test_declining_returns_the_case_to_awaiting_allocation_with_the_reason(icb, lac, case):
    reviewer = make_reviewer(icb)
    allocation = case_allocate(actor=lac, case=case, reviewer=reviewer)
    allocation_decline(actor=reviewer.user, case=case, reason="I knew her sister")
    allocation.refresh_from_db()
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ALLOCATION
    assert case.reviewer is None
    assert allocation.status == AllocationStatus.DECLINED
    assert allocation.response_reason == "I knew her sister"
    event = case.events.last()
    assert (event.transition, event.reason, event.actor) == (
        "decline",
        "I knew her sister",
        reviewer.user,
    )


def test_declining_without_a_reason_is_refused(icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    before = written()
    with pytest.raises(TransitionRefused, match="Enter a reason"):
        allocation_decline(actor=reviewer.user, case=case, reason="")
    assert written() == before


@pytest.mark.parametrize("who", ["other_reviewer", "senior_reviewer", "lac"])
def test_nobody_but_the_allocated_reviewer_can_accept_or_decline(icb, lac, case, who):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    actor = {
        "other_reviewer": make_reviewer(icb).user,
        "senior_reviewer": user_with_role(Role.SENIOR_REVIEWER, icb),
        "lac": lac,
    }[who]
    before = written()
    with pytest.raises(PermissionDenied):
        allocation_accept(actor=actor, case=case)
    with pytest.raises(PermissionDenied):
        allocation_decline(actor=actor, case=case, reason="Not mine")
    assert written() == before


def test_an_accepted_case_cannot_be_accepted_again(icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    allocation_accept(actor=reviewer.user, case=case)
    before = written()
    with pytest.raises(TransitionRefused):
        allocation_accept(actor=reviewer.user, case=case)
    assert written() == before


# -- Suggestions ------------------------------------------------------------------------------


def test_suggestions_rank_by_free_capacity_then_fewest_open_then_name(icb, lac, cases, case):
    four_free_none_open = reviewer_named(icb, "Zara Quinn", capacity=4)
    four_free_one_open = reviewer_named(icb, "Adam Brooks", capacity=5)
    cases.make(CaseState.INITIAL_REVIEW, reviewer=four_free_one_open, **person(1))
    two_free_bea = reviewer_named(icb, "Bea Lowe", capacity=2)
    two_free_abe = reviewer_named(icb, "Abe Lowe", capacity=2)
    full = reviewer_named(icb, "Carl Full", capacity=1)
    cases.make(CaseState.ALLOCATED, reviewer=full, **person(2))
    reviewer_named(icb, "In Training", trained=False)
    reviewer_named(icb, "Not Active", is_active=False)

    suggestions = allocation_suggestions(case=case_for_lac(user=lac, reference=case.reference))

    assert [s.reviewer for s in suggestions] == [
        four_free_none_open,
        four_free_one_open,
        two_free_abe,
        two_free_bea,
        full,
    ]
    assert [s.can_allocate for s in suggestions] == [True, True, True, True, False]
    assert suggestions[-1].blocks == ["No free capacity: 1 open review of a maximum of 1."]


def test_allocation_page_shows_conflicted_reviewers_with_the_reason_and_no_way_to_choose_them(
    client, icb, lac, case, gp
):
    free = reviewer_named(icb, "Free Reviewer")
    conflicted = reviewer_named(icb, "Conflicted Reviewer", employer=gp, capacity=9)
    sign_in_verified(client, lac)

    page = client.get(url("allocate", case)).content.decode()

    assert "Conflicted Reviewer" in page and "Cannot be allocated" in page
    assert "Their employer" in page or "employer, Riverside Surgery" in page
    confirm_free = url("allocate_confirm", case, reviewer_id=free.pk)
    confirm_conflicted = url("allocate_confirm", case, reviewer_id=conflicted.pk)
    assert f'href="{confirm_free}"' in page
    assert f'href="{confirm_conflicted}"' not in page


def test_confirm_page_for_a_conflicted_reviewer_has_no_allocate_button(client, icb, lac, case, gp):
    conflicted = reviewer_named(icb, "Conflicted Reviewer", employer=gp)
    sign_in_verified(client, lac)
    page = client.get(url("allocate_confirm", case, reviewer_id=conflicted.pk)).content.decode()
    assert "Cannot be allocated" in page and "Riverside Surgery" in page
    assert "Allocate the case</button>" not in page


def test_posting_an_allocation_to_a_conflicted_reviewer_shows_the_reason_and_writes_nothing(
    client, icb, lac, case
):
    knew_them = reviewer_named(icb, "Knew Them")
    ReviewerConflict.objects.create(
        reviewer=knew_them,
        kind=ConflictKind.PERSON,
        person_name=f"{case.notification.given_name} {case.notification.family_name}",
        person_date_of_birth=case.notification.date_of_birth,
        declared_at=now(),
    )
    sign_in_verified(client, lac)
    before = written()

    response = client.post(url("allocate_confirm", case, reviewer_id=knew_them.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Knew Them cannot be allocated this case" in page
    assert "knew the person" in page
    assert written() == before


def test_lac_allocates_through_the_pages_and_the_case_page_says_so(client, icb, lac, case):
    reviewer = reviewer_named(icb, "Pat Jones", profession=Profession.SOCIAL_WORKER)
    sign_in_verified(client, lac)
    page = client.get(url("allocate", case)).content.decode()
    assert "Pat Jones" in page and "Social worker" in page and "0 of 3 open reviews" in page

    response = client.post(url("allocate_confirm", case, reviewer_id=reviewer.pk))

    assert response.status_code == 302 and response.url == url("case", case)
    case.refresh_from_db()
    assert case.state == CaseState.ALLOCATED and case.reviewer == reviewer


def test_reallocating_through_the_pages_needs_a_reason(client, icb, lac, case):
    first, second = reviewer_named(icb, "First One"), reviewer_named(icb, "Second One")
    case_allocate(actor=lac, case=case, reviewer=first)
    sign_in_verified(client, lac)
    assert "Reallocate the case" in client.get(url("allocate", case)).content.decode()
    before = written()

    response = client.post(url("allocate_confirm", case, reviewer_id=second.pk), {"reason": ""})

    assert response.status_code == 200
    assert "Enter why you are reallocating this case" in response.content.decode()
    assert written() == before

    response = client.post(
        url("allocate_confirm", case, reviewer_id=second.pk), {"reason": "Workload"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.reviewer == second


def test_allocation_page_of_a_case_that_is_not_awaiting_allocation_goes_back_to_the_case(
    client, lac, cases
):
    held = cases.make(CaseState.ON_HOLD, **person(3))
    sign_in_verified(client, lac)
    response = client.get(url("allocate", held))
    assert response.status_code == 302 and response.url == url("case", held)


def test_confirm_page_for_someone_not_on_the_register_is_not_found(client, icb, lac, case):
    in_training = make_reviewer(icb, trained=False)
    sign_in_verified(client, lac)
    assert client.get(url("allocate_confirm", case, reviewer_id=in_training.pk)).status_code == 404
    assert client.get(url("allocate_confirm", case, reviewer_id=999999)).status_code == 404


def test_a_reviewer_who_declined_is_shown_with_their_reason(client, icb, lac, case):
    reviewer = reviewer_named(icb, "Pat Jones")
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    allocation_decline(actor=reviewer.user, case=case, reason="On leave until March")
    sign_in_verified(client, lac)
    page = client.get(url("allocate", case)).content.decode()
    assert "Declined this case on" in page and "On leave until March" in page


# -- The reviewer's answer --------------------------------------------------------------------


def test_reviewer_accepts_through_the_confirm_page(client, icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    sign_in_verified(client, reviewer.user)
    page = client.get(url("accept", case)).content.decode()
    assert case.notification.family_name in page and "Decline it instead" in page

    response = client.post(url("accept", case))

    assert response.status_code == 302 and response.url == url("case", case)
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW


def test_reviewer_declines_with_a_reason_through_the_page(client, icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    sign_in_verified(client, reviewer.user)
    before = written()

    response = client.post(url("decline", case), {"reason": "  "})

    assert response.status_code == 200
    assert "Enter why you are declining this review" in response.content.decode()
    assert written() == before

    response = client.post(url("decline", case), {"reason": "No capacity this month"})

    assert response.status_code == 302 and response.url == reverse("casework:my_cases")
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_ALLOCATION and case.reviewer is None
    assert case.events.last().reason == "No capacity this month"
    # Declined, the case is no longer theirs to see.
    assert client.get(url("case", case)).status_code == 404


def test_another_reviewer_cannot_answer_the_offer(client, icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    sign_in_verified(client, make_reviewer(icb).user)
    before = written()
    assert client.post(url("accept", case)).status_code == 404
    assert client.post(url("decline", case), {"reason": "Mine now"}).status_code == 404
    assert written() == before


def test_a_senior_reviewer_who_sees_the_case_cannot_answer_for_the_reviewer(client, icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    sign_in_verified(client, user_with_role(Role.SENIOR_REVIEWER, icb))
    before = written()
    assert client.post(url("accept", case)).status_code == 403
    assert client.post(url("decline", case), {"reason": "For them"}).status_code == 403
    assert written() == before


def test_answering_an_offer_already_answered_goes_back_to_the_list(client, icb, lac, case):
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    allocation_accept(actor=reviewer.user, case=case)
    sign_in_verified(client, reviewer.user)
    before = written()
    response = client.post(url("accept", case))
    assert response.status_code == 302 and response.url == reverse("casework:my_cases")
    assert written() == before


# -- Query counts -----------------------------------------------------------------------------


def _add_reviewers(icb, cases, gp, start: int, count: int) -> None:
    for i in range(start, start + count):
        reviewer = reviewer_named(icb, f"Reviewer {i}", employer=gp if i % 3 == 0 else None)
        ReviewerConflict.objects.create(
            reviewer=reviewer,
            kind=ConflictKind.PERSON,
            person_name=f"Someone {i}",
            declared_at=now(),
        )
        if i % 2:
            cases.make(CaseState.INITIAL_REVIEW, reviewer=reviewer, **person(10 + i))


def _queries(client, page_url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_allocation_page_queries_do_not_grow_with_reviewers(client, icb, lac, cases, case, gp):
    _add_reviewers(icb, cases, gp, start=0, count=2)
    sign_in_verified(client, lac)
    small = _queries(client, url("allocate", case))
    _add_reviewers(icb, cases, gp, start=2, count=12)
    large = _queries(client, url("allocate", case))
    assert "Reviewer 13" in client.get(url("allocate", case)).content.decode()
    assert large == small
    assert small <= 25
