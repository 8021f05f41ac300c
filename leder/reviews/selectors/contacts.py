"""Reads for the contacts and records sections. Each starts from a review the user may see,
found by `selectors.workspace.review_access` (so from `cases_visible_to(user)`); a row asked for
by id is looked for only inside that review, so an id from another review is simply not found."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import has_role
from leder.casework.models import Case
from leder.core.time import today
from leder.organisations.models import PROVIDER_KINDS, Organisation
from leder.reviews.models import (
    Contact,
    ContactAttempt,
    ContactStatement,
    RecordsRequest,
    Review,
    UploadedRecord,
)
from leder.reviews.selectors.workspace import ReviewAccess, review_access


def started_review(*, user, reference: str, kind: str) -> ReviewAccess:
    """`review_access`, and 404 if the review has not been started (these sections are reached
    from the review's workspace, which starts it)."""
    access = review_access(user=user, reference=reference, kind=kind)
    if access.review is None:
        raise Http404("The review has not been started")
    return access


def contacts_of(review: Review) -> list[Contact]:
    """The review's contacts in the order they were added, each with its attempts (dated order)
    and organisation: three queries however many."""
    return list(
        Contact.objects.filter(review=review)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("attempts", queryset=ContactAttempt.objects.order_by("made_on", "pk"))
        )
    )


def contact_in(review: Review, contact_id: int) -> Contact:
    try:
        return Contact.objects.select_related("organisation").get(review=review, pk=contact_id)
    except Contact.DoesNotExist:
        raise Http404("No such contact in this review") from None


def statement_of(review: Review) -> ContactStatement | None:
    return ContactStatement.objects.filter(review=review).first()


def records_requests_of(review: Review) -> list[RecordsRequest]:
    return list(
        RecordsRequest.objects.filter(review=review)
        .select_related("organisation", "requested_by")
        .prefetch_related("files")
    )


def records_request_in(review: Review, request_id: int) -> RecordsRequest:
    try:
        return RecordsRequest.objects.select_related("organisation").get(
            review=review, pk=request_id
        )
    except RecordsRequest.DoesNotExist:
        raise Http404("No such records request in this review") from None


def organisations_of_case(case: Case) -> list[Organisation]:
    """The open providers a reviewer is most likely to ask or to have talked to: the person's
    GP practice and the organisations involved in their care, GP practice first."""
    found: dict[int, Organisation] = {}
    gp = case.notification.gp_practice
    if gp is not None:
        found[gp.pk] = gp
    for organisation in case.involved_organisations.order_by("name"):
        found.setdefault(organisation.pk, organisation)
    day = today()
    return [
        o
        for o in found.values()
        if o.kind in PROVIDER_KINDS
        and (o.opened_on is None or o.opened_on <= day)
        and (o.closed_on is None or o.closed_on > day)
    ]


def can_download(user, case: Case) -> bool:
    """Records' files are for the case's reviewer and the senior reviewers of its ICB only:
    not its local area contacts or the panel, who can read the review."""
    if case.is_reviewer(user):
        return True
    return has_role(user, Role.SENIOR_REVIEWER, organisation=case.notification.icb)


def uploaded_record_for_download(*, user, reference: str, kind: str, file_id: int):
    """The file `file_id` of the review `kind` of case `reference`, if `user` may download it.
    404 if the case, review or file is not found among what the user may see; 403 if they can
    read the review but may not download its records."""
    access = started_review(user=user, reference=reference, kind=kind)
    try:
        record = UploadedRecord.objects.select_related("request").get(
            pk=file_id, request__review=access.review
        )
    except UploadedRecord.DoesNotExist:
        raise Http404("No such file in this review") from None
    if not can_download(user, access.case):
        raise PermissionDenied(
            "Only the case's reviewer and senior reviewers can download records."
        )
    record.request.review = access.review
    return record
