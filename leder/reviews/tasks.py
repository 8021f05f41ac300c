"""Background work for the review record, run by the task worker (`manage.py db_worker`).

This module imports the services, never the reverse: `records_request_send` is the one way to
ask an organisation for records, the service writing the request and the e-mail enqueued once
that commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from leder.core import presenters
from leder.core.jobs import when_lost
from leder.reviews.models import RecordsRequest, RecordsRequestStatus
from leder.reviews.services.uploads import records_request_create, size_label, upload_link_issue


def records_request_send(*, base_url: str = "", **asked) -> RecordsRequest:
    """Ask an organisation for records (`records_request_create`, with its guarantees: `asked`
    is its arguments) and, once that commits, enqueue the e-mail giving the organisation its
    link (`base_url` makes the link absolute; `LEDER_BASE_URL` when empty). The task is given
    only the request's id: it makes the token itself, so the token is never stored."""
    with transaction.atomic():
        request = records_request_create(**asked)
        request_id = request.pk
        transaction.on_commit(
            lambda: send_records_request.enqueue(request_id=request_id, base_url=base_url)
        )
    return request


@task
def send_records_request(*, request_id: int, base_url: str = "") -> None:
    """E-mail an organisation the secure link for one records request (enqueued by
    `records_request_send` after commit). The e-mail names the review by its reference only:
    e-mail is not a safe place for who the person was; the upload page shows that to the link's
    holder. Nothing is sent for a request withdrawn in the meantime.

    The task is given only the request's id and makes the link's token here
    (`upload_link_issue`): the token exists only in the e-mail; the request keeps its SHA-256 and
    the task queue's table never sees it (ADR 0121)."""
    request = (
        RecordsRequest.objects.select_related(
            "organisation", "requested_by", "review__case__notification__icb"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status == RecordsRequestStatus.WITHDRAWN:
        return
    token = upload_link_issue(request)
    path = reverse("record_uploads:upload", kwargs={"token": token})
    base = (base_url or settings.LEDER_BASE_URL or "").rstrip("/")
    context = {
        "organisation": request.organisation.name,
        "icb": request.review.case.notification.icb.display_name,
        "reference": request.review.case.reference,
        "requested": request.requested,
        "link": f"{base}{path}",
        "expires": presenters.datetime_long(request.expires_at),
        "reviewer_name": request.requested_by.full_name,
        "reviewer_email": request.requested_by.email,
        "max_size": size_label(settings.LEDER_UPLOAD_MAX_BYTES),
        "service_name": settings.LEDER_SERVICE_NAME,
    }
    send_mail(
        subject=f"Request for records for LeDeR review {request.review.case.reference}",
        message=render_to_string("reviews/uploads/request_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[request.email],
    )


# Sent again once if its worker died (at worst the same link twice). The subject never names
# the token.
when_lost(
    send_records_request,
    subject=lambda kw: f"Records request e-mail {kw.get('request_id')}",
    requeue=True,
)
