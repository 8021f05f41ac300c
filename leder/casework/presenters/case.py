"""How one case reads: its state, deadline, reviewer, history and the actions the user may take.

Tag colours and the due status are the case list's (`presenters.case_list`), so that a case
looks the same in the list and on its own page.
"""

from datetime import date
from functools import cached_property

from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.rules import has_any_role, has_role
from leder.casework import deadlines
from leder.casework.deadlines import DueStatus
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import AllocationStatus, Case, CaseState, ChildDeathReview
from leder.casework.presenters.case_list import (
    DUE_TAG_CLASSES,
    STATE_TAG_CLASSES,
    case_due_status,
)
from leder.casework.selectors.register import conflicts_for
from leder.casework.selectors.transfers import transfers_of
from leder.casework.services.lifecycle import check_transition
from leder.casework.services.transfers import can_request_transfer, transfer_refusal
from leder.core import presenters
from leder.notifications.inbox_presenters import NotificationPresenter

ALLOCATION_TAG_CLASSES = {
    AllocationStatus.OFFERED: "nhsuk-tag--yellow",
    AllocationStatus.ACCEPTED: "nhsuk-tag--green",
    AllocationStatus.DECLINED: "nhsuk-tag--red",
    AllocationStatus.WITHDRAWN: "nhsuk-tag--grey",
}

# A reason is needed by these transitions; a placeholder lets `check_transition` say whether the
# user could make the move at all (the form asks for the real reason).
_ANY_REASON = "(to be given)"


def state_label(state: str) -> str:
    return CaseState(state).label


def refusal_for(user, case: Case, transition: str):
    """Why `user` may not make `transition` on `case` now (a `Refusal`), or None if they may,
    given a reason if the move needs one: the form asks for the real reason."""
    return check_transition(
        actor=user, case=case, transition=TRANSITIONS[transition], reason=_ANY_REASON
    )


def may(user, case: Case, transition: str) -> bool:
    """True if `user` may make `transition` on `case` now (given a reason, if one is needed)."""
    return refusal_for(user, case, transition) is None


def days_phrase(days: int) -> str:
    return presenters.count(days, "day")


def due_summary(case: Case, *, today: date) -> dict:
    """The due date, its status as an NHS.UK tag, and a sentence about the time left."""
    status = case_due_status(case, today=today)
    days_left = (case.due_on - today).days
    if status == DueStatus.NOT_APPLICABLE:
        sentence = "There is no deadline: the review is not in progress."
    elif status == DueStatus.ON_HOLD:
        sentence = "The clock is stopped while the review is on hold."
    elif days_left < 0:
        sentence = f"Overdue by {days_phrase(-days_left)}."
    elif days_left == 0:
        sentence = "Due today."
    else:
        sentence = f"{days_phrase(days_left)} left."
    return {
        "date": presenters.date_long(case.due_on),
        "date_short": presenters.date_short(case.due_on),
        "status": status,
        "tag": {"text": DueStatus.LABELS[status], "classes": DUE_TAG_CLASSES[status]},
        "sentence": sentence,
    }


class _CaseShown:
    """What every page showing a case says of it: its reference and the link to its page, its
    state as an NHS.UK tag, and its deadline as of `today`."""

    def __init__(self, case: Case, *, today: date):
        self.case = case
        self.today = today

    @property
    def reference(self) -> str:
        return self.case.reference

    @property
    def href(self) -> str:
        return reverse("casework:case", kwargs={"reference": self.reference})

    @property
    def state_tag(self) -> dict:
        return {"text": state_label(self.case.state), "classes": STATE_TAG_CLASSES[self.case.state]}

    @property
    def due(self) -> dict:
        return due_summary(self.case, today=self.today)


