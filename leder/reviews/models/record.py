"""The review record: what a reviewer learns about a person's life and care.

A case has at most one initial review and one focused review (`Review`). A review is made of
sections (see `sections.py`): simple ones keep their answers in `ReviewSection.data`; others
(contacts, records, the timeline) keep rows of their own. Every save makes a `ReviewVersion`
holding a snapshot of the whole review and what changed, so any two versions can be compared and
nothing a reviewer typed is ever lost.
"""

from django.db import models

from leder.core.model_fields import actor_field


class ReviewKind(models.TextChoices):
    INITIAL = "initial", "Initial review"
    FOCUSED = "focused", "Focused review"


class Review(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    # The version of the structured questions this review is answered with: an old review keeps
    # the questions it was answered with.
    question_set_version = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField()
    started_by = actor_field()
    submitted_at = models.DateTimeField(null=True, blank=True)
    current_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_review_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.case}"


class ReviewSection(models.Model):
    """The saved answers of one simple section, and whether the reviewer marked it complete."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    is_complete = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    updated_by = actor_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="one_row_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.key}"


class ReviewVersion(models.Model):
    """One save: who, when, which section, what changed, and the whole review as it then stood."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField()
    saved_by = actor_field()
    section_key = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    snapshot = models.JSONField()
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="version_numbers_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Review versions are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Review versions are immutable")
