"""The sections a review is made of, registered by the part of the review that owns each one.

The workspace, the completeness check, submission and the version history know nothing about
any particular section: they ask this registry. A section is either *simple* (its answers are a
Django form's cleaned data, kept in `ReviewSection.data`) or keeps rows of its own (contacts,
records, timeline) and supplies `snapshot` and `missing` itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from leder.reviews.models import Review, ReviewKind, ReviewSection


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    # Review kinds that include this section ("initial", "focused").
    kinds: frozenset[str]
    order: int
    # The URL name of the page that edits the section, reversed with `reference` and `kind`.
    url_name: str
    # What is still missing before the review can be submitted, in plain words; empty = complete.
    missing: Callable[[Review], list[str]]
    # The section's content as JSON-ready data, for versions and their differences.
    snapshot: Callable[[Review], Any]
    # Simple sections: the form whose cleaned data is stored (JSON-serialisable values).
    form_class: type | None = None
    hint: str = ""
    extra: dict = field(default_factory=dict)


_registry: dict[str, Section] = {}


def register(section: Section) -> Section:
    existing = _registry.get(section.key)
    if existing is not None and existing != section:
        raise ImproperlyConfigured(f"A review section called {section.key!r} is registered already")
    _registry[section.key] = section
    return section


def get(key: str) -> Section:
    try:
        return _registry[key]
    except KeyError:
        raise ImproperlyConfigured(f"No review section called {key!r}") from None


def sections_for(kind: str) -> list[Section]:
    return sorted(
        (s for s in _registry.values() if kind in s.kinds), key=lambda s: (s.order, s.key)
    )


# --- helpers for simple sections -----------------------------------------------------------

INITIAL = frozenset({ReviewKind.INITIAL.value})
FOCUSED = frozenset({ReviewKind.FOCUSED.value})
# The workspace's generic page for a simple section (it adds the section's key).
SECTION_PAGE = "reviews:section"
NOT_STARTED = "Not started"
NOT_COMPLETE = "Not marked as complete"


def stored(review: Review, key: str) -> ReviewSection | None:
    """The saved row of a simple section (uses the review's prefetched sections if present)."""
    cache = getattr(review, "_prefetched_objects_cache", {}).get("sections")
    rows = cache if cache is not None else review.sections.filter(key=key)
    return next((row for row in rows if row.key == key), None)


def finished(row: ReviewSection, problems: list[str]) -> list[str]:
    """`problems`, then "Not marked as complete" unless the reviewer marked the section so."""
    if not row.is_complete:
        problems.append(NOT_COMPLETE)
    return problems


def simple_snapshot(key: str) -> Callable[[Review], Any]:
    def snapshot(review: Review) -> Any:
        row = stored(review, key)
        return dict(row.data) if row else {}

    return snapshot


def answers_missing(
    key: str, check: Callable[[Review, ReviewSection], list[str]]
) -> Callable[[Review], list[str]]:
    """What is missing from a simple section: "Not started" without a saved row, else what
    `check(review, row)` finds in its answers, then whether it is marked complete."""

    def missing(review: Review) -> list[str]:
        row = stored(review, key)
        if row is None:
            return [NOT_STARTED]
        return finished(row, check(review, row))

    return missing


def unanswered(row: ReviewSection, required: tuple[str, ...], labels: dict | None = None):
    """ "… is not answered" for each `required` answer left blank (`labels` names them)."""
    labels = labels or {}
    return [
        f"{labels.get(name, name.replace('_', ' ').capitalize())} is not answered"
        for name in required
        if row.data.get(name) in (None, "", [])
    ]


def simple_missing(key: str, *, required: tuple[str, ...] = (), labels: dict | None = None):
    """Missing unless the reviewer marked the section complete and every `required` answer is
    given. `labels` names the answers in the message."""
    return answers_missing(key, lambda review, row: unanswered(row, required, labels))


def register_simple(
    key: str,
    *,
    title: str,
    kinds: frozenset[str],
    order: int,
    form_class: type,
    hint: str,
    url_name: str = SECTION_PAGE,
    missing: Callable[[Review], list[str]] | None = None,
    check: Callable[[Review, ReviewSection], list[str]] | None = None,
    required: tuple[str, ...] = (),
    labels: dict | None = None,
    snapshot: Callable[[Review], Any] | None = None,
    extra: dict | None = None,
) -> Section:
    """Register a simple section: its answers are `form_class`'s cleaned data. What is missing
    is `missing` if given, else `answers_missing(key, check)` where the section has a `check` of
    its answers, else `simple_missing(key, required, labels)`; the snapshot is the answers
    unless given."""
    if missing is None and check is not None:
        missing = answers_missing(key, check)
    return register(
        Section(
            key=key,
            title=title,
            kinds=kinds,
            order=order,
            url_name=url_name,
            missing=missing or simple_missing(key, required=required, labels=labels),
            snapshot=snapshot or simple_snapshot(key),
            form_class=form_class,
            hint=hint,
            extra=extra or {},
        )
    )
