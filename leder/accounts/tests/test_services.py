from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from leder.accounts import rules, selectors, services
from leder.accounts.models import Membership, Role, User
from leder.accounts.tests.factories import (
    MembershipFactory,
    UserFactory,
    icb,
    organisation_for_role,
    region,
    totp_device,
    user_with_role,
)
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> dict:
    return {key: " ".join(value) for key, value in error.message_dict.items()}


# --- accounts -----------------------------------------------------------------------------------


def test_administrator_creates_an_account_with_an_audit_row(administrator, audit_rows):
    user = services.user_create(
        actor=administrator, email=" New.Person@Example.NHS.uk", full_name="New Person"
    )
    assert user.email == "new.person@example.nhs.uk"
    assert not user.has_usable_password()
    [row] = audit_rows(AuditAction.CREATE)
    assert row.actor_id == administrator.pk and row.object_id == str(user.pk)


def test_system_process_may_create_accounts(audit_rows):
    user = services.user_create(actor="system:demo", email="a@b.nhs.uk", full_name="A B")
    assert audit_rows(AuditAction.CREATE)[0].actor_label == "system:demo"
    assert user.pk


def test_non_administrator_cannot_create_accounts(audit_rows):
    lac = user_with_role(Role.LAC)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=lac, email="x@y.nhs.uk", full_name="X")
    assert not User.objects.filter(email="x@y.nhs.uk").exists()
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("email", "full_name", "password", "field", "message"),
    [
        ("", "Name", None, "email", "Enter an e-mail address"),
        ("not-an-address", "Name", None, "email", "correct format"),
        ("SAM.JONES@example.nhs.uk", "Name", None, "email", "already exists"),
        ("ok@example.nhs.uk", " ", None, "full_name", "Enter the person's full name"),
        ("ok@example.nhs.uk", "Name", "short", "password", "too short"),
    ],
)
def test_bad_account_details_are_refused_and_nothing_is_written(
    administrator, user, audit_rows, email, full_name, password, field, message
):
    before = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=administrator, email=email, full_name=full_name, password=password
        )
    assert message in messages_of(error.value)[field]
    assert User.objects.count() == before
    assert audit_rows() == []


def test_user_update_records_old_and_new_values(administrator, user, audit_rows):
    changed = services.user_update(
        actor=administrator, user=user, full_name="Sam Jones-Smith", job_title="LAC"
    )
    assert changed == ["full_name", "job_title"]
    [row] = audit_rows(AuditAction.UPDATE)
    assert row.details["changed"]["full_name"] == ["Sam Jones", "Sam Jones-Smith"]
    assert services.user_update(actor=administrator, user=user, full_name="Sam Jones-Smith") == []
    assert len(audit_rows()) == 1


def test_user_update_refuses_an_address_in_use(administrator, user):
    other = UserFactory()
    with pytest.raises(ValidationError):
        services.user_update(actor=administrator, user=other, email=user.email.upper())


def test_set_password_never_audits_the_password(administrator, user, audit_rows):
    services.user_set_password(actor=administrator, user=user, password="a much longer secret 42")
    user.refresh_from_db()
    assert user.check_password("a much longer secret 42")
    [row] = audit_rows(AuditAction.UPDATE)
    assert "secret" not in str(row.details) + row.summary


def test_deactivate_ends_current_roles_and_is_audited(administrator, audit_rows):
    lac = user_with_role(Role.LAC)
    services.user_deactivate(actor=administrator, user=lac)
    lac.refresh_from_db()
    assert not lac.is_active
    assert not Membership.objects.current().filter(user=lac).exists()
    assert [r.action for r in audit_rows()] == [AuditAction.UPDATE, AuditAction.UPDATE]
    assert not rules.holds_icb_role(lac)


def test_administrator_cannot_deactivate_themselves(administrator, audit_rows):
    with pytest.raises(ValidationError, match="your own account"):
        services.user_deactivate(actor=administrator, user=administrator)
    assert audit_rows() == []


def test_reactivate(administrator, user, audit_rows):
    services.user_deactivate(actor=administrator, user=user)
    services.user_reactivate(actor=administrator, user=user)
    user.refresh_from_db()
    assert user.is_active
    assert len(audit_rows(AuditAction.UPDATE)) == 2
    with pytest.raises(ValidationError):
        services.user_reactivate(actor=administrator, user=user)


