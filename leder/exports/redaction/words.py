"""Word lists of names and streets, and the folding of text that matching runs on (accents
stripped, quotes and dashes made plain, the same length as the original)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping


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
