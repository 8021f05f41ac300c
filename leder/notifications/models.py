"""A notification: someone telling the programme that a person has died.

The person's details are held once on `Notification`; each person or organisation who told us
is a `NotificationSource` (a confirmed duplicate's sources move to the notification it merged
into). Eligibility is decided by versioned rules (`EligibilityRules`) and every decision,
automatic or a local area contact's override, is kept as an `EligibilityDecision`.
"""

import uuid

from django.db import models

from leder.core.model_fields import actor_field
from leder.organisations.areas import AreaSource


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    TELEPHONE = "telephone", "Telephone (entered by staff)"
    API = "api", "API"
    IMPORT = "import", "Bulk import"


class Relationship(models.TextChoices):
    FAMILY = "family", "Family member"
    FRIEND = "friend", "Friend"
    GP = "gp", "GP or GP practice staff"
    HOSPITAL = "hospital", "Hospital staff"
    CARE_PROVIDER = "care_provider", "Care or support provider"
    PROFESSIONAL = "professional", "Other health or social care professional"
    OTHER = "other", "Someone else"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "I'm not sure"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class PlaceOfDeath(models.TextChoices):
    HOSPITAL = "hospital", "In hospital"
    HOME = "home", "At home"
    CARE_HOME = "care_home", "In a care home or supported living"
    HOSPICE = "hospice", "In a hospice"
    OTHER = "other", "Somewhere else"
    NOT_KNOWN = "not_known", "I do not know"


class CovidStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Yes, they had a positive test"
    SUSPECTED = "suspected", "They may have had COVID-19 but it was not confirmed"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "I do not know"


class NotificationState(models.TextChoices):
    NEW = "new", "New"
    MERGED = "merged", "Merged into another notification"


class ReferenceCounter(models.Model):
    """The last reference number issued in each year (LDR-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Notification(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    # Set by the form when it starts; a second submission with the same key is the same
    # notification (double click, refresh, network retry).
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4)
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    state = models.CharField(
        max_length=12, choices=NotificationState.choices, default=NotificationState.NEW
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_notifications"
    )

    # The person who died.
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField("other names they were known by", max_length=200, blank=True)
    date_of_birth = models.DateField()
    date_of_death = models.DateField()
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnic_category = models.ForeignKey(
        "reference.EthnicCategory", null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.TextField("usual address", blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    gp_practice = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    gp_practice_text = models.CharField("GP practice as given", max_length=200, blank=True)
    # Empty while the notification waits in the unassigned queue: the notifier did not know the
    # area and neither the GP practice nor the postcode placed it (docs/adr/0150).
    icb = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name="responsible ICB",
    )
    # The NHS England region, when known: whose regional coordinators see it while unassigned.
    region = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "region"},
    )
    # How the ICB was decided, and in words why ("From the postcode district LE11 …").
    area_source = models.CharField(max_length=12, choices=AreaSource.CHOICES, blank=True)
    area_explanation = models.CharField(max_length=300, blank=True)
    has_learning_disability = models.CharField(max_length=10, choices=Answer.choices)
    is_autistic = models.CharField(max_length=10, choices=Answer.choices)
    died_in_england = models.CharField(max_length=10, choices=Answer.choices, default=Answer.YES)
    place_of_death = models.CharField(max_length=12, choices=PlaceOfDeath.choices)
    place_of_death_detail = models.CharField(max_length=200, blank=True)
    circumstances = models.TextField("what happened", blank=True)
    covid = models.CharField("COVID-19", max_length=12, choices=CovidStatus.choices)
    has_care_concerns = models.CharField(max_length=10, choices=Answer.choices)
    care_concerns = models.TextField(blank=True)

    # The current eligibility decision (the latest `EligibilityDecision`), kept here for queries.
    eligibility_outcome = models.CharField(max_length=20, blank=True)
    eligibility_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["icb", "state", "received_at"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["date_of_death"]),
        ]

    def __str__(self) -> str:
        return self.reference


class NotificationSource(models.Model):
    """One notifier of one notification. A merge keeps every notifier as a source."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="sources")
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_detail = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=150)
    organisation_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    recorded_by = actor_field(optional=True)
    # The reference the notifier was given, kept when their notification is merged.
    original_reference = models.CharField(max_length=16)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class EligibilityRules(models.Model):
    """One version of the eligibility rules. A death is judged by the version in force on the
    date of death (the latest `effective_from` on or before it)."""

    version = models.CharField(max_length=20, unique=True)
    effective_from = models.DateField(unique=True)
    minimum_age = models.PositiveSmallIntegerField(default=4)
    adult_age = models.PositiveSmallIntegerField(default=18)
    autistic_adults_in_scope = models.BooleanField(default=False)
    description = models.TextField()

    class Meta:
        ordering = ["effective_from"]
        verbose_name_plural = "eligibility rules"

    def __str__(self) -> str:
        return f"{self.version} (from {self.effective_from})"


class EligibilityOutcome(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible for a LeDeR review"
    CHILD_DEATH_REVIEW = "child_review", "Eligible: reviewed through the child death review"
    TO_CONFIRM = "to_confirm", "To be confirmed by the local area contact"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


class EligibilityDecision(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="eligibility_decisions"
    )
    outcome = models.CharField(max_length=20, choices=EligibilityOutcome.choices)
    reason = models.CharField(max_length=40)
    rules = models.ForeignKey(EligibilityRules, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # None for the automatic decision made at submission.
    decided_by = actor_field(optional=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.notification} {self.outcome} ({self.rules.version})"


class DuplicateMatch(models.TextChoices):
    NHS_NUMBER = "nhs_number", "Same NHS number"
    DETAILS = "details", "Similar name, date of birth and date of death"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "To check"
    CONFIRMED = "confirmed", "Confirmed duplicate (merged)"
    DISMISSED = "dismissed", "Not a duplicate"


class DuplicateFlag(models.Model):
    """`notification` (the later one) may be the same death as `candidate` (the earlier one)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="duplicate_flags"
    )
    candidate = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    match = models.CharField(max_length=12, choices=DuplicateMatch.choices)
    score = models.PositiveSmallIntegerField(help_text="Similarity out of 100")
    explanation = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = actor_field(optional=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "candidate"], name="unique_duplicate_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification} may duplicate {self.candidate} ({self.match})"
