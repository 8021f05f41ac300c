"""Writing messages: queue one for a contact, send it, record each delivery status, fall back to
a letter.

Every message is audited when queued (who asked for it, which way it goes and why, never its
content); every status change is a `DeliveryEvent`. A queued message is handed to `outbox`, from
which the sending task (`tasks.send_message`) takes it and calls `message_send` back: this module
knows nothing of the task (ADR 0196). A failed e-mail or text message whose kind allows it is
followed by a letter where an address is known."""

import logging
import uuid
from datetime import timedelta

from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.messaging import kinds, outbox
from leder.messaging.models import (
    FAILED_STATUSES,
    Channel,
    DeliveryEvent,
    Message,
    MessageStatus,
)
from leder.messaging.routing import Route, notify_configured, route
from leder.messaging.sending import NOTIFY_STATUSES, SendFailed, notify_client, transmit

# Statuses a later report may not undo (a late "sending" after "delivered").
FINAL_STATUSES = FAILED_STATUSES | {
    MessageStatus.DELIVERED,
    MessageStatus.RECEIVED,
    MessageStatus.POSTED,
}


log = logging.getLogger(__name__)


class CannotReach(Exception):
    """The contact has no detail the message could be sent by."""


@transaction.atomic
def message_queue(
    *,
    kind: str,
    subject_id: int,
    contact=None,
    case=None,
    actor,
    to_route: Route | None = None,
    channels: tuple[str, ...] | None = None,
) -> Message:
    """Queue `kind` about `subject_id` for `contact`, by the way `routing.route` chooses from
    the kind's channels (or `channels`), honouring easy read and large print. The task sends it
    after commit. Raises CannotReach when no channel can reach the contact."""
    spec = kinds.get(kind)
    chosen = to_route or route(contact, channels or spec.channels)
    if chosen is None:
        raise CannotReach(f"{contact.name} has no email address or postal address to use")
    at = now()
    message = Message.objects.create(
        kind=kind,
        channel=chosen.channel,
        subject_id=subject_id,
        case=case,
        contact=contact,
        to=chosen.to,
        via_advocate=chosen.via_advocate,
        easy_read=bool(contact and contact.easy_read),
        large_print=bool(contact and contact.large_print),
        reference=f"leder-{uuid.uuid4()}",
        status=MessageStatus.QUEUED,
        status_at=at,
        created_at=at,
    )
    DeliveryEvent.objects.create(
        message=message, status=MessageStatus.QUEUED, source="queue", occurred_at=at
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=message,
        summary=f"Queued a {spec.description} by {message.get_channel_display().lower()}"
        + (f" for {case.reference}" if case else ""),
        details={
            "kind": kind,
            "channel": message.channel,
            "why": chosen.why,
            "via_advocate": chosen.via_advocate,
            "easy_read": message.easy_read,
            "large_print": message.large_print,
            "contact_id": contact.pk if contact else None,
        },
    )
    outbox.hand_over(message.pk)
    return message


@transaction.atomic
def status_record(
    message: Message, status: str, *, source: str, detail: str = "", fallback: bool = True
) -> bool:
    """Record that `message` reached `status` (from the back end or a Notify callback). A
    final status is not overwritten by a late report. A failed e-mail or text message is
    followed by a letter where the contact's address is known and the kind allows it. Returns
    whether the status changed."""
    current = Message.objects.select_for_update().get(pk=message.pk)
    at = now()
    DeliveryEvent.objects.create(
        message=current, status=status, source=source, occurred_at=at, detail=detail[:300]
    )
    if current.status in FINAL_STATUSES or current.status == status:
        return False
    current.status = status
    current.status_at = at
    if status in FAILED_STATUSES:
        current.failure = detail[:300]
    current.save(update_fields=["status", "status_at", "failure"])
    message.status, message.status_at, message.failure = current.status, at, current.failure
    if status in FAILED_STATUSES and fallback:
        fallback_to_letter(current)
    return True


