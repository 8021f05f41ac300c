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

from leder.reviews.models import Review, ReviewSection


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


def stored(review: Review, key: str) -> ReviewSection | None:
    """The saved row of a simple section (uses the review's prefetched sections if present)."""
    cache = getattr(review, "_prefetched_objects_cache", {}).get("sections")
    rows = cache if cache is not None else review.sections.filter(key=key)
    return next((row for row in rows if row.key == key), None)


def simple_snapshot(key: str) -> Callable[[Review], Any]:
    def snapshot(review: Review) -> Any:
        row = stored(review, key)
        return dict(row.data) if row else {}

    return snapshot


def simple_missing(key: str, *, required: tuple[str, ...] = (), labels: dict | None = None):
    """Missing unless the reviewer marked the section complete and every `required` answer is
    given. `labels` names the answers in the message."""
    labels = labels or {}

    def missing(review: Review) -> list[str]:
        row = stored(review, key)
        if row is None:
            return ["Not started"]
        problems = [
            f"{labels.get(name, name.replace('_', ' ').capitalize())} is not answered"
            for name in required
            if row.data.get(name) in (None, "", [])
        ]
        if not row.is_complete:
            problems.append("Not marked as complete")
        return problems

    return missing
