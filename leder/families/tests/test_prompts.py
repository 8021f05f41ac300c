"""The home page's count of reviews whose family has not been contacted within the configured
days of allocation: for the case's reviewer and the ICB's LACs, gone once the family is invited;
the list it links to shows the same cases."""

from datetime import timedelta

import pytest
from django.urls import reverse

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import Allocation, AllocationStatus
from leder.core.time import now
from leder.families.services import invitation_create

pytestmark = pytest.mark.django_db

CARD = 'data-waiting="families_not_contacted"'


def test_reviewer_and_lac_are_prompted_until_the_family_is_invited(
    client, case, lac, reviewer, sister, settings, django_capture_on_commit_callbacks
):
    settings.LEDER_FAMILY_CONTACT_DAYS = 14
    Allocation.objects.create(
        case=case,
        reviewer=case.reviewer,
        allocated_by=lac,
        allocated_at=now() - timedelta(days=13),
        status=AllocationStatus.ACCEPTED,
    )
    sign_in_verified(client, reviewer)
    home = reverse("accounts:home")
    listed = reverse("families_staff:not_contacted")
    assert CARD not in client.get(home).content.decode()
    Allocation.objects.update(allocated_at=now() - timedelta(days=15))
    page = client.get(home).content.decode()
    assert CARD in page and listed in page
    family_page = reverse("families_staff:page", kwargs={"reference": case.reference})
    assert family_page in client.get(listed).content.decode()
    other = client.__class__()
    sign_in_verified(other, lac)
    assert CARD in other.get(home).content.decode()
    lac_list = other.get(listed).content.decode()
    assert case.reference in lac_list and reviewer.full_name in lac_list
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=reviewer, contact=sister, second_factor="date_of_birth")
    assert CARD not in client.get(home).content.decode()
    assert case.reference not in client.get(listed).content.decode()
