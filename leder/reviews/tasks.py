"""Background work for the review record, run by the task worker (`manage.py db_worker`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from leder.core import presenters
from leder.core.jobs import when_lost


@task
def send_records_request(*, request_id: int, base_url: str = "") -> None:
    """E-mail an organisation the secure link for one records request (enqueued by
    `records_request_create` after commit). The e-mail names the review by its reference only:
    e-mail is not a safe place for who the person was; the upload page shows that to the link's
    holder. Nothing is sent for a request withdrawn in the meantime.

    The task is given only the request's id and makes the link's token here
    (`upload_link_issue`): the token exists only in the e-mail; the request keeps its SHA-256 and
    the task queue's table never sees it (ADR 0121)."""
    from leder.reviews.models import RecordsRequest, RecordsRequestStatus

    request = (
        RecordsRequest.objects.select_related(
            "organisation", "requested_by", "review__case__notification__icb"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status == RecordsRequestStatus.WITHDRAWN:
        return
    from leder.reviews.services.uploads import upload_link_issue

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
        "max_size": _size(settings.LEDER_UPLOAD_MAX_BYTES),
        "service_name": settings.LEDER_SERVICE_NAME,
    }
    send_mail(
        subject=f"Request for records for LeDeR review {request.review.case.reference}",
        message=render_to_string("reviews/uploads/request_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[request.email],
    )


def _size(size: int) -> str:
    from leder.reviews.services.uploads import size_label

    return size_label(size)


# Sent again once if its worker died (at worst the same link twice). The subject never names
# the token.
when_lost(
    send_records_request,
    subject=lambda kw: f"Records request e-mail {kw.get('request_id')}",
    requeue=True,
)
