"""Reads about accounts, roles and second factors. Views and other apps read through these rather
than querying the models, so that what counts as "current" or "confirmed" is decided once."""

from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from leder.accounts.models import Membership, RoleGrant, RoleGrantStatus, User
from leder.organisations.models import Organisation


def user_by_email(*, email: str) -> User | None:
    """The account with this e-mail address (compared without case), or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def memberships_current_for(*, user: User) -> QuerySet[Membership]:
    """The roles `user` holds today, with their organisations, in role order."""
    return (
        Membership.objects.current()
        .filter(user=user)
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )


def users_holding(*, role: str, organisation: Organisation) -> QuerySet[User]:
    """Active users who hold `role` at `organisation` today, by name: for example the reviewers
    an LAC may allocate a case to."""
    held = Membership.objects.current().filter(role=role, organisation=organisation)
    return User.objects.filter(is_active=True, pk__in=held.values("user_id")).order_by("full_name")


def totp_device_for(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator-app device, if they have finished setting one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def totp_device_unconfirmed_for(*, user: User) -> TOTPDevice | None:
    """The device being set up: created when the set-up page is first shown, confirmed by the
    first correct code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_device_for(*, user: User) -> StaticDevice | None:
    """The device holding the user's recovery codes."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_codes_remaining(*, user: User) -> int:
    """How many unused recovery codes the user has left."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def role_grants_for_decider(user: User) -> QuerySet[RoleGrant]:
    """The role proposals `user` may see and decide (ADR 0120): those at ICBs where they are the
    executive lead, or, when another administrator approves (LEDER_ROLE_GRANT_APPROVER =
    "administrator"), every proposal for an administrator."""
    from django.conf import settings

    from leder.accounts import rules
    from leder.accounts.models import Role

    grants = RoleGrant.objects.select_related("user", "organisation", "proposed_by", "decided_by")
    if getattr(settings, "LEDER_ROLE_GRANT_APPROVER", "icb_lead") == "administrator":
        return grants if rules.is_administrator(user) else grants.none()
    return grants.filter(organisation__in=rules.organisations_where(user, Role.ICB_LEAD))


def role_grants_recent(user: User, *, limit: int = 20) -> list[RoleGrant]:
    """Waiting proposals first, then the latest decisions."""
    grants = role_grants_for_decider(user)
    waiting = list(grants.filter(status=RoleGrantStatus.PROPOSED).order_by("proposed_at"))
    decided = list(grants.exclude(status=RoleGrantStatus.PROPOSED).order_by("-decided_at")[:limit])
    return waiting + decided
