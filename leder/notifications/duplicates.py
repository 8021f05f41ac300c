"""Finding notifications that may be about the same death.

Families and hospitals often both notify. A match on NHS number is near-certain. Without one we
compare name, date of birth and date of death, tolerant of a typo in a name and of a date with
its day and month swapped (03/04 for 04/03), because that is how the same death is mistyped.
Matches are flags for a local area contact to confirm or dismiss, never automatic merges.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from leder.notifications.models import DuplicateMatch, Notification, NotificationState

# Names at least this similar (0–100) count as the same person's name.
NAME_THRESHOLD = 85


@dataclass(frozen=True)
class PersonKey:
    given_name: str
    family_name: str
    date_of_birth: date
    date_of_death: date
    nhs_number: str = ""


@dataclass(frozen=True)
class Candidate:
    notification: Notification
    match: str
    score: int
    explanation: str


def _normalise(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("'", "").split())


def _replaced(value: date, **parts) -> date | None:
    try:
        return value.replace(**parts)
    except ValueError:  # 30 February and the like
        return None


@lru_cache(maxsize=64)
def _days_a_keystroke_from(day: int) -> tuple[int, ...]:
    return tuple(
        d for d in range(1, 32) if DamerauLevenshtein.distance(f"{day:02d}", f"{d:02d}") <= 1
    )


@lru_cache(maxsize=1024)
def _years_a_keystroke_from(year: int) -> tuple[int, ...]:
    return tuple(
        y
        for y in range(year - 100, year + 101)
        if DamerauLevenshtein.distance(str(year), str(y)) <= 1
    )


def date_variants(value: date) -> set[date]:
    """Every date that `dates_match` would accept as `value` mistyped: used to find candidates in
    the database with an indexed IN query, so the query and the comparison cannot disagree.
    (The keystroke neighbours of a day and of a year are remembered: the bulk import asks for
    the variants of tens of thousands of dates.)"""
    variants = {value}
    if value.day <= 12:
        variants.add(_replaced(value, month=value.day, day=value.month))
    for day in _days_a_keystroke_from(value.day):
        variants.add(_replaced(value, day=day))
    for year in _years_a_keystroke_from(value.year):
        variants.add(_replaced(value, year=year))
    variants.discard(None)
    return variants


def dates_match(a: date, b: date) -> str | None:
    """Why two dates are taken to be the same date as written, or None."""
    if a == b:
        return "same"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "day and month swapped"
    same_month = a.year == b.year and a.month == b.month
    # One digit mistyped in the day: 12 for 13, 21 for 12.
    if same_month and DamerauLevenshtein.distance(f"{a.day:02d}", f"{b.day:02d}") <= 1:
        return "day differs by one keystroke"
    same_day = a.month == b.month and a.day == b.day and abs(a.year - b.year) <= 100
    if same_day and DamerauLevenshtein.distance(str(a.year), str(b.year)) <= 1:
        return "year differs by one keystroke"
    return None


def name_score(a: PersonKey, b: PersonKey) -> int:
    """0–100 similarity of full names, forgiving order (given and family swapped) and typos."""
    left = f"{_normalise(a.given_name)} {_normalise(a.family_name)}"
    right = f"{_normalise(b.given_name)} {_normalise(b.family_name)}"
    return round(max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right)))


def compare(new: PersonKey, existing: PersonKey) -> tuple[str, int, str] | None:
    """(match kind, score, explanation) if `existing` may be the same death as `new`."""
    if new.nhs_number and existing.nhs_number and new.nhs_number == existing.nhs_number:
        return DuplicateMatch.NHS_NUMBER, 100, "Same NHS number"
    if new.nhs_number and existing.nhs_number:
        # Two different valid NHS numbers are two different people.
        return None
    dob = dates_match(new.date_of_birth, existing.date_of_birth)
    dod = dates_match(new.date_of_death, existing.date_of_death)
    if not (dob and dod):
        return None
    score = name_score(new, existing)
    if score < NAME_THRESHOLD:
        return None
    parts = [f"names {score}% similar", f"date of birth {dob}", f"date of death {dod}"]
    return DuplicateMatch.DETAILS, score, "; ".join(parts)


def _key(notification: Notification) -> PersonKey:
    return PersonKey(
        given_name=notification.given_name,
        family_name=notification.family_name,
        date_of_birth=notification.date_of_birth,
        date_of_death=notification.date_of_death,
        nhs_number=notification.nhs_number,
    )


def find_candidates(new: PersonKey, *, exclude_id: int | None = None) -> list[Candidate]:
    """Earlier notifications that may be the same death, best first, at most
    `LEDER_MAX_DUPLICATE_CANDIDATES` (issue 11: a flood of similar notifications flagged each new
    one against every earlier one). Searches all of England: a person may be notified in two
    areas (where they lived and where they died)."""
    pool = Notification.objects.exclude(state=NotificationState.MERGED)
    if exclude_id is not None:
        pool = pool.exclude(pk=exclude_id)
    by_number = pool.filter(nhs_number=new.nhs_number) if new.nhs_number else pool.none()
    by_dates = pool.filter(
        date_of_death__in=date_variants(new.date_of_death),
        date_of_birth__in=date_variants(new.date_of_birth),
    )
    seen: dict[int, Candidate] = {}
    for existing in list(by_number) + list(by_dates):
        if existing.pk in seen:
            continue
        result = compare(new, _key(existing))
        if result:
            match, score, explanation = result
            seen[existing.pk] = Candidate(existing, match, score, explanation)
    ranked = sorted(seen.values(), key=lambda c: (-c.score, c.notification.received_at))
    return ranked[: settings.LEDER_MAX_DUPLICATE_CANDIDATES]
