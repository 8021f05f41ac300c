"""Grading of care, learning and its themes.

The grading scale is versioned reference data: a review is graded against the scale in force on
the day it started, and the grade keeps that scale's version, so a later change of wording never
changes what an old grade meant. Themes are a taxonomy administrators maintain in the Django
admin; a theme is retired (made inactive), never deleted, because past learning is tagged with it.
"""

from datetime import date

from django.db import models
from django.db.models import Q

from leder.core.model_fields import actor_field


class GradingScaleQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> "GradingScale | None":
        """The scale in force on `day`: the one with the latest `effective_from` on or before it
        (the earliest scale if `day` is before them all, so an old review can still be graded)."""
        return (
            self.filter(effective_from__lte=day).order_by("-effective_from").first()
            or self.order_by("effective_from").first()
        )


class GradingScale(models.Model):
    version = models.CharField(max_length=20, unique=True)
    effective_from = models.DateField(unique=True)
    description = models.TextField(blank=True)

    objects = GradingScaleQuerySet.as_manager()

    class Meta:
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"Grading of care, version {self.version} (from {self.effective_from:%d %B %Y})"


class GradingLevel(models.Model):
    scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, related_name="levels")
    level = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=100)
    description = models.TextField()

    class Meta:
        ordering = ["scale", "level"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "level"], name="one_grading_level_each"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=6), name="grading_level_1_to_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.title}"


class LearningTheme(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="A broader theme this one belongs to, if any.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active themes are offered to reviewers."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.parent.name}: {self.name}" if self.parent_id else self.name


class LearningKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", "Good practice"
    IMPROVEMENT = "improvement", "Area for improvement"
    CONCERN = "concern", "Concern"


class LearningItem(models.Model):
    """One piece of learning from a review, tagged with at least one theme (the form and the
    service insist; a many-to-many cannot be constrained in the database)."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, related_name="learning_items"
    )
    kind = models.CharField(max_length=20, choices=LearningKind.choices)
    text = models.TextField()
    themes = models.ManyToManyField(LearningTheme, related_name="+")
    created_at = models.DateTimeField()
    created_by = actor_field()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.review})"


__all__ = [
    "GradingLevel",
    "GradingScale",
    "LearningItem",
    "LearningKind",
    "LearningTheme",
]
