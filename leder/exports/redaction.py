"""Redaction of free text before it leaves in the national dataset.

Two sources of what to remove, both needed:

- **the record** (`RecordIdentifiers`, read from the case by `identifiers_for_case`): the names,
  NHS number, addresses, postcodes, dates, telephone numbers and e-mail addresses the case record
  itself holds. These are the identifiers most likely to appear in a narrative and no pattern can
  find a name, so every one of them must go (measured recall target: 100%).
- **patterns** independent of the record: NHS numbers, UK postcodes, UK telephone numbers,
  e-mail addresses, dates and street addresses, for identifiers the record does not hold (a
  sibling's phone number, a care home's postcode). Target: at least 95% recall.

Only regular expressions and the record are used: no language model and nothing downloaded, so the
behaviour is deterministic and testable. Matching runs on a *folded* copy of the text of the same
length (accents stripped, curly quotes and dashes made plain) so that "Zoë" matches "Zoe" and
"O’Brien" matches "O'Brien" while the positions still point into the original text.

`redact` returns the redacted text, counts per kind and the spans removed (the spans are what the
recall command measures). `RedactionReport` adds redactions up for the dataset's redaction report.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from nhs_number import is_valid as nhs_number_is_valid

__all__ = [
    "PLACEHOLDERS",
    "Kind",
    "RecordIdentifiers",
    "Redaction",
    "RedactionReport",
    "Span",
    "identifiers_for_case",
    "name_tokens",
    "redact",
]


class Kind(StrEnum):
    NAME = "name"
    NHS_NUMBER = "nhs_number"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    DATE = "date"
    ADDRESS = "address"


PLACEHOLDERS: Mapping[str, str] = {
    Kind.NAME: "[NAME]",
    Kind.NHS_NUMBER: "[NHS NUMBER]",
    Kind.POSTCODE: "[POSTCODE]",
    Kind.PHONE: "[PHONE]",
    Kind.EMAIL: "[EMAIL]",
    Kind.DATE: "[DATE]",
    Kind.ADDRESS: "[ADDRESS]",
}

# When two matches overlap, the merged span takes the kind with the lowest number here: an e-mail
# address containing a name is an e-mail, a postcode inside an address is part of the address.
_PRIORITY = {
    Kind.EMAIL: 0,
    Kind.NHS_NUMBER: 1,
    Kind.PHONE: 2,
    Kind.ADDRESS: 3,
    Kind.POSTCODE: 4,
    Kind.DATE: 5,
    Kind.NAME: 6,
}


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Parts of names that are not worth removing on their own: titles, particles, suffixes. Removing
# "de" or "the" everywhere would damage the text and protect no one (the full name still goes).
NAME_STOPWORDS = _wordset(
    """
    mr mrs ms miss mx dr doctor prof professor rev reverend sir dame lady lord nurse sister
    and the of de da di du del della la le van von der den ter st jr jnr snr sr ii iii iv
    bin binti ibn al el mc
    """
)

# Names that are also ordinary English words. In the record they are still removed, but only
# where written with a capital letter: "Rose" and "ROSE" go, "her temperature rose" stays.
NAME_WORDS = _wordset(
    """
    rose mark hope faith grace joy will may june april august bill frank sue dawn amber ruby
    pearl violet holly ivy daisy iris lily heather hazel jasmine summer autumn rich sandy rusty
    penny patience prudence honor honour charity chase hunter baker smith brown white green
    black young king wood hill moss bush long short hall lane bell rice cook cooper carter
    mason parker fisher porter ward page pat guy jack drew art earl dean don gene ray rod wade
    crystal destiny harmony star sky river brook storm miles bob nick care day small little
    wells stone banks field fields park gray grey house home best hart love lamb fox hope
    north south east west march dale glen cliff rock peel may
    """
)

# Parts of an address that locate a street or a house. A line without any of these (and not the
# first line) is taken to be a town or county, which alone does not identify anyone.
STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|close|cl|drive|dr|way|crescent|cres|court|ct|place|"
    "pl|gardens|gdns|grove|terrace|walk|hill|park|view|mews|square|sq|row|green|rise|parade|"
    "vale|gate|fold|croft|meadows|mead|wharf|yard|cottages|cottage|house|farm|lodge|estate|"
    "flat|apartment"
)


# --- Folding -------------------------------------------------------------------------------------

_FOLD_TABLE = {
    ord("\u2019"): "'",
    ord("\u2018"): "'",
    ord("\u02bc"): "'",
    ord("`"): "'",
    ord("\u00b4"): "'",
    ord("\u2010"): "-",
    ord("\u2011"): "-",
    ord("\u2012"): "-",
    ord("\u2013"): "-",
    ord("\u2014"): "-",
    ord("\u2212"): "-",
    ord("\u00a0"): " ",
    ord("\u202f"): " ",
    ord("\u2009"): " ",
}


def _fold_char(char: str) -> str:
    mapped = _FOLD_TABLE.get(ord(char))
    if mapped is not None:
        return mapped
    if ord(char) < 128:
        return char
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """The text with accents removed and quotes, dashes and spaces made plain, character for
    character (same length), so positions found in it are positions in the original."""
    return "".join(_fold_char(c) for c in text)


# --- What the record holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordIdentifiers:
    """What one case's record holds that identifies someone (the person, family, notifier,
    contacts and staff). Every field is a tuple of strings (or dates) so the value is hashable
    and safe to share between threads."""

    # Whole names as written ("Maya Okafor", "Dr Priya Shah").
    full_names: tuple[str, ...] = ()
    # The parts of those names worth removing on their own ("Maya", "Okafor", "Priya", "Shah").
    name_tokens: tuple[str, ...] = ()
    nhs_numbers: tuple[str, ...] = ()
    # Address lines as held (house and street lines; town lines are kept out, see above).
    addresses: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    # Named places that locate the person: GP practice, care home as written.
    places: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        names: Iterable[str] = (),
        nhs_numbers: Iterable[str] = (),
        addresses: Iterable[str] = (),
        postcodes: Iterable[str] = (),
        dates: Iterable[date | None] = (),
        phones: Iterable[str] = (),
        emails: Iterable[str] = (),
        places: Iterable[str] = (),
    ) -> RecordIdentifiers:
        """Normalise raw values from a record (blank values dropped, duplicates removed, names
        split into tokens, multi-line addresses split into lines)."""
        full = _unique(" ".join(n.split()) for n in names if n and n.strip())
        tokens = _unique(t for n in full for t in name_tokens(n))
        address_parts = _unique(p for a in addresses if a for p in _address_parts(a))
        return cls(
            full_names=full,
            name_tokens=tokens,
            nhs_numbers=_unique(re.sub(r"\D", "", n) for n in nhs_numbers if n),
            addresses=address_parts,
            postcodes=_unique(p.strip().upper() for p in postcodes if p and p.strip()),
            dates=tuple(sorted({d for d in dates if d is not None})),
            phones=_unique(p.strip() for p in phones if p and len(re.sub(r"\D", "", p)) >= 6),
            emails=_unique(e.strip().lower() for e in emails if e and "@" in e),
            places=_unique(" ".join(p.split()) for p in places if p and len(p.strip()) >= 3),
        )

    def merged(self, other: RecordIdentifiers) -> RecordIdentifiers:
        return RecordIdentifiers(
            **{
                name: tuple(dict.fromkeys(getattr(self, name) + getattr(other, name)))
                for name in self.__dataclass_fields__
            }
        )


def _unique(values: Iterable) -> tuple:
    return tuple(dict.fromkeys(v for v in values if v))


def name_tokens(full_name: str) -> list[str]:
    """The parts of a name worth removing on their own: split on spaces and hyphens (but not
    apostrophes: "O'Brien" is one token), without titles, particles or initials."""
    tokens = []
    for part in re.split(r"[\s\-,.()/]+", fold(full_name)):
        part = part.strip("'")
        if len(part) < 2 or part.lower() in NAME_STOPWORDS or not re.search(r"[A-Za-z]", part):
            continue
        tokens.append(part)
    return tokens


def _address_parts(address: str) -> list[str]:
    """House and street lines of an address, plus the whole address when it has several lines."""
    lines = [" ".join(p.split()) for p in re.split(r"[\n,;]+", address)]
    lines = [line for line in lines if line]
    parts = []
    for index, line in enumerate(lines):
        if _POSTCODE_RE.fullmatch(fold(line)):
            continue
        has_street = re.search(rf"\b(?:{STREET_WORDS})\b", line, re.IGNORECASE)
        if index == 0 or has_street or re.search(r"\d", line):
            parts.append(line)
            # "12 Acacia Avenue": the street alone ("Acacia Avenue") is removed too.
            street = re.sub(r"^(?:flat\s+)?\d+[a-z]?\s*,?\s*", "", line, flags=re.IGNORECASE)
            if street != line and len(street) >= 4 and has_street:
                parts.append(street)
    return parts


def _names_of_users(users: Iterable) -> list[str]:
    return [u.full_name for u in users if u is not None and getattr(u, "full_name", "")]


def identifiers_for_case(case) -> RecordIdentifiers:
    """Everything the case's record holds that identifies someone: the person (names, NHS number,
    dates of birth and death, address, postcode, GP practice), every notifier (name, phone,
    e-mail, including those of notifications merged into it), every contact, the reviewer and all
    staff who touched the case (allocations, versions, sections, timeline, learning, contacts,
    records requests), and the dates the record holds."""
    from leder.casework.models import Allocation, CaseEvent, CaseHold
    from leder.notifications.models import NotificationSource
    from leder.reviews.models import (
        Contact,
        ContactAttempt,
        ContactStatement,
        LearningItem,
        RecordsRequest,
        ReviewSection,
        ReviewVersion,
        TimelineEvent,
    )

    notification = case.notification
    names: list[str] = [
        notification.given_name,
        notification.family_name,
        f"{notification.given_name} {notification.family_name}",
    ]
    names += [n for n in re.split(r"[,;/\n]+|\bor\b|\band\b", notification.other_names or "")]
    dates: list[date | None] = [notification.date_of_birth, notification.date_of_death]
    phones: list[str] = []
    emails: list[str] = []
    places = [notification.gp_practice_text]
    if notification.gp_practice_id:
        places.append(notification.gp_practice.name)
    staff: list = []

    sources = NotificationSource.objects.filter(notification=notification).select_related(
        "recorded_by"
    )
    for source in sources:
        names.append(source.name)
        phones.append(source.phone)
        emails.append(source.email)
        staff.append(source.recorded_by)

    user_fields = ("user", "started_by", "ended_by")
    if case.reviewer_id:
        staff.append(case.reviewer.user)
    for allocation in Allocation.objects.filter(case=case).select_related(
        "reviewer__user", "allocated_by"
    ):
        staff += [allocation.reviewer.user, allocation.allocated_by]
    for hold in CaseHold.objects.filter(case=case).select_related(*user_fields[1:]):
        staff += [hold.started_by, hold.ended_by]
    staff += [e.actor for e in CaseEvent.objects.filter(case=case).select_related("actor")]
    dates += [case.notified_on]

    reviews = list(case.reviews.select_related("started_by"))
    staff += [r.started_by for r in reviews]
    staff += [
        v.saved_by
        for v in ReviewVersion.objects.filter(review__in=reviews).select_related("saved_by")
    ]
    staff += [
        s.updated_by
        for s in ReviewSection.objects.filter(review__in=reviews).select_related("updated_by")
    ]
    for contact in Contact.objects.filter(review__in=reviews).select_related("created_by"):
        names.append(contact.name)
        staff.append(contact.created_by)
        # Contacts may gain contact details; take them when the model has them.
        phones.append(getattr(contact, "phone", "") or "")
        emails.append(getattr(contact, "email", "") or "")
    for attempt in ContactAttempt.objects.filter(contact__review__in=reviews).select_related(
        "recorded_by"
    ):
        dates.append(attempt.made_on)
        staff.append(attempt.recorded_by)
    for statement in ContactStatement.objects.filter(review__in=reviews).select_related(
        "updated_by"
    ):
        dates.append(statement.gp_record_reviewed_on)
        staff.append(statement.updated_by)
    for request in RecordsRequest.objects.filter(review__in=reviews).select_related("requested_by"):
        emails.append(request.email)
        staff.append(request.requested_by)
    for event in TimelineEvent.objects.filter(review__in=reviews).select_related(
        "created_by", "updated_by"
    ):
        dates.append(event.occurred_on)
        staff += [event.created_by, event.updated_by]
    staff += [
        i.created_by
        for i in LearningItem.objects.filter(review__in=reviews).select_related("created_by")
    ]

    unique_staff = {u.pk: u for u in staff if u is not None}
    names += _names_of_users(unique_staff.values())
    emails += [u.email for u in unique_staff.values()]
    return RecordIdentifiers.build(
        names=names,
        nhs_numbers=[notification.nhs_number],
        addresses=[notification.address],
        postcodes=[notification.postcode],
        dates=dates,
        phones=phones,
        emails=emails,
        places=places,
    )


# --- Patterns ------------------------------------------------------------------------------------

_SEP = r"[ \t.\-]"
# Any ten digits in 3-3-4 grouping (consistently separated) or run together.
_NHS_RE = re.compile(
    r"(?<!\d)(?<!\d[/.\-])(?:\d{3}([ \-.]?)\d{3}\1\d{4}|\d{3}([ \-])\d{4}\2\d{3})(?![\d/])"
)
# Outward code, optional space, inward code (inward letters exclude C, I, K, M, O and V, which
# keeps "d3 2mg" and "2 ml" from looking like postcodes).
_POSTCODE_BODY = r"(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]{0,2}\d[ABD-HJLNP-UW-Z]{2})"
_POSTCODE_RE = re.compile(rf"(?<![A-Za-z\d]){_POSTCODE_BODY}(?![A-Za-z\d])", re.IGNORECASE)
# UK numbers: +44 / 0044 / (0) prefixes, then 9 or 10 digits with spaces, hyphens or brackets.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[ ]?44[ \-]?(?:\(0\)[ ]?)?|(?:\((?=0\d{2,4}\)))?0)"
    r"\d(?:[ \-)]{0,2}\d){8,9}(?![\d])"
)
_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][\w.+\-']*@[A-Za-z0-9][\w\-]*(?:\.[A-Za-z0-9][\w\-]*)+",
)
# "May" the month is only taken with a capital M: "they may 2..." is not a date.
_MONTH = (
    r"(?:(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r"|(?i:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?:\.(?=[ ,\-]))?|May|MAY)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?i:st|nd|rd|th)?"
# A number followed by a unit is a dose or a count, not a day: "February 10 mg".
_UNIT = r"[ ]?(?:(?i:mg|mcg|micrograms?|ml|g|kg|mmol|x|times|hours?|days?|weeks?|people)\b|%)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DATE_RES = [
    # 03/03/1961, 3.3.61, 3-3-1961
    re.compile(
        r"(?<!\d)(?<!\d[/.\-])(?:3[01]|[12]\d|0?[1-9])([/.\-])(?:1[0-2]|0?[1-9])\1(?:\d{4}|\d{2})"
        r"(?![\d/]|\.\d)"
    ),
    # 1961-03-03
    re.compile(
        r"(?<!\d)(?<!\d[/.\-])(?:1[89]|20)\d\d-(?:1[0-2]|0[1-9])-(?:3[01]|[12]\d|0[1-9])(?!\d)"
    ),
    # 3 March 1961, 3rd of March, 3-Mar-61, 3 Mar. 1961
    re.compile(
        rf"(?<![\w/]){_DAY}(?:[ \-]+|[ ]+(?i:of)[ ]+){_MONTH}(?![A-Za-z])"
        rf"(?:,?[ \-]+{_YEAR}(?!\d|:\d)|(?:[ ]+'|-)\d\d(?!\d|:\d))?"
    ),
    # March 3rd, 1961; March 3; March the 3rd
    re.compile(
        rf"(?<![A-Za-z]){_MONTH}[ ]+(?:(?i:the)[ ]+)?{_DAY}(?!\d|:\d)(?![A-Za-z])(?!{_UNIT})"
        rf"(?:,?[ ]+{_YEAR}(?!\d))?"
    ),
    # March 1961, Mar '61
    re.compile(rf"(?<![A-Za-z]){_MONTH}(?:,?[ ]+|-)(?:{_YEAR}|'\d\d)(?!\d)"),
]
# "12 Acacia Avenue", "Flat 3, 14 Mill Close": a number then capitalised words then a street word.
_STREET_RE = re.compile(
    r"(?<![\w])(?:(?i:flat|apartment)[ ]+\d+[A-Za-z]?,?[ ]+)?\d{1,4}[A-Za-z]?,?[ ]+"
    r"(?:[A-Z][A-Za-z']+[ ]+){1,3}"
    r"(?i:street|road|avenue|lane|close|drive|crescent|court|place|gardens|grove|terrace|walk"
    r"|mews|square|row|rise|parade|way|rd|st|ave)\b"
)


# --- Record patterns -----------------------------------------------------------------------------


def _digits_pattern(digits: str) -> str:
    """Each digit, allowing up to two spaces, dots, hyphens or brackets between them."""
    return r"[ \t.\-()]{0,2}".join(digits)


def _phone_pattern(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if len(digits) < 6:
        return None
    if digits.startswith("0"):
        prefix = r"(?:(?:\((?=0\d{2,4}\)))?0|(?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?)"
        return prefix + r"[ \t.\-()]{0,2}" + _digits_pattern(digits[1:])
    return _digits_pattern(digits)


def _words_pattern(text: str) -> str:
    """The words of `text` in order, tolerant of spacing, punctuation and case between them."""
    words = re.findall(r"[A-Za-z0-9']+", fold(text))
    if not words:
        return ""
    return r"[\s,.\-']{1,4}".join(re.escape(w).replace("'", "'?") for w in words)


def _name_token_pattern(token: str) -> str:
    body = re.escape(token).replace("'", "'?")
    if token.lower() in NAME_WORDS:
        # A name that is also a word: only with a capital (Rose, ROSE), never "rose".
        first, rest = body[0], body[1:]
        return rf"(?-i:{first.upper()})(?i:{rest})"
    return body


def _full_name_patterns(full_name: str) -> list[str]:
    """A whole name as written, family name first ("Okafor, Maya"), its trailing parts
    ("Ó Súilleabháin" of "Gareth Ó Súilleabháin", which holds a one-letter word no token covers)
    and its initial form ("G. Baker")."""
    words = re.findall(r"[A-Za-z0-9']+", fold(full_name))
    while words and words[0].lower() in NAME_STOPWORDS:
        words = words[1:]
    if len(words) < 2:
        return []
    separator = r"[\s,.\-']{1,4}"
    patterns = [separator.join(_name_token_pattern(w) for w in words)]
    for start in range(1, len(words) - 1):
        patterns.append(separator.join(_name_token_pattern(w) for w in words[start:]))
    # "Okafor, Maya": family name first.
    patterns.append(separator.join(_name_token_pattern(w) for w in [words[-1], *words[:-1]]))
    rest = separator.join(_name_token_pattern(w) for w in words[1:])
    patterns.append(rf"(?-i:{re.escape(words[0][0].upper())})\.?[ ]?{rest}")
    return patterns


def _date_patterns(value: date) -> list[str]:
    """Forms a record date may be written in that the general date patterns do not cover: day and
    month without a year (3/3, 03/03), and 2-digit years run together (030361)."""
    d, m, y = value.day, value.month, value.year
    day = rf"0?{d}" if d < 10 else str(d)
    month = rf"0?{m}" if m < 10 else str(m)
    return [
        # Not with a dot: "1.2" is far more often a decimal or a version than 1 February.
        rf"(?<!\d)(?<!\d[/.\-]){day}/{month}(?![\d/]|\.\d)",
        rf"(?<!\d){d:02d}{m:02d}(?:{y}|{y % 100:02d})(?!\d)",
        rf"(?<!\d){y}{m:02d}{d:02d}(?!\d)",
    ]


@dataclass(frozen=True)
class _Compiled:
    patterns: tuple[tuple[re.Pattern, Kind], ...]


_compiled_cache: dict[RecordIdentifiers, _Compiled] = {}


def _compile(identifiers: RecordIdentifiers) -> _Compiled:
    cached = _compiled_cache.get(identifiers)
    if cached is not None:
        return cached
    found: list[tuple[str, Kind]] = []
    for full in identifiers.full_names:
        found += [(pattern, Kind.NAME) for pattern in _full_name_patterns(full)]
    for token in identifiers.name_tokens:
        found.append((_name_token_pattern(token), Kind.NAME))
    for number in identifiers.nhs_numbers:
        if len(number) >= 6:
            found.append((_digits_pattern(number), Kind.NHS_NUMBER))
    for line in identifiers.addresses + identifiers.places:
        if pattern := _words_pattern(line):
            found.append((pattern, Kind.ADDRESS))
    for postcode in identifiers.postcodes:
        compact = re.sub(r"\s", "", postcode)
        if len(compact) >= 5:
            outward, inward = re.escape(compact[:-3]), re.escape(compact[-3:])
            found.append((rf"{outward}[ \t\-]{{0,3}}{inward}", Kind.POSTCODE))
    for phone in identifiers.phones:
        if pattern := _phone_pattern(phone):
            found.append((pattern, Kind.PHONE))
    for email in identifiers.emails:
        found.append((re.escape(fold(email)), Kind.EMAIL))
    for value in identifiers.dates:
        found += [(p, Kind.DATE) for p in _date_patterns(value)]
    compiled = _Compiled(
        tuple(
            (re.compile(rf"(?<![A-Za-z0-9]){p}(?![A-Za-z0-9])", re.IGNORECASE), kind)
            for p, kind in found
        )
    )
    if len(_compiled_cache) > 256:
        _compiled_cache.clear()
    _compiled_cache[identifiers] = compiled
    return compiled


# --- Redaction -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind
    # True when the record identified it; False when only a general pattern did.
    from_record: bool


@dataclass
class Redaction:
    text: str
    counts: dict[str, int]
    spans: list[Span] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _pattern_spans(folded: str) -> list[Span]:
    spans: list[Span] = []
    for match in _NHS_RE.finditer(folded):
        digits = re.sub(r"\D", "", match.group())
        grouped = bool(match.group(1) or match.group(2))
        if grouped or nhs_number_is_valid(digits) or not digits.startswith("0"):
            spans.append(Span(match.start(), match.end(), Kind.NHS_NUMBER, False))
    for regex, kind in (
        (_EMAIL_RE, Kind.EMAIL),
        (_PHONE_RE, Kind.PHONE),
        (_POSTCODE_RE, Kind.POSTCODE),
        (_STREET_RE, Kind.ADDRESS),
    ):
        spans += [Span(m.start(), m.end(), kind, False) for m in regex.finditer(folded)]
    for regex in _DATE_RES:
        spans += [Span(m.start(), m.end(), Kind.DATE, False) for m in regex.finditer(folded)]
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one, of the kind of the longest among them (an e-mail address
    holding a name is an e-mail address; "+44 (0) 113 496 0000" is a phone number even though
    its last ten digits look like an NHS number); equal lengths go by `_PRIORITY`."""
    clusters: list[list[Span]] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if clusters and span.start < end:
            clusters[-1].append(span)
            end = max(end, span.end)
        else:
            clusters.append([span])
            end = span.end
    merged = []
    for cluster in clusters:
        main = max(cluster, key=lambda s: (s.end - s.start, -_PRIORITY[s.kind]))
        merged.append(
            Span(
                min(s.start for s in cluster),
                max(s.end for s in cluster),
                main.kind,
                any(s.from_record for s in cluster),
            )
        )
    return merged


