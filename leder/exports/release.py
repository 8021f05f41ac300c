"""Free text waiting for a person's release before it leaves in the national dataset (issue 13).

Each free-text field the dataset carries (`spec.FREE_TEXT_FIELDS`: the learning of each kind)
of each completed case's live sign-off is one *item*. Its original text is built here, the same
way for the queue and for the dataset builder, and identified by its SHA-256: a release belongs
to that text only, so a review reopened and signed off with different words is withheld again.

The redaction shown to the releaser is the automatic one (`redaction.find_spans`: the record,
the patterns and the detection of identifiers the record does not hold), less the automatic
redactions a person undid (`FreeTextRelease.kept`), plus the ones a person added
(`FreeTextRelease.added`). Releasing freezes the redacted text in the row; the dataset then
carries exactly what the person saw.

Who: the ICB's local area contacts and information-governance reviewers, for their ICBs' cases.
The selectors here are the only reads of the queue; `release_services` holds the writes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404

from leder.accounts import rules
from leder.accounts.models import Role
from leder.exports import spec
from leder.exports.models import FreeTextRelease
from leder.exports.redaction import PLACEHOLDERS, Kind, Redaction, Span, apply_spans, find_spans

#: Who releases free text for their ICB.
RELEASERS = (Role.LAC, Role.IG_REVIEWER)

# The learning kinds in a sign-off's snapshot ("Good practice"…) and the dataset's columns.
LEARNING_COLUMNS = {
    "Good practice": "learning_good_practice",
    "Area for improvement": "learning_improvement",
    "Concern": "learning_concerns",
}
FIELD_LABELS = {
    "learning_good_practice": "Good practice",
    "learning_improvement": "Areas for improvement",
    "learning_concerns": "Concerns",
}
KIND_LABELS = {
    Kind.NAME: "name",
    Kind.NHS_NUMBER: "NHS number",
    Kind.POSTCODE: "postcode",
    Kind.PHONE: "telephone number",
    Kind.EMAIL: "e-mail address",
    Kind.DATE: "date",
    Kind.ADDRESS: "address",
    Kind.RECORD_NUMBER: "record number",
    Kind.NI_NUMBER: "National Insurance number",
    Kind.PLACE: "place or organisation",
}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def learning_items(snapshot_learning: dict | None) -> list[dict]:
    """The pieces of learning in a sign-off snapshot's learning section."""
    return [
        value
        for key, value in (snapshot_learning or {}).items()
        if key.startswith("learning ") and isinstance(value, dict)
    ]


def completing_signoff(signoffs: dict):
    """The sign-off that completed a case: the focused review's when there is one."""
    return signoffs.get("focused") or signoffs.get("initial")


def free_texts(signoffs: dict) -> dict[str, str]:
    """The original free text of each of the dataset's free-text fields, from the live
    sign-offs of a case's reviews (by review kind): each kind of learning's pieces, joined with
    the specification's separator (a "|" inside a piece becomes "/"). Fields with no text are
    left out."""
    completing = completing_signoff(signoffs)
    if completing is None:
        return {}
    key = "focused_learning" if "focused" in signoffs else "learning"
    pieces: dict[str, list[str]] = defaultdict(list)
    for item in learning_items(completing.snapshot.get(key)):
        column = LEARNING_COLUMNS.get(item.get("kind", ""))
        text = (item.get("text") or "").strip()
        if column and text:
            pieces[column].append(text.replace(spec.TEXT_SEPARATOR.strip(), "/"))
    return {column: spec.TEXT_SEPARATOR.join(texts) for column, texts in pieces.items()}


# --- The redaction a person sees and changes -----------------------------------------------------


@dataclass(frozen=True)
class Redacted:
    """One redaction of an item: where, what kind, whether a person added it, and whether a
    person undid it (an undone automatic redaction is shown, struck through, so it can be put
    back)."""

    start: int
    end: int
    kind: Kind
    added: bool = False
    undone: bool = False

    @property
    def key(self) -> str:
        return f"{self.start}-{self.end}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, str(self.kind))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def redactions(text: str, identifiers, release: FreeTextRelease | None) -> list[Redacted]:
    """Every redaction of `text`: automatic ones (undone ones marked), then a person's, in
    order, none overlapping another in force."""
    kept = {tuple(k[:2]) for k in (release.kept if release else [])}
    added = [
        Redacted(int(s), int(e), Kind(k), added=True)
        for s, e, k in (release.added if release else [])
        if 0 <= int(s) < int(e) <= len(text)
    ]
    automatic = [
        Redacted(span.start, span.end, span.kind, undone=(span.start, span.end) in kept)
        for span in find_spans(text, identifiers)
    ]
    # A person's redaction covering an automatic one replaces it.
    automatic = [
        a
        for a in automatic
        if not any(_overlaps((a.start, a.end), (b.start, b.end)) for b in added)
    ]
    return sorted([*automatic, *added], key=lambda r: (r.start, r.end))


