import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from leder.accounts.models import Membership, Role, RoleGrant, User
from leder.accounts.tests.factories import (
    MembershipFactory,
    UserFactory,
    icb,
    region,
    sign_in_verified,
    totp_device,
    user_with_role,
)
from leder.core.models import AuditAction
from leder.core.time import today

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")
ADD_USER = reverse("admin:accounts_user_add")


def inline_management(prefix="memberships", total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_admin_is_for_verified_administrators_only(client, administrator):
    sign_in_verified(client, administrator)
    assert client.get(USERS).status_code == 200


@pytest.mark.parametrize("role", [Role.LAC, Role.NATIONAL_ANALYST, Role.REGIONAL_COORDINATOR])
def test_other_roles_cannot_use_the_admin(client, role):
    sign_in_verified(client, user_with_role(role))
    assert client.get(USERS).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302


def test_even_with_admin_access_flag_a_non_administrator_sees_nothing(client):
    user = user_with_role(Role.LAC)
    user.is_staff = True
    user.save()
    sign_in_verified(client, user)
    assert client.get(USERS).status_code == 403


def test_admin_sign_in_goes_to_the_service_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.request["PATH_INFO"] == reverse("accounts:sign_in")


def test_admin_creates_an_account_with_a_role_through_the_services(
    client, administrator, audit_rows
):
    board = icb(name="Test ICB East")
    sign_in_verified(client, administrator)
    response = client.post(
        ADD_USER,
        {
            "email": "New.Reviewer@Example.NHS.uk",
            "full_name": "New Reviewer",
            "job_title": "Reviewer",
            "new_password": "a long enough passphrase",
            "new_password_again": "a long enough passphrase",
            **inline_management(),
            "memberships-0-role": Role.REVIEWER,
            "memberships-0-organisation": board.pk,
            "memberships-0-starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="new.reviewer@example.nhs.uk")
    assert user.check_password("a long enough passphrase")
    # A role that opens case content is only proposed: a second person approves it (ADR 0120).
    assert not Membership.objects.filter(user=user).exists()
    assert RoleGrant.objects.get(user=user).role == Role.REVIEWER
    actions = [(row.action, row.object_type) for row in audit_rows()]
    assert actions == [
        (AuditAction.CREATE, "accounts.User"),
        (AuditAction.CREATE, "accounts.RoleGrant"),
    ]


def test_admin_shows_role_kind_errors_and_writes_nothing(client, administrator, audit_rows):
    wrong = region(name="North West")
    sign_in_verified(client, administrator)
    before = User.objects.count()
    response = client.post(
        ADD_USER,
        {
            "email": "someone@example.nhs.uk",
            "full_name": "Someone",
            **inline_management(),
            "memberships-0-role": Role.LAC,
            "memberships-0-organisation": wrong.pk,
            "memberships-0-starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 200
    # The organisation list offers only ICBs, regions and NHS England; the region is offered
    # but refused for a local area contact.
    assert "Local area contact is a role at an integrated care board (ICB)" in (
        response.content.decode()
    )
    assert User.objects.count() == before
    assert audit_rows() == []


def test_admin_ends_a_role_through_the_service(client, administrator, audit_rows):
    membership = MembershipFactory(role=Role.LAC)
    user = membership.user
    sign_in_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "full_name": user.full_name,
            "job_title": "",
            **inline_management(total=1, initial=1),
            "memberships-0-id": membership.pk,
            "memberships-0-user": user.pk,
            "memberships-0-ends_on": today().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert membership.ends_on == today()
    [row] = audit_rows()
    assert row.action == AuditAction.UPDATE and row.object_type == "accounts.Membership"


def test_admin_changes_a_name_with_an_audit_row(client, administrator, audit_rows):
    user = UserFactory(full_name="Old Name")
    sign_in_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "full_name": "New Name",
            "job_title": "",
            **inline_management(total=0),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "New Name"
    [row] = audit_rows()
    assert row.details == {"changed": {"full_name": ["Old Name", "New Name"]}}


def test_admin_cannot_delete_accounts_or_roles(client, administrator):
    user = UserFactory()
    membership = MembershipFactory()
    sign_in_verified(client, administrator)
    assert client.get(reverse("admin:accounts_user_delete", args=[user.pk])).status_code == 403
    assert (
        client.get(reverse("admin:accounts_membership_delete", args=[membership.pk])).status_code
        == 403
    )


def test_admin_actions_reset_two_factor_and_deactivate(client, administrator, audit_rows):
    user = user_with_role(Role.LAC)
    totp_device(user)
    sign_in_verified(client, administrator)
    client.post(USERS, {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.post(USERS, {"action": "deactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert not user.is_active
    assert AuditAction.TWO_FACTOR in [row.action for row in audit_rows()]


def test_deactivating_yourself_from_the_admin_shows_an_error(client, administrator):
    sign_in_verified(client, administrator)
    response = client.post(
        USERS, {"action": "deactivate", "_selected_action": [administrator.pk]}, follow=True
    )
    assert "You cannot deactivate your own account" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


def test_membership_admin_grants_through_the_service(client, administrator, audit_rows):
    user = UserFactory()
    board = icb()
    sign_in_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": user.pk,
            "role": Role.ICB_LEAD,
            "organisation": board.pk,
            "starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.filter(user=user, role=Role.ICB_LEAD).exists()
    [row] = audit_rows()
    assert row.action == AuditAction.CREATE


def test_device_secrets_are_not_in_the_admin(client, administrator):
    sign_in_verified(client, administrator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "TOTP" not in page and "otp_totp" not in page
