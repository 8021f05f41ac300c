"""The demo history's reviews: the person's profile and structured answers, sections,
learning, versions, QA rounds, sign-offs and actions, written in bulk in the shape the services
write. See `history`."""

from collections import Counter
from datetime import date, datetime, timedelta
from random import Random
from typing import Protocol

from leder.demo.history_data import (
    ACTION_TITLES,
    BATCH,
    LEARNING_TEXT,
    LONDON,
    QA_SUMMARY,
    RATIONALE,
    WHAT_MATTERED,
    WHO_THEY_WERE,
    _answers,
    _at,
    _Death,
    _name,
    _profile,
    _Staff,
)


class _Run(Protocol):
    """What the reviews read and count of the history being built (`history_cases._Builder`,
    which imports this module)."""

    rng: Random
    counts: Counter
    as_of: date
    end: datetime


INITIAL_KEYS = ("pen_portrait", "cause_of_death", "grading", "learning", "focused_decision")
SUBMITTED_TO = {
    "submit_for_qa": "quality assurance",
    "start_focused_review": "a focused review",
    "submit_to_panel": "the governance panel",
}


def _event_at(death: _Death, transition: str) -> datetime | None:
    return next((e[3] for e in death.events if e[0] == transition), None)


class _Reviews:
    """Writes the reviews of the history's cases: sections, learning, versions, QA rounds,
    sign-offs and actions, in that order (content before the sign-offs that lock it)."""

    def __init__(self, builder: _Run, staff: dict[int, _Staff]):
        from leder.governance.models import QAChecklist
        from leder.reviews.models import GradingScale, LearningTheme

        self.builder, self.rng, self.staff = builder, builder.rng, staff
        self.scales = list(
            GradingScale.objects.order_by("effective_from").prefetch_related("levels")
        )
        self.titles = {
            (scale.version, level.level): level.title
            for scale in self.scales
            for level in scale.levels.all()
        }
        self.themes = list(LearningTheme.objects.filter(active=True, parent__isnull=True))
        self.themes = self.themes or list(LearningTheme.objects.filter(active=True))
        self.checklist = (
            QAChecklist.objects.filter(active=True)
            .order_by("-effective_from")
            .prefetch_related("items")
            .first()
        )

    # --- content --------------------------------------------------------------------------------

    def _scale_version(self, day: date) -> str:
        in_force = [s for s in self.scales if s.effective_from <= day]
        return (in_force[-1] if in_force else self.scales[0]).version if self.scales else ""

    def _grading(self, death: _Death, day: date) -> dict:
        return {
            "level": death.grade,
            "rationale": RATIONALE[death.grade],
            "scale_version": self._scale_version(day),
        }

    def _pen_portrait(self, death: _Death) -> dict:
        name = death.notification.given_name
        return {
            "who_they_were": self.rng.choice(WHO_THEY_WERE).format(name=name),
            "what_mattered": self.rng.choice(WHAT_MATTERED),
            "what_people_said": "",
            "ld_severity": death.severity,
        }

    def _cause(self, death: _Death) -> dict:
        from leder.reviews.services.questions import LINES, cause_of_death_record

        rng = self.rng
        code, words, above = death.cause
        data = {f"{line}_{part}": "" for line in LINES for part in ("text", "code")}
        if above:
            data |= {"a_text": above[1], "a_code": above[0], "b_text": words, "b_code": code}
        else:
            data |= {"a_text": words, "a_code": code}
        if code[:3] != "G40" and rng.random() < 0.2:
            data |= {"ii1_text": "Epilepsy", "ii1_code": "G40.9"}
        # 31% of deaths reported to a coroner, an inquest in 19% of those (LeDeR annual report
        # 2018, University of Bristol, May 2019; its key findings as INQUEST summarised them).
        referred = rng.random() < 0.31
        year = death.notification.date_of_death.year
        vaccination = (
            "unvaccinated"
            if year < 2021
            else rng.choice(["1", "2"])
            if year == 2021
            else rng.choice(["3", "4", "5"])
        )
        data |= {
            "coroner_referral": "yes" if referred else "no",
            "inquest": ("yes" if rng.random() < 0.19 else "no") if referred else "no",
            "post_mortem": ("yes" if rng.random() < 0.6 else "no") if referred else "no",
            "place_of_death": death.place,
            "place_of_death_detail": "At a day centre" if death.place == "other" else "",
            "covid_status": death.covid,
            "covid_vaccination": "not_known" if rng.random() < 0.1 else vaccination,
        }
        return cause_of_death_record(data)

    # --- writing --------------------------------------------------------------------------------

    def write(self, deaths: list[_Death]) -> None:
        from leder.reviews import questions
        from leder.reviews.models import Review, ReviewKind

        plans = []  # (death, review, submitted transition or None)
        for death in deaths:
            accepted = _event_at(death, "accept")
            if accepted is None:
                continue
            user = death.reviewer.user
            submitted = next(
                (e for e in death.events if e[0] in ("submit_for_qa", "start_focused_review")),
                None,
            )
            initial = Review(
                case=death.case,
                kind=ReviewKind.INITIAL,
                question_set_version=questions.current_version(accepted.date()),
                started_at=accepted,
                started_by=user,
                submitted_at=submitted[3] if submitted else None,
            )
            plans.append((death, initial, submitted[0] if submitted else None))
            started = _event_at(death, "start_focused_review")
            if started is not None:
                to_panel = _event_at(death, "submit_to_panel")
                focused = Review(
                    case=death.case,
                    kind=ReviewKind.FOCUSED,
                    question_set_version=questions.current_version(started.date()),
                    started_at=started,
                    started_by=user,
                    submitted_at=to_panel,
                )
                plans.append((death, focused, "submit_to_panel" if to_panel else None))
        for _death, review, submitted in plans:
            review.current_version = (
                0
                if review.kind == ReviewKind.FOCUSED and not submitted
                else (2 if submitted else 1)
            )
        Review.objects.bulk_create([p[1] for p in plans], batch_size=BATCH)
        self.builder.counts["reviews"] = len(plans)
        if not plans:
            return
        empty = self._empty_snapshots([p[1] for p in plans])
        self._write_content(plans, empty)

    def _empty_snapshots(self, reviews) -> dict[str, dict]:
        """Each section's snapshot of a review with nothing in it yet, by review kind: taken from
        the sections' own `snapshot` on a review that has no content rows, so a section another
        part registers is snapshotted exactly as `review_snapshot` does."""
        from leder.reviews import sections

        empty = {}
        for review in reviews:
            if review.kind not in empty:
                empty[review.kind] = {
                    s.key: s.snapshot(review) for s in sections.sections_for(review.kind)
                }
        return empty

    def _snapshot(self, review, empty: dict, rows: dict, items: list) -> dict:
        snapshot = dict(empty[review.kind])
        for key, data in rows.items():
            if key not in snapshot:
                continue
            value = dict(data)
            if key in ("grading", "focused_grading"):
                title = self.titles.get((data["scale_version"], data["level"]))
                level = data["level"]
                value["level"] = f"Grade {level}: {title}" if title else f"Grade {level}"
            snapshot[key] = value
        if "learning" in snapshot and review.kind == "initial":
            learning = {
                f"learning {item.pk}": {
                    "kind": item.get_kind_display(),
                    "text": item.text,
                    "themes": ", ".join(sorted(t.name for t in themes)),
                }
                for item, themes in items
            }
            reason = rows.get("learning", {}).get("no_learning_reason")
            if reason:
                learning["no_learning_reason"] = reason
            snapshot["learning"] = learning
        return snapshot

    def _write_content(self, plans, empty) -> None:
        from leder.governance.models import QARound, SignOff, SignOffRoute
        from leder.governance.services.signoff import content_hash
        from leder.reviews import diffs
        from leder.reviews.models import LearningItem, LearningKind, ReviewSection, ReviewVersion

        rng = self.rng
        section_rows, items, links, contents = [], [], [], []
        for death, review, submitted in plans:
            end = self.builder.end
            saved_at = (
                review.submitted_at - timedelta(hours=1)
                if submitted
                else min(review.started_at + timedelta(days=14), end - timedelta(hours=1))
            )
            rows: dict[str, dict] = {}
            complete: dict[str, bool] = {}
            review_items = []
            if review.kind == "initial":
                rows["pen_portrait"] = self._pen_portrait(death)
                complete["pen_portrait"] = True
                if submitted or rng.random() < 0.5:
                    rows["cause_of_death"] = self._cause(death)
                    complete["cause_of_death"] = True
                if submitted:
                    rows["profile"] = _profile(death)
                    rows["questions"] = _answers(death, review.question_set_version)
                    complete |= {"profile": True, "questions": True}
                    rows["grading"] = self._grading(death, review.started_at.date())
                    rows["learning"] = {"no_learning_reason": ""}
                    reasons = ["concerns"] if death.grade >= 4 else []
                    rows["focused_decision"] = {"reasons": reasons, "other_reason": ""}
                    complete |= {"grading": True, "learning": True, "focused_decision": True}
                    for _ in range(rng.choice([1, 1, 2, 2, 3])):
                        kind = rng.choices(
                            [
                                LearningKind.GOOD_PRACTICE,
                                LearningKind.IMPROVEMENT,
                                LearningKind.CONCERN,
                            ],
                            [35, 40, 25] if death.grade < 4 else [15, 35, 50],
                        )[0]
                        themes = rng.sample(
                            self.themes, k=min(len(self.themes), rng.choice([1, 1, 2]))
                        )
                        item = LearningItem(
                            review=review,
                            kind=kind,
                            text=LEARNING_TEXT[kind].format(theme=themes[0].name),
                            created_at=saved_at,
                            created_by=review.started_by,
                            updated_at=saved_at,
                        )
                        review_items.append((item, themes))
            elif submitted:
                rows["focused_grading"] = self._grading(death, review.started_at.date())
                complete["focused_grading"] = True
            for key, data in rows.items():
                section_rows.append(
                    ReviewSection(
                        review=review,
                        key=key,
                        data=data,
                        is_complete=complete.get(key, False),
                        updated_at=saved_at,
                        updated_by=review.started_by,
                    )
                )
            items += review_items
            contents.append((death, review, submitted, rows, review_items, saved_at))
        ReviewSection.objects.bulk_create(section_rows, batch_size=BATCH)
        LearningItem.objects.bulk_create([item for item, _ in items], batch_size=BATCH)
        through = LearningItem.themes.through
        for item, themes in items:
            links += [through(learningitem_id=item.pk, learningtheme_id=t.pk) for t in themes]
        through.objects.bulk_create(links, batch_size=BATCH)
        self.builder.counts["learning_items"] = len(items)

        versions, rounds, signoffs, signed = [], [], [], []
        for death, review, submitted, rows, review_items, saved_at in contents:
            if review.current_version == 0:
                continue
            snapshot = self._snapshot(review, empty, rows, review_items)
            versions.append(
                ReviewVersion(
                    review=review,
                    number=1,
                    saved_at=saved_at,
                    saved_by=review.started_by,
                    section_key="demo_history",
                    summary="Review recorded (demo history)",
                    snapshot=snapshot,
                    changes=[c.as_dict() for c in diffs.changes_between({}, snapshot)],
                )
            )
            if not submitted:
                continue
            versions.append(
                ReviewVersion(
                    review=review,
                    number=2,
                    saved_at=review.submitted_at,
                    saved_by=review.started_by,
                    section_key="submission",
                    summary=f"Submitted to {SUBMITTED_TO[submitted]}",
                    snapshot=snapshot,
                    changes=[],
                )
            )
            staff = self.staff[death.notification.icb_id]
            qa_round = None
            if submitted == "submit_for_qa" and self.checklist is not None:
                approved = _event_at(death, "qa_approve")
                qa_round = QARound(
                    review=review,
                    number=1,
                    submitted_version=2,
                    submitted_at=review.submitted_at,
                    checklist=self.checklist,
                    answers={
                        item.key: {"met": "yes", "note": ""} for item in self.checklist.items.all()
                    }
                    if approved
                    else {},
                    assessor=staff.senior if approved else None,
                    outcome="approved" if approved else "pending",
                    summary=QA_SUMMARY if approved else "",
                    decided_at=approved,
                )
                rounds.append(qa_round)
            completed = _event_at(death, "qa_approve") or _event_at(death, "panel_sign_off")
            closing = "submit_to_panel" if review.kind == "focused" else "submit_for_qa"
            if completed and submitted == closing:
                panel = review.kind == "focused"
                signoffs.append(
                    SignOff(
                        review=review,
                        version_number=2,
                        route=SignOffRoute.PANEL if panel else SignOffRoute.QA_APPROVAL,
                        signed_off_at=completed,
                        signed_off_by=staff.chair if panel else staff.senior,
                        snapshot=snapshot,
                        content_hash=content_hash(snapshot),
                        qa_round=qa_round,
                    )
                )
                signed.append((death, review, completed, review_items))
        ReviewVersion.objects.bulk_create(versions, batch_size=BATCH)
        from leder.governance.models import QARound as _QARound

        _QARound.objects.bulk_create(rounds, batch_size=BATCH)
        for signoff in signoffs:
            signoff.qa_round_id = signoff.qa_round.pk if signoff.qa_round else None
        SignOff.objects.bulk_create(signoffs, batch_size=BATCH)
        self.builder.counts["versions"] = len(versions)
        self.builder.counts["signoffs"] = len(signoffs)
        self._actions(signed)

    def _actions(self, signed) -> None:
        """SMART actions agreed at sign-off for some reviews with concerns (since 2021 the panel
        agrees them), each with its "Action agreed" update and, later, its progress."""
        from leder.governance.models import Action, ActionStatus, ActionUpdate

        rng, as_of = self.rng, self.builder.as_of
        numbers: Counter = Counter()
        actions, links, theme_links, updates = [], [], [], []
        for death, review, completed, review_items in signed:
            concern = [i for i in review_items if i[0].kind == "concern"]
            if not (review.kind == "focused" and death.grade >= 4) and not concern:
                continue
            if rng.random() > (0.5 if review.kind == "focused" else 0.1):
                continue
            agreed_on = completed.astimezone(LONDON).date()
            year = agreed_on.year
            if year not in numbers:
                taken = Action.objects.filter(reference__startswith=f"ACT-{year}-")
                numbers[year] = max(
                    (
                        int(r.rsplit("-", 1)[1])
                        for r in taken.values_list("reference", flat=True)
                        if r.rsplit("-", 1)[1].isdigit()
                    ),
                    default=0,
                )
            numbers[year] += 1
            themes = concern[0][1] if concern else [rng.choice(self.themes)]
            due_on = agreed_on + timedelta(days=rng.choice([90, 180, 270]))
            staff = self.staff[death.notification.icb_id]
            status, completed_on, evidence = ActionStatus.OPEN, None, ""
            cancelled_on, cancel_reason = None, ""
            roll = rng.random()
            if due_on < as_of and roll < 0.72:
                status = ActionStatus.COMPLETED
                completed_on = min(due_on + timedelta(days=rng.randrange(-60, 45)), as_of)
                completed_on = max(completed_on, agreed_on + timedelta(days=7))
                evidence = "Audit report received by the steering group, with the re-audit date."
            elif due_on < as_of and roll < 0.77:
                status, cancelled_on = ActionStatus.CANCELLED, due_on
                cancel_reason = "Superseded by the regional programme on the same theme."
            elif roll < 0.6:
                status = ActionStatus.IN_PROGRESS
            action = Action(
                icb=death.notification.icb,
                reference=f"ACT-{year}-{numbers[year]:04d}",
                title=rng.choice(ACTION_TITLES).format(theme=themes[0].name.lower()),
                description="Agreed by the panel after a review found concerns in this area.",
                owner_organisation=death.notification.icb,
                owner_name=_name(rng, rng.choice(["female", "male"])),
                due_on=due_on,
                measure="A re-audit shows the change in at least 9 of 10 records.",
                status=status,
                agreed_on=agreed_on,
                created_at=completed,
                created_by=staff.chair,
                completed_on=completed_on,
                completion_evidence=evidence,
                cancelled_on=cancelled_on,
                cancellation_reason=cancel_reason,
            )
            actions.append((action, review, themes, staff.chair))
        Action.objects.bulk_create([a[0] for a in actions], batch_size=BATCH)
        for action, review, themes, chair in actions:
            links.append(Action.reviews.through(action_id=action.pk, review_id=review.pk))
            theme_links += [
                Action.themes.through(action_id=action.pk, learningtheme_id=t.pk) for t in themes
            ]
            updates.append(
                ActionUpdate(
                    action=action,
                    at=action.created_at,
                    by=chair,
                    from_status=ActionStatus.OPEN,
                    to_status=ActionStatus.OPEN,
                    note="Action agreed",
                )
            )
            if action.status != ActionStatus.OPEN:
                day = (
                    action.completed_on
                    or action.cancelled_on
                    or (action.agreed_on + timedelta(days=30))
                )
                updates.append(
                    ActionUpdate(
                        action=action,
                        at=_at(min(day, as_of - timedelta(days=1)), rng),
                        by=chair,
                        from_status=ActionStatus.OPEN,
                        to_status=action.status,
                        note=action.completion_evidence
                        or action.cancellation_reason
                        or "Work has started.",
                    )
                )
        Action.reviews.through.objects.bulk_create(links, batch_size=BATCH)
        Action.themes.through.objects.bulk_create(theme_links, batch_size=BATCH)
        ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)
        self.builder.counts["actions"] = len(actions)
