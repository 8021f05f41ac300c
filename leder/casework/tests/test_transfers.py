"""Issue 15: a death moves to another ICB. Its LAC (or the regional coordinator) asks with a
reason; the receiving LAC accepts (the old ICB's allocations end, the clock runs on, the history
says where it has been) or returns it with a reason; both ICBs' LACs are told."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import Allocation, AllocationStatus, Case, CaseState, Transfer
from leder.casework.services import transfers
from leder.casework.services.allocation import allocation_accept, case_allocate
from leder.casework.tests.factories import make_reviewer
from leder.organisations.areas import AreaSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_lac(other_icb):
    return user_with_role(Role.LAC, other_icb)


def ask(lac, case, other_icb, reason="Lived in a care home in the other area"):
    return transfers.transfer_request(
        actor=lac, notification=case.notification, to_icb=other_icb, reason=reason
    )


def test_an_accepted_transfer_moves_the_case_ends_allocations_and_keeps_the_clock(
    icb, other_icb, lac, other_lac, cases, django_capture_on_commit_callbacks
):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    reviewer = make_reviewer(icb)
    case_allocate(actor=lac, case=case, reviewer=reviewer)
    allocation_accept(actor=reviewer.user, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_REVIEW
    due_on, notified_on = case.due_on, case.notified_on

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transfer = ask(lac, case, other_icb)
    assert {*mail.outbox[0].to} == {lac.email, other_lac.email}
    assert case.notification.family_name not in mail.outbox[0].body
    case.refresh_from_db()
    assert case.notification.icb == icb  # nothing moves until accepted

    with django_capture_on_commit_callbacks(execute=True):
        transfers.transfer_accept(actor=other_lac, transfer=transfer)
    case.refresh_from_db()
    assert case.notification.icb == other_icb
    assert case.notification.area_source == AreaSource.TRANSFERRED
    assert case.state == CaseState.AWAITING_ALLOCATION
    assert case.reviewer is None
    assert (case.due_on, case.notified_on) == (due_on, notified_on)
    allocation = Allocation.objects.get(case=case)
    assert allocation.status == AllocationStatus.WITHDRAWN
    assert "Transferred to Other ICB" in allocation.response_reason
    event = case.events.last()
    assert event.transition == "transfer"
    assert (event.from_state, event.to_state) == (CaseState.INITIAL_REVIEW, "awaiting_allocation")
    assert (
        event.details["from_icb"] == icb.ods_code and event.details["to_icb"] == other_icb.ods_code
    )
    assert len(mail.outbox) == 2 and "accepted" in mail.outbox[1].subject
    # The old LAC can no longer act on it; the new one can.
    from leder.accounts import rules

    assert not rules.can_triage(lac, icb_id=case.notification.icb_id)
    assert rules.can_triage(other_lac, icb_id=case.notification.icb_id)


def test_a_returned_transfer_moves_nothing_and_needs_a_reason(
    icb, other_icb, lac, other_lac, cases
):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    transfer = ask(lac, case, other_icb)
    with pytest.raises(ValidationError):
        transfers.transfer_return(actor=other_lac, transfer=transfer, reason=" ")
    transfers.transfer_return(actor=other_lac, transfer=transfer, reason="Not our area")
    case.refresh_from_db()
    assert case.notification.icb == icb
    assert Transfer.objects.get().status == "returned"
    # A new transfer can be asked once the first is decided.
    assert ask(lac, case, other_icb).status == "pending"


def test_a_notification_without_a_case_moves_too(icb, other_icb, lac, other_lac, cases):
    notification = cases.notification()
    transfer = transfers.transfer_request(
        actor=lac, notification=notification, to_icb=other_icb, reason="Wrong area"
    )
    transfers.transfer_accept(actor=other_lac, transfer=transfer)
    notification.refresh_from_db()
    assert notification.icb == other_icb


def test_a_held_case_moves_and_resumes_to_awaiting_allocation(
    icb, other_icb, lac, other_lac, cases
):
    case = cases.make(CaseState.ALLOCATED)
    from leder.casework.services.lifecycle import case_transition

    case_transition(actor=lac, case=case, transition="hold", reason="Inquest")
    transfers.transfer_accept(actor=other_lac, transfer=ask(lac, case, other_icb))
    case.refresh_from_db()
    assert case.state == CaseState.ON_HOLD
    assert case.held_from_state == CaseState.AWAITING_ALLOCATION


def test_who_may_ask_and_decide(icb, other_icb, lac, other_lac, cases):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    with pytest.raises(PermissionDenied):
        ask(other_lac, case, other_icb)  # not their death
    from leder.accounts.tests.factories import region

    icb.region = region()
    icb.save()
    case = Case.objects.select_related("notification__icb").get(pk=case.pk)
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, icb.region)
    transfer = ask(coordinator, case, other_icb)
    with pytest.raises(PermissionDenied):
        transfers.transfer_accept(actor=lac, transfer=transfer)  # not the receiving ICB
    with pytest.raises(ValidationError):
        ask(lac, case, other_icb)  # one pending at a time


def test_a_case_past_the_initial_review_stays(icb, other_icb, lac, cases):
    case = cases.make(CaseState.QUALITY_ASSURANCE)
    with pytest.raises(ValidationError) as refused:
        ask(lac, case, other_icb)
    assert "stays with its ICB" in str(refused.value)
    with pytest.raises(ValidationError):
        transfers.transfer_request(
            actor=lac, notification=cases.notification(), to_icb=icb, reason="same"
        )


def test_the_pages_ask_decide_and_show_where_the_case_has_been(
    client, icb, other_icb, lac, other_lac, cases
):
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    sign_in_verified(client, lac)
    page = client.get(reverse("casework:case", args=[case.reference])).content.decode()
    url = reverse("casework:transfer_request", args=[case.reference])
    assert url in page
    response = client.post(url, {"to_icb": str(other_icb.pk), "reason": "Care home there"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()

    client.logout()
    sign_in_verified(client, other_lac)
    listing = client.get(reverse("casework:transfers")).content.decode()
    decide_url = reverse("casework:transfer_decide", args=[transfer.pk])
    assert decide_url in listing
    assert client.post(decide_url, {"decision": "return", "reason": ""}).status_code == 200
    assert client.post(decide_url, {"decision": "accept", "reason": ""}).status_code == 302
    page = client.get(reverse("casework:case", args=[case.reference])).content.decode()
    assert "Where this case has been" in page
    assert "Transferred from Test ICB to Other ICB" in page


def test_a_regional_coordinator_transfers_through_the_pages(
    client, icb, other_icb, lac, other_lac, cases, django_capture_on_commit_callbacks
):
    """Item 2 of issue 15: "by its LAC or a regional coordinator". The coordinator finds the
    death by its reference (never by who it was), sees where it stands, and asks; the receiving
    LAC decides; the coordinator is told with both LACs."""
    from leder.accounts.tests.factories import region
    from leder.core.models import AuditEvent

    icb.region = region()
    icb.save()
    case = cases.make(CaseState.AWAITING_ALLOCATION)
    elsewhere = user_with_role(Role.REGIONAL_COORDINATOR, region(name="Elsewhere Region"))
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, icb.region)
    listing = reverse("casework:transfers")

    # Another region's coordinator: the same answer as for a reference that does not exist.
    sign_in_verified(client, elsewhere)
    theirs = client.get(listing, {"reference": case.reference}).content.decode()
    nobody = client.get(listing, {"reference": "LDR-2099-999999"}).content.decode()
    assert "No death in your ICBs or regions has that reference" in theirs

    def same(text, reference):
        return re.sub(r'nonce="[^"]*"', "", text).replace(reference, "X")

    assert same(theirs, case.reference) == same(nobody, "LDR-2099-999999")
    url = reverse("casework:transfer_request", args=[case.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"to_icb": other_icb.pk, "reason": "x"}).status_code == 404
    client.logout()

    sign_in_verified(client, coordinator)
    found = client.get(listing, {"reference": case.reference.lower()})
    assert found.status_code == 302 and found["Location"] == url
    page = client.get(url).content.decode()
    assert "Awaiting allocation" in page and icb.display_name in page
    person = case.notification
    assert person.family_name not in page and person.nhs_number not in page
    assert AuditEvent.objects.filter(
        actor=coordinator, object_id=str(person.pk), summary__contains="to transfer it"
    ).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"to_icb": str(other_icb.pk), "reason": "Lived there"})
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.requested_by == coordinator
    assert {*mail.outbox[0].to} == {lac.email, other_lac.email, coordinator.email}
    client.logout()

    sign_in_verified(client, other_lac)
    decide = reverse("casework:transfer_decide", args=[transfer.pk])
    assert client.post(decide, {"decision": "accept", "reason": ""}).status_code == 302
    case.refresh_from_db()
    assert case.notification.icb == other_icb
    client.logout()

    # The coordinator sees where it went; it is no longer theirs to move.
    sign_in_verified(client, coordinator)
    listing_page = client.get(listing).content.decode()
    assert case.reference in listing_page and "Accepted" in listing_page
    assert client.get(url).status_code == 404
