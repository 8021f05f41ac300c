"""API clients and their tokens.

An `ApiClient` is a system (a trust's electronic patient record, a national analysis service)
acting for one organisation, with the scopes an administrator granted it. It authenticates with a
bearer token. Only the SHA-256 of a token is stored, with its first characters (`prefix`) to find
it; the token itself is shown once, when it is issued. Rotating issues a new token and ends the
old one; revoking ends a token or a whole client. Administrators do all of this through audited
services (`leder.api.services`).
"""

from django.db import models

from leder.core.model_fields import actor_field


class ApiScope(models.TextChoices):
    NOTIFICATIONS_SUBMIT = "notifications:submit", "Submit notifications of a death"
    NOTIFICATIONS_READ = "notifications:read", "Read the status of its own notifications"
    REFERENCE_READ = "reference:read", "Read reference data"
    DATASET_EXPORT = "dataset:export", "Start and fetch national dataset exports"


class ApiClient(models.Model):
    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="api_clients"
    )
    scopes = models.JSONField(default=list, help_text="The ApiScope values granted.")
    contact_email = models.EmailField(blank=True)
    created_at = models.DateTimeField()
    created_by = actor_field()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in (self.scopes or [])


class ApiToken(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = actor_field()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.client} token {self.prefix}…"


class ApiSubmission(models.Model):
    """A notification an API client submitted, under the client's idempotency key.

    The notification itself does not say which client sent it; this row does, so a client can
    read the status of its own notifications and of no others, and a retry with the same key
    returns the same notification. `request_hash` (SHA-256 of the submitted body) tells a retry
    from a different notification sent with a reused key.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    notification = models.OneToOneField(
        "notifications.Notification", on_delete=models.PROTECT, related_name="api_submission"
    )
    idempotency_key = models.UUIDField()
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API submission"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="one_submission_per_client_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} submitted {self.notification_id}"
