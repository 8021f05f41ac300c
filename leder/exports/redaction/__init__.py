"""Redaction of free text before it leaves in the national dataset.

Two sources of what to remove, both needed:

- **the record** (`RecordIdentifiers`, read from the case by `identifiers_for_case`): the names,
  NHS number, addresses, postcodes, dates, telephone numbers and e-mail addresses the case record
  itself holds. These are the identifiers most likely to appear in a narrative and no pattern can
  find a name, so every one of them must go (measured recall target: 100%).
- **patterns** independent of the record: NHS numbers, UK postcodes, UK telephone numbers,
  e-mail addresses, dates and street addresses, for identifiers the record does not hold (a
  sibling's phone number, a care home's postcode). Target: at least 95% recall.

Forms covered beyond the obvious ones: a name with a plain "s" ("Marguerites mum"; for a name that
is also a word, "Roses", only where it reads as the name), street words abbreviated or in full
either way ("Larkspur Cres" for a record holding "Larkspur Crescent"), another house in the
record's street and a house number with the street's name alone ("14 Larkspur"), postcodes with a
hyphen or no space, disguised e-mail addresses ("maya at example dot com", "maya[at]example.com"),
two-digit years after a written date ("3rd Mar 61"), dates in words ("the third of March", "March
the third"), ranges of days ("1st-2nd March", "1-2 March 2023"), and a day and month alone ("20/3")
where the text says it is a date. Fractions, scores and the clinical shorthand for durations ("1/2
a tablet", "MRC 4/5", "for 5/7") share that last form, so they are checked for.

Only regular expressions and the record are used: no language model and nothing downloaded, so the
behaviour is deterministic and testable. Matching runs on a *folded* copy of the text of the same
length (accents stripped, curly quotes and dashes made plain) so that "Zoë" matches "Zoe" and
"O’Brien" matches "O'Brien" while the positions still point into the original text.

`redact` returns the redacted text, counts per kind and the spans removed (the spans are what the
recall command measures). `RedactionReport` adds redactions up for the dataset's redaction report.

The package, by domain (every public name is importable from `leder.exports.redaction`):

- `kinds`: the kinds of identifier, their placeholders, `Span` and `Redaction`;
- `words`: name and street word lists, and `fold`;
- `record`: `RecordIdentifiers` and `identifiers_for_case` (what a case's record holds);
- `patterns`: the general patterns, independent of the record;
- `record_patterns`: one record's identifiers as patterns, compiled once per record;
- `apply`: `find_spans`, `redact` and `apply_spans`, which put them (and `leder.exports.detection`)
  together;
- `report`: `RedactionReport`.
"""

from leder.exports.detection import NAME_WORDS
from leder.exports.redaction.apply import apply_spans, find_spans, redact
from leder.exports.redaction.kinds import PLACEHOLDERS, Kind, Redaction, Span
from leder.exports.redaction.record import RecordIdentifiers, identifiers_for_case, name_tokens
from leder.exports.redaction.report import RedactionReport
from leder.exports.redaction.words import NAME_STOPWORDS, STREET_WORDS, fold

__all__ = [
    "NAME_STOPWORDS",
    "NAME_WORDS",
    "PLACEHOLDERS",
    "STREET_WORDS",
    "Kind",
    "RecordIdentifiers",
    "Redaction",
    "RedactionReport",
    "Span",
    "apply_spans",
    "find_spans",
    "fold",
    "identifiers_for_case",
    "name_tokens",
    "redact",
]
