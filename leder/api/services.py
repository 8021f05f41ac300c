"""Writes for the API: administrators managing clients and tokens, and clients submitting
notifications.

Every function checks permission (administrators only, for clients and tokens; the
`notifications:submit` scope, for submissions), validates with messages for the person reading
them, changes state and writes its audit row, in one transaction. The Django admin and the
`api_token_issue` command call these; nothing else writes `ApiClient` or `ApiToken`. A token's
plaintext exists only in the `IssuedToken` returned once; only its hash is stored or audited.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.api.auth import actor_label
from leder.api.models import ApiClient, ApiScope, ApiSubmission, ApiToken
from leder.api.tokens import token_hash, token_new, token_prefix
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.notifications.models import Channel
from leder.notifications.services import NotifierInput, PersonInput, notification_submit
from leder.organisations.models import Organisation

# The longest overlap a rotation allows: long enough to roll a new token out to every server of
# a trust's system, short enough that a leaked old token soon stops working.
MAX_ROTATION_GRACE = timedelta(days=7)
# Client keys become the notification's `submission_key` through this namespace and the client's
# id, so two clients choosing the same key never meet each other's notification.
SUBMISSION_KEY_NAMESPACE = uuid.UUID("6f1c3a52-6c2e-4f0b-9a57-1e2d3c4b5a69")


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


def _check_administrator(actor) -> None:
    if not rules.is_administrator(actor):
        raise PermissionDenied("Only an administrator can manage API clients and tokens.")


def _check_scopes(scopes) -> list[str]:
    scopes = list(dict.fromkeys(scopes or []))
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope: {', '.join(unknown)}"})
    if not scopes:
        raise ValidationError({"scopes": "Select at least one scope"})
    return scopes


def api_client_validate(
    *, name: str, organisation: Organisation | None, scopes: list[str]
) -> tuple[str, list[str]]:
    """The name and scopes a new client would get, or ValidationError with every problem. The
    admin form calls this too, so its errors show next to the fields."""
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the API client"
    elif ApiClient.objects.filter(name__iexact=name).exists():
        errors["name"] = "An API client with this name already exists"
    if organisation is None:
        errors["organisation"] = "Select the organisation the client acts for"
    try:
        scopes = _check_scopes(scopes)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return name, scopes


def api_client_create(
    *,
    actor,
    name: str,
    organisation: Organisation,
    scopes: list[str],
    contact_email: str = "",
) -> ApiClient:
    """Register a system acting for `organisation` with `scopes`. Administrators only; the
    name must be unique (it is how the audit log names the client). Audited."""
    _check_administrator(actor)
    name, scopes = api_client_validate(name=name, organisation=organisation, scopes=scopes)
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name,
            organisation=organisation,
            scopes=scopes,
            contact_email=(contact_email or "").strip(),
            created_at=now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=client,
            summary=f"API client {client.name} created for {organisation}",
            details={"organisation": organisation.ods_code, "scopes": scopes},
        )
    return client


def api_client_update_scopes(*, actor, client: ApiClient, scopes: list[str]) -> ApiClient:
    """Change what a client may do. Administrators only; audited with before and after."""
    _check_administrator(actor)
    scopes = _check_scopes(scopes)
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        before = list(locked.scopes)
        locked.scopes = scopes
        locked.save(update_fields=["scopes"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Scopes of API client {locked.name} changed",
            details={"from": before, "to": scopes},
        )
    client.refresh_from_db()
    return client


def _issue(*, actor, client: ApiClient, expires_at: datetime | None) -> IssuedToken:
    plaintext = token_new()
    token = ApiToken.objects.create(
        client=client,
        prefix=token_prefix(plaintext),
        token_hash=token_hash(plaintext),
        created_at=now(),
        created_by=actor,
        expires_at=expires_at,
    )
    return IssuedToken(token=token, plaintext=plaintext)


def _check_can_issue(client: ApiClient, expires_at: datetime | None) -> None:
    if not client.is_active:
        raise ValidationError("This API client has been revoked: it cannot have new tokens.")
    if expires_at is not None and expires_at <= now():
        raise ValidationError({"expires_at": "The expiry must be in the future"})


def api_token_issue(*, actor, client: ApiClient, expires_at: datetime | None = None) -> IssuedToken:
    """A new token for an active client. The plaintext is in the result and nowhere else: show
    it once. Administrators only; audited (with the token's prefix, never the token)."""
    _check_administrator(actor)
    _check_can_issue(client, expires_at)
    with transaction.atomic():
        issued = _issue(actor=actor, client=client, expires_at=expires_at)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=issued.token,
            summary=f"API token {issued.token.prefix}… issued to {client.name}",
            details={
                "client": client.name,
                "prefix": issued.token.prefix,
                "expires_at": expires_at,
            },
        )
    return issued


