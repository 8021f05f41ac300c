"""Shared fixtures for casework tests: an ICB with a person in every role, and cases in any
state, made through the real services so that events and audit rows exist as in production."""

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.tests.factories import CaseMaker


@pytest.fixture
def icb():
    return make_icb(name="NHS Test ICB", short_name="Test ICB")


@pytest.fixture
def other_icb():
    return make_icb(name="NHS Other ICB", short_name="Other ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def cases(icb, lac):
    """`cases.make(state)` returns a case of `icb` in `state`, moved there through the lifecycle."""
    return CaseMaker(icb=icb, lac=lac)
