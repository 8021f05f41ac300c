"""Patterns independent of the record: NHS numbers, postcodes, telephone numbers, e-mail
addresses (disguised too), dates in every form and street addresses."""

from __future__ import annotations

import re

from nhs_number import is_valid as nhs_number_is_valid

from leder.exports.redaction.kinds import Kind, Span
from leder.exports.redaction.words import _wordset

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
