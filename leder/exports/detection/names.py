"""Names written with capitals: after a title, a relationship or a role, before a relationship
or role, in a nickname phrase, as initials, as a proper name of words in a row, and single words
that a list knows or no English word is."""

from __future__ import annotations

import re

from leder.exports.detection.cues import NAME, NAME_WORD, RELATIONSHIPS, ROLES, TITLES
from leder.exports.detection.lexicon import (
    all_surnames,
    census_first_names,
    first_names,
    generic,
    listed_or_unknown,
    surnames,
    trim_name,
    unknown_word,
)
from leder.exports.detection.rules import Found, Rule, named, run, trimmed, whole
from leder.exports.detection.words import ABBREVIATIONS

_TITLE_RE = re.compile(rf"(?<![A-Za-z])(?:{TITLES})\.?[ ]+(?P<name>{NAME})")


def _cue_before_name(cue: str) -> re.Pattern:
    """A relationship or role, perhaps a title, then a name: "brother Tobias", "Staff nurse
    Priya Raman", "her neighbour, Mrs Ames"."""
    return re.compile(
        rf"(?<![A-Za-z])(?i:{cue})(?:[ ]*[,:(\-][ ]*|[ ]+)(?:(?:{TITLES})\.?[ ]+)?(?P<name>{NAME})"
    )


