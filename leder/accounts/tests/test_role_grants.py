"""Separation of duties (issue 12, ADR 0120): an administrator reaches no case content alone.

Every route the admin offers to a role that opens case content is tried: a new account with the
role, a role added to an existing account (the role admin and the account's inline), the role
for themselves, Django's groups and permissions. Each ends in a proposal, not a role, until a
second person approves: the ICB's executive lead (or, as configured, another administrator),
never the proposer, the person themselves or whoever created their account. Every proposal,
approval and refusal is audited and shown on the executive lead's home page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts import rules, services
from leder.accounts.models import Membership, Role, RoleGrant, RoleGrantStatus
from leder.accounts.tests.factories import UserFactory, icb, sign_in_verified, user_with_role
from leder.accounts.tests.test_admin import ADD_USER, inline_management
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return icb(name="NHS Test Grants ICB", short_name="Test Grants ICB")


@pytest.fixture
def lead(board):
    return user_with_role(Role.ICB_LEAD, board, full_name="Edith Lead")


def case_content_for(user) -> bool:
    rules.forget_roles(user)
    return any(rules.has_role(user, role) for role in rules.CASE_CONTENT_ROLES)


def test_a_new_account_with_a_case_role_gets_a_proposal_not_a_role(client, administrator, board):
    sign_in_verified(client, administrator)
    response = client.post(
        ADD_USER,
        {
            "email": "second.self@example.nhs.uk",
            "full_name": "Second Self",
            "new_password": "a long enough passphrase",
            "new_password_again": "a long enough passphrase",
            **inline_management(),
            "memberships-0-role": Role.LAC,
            "memberships-0-organisation": board.pk,
            "memberships-0-starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get()
    assert grant.status == RoleGrantStatus.PROPOSED and grant.proposed_by == administrator
    assert not Membership.objects.filter(user=grant.user).exists()
    assert not case_content_for(grant.user)


@pytest.mark.parametrize("role", sorted(rules.CASE_CONTENT_ROLES))
def test_the_role_admin_only_proposes_a_case_role(client, administrator, board, role):
    user = UserFactory()
    sign_in_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": user.pk, "role": role, "organisation": board.pk, "starts_on": today().isoformat()},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=user).exists()
    assert RoleGrant.objects.get(user=user).role == role


def test_an_existing_account_gets_a_case_role_inline_only_as_a_proposal(
    client, administrator, board
):
    user = UserFactory()
    sign_in_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "full_name": user.full_name,
            "job_title": "",
            **inline_management(),
            "memberships-0-role": Role.REVIEWER,
            "memberships-0-organisation": board.pk,
            "memberships-0-starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=user).exists()
    assert RoleGrant.objects.filter(user=user, role=Role.REVIEWER).exists()


def test_the_service_refuses_a_case_role_from_a_person(administrator, board):
    with pytest.raises(PermissionDenied, match="second person"):
        services.membership_grant(
            actor=administrator, user=UserFactory(), role=Role.LAC, organisation=board
        )


def test_an_administrator_cannot_propose_a_case_role_for_themselves(administrator, board):
    with pytest.raises(ValidationError):
        services.role_grant_propose(
            actor=administrator, user=administrator, role=Role.LAC, organisation=board
        )


def test_groups_and_permissions_are_not_in_the_admin(client, administrator):
    sign_in_verified(client, administrator)
    assert client.get("/admin/auth/group/").status_code == 404
    assert client.get("/admin/auth/group/add/").status_code == 404
    page = client.get(reverse("admin:accounts_user_change", args=[UserFactory().pk]))
    assert "user_permissions" not in page.content.decode()
    assert 'name="groups"' not in page.content.decode()


def test_the_icb_lead_approves_and_the_role_is_granted_audited(client, administrator, board, lead):
    user = UserFactory(full_name="Grace Grantee")
    grant = services.role_grant_propose(
        actor=administrator, user=user, role=Role.LAC, organisation=board
    )
    sign_in_verified(client, lead)
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Grace Grantee" in home and f'data-role-grant="{grant.pk}"' in home
    url = reverse("accounts:role_grant_decide", kwargs={"pk": grant.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.APPROVED and grant.decided_by == lead
    assert grant.membership.role == Role.LAC and case_content_for(user)
    rows = AuditEvent.objects.filter(object_type__in=["accounts.RoleGrant", "accounts.Membership"])
    assert [(r.action, r.object_type, r.actor_id) for r in rows.order_by("sequence")] == [
        (AuditAction.CREATE, "accounts.RoleGrant", administrator.pk),
        (AuditAction.CREATE, "accounts.Membership", lead.pk),
        (AuditAction.UPDATE, "accounts.RoleGrant", lead.pk),
    ]
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Approved by Edith Lead" in home


def test_a_refusal_is_audited_and_shown(client, administrator, board, lead):
    user = UserFactory()
    grant = services.role_grant_propose(
        actor=administrator, user=user, role=Role.REVIEWER, organisation=board
    )
    sign_in_verified(client, lead)
    url = reverse("accounts:role_grant_decide", kwargs={"pk": grant.pk})
    client.post(url, {"decision": "refuse", "reason": "Not known to the ICB"})
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.REFUSED and not Membership.objects.filter(user=user)
    assert AuditEvent.objects.filter(
        object_type="accounts.RoleGrant", action=AuditAction.UPDATE, actor=lead
    ).exists()
    assert "Not known to the ICB" in client.get(reverse("accounts:home")).content.decode()


def test_the_lead_of_another_icb_cannot_see_or_decide(client, administrator, board):
    grant = services.role_grant_propose(
        actor=administrator, user=UserFactory(), role=Role.LAC, organisation=board
    )
    other = user_with_role(Role.ICB_LEAD, icb(name="NHS Elsewhere ICB"))
    sign_in_verified(client, other)
    url = reverse("accounts:role_grant_decide", kwargs={"pk": grant.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=other, grant=grant)


def test_nobody_approves_their_own_proposal_or_a_grant_to_an_account_they_created(
    administrator, board, settings
):
    """With another administrator as the approver: the proposer cannot approve; an administrator
    who created the account cannot approve its role; a third administrator can."""
    settings.LEDER_ROLE_GRANT_APPROVER = "administrator"
    creator = user_with_role(Role.ADMINISTRATOR, full_name="Carl Creator")
    user = services.user_create(
        actor=creator, email="made.by.carl@example.nhs.uk", full_name="Made By Carl"
    )
    grant = services.role_grant_propose(
        actor=administrator, user=user, role=Role.LAC, organisation=board
    )
    with pytest.raises(PermissionDenied, match="You proposed"):
        services.role_grant_approve(actor=administrator, grant=grant)
    with pytest.raises(PermissionDenied, match="You created this account"):
        services.role_grant_approve(actor=creator, grant=grant)
    third = user_with_role(Role.ADMINISTRATOR, full_name="Thea Third")
    assert services.role_grant_approve(actor=third, grant=grant).status == RoleGrantStatus.APPROVED


def test_the_person_cannot_approve_their_own_role(administrator, board):
    lead_to_be = user_with_role(Role.ICB_LEAD, board)
    grant = services.role_grant_propose(
        actor=administrator, user=lead_to_be, role=Role.SENIOR_REVIEWER, organisation=board
    )
    with pytest.raises(PermissionDenied, match="themselves"):
        services.role_grant_approve(actor=lead_to_be, grant=grant)


def test_a_decided_proposal_cannot_be_decided_again(administrator, board, lead):
    grant = services.role_grant_propose(
        actor=administrator, user=UserFactory(), role=Role.LAC, organisation=board
    )
    services.role_grant_refuse(actor=lead, grant=grant, reason="No")
    with pytest.raises(PermissionDenied, match="already been decided"):
        services.role_grant_approve(actor=lead, grant=grant)
