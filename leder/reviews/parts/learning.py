"""Registers the learning of a review: in the initial review (order 90) and in the focused review
(order 140). Learning keeps rows of its own (`LearningItem`, with their themes) and has its own
pages; the section's row holds only why no learning was found, and whether it is complete.

The grading of care is registered by `parts.grading`, the focused-review decision and the focused
review's other sections by `parts.focused`."""

from leder.reviews import sections
from leder.reviews.forms.learning import LearningSectionForm
from leder.reviews.models import LearningItem, Review


def _items(review: Review) -> list[LearningItem]:
    cache = getattr(review, "_prefetched_objects_cache", {}).get("learning_items")
    if cache is not None:
        return list(cache)
    return list(review.learning_items.prefetch_related("themes__parent").order_by("created_at"))


def learning_missing(key: str):
    def missing(review: Review) -> list[str]:
        row = sections.stored(review, key)
        items = _items(review)
        problems = []
        if not items and not (row and row.data.get("no_learning_reason")):
            problems.append(
                "No learning is recorded: add at least one piece, or say why none was found"
            )
        untagged = sum(1 for item in items if not item.themes.all())
        if untagged:
            problems.append(f"{untagged} piece(s) of learning have no theme")
        if row is None:
            return [*problems, sections.NOT_COMPLETE] if items else [sections.NOT_STARTED]
        return sections.finished(row, problems)

    return missing


def learning_snapshot(key: str):
    def snapshot(review: Review) -> dict:
        row = sections.stored(review, key)
        out: dict = {
            # Keyed by id, so removing one piece does not renumber the others in a difference.
            f"learning {item.pk}": {
                "kind": item.get_kind_display(),
                "text": item.text,
                # One answer, so a difference reads "Sepsis" → "Communication, Sepsis".
                "themes": ", ".join(sorted(t.name for t in item.themes.all())),
            }
            for item in _items(review)
        }
        reason = row.data.get("no_learning_reason") if row else ""
        if reason:
            out["no_learning_reason"] = reason
        return out

    return snapshot


def _register(key: str, **section) -> None:
    sections.register_simple(
        key,
        url_name="reviews:learning",
        missing=learning_missing(key),
        snapshot=learning_snapshot(key),
        form_class=LearningSectionForm,
        **section,
    )


_register(
    "learning",
    title="Learning",
    kinds=sections.INITIAL,
    order=90,
    hint="Good practice, areas for improvement and concerns, each with its themes",
)
_register(
    "focused_learning",
    title="Learning (focused review)",
    kinds=sections.FOCUSED,
    order=140,
    hint="What the focused review learned, each piece with its themes",
)
