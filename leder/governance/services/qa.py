"""Quality assurance of initial reviews: rounds, the checklist, comments and the decision.

Each submission of an initial review to QA opens a `QARound` (`qa_round_open`, called by
`reviews.services.records.review_submit` in its transaction). A senior reviewer of the case's ICB
who did not write the review answers the checklist, attaches comments to sections, then approves
(the review is signed off and locked, the case completed) or returns it (the case goes back to
the initial review for the reviewer, who responds to the comments, amends and resubmits, which
opens the next round). Rounds, answers and comments are never deleted: they are the history.

Every service checks the actor's right itself, with a message in plain words (the lifecycle
guards the transitions too), validates, and writes its audit row in one transaction.

The checklist definition is maintained by administrators in the Django admin through
`qa_checklist_version_save` and `qa_checklist_item_save/delete`: a version that rounds were
assessed with is frozen (only whether it is active may change), so an answer always means what
it meant when it was given.
"""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import CaseState
from leder.casework.services.lifecycle import case_transition
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.presenters import count
from leder.core.time import now, today
from leder.governance.models import (
    QAChecklist,
    QAChecklistItem,
    QAComment,
    QAOutcome,
    QARound,
    SignOffRoute,
)
from leder.governance.services.admin_audit import record_saved
from leder.governance.services.signoff import review_lock
from leder.reviews import sections
from leder.reviews.models import Review, ReviewKind

APPROVE_SERVICE = "governance.services.qa.qa_approve"
RETURN_SERVICE = "governance.services.qa.qa_return"

YES, NO, NOT_APPLICABLE = "yes", "no", "not_applicable"
MET_CHOICES = [(YES, "Yes"), (NO, "No"), (NOT_APPLICABLE, "Not applicable")]
NOTE_MAX = 1000
COMMENT_MAX = 3000
SUMMARY_MAX = 3000

NOT_SENIOR = "Only a senior reviewer of this ICB can quality-assure its reviews."
NOT_AWAITING = "This review is not awaiting quality assurance."


# --- who may ----------------------------------------------------------------------------------


def qa_refusal(*, user, review: Review) -> str | None:
    """Why `user` may not quality-assure `review` at all (their role, or because they wrote it),
    or None. Whether the review is awaiting QA now is a separate question (`pending_round`)."""
    case = review.case
    if not rules.has_role(user, Role.SENIOR_REVIEWER, organisation=case.notification.icb):
        return NOT_SENIOR
    # The lifecycle's own guard, so the rule "nobody QAs a review they wrote" lives in one place.
    return TRANSITIONS["qa_approve"].guard(case, user)


def _check_may_assess(*, actor, review: Review) -> None:
    refusal = qa_refusal(user=actor, review=review)
    if refusal:
        raise PermissionDenied(refusal)


def pending_round(review: Review, *, lock: bool = False) -> QARound | None:
    """The round awaiting a decision, if the case is in quality assurance."""
    # The case's state is read from the database: the caller's copy may be stale.
    rounds = QARound.objects.filter(
        review=review,
        outcome=QAOutcome.PENDING,
        review__case__state=CaseState.QUALITY_ASSURANCE,
    )
    if lock:
        rounds = rounds.select_for_update(of=("self",))
    return rounds.select_related("checklist").first()


def _open_round(*, actor, review: Review, round: QARound, lock: bool = False) -> QARound:
    """`round`, re-read, if it is the review's round awaiting a decision; else a clear refusal."""
    _check_may_assess(actor=actor, review=review)
    current = pending_round(review, lock=lock)
    if current is None or current.pk != round.pk:
        raise ValidationError(NOT_AWAITING)
    return current


def _audit_round(
    *, actor, action, review: Review, round: QARound, summary: str, obj=None, **details
) -> None:
    """The audit row of a step in a QA round, naming the case and the round (then `details`)."""
    audit.record(
        actor=actor,
        action=action,
        obj=round if obj is None else obj,
        summary=summary,
        details={"case": review.case.reference, "round": round.number, **details},
    )


# --- the checklist ----------------------------------------------------------------------------


