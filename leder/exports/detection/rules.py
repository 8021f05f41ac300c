"""A recogniser, written once: a pattern compiled once, the kind of identifier it finds, and
where in a match the identifier is. Each module of detection lists its recognisers in order and
`run` applies them; the few ways of placing an identifier in a match are here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from leder.exports.detection.lexicon import generic, trim_name

# Where the identifier is in a match: its start and end, or None when the match is not one.
Where = Callable[[str, re.Match], tuple[int, int] | None]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    # One of redaction.Kind's values: "name", "date", "place", "address", "record_number",
    # "ni_number".
    kind: str


def whole(text: str, match: re.Match) -> tuple[int, int]:
    """The whole match."""
    return match.span()


def group(name: str) -> Where:
    """The group `name` as it stands."""
    return lambda text, match: match.span(name)


def trimmed(name: str) -> Where:
    """The group `name` less its leading and trailing generic words ("Staff", "On"), unless
    nothing is left."""
    return lambda text, match: trim_name(text, *match.span(name))


def named(name: str) -> Where:
    """The group `name` unless all its words (after a leading "the") are generic: a title,
    relationship, role or word of `NOT_NAMES` names nobody and nothing in particular."""

    def where(text: str, match: re.Match) -> tuple[int, int] | None:
        words = match.group(name).split()
        if words and words[0].lower() == "the":
            words = words[1:]
        return None if generic(" ".join(words)) else match.span(name)

    return where


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern
    kind: str
    where: Where = whole


def run(text: str, rules: Sequence[Rule]) -> list[Found]:
    """What each rule finds in `text`, rule by rule, in the order of the text."""
    found = []
    for rule in rules:
        for match in rule.regex.finditer(text):
            span = rule.where(text, match)
            if span is not None:
                found.append(Found(*span, rule.kind))
    return found
