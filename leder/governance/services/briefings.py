"""Writing, publishing and withdrawing learning briefings.

A briefing is written by the local area contact, panel chair, ICB executive lead or a senior
reviewer of an ICB, from one or more of that ICB's signed-off reviews (the case completed, the
review under a live sign-off). It is a draft until published; publishing puts it in the learning
library that staff of every ICB read, so it first checks that the text holds none of the
identifiers the source case records hold (names, NHS numbers, addresses, dates, contact details),
using the same redaction as the national dataset. A refusal names only the kinds found, never the
identifier itself: the message is shown on a page and may be read by someone else. A published
briefing is withdrawn with a reason; a draft or withdrawn one can be changed and published
(again). Every change is audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.models import CaseState
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.governance.models import BriefingStatus, LearningBriefing
from leder.governance.services.signoff import live_signoff

# Who writes an ICB's briefings.
BRIEFING_AUTHORS = (Role.LAC, Role.PANEL_CHAIR, Role.ICB_LEAD, Role.SENIOR_REVIEWER)

TITLE_MAX = 200
TEXT_MAX = 10_000

# How a refusal names each kind of identifier found ("a name and a date").
KIND_PHRASES = {
    "name": "a name",
    "nhs_number": "an NHS number",
    "postcode": "a postcode",
    "phone": "a telephone number",
    "email": "an e-mail address",
    "date": "a date",
    "address": "an address or a named place",
}
# The briefing's texts checked before publishing, with how the refusal names them.
CHECKED_TEXTS = {
    "title": "the title",
    "summary": "the summary",
    "learning": "the learning",
    "easy_read": "the easy read version",
}


def can_write_briefings(user, *, icb) -> bool:
    """Write, publish and withdraw `icb`'s briefings: its LAC, panel chair, executive lead or a
    senior reviewer."""
    return rules.has_any_role(user, *BRIEFING_AUTHORS, organisation=icb)


def _check_author(actor, icb) -> None:
    if not can_write_briefings(actor, icb=icb):
        raise PermissionDenied(
            "Only the local area contact, panel chair, executive lead or a senior reviewer of "
            "this ICB can write its learning briefings."
        )


def source_review_problem(review, *, icb) -> str | None:
    """Why `review` cannot be a source of a briefing of `icb`, or None: it must be a review of
    one of `icb`'s cases, completed and signed off (not reopened since)."""
    if review.case.notification.icb_id != icb.pk:
        return "Choose reviews of your own ICB's cases."
    if review.case.state != CaseState.COMPLETED or live_signoff(review) is None:
        return (
            f"The review of {review.case.reference} is not signed off: a briefing is written "
            "from signed-off reviews only."
        )
    return None


def _clean(
    icb, title: str, summary: str, learning: str, easy_read: str, themes, source_reviews, /
) -> dict:
    """The briefing's values, stripped; every problem at once as a `ValidationError` keyed by
    field, in words for the author."""
    values = {
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "learning": (learning or "").strip(),
        "easy_read": (easy_read or "").strip(),
        "themes": list(themes or []),
        "source_reviews": list(source_reviews or []),
    }
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = "Enter a title"
    elif len(values["title"]) > TITLE_MAX:
        errors["title"] = f"The title must be {TITLE_MAX} characters or fewer"
    for name, words in (("summary", "a summary"), ("learning", "the learning")):
        if not values[name]:
            errors[name] = f"Enter {words}"
    for name, words in (
        ("summary", "The summary"),
        ("learning", "The learning"),
        ("easy_read", "The easy read version"),
    ):
        if len(values[name]) > TEXT_MAX:
            errors[name] = f"{words} must be {TEXT_MAX:,} characters or fewer"
    if not values["themes"]:
        errors["themes"] = "Select at least one theme"
    if not values["source_reviews"]:
        errors["source_reviews"] = "Select at least one signed-off review the briefing is from"
    for review in values["source_reviews"]:
        problem = source_review_problem(review, icb=icb)
        if problem:
            errors["source_reviews"] = problem
            break
    if errors:
        raise ValidationError(errors)
    return values


def _state(briefing: LearningBriefing) -> dict:
    return {
        "title": briefing.title,
        "summary": briefing.summary,
        "learning": briefing.learning,
        "easy_read": briefing.easy_read,
        "themes": sorted(briefing.themes.values_list("pk", flat=True)),
        "source_reviews": sorted(briefing.source_reviews.values_list("pk", flat=True)),
    }


