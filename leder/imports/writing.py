"""Writing a checked file's ready rows at bulk speed (issue 17 item 2, ADR 0155).

The rows become exactly what the services write one at a time (a notification with its source
and eligibility decision; a case in the row's state with the case events of the lifecycle steps
that lead there; an allocation, a hold, an initial review with its sections, learning, version
and, for a completed review, the sign-off that locks it), but a table at a time: everything is
loaded once, references are taken from the year's counter in one block, rows are inserted with
`bulk_create`, and the audit rows are written together (`audit.record_many`), still chained.
The number of queries depends on the number of tables and years, not on the number of rows.

What is kept from the services, and why the rows are not written through them: the services
take a lock and write an audit row per call (about 80 queries a row); here the caller
(`services.import_batch_commit`) holds the transaction, has re-checked every row against the
database inside it, and has checked the LAC's right to import for the ICB, which is what the
services would check row by row (triage, allocation and hold are the LAC's steps).

The dates are the file's: received (09:00 Europe/London), allocated and put on hold (10:00),
submitted and completed (17:00). A completed review's sign-off is stamped with its completion
date, so every figure, the analytics extract and the national dataset count it when it was
completed, not when it was imported.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from leder.casework.bulk_writes import NewCase, cases_insert
from leder.casework.models import (
    Case,
    CaseState,
    Reviewer,
)
from leder.core import audit, bulk
from leder.core.models import AuditAction
from leder.core.time import now
from leder.imports import validation
from leder.imports.models import ImportBatch, ImportedReview
from leder.notifications import eligibility
from leder.notifications.bulk_writes import notifications_insert
from leder.notifications.models import (
    Channel,
    EligibilityRules,
    Notification,
)
from leder.notifications.services import references_allocate
from leder.organisations.areas import AreaSource

NOT_ELIGIBLE = CaseState.NOT_ELIGIBLE
AWAITING = CaseState.AWAITING_ALLOCATION


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@dataclass
class _Work:
    result: validation.RowResult
    plan: validation.RowPlan
    notification: Notification | None = None
    # The row's case, when it has one: made and inserted by `casework.bulk_writes`, which
    # only ever makes new cases (`new.case`, `new.allocation`).
    new: NewCase | None = None
    reviewer: Reviewer | None = None
    review: object = None
    sections: dict = field(default_factory=dict)
    items: list = field(default_factory=list)  # (LearningItem, [LearningTheme])
    snapshot: dict | None = None
    signoff: object = None
    steps: list = field(default_factory=list)

    @property
    def case(self) -> Case | None:
        return self.new.case if self.new is not None else None

    @property
    def allocation(self):
        return self.new.allocation if self.new is not None else None


class _Loaded:
    """What the writing needs, read once."""

    def __init__(self, work: list[_Work]):
        from leder.reviews.models import GradingScale, LearningTheme

        self.rules = list(EligibilityRules.objects.order_by("effective_from"))
        ids = {w.plan.reviewer_id for w in work if w.plan.reviewer_id}
        self.reviewers = (
            {r.pk: r for r in Reviewer.objects.filter(pk__in=ids).select_related("user")}
            if ids
            else {}
        )
        names = {
            name
            for w in work
            if w.plan.review
            for name in (
                *w.plan.review.themes,
                *(t for item in w.plan.review.learning for t in item.themes),
            )
        }
        self.themes = (
            {t.name: t for t in LearningTheme.objects.filter(name__in=names)} if names else {}
        )
        self.titles = {
            (scale.version, level.level): level.title
            for scale in GradingScale.objects.prefetch_related("levels")
            for level in scale.levels.all()
        }

    def rules_for(self, day: date):
        in_force = [r for r in self.rules if r.effective_from <= day]
        return in_force[-1] if in_force else self.rules[0]


def write_rows(*, actor, batch: ImportBatch, results, progress=None) -> list[Notification]:
    """Write every ready row of `results` (already re-checked in this transaction). Returns the
    new notifications in row order. `progress(done, total)` is called after each step."""
    work = [
        _Work(result=r, plan=r.plan)
        for r in results
        if r.outcome == validation.RowOutcome.READY and r.plan is not None
    ]
    if not work:
        return []
    loaded = _Loaded(work)
    steps = 5
    _notifications(actor, batch, work, loaded)
    _tick(progress, 1, steps)
    _cases(actor, batch, work, loaded)
    _tick(progress, 2, steps)
    _reviews(actor, batch, work, loaded)
    _tick(progress, 3, steps)
    _audit(actor, batch, work)
    _tick(progress, 4, steps)
    return [w.notification for w in work]


def _tick(progress, step, steps):
    if progress is not None:
        progress(step, steps)


# --- notifications ---------------------------------------------------------------------------


def _notifications(actor, batch, work: list[_Work], loaded: _Loaded) -> None:
    icb = batch.icb
    by_year: dict[int, list[_Work]] = {}
    for w in work:
        by_year.setdefault(timezone.localtime(w.plan.received_at).year, []).append(w)
    references = {}
    for year, rows in sorted(by_year.items()):
        for w, reference in zip(rows, references_allocate(year, len(rows)), strict=True):
            references[id(w)] = reference
    rules_of = []
    for w in work:
        person = w.plan.person
        rules = loaded.rules_for(person.date_of_death)
        assessment = eligibility.assess(eligibility.Facts.of(person), rules)
        w.notification = Notification(
            reference=references[id(w)],
            submission_key=w.plan.submission_key,
            received_at=w.plan.received_at,
            channel=Channel.IMPORT,
            eligibility_outcome=assessment.outcome,
            eligibility_reason=assessment.reason,
            region_id=icb.region_id,
            area_source=AreaSource.CHOSEN,
            area_explanation="",
            **{**vars(person), "icb_id": icb.pk},
        )
        rules_of.append(rules)
    notifications_insert(
        [w.notification for w in work],
        sources=[{"recorded_by": actor, **vars(w.plan.notifier)} for w in work],
        rules=rules_of,
    )


# --- cases -----------------------------------------------------------------------------------


def _steps(w: _Work, batch) -> list[tuple[str, str, str, datetime, str]]:
    """The lifecycle steps that lead to the row's state: (transition, from, to, at, reason)."""
    plan = w.plan
    state = plan.state
    received = plan.received_at
    if state is None:
        return []
    if state == NOT_ELIGIBLE:
        return [("triage_not_eligible", CaseState.NOTIFIED, state, received, plan.outcome_reason)]
    if state == CaseState.CHILD_DEATH_REVIEW:
        return [("triage_child_death_review", CaseState.NOTIFIED, state, received, "")]
    if state == CaseState.COMPLETED:
        completed = _at(plan.review.completed_on, 17)
        reason = f"Completed review imported (import {batch.pk}, row {w.result.number})"
        return [("import_completed", CaseState.NOTIFIED, state, completed, reason)]
    steps = [("triage_eligible", CaseState.NOTIFIED, AWAITING, received, plan.outcome_reason)]
    allocated = _at(plan.allocated_on, 10) if plan.allocated_on else None
    if allocated is not None:
        steps.append(("allocate", AWAITING, CaseState.ALLOCATED, allocated, ""))
        if state != CaseState.ALLOCATED:
            steps.append(("accept", CaseState.ALLOCATED, CaseState.INITIAL_REVIEW, allocated, ""))
    if state == CaseState.ON_HOLD:
        held_from = steps[-1][2]
        hold = plan.hold
        steps.append(("hold", held_from, state, _at(hold.started_on, 10), hold.reason))
    return steps


