"""Locking a review at sign-off, and reopening it.

`review_lock` is called by the QA approval and panel sign-off services inside their transaction:
it freezes the review's current content in a `SignOff` with its SHA-256, writes the hash to the
audit log, and from then on the database refuses any change to the review (see
`lock_triggers`). `review_reopen` is the only way to change a signed-off review: the LAC or the
panel chair gives a reason; the sign-off is marked reopened (its snapshot stays readable for
ever), the case goes back to the review stage through the lifecycle, and a new version records
the reopening, so the audit shows who reopened it, why, and every change made afterwards.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.models import CaseState
from leder.casework.services.lifecycle import case_transition
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.governance.models import SignOff, SignOffRoute
from leder.reviews.models import Review, ReviewKind


def content_hash(snapshot) -> str:
    """SHA-256 of a review snapshot in canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def live_signoff(review: Review) -> SignOff | None:
    """The sign-off that locks `review` now, if any."""
    return SignOff.objects.filter(review=review, reopened_at__isnull=True).first()


def is_locked(review: Review) -> bool:
    return SignOff.objects.filter(review=review, reopened_at__isnull=True).exists()


def review_lock(*, actor, review: Review, route: str, qa_round=None, agenda_item=None) -> SignOff:
    """Freeze `review` as it stands now. Call inside the transaction of the QA approval or panel
    decision that signs it off; the caller has checked the actor's right to sign off."""
    from leder.reviews.services.records import review_snapshot

    locked = Review.objects.select_for_update().get(pk=review.pk)
    version = locked.versions.order_by("-number").first()
    if version is None:
        raise ValidationError("A review with nothing recorded cannot be signed off.")
    snapshot = review_snapshot(locked)
    if content_hash(snapshot) != content_hash(version.snapshot):
        # The live content must be exactly the last recorded version: a sign-off freezes a
        # version, never something the history does not hold.
        raise ValidationError("The review changed since its last recorded version.")
    digest = content_hash(version.snapshot)
    signoff = SignOff.objects.create(
        review=locked,
        version_number=version.number,
        route=route,
        signed_off_at=now(),
        signed_off_by=actor,
        snapshot=version.snapshot,
        content_hash=digest,
        qa_round=qa_round,
        panel_decision=agenda_item,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        summary=f"{locked} signed off and locked at version {version.number}",
        details={
            "route": route,
            "version": version.number,
            "content_sha256": digest,
            "signoff": signoff.pk,
        },
    )
    return signoff


def reopen_refusal(*, user, review: Review) -> str | None:
    """Why `user` may not reopen `review` now, or None."""
    icb = review.case.notification.icb
    if not rules.has_any_role(user, Role.LAC, Role.PANEL_CHAIR, organisation=icb):
        return "Only the local area contact or the panel chair of this ICB can reopen a review."
    if review.case.state != CaseState.COMPLETED or not is_locked(review):
        return "Only a signed-off review of a completed case can be reopened."
    return None


def review_reopen(*, actor, review: Review, reason: str) -> SignOff:
    """Reopen a signed-off review with a reason. The sign-off's snapshot stays readable; the case
    returns to the stage of the review (initial or focused) for the allocated reviewer to amend
    and resubmit; a new version and the audit record who reopened it and why."""
    from leder.reviews.services.records import review_version_record

    refusal = reopen_refusal(user=actor, review=review)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter the reason for reopening the review.")
    with transaction.atomic():
        signoff = (
            SignOff.objects.select_for_update()
            .filter(review=review, reopened_at__isnull=True)
            .first()
        )
        if signoff is None:
            # Someone reopened it between the check above and this lock (a double submit).
            raise ValidationError("This review has already been reopened.")
        signoff.reopened_at, signoff.reopened_by, signoff.reopen_reason = now(), actor, reason
        signoff.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        transition = "reopen_focused" if review.kind == ReviewKind.FOCUSED else "reopen"
        case_transition(
            actor=actor,
            case=review.case,
            transition=transition,
            reason=reason,
            service="governance.services.signoff.review_reopen",
        )
        Review.objects.filter(pk=review.pk).update(submitted_at=None)
        review.refresh_from_db()
        review_version_record(
            actor=actor,
            review=review,
            section_key="reopened",
            summary=f"Reopened after sign-off at version {signoff.version_number}: {reason}",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=review,
            summary=f"{review} reopened (was signed off at version {signoff.version_number})",
            details={
                "reason": reason,
                "signoff": signoff.pk,
                "signed_off_version": signoff.version_number,
                "content_sha256": signoff.content_hash,
            },
        )
    return signoff


def signoff_verify(signoff: SignOff) -> list[str]:
    """Problems with a sign-off: its stored hash must match its snapshot, and its snapshot the
    review version it froze; and the hash must be the one the keyed audit log recorded when the
    review was signed off (ADR 0123). Without that last check, someone who can drop the lock
    triggers could rewrite the review, its version, the sign-off's snapshot and recompute the
    (unkeyed) content hash, and every other check would agree. Empty when it is intact."""
    from leder.core.models import AuditEvent

    problems = []
    recorded = {
        value
        for value in AuditEvent.objects.filter(details__signoff=signoff.pk).values_list(
            "details__content_sha256", flat=True
        )
        if value
    }
    if recorded and recorded != {signoff.content_hash}:
        problems.append(
            "The signed-off content's hash is not the one the audit log recorded at sign-off: "
            "the review was rewritten after it was signed off."
        )
    if content_hash(signoff.snapshot) != signoff.content_hash:
        problems.append("The signed-off content does not match its recorded hash.")
    version = signoff.review.versions.filter(number=signoff.version_number).first()
    if version is None or content_hash(version.snapshot) != signoff.content_hash:
        problems.append("The signed-off content does not match the version it froze.")
    if signoff.reopened_at is None:
        from leder.reviews.services.records import review_snapshot

        if content_hash(review_snapshot(signoff.review)) != signoff.content_hash:
            problems.append("The locked review's content differs from what was signed off.")
    return problems


__all__ = [
    "SignOffRoute",
    "content_hash",
    "is_locked",
    "live_signoff",
    "reopen_refusal",
    "review_lock",
    "review_reopen",
    "signoff_verify",
]
