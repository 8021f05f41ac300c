"""Fixtures for review tests: a case in initial review with its reviewer."""

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker
from leder.reviews.services.records import review_start


@pytest.fixture
def icb():
    return make_icb(name="NHS Test ICB", short_name="Test ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def cases(icb, lac):
    return CaseMaker(icb=icb, lac=lac)


@pytest.fixture
def case(cases):
    """A case in initial review; `case.reviewer.user` is its reviewer."""
    return cases.make(CaseState.INITIAL_REVIEW)


@pytest.fixture
def reviewer(case):
    return case.reviewer.user


@pytest.fixture
def review(case, reviewer):
    return review_start(actor=reviewer, case=case)
