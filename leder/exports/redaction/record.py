"""What a case's record holds that identifies someone: `RecordIdentifiers`, read from the case
by `identifiers_for_case`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from leder.exports.redaction.patterns import _POSTCODE_RE
from leder.exports.redaction.words import NAME_STOPWORDS, STREET_WORDS, fold

# --- What the record holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordIdentifiers:
    """What one case's record holds that identifies someone (the person, family, notifier,
    contacts and staff). Every field is a tuple of strings (or dates) so the value is hashable
    and safe to share between threads."""

    # Whole names as written ("Maya Okafor", "Dr Priya Shah").
    full_names: tuple[str, ...] = ()
    # The parts of those names worth removing on their own ("Maya", "Okafor", "Priya", "Shah").
    name_tokens: tuple[str, ...] = ()
    nhs_numbers: tuple[str, ...] = ()
    # Address lines as held (house and street lines; town lines are kept out, see above).
    addresses: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    # Named places that locate the person: GP practice, care home as written.
    places: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        names: Iterable[str] = (),
        nhs_numbers: Iterable[str] = (),
        addresses: Iterable[str] = (),
        postcodes: Iterable[str] = (),
        dates: Iterable[date | None] = (),
        phones: Iterable[str] = (),
        emails: Iterable[str] = (),
        places: Iterable[str] = (),
    ) -> RecordIdentifiers:
        """Normalise raw values from a record (blank values dropped, duplicates removed, names
        split into tokens, multi-line addresses split into lines)."""
        full = _unique(" ".join(n.split()) for n in names if n and n.strip())
        tokens = _unique(t for n in full for t in name_tokens(n))
        address_parts = _unique(p for a in addresses if a for p in _address_parts(a))
        return cls(
            full_names=full,
            name_tokens=tokens,
            nhs_numbers=_unique(re.sub(r"\D", "", n) for n in nhs_numbers if n),
            addresses=address_parts,
            postcodes=_unique(p.strip().upper() for p in postcodes if p and p.strip()),
            dates=tuple(sorted({d for d in dates if d is not None})),
            phones=_unique(p.strip() for p in phones if p and len(re.sub(r"\D", "", p)) >= 6),
            emails=_unique(e.strip().lower() for e in emails if e and "@" in e),
            places=_unique(" ".join(p.split()) for p in places if p and len(p.strip()) >= 3),
        )

    def merged(self, other: RecordIdentifiers) -> RecordIdentifiers:
        return RecordIdentifiers(
            **{
                name: tuple(dict.fromkeys(getattr(self, name) + getattr(other, name)))
                for name in self.__dataclass_fields__
            }
        )


def _unique(values: Iterable) -> tuple:
    return tuple(dict.fromkeys(v for v in values if v))


def name_tokens(full_name: str) -> list[str]:
    """The parts of a name worth removing on their own: split on spaces and hyphens (but not
    apostrophes: "O'Brien" is one token), without titles, particles or initials."""
    tokens = []
    for part in re.split(r"[\s\-,.()/]+", fold(full_name)):
        part = part.strip("'")
        if len(part) < 2 or part.lower() in NAME_STOPWORDS or not re.search(r"[A-Za-z]", part):
            continue
        tokens.append(part)
    return tokens


def _address_parts(address: str) -> list[str]:
    """House and street lines of an address, plus the whole address when it has several lines."""
    lines = [" ".join(p.split()) for p in re.split(r"[\n,;]+", address)]
    lines = [line for line in lines if line]
    parts = []
    for index, line in enumerate(lines):
        if _POSTCODE_RE.fullmatch(fold(line)):
            continue
        has_street = re.search(rf"\b(?:{STREET_WORDS})\b", line, re.IGNORECASE)
        if index == 0 or has_street or re.search(r"\d", line):
            parts.append(line)
            # "12 Acacia Avenue": the street alone ("Acacia Avenue") is removed too.
            street = re.sub(r"^(?:flat\s+)?\d+[a-z]?\s*,?\s*", "", line, flags=re.IGNORECASE)
            if street != line and len(street) >= 4 and has_street:
                parts.append(street)
    return parts


def _names_of_users(users: Iterable) -> list[str]:
    return [u.full_name for u in users if u is not None and getattr(u, "full_name", "")]


def identifiers_for_case(case) -> RecordIdentifiers:
    """Everything the case's record holds that identifies someone: the person (names, NHS number,
    dates of birth and death, address, postcode, GP practice), every notifier (name, phone,
    e-mail, including those of notifications merged into it), every contact, the reviewer and all
    staff who touched the case (allocations, versions, sections, timeline, learning, contacts,
    records requests), and the dates the record holds."""
    from leder.casework.models import Allocation, CaseEvent, CaseHold
    from leder.notifications.models import NotificationSource
    from leder.reviews.models import (
        Contact,
        ContactAttempt,
        ContactStatement,
        LearningItem,
        RecordsRequest,
        ReviewSection,
        ReviewVersion,
        TimelineEvent,
    )

    notification = case.notification
    names: list[str] = [
        notification.given_name,
        notification.family_name,
        f"{notification.given_name} {notification.family_name}",
    ]
    names += [n for n in re.split(r"[,;/\n]+|\bor\b|\band\b", notification.other_names or "")]
    dates: list[date | None] = [notification.date_of_birth, notification.date_of_death]
    phones: list[str] = []
    emails: list[str] = []
    places = [notification.gp_practice_text]
    if notification.gp_practice_id:
        places.append(notification.gp_practice.name)
    staff: list = []

    sources = NotificationSource.objects.filter(notification=notification).select_related(
        "recorded_by"
    )
    for source in sources:
        names.append(source.name)
        phones.append(source.phone)
        emails.append(source.email)
        staff.append(source.recorded_by)

    user_fields = ("user", "started_by", "ended_by")
    if case.reviewer_id:
        staff.append(case.reviewer.user)
    for allocation in Allocation.objects.filter(case=case).select_related(
        "reviewer__user", "allocated_by"
    ):
        staff += [allocation.reviewer.user, allocation.allocated_by]
    for hold in CaseHold.objects.filter(case=case).select_related(*user_fields[1:]):
        staff += [hold.started_by, hold.ended_by]
    staff += [e.actor for e in CaseEvent.objects.filter(case=case).select_related("actor")]
    dates += [case.notified_on]

    reviews = list(case.reviews.select_related("started_by"))
    staff += [r.started_by for r in reviews]
    staff += [
        v.saved_by
        for v in ReviewVersion.objects.filter(review__in=reviews).select_related("saved_by")
    ]
    staff += [
        s.updated_by
        for s in ReviewSection.objects.filter(review__in=reviews).select_related("updated_by")
    ]
    for contact in Contact.objects.filter(review__in=reviews).select_related("created_by"):
        names.append(contact.name)
        staff.append(contact.created_by)
        # Contacts may gain contact details; take them when the model has them.
        phones.append(getattr(contact, "phone", "") or "")
        emails.append(getattr(contact, "email", "") or "")
    for attempt in ContactAttempt.objects.filter(contact__review__in=reviews).select_related(
        "recorded_by"
    ):
        dates.append(attempt.made_on)
        staff.append(attempt.recorded_by)
    for statement in ContactStatement.objects.filter(review__in=reviews).select_related(
        "updated_by"
    ):
        dates.append(statement.gp_record_reviewed_on)
        staff.append(statement.updated_by)
    for request in RecordsRequest.objects.filter(review__in=reviews).select_related("requested_by"):
        emails.append(request.email)
        staff.append(request.requested_by)
    for event in TimelineEvent.objects.filter(review__in=reviews).select_related(
        "created_by", "updated_by"
    ):
        dates.append(event.occurred_on)
        staff += [event.created_by, event.updated_by]
    staff += [
        i.created_by
        for i in LearningItem.objects.filter(review__in=reviews).select_related("created_by")
    ]

    unique_staff = {u.pk: u for u in staff if u is not None}
    names += _names_of_users(unique_staff.values())
    emails += [u.email for u in unique_staff.values()]
    return RecordIdentifiers.build(
        names=names,
        nhs_numbers=[notification.nhs_number],
        addresses=[notification.address],
        postcodes=[notification.postcode],
        dates=dates,
        phones=phones,
        emails=emails,
        places=places,
    )
