"""Registers the review sections of the contacts part: "Contacts" (the people the reviewer talked
to, and the minimum of an initial review) and "Records from organisations"."""

from dataclasses import dataclass

from django.utils import timezone

from leder.organisations.models import OrganisationKind
from leder.reviews import sections
from leder.reviews.models import (
    Contact,
    ContactKind,
    ContactOutcome,
    ContactStatement,
    RecordsRequest,
    RecordsRequestStatus,
    Review,
    ReviewKind,
)

# Who counts for each part of the minimum of an initial review (DOMAIN.md, "The lifecycle").
CLOSE_TO_THE_PERSON = frozenset({ContactKind.FAMILY, ContactKind.FRIEND})
GP = frozenset({ContactKind.GP})
OTHERS_IN_THEIR_CARE = frozenset({ContactKind.PAID_CARER, ContactKind.PROFESSIONAL})

MISSING_FAMILY = (
    "Record a conversation with a family member or someone close to the person, or why no "
    "conversation was possible"
)
MISSING_GP = (
    "Record a conversation with the GP, or that you reviewed the GP record (records received "
    "from a GP practice count)"
)
MISSING_OTHER = (
    "Record a conversation with one other person involved in the person's care, such as a paid "
    "carer or another professional"
)


@dataclass(frozen=True)
class ConversationFacts:
    """What the minimum of an initial review is decided on."""

    # The kinds of contact the reviewer spoke with (at least one attempt "spoke with them").
    spoke_with: frozenset[str]
    family_not_possible: bool = False
    gp_record_reviewed: bool = False
    gp_records_received: bool = False


def minimum_missing(facts: ConversationFacts) -> list[str]:
    """The parts of the minimum of an initial review not yet met, each as a plain sentence:
    a conversation with family or someone close (or a reason none was possible); with the GP
    (or the GP record reviewed); and with one other person involved in the person's care."""
    missing = []
    if not (facts.spoke_with & CLOSE_TO_THE_PERSON or facts.family_not_possible):
        missing.append(MISSING_FAMILY)
    if not (facts.spoke_with & GP or facts.gp_record_reviewed or facts.gp_records_received):
        missing.append(MISSING_GP)
    if not facts.spoke_with & OTHERS_IN_THEIR_CARE:
        missing.append(MISSING_OTHER)
    return missing


def conversation_facts(review: Review) -> ConversationFacts:
    """The facts `minimum_missing` needs, read from the review's rows in three queries."""
    spoke_with = frozenset(
        Contact.objects.filter(review=review, attempts__outcome=ContactOutcome.SPOKE)
        .values_list("kind", flat=True)
        .distinct()
    )
    statement = ContactStatement.objects.filter(review=review).first()
    gp_records_received = RecordsRequest.objects.filter(
        review=review,
        status=RecordsRequestStatus.RECEIVED,
        organisation__kind=OrganisationKind.GP_PRACTICE,
    ).exists()
    return ConversationFacts(
        spoke_with=spoke_with,
        family_not_possible=bool(statement and statement.family_not_possible_reason.strip()),
        gp_record_reviewed=bool(statement and statement.gp_record_reviewed_on),
        gp_records_received=gp_records_received,
    )


def contacts_missing(review: Review) -> list[str]:
    # The minimum is of an initial review; a focused review adds evidence to one that met it.
    if review.kind != ReviewKind.INITIAL:
        return []
    return minimum_missing(conversation_facts(review))


def contacts_snapshot(review: Review) -> dict:
    contacts = Contact.objects.filter(review=review).select_related("organisation")
    statement = ContactStatement.objects.filter(review=review).first()
    return {
        "contacts": [
            {
                "name": contact.name,
                "relationship": contact.get_kind_display(),
                "organisation": (
                    contact.organisation.name if contact.organisation else contact.organisation_name
                ),
                "role": contact.role,
                "telephone": contact.telephone,
                "email": contact.email,
                "address": contact.address,
                "postcode": contact.postcode,
                "preferred_contact": contact.get_preferred_contact_display(),
                "language": contact.language,
                "needs_interpreter": contact.needs_interpreter,
                "easy_read": contact.easy_read,
                "large_print": contact.large_print,
                "advocate": {
                    "name": contact.advocate_name,
                    "telephone": contact.advocate_telephone,
                    "email": contact.advocate_email,
                },
                "notes": contact.notes,
                "attempts": [
                    {
                        "date": attempt.made_on.isoformat(),
                        "method": attempt.get_method_display(),
                        "outcome": attempt.get_outcome_display(),
                        "notes": attempt.notes,
                    }
                    for attempt in contact.attempts.all()
                ],
            }
            for contact in contacts.prefetch_related("attempts")
        ],
        "no_conversation_with_family_because": (
            statement.family_not_possible_reason if statement else ""
        ),
        "gp_record_reviewed_on": (
            statement.gp_record_reviewed_on.isoformat()
            if statement and statement.gp_record_reviewed_on
            else ""
        ),
    }


def records_missing(review: Review) -> list[str]:
    outstanding = RecordsRequest.objects.filter(
        review=review, status=RecordsRequestStatus.OUTSTANDING
    ).select_related("organisation")
    return [
        f"Records requested from {request.organisation.name} are outstanding: mark them "
        "received or withdraw the request"
        for request in outstanding
    ]


def records_snapshot(review: Review) -> dict:
    requests = (
        RecordsRequest.objects.filter(review=review)
        .select_related("organisation")
        .prefetch_related("files")
    )
    return {
        "requests": [
            {
                "organisation": request.organisation.name,
                "email": request.email,
                "requested": request.requested,
                "requested_on": timezone.localdate(request.requested_at).isoformat(),
                "status": request.get_status_display(),
                "files": [
                    {"name": f.original_name, "size": f.size, "sha256": f.sha256}
                    for f in request.files.all()
                ],
            }
            for request in requests
        ]
    }


BOTH_KINDS = frozenset({ReviewKind.INITIAL.value, ReviewKind.FOCUSED.value})

CONTACTS = sections.register(
    sections.Section(
        key="contacts",
        title="Contacts",
        kinds=BOTH_KINDS,
        order=20,
        url_name="reviews:contacts",
        missing=contacts_missing,
        snapshot=contacts_snapshot,
        hint=(
            "Family, friends, carers and professionals you talked to or tried to reach, each "
            "attempt with its date, method and outcome"
        ),
    )
)

RECORDS = sections.register(
    sections.Section(
        key="records",
        title="Records from organisations",
        kinds=BOTH_KINDS,
        order=50,
        url_name="reviews:records",
        missing=records_missing,
        snapshot=records_snapshot,
        hint="Records requested from each organisation, through a secure upload link",
    )
)
