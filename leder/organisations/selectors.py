"""Reads of organisations, successions and what restructures left to decide.

Organisations are not personal data, so these are not scoped to a user. `unplaced_records_open`
lists references only (a notification's reference, a user's e-mail and role), never identities.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from leder.core.time import today
from leder.organisations import followers
from leder.organisations.errors import AmbiguousSuccessionError
from leder.organisations.models import (
    Organisation,
    OrganisationKind,
    Succession,
    UnplacedRecord,
    UnplacedStatus,
)


def normalise_ods_code(value: str | None) -> str:
    """ODS codes are stored upper-case without spaces; people type them otherwise."""
    return (value or "").strip().upper()


def organisation_by_ods_code(*, ods_code: str) -> Organisation | None:
    """The organisation with this ODS code (any case, spaces trimmed), open or closed, or None."""
    return Organisation.objects.filter(ods_code=normalise_ods_code(ods_code)).first()


def organisation_current(*, ods_code: str, on: date | None = None) -> Organisation | None:
    """The organisation holding, on `on` (default today, Europe/London), the work of the
    organisation with this ODS code, following *applied* successions from any historic code: an
    old CCG code → its April 2021 CCG → its ICB → a 2026 successor.

    Guarantees:
    - None if the code is unknown. The reference data lacks some old CCG codes, so unknown is
      not the same as invalid.
    - Pending successions and those effective after `on` are not followed: until a restructure is
      applied, the predecessor still holds the work.
    - A code that was split (several successors on one date) raises `AmbiguousSuccessionError`
      naming the successors, rather than returning one of them or None: the caller must place the
      record another way (its GP practice), and must not mistake a split for an unknown code.
    - The result may be closed if it closed without a recorded succession.
    """
    day = on or today()
    organisation = organisation_by_ods_code(ods_code=ods_code)
    seen = set()
    while organisation is not None:
        if organisation.pk in seen:
            raise RuntimeError(f"Successions form a loop through {organisation.ods_code}")
        seen.add(organisation.pk)
        successions = list(
            Succession.objects.filter(
                predecessor=organisation, applied_at__isnull=False, effective_on__lte=day
            )
            .select_related("successor")
            .order_by("effective_on", "successor__ods_code")
        )
        if not successions:
            return organisation
        successors = {s.successor.pk: s.successor for s in successions}
        if len(successors) > 1:
            raise AmbiguousSuccessionError(
                organisation=organisation,
                successors=list(successors.values()),
                effective_on=successions[0].effective_on,
            )
        organisation = successions[0].successor
    return None


def organisations_open(*, kind: OrganisationKind | str | None = None, on: date | None = None):
    """Organisations open on `on` (default today), optionally of one kind, by name. The choices
    a form should offer: a new record must not point at a closed organisation."""
    organisations = Organisation.objects.open_on(on or today())
    if kind is not None:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("name")


def icbs_open(*, on: date | None = None) -> QuerySet[Organisation]:
    """The ICBs open on `on` (default today), by name, with their region loaded."""
    return organisations_open(kind=OrganisationKind.ICB, on=on).select_related("region")


def successions_pending(*, effective_on: date | None = None) -> QuerySet[Succession]:
    """Successions not yet applied, optionally for one date, with both organisations loaded."""
    successions = Succession.objects.filter(applied_at__isnull=True)
    if effective_on is not None:
        successions = successions.filter(effective_on=effective_on)
    return successions.select_related("predecessor", "successor")


def restructure_dates_pending() -> list[date]:
    """The dates of restructures with successions still to apply, earliest first."""
    return sorted(
        set(
            Succession.objects.filter(applied_at__isnull=True).values_list(
                "effective_on", flat=True
            )
        )
    )


def unplaced_records_open(
    *, held_by: Organisation | None = None, follower: str | None = None
) -> QuerySet[UnplacedRecord]:
    """Records a restructure could not place and nobody has decided yet, oldest restructure
    first. For a local area contact: `held_by` their ICB and `follower="notification"`."""
    records = UnplacedRecord.objects.filter(status=UnplacedStatus.OPEN).select_related(
        "predecessor", "held_by"
    )
    if held_by is not None:
        records = records.filter(held_by=held_by)
    if follower is not None:
        records = records.filter(follower=follower)
    return records


@dataclass(frozen=True)
class ClosedPointer:
    follower: str
    record_id: int
    reference: str
    organisation: str


def records_pointing_at_closed_organisations(
    *, organisations: list[Organisation] | None = None, limit: int = 100
) -> list[ClosedPointer]:
    """Live records of every registered follower that point at a closed organisation (only at
    `organisations`, if given), up to `limit`. Must always be empty: a restructure that would
    leave one is rolled back."""
    found: list[ClosedPointer] = []
    for follower in followers.all_followers():
        records = follower.pointing_at_closed()
        if organisations is not None:
            records = records.filter(**{f"{follower.field}__in": organisations})
        for record in records.order_by("pk")[: limit - len(found)]:
            found.append(
                ClosedPointer(
                    follower=follower.name,
                    record_id=record.pk,
                    reference=follower.reference(record),
                    organisation=getattr(record, follower.field).ods_code,
                )
            )
        if len(found) >= limit:
            break
    return found


def icb_contact_details(icb: Organisation | None):
    """The LeDeR contact details `icb`'s local area contact has set, or None. Not personal data,
    so not scoped: e-mails, letters and public pages show them. Use
    `presenters.icb_contact(icb)` to show them."""
    if icb is None:
        return None
    from leder.organisations.models import IcbContactDetails

    return IcbContactDetails.objects.filter(icb=icb).first()


ORGANISATION_RESULTS_LIMIT = 25


def organisations_matching(
    *,
    query: str,
    within: QuerySet[Organisation] | None = None,
    limit: int = ORGANISATION_RESULTS_LIMIT,
) -> list[Organisation]:
    """Organisations of `within` (default: every organisation) whose ODS code is `query` or whose
    name or short name contains every word of it, an exact code first, then by name; at most
    `limit`. Not personal data, so not scoped to a user."""
    words = query.split()
    if not words:
        return []
    found = Organisation.objects.all() if within is None else within
    for word in words:
        found = found.filter(
            Q(name__icontains=word) | Q(short_name__icontains=word) | Q(ods_code__iexact=word)
        )
    code = normalise_ods_code(query)
    exact = list((within if within is not None else Organisation.objects).filter(ods_code=code))
    rest = list(found.exclude(ods_code=code).order_by("name")[: max(limit - len(exact), 0)])
    return (exact + rest)[:limit]


def organisations_in_area(icbs) -> QuerySet[Organisation]:
    """The ICBs `icbs` and the organisations recorded as in their area (their GP practices,
    providers and local authorities), open today, by name."""
    return (
        Organisation.objects.open_on(today())
        .filter(Q(pk__in=[i.pk for i in icbs]) | Q(icb__in=[i.pk for i in icbs]))
        .order_by("name")
    )
