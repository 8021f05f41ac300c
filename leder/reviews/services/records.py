"""Writes for the review record: starting a review, saving a section, recording a version, and
submission. Every save checks that the actor may edit the review now, and writes a version (with
what changed) and an audit row in the same transaction."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from leder.casework.models import Case, CaseState
from leder.casework.services.lifecycle import case_transition
from leder.core import audit
from leder.core.changes import save_stamped
from leder.core.models import AuditAction
from leder.core.time import now
from leder.reviews import diffs, sections
from leder.reviews.models import Review, ReviewKind, ReviewSection, ReviewVersion
from leder.reviews.oversight import oversight

# The case state in which each kind of review is written.
EDITABLE_IN = {
    ReviewKind.INITIAL: CaseState.INITIAL_REVIEW,
    ReviewKind.FOCUSED: CaseState.FOCUSED_REVIEW,
}


def edit_refusal(*, user, review: Review) -> str | None:
    """Why `user` may not change `review` now, or None. Only the reviewer the case is allocated
    to, and only while the case is at this review's stage (so not after submission, until QA or
    the panel returns it)."""
    case = review.case
    if not case.is_reviewer(user):
        return "Only the reviewer the case is allocated to can change the review."
    if review.pk and oversight().is_locked(review):
        return (
            "This review has been signed off and is locked. To change it, the local area contact "
            "or the panel chair must reopen it with a reason."
        )
    if case.state != EDITABLE_IN[review.kind]:
        return (
            "The review has been submitted. You can change it again if it is returned to you."
            if review.submitted_at
            else "The review cannot be changed at this stage."
        )
    return None


def check_can_edit(*, actor, review: Review) -> None:
    """`PermissionDenied`, saying why, unless `actor` may edit `review` now (`edit_refusal`):
    every write to a review's content asks this first."""
    refusal = edit_refusal(user=actor, review=review)
    if refusal:
        raise PermissionDenied(refusal)


def review_start(*, actor, case: Case, kind: str = ReviewKind.INITIAL) -> Review:
    """The case's review of `kind`, started if there is none. Only the allocated reviewer, at
    that stage. Idempotent."""
    existing = Review.objects.filter(case=case, kind=kind).first()
    if existing:
        return existing
    draft = Review(case=case, kind=kind)
    check_can_edit(actor=actor, review=draft)
    from leder.reviews import questions  # the question set in force when the review starts

    with transaction.atomic():
        review = Review.objects.create(
            case=case,
            kind=kind,
            question_set_version=questions.current_version(),
            started_at=now(),
            started_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=review,
            summary=f"{review.get_kind_display()} of {case.reference} started",
        )
    return review


def review_snapshot(review: Review) -> dict:
    """The whole review as JSON-ready data, section by section."""
    return {s.key: s.snapshot(review) for s in sections.sections_for(review.kind)}


def review_version_record(
    *, actor, review: Review, section_key: str, summary: str
) -> ReviewVersion:
    """Record the review as it now stands as a new version, with what changed since the last.
    Call inside the transaction of the change it records."""
    locked = (
        # Lock the review row only (PostgreSQL refuses FOR UPDATE across the outer joins); the
        # sections are fetched once for the snapshot, the case for the audit summary.
        Review.objects.select_for_update(of=("self",))
        .select_related("case__notification")
        .prefetch_related("sections")
        .get(pk=review.pk)
    )
    previous = locked.versions.order_by("-number").first()
    snapshot = review_snapshot(locked)
    changes = diffs.changes_between(previous.snapshot if previous else {}, snapshot)
    number = locked.current_version + 1
    version = ReviewVersion.objects.create(
        review=locked,
        number=number,
        saved_at=now(),
        saved_by=actor,
        section_key=section_key,
        summary=summary[:300],
        snapshot=snapshot,
        changes=[c.as_dict() for c in changes],
    )
    Review.objects.filter(pk=locked.pk).update(current_version=F("current_version") + 1)
    review.current_version = number
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        summary=f"{locked} v{number}: {summary}"[:300],
        details={
            "section": section_key,
            "version": number,
            "changed": [c.path for c in changes][:50],
        },
    )
    return version


def review_change_record(
    *, actor, review: Review, section_key: str, action, obj, audited: str, version: str
) -> ReviewVersion:
    """A change to one of the review's own rows (a piece of learning, a timeline event): the
    row's audit row (`audited`), then the review's new version (`version` says what changed).
    Call inside the change's transaction."""
    audit.record(actor=actor, action=action, obj=obj, summary=audited)
    return review_version_record(
        actor=actor, review=review, section_key=section_key, summary=version
    )


def locked_section(review: Review, key: str) -> ReviewSection:
    """The review's row for section `key`, locked for update; a new, unsaved one (no answers)
    where there is none yet."""
    row = ReviewSection.objects.select_for_update().filter(review=review, key=key).first()
    return row or ReviewSection(review=review, key=key, data={})


def review_section_save(
    *, actor, review: Review, key: str, data: dict, complete: bool
) -> ReviewSection:
    """Save a simple section's answers (already validated by its form) and whether the reviewer
    marks it complete. Writes a version and an audit row. A save that changes nothing writes
    nothing."""
    section = sections.get(key)
    if section.form_class is None:
        raise ValueError(f"{key} is not a simple section")
    check_can_edit(actor=actor, review=review)
    with transaction.atomic():
        row = locked_section(review, key)
        if not save_stamped(row, {"data": data, "is_complete": complete}, actor=actor):
            return row
        review_version_record(
            actor=actor,
            review=review,
            section_key=key,
            summary=f"{section.title} saved" + (" and marked complete" if complete else ""),
        )
    return row


def review_missing(review: Review) -> dict[str, list[str]]:
    """What is still missing, section by section (only sections with something missing)."""
    out = {}
    for section in sections.sections_for(review.kind):
        problems = section.missing(review)
        if problems:
            out[section.title] = problems
    return out


@dataclass(frozen=True)
class NextStep:
    transition: str
    label: str


def review_next_step(review: Review) -> NextStep:
    """Where a submitted review goes: an initial review to quality assurance, or on to a focused
    review when the focused-review decision says one is needed; a focused review to the panel."""
    if review.kind == ReviewKind.FOCUSED:
        return NextStep("submit_to_panel", "the governance panel")
    decide = getattr(sections, "focused_review_needed", None)
    if decide is not None and decide(review):
        return NextStep("start_focused_review", "a focused review")
    return NextStep("submit_for_qa", "quality assurance")


def review_submit(*, actor, review: Review) -> NextStep:
    """Submit the review. Refused, listing exactly what is missing section by section, unless
    every section is complete. Moves the case on (QA, focused review or panel) in the same
    transaction; after this the reviewer cannot edit until the review is returned."""
    check_can_edit(actor=actor, review=review)
    missing = review_missing(review)
    if missing:
        raise ValidationError(
            [f"{title}: {problem}" for title, problems in missing.items() for problem in problems]
        )
    step = review_next_step(review)
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(submitted_at=now())
        review.refresh_from_db()
        review_version_record(
            actor=actor,
            review=review,
            section_key="submission",
            summary=f"Submitted to {step.label}",
        )
        case_transition(actor=actor, case=review.case, transition=step.transition)
        if step.transition == "submit_for_qa":
            oversight().review_submitted_for_qa(review)
    return step
