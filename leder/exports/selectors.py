"""Reads for the national dataset pages and API.

Recipients, agreements and exports hold no identifiable data (the files are de-identified), but
they are still read only by those entitled to: a national analyst reads every recipient and
export; an API client reads only the exports of the recipient it is linked to. Another
recipient's export is a 404 to a client, the same as one that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from leder.accounts import rules
from leder.core.time import today
from leder.exports.models import DatasetExport, DataSharingAgreement, Recipient


def can_use_national_pages(user) -> bool:
    """The national dataset pages are for national analysts (administrators manage recipients
    and agreements in the admin, and never see the data)."""
    return rules.is_national_analyst(user)


def recipients_for(user) -> QuerySet[Recipient]:
    if not can_use_national_pages(user):
        return Recipient.objects.none()
    return (
        Recipient.objects.select_related("api_client")
        .prefetch_related("agreements")
        .order_by("name")
    )


def agreements_in_force(*, recipient: Recipient) -> QuerySet[DataSharingAgreement]:
    return recipient.agreements.in_force_on(today()).order_by("-expires_on")


def agreements_for(user) -> QuerySet[DataSharingAgreement]:
    if not can_use_national_pages(user):
        return DataSharingAgreement.objects.none()
    return DataSharingAgreement.objects.select_related("recipient").order_by(
        "recipient__name", "-starts_on"
    )


def exports_for(user) -> QuerySet[DatasetExport]:
    if not can_use_national_pages(user):
        return DatasetExport.objects.none()
    return DatasetExport.objects.select_related("recipient", "agreement")


def export_for(*, user, pk: int) -> DatasetExport:
    found = exports_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such export")
    return found


def recipient_of_client(client) -> Recipient | None:
    return Recipient.objects.filter(api_client=client).first()


def exports_for_client(client) -> QuerySet[DatasetExport]:
    return DatasetExport.objects.select_related("recipient", "agreement").filter(
        recipient__api_client=client
    )


def export_for_client(*, client, pk: int) -> DatasetExport:
    found = exports_for_client(client).filter(pk=pk).first()
    if found is None:
        raise Http404("There is no export with this id for your organisation.")
    return found
