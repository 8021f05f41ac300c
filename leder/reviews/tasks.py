"""Background work for the review record, run by the task worker (`manage.py db_worker`).

This module imports the services, never the reverse: `records_request_send` is the one way to
ask an organisation for records, the service writing the request and the e-mail enqueued once
that commits; `person_correct_and_tell` is how a page corrects the person's details, the local
area contacts being e-mailed once a reviewer's correction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from leder.core import presenters
from leder.core.jobs import when_lost
from leder.reviews.models import RecordsRequest, RecordsRequestStatus
from leder.reviews.services.corrections import LABELS, CorrectionResult, person_correct
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


def person_correct_and_tell(**asked) -> CorrectionResult:
    """Correct the person's details (`person_correct`, with its guarantees: `asked` is its
    arguments). A correction by the reviewer is the local area contacts' to know: what was
    corrected and what the checks run again found are e-mailed to them once it commits (they
    decide what follows a changed eligibility or a possible duplicate)."""
    with transaction.atomic():
        result = person_correct(**asked)
        if result.corrected_as == "reviewer":
            notification_id = asked["notification"].pk
            told = {
                "fields": list(result.changes),
                "eligibility": [result.eligibility_before, result.eligibility_after],
                "duplicates": result.new_duplicates,
                "triggers_changed": result.triggers_before != result.triggers_after,
            }
            transaction.on_commit(
                lambda: send_correction_notice.enqueue(notification_id=notification_id, **told)
            )
    return result


@task
def send_correction_notice(
    *,
    notification_id: int,
    fields: list[str],
    eligibility: list[str],
    duplicates: list[str],
    triggers_changed: bool,
) -> int:
    """E-mail the ICB's local area contacts that the reviewer corrected the person's details
    (enqueued by `person_correct_and_tell`): which details, never their values, and what the
    checks run again changed. The reference only: e-mail is not a safe place for who the person
    was."""
    from leder.accounts.models import Role
    from leder.accounts.selectors import users_holding
    from leder.core.email import send_text_email
    from leder.notifications.models import EligibilityOutcome, Notification

    notification = Notification.objects.select_related("icb").get(pk=notification_id)
    recipients = sorted(
        {
            user.email.strip().lower()
            for user in users_holding(role=Role.LAC, organisation=notification.icb)
            if user.email
        }
    )
    if not recipients:
        return 0
    before, after = eligibility
    outcome = dict(EligibilityOutcome.choices)
    send_text_email(
        subject=f"Details corrected by the reviewer: {notification.reference}",
        template="reviews/corrections/reviewer_corrected.txt",
        context={
            "reference": notification.reference,
            "fields": [LABELS.get(name, name) for name in fields],
            "eligibility_changed": before != after,
            "eligibility_before": outcome.get(before, before),
            "eligibility_after": outcome.get(after, after),
            "duplicates": duplicates,
            "triggers_changed": triggers_changed,
        },
        to=recipients,
    )
    return len(recipients)
