"""Writes of the free-text release queue (issue 13): adding a redaction, undoing or restoring
one, and releasing the redacted text for the national dataset.

Each function checks that the actor releases free text for the case's ICB (its local area
contact or information-governance reviewer), refuses a change to text that is no longer the
review's (the review was reopened and signed off again since the page was read), changes the
row and writes its audit event in one transaction. A released text is frozen: changing its
redactions afterwards needs it withdrawn first, which these functions do by clearing the
release (and saying so in the audit).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.exports import release as queue
from leder.exports.models import FreeTextRelease
from leder.exports.redaction import Kind, fold


def _check(actor, item: queue.Item) -> None:
    if not queue.can_release(actor, icb=item.case.notification.icb):
        raise PermissionDenied(
            "Only the ICB's local area contact or information-governance reviewer can release "
            "free text."
        )


def _row(item: queue.Item) -> FreeTextRelease:
    """The item's row, created on first change, locked for this transaction."""
    moment = now()
    row, _ = FreeTextRelease.objects.select_for_update().get_or_create(
        case=item.case,
        field=item.field,
        text_sha256=item.sha256,
        defaults={"signoff": item.signoff, "created_at": moment, "updated_at": moment},
    )
    return row


def _check_current(item: queue.Item, sha256: str) -> None:
    if sha256 != item.sha256:
        raise ValidationError(
            "The review's text changed since you opened it (it was reopened and signed off "
            "again). Read it again before you change or release it."
        )


def _withdraw(row: FreeTextRelease) -> bool:
    """Clear a release so the text is withheld again; True when it had been released."""
    was = row.is_released
    row.released_at, row.released_by, row.released_text, row.released_counts = None, None, "", {}
    return was


def _summary(item: queue.Item, what: str) -> str:
    return f"{what} in {item.label.lower()} of case {item.case.notification.reference}"


def free_text_redaction_add(*, actor, item: queue.Item, sha256: str, words: str, kind: str) -> int:
    """Redact every occurrence of `words` (whole words, any case, accents and quotes as
    written or plain) in the item's text as `kind`. Returns how many were added. Refused when
    the words are not in the text. Audited with the kind, the count and the positions (never
    the words themselves)."""
    _check(actor, item)
    _check_current(item, sha256)
    words = " ".join((words or "").split())
    errors = {}
    if not words:
        errors["words"] = "Enter the words to remove, exactly as they appear in the text"
    if kind not in Kind.__members__.values():
        errors["kind"] = "Select what kind of identifier the words are"
    if errors:
        raise ValidationError(errors)
    pattern = r"[\s]+".join(re.escape(w) for w in fold(words).split(" "))
    found = [
        (m.start(), m.end())
        for m in re.finditer(rf"(?<!\w){pattern}(?!\w)", fold(item.text), re.IGNORECASE)
    ]
    if not found:
        raise ValidationError(
            {"words": "These words are not in the text. Copy them exactly as they appear"}
        )
    with transaction.atomic():
        row = _row(item)
        existing = {(s, e) for s, e, _ in row.added}
        spans = [[s, e, kind] for s, e in found if (s, e) not in existing]
        row.added = [*row.added, *spans]
        # Undoing an automatic redaction and then redacting the same words puts it back.
        row.kept = [k for k in row.kept if not any(k[0] < e and s < k[1] for s, e in found)]
        withdrawn = _withdraw(row)
        row.updated_at = now()
        row.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=row,
            summary=_summary(
                item, f"{len(found)} redaction(s) of a {kind.replace('_', ' ')} added"
            ),
            details={
                "field": item.field,
                "kind": kind,
                "spans": [[s, e] for s, e in found],
                "text_sha256": item.sha256,
                "release_withdrawn": withdrawn,
            },
        )
    return len(found)


def free_text_redaction_toggle(
    *, actor, item: queue.Item, sha256: str, start: int, end: int
) -> str:
    """Undo the redaction at `start`..`end` (a person's is removed; an automatic one is kept
    in the text), or restore an automatic one undone before. Returns "undone" or "restored".
    Audited."""
    _check(actor, item)
    _check_current(item, sha256)
    with transaction.atomic():
        row = _row(item)
        added = [a for a in row.added if (a[0], a[1]) != (start, end)]
        if len(added) != len(row.added):
            row.added, outcome, source = added, "undone", "added"
        elif [start, end] in row.kept:
            row.kept = [k for k in row.kept if k != [start, end]]
            outcome, source = "restored", "automatic"
        else:
            automatic = {
                (r.start, r.end)
                for r in queue.redactions(item.text, queue.identifiers_of(item.case), None)
            }
            if (start, end) not in automatic:
                raise ValidationError("There is no redaction there. Reload the page and try again.")
            row.kept = [*row.kept, [start, end]]
            outcome, source = "undone", "automatic"
        withdrawn = _withdraw(row)
        row.updated_at = now()
        row.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=row,
            summary=_summary(item, f"A redaction ({source}) {outcome}"),
            details={
                "field": item.field,
                "span": [start, end],
                "source": source,
                "outcome": outcome,
                "text_sha256": item.sha256,
                "release_withdrawn": withdrawn,
            },
        )
    return outcome


def free_text_release(*, actor, item: queue.Item, sha256: str) -> FreeTextRelease:
    """Release the item's text, redacted as the person sees it now, for the national dataset.
    Audited with the kinds and counts removed and the SHA-256 of the original and of what
    leaves."""
    _check(actor, item)
    _check_current(item, sha256)
    with transaction.atomic():
        row = _row(item)
        redactions = queue.redactions(item.text, queue.identifiers_of(item.case), row)
        result = queue.redacted_text(item.text, redactions)
        row.released_at, row.released_by = now(), actor
        row.released_text, row.released_counts = result.text, result.counts
        row.signoff = item.signoff
        row.updated_at = row.released_at
        row.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=row,
            summary=_summary(item, "Free text released for the national dataset"),
            details={
                "field": item.field,
                "removed": result.counts,
                "added_by_people": len(row.added),
                "automatic_undone": len(row.kept),
                "text_sha256": item.sha256,
                "released_sha256": queue.text_sha256(result.text),
            },
        )
    return row