def redacted_text(text: str, items: list[Redacted]) -> Redaction:
    """The text that would leave: every redaction in force replaced by its placeholder."""
    spans = [Span(r.start, r.end, r.kind, False) for r in items if not r.undone]
    return apply_spans(text, spans)


@dataclass(frozen=True)
class Segment:
    """A piece of the original text for the page: plain, or one redaction highlighted."""

    text: str
    redaction: Redacted | None = None

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.redaction.kind] if self.redaction else ""


def segments(text: str, items: list[Redacted]) -> list[Segment]:
    out, position = [], 0
    for item in items:
        if item.start < position:
            continue
        out.append(Segment(text[position : item.start]))
        out.append(Segment(text[item.start : item.end], item))
        position = item.end
    out.append(Segment(text[position:]))
    return [s for s in out if s.text]


# --- Reads ---------------------------------------------------------------------------------------


def release_icbs(user) -> QuerySet:
    """The ICBs whose free text `user` may release."""
    return rules.organisations_where(user, *RELEASERS)


def can_release(user, *, icb) -> bool:
    return rules.has_any_role(user, *RELEASERS, organisation=icb)


def _live_signoffs(case_ids_query) -> dict[int, dict]:
    from leder.governance.models import SignOff

    found: dict[int, dict] = defaultdict(dict)
    for signoff in SignOff.objects.filter(
        review__case__in=case_ids_query, reopened_at__isnull=True
    ).select_related("review"):
        found[signoff.review.case_id][signoff.review.kind] = signoff
    return found


@dataclass
class Item:
    case: object
    field: str
    text: str
    sha256: str
    signoff: object
    release: FreeTextRelease | None = None
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def is_released(self) -> bool:
        return bool(self.release and self.release.is_released)


def _completed_cases(icbs) -> QuerySet:
    from leder.casework.models import Case, CaseState

    return Case.objects.filter(
        notification__icb__in=icbs, state=CaseState.COMPLETED
    ).select_related("notification__icb")


def release_items_for(user) -> list[Item]:
    """Every free-text item of the completed cases of the ICBs `user` releases for, with its
    release (if any) for the text as it stands: waiting ones first, then by case."""
    cases = {c.pk: c for c in _completed_cases(release_icbs(user))}
    if not cases:
        return []
    signoffs = _live_signoffs(list(cases))
    releases = {
        (r.case_id, r.field, r.text_sha256): r
        for r in FreeTextRelease.objects.filter(case_id__in=list(cases)).select_related(
            "released_by"
        )
    }
    items = []
    for case_id, kinds in signoffs.items():
        for column, text in free_texts(kinds).items():
            digest = text_sha256(text)
            items.append(
                Item(
                    case=cases[case_id],
                    field=column,
                    text=text,
                    sha256=digest,
                    signoff=completing_signoff(kinds),
                    release=releases.get((case_id, column, digest)),
                )
            )
    order = {name: i for i, name in enumerate(spec.FREE_TEXT_FIELDS)}
    return sorted(
        items, key=lambda i: (i.is_released, i.case.notification.reference, order.get(i.field, 9))
    )


def release_item_for(*, user, case_id: int, field_name: str) -> Item:
    """One item, for a releaser of its ICB; a 404 otherwise (and when the case is not
    completed with a live sign-off, or the field has no text)."""
    if field_name not in spec.FREE_TEXT_FIELDS:
        raise Http404("No such free-text field")
    case = _completed_cases(release_icbs(user)).filter(pk=case_id).first()
    if case is None:
        raise Http404("No free text of this case is waiting for you")
    kinds = _live_signoffs([case.pk]).get(case.pk, {})
    text = free_texts(kinds).get(field_name)
    if not text:
        raise Http404("This review has no text in this field")
    digest = text_sha256(text)
    release = FreeTextRelease.objects.filter(
        case=case, field=field_name, text_sha256=digest
    ).first()
    return Item(case, field_name, text, digest, completing_signoff(kinds), release)


def identifiers_of(case):
    from leder.exports.redaction import identifiers_for_case

    return identifiers_for_case(case)


# --- For the dataset builder ---------------------------------------------------------------------


def released_texts(case_ids: list[int]) -> dict[tuple[int, str, str], FreeTextRelease]:
    """The releases of the given cases' free text, by (case, field, text SHA-256)."""
    return {
        (r.case_id, r.field, r.text_sha256): r
        for r in FreeTextRelease.objects.filter(case_id__in=case_ids, released_at__isnull=False)
    }


def case_of(notification):
    try:
        return notification.case
    except ObjectDoesNotExist:
        return None