def checklist_in_force(on=None) -> QAChecklist | None:
    """The active checklist with the latest start date on or before `on` (today)."""
    on = on or today()
    return (
        QAChecklist.objects.filter(active=True, effective_from__lte=on)
        .order_by("-effective_from", "-pk")
        .first()
    )


def _clean_answers(checklist: QAChecklist, answers: dict) -> dict:
    """`answers` ({item key: {"met": …, "note": …}}) checked against the checklist's items:
    unknown items and answers are refused; blanks are dropped; notes are trimmed."""
    items = list(checklist.items.order_by("order"))
    known = {item.key for item in items}
    if not isinstance(answers, dict):
        raise ValidationError("The checklist answers could not be read.")
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError(f"These are not items of the checklist: {', '.join(unknown)}.")
    errors, cleaned = [], {}
    for item in items:
        given = answers.get(item.key) or {}
        met = (given.get("met") or "").strip()
        note = (given.get("note") or "").strip()
        if met and met not in dict(MET_CHOICES):
            errors.append(f"Choose yes, no or not applicable for “{item.text}”.")
        if len(note) > NOTE_MAX:
            errors.append(f"The note on “{item.text}” must be {NOTE_MAX} characters or fewer.")
        if met or note:
            cleaned[item.key] = {"met": met, "note": note}
    if errors:
        raise ValidationError(errors)
    return cleaned


def unanswered_items(round: QARound) -> list[QAChecklistItem]:
    return [
        item
        for item in round.checklist.items.order_by("order")
        if (round.answers.get(item.key) or {}).get("met") not in dict(MET_CHOICES)
    ]


def unmet_items(round: QARound) -> list[QAChecklistItem]:
    return [
        item
        for item in round.checklist.items.order_by("order")
        if (round.answers.get(item.key) or {}).get("met") == NO
    ]


# --- rounds -----------------------------------------------------------------------------------


def qa_round_open(*, review: Review, actor=None) -> QARound:
    """Open the next QA round for `review`, just submitted to quality assurance: the next number,
    the version submitted, the checklist in force. Called by `review_submit` inside its
    transaction. Idempotent: if a round is awaiting a decision already, that round is returned.
    The audit names the submitter (`actor`, else whoever saved the submitted version)."""
    if review.kind != ReviewKind.INITIAL:
        raise ValidationError("Only an initial review goes to quality assurance.")
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        existing = QARound.objects.filter(review=locked, outcome=QAOutcome.PENDING).first()
        if existing is not None:
            return existing
        checklist = checklist_in_force()
        if checklist is None:
            raise ValidationError(
                "There is no quality assurance checklist in force. Ask an administrator to "
                "make one active."
            )
        last = QARound.objects.filter(review=locked).aggregate(n=Max("number"))["n"] or 0
        round = QARound.objects.create(
            review=locked,
            number=last + 1,
            submitted_version=locked.current_version,
            submitted_at=locked.submitted_at or now(),
            checklist=checklist,
        )
        if actor is None:
            version = locked.versions.order_by("-number").select_related("saved_by").first()
            actor = version.saved_by if version else "system:qa"
        _audit_round(
            actor=actor,
            action=AuditAction.CREATE,
            review=locked,
            round=round,
            summary=f"QA round {round.number} opened for {locked.case.reference}",
            version=round.submitted_version,
            checklist=checklist.version,
        )
    return round


def qa_checklist_save(*, actor, round: QARound, answers: dict) -> QARound:
    """Save the assessor's answers to the checklist (a draft: not every item need be answered
    until the review is approved). Only a senior reviewer of the ICB who did not write the
    review, while the round awaits a decision. A save that changes nothing writes nothing."""
    review = round.review
    with transaction.atomic():
        current = _open_round(actor=actor, review=review, round=round, lock=True)
        cleaned = _clean_answers(current.checklist, answers)
        if cleaned == current.answers:
            return current
        current.answers = cleaned
        current.assessor = actor
        current.save(update_fields=["answers", "assessor"])
        _audit_round(
            actor=actor,
            action=AuditAction.UPDATE,
            review=review,
            round=current,
            summary=f"QA checklist saved for round {current.number} of {review.case.reference}",
            answers={key: value["met"] for key, value in cleaned.items()},
        )
    round.answers, round.assessor = current.answers, current.assessor
    return current


