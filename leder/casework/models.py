"""A case: one notified death on its way through triage, allocation and review.

A case is opened when the local area contact triages a notification; until then the death is
"notified" (a notification with no case). The case's responsible ICB is its notification's, so a
case can never belong to two ICBs. Its current state is stored for fast queries; how it got
there is the immutable `CaseEvent` trail written by `services.lifecycle.case_transition`.
"""

from django.conf import settings
from django.db import models


class CaseState(models.TextChoices):
    NOTIFIED = "notified", "Notified, awaiting triage"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    CHILD_DEATH_REVIEW = "child_death_review", "Child death review"
    OPTED_OUT = "opted_out", "National data opt-out"
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    ALLOCATED = "allocated", "Allocated, awaiting the reviewer"
    INITIAL_REVIEW = "initial_review", "Initial review"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
    FOCUSED_REVIEW = "focused_review", "Focused review"
    PANEL = "panel", "Awaiting panel"
    COMPLETED = "completed", "Completed"
    ON_HOLD = "on_hold", "On hold"


# States in which the review is still to be done: the deadline runs and a hold is possible.
ACTIVE_STATES = (
    CaseState.AWAITING_ALLOCATION,
    CaseState.ALLOCATED,
    CaseState.INITIAL_REVIEW,
    CaseState.QUALITY_ASSURANCE,
    CaseState.FOCUSED_REVIEW,
    CaseState.PANEL,
)
# States that end the LeDeR process for the death (completed may be reopened, issue 5).
CLOSED_STATES = (
    CaseState.NOT_ELIGIBLE,
    CaseState.CHILD_DEATH_REVIEW,
    CaseState.OPTED_OUT,
    CaseState.COMPLETED,
)


class Case(models.Model):
    notification = models.OneToOneField(
        "notifications.Notification", on_delete=models.PROTECT, related_name="case"
    )
    state = models.CharField(max_length=24, choices=CaseState.choices, db_index=True)
    state_changed_at = models.DateTimeField()
    # The state to return to when a hold ends.
    held_from_state = models.CharField(max_length=24, choices=CaseState.choices, blank=True)
    opened_at = models.DateTimeField()
    # The date the programme was told (the notification's receipt, Europe/London): the 6-month
    # clock starts here.
    notified_on = models.DateField()
    # Derived from notified_on, the installation's months and days on hold; stored for queries
    # and recomputed by the lifecycle service whenever a hold starts or ends.
    due_on = models.DateField(db_index=True)
    reviewer = models.ForeignKey(
        "casework.Reviewer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The reviewer who holds the case now (allocated or reviewing).",
    )
    # Organisations involved in the person's care (GP practice, trusts, care providers): a
    # reviewer employed by one of them has a conflict of interest.
    involved_organisations = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="involved_in_cases"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return self.notification.reference

    @property
    def reference(self) -> str:
        return self.notification.reference

    @property
    def icb_id(self) -> int:
        return self.notification.icb_id

    def is_reviewer(self, user) -> bool:
        """Whether `user` is the reviewer the case is allocated to now (offered or reviewing)."""
        return self.reviewer_id is not None and self.reviewer.user_id == getattr(user, "pk", None)


class ImmutableRow(models.Model):
    """A row written once and never changed: history is appended, not edited."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are immutable")


class CaseEvent(ImmutableRow):
    """One transition of one case: who, when, from which state to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, choices=CaseState.choices)
    to_state = models.CharField(max_length=24, choices=CaseState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_state} → {self.to_state}"


class HoldKind(models.TextChoices):
    """The parallel process that holds a review (issue 15)."""

    CORONER = "coroner", "Coroner's inquest"
    POLICE = "police", "Police investigation"
    SAFEGUARDING_ADULTS_REVIEW = "sar", "Safeguarding adults review"
    DOMESTIC_HOMICIDE_REVIEW = "dhr", "Domestic homicide review"
    PSII = "psii", "Patient safety incident investigation"
    CHILD_DEATH_REVIEW = "child_death_review", "Child death review"
    OTHER = "other", "Another process"


