"""Governance panels, their meetings and decisions.

Each ICB has a governance panel (`Panel`); its members are the people holding the panel member or
panel chair role at the ICB (accounts.Membership), so membership has one source of truth. A
meeting has a date, an agenda of focused reviews ready for sign-off (`AgendaItem`), attendees
(members, and others by name), and minutes. It is quorate when at least `Panel.quorum` members
attend, one of them a chair; decisions can only be recorded at a quorate meeting. Each agenda
item gets one decision: signed off (the review is locked), returned with comments, or deferred
(it can go on a later agenda).
"""

from django.conf import settings
from django.db import models

from leder.core.model_fields import actor_field


class Panel(models.Model):
    icb = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="panel"
    )
    name = models.CharField(max_length=200)
    quorum = models.PositiveSmallIntegerField(
        default=3, help_text="Members (including a chair) who must attend for decisions."
    )
    terms_of_reference = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class PanelMeeting(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="panel_meetings_attended"
    )
    # People attending who have no account (a family advocate, a provider's representative).
    other_attendees = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = actor_field()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.panel} meeting, {self.starts_at:%d %B %Y}"


class PanelDecision(models.TextChoices):
    PENDING = "", "Not yet decided"
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned with comments"
    DEFERRED = "deferred", "Deferred"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    decision = models.CharField(
        max_length=12, choices=PanelDecision.choices, blank=True, default=PanelDecision.PENDING
    )
    comments = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = actor_field(optional=True)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "review"], name="review_once_per_agenda")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: item {self.order}"


__all__ = ["AgendaItem", "MeetingStatus", "Panel", "PanelDecision", "PanelMeeting"]