def _steps_taken_by(actor, hold):
    """Who took each step (the contact who imports, ADR 0155) and what its event adds: a hold's
    event says what the hold page puts in it (`lifecycle.hold_fields` reads it)."""

    def of(transition: str) -> tuple[object, dict]:
        if transition == "hold" and hold is not None:
            return actor, {
                "hold_kind": hold.kind,
                "other_organisation": hold.organisation,
                "other_reference": hold.reference,
                "expected_end_on": (
                    hold.expected_end_on.isoformat() if hold.expected_end_on else ""
                ),
            }
        return actor, {}

    return of


def _cases(actor, batch, work: list[_Work], loaded: _Loaded) -> None:
    opened = [w for w in work if w.plan.state is not None or w.plan.needs_review]
    at = now()
    for w in opened:
        plan = w.plan
        steps = _steps(w, batch)
        w.steps = steps
        w.reviewer = loaded.reviewers.get(plan.reviewer_id) if plan.reviewer_id else None
        allocated = _at(plan.allocated_on, 10) if w.reviewer is not None else None
        hold = plan.hold
        w.new = NewCase(
            notification=w.notification,
            steps=steps,
            opened_at=plan.received_at,
            actor_of=_steps_taken_by(actor, hold),
            state_changed_at=at,
            held_from_state=steps[-2][2] if plan.state == CaseState.ON_HOLD else "",
            reviewer=w.reviewer,
            allocated_by=actor,
            allocated_at=allocated,
            responded_at=allocated if plan.state != CaseState.ALLOCATED else None,
            hold=(
                {
                    "started_at": _at(hold.started_on, 10),
                    "started_by": actor,
                    "reason": hold.reason,
                    "kind": hold.kind,
                    "other_organisation": hold.organisation,
                    "other_reference": hold.reference,
                    "expected_end_on": hold.expected_end_on,
                }
                if hold is not None
                else None
            ),
            details={"imported": True, "batch": batch.pk, "row": w.result.number},
            involved_organisation_ids=(
                (w.notification.gp_practice_id,) if w.notification.gp_practice_id else ()
            ),
        )
    cases_insert([w.new for w in opened])


