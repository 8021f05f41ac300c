"""The restructure: applying the successions of one date, and deciding what it could not place.

See ADR 0004. Every service is keyword-only, checks who may call it, runs in one
`transaction.atomic()` and writes its audit rows inside that transaction.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.presenters import date_long
from leder.core.time import now, today
from leder.organisations import followers
from leder.organisations.errors import (
    RestructureError,
    UnplacedRecordError,
)
from leder.organisations.models import (
    PROVIDER_KINDS,
    Organisation,
    OrganisationKind,
    Succession,
    UnplacedRecord,
    UnplacedStatus,
)
from leder.organisations.permissions import require_administrator
from leder.organisations.selectors import (
    normalise_ods_code,
    records_pointing_at_closed_organisations,
    restructure_dates_pending,
)

RESTRUCTURE_ACTOR = "system:restructure"


@dataclass(frozen=True)
class UnplacedLine:
    follower: str
    reference: str
    predecessor: str
    held_by: str | None
    reason: str


@dataclass
class RestructureReport:
    """What `restructure_apply` did (or, for a dry run, would do)."""

    effective_on: date
    dry_run: bool
    already_applied: bool = False
    # Placements given for a restructure already applied are not used: say so, not silently.
    placements_unused: bool = False
    successions: list[str] = field(default_factory=list)
    # (predecessor, successor) of every succession applied, so a report can show empty ones.
    pairs: list[tuple[str, str]] = field(default_factory=list)
    # (predecessor, successor, follower) → references of the records moved.
    moves: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    unplaced: list[UnplacedLine] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def add_moves(self, predecessor: str, successor: str, follower: str, references) -> None:
        self.moves.setdefault((predecessor, successor, follower), []).extend(references)

    def moved_count(self, follower: str | None = None) -> int:
        return sum(len(r) for (_, _, f), r in self.moves.items() if follower in (None, f))

    def counts_by_pair(self) -> dict[tuple[str, str], dict[str, int]]:
        counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        for (predecessor, successor, follower), references in sorted(self.moves.items()):
            counts[(predecessor, successor)][follower] = len(references)
        return dict(counts)


def _load_restructure(effective_on: date) -> list[Succession]:
    successions = list(
        Succession.objects.select_for_update(of=("self",))
        .filter(effective_on=effective_on)
        .select_related("predecessor", "successor")
        .order_by("predecessor__ods_code", "successor__ods_code")
    )
    if not successions:
        pending = restructure_dates_pending()
        hint = (
            "Restructures waiting: " + ", ".join(d.isoformat() for d in pending) + "."
            if pending
            else "No restructure is waiting."
        )
        raise RestructureError(
            f"No restructure takes effect on {effective_on.isoformat()}: no successions have "
            f"that date. {hint}"
        )
    return successions


def _group(pending: list[Succession], effective_on: date) -> dict[Organisation, list[Succession]]:
    groups: dict[Organisation, list[Succession]] = defaultdict(list)
    for succession in pending:
        groups[succession.predecessor].append(succession)
    predecessor_ids = {p.pk for p in groups}
    applied_elsewhere = Succession.objects.filter(
        predecessor_id__in=predecessor_ids, effective_on=effective_on, applied_at__isnull=False
    )
    if applied_elsewhere.exists():
        raise RestructureError(
            "Some successions of these predecessors were applied already and some were not: "
            + ", ".join(str(s) for s in applied_elsewhere)
        )
    for predecessor, successions in groups.items():
        if predecessor.closed_on is not None:
            raise RestructureError(
                f"{predecessor.ods_code} already closed on {date_long(predecessor.closed_on)}."
            )
        for succession in successions:
            successor = succession.successor
            if successor.pk in predecessor_ids:
                raise RestructureError(
                    f"{successor.ods_code} is both a successor and a predecessor on "
                    f"{date_long(effective_on)}; split it into two restructures."
                )
            if not successor.is_open_on(effective_on):
                raise RestructureError(
                    f"{successor.ods_code} ({successor}) is not open on "
                    f"{date_long(effective_on)}, so it cannot take over {predecessor.ods_code}."
                )
        defaults = [s for s in successions if s.takes_unplaced]
        if len(successions) > 1 and len(defaults) != 1:
            raise RestructureError(
                f"{predecessor.ods_code} is split; choose which successor holds the records "
                "that cannot be placed (Succession admin, 'make default')."
            )
    return dict(groups)


def _splits(groups: dict[Organisation, list[Succession]], placements: Mapping[str, str]):
    """The split predecessors, each with its placements resolved to organisations. Every
    placement must name a known provider of a split predecessor and one of its successors."""
    split_groups = {p: s for p, s in groups.items() if len(s) > 1}
    codes = {normalise_ods_code(k): normalise_ods_code(v) for k, v in placements.items()}
    providers = {
        o.ods_code: o
        for o in Organisation.objects.filter(ods_code__in=list(codes)).select_related("icb")
    }
    problems = []
    resolved: dict[int, dict[str, Organisation]] = defaultdict(dict)
    for provider_code, successor_code in sorted(codes.items()):
        provider = providers.get(provider_code)
        if provider is None:
            problems.append(f"{provider_code}: no organisation has this ODS code.")
            continue
        if provider.kind not in PROVIDER_KINDS:
            problems.append(f"{provider_code}: {provider} is not a provider.")
            continue
        successions = split_groups.get(provider.icb) if provider.icb else None
        if successions is None:
            icb = provider.icb.ods_code if provider.icb else "no ICB"
            problems.append(f"{provider_code}: its ICB ({icb}) is not split on this date.")
            continue
        successor = next(
            (s.successor for s in successions if s.successor.ods_code == successor_code), None
        )
        if successor is None:
            allowed = ", ".join(s.successor.ods_code for s in successions)
            problems.append(
                f"{provider_code}: {successor_code or 'nothing'} is not a successor of "
                f"{provider.icb.ods_code} (choose from {allowed})."
            )
            continue
        resolved[provider.icb.pk][provider_code] = successor
    if problems:
        raise RestructureError("The placements are not right:\n" + "\n".join(problems))
    shared_unplaced: set[int] = set()
    return {
        predecessor.pk: followers.Split(
            predecessor=predecessor,
            successors=tuple(s.successor for s in successions),
            default=next(s.successor for s in successions if s.takes_unplaced),
            placements=resolved[predecessor.pk],
            unplaced_provider_ids=shared_unplaced,
        )
        for predecessor, successions in split_groups.items()
    }


def _apply_follower(
    follower: followers.Follower,
    *,
    predecessor: Organisation,
    successions: list[Succession],
    split: followers.Split | None,
    report: RestructureReport,
) -> None:
    effective_on = report.effective_on
    records = list(follower.pointing_at(predecessor, on=effective_on))
    if not records:
        return
    if split is None:
        successor = successions[0].successor
        references = [follower.reference(r) for r in records]
        follower.move(records, successor=successor, effective_on=effective_on)
        report.add_moves(predecessor.ods_code, successor.ods_code, follower.name, references)
        return
    placed: dict[Organisation, list[Model]] = defaultdict(list)
    for record in records:
        placement = follower.place(record, split=split)
        if placement.successor is not None:
            placed[placement.successor].append(record)
            continue
        held_by = None if follower.ends_when_unplaced else split.default
        reference = follower.reference(record)
        if held_by is None:
            follower.end(record, effective_on=effective_on)
        else:
            follower.move([record], successor=held_by, effective_on=effective_on)
        if isinstance(follower, followers.ProviderFollower):
            split.unplaced_provider_ids.add(record.pk)
        UnplacedRecord.objects.create(
            effective_on=effective_on,
            predecessor=predecessor,
            held_by=held_by,
            follower=follower.name,
            record_id=str(record.pk),
            reference=reference[:200],
            reason=placement.reason[:300],
            created_at=now(),
        )
        report.unplaced.append(
            UnplacedLine(
                follower=follower.name,
                reference=reference,
                predecessor=predecessor.ods_code,
                held_by=held_by.ods_code if held_by else None,
                reason=placement.reason,
            )
        )
    for successor, moving in placed.items():
        references = [follower.reference(r) for r in moving]
        follower.move(moving, successor=successor, effective_on=effective_on)
        report.add_moves(predecessor.ods_code, successor.ods_code, follower.name, references)


def _audit_restructure(*, actor, groups, report: RestructureReport, placements) -> None:
    for predecessor, successions in groups.items():
        code = predecessor.ods_code
        moved = {
            f"{successor} {follower}": references
            for (p, successor, follower), references in sorted(report.moves.items())
            if p == code
        }
        unplaced = [asdict(line) for line in report.unplaced if line.predecessor == code]
        audit.record(
            actor=actor,
            action=AuditAction.RESTRUCTURE,
            obj=predecessor,
            summary=(
                f"{code} closed on {report.effective_on.isoformat()}: work moved to "
                + ", ".join(s.successor.ods_code for s in successions)
            ),
            details={"moved": moved, "unplaced": unplaced},
        )
    audit.record(
        actor=actor,
        action=AuditAction.RESTRUCTURE,
        obj=("organisations.Restructure", report.effective_on.isoformat()),
        summary=(
            f"Restructure of {report.effective_on.isoformat()} applied: {len(groups)} "
            f"organisations closed, {report.moved_count()} records moved, "
            f"{len(report.unplaced)} unplaced"
        ),
        details={
            "successions": report.successions,
            "counts": {f"{p}→{s}": counts for (p, s), counts in report.counts_by_pair().items()},
            "unplaced": len(report.unplaced),
            "placements": dict(sorted(placements.items())),
        },
    )


def restructure_apply(
    *,
    effective_on: date,
    actor,
    placements: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> RestructureReport:
    """Apply every pending succession taking effect on `effective_on`, in one transaction.

    For each predecessor, every registered follower's live records (see `followers`) move:
    - one successor (merger, acquisition): all of them move to it;
    - several (split): each is placed by the follower (providers by `placements`, provider
      ODS code → successor ODS code; notifications by their GP practice's new ICB). A record
      that cannot be placed is moved to the split's default successor, or ended if its follower
      says so (memberships), and listed as an `UnplacedRecord` for a person to decide.
    Then the predecessors close on `effective_on` and the successions are marked applied.

    Guarantees: only an administrator (or a system process); all or nothing; afterwards no
    registered live record points at a closed predecessor, or everything is rolled back and
    `RestructureError` says which; bad input (no successions on the date, a placement naming an
    unknown code or a non-successor, a split without a default) raises `RestructureError` with
    nothing changed; not before its date (a dry run may preview it); re-running an applied date
    changes nothing and reports `already_applied`; one RESTRUCTURE audit row per predecessor
    listing the references moved and unplaced, and one for the restructure with counts. A dry
    run does all of this and then rolls back.
    """
    require_administrator(actor)
    placements = dict(placements or {})
    report = RestructureReport(effective_on=effective_on, dry_run=dry_run)
    with transaction.atomic():
        successions = _load_restructure(effective_on)
        pending = [s for s in successions if s.applied_at is None]
        if not pending:
            report.already_applied = True
            report.placements_unused = bool(placements)
            report.successions = [str(s) for s in successions]
            return report
        if effective_on > today() and not dry_run:
            raise RestructureError(
                f"The restructure takes effect on {date_long(effective_on)}; it cannot be "
                "applied before then (a dry run can preview it)."
            )
        groups = _group(pending, effective_on)
        splits = _splits(groups, placements)
        report.successions = [str(s) for s in pending]
        report.pairs = [(s.predecessor.ods_code, s.successor.ods_code) for s in pending]
        for follower in followers.all_followers():
            for predecessor, group in groups.items():
                _apply_follower(
                    follower,
                    predecessor=predecessor,
                    successions=group,
                    split=splits.get(predecessor.pk),
                    report=report,
                )
        Organisation.objects.filter(pk__in=[p.pk for p in groups]).update(closed_on=effective_on)
        Succession.objects.filter(pk__in=[s.pk for s in pending]).update(applied_at=now())
        report.closed = sorted(p.ods_code for p in groups)
        left = records_pointing_at_closed_organisations(organisations=list(groups))
        if left:
            raise RestructureError(
                "The restructure would leave records pointing at closed organisations, so "
                "nothing was changed: "
                + "; ".join(f"{p.follower} {p.reference} → {p.organisation}" for p in left)
            )
        _audit_restructure(actor=actor, groups=groups, report=report, placements=placements)
        if dry_run:
            transaction.set_rollback(True)
    return report


def unplaced_record_resolve(
    *, unplaced: UnplacedRecord, organisation: Organisation | None, actor, note: str = ""
) -> UnplacedRecord:
    """Decide where a record that a restructure could not place belongs.

    `organisation` must be an ICB open today (any ICB: the person may have belonged elsewhere
    altogether). For a notification or provider it becomes the record's ICB; giving the ICB
    already holding it confirms the interim placement. For a membership the role starts there
    from today (never back-dated), and None means the role is not granted again.

    Guarantees: a notification is decided only by a local area contact of the ICB holding it
    (administrators have no access to case content); memberships and providers only by an
    administrator; decided once; one UPDATE audit row on the record, naming the restructure,
    the organisation before and after and the note. One transaction.
    """
    follower = followers.get(unplaced.follower)
    with transaction.atomic():
        unplaced = UnplacedRecord.objects.select_for_update().get(pk=unplaced.pk)
        if unplaced.status != UnplacedStatus.OPEN:
            raise UnplacedRecordError(f"{unplaced.reference} has been decided already.")
        record = follower.get(unplaced.record_id)
        if not follower.may_resolve(actor=actor, record=record):
            raise PermissionDenied(f"You cannot decide where {unplaced.reference} belongs.")
        if organisation is not None:
            # As saved now, not as the caller last read it: it may have closed since.
            organisation = Organisation.objects.get(pk=organisation.pk)
        if organisation is not None and (
            organisation.kind != OrganisationKind.ICB or not organisation.is_open_on(today())
        ):
            raise UnplacedRecordError(f"{organisation} is not an open ICB.")
        if organisation is None and not follower.ends_when_unplaced:
            raise UnplacedRecordError(f"Choose the ICB that {unplaced.reference} belongs to.")
        before = getattr(record, follower.field)
        after = organisation.ods_code if organisation else None
        follower.resolve(record, organisation=organisation, effective_on=unplaced.effective_on)
        unplaced.status = UnplacedStatus.RESOLVED
        unplaced.resolved_at = now()
        unplaced.resolved_by = actor if isinstance(actor, Model) else None
        unplaced.resolved_to = organisation
        unplaced.resolution_note = note
        unplaced.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=record,
            summary=(
                f"{unplaced.reference} placed at {after or 'no organisation'} after the "
                f"restructure of {unplaced.effective_on.isoformat()}"
            ),
            details={
                "unplaced_record": unplaced.pk,
                "predecessor": unplaced.predecessor.ods_code,
                "before": before.ods_code if before else None,
                "after": after,
                "note": note,
            },
        )
    return unplaced
