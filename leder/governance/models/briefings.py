"""Learning briefings: de-identified summaries written from signed-off reviews.

An ICB's staff write a briefing from one or more of their signed-off reviews; once published it
joins the learning library, which staff of every ICB can read and search by theme. The source
reviews are recorded for the authoring ICB only and never shown to other ICBs. Publishing checks
the text for the identifiers the source case records hold (see `services.briefings`). A briefing
may have an easy-read version.
"""

from django.db import models

from leder.core.model_fields import actor_field


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LearningBriefing(models.Model):
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="briefings"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What happened, in general terms.")
    learning = models.TextField(help_text="What services should learn and do.")
    easy_read = models.TextField("easy read version", blank=True)
    themes = models.ManyToManyField("reviews.LearningTheme", related_name="+")
    source_reviews = models.ManyToManyField("reviews.Review", blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT
    )
    created_at = models.DateTimeField()
    created_by = actor_field()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = actor_field(optional=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title


__all__ = ["BriefingStatus", "LearningBriefing"]