def message_send(message_id: int) -> Message | None:
    """Send one queued message: build its content (here, in the sending task, so a link's token
    is made only now: ADR 0181), hand it to its back end and record the outcome. Safe to run
    twice: a message no longer queued is left alone."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("contact", "case")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != MessageStatus.QUEUED:
            return message
        kind = kinds.get(message.kind)
        content = kind.build(message)
    if content is None:
        # Withdrawn or expired meanwhile: nothing to send, and no letter in its place.
        status_record(
            message, MessageStatus.FAILED, source="send", detail="Nothing to send", fallback=False
        )
        return message
    try:
        provider_id, backend, status = transmit(message, kind, content)
    except SendFailed as error:
        log.warning("Message %s not sent: %s", message.reference, error)
        status_record(message, MessageStatus.FAILED, source="send", detail=str(error))
        return message
    message.provider_id = provider_id
    message.backend = backend
    Message.objects.filter(pk=message.pk).update(
        provider_id=provider_id, backend=backend, letter_file=message.letter_file
    )
    status_record(message, status, source="send")
    return message


def fallback_to_letter(message: Message) -> Message | None:
    """A letter in place of a failed e-mail or text message, if the contact has an address,
    the kind allows it, and no letter has been sent for it already."""
    if message.channel == Channel.LETTER or message.contact is None:
        return None
    spec = kinds.get(message.kind)
    if not spec.letter_fallback or Channel.LETTER not in spec.channels:
        return None
    if Message.objects.filter(fallback_of=message).exists():
        return None
    letter_route = route(message.contact, (Channel.LETTER,))
    if letter_route is None:
        return None
    at = now()
    letter = Message.objects.create(
        kind=message.kind,
        channel=Channel.LETTER,
        subject_id=message.subject_id,
        case=message.case,
        contact=message.contact,
        easy_read=message.easy_read,
        large_print=message.large_print,
        reference=f"leder-{uuid.uuid4()}",
        status=MessageStatus.QUEUED,
        status_at=at,
        created_at=at,
        fallback_of=message,
    )
    DeliveryEvent.objects.create(
        message=letter,
        status=MessageStatus.QUEUED,
        source="fallback",
        occurred_at=at,
        detail=f"In place of {message.reference}",
    )
    audit.record(
        actor="system:messaging",
        action=AuditAction.CREATE,
        obj=letter,
        summary=f"Queued a letter in place of a failed {message.get_channel_display().lower()}",
        details={"kind": message.kind, "failed_message": message.pk},
    )
    outbox.hand_over(letter.pk)
    return letter


def callback_record(payload: dict) -> Message | None:
    """A delivery receipt from Notify's callback: find the message by Notify's id (or our
    reference) and record its status. Unknown messages are ignored (None)."""
    provider_id = str(payload.get("id") or "")
    reference = str(payload.get("reference") or "")
    message = None
    if provider_id:
        message = Message.objects.filter(provider_id=provider_id).first()
    if message is None and reference:
        message = Message.objects.filter(reference=reference).first()
    if message is None:
        return None
    notify_status = str(payload.get("status") or "")
    status = NOTIFY_STATUSES.get(notify_status)
    if status is None:
        return message
    status_record(message, status, source="callback", detail=f"Notify: {notify_status}")
    return message


@transaction.atomic
def letter_posted(message: Message, *, actor) -> None:
    """A locally printed letter was posted by the team."""
    status_record(message, MessageStatus.POSTED, source="staff")
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=message,
        summary="Marked a letter as posted",
    )


def statuses_refresh(*, older_than: timedelta = timedelta(minutes=10), limit: int = 500) -> dict:
    """Read from Notify the status of messages it accepted more than `older_than` ago and has not
    settled, and record any change (with the same fallback as a callback). Nothing to do
    without Notify."""
    from notifications_python_client.errors import APIError

    if not notify_configured():
        return {"checked": 0, "changed": 0}
    pending = Message.objects.filter(
        status=MessageStatus.SENDING, status_at__lte=now() - older_than
    ).exclude(provider_id="")[:limit]
    client = notify_client()
    checked = changed = 0
    for message in pending:
        try:
            found = client.get_notification_by_id(message.provider_id)
        except APIError:
            continue
        checked += 1
        status = NOTIFY_STATUSES.get(str(found.get("status") or ""))
        if status and status != MessageStatus.SENDING:
            changed += status_record(
                message, status, source="poll", detail=f"Notify: {found['status']}"
            )
    return {"checked": checked, "changed": changed}