def test_reset_two_factor_removes_app_and_recovery_codes(administrator, user, audit_rows):
    totp_device(user)
    StaticDevice.objects.create(user=user, name="Recovery codes")
    assert services.user_reset_two_factor(actor=administrator, user=user) == 2
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    [row] = audit_rows(AuditAction.TWO_FACTOR)
    assert row.details == {"event": "reset", "records_removed": 2}


def test_reset_two_factor_needs_an_administrator(user):
    lac = user_with_role(Role.LAC)
    totp_device(user)
    with pytest.raises(PermissionDenied):
        services.user_reset_two_factor(actor=lac, user=user)
    assert TOTPDevice.objects.filter(user=user).exists()


def test_unlock_clears_failed_attempts(client, administrator, user, audit_rows):
    for _ in range(5):
        client.post("/account/sign-in", {"email": user.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=user.email).exists()
    assert services.user_unlock(actor=administrator, user=user) == 1
    assert not AccessAttempt.objects.exists()
    assert audit_rows(AuditAction.UPDATE)[-1].object_id == str(user.pk)


# --- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.LAC, "icb"),
        (Role.REVIEWER, "icb"),
        (Role.PANEL_CHAIR, "icb"),
        (Role.ICB_LEAD, "icb"),
        (Role.REGIONAL_COORDINATOR, "region"),
        (Role.NATIONAL_ANALYST, "national"),
        (Role.ADMINISTRATOR, "national"),
    ],
)
def test_each_role_is_granted_at_its_kind_of_organisation(administrator, user, role, kind):
    organisation = organisation_for_role(role)
    assert organisation.kind == kind
    membership = services.membership_grant(
        actor=administrator, user=user, role=role, organisation=organisation
    )
    assert membership.starts_on == today()
    assert rules.has_role(user, role, organisation)


@pytest.mark.parametrize(
    ("role", "organisation", "message"),
    [
        (
            Role.LAC,
            lambda: region(name="Midlands"),
            "Local area contact is a role at an integrated care board (ICB); "
            "Midlands is an NHS England region",
        ),
        (
            Role.REGIONAL_COORDINATOR,
            lambda: icb(name="Test ICB A"),
            "Regional coordinator is a role at an NHS England region; "
            "Test ICB A is an integrated care board (ICB)",
        ),
        (
            Role.NATIONAL_ANALYST,
            lambda: icb(name="Test ICB B"),
            "National analyst is a role at NHS England (national)",
        ),
        (
            Role.ADMINISTRATOR,
            lambda: region(name="London"),
            "Administrator is a role at NHS England (national)",
        ),
    ],
)
def test_role_at_the_wrong_kind_of_organisation_is_refused(
    administrator, user, audit_rows, role, organisation, message
):
    with pytest.raises(ValidationError) as error:
        services.membership_grant(
            actor=administrator, user=user, role=role, organisation=organisation()
        )
    assert message in messages_of(error.value)["organisation"]
    assert not user.memberships.exists()
    assert audit_rows() == []


def test_grant_is_audited(administrator, user, audit_rows):
    board = icb(name="Test ICB C", ods_code="TSTC")
    membership = services.membership_grant(
        actor=administrator, user=user, role=Role.LAC, organisation=board
    )
    [row] = audit_rows(AuditAction.CREATE)
    assert row.object_type == "accounts.Membership" and row.object_id == str(membership.pk)
    assert row.summary == "Made sam.jones@example.nhs.uk a local area contact at Test ICB C"
    assert row.details["organisation"] == "TSTC"


def test_the_same_role_twice_is_refused(administrator, user):
    board = icb()
    services.membership_grant(actor=administrator, user=user, role=Role.LAC, organisation=board)
    with pytest.raises(ValidationError, match="already a local area contact"):
        services.membership_grant(actor=administrator, user=user, role=Role.LAC, organisation=board)


def test_role_at_a_closed_organisation_is_refused(administrator, user):
    board = icb(name="Old ICB", closed_on=today() - timedelta(days=1))
    with pytest.raises(ValidationError, match="Old ICB closed on"):
        services.membership_grant(actor=administrator, user=user, role=Role.LAC, organisation=board)


def test_administrators_hold_no_case_role(administrator):
    with pytest.raises(ValidationError, match="Administrators cannot see case content"):
        services.membership_grant(
            actor=administrator, user=administrator, role=Role.LAC, organisation=icb()
        )
    lac = user_with_role(Role.LAC)
    with pytest.raises(ValidationError, match="administrators need an account of their own"):
        services.membership_grant(
            actor=administrator,
            user=lac,
            role=Role.ADMINISTRATOR,
            organisation=organisation_for_role(Role.ADMINISTRATOR),
        )