# --- reviews ---------------------------------------------------------------------------------


def _pen_portrait(severity: str) -> dict:
    return {
        "who_they_were": "",
        "what_mattered": "",
        "what_people_said": "",
        "ld_severity": severity,
    }


def _cause(plan: validation.RowPlan, made: dict) -> dict:
    """The cause-of-death section's data, made once for each code and place (`made`)."""
    from leder.reference import icd10
    from leder.reviews.services.questions import cause_of_death_record

    key = (plan.cause_code, plan.cause_place)
    if key not in made:
        cause = {"a_text": icd10.title(plan.cause_code), "a_code": plan.cause_code}
        if plan.cause_place:
            cause["place_of_death"] = plan.cause_place
        made[key] = cause_of_death_record(cause)
    return dict(made[key])


def _reviews(actor, batch, work: list[_Work], loaded: _Loaded) -> None:
    from leder.governance.models import SignOff, SignOffRoute
    from leder.governance.services.signoff import content_hash
    from leder.reviews import questions
    from leder.reviews.models import (
        LearningItem,
        LearningKind,
        Review,
        ReviewKind,
        ReviewSection,
        ReviewVersion,
    )
    from leder.reviews.services.questions import CAUSE_KEY

    reviewed = [w for w in work if w.case is not None and w.plan.needs_review]
    if not reviewed:
        return
    at = now()
    for w in reviewed:
        plan, rp = w.plan, w.plan.review
        started_at = _at(plan.allocated_on, 10) if plan.allocated_on else plan.received_at
        started_by = w.reviewer.user if w.reviewer else actor
        submitted = _at(rp.submitted_on or rp.completed_on, 17) if rp else None
        w.review = Review(
            case=w.case,
            kind=ReviewKind.INITIAL,
            question_set_version=(
                rp.question_set_version if rp else questions.current_version(started_at.date())
            ),
            started_at=started_at,
            started_by=started_by,
            submitted_at=submitted,
            current_version=1,
        )
    bulk.insert(Review, [w.review for w in reviewed])
    empty = _empty_snapshot(reviewed[0].review)

    sections, items, causes = [], [], {}
    for w in reviewed:
        plan, rp = w.plan, w.plan.review
        rows: dict[str, tuple[dict, bool]] = {}
        if plan.ld_severity:
            rows["pen_portrait"] = (_pen_portrait(plan.ld_severity), False)
        if plan.cause_code:
            rows[CAUSE_KEY] = (_cause(plan, causes), True)
        if plan.profile:
            rows["profile"] = (plan.profile, True)
        if rp is not None:
            if rp.answers:
                rows["questions"] = (rp.answers, True)
            rows["grading"] = (
                {
                    "level": rp.grading_level,
                    "rationale": rp.summary,
                    "scale_version": rp.grading_scale_version,
                },
                True,
            )
            learning = list(rp.learning)
            if rp.themes:
                learning.insert(
                    0, validation.LearningPlan(LearningKind.IMPROVEMENT, rp.summary, rp.themes)
                )
            reason = "" if learning else "No learning was recorded on the previous platform."
            rows["learning"] = ({"no_learning_reason": reason}, True)
            for entry in learning:
                item = LearningItem(
                    review=w.review,
                    kind=entry.kind,
                    text=entry.text,
                    created_at=at,
                    created_by=actor,
                    updated_at=at,
                )
                w.items.append((item, [loaded.themes[name] for name in entry.themes]))
        w.sections = {key: data for key, (data, _) in rows.items()}
        for key, (data, complete) in rows.items():
            sections.append(
                ReviewSection(
                    review=w.review,
                    key=key,
                    data=data,
                    is_complete=complete,
                    updated_at=at,
                    updated_by=actor,
                )
            )
        items += w.items
    bulk.insert(ReviewSection, sections)
    bulk.insert(LearningItem, [item for item, _ in items])
    through = LearningItem.themes.through
    bulk.insert(
        through,
        [
            through(learningitem_id=item.pk, learningtheme_id=theme.pk)
            for item, themes in items
            for theme in themes
        ],
    )

    versions, imported, unchanged = [], [], {}
    for w in reviewed:
        w.snapshot = _snapshot(empty, w, loaded)
        rp = w.plan.review
        summary = f"Imported from the previous platform (import {batch.pk}, row {w.result.number})"
        if rp is not None:
            summary += f": completed on {rp.completed_on:%d %B %Y}"
        versions.append(
            ReviewVersion(
                review=w.review,
                number=1,
                saved_at=at,
                saved_by=actor,
                section_key="imported",
                summary=summary,
                snapshot=w.snapshot,
                changes=_changes_from_nothing(w.snapshot, empty, unchanged),
            )
        )
        if rp is not None:
            imported.append(
                ImportedReview(
                    review=w.review,
                    batch=batch,
                    row_number=w.result.number,
                    completed_on=rp.completed_on,
                    grading_level=rp.grading_level,
                    grading_scale_version=rp.grading_scale_version,
                    underlying_cause_code=rp.underlying_cause_code,
                    place_of_death=rp.place_of_death,
                    learning_themes=list(rp.themes),
                    summary=rp.summary,
                )
            )
    bulk.insert(ReviewVersion, versions)
    bulk.insert(ImportedReview, imported)
    # Last, once the content is written (the database's lock triggers refuse content added
    # to a signed-off review).
    signoffs = []
    for w in reviewed:
        if w.plan.review is None:
            continue
        w.signoff = SignOff(
            review=w.review,
            version_number=1,
            route=SignOffRoute.IMPORTED,
            signed_off_at=_at(w.plan.review.completed_on, 17),
            signed_off_by=actor,
            snapshot=w.snapshot,
            content_hash=content_hash(w.snapshot),
        )
        signoffs.append(w.signoff)
    bulk.insert(SignOff, signoffs)


