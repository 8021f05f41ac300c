"""An area with cases for the dashboard and report tests: a region with two ICBs, cases of
deaths in 2026 (the notification factory's date of death) made through the casework services."""

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker

YEAR = 2026  # deaths the notification factory makes are on 30 September 2026
QUERY = {"year": str(YEAR), "period": "calendar", "cohort": "deaths"}


@pytest.fixture
def area():
    region = make_region(name="Test North Region")
    icb = make_icb(region=region, name="NHS Test Alpha ICB", ld_population=20_000)
    other = make_icb(region=region, name="NHS Test Beta ICB", ld_population=5_000)
    far_region = make_region(name="Test South Region")
    far = make_icb(region=far_region, name="NHS Test Gamma ICB", ld_population=7_000)
    lac = user_with_role(Role.LAC, icb)
    return {
        "region": region,
        "icb": icb,
        "other": other,
        "far_region": far_region,
        "far": far,
        "lac": lac,
        "maker": CaseMaker(icb=icb, lac=lac),
    }


@pytest.fixture
def cases(area):
    """3 awaiting allocation and 6 in initial review: 3 is suppressed, and so (secondary) is
    one more cell of the stages, so that 3 cannot be worked out from the total of 9."""
    maker = area["maker"]
    made = [maker.make(CaseState.AWAITING_ALLOCATION) for _ in range(3)]
    made += [maker.make(CaseState.INITIAL_REVIEW, sex="male") for _ in range(6)]
    return made
