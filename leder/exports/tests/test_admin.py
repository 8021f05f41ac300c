"""The Django admin for recipients and agreements goes through the services (audited), shows
the services' messages on the form, never shows the pseudonym salt, and is for administrators
only."""

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.exports.models import DataSharingAgreement, Recipient
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db

RECIPIENTS = "/admin/exports/recipient/"
AGREEMENTS = "/admin/exports/datasharingagreement/"


@pytest.fixture
def admin_user(client):
    return sign_in_verified(client, factories.administrator())


def test_adding_a_recipient_in_the_admin_goes_through_the_service(client, admin_user):
    response = client.post(
        f"{RECIPIENTS}add/",
        {"name": "Bristol team", "organisation": "University of Bristol", "contact_email": ""},
    )
    assert response.status_code == 302, response.content[:3000]
    made = Recipient.objects.get()
    assert made.created_by == admin_user
    assert AuditEvent.objects.filter(
        object_type="exports.Recipient", object_id=str(made.pk), action=AuditAction.CREATE
    ).exists()
    page = client.get(f"{RECIPIENTS}{made.pk}/change/").content.decode()
    assert made.pseudonym_salt not in page


def test_an_agreement_ending_before_it_starts_is_refused_on_the_form(client, admin_user):
    recipient = factories.recipient(admin=admin_user)
    response = client.post(
        f"{AGREEMENTS}add/",
        {
            "recipient": recipient.pk,
            "reference": "DSA-9",
            "purpose": "Analysis",
            "legal_basis": "s251",
            "starts_on": "2026-05-01",
            "expires_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert b"The expiry date must be on or after the start date" in response.content
    assert not DataSharingAgreement.objects.exists()


def test_changing_an_agreement_in_the_admin_is_audited(client, admin_user):
    agreement = factories.agreement(factories.recipient(admin=admin_user), admin=admin_user)
    response = client.post(
        f"{AGREEMENTS}{agreement.pk}/change/",
        {
            "reference": agreement.reference,
            "purpose": agreement.purpose,
            "legal_basis": agreement.legal_basis,
            "starts_on": agreement.starts_on.isoformat(),
            "expires_on": "2030-03-31",
            "spec_version": agreement.spec_version,
            "documents_note": "Signed copy in the IG folder",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    agreement.refresh_from_db()
    assert agreement.expires_on.isoformat() == "2030-03-31"
    change = AuditEvent.objects.get(
        object_type="exports.DataSharingAgreement", action=AuditAction.UPDATE
    )
    assert change.details["changed"] == ["expires_on", "documents_note"]


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.LAC])
def test_other_roles_cannot_use_the_admin_for_recipients(client, role):
    sign_in_verified(client, user_with_role(role))
    response = client.get(RECIPIENTS)
    assert response.status_code in (302, 403)
    client.post(f"{RECIPIENTS}add/", {"name": "X", "organisation": "Y"})
    assert not Recipient.objects.exists()
