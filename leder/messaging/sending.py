"""Sending one message whose content is built: hand it to GOV.UK Notify or, where Notify is not
configured, to Django's mailer (SMTP, or the console in the demo) and the local letter printer
(ADR 0180). What the outcome means for the message is recorded by `services.message_send`."""

import io
import logging
import secrets
import smtplib
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from leder.messaging import kinds
from leder.messaging.letters import render_letter
from leder.messaging.models import Channel, Message, MessageStatus
from leder.messaging.routing import language_help, notify_configured

log = logging.getLogger(__name__)

# Notify's statuses while a message is on its way, and ours for them.
NOTIFY_STATUSES = {
    "created": MessageStatus.SENDING,
    "sending": MessageStatus.SENDING,
    "pending": MessageStatus.SENDING,
    "accepted": MessageStatus.SENDING,
    "pending-virus-check": MessageStatus.SENDING,
    "delivered": MessageStatus.DELIVERED,
    "sent": MessageStatus.DELIVERED,  # an international text message: as near as Notify knows
    "received": MessageStatus.RECEIVED,
    "permanent-failure": MessageStatus.PERMANENT_FAILURE,
    "temporary-failure": MessageStatus.TEMPORARY_FAILURE,
    "technical-failure": MessageStatus.TECHNICAL_FAILURE,
    "virus-scan-failed": MessageStatus.VALIDATION_FAILED,
    "validation-failed": MessageStatus.VALIDATION_FAILED,
    "cancelled": MessageStatus.FAILED,
}


class SendFailed(Exception):
    pass


def notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.LEDER_NOTIFY_API_KEY, base_url=settings.LEDER_NOTIFY_BASE_URL, timeout=20
    )


def letters_root() -> Path:
    return Path(settings.LEDER_PRIVATE_MEDIA_ROOT) / "letters"


def _personalisation(message: Message, content: kinds.Content) -> dict[str, str]:
    values = {k: "" if v is None else str(v) for k, v in content.personalisation.items()}
    values.setdefault("language_help", language_help(message.contact))
    if message.via_advocate and message.contact is not None:
        values["for_whom"] = f"This message is for {message.contact.name}, whom you support."
    else:
        values.setdefault("for_whom", "")
    return values


def _body(kind: kinds.Kind, channel: str, values: dict, *, easy_read: bool) -> str:
    suffix = "_easy_read" if easy_read and kind.has_easy_read else ""
    return render_to_string(f"messaging/{kind.key}/{channel}{suffix}.txt", {"p": values})


def _send_notify(message: Message, kind: kinds.Kind, values: dict, content) -> tuple[str, str]:
    """(provider id, backend) once Notify has accepted the message; raises SendFailed."""
    from notifications_python_client.errors import APIError

    client = notify_client()
    try:
        if message.channel == Channel.EMAIL:
            response = client.send_email_notification(
                email_address=message.to,
                template_id=kinds.template_id(kind, Channel.EMAIL, easy_read=message.easy_read),
                personalisation=values,
                reference=message.reference,
            )
        elif message.channel == Channel.SMS:
            response = client.send_sms_notification(
                phone_number=message.to,
                template_id=kinds.template_id(kind, Channel.SMS, easy_read=message.easy_read),
                personalisation=values,
                reference=message.reference,
            )
        else:
            pdf = _letter_pdf(message, kind, values, content)
            response = client.send_precompiled_letter_notification(
                reference=message.reference, pdf_file=io.BytesIO(pdf), postage="second"
            )
    except (APIError, LookupError) as error:
        raise SendFailed(f"GOV.UK Notify refused it: {_describe(error)}") from error
    return str(response["id"]), "notify"


def _describe(error) -> str:
    message = getattr(error, "message", None) or str(error)
    return str(message)[:250]


def _letter_pdf(message: Message, kind, values: dict, content) -> bytes:
    if not content.address_lines:
        raise SendFailed("No postal address is known")
    return render_letter(
        kind.key,
        personalisation=values,
        address_lines=content.address_lines,
        large_print=message.large_print,
        easy_read=message.easy_read and kind.has_easy_read,
    )


def _send_locally(message: Message, kind: kinds.Kind, values: dict, content) -> tuple[str, str]:
    if message.channel == Channel.EMAIL:
        try:
            send_mail(
                subject=kind.subject_for(values),
                message=_body(kind, Channel.EMAIL, values, easy_read=message.easy_read),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[message.to],
            )
        except (smtplib.SMTPException, OSError) as error:
            raise SendFailed(f"The mail server refused it: {error}") from error
        return "", "smtp" if settings.MAILERS["default"]["BACKEND"].endswith(
            "smtp.EmailBackend"
        ) else "mailer"
    if message.channel == Channel.SMS:
        raise SendFailed("Text messages need GOV.UK Notify, which is not configured")
    pdf = _letter_pdf(message, kind, values, content)
    root = letters_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    (root / name).write_bytes(pdf)
    (root / name).chmod(0o600)
    message.letter_file = f"letters/{name}"
    return "", "local-print"


def transmit(message: Message, kind: kinds.Kind, content: kinds.Content) -> tuple[str, str, str]:
    """Hand `message`, its content built, to its back end: GOV.UK Notify where it is configured,
    else the mailer or the local letter printer. Returns (provider id, back end, the status the
    message now has); raises SendFailed."""
    values = _personalisation(message, content)
    if notify_configured():
        provider_id, backend = _send_notify(message, kind, values, content)
        return provider_id, backend, MessageStatus.SENDING
    provider_id, backend = _send_locally(message, kind, values, content)
    status = MessageStatus.TO_PRINT if message.channel == Channel.LETTER else MessageStatus.SENT
    return provider_id, backend, status
