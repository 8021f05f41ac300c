"""A family's own way into the review (ADR 0183): an invitation to one contact, opened by a link
and a second factor; what they contribute through it; and the drafts the reviewer shares.

Only a SHA-256 of the link's token is kept, and it is set by the task that sends the invitation
(ADR 0181): the database alone cannot open a family's page. A second factor is needed as well, so
a forwarded letter or e-mail is not enough.
"""

from django.db import models

from leder.core.model_fields import actor_field

__all__ = [
    "ContributionKind",
    "DraftKind",
    "FamilyCode",
    "FamilyContribution",
    "FamilyFile",
    "FamilyInvitation",
    "SecondFactor",
    "SharedDraft",
]


class SecondFactor(models.TextChoices):
    CODE = "code", "A code sent to them by email or text message"
    DATE_OF_BIRTH = "date_of_birth", "The date of birth of the person who died"


class FamilyInvitation(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "reviews.Contact", on_delete=models.PROTECT, related_name="family_invitations"
    )
    second_factor = models.CharField(max_length=20, choices=SecondFactor.choices)
    # Set by the sending task; a later message for the same invitation replaces it.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = actor_field()
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = actor_field(optional=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Invitation to {self.contact.name} for {self.case}"


class FamilyCode(models.Model):
    """A one-time code sent to the family member; only its hash is kept."""

    invitation = models.ForeignKey(FamilyInvitation, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Code for {self.invitation_id}"


class DraftKind(models.TextChoices):
    PEN_PORTRAIT = "pen_portrait", "Draft pen portrait"
    SUMMARY = "summary", "Draft review summary"


class SharedDraft(models.Model):
    """What the reviewer shared with the family, frozen as it was shared: a list of
    [heading, text] pairs."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DraftKind.choices)
    content = models.JSONField()
    shared_at = models.DateTimeField()
    shared_by = actor_field()

    class Meta:
        ordering = ["shared_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.case}"


class ContributionKind(models.TextChoices):
    STORY = "story", "Their story of the person"
    CARE = "care", "What worked and what did not"
    COMMENT = "comment", "A comment on a draft"


class FamilyContribution(models.Model):
    """Something a family member added through their link; never changed afterwards."""

    invitation = models.ForeignKey(
        FamilyInvitation, on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(max_length=20, choices=ContributionKind.choices)
    # story: {"story"}; care: {"worked", "not_worked", "focused_review"}; comment: {"comment"}.
    answers = models.JSONField(default=dict)
    draft = models.ForeignKey(
        SharedDraft, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    created_at = models.DateTimeField()
    # When the reviewer first saw it: empty is "new".
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.invitation.contact.name}"


class FamilyFile(models.Model):
    """A photograph or document a family member added, stored like uploaded records."""

    contribution = models.ForeignKey(
        FamilyContribution, on_delete=models.PROTECT, related_name="files"
    )
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=20)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CopyWay(models.TextChoices):
    POST = "post", "Printed and posted"
    BY_HAND = "by_hand", "Given by hand"
    EMAIL = "email", "Sent by email from the team's mailbox"
    MEETING = "meeting", "Talked through at a meeting with the family"


class CopySent(models.Model):
    """A family copy sent to the family another way than through their own link (ADR 0166):
    printed and posted, handed over, sent from the team's mailbox. The copies announced through
    GOV.UK Notify are recorded by their `messaging.Message` rows."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    sent_to = models.CharField("who it was sent to", max_length=150)
    way = models.CharField("how it was sent", max_length=20, choices=CopyWay.choices)
    sent_on = models.DateField("when it was sent")
    easy_read = models.BooleanField("the easy-read version", default=False)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = actor_field()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"Family copy of {self.case} sent to {self.sent_to}"
