"""Writes to organisations, providers and successions.

Every service is keyword-only, checks who may call it, runs in one `transaction.atomic()` and
writes its audit rows inside that transaction, so a change and its audit row commit together or
not at all. Management commands, the admin and (later) views all call these.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.presenters import date_long
from leder.organisations import followers
from leder.organisations.errors import (
    AmbiguousSuccessionError,
    OrganisationChangeError,
    ProvidersLoadError,
    RestructureError,
)
from leder.organisations.models import (
    PROVIDER_KINDS,
    Organisation,
    Succession,
)
from leder.organisations.permissions import require_administrator
from leder.organisations.selectors import (
    normalise_ods_code,
    organisation_current,
)

PROVIDER_COLUMNS = (
    "ods_code",
    "name",
    "kind",
    "icb_ods_code",
    "postcode",
    "opened_on",
    "closed_on",
)
# The fields of an organisation an administrator edits (the admin form), each audited with its
# value before and after.
EDITABLE_FIELDS = (
    "ods_code",
    "name",
    "short_name",
    "kind",
    "region",
    "icb",
    "postcode",
    "gss_code",
    "opened_on",
    "closed_on",
    "ld_population",
)


def _audit_value(organisation: Organisation, name: str):
    value = getattr(organisation, name)
    if isinstance(value, Organisation):
        return value.ods_code
    return value.isoformat() if isinstance(value, date) else value


def _snapshot(organisation: Organisation) -> dict:
    return {name: _audit_value(organisation, name) for name in EDITABLE_FIELDS}


def _where_work_went(organisation: Organisation) -> str:
    try:
        current = organisation_current(ods_code=organisation.ods_code)
    except AmbiguousSuccessionError as error:
        return "it was split between " + ", ".join(s.ods_code for s in error.successors)
    if current is None or current.pk == organisation.pk:
        return "no successor is recorded"
    return f"its work is now held by {current.ods_code} ({current})"


def _check_links(organisation: Organisation) -> None:
    """A live organisation may not point at a closed ICB: the rule restructures keep."""
    icb = organisation.icb
    if icb is None or icb.closed_on is None:
        return
    if organisation.closed_on is None or organisation.closed_on > icb.closed_on:
        raise OrganisationChangeError(
            f"ICB {icb.ods_code} closed on {date_long(icb.closed_on)}; {_where_work_went(icb)}."
        )


def organisation_check(*, organisation: Organisation) -> None:
    """Raise `OrganisationChangeError` if `organisation` (unsaved changes included) would break
    the hierarchy's rules: it points at a closed ICB while live itself, or it closes while live
    records still point at it. Writes nothing: forms call it to show the problem beside the
    fields, and `organisation_create` and `organisation_update` call it before saving."""
    _check_links(organisation)
    if organisation.pk is None or organisation.closed_on is None:
        return
    saved_closed_on = (
        Organisation.objects.filter(pk=organisation.pk).values_list("closed_on", flat=True).first()
    )
    if saved_closed_on == organisation.closed_on:
        return
    for follower in followers.all_followers():
        count = follower.pointing_at(organisation, on=organisation.closed_on).count()
        if count:
            raise OrganisationChangeError(
                f"{count} {follower.name} record(s) still point at {organisation.ods_code} on "
                f"{date_long(organisation.closed_on)}. Close it with a restructure "
                "(successions) so that they move to its successor."
            )


def organisation_create(*, actor, values: Mapping) -> Organisation:
    """Create an organisation from model field values.

    Guarantees: only an administrator (or a system process); the ODS code is stored upper-case
    and is unique; kinds and links are validated as the model says (an `icb` must be an ICB, a
    `region` a region); a live organisation is never given a closed ICB; one CREATE audit row
    with every field. One transaction.
    """
    require_administrator(actor)
    with transaction.atomic():
        organisation = Organisation(**values)
        organisation.ods_code = normalise_ods_code(organisation.ods_code)
        organisation.full_clean()
        organisation_check(organisation=organisation)
        organisation.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=organisation,
            summary=f"Organisation {organisation.ods_code} {organisation.name} created",
            details=_snapshot(organisation),
        )
    return organisation


def organisation_update(*, organisation: Organisation, actor, changes: Mapping) -> Organisation:
    """Change fields of an organisation and return it as saved.

    Guarantees: only an administrator (or a system process); the ODS code never changes (it is
    the identity that successions, imports and history use); an organisation is not closed by
    hand while live records point at it, because a restructure is how their work moves; a live
    organisation is never given a closed ICB; one UPDATE audit row with each changed field's
    before and after, and no write and no audit row when nothing changed. One transaction.
    """
    require_administrator(actor)
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if "ods_code" in changes and normalise_ods_code(changes["ods_code"]) != current.ods_code:
            raise OrganisationChangeError(
                "An ODS code cannot be changed: create the new organisation and record a "
                "succession from the old one."
            )
        names = [name for name in changes if name != "ods_code"]
        before = {name: _audit_value(current, name) for name in names}
        for name in names:
            setattr(current, name, changes[name])
        changed = {
            name: [before[name], _audit_value(current, name)]
            for name in names
            if before[name] != _audit_value(current, name)
        }
        if not changed:
            return current
        current.full_clean()
        organisation_check(organisation=current)
        current.save(update_fields=list(changed))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=current,
            summary=f"Organisation {current.ods_code} changed: {', '.join(changed)}",
            details={"changed": changed},
        )
    return current


@dataclass
class ProvidersLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def _parse_date(value: str, *, column: str, line: int, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"Line {line}: {column} {value!r} is not a date like 2026-04-01.")
        return None


def _provider_values(row: Mapping, *, line: int, icbs: dict, problems: list[str]) -> dict:
    cells = {column: (row.get(column) or "").strip() for column in PROVIDER_COLUMNS}
    ods_code = normalise_ods_code(cells["ods_code"])
    if not ods_code or not ods_code.isalnum() or len(ods_code) > 12:
        problems.append(f"Line {line}: ods_code {cells['ods_code']!r} is not an ODS code.")
    if not cells["name"] or len(cells["name"]) > 200:
        problems.append(f"Line {line}: name must be given, at most 200 characters.")
    if cells["kind"] not in PROVIDER_KINDS:
        kinds = ", ".join(PROVIDER_KINDS)
        problems.append(f"Line {line}: kind {cells['kind']!r} is not one of {kinds}.")
    icb = None
    if cells["icb_ods_code"]:
        icb = icbs.get(normalise_ods_code(cells["icb_ods_code"]))
        if icb is None:
            problems.append(f"Line {line}: icb_ods_code {cells['icb_ods_code']!r} is not an ICB.")
    postcode = " ".join(cells["postcode"].upper().split())
    if len(postcode) > 10:
        problems.append(f"Line {line}: postcode {cells['postcode']!r} is too long.")
    opened_on = _parse_date(cells["opened_on"], column="opened_on", line=line, problems=problems)
    closed_on = _parse_date(cells["closed_on"], column="closed_on", line=line, problems=problems)
    if opened_on and closed_on and closed_on <= opened_on:
        problems.append(f"Line {line}: closed_on must be after opened_on.")
    if (
        icb is not None
        and icb.closed_on is not None
        and (closed_on is None or closed_on > icb.closed_on)
    ):
        problems.append(
            f"Line {line}: ICB {icb.ods_code} closed on {date_long(icb.closed_on)}; "
            f"{_where_work_went(icb)}."
        )
    return {
        "ods_code": ods_code,
        "name": cells["name"],
        "kind": cells["kind"],
        "icb": icb,
        "postcode": postcode,
        "opened_on": opened_on,
        "closed_on": closed_on,
    }


def providers_load(*, rows: Iterable[Mapping], actor, source: str = "") -> ProvidersLoadResult:
    """Create or update providers (GP practices, trusts, local authorities, care providers and
    others) from rows with the columns in `PROVIDER_COLUMNS`.

    Guarantees: only an administrator (or a system process); all or nothing: every row is
    checked first and `ProvidersLoadError` lists every problem by line (the header is line 1),
    with nothing saved; a code already used by an ICB, CCG or region is refused; an open
    provider is never given a closed ICB (the message says where its work went). A new provider
    gets one CREATE audit row, a changed one an UPDATE row with each field's before and after,
    an unchanged one none; plus one summary row naming `source`. One transaction.
    """
    require_administrator(actor)
    rows = list(rows)
    problems: list[str] = []
    if not rows:
        raise ProvidersLoadError(["The file has no providers in it."])
    icbs = {icb.ods_code: icb for icb in Organisation.objects.icbs()}
    parsed: list[dict] = []
    first_line: dict[str, int] = {}
    for index, row in enumerate(rows):
        line = index + 2
        values = _provider_values(row, line=line, icbs=icbs, problems=problems)
        code = values["ods_code"]
        if code in first_line:
            problems.append(f"Line {line}: {code} is also on line {first_line[code]}.")
        first_line.setdefault(code, line)
        parsed.append(values)
    existing = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=list(first_line))}
    for values in parsed:
        found = existing.get(values["ods_code"])
        if found is not None and found.kind not in PROVIDER_KINDS:
            problems.append(
                f"Line {first_line[values['ods_code']]}: {found.ods_code} is already used by "
                f"{found} ({found.get_kind_display()}), which is not a provider."
            )
    if problems:
        raise ProvidersLoadError(problems)

    result = ProvidersLoadResult()
    with transaction.atomic():
        for values in parsed:
            found = existing.get(values["ods_code"])
            if found is None:
                organisation = Organisation.objects.create(**values)
                audit.record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    obj=organisation,
                    summary=f"Provider {organisation.ods_code} {organisation.name} loaded",
                    details={"source": source, **_snapshot(organisation)},
                )
                result.created.append(organisation.ods_code)
                continue
            changed = {
                name: [_audit_value(found, name), _audit_value(Organisation(**values), name)]
                for name in values
            }
            changed = {name: pair for name, pair in changed.items() if pair[0] != pair[1]}
            if not changed:
                result.unchanged += 1
                continue
            for name in changed:
                setattr(found, name, values[name])
            found.save(update_fields=list(changed))
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=found,
                summary=f"Provider {found.ods_code} updated: {', '.join(changed)}",
                details={"source": source, "changed": changed},
            )
            result.updated.append(found.ods_code)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=("organisations.ProvidersLoad", (Path(source).name if source else "rows")[:64]),
            summary=(
                f"Providers loaded from {source or 'rows'}: {len(result.created)} created, "
                f"{len(result.updated)} updated, {result.unchanged} unchanged"
            ),
            details={
                "source": source,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return result


def succession_make_default(*, succession: Succession, actor) -> Succession:
    """Make `succession`'s successor the one that holds the records of its split predecessor
    that cannot be placed.

    Guarantees: only an administrator (or a system process); only for a pending succession whose
    predecessor has several successors on that date; exactly one default per split afterwards;
    one UPDATE audit row. One transaction.
    """
    require_administrator(actor)
    with transaction.atomic():
        siblings = Succession.objects.select_for_update().filter(
            predecessor_id=succession.predecessor_id, effective_on=succession.effective_on
        )
        siblings = list(siblings.select_related("predecessor", "successor"))
        chosen = next(s for s in siblings if s.pk == succession.pk)
        if chosen.applied_at is not None:
            raise RestructureError("This succession has been applied; its default is history.")
        if len(siblings) < 2:
            raise RestructureError(
                f"{chosen.predecessor.ods_code} has one successor; there is no default to choose."
            )
        previous = [s.successor.ods_code for s in siblings if s.takes_unplaced]
        Succession.objects.filter(pk__in=[s.pk for s in siblings]).update(takes_unplaced=False)
        Succession.objects.filter(pk=chosen.pk).update(takes_unplaced=True)
        chosen.takes_unplaced = True
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=chosen,
            summary=(
                f"{chosen.successor.ods_code} will hold {chosen.predecessor.ods_code}'s unplaced "
                "records"
            ),
            details={"previous_default": previous, "default": chosen.successor.ods_code},
        )
    return chosen
