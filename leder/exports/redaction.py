"""Redaction of free text before it leaves in the national dataset.

Two sources of what to remove, both needed:

- **the record** (`RecordIdentifiers`, read from the case by `identifiers_for_case`): the names,
  NHS number, addresses, postcodes, dates, telephone numbers and e-mail addresses the case record
  itself holds. These are the identifiers most likely to appear in a narrative and no pattern can
  find a name, so every one of them must go (measured recall target: 100%).
- **patterns** independent of the record: NHS numbers, UK postcodes, UK telephone numbers,
  e-mail addresses, dates and street addresses, for identifiers the record does not hold (a
  sibling's phone number, a care home's postcode). Target: at least 95% recall.

Forms covered beyond the obvious ones: a name with a plain "s" ("Marguerites mum"; for a name that
is also a word, "Roses", only where it reads as the name), street words abbreviated or in full
either way ("Larkspur Cres" for a record holding "Larkspur Crescent"), another house in the
record's street and a house number with the street's name alone ("14 Larkspur"), postcodes with a
hyphen or no space, disguised e-mail addresses ("maya at example dot com", "maya[at]example.com"),
two-digit years after a written date ("3rd Mar 61"), dates in words ("the third of March", "March
the third"), ranges of days ("1st-2nd March", "1-2 March 2023"), and a day and month alone ("20/3")
where the text says it is a date. Fractions, scores and the clinical shorthand for durations ("1/2
a tablet", "MRC 4/5", "for 5/7") share that last form, so they are checked for.

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from nhs_number import is_valid as nhs_number_is_valid

from leder.exports.detection import ABBREVIATIONS, NAME_WORDS, weekday_before
from leder.exports.detection import detect as detect_identifiers

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
    # Found by `detection` only: identifiers the record does not hold.
    RECORD_NUMBER = "record_number"
    NI_NUMBER = "ni_number"
    PLACE = "place"


PLACEHOLDERS: Mapping[str, str] = {
    Kind.NAME: "[NAME]",
    Kind.NHS_NUMBER: "[NHS NUMBER]",
    Kind.POSTCODE: "[POSTCODE]",
    Kind.PHONE: "[PHONE]",
    Kind.EMAIL: "[EMAIL]",
    Kind.DATE: "[DATE]",
    Kind.ADDRESS: "[ADDRESS]",
    Kind.RECORD_NUMBER: "[RECORD NUMBER]",
    Kind.NI_NUMBER: "[NI NUMBER]",
    Kind.PLACE: "[PLACE]",
}

# When two matches overlap, the merged span takes the kind with the lowest number here: an e-mail
# address containing a name is an e-mail, a postcode inside an address is part of the address.
_PRIORITY = {
    Kind.EMAIL: 0,
    Kind.NHS_NUMBER: 1,
    Kind.NI_NUMBER: 2,
    Kind.PHONE: 3,
    Kind.RECORD_NUMBER: 4,
    Kind.ADDRESS: 5,
    Kind.POSTCODE: 6,
    Kind.DATE: 7,
    Kind.PLACE: 8,
    Kind.NAME: 9,
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

# Street words and the abbreviations they are written with: a record holding "14 Larkspur
# Crescent" must match "14, Larkspur Cres" in a narrative and the other way round.
STREET_ABBREVIATIONS: Mapping[str, tuple[str, ...]] = {
    "street": ("st",),
    "road": ("rd",),
    "avenue": ("ave", "av"),
    "lane": ("ln",),
    "close": ("cl",),
    "drive": ("dr", "drv"),
    "crescent": ("cres", "cresc", "cr"),
    "court": ("ct",),
    "place": ("pl",),
    "gardens": ("gdns", "gdn"),
    "grove": ("gro", "gr"),
    "terrace": ("terr", "ter", "tce"),
    "square": ("sq",),
    "parade": ("pde",),
    "walk": ("wlk",),
    "park": ("pk",),
    "mews": (),
    "way": (),
    "row": (),
    "rise": (),
}
_STREET_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    word: (full, *abbreviations)
    for full, abbreviations in STREET_ABBREVIATIONS.items()
    for word in (full, *abbreviations)
}

# Parts of an address that locate a street or a house. A line without any of these (and not the
# first line) is taken to be a town or county, which alone does not identify anyone.
STREET_WORDS = "|".join(
    [
        *_STREET_SYNONYMS,
        *sorted(
            _wordset(
                """hill view green vale gate fold croft meadows mead wharf yard cottages cottage
                house farm lodge estate flat apartment"""
            )
        ),
    ]
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
# Outward code, optional space or hyphen, inward code (inward letters exclude C, I, K, M, O and
# V, which keeps "d3 2mg" and "2 ml" from looking like postcodes). "LS6-2AB" and "LS62AB" count.
_POSTCODE_BODY = r"(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?(?:[ \t]{0,2}|-)\d[ABD-HJLNP-UW-Z]{2})"
_POSTCODE_RE = re.compile(rf"(?<![A-Za-z\d]){_POSTCODE_BODY}(?![A-Za-z\d])", re.IGNORECASE)
# UK numbers: +44 / 0044 / (0) prefixes, then 9 or 10 digits with spaces, hyphens or brackets.
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[ ]?44[ \-]?(?:\(0\)[ ]?)?|(?:\((?=0\d{2,4}\)))?0)"
    r"\d(?:[ \-)]{0,2}\d){8,9}(?![\d])"
)
_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][\w.+\-']*@[A-Za-z0-9][\w\-]*(?:\.[A-Za-z0-9][\w\-]*)+",
)
# E-mail addresses written to dodge harvesters: "maya at example dot com", "maya[at]example.com",
# "maya (at) example (dot) co (dot) uk". A plain " at " is an everyday word, so the address must
# end in a known top-level domain ("seen at home.Then" is a missing space, not an address).
_AT = r"(?:[ ]*[\[({][ ]*(?i:at)[ ]*[\])}][ ]*|[ ]+(?i:at)[ ]+|@)"
_DOT = r"(?:[ ]*[\[({][ ]*(?i:dot)[ ]*[\])}][ ]*|[ ]+(?i:dot)[ ]+|\.)"
_TLD = r"(?i:com|org|net|uk|ie|io|info|biz|email|scot|wales|cymru|gov|edu|eu)"
_DISGUISED_EMAIL_RE = re.compile(
    rf"(?<![\w.+\-])[A-Za-z0-9][\w+\-']*(?:{_DOT}[A-Za-z0-9][\w+\-']*)*{_AT}"
    rf"[A-Za-z0-9][\w\-]*(?:{_DOT}[A-Za-z0-9][\w\-]*)*?{_DOT}{_TLD}(?![\w\-])"
)
# "May" the month is only taken with a capital M: "they may 2..." is not a date.
_MONTH = (
    r"(?:(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r"|(?i:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?:\.(?=[ ,\-]))?|May|MAY)"
)
# A month with a capital letter ("March", not "march"), for forms where the lower-case word is
# more often the verb or noun: "the third March" is rare, "March the third" a date.
_MONTH_CAPITAL = rf"(?=[A-Z]){_MONTH}"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?i:st|nd|rd|th)?"
# "1st-2nd March", "1–2 March", "5 and 6 May": both days go.
_DAYS = rf"{_DAY}(?:[ ]?[\-&][ ]?{_DAY}|[ ]+(?i:to|and)[ ]+{_DAY})?"
_ORDINAL_WORD = (
    r"(?i:(?:twenty|thirty)[ \-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|thirtieth)"
)
# A number followed by a unit is a dose or a count, not a day or a year: "February 10 mg",
# "on 3 March 12 staff attended".
_UNIT = (
    r"[ ]?(?:(?i:mg|mcg|micrograms?|ml|g|kg|mmol|x|times|hours?|hrs?|days?|weeks?|months?"
    r"|years?|yrs?|minutes?|mins?|seconds?|people|patients|staff|carers|visits|calls"
    r"|units?|cm|mm|bpm|breaths|beats|tablets?|doses?|percent)\b|%)"
)
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# A year after a written date: 1961, '61, -61, and a bare 61 when nothing says it is a count.
_YEAR_AFTER_DAY_MONTH = (
    rf"(?:,?[ \-]+{_YEAR}(?!\d|:\d)|(?:[ ]+'|-)\d\d(?!\d|:\d)"
    rf"|,?[ ]+\d\d(?![\d:/]|[.,]\d)(?!{_UNIT}))"
)
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
    # 3 March 1961, 3rd of March, 3-Mar-61, 3 Mar. 1961, 3rd Mar 61, 1st-2nd March
    re.compile(
        rf"(?<![\w/]){_DAYS}(?:[ \-]+|[ ]+(?i:of)[ ]+){_MONTH}(?![A-Za-z])"
        rf"{_YEAR_AFTER_DAY_MONTH}?"
    ),
    # March 3rd, 1961; March 3; March the 3rd; March 1-2
    re.compile(
        rf"(?<![A-Za-z]){_MONTH}[ ]+(?:(?i:the)[ ]+)?{_DAYS}(?!\d|[:/.]\d)(?![A-Za-z])(?!{_UNIT})"
        r"(?![ ]+(?i:in|out[ ]+of)[ ]+\d{1,3}(?!\d))"  # "Nov. 1 in 10 people", not "in 2019"
        rf"(?:,?[ ]+{_YEAR}(?!\d))?"
    ),
    # March 1961, Mar '61
    re.compile(rf"(?<![A-Za-z]){_MONTH}(?:,?[ ]+|-)(?:{_YEAR}|'\d\d)(?!\d)"),
    # the third of March, third March 2023
    re.compile(
        rf"(?<![A-Za-z]){_ORDINAL_WORD}[ ]+(?:(?i:of)[ ]+{_MONTH}|{_MONTH_CAPITAL})(?![A-Za-z])"
        rf"(?:,?[ ]+{_YEAR}(?!\d))?"
    ),
    # March the third, March third, 2023 (not "July the first of many")
    re.compile(
        rf"(?<![A-Za-z]){_MONTH_CAPITAL}[ ]+(?:(?i:the)[ ]+)?{_ORDINAL_WORD}(?![A-Za-z])"
        r"(?![ ]+(?i:of|times?|one|two|three|few|doses?|days?|weeks?|visits?|steps?|things?)\b)"
        rf"(?:,?[ ]+{_YEAR}(?!\d))?"
    ),
]
# Day and month with no year ("20/3"). Fractions, scores and the clinical shorthand for days,
# weeks and months ("5/7", "2/52", "3/12") share the form, so it is a date only where the text
# says so: after a word that introduces a date ("on 20/3", "from 20/3"), as a range ("20/3-22/3"),
# or heading an entry ("20/3: seen in clinic").
_DAY_MONTH = r"(?:3[01]|[12]\d|0?[1-9])/(?:1[0-2]|0?[1-9])"
# What follows a fraction or a score, never a date: "1/2 a tablet", "3/4 of", "24/7 support".
_FRACTION_AFTER = (
    rf"{_UNIT}|[ ]+(?i:of|power|strength|tabs?|support|care|cover"
    r"|an?[ ]+(?:tablet|tab|capsule|dose|day|week|month|hour|cup|glass)s?)\b"
)
# What precedes one: "MRC score of 4/5", "GCS 14/15", "reduced to 1/2", and durations in days or
# months ("for 5/7", "over 3/12").
_FRACTION_BEFORE = _wordset(
    """score scored gcs mrc power pain rated out tablet tablets dose to by reduced increased
    about approximately only than half"""
)
_DURATION_BEFORE = _wordset("for over in within after since x last past next")
_SHORT_DATE_RE = re.compile(
    rf"(?<![\w/.\-]){_DAY_MONTH}(?P<range>[ ]?(?:-|(?i:to|until|till))[ ]?{_DAY_MONTH})?"
    rf"(?![\w/]|[.,]\d)(?!{_FRACTION_AFTER})"
)
_DATE_INTRODUCERS = _wordset(
    """on from since until till dated before after between commencing w/c wc date dates dob dod
    received sent due died born admitted discharged seen visited reviewed"""
)
_DURATION_WORDS = _wordset("since after before")
# "12 Acacia Avenue", "Flat 3, 14 Mill Close", "14, Larkspur Cres": a number, capitalised words,
# a street word. Abbreviations are taken as written on an envelope ("Rd", "RD", "rd"), except
# that "ST", "DR", "CT", "PL", "SQ" and "CL" in capitals are far more often clinical ("ST
# elevation", "CT head"), and "St" or "Dr" followed by a capitalised word is a saint or a doctor.
_STREET_RE = re.compile(
    r"(?<![\w])(?:(?i:flat|apartment)[ ]+\d+[A-Za-z]?,?[ ]+)?\d{1,4}[A-Za-z]?,?[ ]+"
    r"(?:[A-Z][A-Za-z']+[ ]+){1,3}"
    r"(?:(?i:street|road|avenue|lane|close|drive|crescent|court|place|gardens|grove|terrace"
    r"|walk|mews|square|row|rise|parade|way)\b"
    r"|(?:[Rr]d|RD|[Aa]ve|AVE|[Cc]res|CRES|[Gg]dns|GDNS|[Tt]err|TERR|[Tt]ce|TCE|[Ll]n|LN|[Pp]de"
    r"|[Cc]l|[Ss]q|[Cc]t|[Pp]l|[Gg]ro|GRO)\b"
    r"|(?:[Ss]t|[Dd]r)\b(?!\.?[ ]+[A-Z][a-z]))"
)


def _short_date_spans(folded: str) -> list[Span]:
    spans = []
    for match in _SHORT_DATE_RE.finditer(folded):
        start = match.start()
        before = folded[max(0, start - 30) : start]
        if match.group("range"):
            spans.append(Span(start, match.end(), Kind.DATE, False))
            continue
        month = int(match.group().split("/")[1])
        word = re.search(r"([\w/]+)[ ]+$", before)
        if word and word.group(1).lower() in _DATE_INTRODUCERS:
            if month in (7, 12) and word.group(1).lower() in _DURATION_WORDS:
                continue  # "since 3/7": three days, not 3 July
            spans.append(Span(start, match.end(), Kind.DATE, False))
        elif _at_entry_start(folded, start) and re.match(r"[ ]*(?::|-[ ])", folded[match.end() :]):
            spans.append(Span(start, match.end(), Kind.DATE, False))
    return spans


def _at_entry_start(folded: str, start: int) -> bool:
    """True at the start of the text, a line or a sentence."""
    before = folded[:start].rstrip(" \t")
    return not before or before[-1] in "\n.!?;"


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


def _words_pattern(text: str, *, streets: bool = False) -> str:
    """The words of `text` in order, tolerant of spacing, punctuation and case between them. With
    `streets`, a street word matches its abbreviation and the other way round ("Crescent" and
    "Cres", "Rd" and "Road")."""
    words = re.findall(r"[A-Za-z0-9']+", fold(text))
    if not words:
        return ""
    return r"[\s,.\-']{1,4}".join(_address_word_pattern(w) if streets else _word(w) for w in words)


def _word(word: str) -> str:
    return re.escape(word).replace("'", "'?")


def _address_word_pattern(word: str) -> str:
    synonyms = _STREET_SYNONYMS.get(word.lower())
    if synonyms is None:
        return _word(word)
    return "(?:" + "|".join(sorted(synonyms, key=len, reverse=True)) + ")"


_FLAT_WORDS = frozenset({"flat", "apartment", "no"})
_HOUSE_NUMBER = r"(?:(?i:flat|apartment|no\.?)[ ]*\d+[A-Za-z]?,?[ ]+)?\d{1,4}[A-Za-z]?,?[ ]+"


def _address_patterns(line: str) -> list[str]:
    """An address line as held, with abbreviations either way; and, when it names a street, that
    street with any house number ("16 Larkspur Cres" when the record holds "14 Larkspur
    Crescent") and a house number with the street's name alone ("14 Larkspur")."""
    patterns = [_words_pattern(line, streets=True)]
    words = re.findall(r"[A-Za-z0-9']+", fold(line))
    while words and (re.fullmatch(r"\d+[A-Za-z]?", words[0]) or words[0].lower() in _FLAT_WORDS):
        words = words[1:]
    if len(words) >= 2 and words[-1].lower() in _STREET_SYNONYMS:
        name = words[:-1]
        separator = r"[\s,.\-']{1,4}"
        name_pattern = separator.join(_word(w) for w in name)
        patterns.append(
            rf"(?:{_HOUSE_NUMBER})?{name_pattern}{separator}{_address_word_pattern(words[-1])}"
        )
        if len("".join(name)) >= 3 and not re.search(r"\d", "".join(name)):
            # Only with a capital: "14 Larkspur", not "2 mill" or "3 station".
            first = name[0]
            capital = rf"(?-i:{re.escape(first[0].upper())}){_word(first[1:])}"
            rest = separator.join([capital, *(_word(w) for w in name[1:])])
            patterns.append(rf"{_HOUSE_NUMBER}{rest}")
    return patterns


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


def _initials_patterns(full_name: str) -> list[tuple[str, Kind, Callable | None]]:
    """The initials of a name the record holds: "M.O-B.", "M.O.B.", "MOB", "M O-B". Without dots,
    initials that are also an abbreviation ("TB", "GP") go only where they stand for a person:
    before "'s" or a verb, or after a verb that takes a person ("assessed TB")."""

    every = [w for w in re.split(r"\s+", fold(full_name)) if re.match(r"[A-Za-z]", w)]
    words = [w for w in every if w.lower() not in NAME_STOPWORDS]
    if not 2 <= len(words) <= 4:
        return []
    patterns = _initials_of(words)
    # A particle of a family name ("Da Silva", "Ap Gwilym", "Van der Berg") is written in the
    # initials by some and left out by others: both.
    with_particles = [w for w in every if w.lower() not in _TITLES]
    if with_particles != words and 2 <= len(with_particles) <= 5:
        patterns += _initials_of(with_particles)
    return patterns


def _initials_of(words: list[str]) -> list[tuple[str, Kind, Callable | None]]:
    # Hyphenated family names give an initial a part: Okonkwo-Blythe is O-B.
    parts = [[p[0].upper() for p in re.split(r"-", w) if p] for w in words]
    letters = [letter for part in parts for letter in part]
    hyphened = r"\.?[ ]?".join("-?".join(part) for part in parts)
    dotted = rf"(?-i:{hyphened})\."
    patterns: list[tuple[str, Kind, Callable | None]] = [(dotted, Kind.NAME, None)]
    plain = "".join(letters)
    check = _initials_stand_for_person if plain in ABBREVIATIONS else None
    undotted = "".join("-?".join(part) for part in parts)
    patterns.append((rf"(?-i:{undotted})", Kind.NAME, check))
    return patterns


_PERSON_AFTER = re.compile(
    r"(?:'s|[ ]+(?:was|were|had|has|is|said|did|died|lived|loved|liked|attended|moved|went))\b"
)
# Initials heading a note: "MS - PMLD, Down's syndrome", "JB: seen by the GP".
_HEADING_AFTER = re.compile(r"[ ]*[-:\u2013][ ]")
_HEADING_BEFORE = re.compile(r"(?:^|\n|[.!?;][ ]+)[ ]*$")
_PERSON_BEFORE = re.compile(
    r"(?:assessed|saw|seen|visited|supported|told|asked|helped|reviewed|admitted|examined)[ ]+$"
)


def _initials_stand_for_person(folded: str, match: re.Match) -> bool:
    before = folded[max(0, match.start() - 20) : match.start()]
    return bool(
        _PERSON_AFTER.match(folded, match.end())
        or _PERSON_BEFORE.search(before)
        or (_HEADING_AFTER.match(folded, match.end()) and _HEADING_BEFORE.search(before))
    )


def _date_patterns(value: date) -> list[str]:
    """Forms a record date may be written in that the general date patterns do not cover: day and
    month without a year (3/3, 03/03), and 2-digit years run together (030361)."""
    d, m, y = value.day, value.month, value.year
    day = rf"0?{d}" if d < 10 else str(d)
    month = rf"0?{m}" if m < 10 else str(m)
    return [
        # Not with a dot: "1.2" is far more often a decimal or a version than 1 February.
        rf"(?<!\d)(?<!\d[/.\-]){day}/{month}(?![\d/]|\.\d)(?!{_FRACTION_AFTER})",
        rf"(?<!\d){d:02d}{m:02d}(?:{y}|{y % 100:02d})(?!\d)",
        rf"(?<!\d){y}{m:02d}{d:02d}(?!\d)",
    ]


def _day_month_is_date(folded: str, match: re.Match) -> bool:
    """A record's day and month written alone ("3/3") is removed unless the word before makes it
    a score, a fraction or a duration: "MRC score of 4/5", "tablet (1/2)", "for 5/7"."""
    if "/" not in match.group():
        return True
    word = re.search(
        r"([\w/]+)[ (]+(?:of[ ]+)?$", folded[max(0, match.start() - 30) : match.start()]
    )
    if not word:
        return True
    word = word.group(1).lower()
    month = int(match.group().split("/")[1])
    return word not in _FRACTION_BEFORE and not (month in (7, 12) and word in _DURATION_BEFORE)


@dataclass(frozen=True)
class _Compiled:
    # (regex, kind, check): `check(folded, match)`, when there is one, says whether the match is
    # really the identifier: a name that is also a word followed by a plain "s" ("Roses", see
    # `_plural_is_name`), or a day and month that may be a fraction (`_day_month_is_date`).
    patterns: tuple[tuple[re.Pattern, Kind, Callable[[str, re.Match], bool] | None], ...]


_compiled_cache: dict[RecordIdentifiers, _Compiled] = {}

# A name followed by a plain "s" is the possessive written without its apostrophe
# ("Marguerites mum"): the name is removed and the "s" left, as with "'s".
_PLURAL_S = r"(?:(?![A-Za-z0-9])|(?P<s>(?=[sS](?![A-Za-z0-9]))))"


def _compile(identifiers: RecordIdentifiers) -> _Compiled:
    cached = _compiled_cache.get(identifiers)
    if cached is not None:
        return cached
    found: list[tuple[str, Kind, Callable[[str, re.Match], bool] | None]] = []
    for full in identifiers.full_names:
        found += [(pattern, Kind.NAME, None) for pattern in _full_name_patterns(full)]
    for token in identifiers.name_tokens:
        check = _plural_is_name if token.lower() in NAME_WORDS else None
        found.append((_name_token_pattern(token), Kind.NAME, check))
    for full in identifiers.full_names:
        found += _initials_patterns(full)
    for number in identifiers.nhs_numbers:
        if len(number) >= 6:
            found.append((_digits_pattern(number), Kind.NHS_NUMBER, None))
    for line in identifiers.addresses + identifiers.places:
        found += [(pattern, Kind.ADDRESS, None) for pattern in _address_patterns(line) if pattern]
    for postcode in identifiers.postcodes:
        compact = re.sub(r"\s", "", postcode)
        if len(compact) >= 5:
            outward, inward = re.escape(compact[:-3]), re.escape(compact[-3:])
            found.append((rf"{outward}[ \t\-]{{0,3}}{inward}", Kind.POSTCODE, None))
    for phone in identifiers.phones:
        if pattern := _phone_pattern(phone):
            found.append((pattern, Kind.PHONE, None))
    for email in identifiers.emails:
        found.append((re.escape(fold(email)), Kind.EMAIL, None))
    for value in identifiers.dates:
        found += [(p, Kind.DATE, _day_month_is_date) for p in _date_patterns(value)]
    compiled = _Compiled(
        tuple(
            (
                re.compile(
                    rf"(?<![A-Za-z0-9])(?:{p})"
                    + (_PLURAL_S if kind == Kind.NAME else r"(?![A-Za-z0-9])"),
                    re.IGNORECASE,
                ),
                kind,
                check,
            )
            for p, kind, check in found
        )
    )
    if len(_compiled_cache) > 256:
        _compiled_cache.clear()
    _compiled_cache[identifiers] = compiled
    return compiled


# Words that follow a possessive at the start of a sentence ("Roses mum rang") but hardly ever a
# plural ("Days later", "Hopes were high").
_POSSESSED = _wordset(
    """mum mother mam mom dad father parents parent sister sisters brother brothers family
    aunt uncle nan gran grandmother grandfather niece nephew cousin son daughter husband wife
    partner friend friends carer carers care home house room flat gp doctor nurse support
    keyworker key social needs health life death funeral birthday medication medicines notes
    record records wishes views own"""
)
_TITLES = _wordset("mr mrs ms miss mx dr prof rev st")


def _plural_is_name(folded: str, match: re.Match) -> bool:
    """Whether a name that is also a word, followed by a plain "s", is the name: "Roses" is the
    name in "when Roses mum rang" (a capital mid-sentence) or "Roses mum rang" (a possessed noun
    follows), but the plural word in "Roses were planted" or "Days later"."""
    if match.group("s") is None:
        return True
    before = folded[: match.start()].rstrip(" \t\"'([*")
    if before and before[-1] not in "\n.!?:;-":
        return True
    title = re.search(r"(\w+)\.$", before)
    if title and title.group(1).lower() in _TITLES:
        return True  # "Dr. Hills", not the end of a sentence
    following = re.match(r"s[ ]+([a-z]+)", folded[match.end() :])
    return bool(following and following.group(1) in _POSSESSED)


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
        (_DISGUISED_EMAIL_RE, Kind.EMAIL),
        (_PHONE_RE, Kind.PHONE),
        (_POSTCODE_RE, Kind.POSTCODE),
        (_STREET_RE, Kind.ADDRESS),
    ):
        spans += [Span(m.start(), m.end(), kind, False) for m in regex.finditer(folded)]
    for regex in _DATE_RES:
        spans += [Span(m.start(), m.end(), Kind.DATE, False) for m in regex.finditer(folded)]
    spans += _short_date_spans(folded)
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


