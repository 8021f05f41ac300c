"""The patterns of what one record holds: its names (with a plain "s", in either order, as
initials), numbers, addresses and dates, compiled once per record."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from leder.exports.detection import ABBREVIATIONS, NAME_WORDS
from leder.exports.redaction.kinds import Kind
from leder.exports.redaction.patterns import _DURATION_BEFORE, _FRACTION_AFTER, _FRACTION_BEFORE
from leder.exports.redaction.record import RecordIdentifiers
from leder.exports.redaction.words import _STREET_SYNONYMS, NAME_STOPWORDS, _wordset, fold

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