class CaseHold(models.Model):
    """A period on hold while another process runs (a coroner's inquest, a police
    investigation…): its kind, the organisation that runs it and its reference, when it is
    expected to end and, once it has, its outcome. Open while `ended_at` is null."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="holds")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    kind = models.CharField(max_length=20, choices=HoldKind.choices, default=HoldKind.OTHER)
    other_organisation = models.CharField(
        "organisation running the process", max_length=200, blank=True
    )
    other_reference = models.CharField("its reference", max_length=100, blank=True)
    expected_end_on = models.DateField("expected to end", null=True, blank=True)
    outcome = models.TextField("outcome of the process", blank=True)
    # The reminder job's memory: the last day it reminded the LACs that the expected end passed.
    reminded_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.case} on hold from {self.started_at:%Y-%m-%d}"


class Profession(models.TextChoices):
    LD_NURSE = "ld_nurse", "Learning disability nurse"
    NURSE = "nurse", "Nurse (other)"
    SOCIAL_WORKER = "social_worker", "Social worker"
    DOCTOR = "doctor", "Doctor"
    AHP = "ahp", "Allied health professional"
    OTHER = "other", "Other"


class RecruitmentStatus(models.TextChoices):
    IN_TRAINING = "in_training", "In training"
    TRAINED = "trained", "Trained"


class Reviewer(models.Model):
    """A reviewer on an ICB's register. Allocation only offers active, trained reviewers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_entries"
    )
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="reviewers"
    )
    profession = models.CharField(max_length=20, choices=Profession.choices)
    employer = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employed_reviewers",
    )
    employer_name = models.CharField(
        "employer (if not a listed organisation)", max_length=200, blank=True
    )
    capacity = models.PositiveSmallIntegerField("maximum open reviews", default=2)
    is_active = models.BooleanField(default=True)
    recruitment_status = models.CharField(
        max_length=20, choices=RecruitmentStatus.choices, default=RecruitmentStatus.IN_TRAINING
    )
    joined_on = models.DateField()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "icb"], name="one_register_entry_per_icb")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.icb})"


class ReviewerTraining(models.Model):
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="training")
    course = models.CharField(max_length=200)
    completed_on = models.DateField()

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on})"


class ConflictKind(models.TextChoices):
    ORGANISATION = "organisation", "Works or worked for an organisation"
    PERSON = "person", "Knew the person"


class ReviewerConflict(models.Model):
    """A conflict of interest the reviewer declared. A person they knew is matched by NHS number
    or by name and date of birth; an organisation by being involved in the person's care."""

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=20, choices=ConflictKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(max_length=200, blank=True)
    person_date_of_birth = models.DateField(null=True, blank=True)
    person_nhs_number = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["declared_at"]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_kind_display()}"


class AllocationStatus(models.TextChoices):
    OFFERED = "offered", "Waiting for the reviewer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Reallocated"


class Allocation(models.Model):
    """One offer of a case to a reviewer and what became of it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="allocations")
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.OFFERED
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["allocated_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.reviewer} ({self.status})"


class ReminderThreshold(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Long overdue (escalated)"


class ReminderStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed, not yet sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """A reminder about one case at one threshold to one recipient. The unique constraint is what
    makes reminders idempotent: a run claims the row (committed) before sending, so a second run,
    or a run after a crash, never sends it again."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reminders")
    threshold = models.CharField(max_length=12, choices=ReminderThreshold.choices)
    # The due date the reminder was about: a hold moves the due date and earns a new reminder.
    due_on = models.DateField()
    recipient = models.EmailField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.CLAIMED
    )
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "threshold", "due_on", "recipient"],
                name="one_reminder_per_threshold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.threshold} → {self.recipient}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the receiving ICB"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned"


class Transfer(models.Model):
    """A notified death (and its case, if opened) moving from one ICB to another (issue 15).

    Asked for by a local area contact of the ICB that holds it or a coordinator of its region,
    with a reason; the receiving ICB's local area contact accepts it (the death is then theirs:
    the old ICB's allocations end, the 6-month clock runs on) or returns it with a reason. The
    rows are kept: they are where the case has been."""

    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.PROTECT, related_name="transfers"
    )
    from_icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="transfers_in"
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_notification",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification} {self.from_icb} → {self.to_icb} ({self.status})"


class ChildDeathReview(models.Model):
    """What the child death overview panel (CDOP) concluded about a child's death routed to the
    child death review (aged 4 to 17): its reference and area, the date its review concluded,
    and the LeDeR core data its findings give (the underlying cause of death as an ICD-10 code,
    the learning, and a grade of care where the panel gives one). A death with a concluded
    panel review counts in the figures like a completed review (ADR 0154). One per case;
    corrected by recording it again (each change audited)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="child_death_review")
    panel_reference = models.CharField("panel's reference", max_length=100)
    panel_area = models.CharField("panel's area", max_length=200)
    concluded_on = models.DateField("date the panel's review concluded")
    cause_text = models.CharField("underlying cause of death", max_length=500)
    # WHO form ("J69.0"), checked against the ICD-10 list the reviews use.
    cause_code = models.CharField("ICD-10 code of the underlying cause", max_length=8)
    learning = models.TextField("learning from the panel's findings", blank=True)
    grade = models.PositiveSmallIntegerField("grade of care", null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.case}: child death review {self.panel_reference}"
