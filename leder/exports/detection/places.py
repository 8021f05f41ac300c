"""Organisations and places that locate a person: care providers, capitalised names ending in a
word for a home, ward, hospital, school or workplace ("Rosewood House", "Leicester Royal
Infirmary"), a capitalised name before such a word in lower case ("Birch Wood special school"),
a place after "the" ("at The Poplars"), where someone worked or went ("worked at Boots"), wards
by number or name ("Ward 7", "Primrose Ward") and streets named alone ("lived on Belgrave
Gate")."""

from __future__ import annotations

import re

from leder.exports.detection.cues import (
    NAME_WORD,
    PLACE_NOUNS,
    PLACE_WORDS,
    PROVIDERS,
    STREET_WORDS,
)
from leder.exports.detection.lexicon import generic, is_generic_word, words_in
from leder.exports.detection.rules import Rule, Where, named, trimmed

# A capitalised name after "the" where a place is meant: "at The Poplars", "moved to the
# Grange", "from the Maples".
_THE_PLACE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:at|to|from|in|into|near|outside|visited|left|attended|joined|leaving)"
    rf"[ ]+(?P<name>[Tt]he[ ]+{NAME_WORD}(?:[ ]+{NAME_WORD})?)(?![A-Za-z])"
)
# Where someone worked, volunteered or went, named by capitalised words that may be ordinary
# ones ("worked at Boots", "trips to Clumber Park", "shifts at Asda").
_WENT_TO_RE = re.compile(
    r"(?<![A-Za-z])(?i:work(?:ed|s|ing)?|job|volunteer(?:ed|s|ing)?|employed|placement|shifts?"
    r"|helped[ ]out|apprenticeship|trips?|visits?|outings?|went|goes|going|shopping|stayed"
    r"|holidays?|days?[ ]out|lived|respite|moved)[ ]+(?:at|for|by|with|to|in)[ ]+"
    rf"(?P<name>{NAME_WORD}(?:['’]s)?(?:[ ]+{NAME_WORD})*)(?![A-Za-z])"
)
_PROVIDER_RE = re.compile(rf"(?<=[a-z,;(][ ])(?:{PROVIDERS})(?![A-Za-z])")
# A street named alone after where someone lived: "lived on Kingsway", "a flat in Broadway".
_LIVED_ON_RE = re.compile(
    rf"(?<![A-Za-z])(?i:lived|living|lives|flat|house|bungalow|home|moved)[ ]+(?:on|in|off)[ ]+"
    rf"(?P<name>{NAME_WORD}(?:[ ]+{NAME_WORD})?)(?![A-Za-z])"
)
_PLACE_RE = re.compile(
    rf"(?<![A-Za-z])(?:(?:St|Saint)\.?[ ]+)?{NAME_WORD}(?:['’]s)?(?:[ ]+(?:{NAME_WORD}"
    rf"(?:['’]s)?|RC|CE|C[ ]of[ ]E|&|of|on[ ]the|upon))*[ ]+(?:{PLACE_WORDS})(?![A-Za-z])"
)
_PLACE_BEFORE_NOUN_RE = re.compile(
    rf"(?<![A-Za-z])(?P<name>{NAME_WORD}(?:['’]s)?(?:[ ]+{NAME_WORD}(?:['’]s)?){{0,3}})[ ]+"
    rf"(?:[a-z]+[ ]+)?(?:{PLACE_NOUNS})(?![A-Za-z])"
)
_WARD_RE = re.compile(
    r"(?<![A-Za-z])(?:[Ww]ard|WARD)[ ]+(?:\d{1,3}[A-Za-z]?|[A-Z]\d{1,2})(?![A-Za-z0-9])"
    r"|(?<![A-Za-z])(?:[A-Z][a-z]+[ ]){1,2}(?:[Ww]ard|Unit|Suite)(?![A-Za-z])"
)
_STREET_ALONE_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:[Ff]lat|[Aa]partment)[ ]+\d+[A-Za-z]?,?[ ]+)?"
    r"(?:\d{1,4}[A-Za-z]?,?[ ]+)?"
    rf"(?:(?:St|Saint)\.?[ ]+)?{NAME_WORD}(?:[ ]+{NAME_WORD}){{0,2}}[ ]+"
    rf"(?:{STREET_WORDS})(?:[ ]+(?:North|South|East|West))?(?![A-Za-z])"
)
_THE_BEFORE_RE = re.compile(r"(?<![A-Za-z])[Tt]he[ ]+$")
_WARD_NAMED_RE = re.compile(r"[Ww]ard[ ]\S+")
_DIGIT_RE = re.compile(r"\d")
# Generic words that still start the name of a place ("St Anne's", "Royal Infirmary").
_PLACE_STARTS = frozenset({"St", "Royal", "Great"})


def _trimmed_place(text: str, match: re.Match) -> tuple[int, int] | None:
    """The match less generic words at its start ("The", "At", "Staff at"); None when only the
    generic word for the kind of place is left ("Care Home", "Day Centre")."""
    start, end = match.span()
    words = words_in(text, start, end)
    while words and words[0].group() not in _PLACE_STARTS and is_generic_word(words[0].group()):
        words.pop(0)
    if len(words) < 2 and not (words and _WARD_NAMED_RE.fullmatch(text, start, end)):
        return None
    first = words[0].start()
    if generic(text[first:end]):
        return None
    return first, end


def _with_the(where: Where) -> Where:
    """`where`, starting at the "the" that heads the place's name ("the Hollies", "The
    Limes")."""

    def with_the(text: str, match: re.Match) -> tuple[int, int] | None:
        span = where(text, match)
        if span is None:
            return None
        the = _THE_BEFORE_RE.search(text, max(0, span[0] - 4), span[0])
        return (the.start() if the else span[0]), span[1]

    return with_the


def _ward(text: str, match: re.Match) -> tuple[int, int] | None:
    """A ward by number, or by a name that is not generic."""
    word = match.group()
    return match.span() if _DIGIT_RE.search(word) or not generic(word) else None


PLACE_RULES = (
    Rule(_PROVIDER_RE, "place"),
    Rule(_THE_PLACE_RE, "place", named("name")),
    Rule(_LIVED_ON_RE, "address", named("name")),
    Rule(_WENT_TO_RE, "place", named("name")),
    Rule(_PLACE_RE, "place", _with_the(_trimmed_place)),
    Rule(_PLACE_BEFORE_NOUN_RE, "place", _with_the(trimmed("name"))),
    Rule(_WARD_RE, "place", _ward),
    Rule(_STREET_ALONE_RE, "address", _trimmed_place),
)
