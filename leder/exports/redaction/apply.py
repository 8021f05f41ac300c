"""Finding what to remove in a text and replacing it: the record's patterns, the general
patterns and detection (`leder.exports.detection`), merged."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from leder.exports.detection import detect as detect_identifiers
from leder.exports.detection import weekday_before
from leder.exports.redaction.kinds import _PRIORITY, PLACEHOLDERS, Kind, Redaction, Span
from leder.exports.redaction.patterns import _pattern_spans
from leder.exports.redaction.record import RecordIdentifiers
from leder.exports.redaction.record_patterns import _compile
from leder.exports.redaction.words import fold


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one, of the kind of the longest among them (an e-mail address
    holding a name is an e-mail address; "+44 (0) 113 496 0000" is a phone number even though
    its last ten digits look like an NHS number); equal lengths go by `_PRIORITY`."""
    clusters: list[list[Span]] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if clusters and span.start < end:
            clusters[-1].append(span)
            end = max(end, span.end)
        else:
            clusters.append([span])
            end = span.end
    merged = []
    for cluster in clusters:
        main = max(cluster, key=lambda s: (s.end - s.start, -_PRIORITY[s.kind]))
        merged.append(
            Span(
                min(s.start for s in cluster),
                max(s.end for s in cluster),
                main.kind,
                any(s.from_record for s in cluster),
            )
        )
    return merged


def find_spans(
    text: str, identifiers: RecordIdentifiers | None = None, *, detect: bool = True
) -> list[Span]:
    """The merged spans of `text` to remove: what the record holds, the general patterns and,
    with `detect`, the identifiers the record does not hold (`leder.exports.detection`)."""
    if not text:
        return []
    folded = fold(text)
    spans = _pattern_spans(folded)
    if detect:
        spans += [Span(f.start, f.end, Kind(f.kind), False) for f in detect_identifiers(folded)]
    if identifiers is not None:
        for regex, kind, check in _compile(identifiers).patterns:
            spans += [
                Span(m.start(), m.end(), kind, True)
                for m in regex.finditer(folded)
                if check is None or check(folded, m)
            ]
    if detect:
        # A weekday heading a date goes with it ("Saturday 21 August 2021").
        spans += [
            Span(start, span.start, Kind.DATE, span.from_record)
            for span in spans
            if span.kind == Kind.DATE and (start := weekday_before(folded, span.start)) < span.start
        ]
        return _join_places(folded, _merge(spans))
    return _merge(spans)


_PLACE_JOINER = re.compile(r"[ ]+(?:in|on)[ ]+")


def _join_places(folded: str, spans: list[Span]) -> list[Span]:
    """A place and where it is become one place ("Boots in Beeston", "Tesco on Narborough
    Road"): the little word between them says which branch, so it goes too."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind == Kind.PLACE
            and span.kind in (Kind.NAME, Kind.PLACE, Kind.ADDRESS)
            and _PLACE_JOINER.fullmatch(folded, last.end, span.start)
        ):
            out[-1] = Span(last.start, span.end, Kind.PLACE, last.from_record or span.from_record)
        else:
            out.append(span)
    return out


def redact(
    text: str,
    identifiers: RecordIdentifiers | None = None,
    *,
    placeholders: Mapping[str, str] = PLACEHOLDERS,
    detect: bool = True,
) -> Redaction:
    """`text` with every identifier the record holds, every identifier-shaped pattern and (with
    `detect`) every identifier the detection rules find replaced by a placeholder naming its
    kind ("[NAME]", "[NHS NUMBER]"…). `identifiers` may be None to apply the patterns and rules
    alone (text with no case behind it)."""
    if not text:
        return Redaction(text=text or "", counts={})
    merged = find_spans(text, identifiers, detect=detect)
    return apply_spans(text, merged, placeholders=placeholders)


def apply_spans(
    text: str, merged: list[Span], *, placeholders: Mapping[str, str] = PLACEHOLDERS
) -> Redaction:
    """`text` with each of `merged` (sorted, not overlapping) replaced by its placeholder."""
    pieces: list[str] = []
    position = 0
    for span in merged:
        pieces.append(text[position : span.start])
        pieces.append(placeholders[span.kind])
        position = span.end
    pieces.append(text[position:])
    counts = Counter(str(span.kind) for span in merged)
    return Redaction(text="".join(pieces), counts=dict(counts), spans=merged)
