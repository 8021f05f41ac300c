"""Notifications: submit one (`notifications:submit`) and read the status of one the client's
organisation submitted (`notifications:read`)."""

import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Header, Router, Status

from leder.api import notification_payload, selectors, services
from leder.api.auth import actor_label, require_scope
from leder.api.errors import ApiError, ErrorOut
from leder.api.models import ApiScope
from leder.api.ratelimit import TokenThrottle, requests_limit, submit_limit
from leder.api.schemas import NotificationIn, NotificationStatusOut
from leder.core import audit
from leder.core.audit import client_ip

router = Router(tags=["Notifications"])

# 400: any request with NUL or an over-long value is refused at the edge (leder.core.edges).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut}


def _status_body(status: selectors.NotificationStatus) -> dict:
    return {
        "reference": status.reference,
        "received_at": status.received_at,
        "eligibility": {
            "outcome": status.eligibility_outcome,
            "description": status.eligibility_description,
        },
        "status": {"code": status.status, "description": status.status_description},
    }


def _record_read(request: HttpRequest, client, submission, summary: str) -> None:
    audit.record_view(
        actor=actor_label(client),
        obj=submission.notification,
        summary=summary,
        details={"client": client.name, "fields": "reference and status only"},
        request=request,
    )


@router.post(
    "/notifications",
    response={
        200: NotificationStatusOut,
        201: NotificationStatusOut,
        400: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
    }
    | ERRORS,
    summary="Submit a notification of a death",
    description=(
        "Records a notification exactly as the online form does: the same questions, rules and "
        "messages, the same eligibility decision and duplicate checks. 201 when it is new; 200 "
        "with the same notification when the idempotency key (the Idempotency-Key header or "
        "submission_key) was used before with the same body; 409 when it was used with a "
        "different body. Without a key every request is a new notification. The response never "
        "says whether the death was notified before."
    ),
    throttle=[TokenThrottle(requests_limit), TokenThrottle(submit_limit)],
    openapi_extra={"x-scopes": [ApiScope.NOTIFICATIONS_SUBMIT.value]},
)
def notification_create(
    request: HttpRequest,
    payload: NotificationIn,
    idempotency_key: Annotated[
        uuid.UUID | None,
        Header(
            alias="Idempotency-Key",
            description="A UUID you make for this notification; see submission_key.",
        ),
    ] = None,
):
    client = require_scope(request, ApiScope.NOTIFICATIONS_SUBMIT)
    if idempotency_key and payload.submission_key and idempotency_key != payload.submission_key:
        raise ApiError(
            422,
            "The Idempotency-Key header and submission_key differ: send one of them, or the "
            "same value in both",
            field="submission_key",
        )
    key = idempotency_key or payload.submission_key or uuid.uuid4()
    person, notifier = notification_payload.submission_inputs(payload, client=client)
    try:
        result = services.api_notification_submit(
            client=client,
            person=person,
            notifier=notifier,
            idempotency_key=key,
            request_hash=notification_payload.request_hash(payload),
            ip_address=client_ip(request),
        )
    except services.IdempotencyKeyReused as error:
        raise ApiError(409, str(error), code="idempotency_key_reused") from None
    except ValidationError as error:
        # The service's own checks (an ICB closed meanwhile, …), keyed by its field names.
        raise ValidationError(
            {
                notification_payload.json_field(name): messages
                for name, messages in error.message_dict.items()
            }
        ) from None
    if not result.created:
        _record_read(
            request,
            client,
            result.submission,
            f"API client {client.name} resubmitted {result.submission.notification.reference} "
            "(same idempotency key): status returned",
        )
    status = selectors.notification_status(result.submission)
    return Status(201 if result.created else 200, _status_body(status))


@router.get(
    "/notifications/{reference}",
    response={200: NotificationStatusOut, 404: ErrorOut} | ERRORS,
    summary="Read the status of a notification",
    description=(
        "The eligibility decision and where the case has got to, for a notification your "
        "organisation submitted through the API. Another organisation's reference is 404, the "
        "same as an unknown one. Only the reference and status are returned."
    ),
    throttle=TokenThrottle(requests_limit),
    openapi_extra={"x-scopes": [ApiScope.NOTIFICATIONS_READ.value]},
)
def notification_status(request: HttpRequest, reference: str):
    client = require_scope(request, ApiScope.NOTIFICATIONS_READ)
    submission = selectors.api_submission_for(client=client, reference=reference)
    _record_read(
        request,
        client,
        submission,
        f"API client {client.name} read the status of {submission.notification.reference}",
    )
    return Status(200, _status_body(selectors.notification_status(submission)))
