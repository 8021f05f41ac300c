"""Records that follow an organisation through a restructure.

A *follower* is a foreign key to `Organisation` whose live rows must move when that organisation
closes: a notification's responsible ICB, a role membership, a provider's ICB, and later a case's
ICB or a reviewer's employer. `restructure_apply` knows nothing about those models; it asks each
registered follower which rows point at a closing organisation, where each row goes when the
organisation is split, and how to move it. The same registry answers "does anything live still
point at a closed organisation?", which must always be no.

An app adds its own follower in its `AppConfig.ready()`:

    from leder.organisations import followers

    followers.register(followers.Follower(name="case", model="casework.Case", field="icb"))

and subclasses `Follower` when the rows need more than a change of foreign key (memberships are
ended and re-created so that who held which role where stays on record).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, Q

from leder.core.time import today
from leder.organisations.models import Organisation
from leder.organisations.permissions import actor_is_administrator, actor_is_lac_at

# Rows are moved with one UPDATE per batch; keeps each statement under SQLite's variable limit.
_BATCH = 500


@dataclass(frozen=True)
class Split:
    """A predecessor divided between several successors on one date."""

    predecessor: Organisation
    successors: tuple[Organisation, ...]
    default: Organisation
    # Provider ODS code → successor, from the placements file.
    placements: dict[str, Organisation]
    # Providers listed as unplaced so far in this restructure (shared by every split), so that a
    # notification does not silently follow its unplaced GP practice to the default successor.
    unplaced_provider_ids: set[int] = field(default_factory=set)

    def takes(self, organisation_id: int | None) -> bool:
        return any(s.pk == organisation_id for s in self.successors)


@dataclass(frozen=True)
class Placement:
    """Where a row of a split organisation goes; `successor` None means it cannot be placed."""

    successor: Organisation | None
    reason: str = ""


class Follower:
    """A foreign key `field` on `model` (an "app_label.Model" label) that must never point at a
    closed organisation while the row is live. By default every row is live, a move is a change
    of foreign key, and a row of a split organisation cannot be placed automatically."""

    # True when a row that cannot be placed is ended rather than held by the default successor.
    ends_when_unplaced = False

    def __init__(self, *, name: str, model: str, field: str, order: int = 100):
        self.name = name
        self.model_label = model
        self.field = field
        # Lower runs first: providers are placed before the notifications placed by them.
        self.order = order

    def __repr__(self) -> str:
        return f"<Follower {self.name}: {self.model_label}.{self.field}>"

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def live(self, day) -> Q:
        """Rows that still matter on `day` (a date or an F expression). Others are history and
        keep pointing where they pointed."""
        return Q()

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def pointing_at(self, organisation: Organisation, *, on: date) -> models.QuerySet:
        return (
            self.queryset()
            .filter(**{self.field: organisation})
            .filter(self.live(on))
            .order_by("pk")
        )

    def pointing_at_closed(self) -> models.QuerySet:
        closed_on = models.F(f"{self.field}__closed_on")
        return (
            self.queryset()
            .filter(**{f"{self.field}__closed_on__isnull": False})
            .filter(self.live(closed_on))
        )

    def get(self, record_id) -> models.Model:
        return self.queryset().get(pk=record_id)

    def reference(self, record) -> str:
        return str(record)

    def place(self, record, *, split: Split) -> Placement:
        return Placement(None, f"{self.name} rows are not placed automatically")

    def move(self, records: list, *, successor: Organisation, effective_on: date) -> None:
        ids = [record.pk for record in records]
        for start in range(0, len(ids), _BATCH):
            self.model._default_manager.filter(pk__in=ids[start : start + _BATCH]).update(
                **{self.field: successor}
            )

    def end(self, record, *, effective_on: date) -> None:
        raise NotImplementedError(f"{self.name} rows are never ended by a restructure")

    def may_resolve(self, *, actor, record) -> bool:
        return actor_is_administrator(actor)

    def resolve(self, record, *, organisation: Organisation | None, effective_on: date) -> None:
        """Put an unplaced row where a person decided. None is refused unless the follower ends
        unplaced rows (then it means "not re-created")."""
        if organisation is None:
            raise ValueError(f"Choose where the {self.name} goes.")
        self.move([record], successor=organisation, effective_on=effective_on)


class ProviderFollower(Follower):
    """A provider's ICB. Closed providers keep their ICB as history. In a split a provider is
    placed only by the placements file: nothing else says which side of the line it is on."""

    def __init__(self):
        super().__init__(name="provider", model="organisations.Organisation", field="icb", order=10)

    def live(self, day) -> Q:
        return Q(closed_on__isnull=True) | Q(closed_on__gt=day)

    def reference(self, record) -> str:
        return f"{record.ods_code} {record.name}"

    def place(self, record, *, split: Split) -> Placement:
        successor = split.placements.get(record.ods_code)
        if successor is None:
            return Placement(None, "not in the placements file")
        return Placement(successor)


class NotificationFollower(Follower):
    """A notification's responsible ICB. In a split it follows its GP practice, after the
    practices themselves have been placed."""

    def __init__(self):
        super().__init__(
            name="notification", model="notifications.Notification", field="icb", order=20
        )

    def queryset(self) -> models.QuerySet:
        # Rows are read when this follower's turn comes, after the provider step has moved the
        # practices, so the practice's ICB loaded here is its new one.
        return super().queryset().select_related("gp_practice__icb")

    def reference(self, record) -> str:
        return record.reference

    def place(self, record, *, split: Split) -> Placement:
        practice = record.gp_practice
        if practice is None:
            return Placement(None, "no GP practice recorded")
        if practice.pk in split.unplaced_provider_ids:
            return Placement(None, f"GP practice {practice.ods_code} was not placed either")
        if not split.takes(practice.icb_id):
            icb = practice.icb.ods_code if practice.icb else "none"
            return Placement(
                None,
                f"GP practice {practice.ods_code}'s ICB ({icb}) is not a successor of "
                f"{split.predecessor.ods_code}",
            )
        return Placement(practice.icb)

    def may_resolve(self, *, actor, record) -> bool:
        # Deciding where a person's review belongs is the local area contact's call, and an
        # administrator has no access to case content.
        return actor_is_lac_at(actor, record.icb)


class MembershipFollower(Follower):
    """A role at an organisation. Moved by ending it at the predecessor and starting the same
    role at the successor on the restructure date, so the record shows who held which role
    where. At a split organisation nobody is given access to a successor's records without a
    decision: the membership is ended and listed for the administrator."""

    ends_when_unplaced = True

    def __init__(self):
        super().__init__(
            name="membership", model="accounts.Membership", field="organisation", order=30
        )

    def queryset(self) -> models.QuerySet:
        return super().queryset().select_related("user")

    def live(self, day) -> Q:
        # A role ended on the day it starts (one due to start after a split, say) never grants
        # anything, so it is history however late that day is.
        return Q(ends_on__isnull=True) | (Q(ends_on__gt=day) & Q(ends_on__gt=F("starts_on")))

    def reference(self, record) -> str:
        return f"{record.user.email} ({record.get_role_display()})"

    def place(self, record, *, split: Split) -> Placement:
        return Placement(None, "roles at a split organisation are granted again by a person")

    def move(self, records: list, *, successor: Organisation, effective_on: date) -> None:
        for record in records:
            if record.starts_on >= effective_on and not self._holds(record, successor):
                # Never started at the predecessor: no history to keep, so the row itself moves.
                record.organisation = successor
                record.save(update_fields=["organisation"])
                continue
            self._start_at(record, organisation=successor, starts_on=effective_on)
            self.end(record, effective_on=effective_on)

    def _holds(self, record, organisation: Organisation) -> bool:
        """Whether the user already holds the role at `organisation` during the record's span
        (two merging ICBs, or an acquirer): then one membership there is enough."""
        overlapping = self.model._default_manager.filter(
            user_id=record.user_id, role=record.role, organisation=organisation
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=record.starts_on))
        if record.ends_on is not None:
            overlapping = overlapping.filter(starts_on__lt=record.ends_on)
        return overlapping.exclude(pk=record.pk).exists()

    def _start_at(self, record, *, organisation: Organisation, starts_on: date) -> None:
        starts_on = max(starts_on, record.starts_on)
        span = self.model(
            user_id=record.user_id, role=record.role, starts_on=starts_on, ends_on=record.ends_on
        )
        if self._holds(span, organisation):
            return
        self.model._default_manager.create(
            user_id=record.user_id,
            role=record.role,
            organisation=organisation,
            starts_on=starts_on,
            ends_on=record.ends_on,
        )

    def end(self, record, *, effective_on: date) -> None:
        record.ends_on = max(effective_on, record.starts_on)
        record.save(update_fields=["ends_on"])

    def resolve(self, record, *, organisation: Organisation | None, effective_on: date) -> None:
        if organisation is None:
            return
        # From the decision, not back-dated: access history must say when access began.
        start = max(effective_on, today())
        span = self.model(user_id=record.user_id, role=record.role, starts_on=start, ends_on=None)
        self._start_at(span, organisation=organisation, starts_on=start)


_registry: dict[str, Follower] = {}


def register(follower: Follower) -> Follower:
    """Add a follower. Registering the same object twice is harmless (ready() can run twice in
    tests); a different follower under a taken name is a configuration error."""
    existing = _registry.get(follower.name)
    if existing is not None and existing is not follower:
        raise ImproperlyConfigured(f"A restructure follower named {follower.name!r} exists")
    _registry[follower.name] = follower
    return follower


def unregister(name: str) -> None:
    """Remove a follower, if registered (for tests that register their own)."""
    _registry.pop(name, None)


def get(name: str) -> Follower:
    """The follower registered under `name`; a configuration error if there is none."""
    try:
        return _registry[name]
    except KeyError:
        raise ImproperlyConfigured(f"No restructure follower named {name!r}") from None


def all_followers() -> list[Follower]:
    """Every registered follower in the order a restructure applies them."""
    return sorted(_registry.values(), key=lambda f: (f.order, f.name))


def register_builtin(installed: Iterable[str]) -> None:
    """The followers this app knows about. Notifications and memberships are registered here
    until their apps register their own (see the module docstring)."""
    installed = set(installed)
    register(_BUILTIN["provider"])
    if "leder.notifications" in installed:
        register(_BUILTIN["notification"])
    if "leder.accounts" in installed:
        register(_BUILTIN["membership"])


_BUILTIN = {
    "provider": ProviderFollower(),
    "notification": NotificationFollower(),
    "membership": MembershipFollower(),
}
