"""Who may do what: every role-based permission in one place.

A user's powers come only from their *current* `Membership` rows (a role at an organisation,
between `starts_on` and `ends_on`) and from being active. Other apps ask these functions; they
never query `Membership` themselves, so that a change of rule is a change here only.

The role → organisation kind invariant (`ROLE_ORGANISATION_KIND`: ICB roles at ICBs, regional
coordinators at regions, national analysts and administrators at NHS England) is enforced when a
membership is granted, so the functions below can rely on it.

Administrators run the installation and never hold a case role (see
`services.membership_grant`), so a rule that grants case access by an ICB role can never grant it
to an administrator.
"""

import contextlib

from django.db.models import QuerySet

# Re-exported: staff views import the decorator together with the rules they check.
from leder.accounts.decorators import verified_staff_required  # noqa: F401
from leder.accounts.models import ICB_ROLES, Membership, Role
from leder.organisations.models import Organisation, OrganisationKind

# The roles that show case content: the people who work on cases open the case list and the case
# pages (and see only their rows). ICB leads, regional coordinators, national analysts and
# administrators see counts on the dashboards instead, never a list of people.
CASE_CONTENT_ROLES = frozenset(
    {Role.LAC, Role.REVIEWER, Role.SENIOR_REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR}
)
# The ICB roles that read their ICB's dashboard. Reviewers are not among them: they work on the
# cases allocated to them and have no part in running the area.
ICB_DASHBOARD_ROLES = frozenset(
    {Role.LAC, Role.SENIOR_REVIEWER, Role.ICB_LEAD, Role.PANEL_MEMBER, Role.PANEL_CHAIR}
)

# The (role, organisation id) pairs a user holds today, cached on the user object: a page asks
# several rules about the same request.user, and one query is enough.
_ROLES_CACHE_ATTR = "_leder_current_roles"


def current_roles(user) -> frozenset[tuple[str, int]]:
    """The (role, organisation id) pairs `user` holds today. Empty for anonymous and inactive
    users, whatever memberships they still have. Cached on the user object (one request); the
    services that change roles forget the cache of the user object they were given."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _ROLES_CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(
            Membership.objects.current().filter(user=user).values_list("role", "organisation_id")
        )
        setattr(user, _ROLES_CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles, after a membership of `user` changed in this request."""
    with contextlib.suppress(AttributeError):
        delattr(user, _ROLES_CACHE_ATTR)


def has_role(user, role: str, organisation: Organisation | None = None) -> bool:
    """True if `user` holds `role` today, at `organisation` when one is given (anywhere
    otherwise)."""
    return has_any_role(user, role, organisation=organisation)


def has_any_role(user, *roles: str, organisation: Organisation | None = None) -> bool:
    """True if `user` holds any of `roles` today, at `organisation` when one is given."""
    return _holds(user, roles, organisation.pk if organisation is not None else None)


def _holds(user, roles, organisation_id: int | None) -> bool:
    wanted = set(roles)
    return any(
        role in wanted and (organisation_id is None or org_id == organisation_id)
        for role, org_id in current_roles(user)
    )


def organisations_where(user, *roles: str) -> QuerySet[Organisation]:
    """The organisations where `user` holds any of `roles` today (any ICB role when none are
    given). For ICB roles these are ICBs. A lazy queryset, so it can scope another query without
    being evaluated: `Case.objects.filter(icb__in=organisations_where(user, Role.LAC))`.
    Empty for anonymous and inactive users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    held = Membership.objects.current().filter(user=user, role__in=roles or ICB_ROLES)
    return Organisation.objects.filter(pk__in=held.values("organisation_id"))


def regions_where(user, *roles: str) -> QuerySet[Organisation]:
    """The NHS England regions where `user` holds any of `roles` today (regional coordinator
    when none are given)."""
    return organisations_where(user, *(roles or (Role.REGIONAL_COORDINATOR,))).filter(
        kind=OrganisationKind.REGION
    )


def icbs_in_regions_where(user, *roles: str) -> QuerySet[Organisation]:
    """The ICBs inside the regions `regions_where(user, *roles)` returns: what a regional
    coordinator sees figures for."""
    return Organisation.objects.icbs().filter(region__in=regions_where(user, *roles))


def is_administrator(user) -> bool:
    """True for an active user holding the administrator role today, and for a superuser (kept
    only to create the first administrator with `createsuperuser`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or has_role(user, Role.ADMINISTRATOR)


def is_national_analyst(user) -> bool:
    """True for a national analyst: de-identified national data only, never identities."""
    return has_role(user, Role.NATIONAL_ANALYST)


def holds_icb_role(user) -> bool:
    """True if `user` holds any local (ICB) role today."""
    return has_any_role(user, *ICB_ROLES)


def can_triage(user, *, icb_id: int | None) -> bool:
    """Triage notifications of an ICB (confirm eligibility, decide duplicates): a local area
    contact of that ICB. Nobody can for a notification not yet placed in an ICB."""
    return icb_id is not None and _holds(user, (Role.LAC,), icb_id)


def can_record_telephone_notification(user, *, icb_id: int | None) -> bool:
    """Record a notification taken by telephone for an ICB: a local area contact of that ICB.
    When the caller does not know the area (`icb_id` None), any local area contact: the death is
    placed by its GP practice or postcode, or waits in the unassigned queue."""
    return _holds(user, (Role.LAC,), icb_id)


def is_national_team(user) -> bool:
    """The national LeDeR team: places deaths nobody else could, to any ICB."""
    return has_role(user, Role.NATIONAL_TEAM)


def can_place_unassigned(user, *, region_id: int | None) -> bool:
    """Give an unassigned notification (its area not known) its ICB: the national LeDeR team,
    and the regional coordinators of its region when the region is known."""
    if is_national_team(user):
        return True
    return region_id is not None and _holds(user, (Role.REGIONAL_COORDINATOR,), region_id)


def sees_unassigned_queue(user) -> bool:
    """Open the unassigned queue: the national LeDeR team and regional coordinators."""
    return has_any_role(user, Role.NATIONAL_TEAM, Role.REGIONAL_COORDINATOR)


def can_manage_users(user) -> bool:
    """Create accounts, grant and end roles, deactivate accounts, reset two-factor."""
    return is_administrator(user)


def can_manage_organisations(user) -> bool:
    """Maintain organisations and reference data."""
    return is_administrator(user)


def can_use_admin(user) -> bool:
    """Reach the Django admin: an administrator whose account has admin access (`is_staff`)."""
    return bool(getattr(user, "is_staff", False)) and is_administrator(user)


def is_verified_staff(user) -> bool:
    """Signed in, active and past the second factor: the minimum for any staff page."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and callable(getattr(user, "is_verified", None))
        and user.is_verified()
    )
