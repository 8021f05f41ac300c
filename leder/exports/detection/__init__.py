"""Detection of identifiers the case record does not hold: the second net of redaction.

The record-driven redaction (`leder.exports.redaction`) removes what the case record holds: the
person, the notifier, contacts and staff, their numbers, addresses and dates. A narrative also
names people and places nobody entered anywhere else: "her brother Tobias", "Mrs Funmi", "Staff
nurse Priya Raman on Ward 7 of Leicester Royal Infirmary", "known to everyone as Maggie",
"Hospital number RWE-1234567", "NI number QQ123456C", "Christmas Day 2024". This package finds
those with rules that use the words around an identifier, as a person reading the text would:

- **names** after a title ("Mrs Funmi"), a relationship ("brother Tobias", "Tobias, her
  brother"), a role ("Staff nurse Priya Raman", "Priya Raman (staff nurse)"), in a nickname
  phrase ("known as Maggie", "called 'Bunny'"), as initials ("M.O-S.", "J.B."), and capitalised
  words that a list of first names knows (from Faker's person providers, 86 locales, shipped in
  the package: nothing is downloaded) followed by a surname;
- **numbers**: National Insurance numbers (two letters, six digits, A to D, in any spacing,
  including the QQ prefix HMRC keeps for examples), hospital and other record numbers after the
  words that introduce them ("hospital no.", "MRN", "RiO number", "Mosaic ID", "ref") and
  letter-and-digit codes or long digit runs that can be nothing else;
- **dates** the general patterns miss: named days ("Christmas Day 2024", "Boxing Day", "Easter
  Sunday"), and a weekday heading a date ("Saturday 21st August", "Monday the 2nd");
- **organisations and places that locate a person**: capitalised names ending in a word for a
  home, ward, hospital, school, day service or workplace ("Rosewood House", "Leicester Royal
  Infirmary", "Beacon Day Centre"), a capitalised name before such a word in lower case
  ("Birch Wood special school"), wards by number or name ("Ward 7", "Primrose Ward") and streets
  named alone ("lived on Belgrave Gate").

Why rules and a name list rather than a library: see ADR 0040. Every pattern is compiled once,
when the package is imported; the word lists are loaded once, at first use; `detect` is linear
in the length of the text.

The package, by what it recognises (each rule is a `rules.Rule`, applied by `rules.run`):

- `words`: word lists (names that are English words, words never a name, abbreviations);
- `cues`: the phrases around identifiers, as regular-expression alternatives;
- `lexicon`: the name and English word lists, and the judgements of one word made with them;
- `rules`: `Found`, `Rule`, `run` and the ways of placing an identifier in a match;
- `names`: names written with capitals; `cased`: in lower case, in capitals and as initials;
- `numbers_and_dates`: National Insurance and record numbers, codes, named days, weekdays;
- `places`: organisations, places, wards and streets.
"""

from __future__ import annotations

from leder.exports.detection.cased import cased_name_spans
from leder.exports.detection.lexicon import first_names
from leder.exports.detection.names import capitalised_name_spans
from leder.exports.detection.numbers_and_dates import DATE_RULES, NUMBER_RULES, weekday_before
from leder.exports.detection.places import PLACE_RULES
from leder.exports.detection.rules import Found, run
from leder.exports.detection.words import ABBREVIATIONS, NAME_WORDS

__all__ = ["ABBREVIATIONS", "NAME_WORDS", "Found", "detect", "first_names", "weekday_before"]


def detect(text: str) -> list[Found]:
    """Every identifier-shaped piece of `text` the rules find, possibly overlapping (the caller
    merges them). `text` should be folded (`redaction.fold`): plain quotes and dashes."""
    if not text:
        return []
    return [
        *capitalised_name_spans(text),
        *cased_name_spans(text),
        *run(text, NUMBER_RULES),
        *run(text, DATE_RULES),
        *run(text, PLACE_RULES),
    ]