def _empty_snapshot(just_inserted) -> dict:
    """Each initial-review section's snapshot with nothing in it, from the sections' own
    `snapshot` on a review this import has just inserted and not yet written to (a few queries,
    once), so a section another part registers is snapshotted as `review_snapshot` does. It
    only reads. The same for every review of the import: every section's snapshot reads only
    rows that belong to the review (its sections, learning, timeline, contacts, records), and
    none of the new reviews has any yet (a test holds each sign-off's hash equal to
    `review_snapshot`'s, which a section reading anything else would break)."""
    from leder.reviews import sections

    return {s.key: s.snapshot(just_inserted) for s in sections.sections_for(just_inserted.kind)}


def _changes_from_nothing(snapshot: dict, empty: dict, unchanged: dict) -> list[dict]:
    """`[c.as_dict() for c in diffs.changes_between({}, snapshot)]`, section by section (which
    is how `changes_between` goes), each section left as it was in `empty` worked out once
    for all the reviews and kept in `unchanged`."""
    from leder.reviews import diffs

    changes = []
    for key in sorted(snapshot):
        value = snapshot[key]
        if key in empty and value is empty[key]:
            if key not in unchanged:
                unchanged[key] = [c.as_dict() for c in diffs.changes_between({}, {key: value})]
            changes += unchanged[key]
        else:
            changes += [c.as_dict() for c in diffs.changes_between({}, {key: value})]
    return changes


