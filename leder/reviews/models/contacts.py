"""Models for the contacts part of the review: the people a reviewer talks to, each attempt to
reach them, and the records requested from organisations through a secure upload link.

Contacts and attempts are what the minimum of an initial review is checked against: a
conversation with family or someone close, with the GP (or a review of the GP record), and with
one other person involved in the person's care.
"""

from django.db import models

from leder.core.model_fields import actor_field

__all__ = [
    "Contact",
    "ContactAttempt",
    "ContactKind",
    "ContactMethod",
    "ContactOutcome",
    "ContactPreference",
    "ContactStatement",
    "RecordsRequest",
    "RecordsRequestStatus",
    "ScanStatus",
    "UploadedRecord",
]


class ContactKind(models.TextChoices):
    FAMILY = "family", "Family member"
    FRIEND = "friend", "Friend or someone close to the person"
    PAID_CARER = "paid_carer", "Paid carer"
    GP = "gp", "GP"
    PROFESSIONAL = "professional", "Other professional"
    OTHER = "other", "Other"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class ContactOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke with them"
    MESSAGE = "message", "Left a message"
    NO_ANSWER = "no_answer", "No answer"
    DECLINED = "declined", "Declined to take part"
    OTHER = "other", "Other"


class ContactPreference(models.TextChoices):
    """How a contact would like to hear from the review: every message honours it."""

    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    ADVOCATE = "advocate", "Through their advocate"


class Contact(models.Model):
    """Someone the reviewer has talked to or tried to reach about the person: how to reach them,
    and (for family and friends above all) how they would like to be contacted and what they
    need to take part: another language, an interpreter, easy read, large print, an advocate.
    Messages to the contact honour these (`leder.messaging`)."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    kind = models.CharField("Relationship", max_length=20, choices=ContactKind.choices)
    # A known organisation when there is one; otherwise as the reviewer wrote it.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    # The lines of a postal address, one a line, without the postcode.
    address = models.TextField("Postal address", blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_contact = models.CharField(
        "How they would like to be contacted",
        max_length=20,
        choices=ContactPreference.choices,
        blank=True,
    )
    # Empty: English.
    language = models.CharField("Language", max_length=100, blank=True)
    needs_interpreter = models.BooleanField("Needs an interpreter", default=False)
    easy_read = models.BooleanField("Easy read", default=False)
    large_print = models.BooleanField("Large print", default=False)
    advocate_name = models.CharField("Advocate's name", max_length=200, blank=True)
    advocate_telephone = models.CharField("Advocate's telephone", max_length=30, blank=True)
    advocate_email = models.EmailField("Advocate's email address", blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = actor_field()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def postal_address_lines(self) -> list[str]:
        """The address as the lines a letter is addressed with: name, address, postcode."""
        from leder.core.validators import address_lines

        lines = address_lines(self.address)
        if not lines or not self.postcode:
            return []
        return [self.name, *lines, self.postcode]


class ContactAttempt(models.Model):
    """One attempt to reach a contact, and what came of it."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attempts")
    made_on = models.DateField()
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = actor_field()

    class Meta:
        ordering = ["made_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_outcome_display()} on {self.made_on}"


class ContactStatement(models.Model):
    """What the reviewer states about the review's conversations besides the attempts: why no
    conversation with family or someone close was possible, and that the GP record was reviewed.
    One row per review, made on the first statement."""

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.CASCADE, related_name="contact_statement"
    )
    family_not_possible_reason = models.TextField(blank=True)
    gp_record_reviewed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField()
    updated_by = actor_field()

    def __str__(self) -> str:
        return f"Contacts statement for {self.review}"


class RecordsRequestStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    RECEIVED = "received", "Received"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RecordsRequest(models.Model):
    """A request to one organisation for the person's records, answered through a secure upload
    link. Only a SHA-256 of the link's token is kept: the token itself is e-mailed once and
    cannot be recovered from the database."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, related_name="records_requests"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField("Email address")
    requested = models.TextField("What is requested")
    requested_at = models.DateTimeField()
    requested_by = actor_field()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=20,
        choices=RecordsRequestStatus.choices,
        default=RecordsRequestStatus.OUTSTANDING,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"Records from {self.organisation} for {self.review}"


class ScanStatus(models.TextChoices):
    CLEAN = "clean", "Checked for viruses: none found"
    NOT_SCANNED = "not_scanned", "Not checked for viruses (no virus scanner is installed)"
    # An infected file is refused and deleted, so no row ever holds it: there is no "infected".


class UploadedRecord(models.Model):
    """A file an organisation uploaded through a request's link, stored outside the web root
    under a random name (`stored_name`, relative to `LEDER_PRIVATE_MEDIA_ROOT`)."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveBigIntegerField()
    # The type the content was recognised as, never the type the browser claimed.
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
