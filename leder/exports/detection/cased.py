"""Names not written with capitals as a name is: in lower case after a title, relationship or
role ("her brother tobias"), in capitals ("MRS NIAMH SUTCLIFFE", read again in title case), and
single initials ("M. at the surgery", "Mr J.")."""

from __future__ import annotations

import re

from leder.exports.detection.cues import PERSON_CUES, TITLES
from leder.exports.detection.lexicon import everyday_words, listed_or_unknown
from leder.exports.detection.names import capitalised_name_spans
from leder.exports.detection.rules import Found, Rule, group, run, whole
from leder.exports.detection.words import ABBREVIATIONS, NOT_NAMES

# A title, relationship or role, then one or two words in lower case: "her brother tobias",
# "stepdad lwazi moyo", "nurse kemi". The words are checked (`_lower_name_end`).
_LOWER_CUE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:{PERSON_CUES})\.?,?[ ]+"
    r"(?P<name>[a-z][a-z'\-]+(?:[ ][a-z][a-z'\-]+)?)"
)
# A single initial: "M. at the surgery", "by J. (practice nurse)", "Mr J.", and two capitals
# apart ("J S said"). Not before a capital (the end of a sentence: "vitamin D. Then").
_SINGLE_INITIAL_RE = re.compile(
    r"(?<![A-Za-z.\-])(?:[A-Z]\.(?=[ ]+[a-z(]|[ ]*[,;:)])|(?<![A-Za-z.])(?![AI][ ])[A-Z][ ][A-Z]"
    r"(?![A-Za-z0-9.]))"
)
_TITLE_INITIAL_RE = re.compile(rf"(?<![A-Za-z])(?:{TITLES})\.?[ ]+(?P<name>[A-Z]\.?)(?![A-Za-z])")
# A word in capitals of three letters or more ("NIAMH", "MISTRY"): rewritten in title case for a
# second reading by the rules for capitalised words.
_CAPS_WORD_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{3,}(?:['’\-][A-Z]+)*|MR|MS|DR|MX)(?![A-Za-z0-9])"
)
_CAPS_TITLES = frozenset({"MR", "MRS", "MS", "DR", "MX", "MISS", "PROF", "REV", "REVD"})
_LOWER_WORD_RE = re.compile(r"[a-z'\-]+")
_VERB_FORM_RE = re.compile(r"(?:ed|ing)$")


def _is_name_word(word: str) -> bool:
    """A word of a name by itself, whatever its case: a first name or surname of the lists, or
    no English word."""
    return listed_or_unknown(word[:1].upper() + word[1:].lower())


def _is_second_name_word(word: str) -> bool:
    """After a first name in lower case, a word that goes on the name: a surname of the census
    list or any word that is not an everyday word or a verb form ("moyo", "jones-evans"; not
    "visited", "said", "found")."""
    return not (word in everyday_words() or _VERB_FORM_RE.search(word))


def _lower_name(text: str, match: re.Match) -> tuple[int, int] | None:
    """The lower-case name after a cue, one word or two; None when its first word is an English
    word ("her brother was", "the nurse said")."""
    words = list(_LOWER_WORD_RE.finditer(match.group("name")))
    if not _is_name_word(words[0].group()):
        return None
    second = words[1].group() if len(words) > 1 else ""
    last = words[1] if second and _is_second_name_word(second) else words[0]
    return match.start("name"), match.start("name") + last.end()


def _title_cased_capitals(text: str) -> str | None:
    """`text` with every word in capitals that is no abbreviation rewritten in title case
    ("MRS NIAMH SUTCLIFFE" → "Mrs Niamh Sutcliffe"), the same length; None when there is none."""
    changed = False

    def title(match: re.Match) -> str:
        nonlocal changed
        word = match.group()
        if (word in ABBREVIATIONS or word in NOT_NAMES) and word not in _CAPS_TITLES:
            return word
        changed = True
        return word[0] + word[1:].lower()

    out = _CAPS_WORD_RE.sub(title, text)
    return out if changed else None


CASED_NAME_RULES = (
    Rule(_LOWER_CUE_RE, "name", _lower_name),
    Rule(_SINGLE_INITIAL_RE, "name", whole),
    Rule(_TITLE_INITIAL_RE, "name", group("name")),
)


def cased_name_spans(text: str) -> list[Found]:
    """Names written in lower case after a cue, in capitals, and single initials."""
    found = run(text, CASED_NAME_RULES)
    title_cased = _title_cased_capitals(text)
    if title_cased is not None:
        # Short capitals that are no listed name are as likely an acronym ("IDDSI", "WCC") as a
        # name: only words of six letters or more count as names for being no English word.
        found += capitalised_name_spans(title_cased, unknown_from=6)
    return found