def _snapshot(empty: dict, w: _Work, loaded: _Loaded) -> dict:
    """What `review_snapshot` gives for the review as written (a test holds them equal)."""
    snapshot = dict(empty)
    for key, data in w.sections.items():
        if key not in snapshot:
            continue
        value = dict(data)
        if key == "grading":
            title = loaded.titles.get((data["scale_version"], data["level"]))
            level = data["level"]
            value["level"] = f"Grade {level}: {title}" if title else f"Grade {level}"
        snapshot[key] = value
    if "learning" in snapshot:
        learning = {
            f"learning {item.pk}": {
                "kind": item.get_kind_display(),
                "text": item.text,
                "themes": ", ".join(sorted(t.name for t in themes)),
            }
            for item, themes in w.items
        }
        reason = w.sections.get("learning", {}).get("no_learning_reason")
        if reason:
            learning["no_learning_reason"] = reason
        snapshot["learning"] = learning
    return snapshot


# --- audit -----------------------------------------------------------------------------------


def _audit(actor, batch, work: list[_Work]) -> None:
    """The rows the services would write for each imported row, in bulk and chained: the
    notification received, its case opened in its state, the review imported and signed off."""
    entries = []
    for w in work:
        n, plan = w.notification, w.plan
        details = {"imported": True, "batch": batch.pk, "row": w.result.number}
        entries.append(
            audit.Entry(
                AuditAction.CREATE,
                n,
                f"{n.reference} imported (import {batch.pk}, row {w.result.number})",
                {
                    **details,
                    "outcome": plan.outcome,
                    "channel": Channel.IMPORT,
                    "eligibility": n.eligibility_outcome,
                    "received_on": plan.received_at.date().isoformat(),
                },
            )
        )
        if w.case is not None:
            entries.append(
                audit.Entry(
                    AuditAction.CREATE,
                    w.case,
                    f"Case opened for {n.reference}: {w.case.get_state_display()} (imported)",
                    {
                        **details,
                        "state": w.case.state,
                        "steps": [step[0] for step in w.steps],
                        "reviewer": w.reviewer.pk if w.reviewer else None,
                        "hold": plan.hold.kind if plan.hold else None,
                    },
                )
            )
        if w.review is not None:
            rp = plan.review
            summary = f"{w.review} imported"
            extra = {"version": 1}
            if rp is not None:
                summary += f", completed on {rp.completed_on:%d %B %Y}, signed off"
                extra |= {
                    "completed_on": rp.completed_on.isoformat(),
                    "submitted_on": (rp.submitted_on or rp.completed_on).isoformat(),
                    "signoff": w.signoff.pk,
                    # the keyed audit log's copy of the locked content's hash, which
                    # `signoff_verify` checks the sign-off against (ADR 0123)
                    "content_sha256": w.signoff.content_hash,
                    "route": "imported",
                    "cause_recorded": bool(plan.cause_code),
                }
            entries.append(
                audit.Entry(
                    AuditAction.CREATE,
                    w.review,
                    f"{summary} (import {batch.pk}, row {w.result.number})",
                    {**details, **extra, "sections": sorted(w.sections)},
                )
            )
    audit.record_many(actor=actor, entries=entries)