def _section_keys(review: Review) -> set[str]:
    return {s.key for s in sections.sections_for(review.kind)}


def qa_comment_add(*, actor, round: QARound, section_key: str, text: str) -> QAComment:
    """Attach a comment to a section of the review (or to the whole review when `section_key`
    is empty), for the reviewer to act on if the review is returned."""
    review = round.review
    text = (text or "").strip()
    section_key = (section_key or "").strip()
    with transaction.atomic():
        current = _open_round(actor=actor, review=review, round=round, lock=True)
        errors = {}
        if section_key and section_key not in _section_keys(review):
            errors["section_key"] = "Choose a section of this review."
        if not text:
            errors["text"] = "Enter your comment."
        elif len(text) > COMMENT_MAX:
            errors["text"] = f"The comment must be {COMMENT_MAX} characters or fewer."
        if errors:
            raise ValidationError(errors)
        comment = QAComment.objects.create(
            round=current, section_key=section_key, text=text, created_at=now(), created_by=actor
        )
        _audit_round(
            actor=actor,
            action=AuditAction.CREATE,
            review=review,
            round=current,
            obj=comment,
            summary=f"QA comment added to round {current.number} of {review.case.reference}",
            section=section_key,
        )
    return comment


def qa_comment_remove(*, actor, comment: QAComment) -> None:
    """Remove a comment from the round awaiting a decision (before the decision, a comment is a
    draft; after it, part of the history, and kept)."""
    review = comment.round.review
    with transaction.atomic():
        current = _open_round(actor=actor, review=review, round=comment.round, lock=True)
        deleted, _ = QAComment.objects.filter(pk=comment.pk, round=current).delete()
        if not deleted:
            raise ValidationError("That comment has already been removed.")
        _audit_round(
            actor=actor,
            action=AuditAction.DELETE,
            review=review,
            round=current,
            summary=f"QA comment removed from round {current.number} of {review.case.reference}",
            comment=comment.pk,
            section=comment.section_key,
        )


def qa_assessment_save(
    *,
    actor,
    round: QARound,
    answers: dict,
    comments: dict[str, str],
    remove: list[QAComment] = (),
) -> QARound:
    """Save everything the QA page holds, in one transaction: the checklist's answers, each new
    comment (`comments`: section key, or "" for the review as a whole → text; empty texts are
    skipped) and the removal of the comments in `remove`. All or nothing: a refused comment
    (ValidationError keyed by its section, `comment_<key>`) saves nothing, so the page can show
    every answer and comment again with the error, and no work is ever silently dropped.
    Each part writes its own audit row, as when saved on its own."""
    with transaction.atomic():
        current = qa_checklist_save(actor=actor, round=round, answers=answers)
        errors = {}
        for section_key, text in comments.items():
            if not (text or "").strip():
                continue
            try:
                qa_comment_add(actor=actor, round=current, section_key=section_key, text=text)
            except ValidationError as error:
                messages = [m for ms in error.message_dict.values() for m in ms]
                errors[comment_field_name(section_key)] = messages
        for comment in remove:
            # Already removed (from another tab): what was asked for is so.
            with contextlib.suppress(ValidationError):
                qa_comment_remove(actor=actor, comment=comment)
        if errors:
            raise ValidationError(errors)
    return current


def comment_field_name(section_key: str) -> str:
    """The QA page's field for a new comment on `section_key` ("" is the review as a whole)."""
    return f"comment_{section_key or 'overall'}"


# --- the decision -----------------------------------------------------------------------------


def _decide(
    *,
    actor,
    review: Review,
    round: QARound,
    outcome: str,
    summary: str,
    transition: str,
    reason: str,
    service: str,
    **details,
) -> None:
    """Record the round's decision, move the case on (`transition`) and audit the decision."""
    round.outcome, round.assessor, round.summary, round.decided_at = (
        outcome,
        actor,
        summary,
        now(),
    )
    round.save(update_fields=["outcome", "assessor", "summary", "decided_at"])
    case_transition(
        actor=actor,
        case=review.case,
        transition=transition,
        reason=reason,
        details={"qa_round": round.number},
        service=service,
    )
    _audit_round(
        actor=actor,
        action=AuditAction.UPDATE,
        review=review,
        round=round,
        summary=f"QA round {round.number} of {review.case.reference}: {outcome}",
        outcome=outcome,
        **details,
    )


