"""SMART actions and the ICB's three-year action plan.

Since 2021 reviewers do not write recommendations: concerns go to the panel, which agrees SMART
actions: specific (`title`, `description`), an owner organisation and person, a due date and how
completion will be measured. An action links to one or more reviews and to learning themes, and
may sit under a priority of the ICB's action plan. Its status moves open → in progress →
completed (with evidence) or cancelled (with a reason); every change and progress note is an
`ActionUpdate`, dated and attributed, never edited. An open or in-progress action past its due
date is overdue; `ActionReminder` rows make sure each reminder is sent once.
"""

from django.db import models

from leder.core.model_fields import actor_field


class ActionPlan(models.Model):
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="action_plans"
    )
    title = models.CharField(max_length=200)
    # A three-year plan, named by its first and last financial or calendar year.
    starts_on = models.DateField()
    ends_on = models.DateField()
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = actor_field()

    class Meta:
        ordering = ["icb", "-starts_on"]

    def __str__(self) -> str:
        return self.title


class ActionPlanPriority(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    themes = models.ManyToManyField("reviews.LearningTheme", blank=True, related_name="+")

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="actions"
    )
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField("what will be done", max_length=300)
    description = models.TextField(blank=True)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="owned_actions"
    )
    owner_name = models.CharField("owner", max_length=150)
    owner_email = models.EmailField(blank=True)
    due_on = models.DateField()
    measure = models.TextField("how completion will be measured")
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True
    )
    reviews = models.ManyToManyField("reviews.Review", blank=True, related_name="actions")
    themes = models.ManyToManyField("reviews.LearningTheme", blank=True, related_name="+")
    priority = models.ForeignKey(
        ActionPlanPriority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    # The panel decision that agreed it, when agreed at a panel meeting.
    agreed_at_item = models.ForeignKey(
        "governance.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    agreed_on = models.DateField()
    created_at = models.DateTimeField()
    created_by = actor_field()
    completed_on = models.DateField(null=True, blank=True)
    completion_evidence = models.TextField(blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(completion_evidence=""),
                name="completed_action_has_evidence",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancellation_reason=""),
                name="cancelled_action_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class ActionUpdate(models.Model):
    """A dated progress note or change of status. Never edited or deleted."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    at = models.DateTimeField()
    by = actor_field()
    from_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    note = models.TextField()

    class Meta:
        ordering = ["action", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action.reference} update {self.at:%d %b %Y}"


class ActionReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due within 14 days"
    OVERDUE = "overdue", "Overdue"


class ActionReminder(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ActionReminderKind.choices)
    # The due date the reminder was about: moving the due date allows a fresh reminder.
    due_on = models.DateField()
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind", "due_on"], name="action_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.action_id}"


__all__ = [
    "OPEN_ACTION_STATUSES",
    "Action",
    "ActionPlan",
    "ActionPlanPriority",
    "ActionReminder",
    "ActionReminderKind",
    "ActionStatus",
    "ActionUpdate",
]
