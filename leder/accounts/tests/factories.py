"""Factories and sign-in helpers for tests in every app.

    from leder.accounts.models import Role
    from leder.accounts.tests.factories import sign_in_verified, user_with_role

    def test_lac_sees_the_inbox(client):
        lac = user_with_role(Role.LAC)                  # an ICB is made for the role
        sign_in_verified(client, lac)                   # password and second factor done
        ...

`client.login()` does not work with django-axes (it needs the request); use these helpers, which
call `force_login` and then mark the session verified with a real confirmed TOTP device.
"""

import factory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory, Password

from leder.accounts import rules
from leder.accounts.models import ROLE_ORGANISATION_KIND, Membership, Role, User
from leder.organisations.models import Organisation, OrganisationKind

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    """An active account with no roles, whose password is `PASSWORD`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@leder.test")
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    job_title = ""
    password = Password(PASSWORD)


class _OrganisationFactory(DjangoModelFactory):
    # Kept private: `leder.organisations` owns organisation factories. ODS codes start "TST" so
    # that they never clash with the real codes the organisations data migration loads.
    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"TST{n:05d}")
    kind = OrganisationKind.ICB
    name = factory.LazyAttributeSequence(
        lambda o, n: f"Test {'ICB' if o.kind == OrganisationKind.ICB else o.kind} {n}"
    )


def organisation_for_role(role: str) -> Organisation:
    """An organisation of the kind `role` is held at: a new ICB or region, or NHS England (there
    is only one, so it is reused, including the one the data migration loads)."""
    kind = ROLE_ORGANISATION_KIND[role]
    if kind == OrganisationKind.NATIONAL:
        existing = Organisation.objects.filter(kind=OrganisationKind.NATIONAL).first()
        return existing or _OrganisationFactory(
            kind=OrganisationKind.NATIONAL, name="NHS England", ods_code="TSTENG"
        )
    return _OrganisationFactory(kind=kind)


def icb(**kwargs) -> Organisation:
    """A new test ICB (in `region=` if given)."""
    return _OrganisationFactory(kind=OrganisationKind.ICB, **kwargs)


def region(**kwargs) -> Organisation:
    """A new test NHS England region."""
    return _OrganisationFactory(kind=OrganisationKind.REGION, **kwargs)


class MembershipFactory(DjangoModelFactory):
    """A current role. Without `organisation=`, one of the right kind is made for the role.
    Saved directly (not through `membership_grant`): tests set up state, services are tested
    in their own tests."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.LAC
    organisation = factory.LazyAttribute(lambda m: organisation_for_role(m.role))

    @factory.post_generation
    def _forget_cached_roles(obj, create, extracted, **kwargs):
        rules.forget_roles(obj.user)


def user_with_role(role: str, organisation: Organisation | None = None, **user_fields) -> User:
    """An account holding `role` today, at `organisation` or at a new one of the right kind."""
    user = UserFactory(**user_fields)
    MembershipFactory(
        user=user, role=role, organisation=organisation or organisation_for_role(role)
    )
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    """The user's TOTP device, made if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=confirmed)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` time steps later: django-otp accepts
    each time step once, so a second sign-in in the same test needs the next code)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in_password_only(client, user: User) -> User:
    """Signed in with a password but not yet past the second factor."""
    client.force_login(user)
    return user


def sign_in_verified(client, user: User | None = None) -> User:
    """Signed in and past the second factor, as after a real sign-in. Returns the user (a new
    one with no roles if none is given)."""
    user = user or UserFactory()
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user
