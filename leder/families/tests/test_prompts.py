"""The home page's prompt when a family has not been contacted within the configured days of
allocation: for the case's reviewer and the ICB's LACs, gone once the family is invited."""

from datetime import timedelta

import pytest
from django.urls import reverse

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import Allocation, AllocationStatus
from leder.core.time import now
from leder.families.services import invitation_create

pytestmark = pytest.mark.django_db


def allocate(case, lac, days_ago):
    Allocation.objects.create(
        case=case,
        reviewer=case.reviewer,
        allocated_by=lac,
        allocated_at=now() - timedelta(days=days_ago),
        status=AllocationStatus.ACCEPTED,
    )


def test_reviewer_and_lac_are_prompted_until_the_family_is_invited(
    client, case, lac, reviewer, sister, settings, django_capture_on_commit_callbacks
):
    settings.LEDER_FAMILY_CONTACT_DAYS = 14
    allocate(case, lac, days_ago=13)
    sign_in_verified(client, reviewer)
    assert (
        "No one in the family has been contacted"
        not in client.get(reverse("accounts:home")).content.decode()
    )
    Allocation.objects.update(allocated_at=now() - timedelta(days=15))
    page = client.get(reverse("accounts:home")).content.decode()
    assert f"No one in the family has been contacted about {case.reference}" in page
    assert reverse("families_staff:page", kwargs={"reference": case.reference}) in page
    other = client.__class__()
    sign_in_verified(other, lac)
    lac_page = other.get(reverse("accounts:home")).content.decode()
    assert case.reference in lac_page and "reviewer" in lac_page
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=reviewer, contact=sister, second_factor="date_of_birth")
    assert "No one in the family" not in client.get(reverse("accounts:home")).content.decode()