def redact(
    text: str,
    identifiers: RecordIdentifiers | None = None,
    *,
    placeholders: Mapping[str, str] = PLACEHOLDERS,
) -> Redaction:
    """`text` with every identifier the record holds and every identifier-shaped pattern replaced
    by a placeholder naming its kind ("[NAME]", "[NHS NUMBER]"…). `identifiers` may be None to
    apply the patterns alone (text with no case behind it)."""
    if not text:
        return Redaction(text=text or "", counts={})
    folded = fold(text)
    spans = _pattern_spans(folded)
    if identifiers is not None:
        for regex, kind in _compile(identifiers).patterns:
            spans += [Span(m.start(), m.end(), kind, True) for m in regex.finditer(folded)]
    merged = _merge(spans)
    pieces: list[str] = []
    position = 0
    for span in merged:
        pieces.append(text[position : span.start])
        pieces.append(placeholders[span.kind])
        position = span.end
    pieces.append(text[position:])
    counts = Counter(str(span.kind) for span in merged)
    return Redaction(text="".join(pieces), counts=dict(counts), spans=merged)


@dataclass
class RedactionReport:
    """What redaction removed across many texts (for the dataset's redaction report): how many
    texts were looked at, how many had something removed, and how many of each kind."""

    texts: int = 0
    texts_changed: int = 0
    counts: Counter = field(default_factory=Counter)

    def add(self, redaction: Redaction) -> Redaction:
        self.texts += 1
        if redaction.counts:
            self.texts_changed += 1
        self.counts.update(redaction.counts)
        return redaction

    def redact(self, text: str, identifiers: RecordIdentifiers | None = None) -> str:
        """Redact `text`, count what was removed, and return the redacted text."""
        return self.add(redact(text, identifiers)).text

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[tuple[str, int]]:
        """(kind, count) for every kind, in a fixed order, zeros included."""
        return [(str(kind), self.counts.get(str(kind), 0)) for kind in Kind]

    def as_dict(self) -> dict:
        return {
            "texts": self.texts,
            "texts_changed": self.texts_changed,
            "removed": dict(self.rows()),
            "total_removed": self.total,
        }
