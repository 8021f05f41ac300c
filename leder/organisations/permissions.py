"""Who may change organisations and decide what a restructure could not place.

The rules themselves live in `leder.accounts.rules` (one place for every role-based permission);
these wrappers add the one thing this app needs on top: a string actor naming a system process
("system:restructure") is a management command run by someone with shell access to the
installation, so it is trusted like an administrator. `leder.accounts` is imported inside the
functions so that this lower layer does not need it at import time.
"""

from django.core.exceptions import PermissionDenied

from leder.organisations.models import Organisation


def actor_is_system(actor) -> bool:
    return isinstance(actor, str) and actor.startswith("system:")


def actor_is_administrator(actor) -> bool:
    """A system process, or a user who may manage organisations (an administrator)."""
    if actor_is_system(actor):
        return True
    from leder.accounts.rules import can_manage_organisations

    return can_manage_organisations(actor)


def actor_is_lac_at(actor, organisation: Organisation | None) -> bool:
    """A system process, or a current local area contact at `organisation`."""
    if actor_is_system(actor):
        return True
    if organisation is None:
        return False
    from leder.accounts.models import Role
    from leder.accounts.rules import has_role

    return has_role(actor, Role.LAC, organisation)


def require_administrator(actor) -> None:
    if not actor_is_administrator(actor):
        raise PermissionDenied("Only an administrator can change organisations.")