def _clean_summary(summary: str) -> str:
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(
            {"summary": f"The overall comments must be {SUMMARY_MAX} characters or fewer."}
        )
    return summary


def qa_approve(*, actor, review: Review, summary: str = "") -> QARound:
    """Approve the review: every checklist item must be answered, and none answered "No" (a
    review that fails a check is returned, not approved). In one transaction the review is
    signed off and locked at the version submitted (`review_lock`), the case is completed
    (`case_transition`), and the round is marked approved."""
    summary = _clean_summary(summary)
    _check_may_assess(actor=actor, review=review)
    with transaction.atomic():
        round = pending_round(review, lock=True)
        if round is None:
            raise ValidationError(NOT_AWAITING)
        missing = unanswered_items(round)
        if missing:
            raise ValidationError(
                f"Answer every item of the checklist before approving: "
                f"{count(len(missing), 'item')} not answered."
            )
        unmet = unmet_items(round)
        if unmet:
            raise ValidationError(
                "You answered “No” to "
                + "; ".join(f"“{item.text}”" for item in unmet)
                + ". Return the review with comments, or change your answer."
            )
        review.refresh_from_db(fields=["current_version"])
        if review.current_version != round.submitted_version:
            raise ValidationError("The review has changed since it was submitted.")
        signoff = review_lock(
            actor=actor, review=review, route=SignOffRoute.QA_APPROVAL, qa_round=round
        )
        _decide(
            actor=actor,
            review=review,
            round=round,
            outcome=QAOutcome.APPROVED,
            summary=summary,
            transition="qa_approve",
            reason=summary,
            service=APPROVE_SERVICE,
            version=round.submitted_version,
            signoff=signoff.pk,
            content_sha256=signoff.content_hash,
        )
    return round


def qa_return(*, actor, review: Review, summary: str) -> QARound:
    """Return the review to its reviewer for amendment. Needs at least one comment on the round
    or overall comments (the reviewer must be told what to change). The case goes back to the
    initial review, where the reviewer can edit again; the round is marked returned."""
    summary = _clean_summary(summary)
    _check_may_assess(actor=actor, review=review)
    with transaction.atomic():
        round = pending_round(review, lock=True)
        if round is None:
            raise ValidationError(NOT_AWAITING)
        comments = round.comments.count()
        if not comments and not summary:
            raise ValidationError(
                {
                    "summary": "Add a comment on a section, or write overall comments, to tell "
                    "the reviewer what to change."
                }
            )
        _decide(
            actor=actor,
            review=review,
            round=round,
            outcome=QAOutcome.RETURNED,
            summary=summary,
            transition="qa_return",
            reason=summary or f"Returned with {count(comments, 'comment')}",
            service=RETURN_SERVICE,
            comments=comments,
        )
    return round


# --- the reviewer's responses -----------------------------------------------------------------


def latest_round(review: Review) -> QARound | None:
    return QARound.objects.filter(review=review).order_by("-number").first()


def respond_refusal(*, user, comment: QAComment) -> str | None:
    """Why `user` may not respond to `comment` now, or None: only the case's reviewer, to the
    comments of the latest round when it was returned and the review is back with them."""
    review = comment.round.review
    case = review.case
    if not case.is_reviewer(user):
        return "Only the reviewer the case is allocated to can respond to quality assurance."
    latest = latest_round(review)
    if (
        latest is None
        or latest.pk != comment.round_id
        or latest.outcome != QAOutcome.RETURNED
        or case.state != CaseState.INITIAL_REVIEW
    ):
        return "You can respond only to the comments of a review returned to you."
    return None


