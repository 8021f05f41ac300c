import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import UserFactory, user_with_role


@pytest.fixture
def user(db):
    return UserFactory(email="sam.jones@example.nhs.uk", full_name="Sam Jones")


@pytest.fixture
def administrator(db):
    return user_with_role(Role.ADMINISTRATOR, email="admin@example.nhs.uk", full_name="Ada Admin")


@pytest.fixture
def audit_rows():
    """The audit rows written since the fixture was made, as (action, summary) pairs."""
    from leder.core.models import AuditEvent

    start = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    def rows(action=None):
        qs = AuditEvent.objects.filter(sequence__gt=start or 0)
        if action:
            qs = qs.filter(action=action)
        return list(qs.order_by("sequence"))

    return rows