def briefing_create(
    *,
    actor,
    icb,
    title: str,
    summary: str,
    learning: str,
    easy_read: str = "",
    themes,
    source_reviews,
) -> LearningBriefing:
    """Start a draft briefing of `icb` from some of its signed-off reviews. Guarantees: the
    actor writes `icb`'s briefings (else `PermissionDenied`); the values are valid and every
    source review is `icb`'s and signed off (else `ValidationError`, nothing written); the
    draft and its audit row are committed together."""
    _check_author(actor, icb)
    values = _clean(icb, title, summary, learning, easy_read, themes, source_reviews)
    with transaction.atomic():
        moment = now()
        briefing = LearningBriefing.objects.create(
            icb=icb,
            title=values["title"],
            summary=values["summary"],
            learning=values["learning"],
            easy_read=values["easy_read"],
            created_at=moment,
            created_by=actor,
            updated_at=moment,
        )
        briefing.themes.set(values["themes"])
        briefing.source_reviews.set(values["source_reviews"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=briefing,
            summary=f"Learning briefing “{briefing.title}” drafted",
            details={
                "icb": icb.pk,
                "themes": sorted(t.pk for t in values["themes"]),
                "source_reviews": sorted(r.pk for r in values["source_reviews"]),
            },
        )
    return briefing


def briefing_update(
    *,
    actor,
    briefing: LearningBriefing,
    title: str,
    summary: str,
    learning: str,
    easy_read: str = "",
    themes,
    source_reviews,
) -> list[str]:
    """Change a draft or withdrawn briefing (a published one is withdrawn first, so that the
    library never shows text that was not checked). Returns the names of what changed; audited
    with them. Same permission and validation as `briefing_create`."""
    _check_author(actor, briefing.icb)
    if briefing.status == BriefingStatus.PUBLISHED:
        raise ValidationError(
            "A published briefing cannot be changed. Withdraw it first, then change it and "
            "publish it again."
        )
    values = _clean(briefing.icb, title, summary, learning, easy_read, themes, source_reviews)
    with transaction.atomic():
        locked = LearningBriefing.objects.select_for_update().get(pk=briefing.pk)
        before = _state(locked)
        for name in ("title", "summary", "learning", "easy_read"):
            setattr(locked, name, values[name])
        locked.themes.set(values["themes"])
        locked.source_reviews.set(values["source_reviews"])
        after = _state(locked)
        changed = [name for name in before if before[name] != after[name]]
        if changed:
            locked.updated_at = now()
            locked.save()
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                summary=f"Learning briefing “{locked.title}” changed",
                details={"changed": changed},
            )
    briefing.refresh_from_db()
    return changed


def identifier_kinds_found(briefing: LearningBriefing) -> dict[str, list[str]]:
    """For each text of the briefing that holds identifiers of a source case record (or
    identifier-shaped patterns such as an NHS number or a postcode), the kinds found, in a fixed
    order. Empty when the briefing is de-identified. Never returns the identifiers themselves."""
    from leder.exports.redaction import RecordIdentifiers, identifiers_for_case, redact

    identifiers = RecordIdentifiers()
    for review in briefing.source_reviews.select_related("case__notification"):
        identifiers = identifiers.merged(identifiers_for_case(review.case))
    found = {}
    for name in CHECKED_TEXTS:
        counts = redact(getattr(briefing, name), identifiers).counts
        kinds = [kind for kind in KIND_PHRASES if counts.get(kind)]
        kinds += sorted(kind for kind in counts if kind not in KIND_PHRASES and counts[kind])
        if kinds:
            found[name] = kinds
    return found


def _phrase_list(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def identifier_problems(briefing: LearningBriefing) -> list[str]:
    """What stops `briefing` being published for de-identification, one message per text:
    "The summary contains a name and a date from the source records…". Empty when none."""
    messages = []
    for name, kinds in identifier_kinds_found(briefing).items():
        what = _phrase_list([KIND_PHRASES.get(kind, kind.replace("_", " ")) for kind in kinds])
        messages.append(
            f"{CHECKED_TEXTS[name][0].upper()}{CHECKED_TEXTS[name][1:]} contains {what}. "
            "Remove anything that could identify the person, their family or the staff "
            "involved, then publish again."
        )
    return messages


def briefing_publish(*, actor, briefing: LearningBriefing) -> LearningBriefing:
    """Publish a draft or withdrawn briefing to the learning library. Refused (nothing written)
    unless every source review is still signed off and no text holds an identifier of the source
    records or an identifier-shaped pattern; the refusal names the kinds found, never the
    identifiers. Audited with the kinds checked, not the text."""
    _check_author(actor, briefing.icb)
    with transaction.atomic():
        locked = LearningBriefing.objects.select_for_update().get(pk=briefing.pk)
        if locked.status == BriefingStatus.PUBLISHED:
            raise ValidationError("This briefing is already published.")
        for review in locked.source_reviews.select_related("case__notification"):
            problem = source_review_problem(review, icb=locked.icb)
            if problem:
                raise ValidationError(
                    f"{problem} Change the briefing's source reviews, then publish it."
                )
        problems = identifier_problems(locked)
        if problems:
            raise ValidationError(problems)
        was = locked.status
        locked.status = BriefingStatus.PUBLISHED
        locked.published_at, locked.published_by = now(), actor
        locked.withdrawn_reason = ""
        locked.save(update_fields=["status", "published_at", "published_by", "withdrawn_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Learning briefing “{locked.title}” published",
            details={"from": was, "checked": list(CHECKED_TEXTS)},
        )
    briefing.refresh_from_db()
    return briefing


def briefing_withdraw(*, actor, briefing: LearningBriefing, reason: str) -> LearningBriefing:
    """Take a published briefing out of the library, with a reason (kept on the briefing and in
    the audit). It can then be changed and published again."""
    _check_author(actor, briefing.icb)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for withdrawing the briefing"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2,000 characters or fewer"})
    with transaction.atomic():
        locked = LearningBriefing.objects.select_for_update().get(pk=briefing.pk)
        if locked.status != BriefingStatus.PUBLISHED:
            raise ValidationError("Only a published briefing can be withdrawn.")
        locked.status = BriefingStatus.WITHDRAWN
        locked.withdrawn_reason = reason
        locked.updated_at = now()
        locked.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Learning briefing “{locked.title}” withdrawn",
            details={"reason": reason},
        )
    briefing.refresh_from_db()
    return briefing


__all__ = [
    "BRIEFING_AUTHORS",
    "briefing_create",
    "briefing_publish",
    "briefing_update",
    "briefing_withdraw",
    "can_write_briefings",
    "identifier_kinds_found",
    "identifier_problems",
    "source_review_problem",
]