def api_token_rotate(
    *,
    actor,
    token: ApiToken,
    grace: timedelta = timedelta(0),
    expires_at: datetime | None = None,
) -> IssuedToken:
    """A new token for the same client; the old one stops working after `grace` (at once by
    default, at most `MAX_ROTATION_GRACE`). Administrators only; audited on both tokens."""
    _check_administrator(actor)
    if grace < timedelta(0) or grace > MAX_ROTATION_GRACE:
        raise ValidationError({"grace": "The overlap must be between 0 and 7 days"})
    with transaction.atomic():
        old = ApiToken.objects.select_for_update().select_related("client").get(pk=token.pk)
        moment = now()
        if old.revoked_at is not None and old.revoked_at <= moment:
            raise ValidationError("This token has already been revoked: issue a new one instead.")
        _check_can_issue(old.client, expires_at)
        issued = _issue(actor=actor, client=old.client, expires_at=expires_at)
        ends = moment + grace
        if old.revoked_at is None or old.revoked_at > ends:
            old.revoked_at = ends
            old.save(update_fields=["revoked_at"])
        details = {
            "client": old.client.name,
            "old_prefix": old.prefix,
            "new_prefix": issued.token.prefix,
            "old_token_ends": old.revoked_at,
        }
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=old,
            summary=f"API token {old.prefix}… rotated to {issued.token.prefix}…",
            details=details,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=issued.token,
            summary=f"API token {issued.token.prefix}… issued to {old.client.name} (rotation)",
            details=details,
        )
    token.refresh_from_db()
    return issued


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """The token stops working now. Revoking a revoked token changes nothing and writes
    nothing. Administrators only; audited."""
    _check_administrator(actor)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("client").get(pk=token.pk)
        moment = now()
        if locked.revoked_at is None or locked.revoked_at > moment:
            locked.revoked_at = moment
            locked.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                summary=f"API token {locked.prefix}… of {locked.client.name} revoked",
                details={"client": locked.client.name, "prefix": locked.prefix},
            )
    token.refresh_from_db()
    return token


def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    """The client and every one of its tokens stop working now. Administrators only; audited."""
    _check_administrator(actor)
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is not None:
            return client
        moment = now()
        locked.revoked_at = moment
        locked.save(update_fields=["revoked_at"])
        live = locked.tokens.exclude(revoked_at__lte=moment)
        prefixes = list(live.values_list("prefix", flat=True))
        live.update(revoked_at=moment)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"API client {locked.name} revoked",
            details={"tokens_revoked": prefixes},
        )
    client.refresh_from_db()
    return client


# --- submissions by clients ------------------------------------------------------------------


class IdempotencyKeyReused(Exception):
    """The client sent a different notification with a key it used before."""

    def __init__(self, submission: ApiSubmission):
        super().__init__("This idempotency key was used for a different notification.")
        self.submission = submission


@dataclass(frozen=True)
class ApiSubmissionResult:
    submission: ApiSubmission
    created: bool


def submission_key_for(*, client: ApiClient, key: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(SUBMISSION_KEY_NAMESPACE, f"{client.pk}:{key}")


def api_notification_submit(
    *,
    client: ApiClient,
    person: PersonInput,
    notifier: NotifierInput,
    idempotency_key: uuid.UUID,
    request_hash: str,
    ip_address: str | None = None,
) -> ApiSubmissionResult:
    """Submit a notification for `client` through `notification_submit` (the form's service:
    the same validation, eligibility and duplicate flags), with channel "api".

    Guarantees: needs the `notifications:submit` scope; idempotent per client by
    `idempotency_key` (the same key and body return the first submission, `created=False`, and
    write nothing; the same key with a different body raises `IdempotencyKeyReused`); records
    which client submitted the notification (`ApiSubmission`), so that only it can read the
    status; the service's audit row names the client as the submitter, and one more row records
    the client's submission.
    """
    if not client.has_scope(ApiScope.NOTIFICATIONS_SUBMIT):
        raise PermissionDenied("This client may not submit notifications.")
    existing = _existing_submission(client, idempotency_key, request_hash)
    if existing is not None:
        return ApiSubmissionResult(submission=existing, created=False)
    with transaction.atomic():
        result = notification_submit(
            person=person,
            notifier=notifier,
            channel=Channel.API,
            submission_key=submission_key_for(client=client, key=idempotency_key),
            ip_address=ip_address,
            submitted_by=f"api-client:{client.name}",
        )
        if not result.created:
            # A concurrent request with the same key won: its submission row is committed.
            existing = _existing_submission(client, idempotency_key, request_hash)
            if existing is not None:
                return ApiSubmissionResult(submission=existing, created=False)
        notification = result.notification
        submission = ApiSubmission.objects.create(
            client=client,
            notification=notification,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            created_at=notification.received_at,
        )
        audit.record(
            actor=actor_label(client),
            action=AuditAction.CREATE,
            obj=notification,
            summary=f"Notification {notification.reference} submitted by API client {client.name}",
            details={
                "client": client.name,
                "organisation": client.organisation.ods_code,
                "idempotency_key": str(idempotency_key),
                "eligibility": result.assessment.outcome,
            },
            ip_address=ip_address,
        )
    return ApiSubmissionResult(submission=submission, created=True)


def _existing_submission(client, idempotency_key, request_hash) -> ApiSubmission | None:
    existing = (
        ApiSubmission.objects.filter(client=client, idempotency_key=idempotency_key)
        .select_related("notification")
        .first()
    )
    if existing is not None and existing.request_hash != request_hash:
        raise IdempotencyKeyReused(existing)
    return existing
