"""Sign-off locks.

When quality assurance approves an initial review, or the panel signs off a focused review, the
review as it then stands is frozen in a `SignOff`: the review's version number, its whole content
(the same snapshot the version history keeps) and the SHA-256 of that content, which also goes
into the audit log. While a review is signed off (`Review.signed_off` is not null) nothing may
change its content: the services refuse, and database triggers refuse any INSERT, UPDATE or
DELETE of its content rows (see `governance/lock_triggers.py`). Changing it means reopening it
with a reason (`services.signoff.review_reopen`), which lifts the lock, records a new version and
leaves the SignOff row, and so the signed-off content, readable for ever.
"""

from django.db import models

from leder.core.model_fields import actor_field


class SignOffRoute(models.TextChoices):
    QA_APPROVAL = "qa", "Approved in quality assurance"
    PANEL = "panel", "Signed off by the governance panel"
    IMPORTED = "imported", "Imported from the previous platform, already signed off"


class SignOff(models.Model):
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="signoffs")
    # The review's version number at sign-off: the `ReviewVersion` this sign-off froze.
    version_number = models.PositiveIntegerField()
    route = models.CharField(max_length=10, choices=SignOffRoute.choices)
    signed_off_at = models.DateTimeField()
    signed_off_by = actor_field()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    # The panel decision or QA round that signed it off (one of them).
    panel_decision = models.OneToOneField(
        "governance.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signoff",
    )
    qa_round = models.OneToOneField(
        "governance.QARound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signoff",
    )
    # Set when the review is reopened: the lock on this version ends, the row stays.
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = actor_field(optional=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "signed_off_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "version_number"], name="one_signoff_per_version"
            ),
            models.UniqueConstraint(
                fields=["review"],
                condition=models.Q(reopened_at__isnull=True),
                name="one_live_signoff_per_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review}, signed off at version {self.version_number}"


__all__ = ["SignOff", "SignOffRoute"]
