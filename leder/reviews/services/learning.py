"""Writes for grading of care, learning and the learning themes.

Every write to a review checks that the actor may edit it now (`records.check_can_edit`), and
records a version of the review and an audit row in the same transaction as the change, so a
failed write leaves nothing behind and every save can be compared with any other.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.reviews.models import (
    GradingScale,
    LearningItem,
    LearningKind,
    LearningTheme,
    Review,
    ReviewKind,
    ReviewSection,
)
from leder.reviews.services.records import (
    check_can_edit,
    review_change_record,
    review_section_save,
    review_version_record,
)

# The section keys of each kind of review: a focused review has its own grading and learning.
GRADING_KEY = {ReviewKind.INITIAL: "grading", ReviewKind.FOCUSED: "focused_grading"}
LEARNING_KEY = {ReviewKind.INITIAL: "learning", ReviewKind.FOCUSED: "focused_learning"}


# --- grading --------------------------------------------------------------------------------


def grading_scale_for(review: Review, *, stored_version: str | None = None) -> GradingScale:
    """The scale `review` is graded against: the version already stored with its grade, or else
    the scale in force on the day the review started. A later scale never regrades it."""
    if stored_version:
        scale = GradingScale.objects.filter(version=stored_version).first()
        if scale is not None:
            return scale
    scale = GradingScale.objects.in_force_on(review.started_at.date())
    if scale is None:
        raise LookupError("No grading scale is loaded (see migration 0005_learning)")
    return scale


# --- learning -------------------------------------------------------------------------------


def _clean_learning(*, kind: str, text: str, themes: Iterable[LearningTheme], allowed_inactive=()):
    themes = list(themes)
    problems = []
    if kind not in LearningKind.values:
        problems.append("Select the kind of learning")
    if not text.strip():
        problems.append("Describe the learning")
    if not themes:
        problems.append("Select at least one theme")
    retired = [t.name for t in themes if not t.active and t.pk not in set(allowed_inactive)]
    if retired:
        problems.append(f"Themes no longer in use: {', '.join(retired)}")
    if problems:
        raise ValidationError(problems)
    return themes


def learning_item_add(
    *, actor, review: Review, kind: str, text: str, themes: Iterable[LearningTheme]
) -> LearningItem:
    """Add one piece of learning, tagged with at least one active theme. Writes a version and an
    audit row with the item."""
    check_can_edit(actor=actor, review=review)
    themes = _clean_learning(kind=kind, text=text, themes=themes)
    with transaction.atomic():
        stamp = now()
        item = LearningItem.objects.create(
            review=review,
            kind=kind,
            text=text.strip(),
            created_at=stamp,
            created_by=actor,
            updated_at=stamp,
        )
        item.themes.set(themes)
        review_change_record(
            actor=actor,
            review=review,
            section_key=LEARNING_KEY[review.kind],
            action=AuditAction.CREATE,
            obj=item,
            audited=f"{item.get_kind_display()} added to {review}",
            version=f"{item.get_kind_display()} added",
        )
    return item


def learning_item_update(
    *, actor, item: LearningItem, kind: str, text: str, themes: Iterable[LearningTheme]
) -> LearningItem:
    """Change one piece of learning. A theme retired since it was chosen may stay; a new one
    must be active. Writes a version and an audit row, or nothing if nothing changed."""
    review = item.review
    check_can_edit(actor=actor, review=review)
    current = set(item.themes.values_list("pk", flat=True))
    themes = _clean_learning(kind=kind, text=text, themes=themes, allowed_inactive=current)
    if (item.kind, item.text, current) == (kind, text.strip(), {t.pk for t in themes}):
        return item
    with transaction.atomic():
        item.kind, item.text, item.updated_at = kind, text.strip(), now()
        item.save(update_fields=["kind", "text", "updated_at"])
        item.themes.set(themes)
        review_change_record(
            actor=actor,
            review=review,
            section_key=LEARNING_KEY[review.kind],
            action=AuditAction.UPDATE,
            obj=item,
            audited=f"{item.get_kind_display()} changed in {review}",
            version=f"{item.get_kind_display()} changed",
        )
    return item


def learning_item_remove(*, actor, item: LearningItem) -> None:
    """Remove one piece of learning. The version history keeps what it said."""
    review = item.review
    check_can_edit(actor=actor, review=review)
    with transaction.atomic():
        label = item.get_kind_display()
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=item,
            summary=f"{label} removed from {review}",
        )
        item.delete()
        review_version_record(
            actor=actor,
            review=review,
            section_key=LEARNING_KEY[review.kind],
            summary=f"{label} removed",
        )


def learning_section_save(
    *, actor, review: Review, no_learning_reason: str, complete: bool
) -> ReviewSection:
    """Save whether the learning section is finished, and (only when no learning was recorded)
    why none was identified. Marking it complete needs at least one piece of learning or that
    reason; a reason cannot stand beside recorded learning."""
    check_can_edit(actor=actor, review=review)
    reason = no_learning_reason.strip()
    has_items = review.learning_items.exists()
    if has_items and reason:
        raise ValidationError("Learning is recorded, so there is no reason for having none")
    if complete and not has_items and not reason:
        raise ValidationError("Add at least one piece of learning, or say why none was found")
    return review_section_save(
        actor=actor,
        review=review,
        key=LEARNING_KEY[review.kind],
        data={"no_learning_reason": reason},
        complete=complete,
    )


# --- the themes taxonomy (the Django admin) ------------------------------------------------


THEME_FIELDS = ("name", "description", "parent", "active")


def learning_theme_save(*, actor, theme: LearningTheme) -> LearningTheme:
    """Create or change a learning theme (administrators, from the Django admin), audited with
    what changed. Themes are retired, never deleted: past learning is tagged with them."""
    from leder.accounts import rules

    if not rules.can_manage_organisations(actor):
        raise PermissionDenied("Only administrators maintain the learning themes.")
    if theme.parent_id and theme.pk and theme.parent_id == theme.pk:
        raise ValidationError("A theme cannot belong to itself")
    with transaction.atomic():
        before = (
            LearningTheme.objects.filter(pk=theme.pk).values(*THEME_FIELDS).first()
            if theme.pk
            else None
        )
        theme.save()
        after = {
            name: getattr(theme, "parent_id" if name == "parent" else name) for name in THEME_FIELDS
        }
        if before is None:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=theme,
                summary=f"Learning theme {theme.name} added",
                details={"values": after},
            )
        else:
            changed = {
                name: [before[name], after[name]]
                for name in THEME_FIELDS
                if before[name] != after[name]
            }
            if changed:
                audit.record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=theme,
                    summary=f"Learning theme {theme.name} changed",
                    details={"changed": changed},
                )
    return theme
