"""The contacts section: the minimum of an initial review (hypothesis over the inputs), the
services (permission, validation, versions, audit), and the pages with their permission matrix."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now, today
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import (
    Contact,
    ContactAttempt,
    ContactKind,
    ContactOutcome,
    ContactStatement,
    RecordsRequest,
    RecordsRequestStatus,
    ReviewVersion,
)
from leder.reviews.parts.contacts import (
    MISSING_FAMILY,
    MISSING_GP,
    MISSING_OTHER,
    ConversationFacts,
    contacts_missing,
    minimum_missing,
)
from leder.reviews.services import contacts as services
from leder.reviews.services.records import review_missing, review_start

pytestmark = pytest.mark.django_db

_ods = itertools.count(1)


def organisation(kind=OrganisationKind.GP_PRACTICE, name="Riverside Surgery") -> Organisation:
    return Organisation.objects.create(ods_code=f"TSTC{next(_ods):05d}", name=name, kind=kind)


def url(name: str, case, kind: str = "initial", **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, "kind": kind, **kwargs})


def written():
    """Everything a contacts write leaves behind (views are not writes)."""
    return (
        Contact.objects.count(),
        ContactAttempt.objects.count(),
        ContactStatement.objects.count(),
        ReviewVersion.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# -- The minimum of an initial review ---------------------------------------------------------

KINDS = st.sampled_from(ContactKind.values)
OUTCOMES = st.lists(st.sampled_from(ContactOutcome.values), max_size=3)


def expected(contacts, *, family_reason, gp_tick, gp_records) -> tuple[bool, bool, bool]:
    """The rule written out independently: (a) family, (b) GP, (c) someone else in their care."""
    spoke = [kind for kind, outcomes in contacts if "spoke" in outcomes]
    a = any(k in ("family", "friend") for k in spoke) or family_reason
    b = "gp" in spoke or gp_tick or gp_records
    c = any(k in ("paid_carer", "professional") for k in spoke)
    return a, b, c


@given(
    contacts=st.lists(st.tuples(KINDS, OUTCOMES), max_size=6),
    family_reason=st.booleans(),
    gp_tick=st.booleans(),
    gp_records=st.booleans(),
)
def test_minimum_missing_names_exactly_the_parts_not_met(
    contacts, family_reason, gp_tick, gp_records
):
    facts = ConversationFacts(
        spoke_with=frozenset(k for k, outcomes in contacts if ContactOutcome.SPOKE in outcomes),
        family_not_possible=family_reason,
        gp_record_reviewed=gp_tick,
        gp_records_received=gp_records,
    )
    a, b, c = expected(
        contacts, family_reason=family_reason, gp_tick=gp_tick, gp_records=gp_records
    )
    missing = minimum_missing(facts)
    assert (MISSING_FAMILY in missing) == (not a)
    assert (MISSING_GP in missing) == (not b)
    assert (MISSING_OTHER in missing) == (not c)
    assert (missing == []) == (a and b and c)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    contacts=st.lists(st.tuples(KINDS, OUTCOMES), max_size=5),
    family_reason=st.sampled_from(["", "   ", "No family; the care home staff were closest"]),
    gp_tick=st.booleans(),
    gp_request=st.sampled_from(
        [None, ("gp_practice", "received"), ("gp_practice", "outstanding"), ("trust", "received")]
    ),
)
def test_the_contacts_section_is_complete_exactly_when_the_minimum_is_met(
    review, reviewer, contacts, family_reason, gp_tick, gp_request
):
    # Each example starts from an empty section (the review fixture is shared by examples).
    Contact.objects.filter(review=review).delete()
    ContactStatement.objects.filter(review=review).delete()
    RecordsRequest.objects.filter(review=review).delete()
    for i, (kind, outcomes) in enumerate(contacts):
        contact = Contact.objects.create(
            review=review, name=f"C{i}", kind=kind, created_at=now(), created_by=reviewer
        )
        for outcome in outcomes:
            ContactAttempt.objects.create(
                contact=contact,
                made_on=today(),
                method="phone",
                outcome=outcome,
                recorded_at=now(),
                recorded_by=reviewer,
            )
    if family_reason or gp_tick:
        ContactStatement.objects.create(
            review=review,
            family_not_possible_reason=family_reason,
            gp_record_reviewed_on=today() if gp_tick else None,
            updated_at=now(),
            updated_by=reviewer,
        )
    if gp_request:
        kind, status = gp_request
        RecordsRequest.objects.create(
            review=review,
            organisation=organisation(kind=kind),
            email="records@example.nhs.uk",
            requested="GP records",
            requested_at=now(),
            requested_by=reviewer,
            token_hash=f"{next(_ods):064d}",
            expires_at=now() + timedelta(days=14),
            status=status,
        )
    a, b, c = expected(
        contacts,
        family_reason=bool(family_reason.strip()),
        gp_tick=gp_tick,
        gp_records=gp_request == ("gp_practice", "received"),
    )
    assert (contacts_missing(review) == []) == (a and b and c)


def test_each_missing_part_is_a_plain_sentence_in_the_review_missing_list(review):
    missing = review_missing(review)["Contacts"]
    assert missing == [MISSING_FAMILY, MISSING_GP, MISSING_OTHER]
    assert all(m[0].isupper() and "_" not in m for m in missing)


def test_the_minimum_is_of_an_initial_review_only(cases, lac):
    case = cases.make(CaseState.FOCUSED_REVIEW)
    focused = review_start(actor=case.reviewer.user, case=case, kind="focused")
    assert contacts_missing(focused) == []


def test_a_conversation_with_each_meets_the_minimum_through_the_services(review, reviewer):
    for kind in ("family", "gp", "paid_carer"):
        contact = services.contact_add(actor=reviewer, review=review, name=kind, kind=kind)
        services.contact_attempt_add(
            actor=reviewer, contact=contact, made_on=today(), method="phone", outcome="spoke"
        )
    assert contacts_missing(review) == []


def test_a_reason_and_a_reviewed_gp_record_stand_in_for_those_conversations(review, reviewer):
    carer = services.contact_add(actor=reviewer, review=review, name="Sam", kind="paid_carer")
    services.contact_attempt_add(
        actor=reviewer, contact=carer, made_on=today(), method="in_person", outcome="spoke"
    )
    services.family_contact_not_possible_record(
        actor=reviewer, review=review, reason="No living relatives were found"
    )
    assert contacts_missing(review) == [MISSING_GP]
    services.gp_record_reviewed_record(actor=reviewer, review=review, reviewed_on=today())
    assert contacts_missing(review) == []
    services.family_contact_not_possible_withdraw(actor=reviewer, review=review)
    assert contacts_missing(review) == [MISSING_FAMILY]


# -- Services ---------------------------------------------------------------------------------


def test_adding_a_contact_writes_the_contact_a_version_and_an_audit_row(review, reviewer):
    gp = organisation()
    contact = services.contact_add(
        actor=reviewer,
        review=review,
        name="Dr Okafor",
        kind="gp",
        organisation=gp,
        organisation_name="ignored when one is chosen",
        role="Named GP",
    )
    assert (contact.organisation, contact.organisation_name) == (gp, "")
    version = review.versions.get()
    assert version.section_key == "contacts"
    assert version.snapshot["contacts"]["contacts"][0]["name"] == "Dr Okafor"
    assert version.snapshot["contacts"]["contacts"][0]["organisation"] == "Riverside Surgery"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.Contact")
    assert event.actor == reviewer and "Dr Okafor" not in event.summary


def test_an_attempt_is_a_version_with_what_changed(review, reviewer):
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    services.contact_attempt_add(
        actor=reviewer, contact=contact, made_on=today(), method="phone", outcome="message"
    )
    version = review.versions.order_by("-number").first()
    assert version.number == 2
    paths = {c["path"] for c in version.changes}
    assert "contacts[1].attempts[1].outcome" in paths


def test_an_unchanged_contact_save_writes_nothing(review, reviewer):
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    before = written()
    services.contact_update(actor=reviewer, contact=contact, name="Ann ", kind="family")
    assert written() == before


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"name": " ", "kind": "family"}, "name"),
        ({"name": "Ann", "kind": "cousin"}, "kind"),
    ],
)
def test_a_contact_needs_a_name_and_a_relationship(review, reviewer, fields, error):
    before = written()
    with pytest.raises(ValidationError) as raised:
        services.contact_add(actor=reviewer, review=review, **fields)
    assert error in raised.value.message_dict
    assert written() == before


def test_an_attempt_cannot_be_in_the_future(review, reviewer):
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    before = written()
    with pytest.raises(ValidationError) as raised:
        services.contact_attempt_add(
            actor=reviewer,
            contact=contact,
            made_on=today() + timedelta(days=1),
            method="phone",
            outcome="spoke",
        )
    assert "made_on" in raised.value.message_dict
    assert written() == before


def test_the_reason_no_conversation_was_possible_is_required(review, reviewer):
    with pytest.raises(ValidationError):
        services.family_contact_not_possible_record(actor=reviewer, review=review, reason="  ")
    assert not ContactStatement.objects.exists()


def test_only_the_allocated_reviewer_writes_and_only_before_submission(
    review, reviewer, lac, cases
):
    senior = user_with_role(Role.SENIOR_REVIEWER, review.case.notification.icb)
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    before = written()
    for actor in (lac, senior):
        with pytest.raises(PermissionDenied):
            services.contact_add(actor=actor, review=review, name="X", kind="friend")
        with pytest.raises(PermissionDenied):
            services.contact_attempt_add(
                actor=actor, contact=contact, made_on=today(), method="phone", outcome="spoke"
            )
        with pytest.raises(PermissionDenied):
            services.family_contact_not_possible_record(actor=actor, review=review, reason="x")
    cases.step(review.case, "submit_for_qa")
    review.case.refresh_from_db()
    before = written()
    with pytest.raises(PermissionDenied):
        services.contact_update(actor=reviewer, contact=contact, name="Anne", kind="family")
    assert written() == before


# -- Pages ------------------------------------------------------------------------------------


def test_the_reviewer_adds_a_contact_and_an_attempt_through_the_pages(client, review, reviewer):
    case = review.case
    gp = organisation()
    case.involved_organisations.add(gp)
    sign_in_verified(client, reviewer)
    page = client.get(url("contact_add", case)).content.decode()
    assert "Riverside Surgery" in page

    response = client.post(
        url("contact_add", case),
        {"name": "Dr Okafor", "kind": "gp", "organisation": str(gp.pk), "role": "GP"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.organisation == gp

    response = client.post(
        url("contact_attempt_add", case, contact_id=contact.pk),
        {
            "made_on_day": str(today().day),
            "made_on_month": str(today().month),
            "made_on_year": str(today().year),
            "method": "phone",
            "outcome": "spoke",
            "notes": "Talked about the last year",
        },
    )
    assert response.status_code == 302
    page = client.get(url("contacts", case)).content.decode()
    assert (
        "Dr Okafor" in page and "Spoke with them" in page and "Talked about the last year" in page
    )
    assert MISSING_FAMILY in page and MISSING_GP not in page


def test_bad_input_shows_the_error_keeps_what_was_typed_and_writes_nothing(
    client, review, reviewer
):
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    sign_in_verified(client, reviewer)
    before = written()
    response = client.post(
        url("contact_attempt_add", review.case, contact_id=contact.pk),
        {
            "made_on_day": "31",
            "made_on_month": "2",
            "made_on_year": str(today().year),
            "method": "phone",
            "notes": "Rang twice, no reply",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Date of the attempt must be a real date" in page
    assert "Select what happened" in page
    assert "Rang twice, no reply" in page
    assert 'value="31"' in page
    assert written() == before

    response = client.post(url("contacts_family_not_possible", review.case), {"reason": ""})
    assert "Enter why no conversation with family" in response.content.decode()
    assert written() == before


def test_an_attempt_in_the_future_is_refused_on_the_page(client, review, reviewer):
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    sign_in_verified(client, reviewer)
    tomorrow = today() + timedelta(days=1)
    response = client.post(
        url("contact_attempt_add", review.case, contact_id=contact.pk),
        {
            "made_on_day": str(tomorrow.day),
            "made_on_month": str(tomorrow.month),
            "made_on_year": str(tomorrow.year),
            "method": "phone",
            "outcome": "spoke",
        },
    )
    assert "must be today or in the past" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_a_contact_of_another_review_is_not_found(client, review, reviewer, cases):
    other_case = cases.make(CaseState.INITIAL_REVIEW)
    other = review_start(actor=other_case.reviewer.user, case=other_case)
    theirs = services.contact_add(
        actor=other_case.reviewer.user, review=other, name="Theirs", kind="family"
    )
    sign_in_verified(client, reviewer)
    assert client.get(url("contact_edit", review.case, contact_id=theirs.pk)).status_code == 404


def test_viewing_the_contacts_page_is_audited_once(client, review, reviewer):
    sign_in_verified(client, reviewer)
    client.get(url("contacts", review.case))
    views = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert views.count() == 1 and review.case.reference in views.get().summary


def test_the_reviewer_is_sent_back_to_the_workspace_after_submission(
    client, review, reviewer, cases
):
    cases.step(review.case, "submit_for_qa")
    sign_in_verified(client, reviewer)
    response = client.get(url("contact_add", review.case))
    assert response.status_code == 302
    assert response.url == url("workspace", review.case)
    assert client.get(url("contacts", review.case)).status_code == 200  # still reads


EDIT_PAGES = ["contact_add", "contacts_family_not_possible", "contacts_gp_record"]


@pytest.fixture
def matrix(review, reviewer, icb, lac):
    """Who is who for the permission matrix."""
    other_icb = make_icb()
    return {
        "reviewer": reviewer,
        "lac": lac,
        "senior": user_with_role(Role.SENIOR_REVIEWER, icb),
        "other reviewer": CaseMaker(icb=icb, lac=lac).make(CaseState.INITIAL_REVIEW).reviewer.user,
        "other icb lac": user_with_role(Role.LAC, other_icb),
        "other icb senior": user_with_role(Role.SENIOR_REVIEWER, other_icb),
        "icb lead": user_with_role(Role.ICB_LEAD, icb),
        "no role": user_with_role(Role.ADMINISTRATOR),
    }


# (read page, edit page) status for each user
EXPECTED = {
    "reviewer": (200, 200),
    "lac": (200, 403),
    "senior": (200, 403),
    "other reviewer": (404, 404),
    "other icb lac": (404, 404),
    "other icb senior": (404, 404),
    "icb lead": (403, 403),
    "no role": (403, 403),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_permission_matrix(client, review, matrix, who):
    contact = services.contact_add(
        actor=matrix["reviewer"], review=review, name="Ann", kind="family"
    )
    sign_in_verified(client, matrix[who])
    read, edit = EXPECTED[who]
    assert client.get(url("contacts", review.case)).status_code == read
    for name in EDIT_PAGES:
        assert client.get(url(name, review.case)).status_code == edit, name
    for name in ("contact_edit", "contact_attempt_add"):
        assert client.get(url(name, review.case, contact_id=contact.pk)).status_code == edit
    before = written()
    response = client.post(url("contact_add", review.case), {"name": "Zed", "kind": "friend"})
    assert response.status_code == (302 if who == "reviewer" else edit)
    if who != "reviewer":
        assert written() == before


def test_read_only_users_see_no_forms_or_edit_links(client, review, reviewer, lac):
    services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    sign_in_verified(client, lac)
    page = client.get(url("contacts", review.case)).content.decode()
    assert "Ann" in page
    assert url("contact_add", review.case) not in page
    assert "Record an attempt" not in page


def test_signed_out_and_password_only_users_are_sent_to_sign_in(client, review, reviewer):
    assert client.get(url("contacts", review.case)).status_code == 302
    sign_in_password_only(client, reviewer)
    response = client.get(url("contacts", review.case))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def test_an_unknown_kind_or_an_unstarted_review_is_not_found(client, case, reviewer):
    sign_in_verified(client, reviewer)
    assert client.get(url("contacts", case)).status_code == 404  # not started yet
    assert client.get(url("contacts", case, kind="other")).status_code == 404


def test_records_count_for_the_gp_part_only_when_received_from_a_gp_practice(review, reviewer):
    practice, trust = organisation(), organisation(kind=OrganisationKind.TRUST, name="Trust")
    common = {
        "review": review,
        "email": "r@example.nhs.uk",
        "requested": "Records",
        "requested_at": now(),
        "requested_by": reviewer,
        "expires_at": now() + timedelta(days=14),
    }
    RecordsRequest.objects.create(
        organisation=trust, token_hash="a" * 64, status=RecordsRequestStatus.RECEIVED, **common
    )
    RecordsRequest.objects.create(organisation=practice, token_hash="b" * 64, **common)
    assert MISSING_GP in contacts_missing(review)
    RecordsRequest.objects.filter(organisation=practice).update(
        status=RecordsRequestStatus.RECEIVED
    )
    assert MISSING_GP not in contacts_missing(review)