def find_spans(
    text: str, identifiers: RecordIdentifiers | None = None, *, detect: bool = True
) -> list[Span]:
    """The merged spans of `text` to remove: what the record holds, the general patterns and,
    with `detect`, the identifiers the record does not hold (`leder.exports.detection`)."""
    if not text:
        return []
    folded = fold(text)
    spans = _pattern_spans(folded)
    if detect:
        spans += [Span(f.start, f.end, Kind(f.kind), False) for f in detect_identifiers(folded)]
    if identifiers is not None:
        for regex, kind, check in _compile(identifiers).patterns:
            spans += [
                Span(m.start(), m.end(), kind, True)
                for m in regex.finditer(folded)
                if check is None or check(folded, m)
            ]
    if detect:
        # A weekday heading a date goes with it ("Saturday 21 August 2021").
        spans += [
            Span(start, span.start, Kind.DATE, span.from_record)
            for span in spans
            if span.kind == Kind.DATE and (start := weekday_before(folded, span.start)) < span.start
        ]
        return _join_places(folded, _merge(spans))
    return _merge(spans)


_PLACE_JOINER = re.compile(r"[ ]+(?:in|on)[ ]+")


def _join_places(folded: str, spans: list[Span]) -> list[Span]:
    """A place and where it is become one place ("Boots in Beeston", "Tesco on Narborough
    Road"): the little word between them says which branch, so it goes too."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind == Kind.PLACE
            and span.kind in (Kind.NAME, Kind.PLACE, Kind.ADDRESS)
            and _PLACE_JOINER.fullmatch(folded, last.end, span.start)
        ):
            out[-1] = Span(last.start, span.end, Kind.PLACE, last.from_record or span.from_record)
        else:
            out.append(span)
    return out


def redact(
    text: str,
    identifiers: RecordIdentifiers | None = None,
    *,
    placeholders: Mapping[str, str] = PLACEHOLDERS,
    detect: bool = True,
) -> Redaction:
    """`text` with every identifier the record holds, every identifier-shaped pattern and (with
    `detect`) every identifier the detection rules find replaced by a placeholder naming its
    kind ("[NAME]", "[NHS NUMBER]"…). `identifiers` may be None to apply the patterns and rules
    alone (text with no case behind it)."""
    if not text:
        return Redaction(text=text or "", counts={})
    merged = find_spans(text, identifiers, detect=detect)
    return apply_spans(text, merged, placeholders=placeholders)


def apply_spans(
    text: str, merged: list[Span], *, placeholders: Mapping[str, str] = PLACEHOLDERS
) -> Redaction:
    """`text` with each of `merged` (sorted, not overlapping) replaced by its placeholder."""
    pieces: list[str] = []
    position = 0
    for span in merged:
        pieces.append(text[position : span.start])
        pieces.append(placeholders[span.kind])
        position = span.end
    pieces.append(text[position:])
    counts = Counter(str(span.kind) for span in merged)
    return Redaction(text="".join(pieces), counts=dict(counts), spans=merged)


def _withheld_value() -> str:
    from leder.exports.spec import WITHHELD

    return WITHHELD


@dataclass
class RedactionReport:
    """What redaction removed across many texts (for the dataset's redaction report): how many
    texts were looked at, how many had something removed, and how many of each kind."""

    texts: int = 0
    texts_changed: int = 0
    counts: Counter = field(default_factory=Counter)
    # Free-text fields of the dataset released by a person, and withheld, by field.
    released: Counter = field(default_factory=Counter)
    withheld: Counter = field(default_factory=Counter)

    def free_text(self, field_name: str, release) -> None:
        """Count one free-text field: released (its redactions added up) or withheld."""
        if release is None:
            self.withheld[field_name] += 1
            return
        self.released[field_name] += 1
        self.texts += 1
        if release.released_counts:
            self.texts_changed += 1
        self.counts.update(release.released_counts)

    def free_text_dict(self) -> dict:
        names = sorted(set(self.released) | set(self.withheld))
        return {
            "released": sum(self.released.values()),
            "withheld": sum(self.withheld.values()),
            "by_field": {
                name: {"released": self.released[name], "withheld": self.withheld[name]}
                for name in names
            },
            "withheld_value": _withheld_value(),
        }

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
