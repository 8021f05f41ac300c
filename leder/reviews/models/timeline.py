"""The timeline of care: dated events across key episodes of the person's life, each with the
organisation involved and what happened. Kept as rows of their own (not in `ReviewSection.data`)
so they can be listed in date order, edited one at a time and referred to by the family copy."""

from django.db import models

from leder.core.model_fields import actor_field

__all__ = ["TimelineEvent", "TimelineEventKind"]


class TimelineEventKind(models.TextChoices):
    GP = "gp", "GP"
    HOSPITAL_ADMISSION = "admission", "Hospital admission"
    OUTPATIENT = "outpatient", "Outpatient appointment"
    EMERGENCY = "emergency", "Emergency department"
    SOCIAL_CARE = "social_care", "Social care"
    PLACEMENT = "placement", "Housing or placement change"
    OTHER = "other", "Other"


class TimelineEvent(models.Model):
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, related_name="timeline_events"
    )
    occurred_on = models.DateField("date")
    kind = models.CharField(max_length=20, choices=TimelineEventKind.choices)
    # An organisation on the register when the reviewer picks one involved in the case; otherwise
    # the name as the reviewer gives it (a day centre or a dentist may not be on the register).
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    created_at = models.DateTimeField()
    created_by = actor_field()
    updated_at = models.DateTimeField()
    updated_by = actor_field()

    class Meta:
        # Date order; events on the same day in the order they were entered.
        ordering = ["occurred_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.get_kind_display()}"

    @property
    def organisation_label(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.organisation_name