# "Priya Raman (staff nurse)", "Tobias, her brother,", "Dean Holt - support worker".
_AFTER_RE = re.compile(
    rf"(?P<name>{NAME})(?:[ ]*\([ ]*|,[ ]+|[ ]+-[ ]+)(?:(?i:the|her|his|their|my|our)[ ]+)?"
    rf"(?i:{RELATIONSHIPS}|{ROLES})(?![A-Za-z])"
)
_NICKNAME_RE = re.compile(
    r"(?i:(?:better[ ]|also[ ]|always[ ])?known(?:[ ]to[ ](?:everyone|all|friends|family|staff"
    r"|us))?[ ]as|called|nicknamed|named|(?:his|her|their)[ ](?:nick|pet)[ ]?name[ ](?:was|is)"
    r"|nick[ ]?name|pet[ ]name|who[ ](?:everyone|we|they|staff|people)[ ](?:knew|called)[ ]as"
    r"|(?:everyone|we[ ]all|we|they|staff|the[ ]family)[ ]called[ ](?:him|her|them)"
    r"|who[ ]liked[ ]to[ ]be[ ]called|liked[ ]being[ ]called|preferred[ ]to[ ]be[ ]called"
    r"|answered[ ](?:only[ ])?to|went[ ]by|aka|a\.k\.a\.|always)"
    r"[ ]+(?:['\"‘“](?P<quoted>[^'\"’”\n]{1,30})['\"’”]"
    r"|(?P<name>[A-Z][\w'\-]*(?:[ ][A-Z][\w'\-]*)?))"
)
# "(Maggie to her friends)", "Sparky to his mates".
_NICKNAME_AS_RE = re.compile(
    r"(?P<name>[A-Z][\w'\-]*(?:[ ][A-Z][\w'\-]*)?),?[ ]+(?:as[ ](?:the[ ]family|everyone|we|they"
    r"|staff|friends|his[ ]\w+|her[ ]\w+)[ ](?:called|knew)[ ](?:him|her|them)|to[ ](?:everyone"
    r"|everybody|all|us[ ]all|the[ ]staff|the[ ]family))\b"
)
_NICKNAME_AFTER_RE = re.compile(
    r"(?P<name>[A-Z][\w'\-]*(?:[ ][A-Z][\w'\-]*)?)[ ]+to[ ]+(?:her|his|their)[ ]+"
    r"(?:friends|mates|family|pals|colleagues|carers|nan|mum|dad)\b"
)
_QUOTED_NAME_RE = re.compile(r"['\"‘“](?P<name>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)['\"’”]")
# Initials with dots, one to four letters, hyphenated parts: "J.B.", "M.O-S.", "R.A.".
_DOTTED_INITIALS_RE = re.compile(
    r"(?<![A-Za-z.])(?=[A-Z][A-Z.\- ]*\.)(?:[A-Z][.\-][ ]?){1,3}[A-Z]\.?(?![A-Za-z])"
)
# Two or three capitals alone ("MOS", "JB"): initials unless a known abbreviation.
_CAPITALS_RE = re.compile(r"(?<![A-Za-z0-9&/\-])[A-Z]{2,3}(?:-[A-Z])?(?![A-Za-z0-9&/])")
# After capitals that are also an abbreviation ("MS", "BP"), what shows they are someone's
# initials: a verb only a person does, or "'s" and a relative ("MS said", "BP's mum").
_INITIALS_AS_PERSON_RE = re.compile(
    r"(?:[ ]+(?:said|told|died|lived|loved|liked|enjoyed|attended|moved|went|rang|agreed|laughed"
    r"|cried|smiled|wanted|asked|refused|chose|communicated|showed[ ]pain|was[ ]happiest)"
    rf"|['’]s[ ]+(?:{RELATIONSHIPS}|family|carers?|keyworker|support[ ]worker))(?![A-Za-z])"
)
# Two or more capitalised words in a row: a proper name of someone or something ("Chidi Okoro").
_PROPER_RE = re.compile(rf"(?<![A-Za-z'’\-]){NAME_WORD}(?:[ ]+{NAME_WORD})+")
# Capitalised words: candidates for a name from the list of first names.
_CAPITALISED_RE = re.compile(rf"(?<![A-Za-z'’\-]){NAME_WORD}(?:[ ]+{NAME_WORD})?")
# A capitalised word, hyphenated parts and all ("Campbell-Reid", "O'Neill"), not its "'s".
_WORD_TOKEN_RE = re.compile(rf"(?<![A-Za-z0-9'’\-]){NAME_WORD}(?![A-Za-z0-9])")
# A dose after a word: the word is a drug ("Buccolam 10 mg", "Epilim (200").
DOSE_AFTER_RE = re.compile(r"[ ]*(?:\d|\((?:\d|[A-Z]\d))")
# What comes before the first word of a sentence (or of the text, a line, a heading).
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\n]|\n[ ]*-)[ ]*['\"(]?$")
# "'s" that ends a name rather than owning something: a shop or a firm ("Sainsbury's in town",
# "worked at Greggs's."), not "Tendai's sister".
_SHOP_POSSESSIVE_RE = re.compile(
    r"['’]s(?=[ ]+(?:in|on|at|for|and|or|with|to|from|near|until|on|every|each|since)\b|[ ]*[,.;:)]"
    r"|[ ]*$)"
)


def _nickname(text: str, match: re.Match) -> tuple[int, int] | None:
    """A quoted nickname whatever it says; a capitalised one unless it is generic."""
    if match.group("quoted"):
        return match.span("quoted")
    return None if generic(match.group("name")) else match.span("name")


def _initials(text: str, match: re.Match) -> tuple[int, int] | None:
    """Capitals that are no abbreviation, or that a person's verb or relative follows."""
    letters = match.group().replace("-", "")
    if (
        match.group() not in ABBREVIATIONS and letters not in ABBREVIATIONS
    ) or _INITIALS_AS_PERSON_RE.match(text, match.end()):
        return match.span()
    return None


def _reads_as_a_name(words: list[str]) -> bool:
    """Capitalised words in a row name someone or something when one of them is a listed name
    or no English word ("Chidi Okoro"), or they run from a first name to a surname ("Dean
    Holt"); not when all are English words of a term written with capitals ("Coma Scale",
    "Occupational Therapy", "Quality Commission")."""
    if any(listed_or_unknown(w) for w in words):
        return True
    return words[0] in census_first_names() and words[-1].title() in all_surnames()


def _proper_name(text: str, match: re.Match) -> tuple[int, int] | None:
    """Capitalised words in a row, less generic words at either end, that read as a name and
    are not a drug before its dose."""
    span = trim_name(text, *match.span())
    if (
        span
        and " " in text[span[0] : span[1]]
        and _reads_as_a_name(text[span[0] : span[1]].split())
        and not DOSE_AFTER_RE.match(text, span[1])
    ):
        return span
    return None


def _first_name(text: str, match: re.Match) -> tuple[int, int] | None:
    """A listed first name, with the capitalised word after it unless that word is generic."""
    words = match.group().split()
    first = words[0]
    if first not in first_names() or DOSE_AFTER_RE.match(text, match.start() + len(first)):
        return None
    end = match.end() if not generic(words[-1]) else match.start() + len(first)
    return match.start(), end


CAPITALISED_NAME_RULES = (
    Rule(_TITLE_RE, "name", trimmed("name")),
    Rule(_cue_before_name(RELATIONSHIPS), "name", trimmed("name")),
    Rule(_cue_before_name(ROLES), "name", trimmed("name")),
    Rule(_AFTER_RE, "name", trimmed("name")),
    Rule(_NICKNAME_RE, "name", _nickname),
    Rule(_NICKNAME_AFTER_RE, "name", named("name")),
    Rule(_NICKNAME_AS_RE, "name", named("name")),
    Rule(_QUOTED_NAME_RE, "name", named("name")),
    Rule(_DOTTED_INITIALS_RE, "name", whole),
    Rule(_CAPITALS_RE, "name", _initials),
    Rule(_PROPER_RE, "name", _proper_name),
    Rule(_CAPITALISED_RE, "name", _first_name),
)


def _word_spans(text: str, *, unknown_from: int = 2) -> list[Found]:
    """Capitalised words that are a surname of the list or no English word ("Tendai",
    "Okafor"), unless a dose follows (a drug: "Buccolam 10 mg")."""
    found = []
    names = surnames()
    for match in _WORD_TOKEN_RE.finditer(text):
        word = match.group()
        if DOSE_AFTER_RE.match(text, match.end()):
            continue
        opening = _SENTENCE_START_RE.search(text, max(0, match.start() - 4), match.start())
        if word.title() in names or (
            len(word) >= unknown_from and unknown_word(word, sentence_start=bool(opening))
        ):
            shop = _SHOP_POSSESSIVE_RE.match(text, match.end())
            found.append(Found(match.start(), shop.end() if shop else match.end(), "name"))
    return found


def capitalised_name_spans(text: str, *, unknown_from: int = 2) -> list[Found]:
    """Names written with capitals; a single word counts for being no English word only from
    `unknown_from` letters."""
    return [*_word_spans(text, unknown_from=unknown_from), *run(text, CAPITALISED_NAME_RULES)]
