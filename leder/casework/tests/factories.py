"""Cases and reviewers for tests, made through the services."""

from datetime import date

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import Case, CaseState, Profession, RecruitmentStatus, Reviewer
from leder.casework.services.lifecycle import case_transition
from leder.casework.services.triage import case_open, case_triage
from leder.core.time import today
from leder.notifications.tests.factories import nhs_number, notify

# The transitions that take a fresh case to each state (after triage as eligible).
PATH_TO = {
    CaseState.AWAITING_ALLOCATION: [],
    CaseState.ALLOCATED: ["allocate"],
    CaseState.INITIAL_REVIEW: ["allocate", "accept"],
    CaseState.QUALITY_ASSURANCE: ["allocate", "accept", "submit_for_qa"],
    CaseState.FOCUSED_REVIEW: ["allocate", "accept", "start_focused_review"],
    CaseState.PANEL: ["allocate", "accept", "start_focused_review", "submit_to_panel"],
    CaseState.COMPLETED: ["allocate", "accept", "submit_for_qa", "qa_approve"],
    CaseState.ON_HOLD: ["hold"],
}


def make_reviewer(icb, *, user=None, capacity=3, employer=None, trained=True, **fields) -> Reviewer:
    user = user or user_with_role(Role.REVIEWER, icb)
    return Reviewer.objects.create(
        user=user,
        icb=icb,
        profession=fields.pop("profession", Profession.LD_NURSE),
        employer=employer,
        capacity=capacity,
        recruitment_status=RecruitmentStatus.TRAINED if trained else RecruitmentStatus.IN_TRAINING,
        joined_on=fields.pop("joined_on", date(2024, 1, 1)),
        **fields,
    )


class CaseMaker:
    def __init__(self, *, icb, lac):
        self.icb = icb
        self.lac = lac
        self._count = 0
        self._senior = None

    def notification(self, **fields):
        self._count += 1
        fields.setdefault("given_name", f"Person{self._count}")
        fields.setdefault("family_name", f"Family{self._count}")
        fields.setdefault("date_of_birth", date(1950, 1, 1 + self._count % 28))
        # Each its own NHS number: generated names a keystroke apart are otherwise (rightly)
        # flagged as possible duplicates, which blocks triage.
        fields.setdefault("nhs_number", nhs_number())
        return notify(self.icb, **fields).notification

    def make(
        self,
        state: str = CaseState.AWAITING_ALLOCATION,
        *,
        reviewer: Reviewer | None = None,
        **fields,
    ) -> Case:
        """A case in `state`. Allocation here sets the reviewer directly: the allocation service
        (with its suggestions and conflicts) is tested on its own."""
        notification = self.notification(**fields)
        if state == CaseState.NOTIFIED:
            return case_open(actor=self.lac, notification=notification)
        if state in (CaseState.NOT_ELIGIBLE, CaseState.CHILD_DEATH_REVIEW, CaseState.OPTED_OUT):
            decision = {
                "not_eligible": "not_eligible",
                "child_death_review": "child_death_review",
                "opted_out": "opted_out",
            }[state]
            case_triage(actor=self.lac, notification=notification, decision=decision, reason="test")
            return Case.objects.get(notification=notification)
        case_triage(actor=self.lac, notification=notification, decision="eligible")
        case = Case.objects.get(notification=notification)
        for step in PATH_TO[state]:
            case = self.step(case, step, reviewer=reviewer)
        return case

    def step(self, case: Case, transition: str, *, reviewer: Reviewer | None = None) -> Case:
        actor = self.lac
        if transition == "allocate":
            reviewer = reviewer or make_reviewer(self.icb)
            Case.objects.filter(pk=case.pk).update(reviewer=reviewer)
            case.refresh_from_db()
        elif transition in ("accept", "submit_for_qa", "start_focused_review", "submit_to_panel"):
            actor = case.reviewer.user
        elif transition in ("qa_approve", "qa_return"):
            self._senior = self._senior or user_with_role(Role.SENIOR_REVIEWER, self.icb)
            actor = self._senior
        # A shortcut for casework tests, which look at states, not at review content: the moves
        # the governance services make (sign-off, return) are made here directly, without a
        # review to lock. Tests of governance use the governance services on written reviews.
        service = TRANSITIONS[transition].service
        case_transition(
            actor=actor, case=case, transition=transition, reason="test", service=service
        )
        case.refresh_from_db()
        return case


def due_in(days: int) -> date:
    from datetime import timedelta

    return today() + timedelta(days=days)
