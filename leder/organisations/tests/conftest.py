"""Small worlds for restructure tests: ICBs that merge and an ICB that splits, on 1 January 2025
(a date already past, so the restructure may be applied)."""

import datetime
from types import SimpleNamespace

import pytest

from leder.accounts.models import Membership, Role
from leder.accounts.tests.factories import UserFactory
from leder.organisations.models import SuccessionKind
from leder.organisations.tests.factories import (
    GpPracticeFactory,
    IcbFactory,
    RegionFactory,
    SuccessionFactory,
)
from leder.organisations.tests.records import make_notification

ON = datetime.date(2025, 1, 1)
BEFORE = datetime.date(2024, 1, 1)
ACTOR = "system:test"


def lac(user, organisation, *, starts_on=BEFORE, ends_on=None) -> Membership:
    return Membership.objects.create(
        user=user, role=Role.LAC, organisation=organisation, starts_on=starts_on, ends_on=ends_on
    )


@pytest.fixture
def merger(db):
    """North and South merge into Central. North has two notifications, a GP practice, a closed
    practice and local area contacts; South has one notification."""
    region = RegionFactory()
    north, south, central = (IcbFactory(region=region) for _ in range(3))
    for predecessor in (north, south):
        SuccessionFactory(predecessor=predecessor, successor=central, effective_on=ON)
    practice = GpPracticeFactory(icb=north)
    closed_practice = GpPracticeFactory(icb=north, closed_on=datetime.date(2024, 4, 1))
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    return SimpleNamespace(
        region=region,
        north=north,
        south=south,
        central=central,
        practice=practice,
        closed_practice=closed_practice,
        notifications=[
            make_notification(icb=north, gp_practice=practice),
            make_notification(icb=north),
            make_notification(icb=south),
        ],
        alice=alice,
        alice_at_north=lac(alice, north),
        # Bob is local area contact at both merging ICBs: one role at Central is enough.
        bob=bob,
        bob_at_north=lac(bob, north),
        bob_at_south=lac(bob, south),
        # Carol's role at North ended before the merger: history, left alone.
        carol=carol,
        carol_at_north=lac(carol, north, ends_on=datetime.date(2024, 6, 1)),
    )


@pytest.fixture
def split(db):
    """Frimtown is split between East (the default for unplaced records) and West. Two of its
    three GP practices are in the placements; one practice belongs to another ICB altogether."""
    region = RegionFactory()
    frimtown, east, west, elsewhere = (IcbFactory(region=region) for _ in range(4))
    SuccessionFactory(
        predecessor=frimtown,
        successor=east,
        effective_on=ON,
        kind=SuccessionKind.SPLIT,
        takes_unplaced=True,
    )
    SuccessionFactory(
        predecessor=frimtown, successor=west, effective_on=ON, kind=SuccessionKind.SPLIT
    )
    to_east, to_west, unlisted = (GpPracticeFactory(icb=frimtown) for _ in range(3))
    foreign = GpPracticeFactory(icb=elsewhere)
    lac_user = UserFactory()
    return SimpleNamespace(
        frimtown=frimtown,
        east=east,
        west=west,
        elsewhere=elsewhere,
        to_east=to_east,
        to_west=to_west,
        unlisted=unlisted,
        foreign=foreign,
        placements={to_east.ods_code: east.ods_code, to_west.ods_code.lower(): west.ods_code},
        at_east_practice=make_notification(icb=frimtown, gp_practice=to_east),
        at_west_practice=make_notification(icb=frimtown, gp_practice=to_west),
        no_practice=make_notification(icb=frimtown),
        at_unlisted_practice=make_notification(icb=frimtown, gp_practice=unlisted),
        at_foreign_practice=make_notification(icb=frimtown, gp_practice=foreign),
        lac_user=lac_user,
        lac_at_frimtown=lac(lac_user, frimtown),
    )
