"""Quality assurance of initial reviews.

A senior reviewer of the case's ICB (never one who wrote the review) assesses a submitted initial
review against the checklist in force, then approves it (the review is signed off and locked) or
returns it with comments attached to sections. Each submission to QA opens a new `QARound`; the
rounds, their checklist answers and comments are kept for ever, so the history of a review's QA
can be read back.

The checklist is configurable: administrators maintain `QAChecklist` versions in the Django admin
(the newest active one is used for new rounds; a round keeps the version it was assessed with).
"""

from django.db import models

from leder.core.model_fields import actor_field


class QAChecklist(models.Model):
    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200, default="Quality assurance checklist")
    effective_from = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "QA checklist"

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class QAChecklistItem(models.Model):
    checklist = models.ForeignKey(QAChecklist, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    # The review section the item is about, if any (so a "no" can point the reviewer there).
    section_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["checklist", "order"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "key"], name="qa_item_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class QAOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting quality assurance"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for amendment"


class QARound(models.Model):
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="qa_rounds")
    number = models.PositiveSmallIntegerField()
    # The review version that was submitted for this round.
    submitted_version = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    checklist = models.ForeignKey(QAChecklist, on_delete=models.PROTECT, related_name="+")
    # Answers to the checklist: {item key: {"met": "yes"|"no"|"not_applicable", "note": ""}}.
    answers = models.JSONField(default=dict, blank=True)
    assessor = actor_field(optional=True)
    outcome = models.CharField(max_length=10, choices=QAOutcome.choices, default=QAOutcome.PENDING)
    summary = models.TextField("overall comments", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="qa_round_numbers_unique"),
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(outcome="pending"),
                name="one_open_qa_round",
            ),
        ]

    def __str__(self) -> str:
        return f"QA round {self.number} of {self.review}"


class QAComment(models.Model):
    """A comment attached to one section of the review (or to the review as a whole when
    `section_key` is empty). The reviewer marks it addressed with a reply when amending."""

    round = models.ForeignKey(QARound, on_delete=models.CASCADE, related_name="comments")
    section_key = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField()
    created_by = actor_field()
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.section_key or 'the review'} ({self.round})"


__all__ = ["QAChecklist", "QAChecklistItem", "QAComment", "QAOutcome", "QARound"]