class CasePresenter(_CaseShown):
    """One case for its page. Expects the case from `selectors.case.case_for` (everything the
    page reads is loaded there), and the user looking at it, for the actions offered."""

    def __init__(self, case: Case, *, user, today: date):
        super().__init__(case, today=today)
        self.user = user
        self.person = NotificationPresenter(case.notification)

    @property
    def back_href(self) -> str:
        """The reviewer's own list for a reviewer of this case, the case list for others."""
        if self.case.is_reviewer(self.user):
            return reverse("casework:my_cases")
        return reverse("casework:case_list")

    @property
    def days_on_hold(self) -> int:
        return deadlines.days_on_hold(self.case.holds.all())

    @property
    def on_hold_text(self) -> str:
        days = self.days_on_hold
        if not self.case.holds.all():
            return "Never on hold"
        text = days_phrase(days) + " in all"
        if self.case.state == CaseState.ON_HOLD:
            text += " (on hold now; the due date moves later by each day on hold)"
        return text

    @property
    def current_allocation(self):
        reviewer_id = self.case.reviewer_id
        if reviewer_id is None:
            return None
        held = [
            a
            for a in self.case.allocations.all()
            if a.reviewer_id == reviewer_id
            and a.status in (AllocationStatus.OFFERED, AllocationStatus.ACCEPTED)
        ]
        return held[-1] if held else None

    @property
    def reviewer_text(self) -> str:
        reviewer = self.case.reviewer
        if reviewer is None:
            return "Not allocated"
        text = f"{reviewer.user.full_name}, {reviewer.get_profession_display().lower()}"
        allocation = self.current_allocation
        if allocation is not None and allocation.status == AllocationStatus.OFFERED:
            text += (
                f". Offered {presenters.date_long(allocation.allocated_at)}, "
                "waiting for them to accept"
            )
        elif allocation is not None:
            text += f". Accepted {presenters.date_long(allocation.responded_at)}"
        return text

    @property
    def summary_rows(self) -> list[dict]:
        due = self.due
        rows = [
            ("State", "", self.state_tag),
            ("Notified", presenters.date_long(self.case.notified_on), None),
            ("Due", f"{due['date']}. {due['sentence']}", due["tag"]),
            ("Time on hold", self.on_hold_text, None),
            ("Reviewer", self.reviewer_text, None),
        ]
        return [
            {"key": {"text": key}, "value": {"text": text}, "tag": tag} for key, text, tag in rows
        ]

    @property
    def involved_organisations(self) -> list[str]:
        return [
            f"{o.name} ({o.ods_code})"
            for o in sorted(self.case.involved_organisations.all(), key=lambda o: o.name)
        ]

    @property
    def reviewer_conflicts(self) -> list[str]:
        """Conflicts the current reviewer has with the case now, for the LAC: an organisation
        recorded after allocation can create one."""
        if self.case.reviewer is None or not self.is_lac:
            return []
        return conflicts_for(reviewer=self.case.reviewer, case=self.case)

    @property
    def allocation_rows(self) -> list[dict]:
        rows = []
        for a in reversed(self.case.allocations.all()):
            response = ""
            if a.responded_at:
                response = f"{a.get_status_display()} {presenters.datetime_long(a.responded_at)}"
                if a.response_reason:
                    response += f": {a.response_reason}"
            rows.append(
                {
                    "reviewer": a.reviewer.user.full_name,
                    "offered": presenters.datetime_long(a.allocated_at),
                    "by": a.allocated_by.full_name,
                    "tag": {
                        "text": a.get_status_display(),
                        "classes": ALLOCATION_TAG_CLASSES[a.status],
                    },
                    "response": response or "Not answered yet",
                }
            )
        return rows

    @property
    def hold_rows(self) -> list[dict]:
        return [
            {
                "kind": h.get_kind_display(),
                "other": ", ".join(filter(None, [h.other_organisation, h.other_reference])),
                "expected": presenters.date_long(h.expected_end_on) if h.expected_end_on else "",
                "outcome": h.outcome,
                "from": presenters.date_long(h.started_at),
                "until": presenters.date_long(h.ended_at) if h.ended_at else "On hold now",
                "days": days_phrase(deadlines.days_on_hold([h])),
                "reason": h.reason,
                "by": h.started_by.full_name,
                "end_reason": h.end_reason,
            }
            for h in reversed(self.case.holds.all())
        ]

    @property
    def event_rows(self) -> list[dict]:
        """The case's history, newest first: what happened, who, when, and why."""
        rows = []
        for event in reversed(self.case.events.all()):
            transition = TRANSITIONS.get(event.transition)
            if event.transition == "transfer":
                what = (
                    f"Transferred from {event.details.get('from_icb_name', '')} "
                    f"to {event.details.get('to_icb_name', '')}"
                )
            else:
                what = transition.label if transition else event.transition
            rows.append(
                {
                    "what": what,
                    "when": presenters.datetime_long(event.occurred_at),
                    "who": event.actor.full_name if event.actor else "The system",
                    "change": f"{state_label(event.from_state)} to {state_label(event.to_state)}",
                    "reason": event.reason or presenters.EMPTY,
                    "reviewer": event.details.get("reviewer_name", ""),
                }
            )
        return rows

    # -- What the user may do ---------------------------------------------------------------

    @property
    def is_lac(self) -> bool:
        return has_role(self.user, Role.LAC, organisation=self.case.notification.icb)

    def _url(self, name: str, **extra) -> str:
        return reverse(f"casework:{name}", kwargs={"reference": self.reference, **extra})

    @property
    def actions(self) -> list[dict]:
        """The actions `user` may take now, each `{"text", "href", "primary"}`: only those the
        lifecycle allows them (so a reviewer never sees "Put on hold", nor a LAC "Accept")."""
        offered = [
            ("accept", "Accept the review", "accept", True),
            ("decline", "Decline the review", "decline", False),
            ("allocate", "Allocate a reviewer", "allocate", True),
            ("reallocate", "Reallocate to another reviewer", "allocate", False),
            ("hold", "Put on hold", "hold", False),
            ("resume", "Resume the review", "resume", True),
        ]
        actions = [
            {"text": text, "href": self._url(page), "primary": primary}
            for transition, text, page, primary in offered
            if may(self.user, self.case, transition)
        ]
        notification = self.case.notification
        if can_request_transfer(self.user, notification) and not transfer_refusal(
            notification, case=self.case, transfers=self._transfers
        ):
            actions.append(
                {
                    "text": "Transfer to another ICB",
                    "href": reverse(
                        "casework:transfer_request", kwargs={"reference": self.reference}
                    ),
                    "primary": False,
                }
            )
        return actions

    @cached_property
    def _transfers(self) -> list:
        return transfers_of(self.case.notification)

    @property
    def where_it_has_been(self) -> list[str]:
        """The ICBs that have held the death, first to now, from accepted transfers."""
        moves = [t for t in self._transfers if t.status == "accepted"]
        if not moves:
            return []
        held = [moves[0].from_icb.display_name]
        for move in moves:
            when = presenters.date_short(move.decided_at)
            held.append(f"{move.to_icb.display_name} (from {when}: {move.reason})")
        return held

    @property
    def can_see_family(self) -> bool:
        """Whether the user reads the family's part (the ICB's LACs and senior reviewers)."""
        return has_any_role(
            self.user, Role.LAC, Role.SENIOR_REVIEWER, organisation=self.case.notification.icb
        )

    @property
    def governance_links(self) -> list[dict]:
        """Links to the case's quality assurance, panel and sign-offs for those who may use
        them, each `{"text", "href"}` (the pages check permission again)."""
        from leder.governance.selectors.signoff import has_qa_rounds, signed_off_kinds

        icb = self.case.notification.icb
        reference = self.reference
        links = []
        if self.case.state == CaseState.QUALITY_ASSURANCE and has_role(
            self.user, Role.SENIOR_REVIEWER, organisation=icb
        ):
            links.append(
                {
                    "text": "Quality-assure the review",
                    "href": reverse("governance:qa_review", kwargs={"reference": reference}),
                }
            )
        if has_qa_rounds(self.case):
            links.append(
                {
                    "text": "Quality assurance history",
                    "href": reverse("governance:qa_history", kwargs={"reference": reference}),
                }
            )
        if self.case.state == CaseState.PANEL and has_any_role(
            self.user, Role.LAC, Role.PANEL_MEMBER, Role.PANEL_CHAIR, organisation=icb
        ):
            links.append(
                {
                    "text": "The governance panel",
                    "href": reverse("governance:panel", kwargs={"icb_id": icb.pk}),
                }
            )
        for kind in signed_off_kinds(self.case):
            links.append(
                {
                    "text": f"Signed-off versions of the {kind} review",
                    "href": reverse(
                        "governance:signoffs", kwargs={"reference": reference, "kind": kind}
                    ),
                }
            )
        return links

    @property
    def can_add_organisation(self) -> bool:
        return self.is_lac and self.case.state not in (CaseState.OPTED_OUT,)

    @property
    def is_child_death_review(self) -> bool:
        return self.case.state == CaseState.CHILD_DEATH_REVIEW

    @property
    def can_record_child_death_review(self) -> bool:
        return self.is_lac and self.is_child_death_review

    @cached_property
    def child_death_review_rows(self) -> list[dict]:
        """The child death overview panel's conclusion as summary-list rows; empty until the
        local area contact records it."""
        found = ChildDeathReview.objects.filter(case=self.case).first()
        if found is None:
            return []
        rows = [
            ("Panel's reference", found.panel_reference),
            ("Panel's area", found.panel_area),
            ("Review concluded", presenters.date_long(found.concluded_on)),
            ("Underlying cause of death", f"{found.cause_text} ({found.cause_code})"),
            ("Learning", found.learning or "None recorded"),
            ("Grade of care", str(found.grade) if found.grade else "Not graded by the panel"),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


class MyCaseRow(_CaseShown):
    """One case in the reviewer's own list."""

    @property
    def person_name(self) -> str:
        n = self.case.notification
        return presenters.person_name(given=n.given_name, family=n.family_name)

    @property
    def is_offered(self) -> bool:
        return self.case.state == CaseState.ALLOCATED

    @property
    def accept_href(self) -> str:
        return reverse("casework:accept", kwargs={"reference": self.reference})

    @property
    def decline_href(self) -> str:
        return reverse("casework:decline", kwargs={"reference": self.reference})


class NotifierPresenter:
    """One person who told us about the death, as the "Who told us" page shows them: who they
    are to the person, how they told us, and how to reach them."""

    def __init__(self, source):
        self.source = source

    @property
    def heading(self) -> str:
        return self.source.name or "Name not given"

    @property
    def rows(self) -> list[dict]:
        s = self.source
        relationship = s.get_relationship_display()
        if s.relationship_detail:
            relationship = f"{relationship} ({s.relationship_detail})"
        rows = [
            ("Who they are to the person", relationship),
            ("Organisation", s.organisation_name),
            ("Telephone", s.phone or "Not given"),
            ("E-mail", s.email or "Not given"),
            (
                "How they told us",
                f"{s.get_channel_display()}, {presenters.datetime_long(s.received_at)}",
            ),
            ("Their reference", s.original_reference),
        ]
        return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows if value]

    @staticmethod
    def concerns_of(notification) -> str:
        """The concerns about the person's care written in the notification ("" if none)."""
        if notification.has_care_concerns != "yes":
            return ""
        return notification.care_concerns.strip() or "Concerns were raised, without detail."