def qa_comment_respond(*, actor, comment: QAComment, response: str) -> QAComment:
    """The reviewer's reply to a QA comment while amending a returned review (what they changed,
    or why they did not). It can be changed until the review is resubmitted."""
    review = comment.round.review
    case = review.case
    if not case.is_reviewer(actor):
        raise PermissionDenied(
            "Only the reviewer the case is allocated to can respond to quality assurance."
        )
    response = (response or "").strip()
    with transaction.atomic():
        locked = QAComment.objects.select_for_update().select_related("round").get(pk=comment.pk)
        refusal = respond_refusal(user=actor, comment=locked)
        if refusal:
            raise ValidationError(refusal)
        if not response:
            raise ValidationError({"response": "Enter your response to the comment."})
        if len(response) > COMMENT_MAX:
            raise ValidationError(
                {"response": f"The response must be {COMMENT_MAX} characters or fewer."}
            )
        if locked.response == response:
            return locked
        locked.response, locked.responded_at = response, now()
        locked.save(update_fields=["response", "responded_at"])
        _audit_round(
            actor=actor,
            action=AuditAction.UPDATE,
            review=review,
            round=locked.round,
            obj=locked,
            summary=f"Response to a QA comment on {case.reference}",
            section=locked.section_key,
        )
    comment.response, comment.responded_at = locked.response, locked.responded_at
    return locked


# --- the checklist definition (administrators, from the admin) ---------------------------------

CHECKLIST_FIELDS = ("version", "title", "effective_from", "active")
ITEM_FIELDS = ("order", "key", "text", "hint", "section_key")


def _check_administrator(actor) -> None:
    if not rules.can_manage_organisations(actor):
        raise PermissionDenied("Only administrators maintain the quality assurance checklist.")


def checklist_in_use(checklist: QAChecklist) -> bool:
    return checklist.pk is not None and QARound.objects.filter(checklist=checklist).exists()


def qa_checklist_version_save(*, actor, checklist: QAChecklist) -> QAChecklist:
    """Create or change a checklist version, audited with what changed. A version that rounds
    were assessed with may only be made active or inactive: make a new version instead."""
    _check_administrator(actor)
    with transaction.atomic():
        before = (
            QAChecklist.objects.filter(pk=checklist.pk).values(*CHECKLIST_FIELDS).first()
            if checklist.pk
            else None
        )
        after = {name: getattr(checklist, name) for name in CHECKLIST_FIELDS}
        if before is not None and checklist_in_use(checklist):
            frozen = [n for n in CHECKLIST_FIELDS if n != "active" and before[n] != after[n]]
            if frozen:
                raise ValidationError(
                    "This checklist version has been used in quality assurance, so only whether "
                    "it is active can change. Make a new version instead."
                )
        checklist.save()
        record_saved(
            actor=actor,
            obj=checklist,
            before=_plain(before) if before is not None else None,
            after=_plain(after),
            added=f"QA checklist version {checklist.version} added",
            changed=f"QA checklist version {checklist.version} changed",
        )
    return checklist


def _plain(values: dict) -> dict:
    return {name: str(value) for name, value in values.items()}


def _check_item_editable(item: QAChecklistItem) -> None:
    if checklist_in_use(item.checklist):
        raise ValidationError(
            "This checklist version has been used in quality assurance, so its items cannot "
            "change. Make a new version instead."
        )


def qa_checklist_item_save(*, actor, item: QAChecklistItem) -> QAChecklistItem:
    """Add or change an item of a checklist version not yet used, audited."""
    _check_administrator(actor)
    with transaction.atomic():
        _check_item_editable(item)
        before = (
            QAChecklistItem.objects.filter(pk=item.pk).values(*ITEM_FIELDS).first()
            if item.pk
            else None
        )
        item.save()
        record_saved(
            actor=actor,
            obj=item,
            before=before,
            after={name: getattr(item, name) for name in ITEM_FIELDS},
            added=f"QA checklist {item.checklist.version}: item {item.key} added",
            changed=f"QA checklist {item.checklist.version}: item {item.key} changed",
        )
    return item


def qa_checklist_item_delete(*, actor, item: QAChecklistItem) -> None:
    """Remove an item from a checklist version not yet used, audited."""
    _check_administrator(actor)
    with transaction.atomic():
        _check_item_editable(item)
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=item,
            summary=f"QA checklist {item.checklist.version}: item {item.key} removed",
            details={"values": {name: getattr(item, name) for name in ITEM_FIELDS}},
        )
        item.delete()
