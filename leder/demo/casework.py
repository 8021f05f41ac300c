"""The demo's casework: a reviewer register, triage, allocation and reviews at every stage for
each demo ICB, so that the triage queue, the case list, the allocation page and the dashboard
have something realistic to show.

Everything goes through the casework, notifications and organisations services, as a local
area contact (and the reviewers, senior reviewer and panel member) would through the pages, so
the case history and the audit trail are what the service itself would have written. Those
services stamp their rows with the time now: the case events are dated today, while the
notifications (and so the due dates) are historic, which gives a mix of cases on track, due
soon, overdue and long overdue.

Choices are made with the caller's seeded `random.Random`, so every load is the same.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from leder.accounts import services as accounts
from leder.accounts.models import Role, User
from leder.casework.models import (
    Case,
    CaseState,
    ConflictKind,
    Profession,
    RecruitmentStatus,
    Reviewer,
)
from leder.casework.selectors.allocation import allocation_suggestions
from leder.casework.services import allocation, register, triage
from leder.casework.services.lifecycle import case_transition
from leder.core.time import today
from leder.demo import governance as demo_governance
from leder.demo import synthetic
from leder.notifications import services as notifications
from leder.notifications.eligibility import Reason
from leder.notifications.models import (
    DuplicateFlag,
    DuplicateStatus,
    EligibilityOutcome,
    Notification,
    NotificationState,
)
from leder.organisations.models import Organisation, OrganisationKind
from leder.organisations.services import organisation_update

ACTOR = "system:demo"

# Population with a learning disability: DOMAIN.md's figure for Leicester, Leicestershire and
# Rutland, and a plausible one for Birmingham and Solihull (a larger, younger population).
LD_POPULATION = {"QK1": 15_500, "QHL": 18_000}

# Shares of the work done, as a busy local area would have it.
TRIAGED_SHARE = 0.8
ALLOCATED_SHARE = 0.6

REVIEWER_COURSE = "LeDeR reviewer training (NHS England e-learning)"
INDUCTION_COURSE = "LeDeR induction: the review process (NHS England e-learning)"
OLIVER_MCGOWAN = "Oliver McGowan Mandatory Training on Learning Disability and Autism (Tier 2)"
FOCUSED_COURSE = "LeDeR focused review training (NHS England)"

NOT_ELIGIBLE_REASONS = {
    Reason.NEITHER: (
        "The GP practice confirmed the person had neither a learning disability nor a "
        "diagnosis of autism."
    ),
    Reason.UNDER_MINIMUM_AGE: "The child was under 4: the child death review process applies.",
    Reason.OUTSIDE_ENGLAND: "The person died outside England.",
    Reason.AUTISTIC_CHILD: (
        "An autistic child without a learning disability: reviewed by the child death review "
        "process only."
    ),
}
NOT_ELIGIBLE_DEFAULT = "Outside LeDeR's eligibility criteria on the date of death."
OPT_OUT_REASON = (
    "Checked with the national data opt-out service: an opt-out is registered for the person."
)
CONFIRM_NOTE = "The same death: the hospital's notification of a death the family told us of."
DISMISS_NOTE = (
    "Different people of the same name: born in different years, with different addresses "
    "and GP practices."
)
DECLINE_REASON = "On annual leave for the next three weeks, so I could not start it in time."
REALLOCATE_REASON = "The reviewer is on long-term sick leave: moving their new cases."
HOLD_REASON = "Coroner's inquest"

# Stages for the oldest allocated cases, oldest first: the earliest notified are furthest on.
# "completed_qa" and "quality_assurance" go to quality assurance, which the senior reviewer
# does, so they are never the senior reviewer's own cases.
PROGRESSED_STAGES = [
    "completed_qa",
    "completed_panel",
    "completed_qa",
    "quality_assurance",
    "quality_assurance",
    "completed_qa",
    "panel",
    "completed_qa",
    "focused_review",
    "completed_qa",
]


@dataclass
class DemoIcb:
    """One demo ICB and the demo users who work its cases."""

    icb: Organisation
    label: str
    lac: User
    reviewer: User
    senior: User
    panel: User
    chair: User
    lead: User
    reviewers: dict[str, Reviewer] = field(default_factory=dict)

    def __post_init__(self):
        self.governance = demo_governance.GovernanceArea(
            icb=self.icb,
            lac=self.lac,
            senior=self.senior,
            panel=self.panel,
            chair=self.chair,
            lead=self.lead,
        )


def load(*, areas: list[DemoIcb], rng: random.Random) -> dict[str, Counter]:
    """Load the casework of each demo ICB; returns, per ICB, the number of notifications in each
    state of the case lifecycle (untriaged ones as "notified", merged ones as "merged")."""
    for area in areas:
        _population(area)
        _register(area, rng)
        _duplicates(area)
        _triage(area, rng)
        _allocate(area, rng)
        demo_governance.return_one_for_amendment(area.governance)
        demo_governance.panel_business(area.governance, rng)
        demo_governance.publish_briefing(area.governance)
    return {area.icb.ods_code: states_by_icb(area.icb) for area in areas}


def states_by_icb(icb: Organisation) -> Counter:
    counts: Counter = Counter()
    for state, case_state in Notification.objects.filter(icb=icb).values_list(
        "state", "case__state"
    ):
        counts["merged" if state == NotificationState.MERGED else case_state or "notified"] += 1
    return counts


def _population(area: DemoIcb) -> None:
    population = LD_POPULATION.get(area.icb.ods_code)
    if population is not None:
        area.icb = organisation_update(
            organisation=area.icb, actor=ACTOR, changes={"ld_population": population}
        )


# --- The reviewer register ------------------------------------------------------------------


def _providers(icb: Organisation, kind: str) -> list[Organisation]:
    return list(
        Organisation.objects.filter(icb=icb, kind=kind).open_on(today()).order_by("ods_code")
    )


def _busiest_practices(icb: Organisation) -> list[Organisation]:
    """The ICB's open GP practices, those named on most notifications first: a reviewer who
    works at one is conflicted for several cases, which the allocation page then shows."""
    named = Counter(
        Notification.objects.filter(icb=icb)
        .exclude(state=NotificationState.MERGED)
        .values_list("gp_practice_id", flat=True)
    )
    practices = Organisation.objects.filter(icb=icb, kind=OrganisationKind.GP_PRACTICE)
    return sorted(practices.open_on(today()), key=lambda p: (-named[p.pk], p.ods_code))


def _years_ago(rng: random.Random, low: float, high: float) -> date:
    return today() - timedelta(days=rng.randrange(int(low * 365), int(high * 365)))


def _synthetic_user(area: DemoIcb, rng: random.Random, title: str) -> User:
    """A reviewer account with no password (it cannot sign in) and the reviewer role at the
    ICB. The address is under the ICB's own subdomain, so `demo_logins`, which lists the
    accounts that can sign in, leaves it out."""
    while True:
        # Never the name of another user or of a person who died: two "David Begum"s, or a
        # reviewer with the name of a person whose death is reviewed, would confuse.
        name = synthetic.synthetic_name(rng, rng.choice(["female", "male"]))
        given, family = name.split(" ", 1)
        if not (
            User.objects.filter(full_name=name).exists()
            or Notification.objects.filter(given_name=given, family_name=family).exists()
        ):
            break
    email = f"{name.lower().replace(' ', '.')}@{area.label}.demo.leder.invalid"
    user = accounts.user_create(actor=ACTOR, email=email, full_name=name, job_title=title)
    accounts.membership_grant(actor=ACTOR, user=user, role=Role.REVIEWER, organisation=area.icb)
    return user


def _register(area: DemoIcb, rng: random.Random) -> None:
    """The demo reviewer and senior reviewer, trained, and four synthetic reviewers: one
    employed by the busiest GP practice (an organisation conflict for its cases), one who
    declared a conflict with another practice (and, after triage, a person they knew), one in
    training and one no longer active."""
    icb, lac = area.icb, area.lac
    trusts = _providers(icb, OrganisationKind.TRUST)
    councils = _providers(icb, OrganisationKind.LOCAL_AUTHORITY)
    care = _providers(icb, OrganisationKind.CARE_PROVIDER)
    practices = _busiest_practices(icb)

    def pick(options: list[Organisation], index: int) -> Organisation | None:
        return options[index % len(options)] if options else None

    specs = [
        # key, user, profession, employer, capacity, status, courses
        ("reviewer", area.reviewer, Profession.LD_NURSE, pick(trusts, 0), 4, "trained", 2),
        ("senior", area.senior, Profession.SOCIAL_WORKER, pick(councils, 0), 2, "trained", 3),
        ("practice", None, Profession.NURSE, pick(practices, 0), 3, "trained", 1),
        ("declared", None, Profession.AHP, pick(trusts, 1), 4, "trained", 2),
        ("trainee", None, Profession.LD_NURSE, pick(care, 0), 1, "in_training", 0),
        ("inactive", None, Profession.OTHER, pick(councils, 1), 2, "trained", 1),
    ]
    for key, user, profession, employer, capacity, status, courses in specs:
        if user is None:
            where = employer.name if employer else icb.display_name
            user = _synthetic_user(area, rng, f"{Profession(profession).label}, {where}")
        joined = _years_ago(rng, 0.2, 0.5) if status == "in_training" else _years_ago(rng, 1, 5)
        reviewer = register.reviewer_add(
            actor=lac,
            icb=icb,
            user=user,
            profession=profession,
            employer=employer,
            employer_name="" if employer else "Independent consultant",
            capacity=capacity,
            recruitment_status=(
                RecruitmentStatus.TRAINED if status == "trained" else RecruitmentStatus.IN_TRAINING
            ),
            joined_on=joined,
        )
        if status == "in_training":
            completed = [(INDUCTION_COURSE, joined + timedelta(days=rng.randrange(14, 40)))]
        else:
            completed = [(REVIEWER_COURSE, joined + timedelta(days=rng.randrange(20, 90)))]
            completed += [
                (OLIVER_MCGOWAN, _years_ago(rng, 0.1, 1)),
                (FOCUSED_COURSE, _years_ago(rng, 0.2, 0.9)),
            ][: courses - 1]
        for course, completed_on in completed:
            register.reviewer_training_add(
                actor=lac, reviewer=reviewer, course=course, completed_on=min(completed_on, today())
            )
        area.reviewers[key] = reviewer

    inactive = area.reviewers["inactive"]
    register.reviewer_update(
        actor=lac,
        reviewer=inactive,
        profession=inactive.profession,
        employer=inactive.employer,
        employer_name=inactive.employer_name,
        capacity=inactive.capacity,
        is_active=False,
        recruitment_status=inactive.recruitment_status,
    )
    if len(practices) > 1:
        register.reviewer_conflict_declare(
            actor=lac,
            reviewer=area.reviewers["declared"],
            kind=ConflictKind.ORGANISATION,
            organisation=practices[1],
            note="Ran a weekly clinic at the practice until 2024.",
        )


# --- Duplicates and triage ------------------------------------------------------------------


def _open_flags(icb: Organisation):
    return DuplicateFlag.objects.filter(
        notification__icb=icb, status=DuplicateStatus.OPEN
    ).select_related("notification", "candidate")


def _duplicates(area: DemoIcb) -> None:
    """Merge the oldest possible duplicate that is the same death, and dismiss a namesake (born
    in another year: a different person whom the check flagged); any other flags stay open for
    the local area contact to decide (triage waits for them)."""
    flags = list(_open_flags(area.icb).order_by("notification__received_at", "pk"))
    namesakes = [
        f for f in flags if f.notification.date_of_birth.year != f.candidate.date_of_birth.year
    ]
    same = [f for f in flags if f not in namesakes]
    if same:
        notifications.duplicate_confirm(actor=area.lac, flag=same[0], note=CONFIRM_NOTE)
    # The merge may have settled other flags of the merged notification: ask again.
    still_open = {f.pk: f for f in _open_flags(area.icb)}
    dismiss = next((f for f in namesakes if f.pk in still_open), None)
    if dismiss is None and still_open:
        dismiss = min(still_open.values(), key=lambda f: (f.notification.received_at, f.pk))
    if dismiss is not None:
        notifications.duplicate_dismiss(actor=area.lac, flag=dismiss, note=DISMISS_NOTE)


DECISIONS = {
    EligibilityOutcome.ELIGIBLE: "eligible",
    EligibilityOutcome.TO_CONFIRM: "eligible",
    EligibilityOutcome.CHILD_DEATH_REVIEW: "child_death_review",
    EligibilityOutcome.NOT_ELIGIBLE: "not_eligible",
}


def _triage(area: DemoIcb, rng: random.Random) -> None:
    """Triage the oldest 80% of the ICB's notifications (not merged) with the outcome the
    eligibility rules gave, leaving the newest for the triage queue, and those with an open
    duplicate flag (triage refuses them). One eligible death has a national data opt-out."""
    pending = list(
        Notification.objects.filter(icb=area.icb)
        .exclude(state=NotificationState.MERGED)
        .order_by("received_at", "pk")
    )
    blocked = set(_open_flags(area.icb).values_list("notification_id", flat=True))
    chosen = [n for n in pending[: round(len(pending) * TRIAGED_SHARE)] if n.pk not in blocked]
    eligible = [n for n in chosen if DECISIONS.get(n.eligibility_outcome) == "eligible"]
    opted_out = rng.choice(eligible[1:-1] or eligible) if eligible else None
    for notification in chosen:
        if notification == opted_out:
            triage.case_triage(
                actor=area.lac,
                notification=notification,
                decision="opted_out",
                reason=OPT_OUT_REASON,
            )
            continue
        decision = DECISIONS.get(notification.eligibility_outcome, "eligible")
        reason = (
            NOT_ELIGIBLE_REASONS.get(notification.eligibility_reason, NOT_ELIGIBLE_DEFAULT)
            if decision == "not_eligible"
            else ""
        )
        triage.case_triage(
            actor=area.lac, notification=notification, decision=decision, reason=reason
        )


# --- Allocation and reviews -----------------------------------------------------------------


def _loaded(case: Case) -> Case:
    """The case with what `allocation_suggestions` reads, as the allocation page loads it."""
    return (
        Case.objects.select_related("notification__gp_practice", "notification__icb", "reviewer")
        .prefetch_related("involved_organisations", "allocations")
        .get(pk=case.pk)
    )


def _pick(case: Case, *, prefer: Reviewer | None = None, avoid=()) -> Reviewer | None:
    """The first reviewer the allocation page suggests who can take the case (free capacity,
    no conflict) and has not declined it: `prefer` if they are among them."""
    allowed = [
        s.reviewer
        for s in allocation_suggestions(case=_loaded(case))
        if s.can_allocate and not s.declined and s.reviewer not in avoid
    ]
    if prefer is not None and prefer in allowed:
        return prefer
    return allowed[0] if allowed else None


def _stages(count: int) -> list[str]:
    """What becomes of `count` allocated cases, oldest first: the oldest furthest on, at least
    three in initial review (one to go on hold), the newest two offered and not yet accepted."""
    offered = min(2, count)
    progressed = PROGRESSED_STAGES[: max(0, count - offered - 3)]
    return (
        progressed
        + ["initial_review"] * (count - offered - len(progressed))
        + ["offered"] * offered
    )


def _waiting(area: DemoIcb, rng: random.Random, cases: list[Case]) -> list[Case]:
    """The eligible cases left awaiting allocation (about 40%, chosen at random), including,
    when there is one, a case of the GP practice a reviewer works for, so the allocation page
    shows that reviewer blocked."""
    waiting = rng.sample(cases, len(cases) - round(len(cases) * ALLOCATED_SHARE))
    employer = area.reviewers["practice"].employer_id
    if cases and employer and not any(c.notification.gp_practice_id == employer for c in waiting):
        candidates = [c for c in cases if c.notification.gp_practice_id == employer]
        if candidates:
            waiting = [*waiting[1:], rng.choice(candidates)] if waiting else [candidates[0]]
    return waiting


def _declare_known_person(area: DemoIcb, rng: random.Random, waiting: list[Case]) -> None:
    """A reviewer declared that they knew one of the people whose case awaits allocation."""
    if not waiting:
        return
    person = rng.choice(waiting).notification
    register.reviewer_conflict_declare(
        actor=area.lac,
        reviewer=area.reviewers["declared"],
        kind=ConflictKind.PERSON,
        person_name=f"{person.given_name} {person.family_name}",
        person_date_of_birth=person.date_of_birth,
        note="Supported them at a day service before joining the register.",
    )


def _allocate(area: DemoIcb, rng: random.Random) -> None:
    """Allocate about 60% of the eligible cases, oldest first, each to the first reviewer the
    allocation page would suggest, and move them on: the oldest completed or in quality
    assurance, focused review or at the panel, then some in initial review (one on hold), the
    newest offered. One offer is declined and the case offered to someone else; one is
    reallocated. The demo reviewer accepts three cases (one goes on hold) and has one waiting
    for their answer."""
    cases = list(
        Case.objects.filter(notification__icb=area.icb, state=CaseState.AWAITING_ALLOCATION)
        .select_related("notification")
        .order_by("notified_on", "pk")
    )
    waiting = _waiting(area, rng, cases)
    _declare_known_person(area, rng, waiting)
    to_allocate = [c for c in cases if c not in waiting]
    demo, senior = area.reviewers["reviewer"], area.reviewers["senior"]
    declined = reallocated = False
    away: set[Reviewer] = set()
    preferred_left = 3
    for case, stage in zip(to_allocate, _stages(len(to_allocate)), strict=True):
        avoid = {senior} if stage in ("completed_qa", "quality_assurance") else set()
        prefer = None
        if stage in ("quality_assurance", "panel", "focused_review"):
            avoid.add(demo)  # keep the demo reviewer's list to what they can act on
        if stage == "initial_review" and not declined:
            # An offer declined, then made to the demo reviewer.
            first = _pick(case, avoid={demo})
            if first is not None:
                allocation.case_allocate(actor=area.lac, case=case, reviewer=first)
                allocation.allocation_decline(actor=first.user, case=case, reason=DECLINE_REASON)
                declined = True
                away.add(first)  # on leave: offered nothing more
        if stage == "initial_review" and preferred_left:
            prefer, preferred_left = demo, preferred_left - 1
        if stage == "offered" and not reallocated:
            # Accepted by someone else, then reallocated to the demo reviewer to answer. The
            # first reviewer is away from now on, so gets nothing more.
            first = _pick(case, avoid={demo, senior, *away})
            if first is not None:
                allocation.case_allocate(actor=area.lac, case=case, reviewer=first)
                allocation.allocation_accept(actor=first.user, case=case)
                away.add(first)
                then = _pick(case, prefer=demo, avoid=away)
                if then is not None:
                    allocation.case_reallocate(
                        actor=area.lac, case=case, reviewer=then, reason=REALLOCATE_REASON
                    )
                reallocated = True
                continue
        reviewer = _pick(case, prefer=prefer, avoid=avoid | away)
        if reviewer is None:
            continue  # nobody free: it waits, as cases do
        allocation.case_allocate(actor=area.lac, case=case, reviewer=reviewer)
        if stage == "offered":
            continue
        allocation.allocation_accept(actor=reviewer.user, case=case)
        demo_governance.progress(area.governance, case, stage, rng)
    _hold_one(area)


def _hold_one(area: DemoIcb) -> None:
    """Put the oldest overdue case in initial review on hold for a coroner's inquest (the
    oldest in initial review if none is overdue): a case due soon stays, so the dashboard's
    "due soon" has something to count."""
    in_review = Case.objects.filter(
        notification__icb=area.icb, state=CaseState.INITIAL_REVIEW
    ).order_by("notified_on", "pk")
    case = in_review.filter(due_on__lt=today()).first() or in_review.first()
    if case is not None:
        case_transition(actor=area.lac, case=case, transition="hold", reason=HOLD_REASON)
