"""Reads for transfers: the deaths a user may ask to move, and the transfers they may see."""

from django.db.models import Q, QuerySet
from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import organisations_where, regions_where
from leder.casework.models import Case, Transfer
from leder.notifications.models import Notification


def transferable_by(user) -> QuerySet[Notification]:
    """Notifications a user may ask to move on the transfer page: those of the ICBs where they
    are a local area contact, and those of every ICB of the regions they coordinate (the page
    shows a coordinator the reference, the ICB, the case's state and how the area was decided,
    never who the person was: docs/adr/0156)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(
        Q(icb__in=organisations_where(user, Role.LAC)) | Q(icb__region__in=regions_where(user))
    ).select_related("icb", "icb__region")


def transferable_for(*, user, reference: str) -> Notification:
    try:
        return transferable_by(user).get(reference=reference)
    except Notification.DoesNotExist:
        raise Http404("No notification with that reference") from None


def transfers_visible_to(user) -> QuerySet[Transfer]:
    """Transfers to or from the ICBs where the user is a local area contact, or of the regions
    they coordinate, newest first."""
    if not user.is_authenticated:
        return Transfer.objects.none()
    lac_icbs = organisations_where(user, Role.LAC)
    regions = regions_where(user)
    return (
        Transfer.objects.filter(
            Q(from_icb__in=lac_icbs)
            | Q(to_icb__in=lac_icbs)
            | Q(from_icb__region__in=regions)
            | Q(to_icb__region__in=regions)
        )
        .select_related("notification", "from_icb", "to_icb", "requested_by", "decided_by")
        .order_by("-requested_at", "-id")
    )


def transfer_to_decide(*, user, pk: int) -> Transfer:
    """A pending transfer into one of the user's ICBs (as local area contact); 404 otherwise."""
    try:
        return transfers_visible_to(user).get(
            pk=pk, status="pending", to_icb__in=organisations_where(user, Role.LAC)
        )
    except Transfer.DoesNotExist:
        raise Http404("No transfer waiting for you with that number") from None


def transfers_of(notification) -> list[Transfer]:
    """Every transfer of one death, oldest first: where it has been."""
    return list(
        Transfer.objects.filter(notification=notification).select_related(
            "from_icb", "to_icb", "requested_by", "decided_by"
        )
    )


def case_of(notification) -> Case | None:
    """The case of a notification the caller has already found through `transferable_for`."""
    return Case.objects.filter(notification=notification).only("pk", "state").first()
