"""Messages sent to people outside the service (families above all): by e-mail, text message or
letter, through GOV.UK Notify or, without Notify, SMTP and locally printed letters (ADR 0180).

A `Message` row is made before anything is sent and holds no content: what a message says is
rebuilt from its `kind` and `subject_id` when it is sent, so a link's token exists only in the
sending task and in the message itself (ADR 0181). Every change of delivery status, from the
sending back end or Notify's callback, is a `DeliveryEvent`.
"""

from django.db import models

__all__ = ["Channel", "DeliveryEvent", "Message", "MessageStatus"]


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    LETTER = "letter", "Letter"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    # Notify has accepted it (Notify's "created", "sending", "pending", "accepted").
    SENDING = "sending", "Sent to GOV.UK Notify"
    # Handed to the mail server (SMTP) or printed to the console: no delivery receipt follows.
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    RECEIVED = "received", "Received by Royal Mail"
    TO_PRINT = "to_print", "Letter ready to print and post"
    POSTED = "posted", "Letter posted"
    PERMANENT_FAILURE = "permanent-failure", "Not delivered: the address is wrong"
    TEMPORARY_FAILURE = "temporary-failure", "Not delivered: the inbox or phone was unavailable"
    TECHNICAL_FAILURE = "technical-failure", "Not delivered: a technical failure"
    VALIDATION_FAILED = "validation-failed", "Letter refused by Notify"
    FAILED = "failed", "Could not be sent"


FAILED_STATUSES = frozenset(
    {
        MessageStatus.PERMANENT_FAILURE,
        MessageStatus.TEMPORARY_FAILURE,
        MessageStatus.TECHNICAL_FAILURE,
        MessageStatus.VALIDATION_FAILED,
        MessageStatus.FAILED,
    }
)


class Message(models.Model):
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The object the message is about, for its kind's builder (an invitation's id, say).
    subject_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "reviews.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The e-mail address or mobile number sent to; empty for a letter (its address is on it).
    to = models.CharField(max_length=254, blank=True)
    # Sent to the contact's advocate, on the contact's behalf.
    via_advocate = models.BooleanField(default=False)
    easy_read = models.BooleanField(default=False)
    large_print = models.BooleanField(default=False)
    # Our reference for Notify (no personal data): "leder-<uuid>".
    reference = models.CharField(max_length=60, unique=True)
    backend = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=60, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    status_at = models.DateTimeField()
    failure = models.CharField(max_length=300, blank=True)
    # A locally printed letter's PDF, relative to LEDER_PRIVATE_MEDIA_ROOT.
    letter_file = models.CharField(max_length=100, blank=True)
    fallback_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="fallback"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.get_channel_display()} ({self.reference})"

    @property
    def has_failed(self) -> bool:
        return self.status in FAILED_STATUSES


class DeliveryEvent(models.Model):
    """One status a message reached, and who said so (the back end, or Notify's callback)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=MessageStatus.choices)
    source = models.CharField(max_length=20)
    occurred_at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.message}: {self.status}"