def test_administrator_role_gives_and_ending_it_removes_admin_access(administrator, user):
    membership = services.membership_grant(
        actor=administrator,
        user=user,
        role=Role.ADMINISTRATOR,
        organisation=organisation_for_role(Role.ADMINISTRATOR),
    )
    user.refresh_from_db()
    assert user.is_staff and rules.can_use_admin(user)
    services.membership_end(actor=administrator, membership=membership)
    user = User.objects.get(pk=user.pk)  # roles are cached on a user object for one request
    assert not user.is_staff and not rules.is_administrator(user)


def test_grant_to_a_deactivated_account_is_refused(administrator, user):
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError, match="deactivated"):
        services.membership_grant(actor=administrator, user=user, role=Role.LAC, organisation=icb())


def test_non_administrator_cannot_grant_roles(user):
    lac = user_with_role(Role.LAC)
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=lac, user=user, role=Role.LAC, organisation=icb())
    assert not user.memberships.exists()


def test_end_a_role(administrator, audit_rows):
    membership = MembershipFactory(starts_on=today() - timedelta(days=10))
    services.membership_end(actor=administrator, membership=membership)
    membership.refresh_from_db()
    assert membership.ends_on == today()
    assert not membership.is_current
    [row] = audit_rows(AuditAction.UPDATE)
    assert row.details == {"changed": {"ends_on": [None, today().isoformat()]}}


def test_an_ended_role_cannot_end_again(administrator, audit_rows):
    membership = MembershipFactory(
        starts_on=today() - timedelta(days=10), ends_on=today() - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="already ended"):
        services.membership_end(actor=administrator, membership=membership)
    assert audit_rows() == []


def test_a_role_cannot_end_before_it_starts(administrator):
    membership = MembershipFactory(starts_on=today())
    with pytest.raises(ValidationError, match="same as or after the start date"):
        services.membership_end(
            actor=administrator, membership=membership, ends_on=today() - timedelta(days=1)
        )
    membership.refresh_from_db()
    assert membership.ends_on is None


def test_role_ending_in_future_stays_current_until_then(administrator):
    membership = MembershipFactory()
    services.membership_end(
        actor=administrator, membership=membership, ends_on=today() + timedelta(days=7)
    )
    assert rules.has_role(membership.user, membership.role)


# --- sign-in records ----------------------------------------------------------------------------


def test_failed_sign_in_record_for_unknown_address_names_nobody(rf, audit_rows):
    request = rf.post("/account/sign-in")
    services.sign_in_failure_record(request=request, email="typed@wrong.box", locked_out=False)
    [row] = audit_rows()
    assert row.actor_id is None and row.object_id == ""
    assert "typed" not in row.actor_label + row.summary + str(row.details)
    assert row.ip_address == "127.0.0.1"


# --- demo ---------------------------------------------------------------------------------------


KEY = "3132333435363738393031323334353637383930"


def test_demo_device_is_refused_outside_demo_mode(user, settings, audit_rows):
    settings.DEBUG = False
    settings.LEDER_DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        services.user_enrol_totp_for_demo(user=user, key_hex=KEY)
    assert not TOTPDevice.objects.exists()
    assert audit_rows() == []


def test_demo_device_has_the_known_key(user, settings, audit_rows):
    settings.LEDER_DEMO_MODE = True
    totp_device(user)
    device = services.user_enrol_totp_for_demo(user=user, key_hex=KEY)
    assert device.confirmed and device.bin_key.hex() == KEY  # sealed at rest (ADR 0121)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    [row] = audit_rows(AuditAction.TWO_FACTOR)
    assert row.actor_label == "system:demo"


def test_demo_users_have_recovery_codes_like_anyone_who_set_up_an_app(user, settings):
    # Otherwise every demo home page warns "You have 0 recovery codes left".
    settings.LEDER_DEMO_MODE = True
    services.user_enrol_totp_for_demo(user=user, key_hex=KEY)
    assert selectors.recovery_codes_remaining(user=user) == services.RECOVERY_CODE_COUNT


def test_every_audit_row_still_chains():
    from leder.core.audit import verify_chain

    administrator = user_with_role(Role.ADMINISTRATOR)
    user = services.user_create(actor=administrator, email="c@d.nhs.uk", full_name="C D")
    services.membership_grant(actor=administrator, user=user, role=Role.LAC, organisation=icb())
    assert AuditEvent.objects.count() >= 2
    assert verify_chain()[1] is None
