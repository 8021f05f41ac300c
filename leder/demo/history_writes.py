"""The demo history's bulk writes of notifications, cases, their transitions, allocations and
holds, and the blanking of those who opted out: the part of `history_cases._Builder` that
writes what it planned. See `history`."""

from leder.casework import deadlines
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    CaseHold,
    CaseState,
)
from leder.demo.history_data import (
    BATCH,
    HOLD_REASON,
    LONDON,
    _Death,
    _name,
    _Staff,
)
from leder.notifications.models import (
    EligibilityDecision,
    Notification,
    NotificationSource,
    Relationship,
)


class _Writes:
    """Mixed into `_Builder`: writes the planned deaths in bulk."""

    def _write_notifications(self, deaths: list[_Death]) -> None:
        rng = self.rng
        notifications = [d.notification for d in deaths]
        Notification.objects.bulk_create(notifications, batch_size=BATCH)
        sources, decisions = [], []
        for n in notifications:
            relationship = rng.choice(list(Relationship))
            family = relationship in (Relationship.FAMILY, Relationship.FRIEND)
            sources.append(
                NotificationSource(
                    notification=n,
                    received_at=n.received_at,
                    channel=n.channel,
                    relationship=relationship,
                    name=_name(rng, "female"),
                    organisation_name="" if family else "Synthetic Health Trust",
                    original_reference=n.reference,
                )
            )
            decisions.append(
                EligibilityDecision(
                    notification=n,
                    outcome=n.eligibility_outcome,
                    reason=n.eligibility_reason,
                    rules=n._rules,
                    decided_at=n.received_at,
                )
            )
        NotificationSource.objects.bulk_create(sources, batch_size=BATCH)
        EligibilityDecision.objects.bulk_create(decisions, batch_size=BATCH)

    def _write_cases(self, deaths: list[_Death], staff: dict[int, _Staff]) -> None:
        cases, opted_out = [], []
        for death in deaths:
            if not death.events:
                continue
            n = death.notification
            last = death.events[-1]
            notified_on = n.received_at.astimezone(LONDON).date()
            reviewer = death.reviewer if any(e[0] == "allocate" for e in death.events) else None
            death.reviewer = reviewer
            case = Case(
                notification=n,
                state=last[2],
                state_changed_at=last[3],
                held_from_state=CaseState.INITIAL_REVIEW if last[0] == "hold" else "",
                opened_at=death.events[0][3],
                notified_on=notified_on,
                due_on=deadlines.due_date(notified_on=notified_on),
                reviewer=reviewer,
            )
            death.case = case
            cases.append(case)
            if last[2] == CaseState.OPTED_OUT:
                opted_out.append(n)
        Case.objects.bulk_create(cases, batch_size=BATCH)
        self._erase_opted_out(opted_out)
        allocations = []
        for death in deaths:
            if death.reviewer is None:
                continue
            allocated = next(e[3] for e in death.events if e[0] == "allocate")
            accepted = next((e[3] for e in death.events if e[0] == "accept"), None)
            allocation = Allocation(
                case=death.case,
                reviewer=death.reviewer,
                allocated_by=staff[death.notification.icb_id].lac,
                allocated_at=allocated,
                status=AllocationStatus.ACCEPTED if accepted else AllocationStatus.OFFERED,
                responded_at=accepted,
            )
            death.allocation = allocation
            allocations.append(allocation)
        Allocation.objects.bulk_create(allocations, batch_size=BATCH)
        events, holds = [], []
        for death in deaths:
            icb_staff = staff.get(death.notification.icb_id)
            for transition, source, target, at, reason in death.events:
                actor, details = self._event_actor(death, transition, icb_staff)
                events.append(
                    CaseEvent(
                        case=death.case,
                        transition=transition,
                        from_state=source,
                        to_state=target,
                        actor=actor,
                        occurred_at=at,
                        reason=reason,
                        details=details,
                    )
                )
            if death.hold_at is not None and death.events[-1][0] == "hold":
                holds.append(
                    CaseHold(
                        case=death.case,
                        started_at=death.hold_at,
                        started_by=icb_staff.lac,
                        reason=HOLD_REASON,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=BATCH)
        CaseHold.objects.bulk_create(holds, batch_size=BATCH)
        self.counts["case_events"] = len(events)

    def _event_actor(self, death: _Death, transition: str, icb_staff: _Staff):
        if transition in ("allocate", "accept"):
            allocation = death.allocation
            details = {
                "allocation": allocation.pk,
                "reviewer": allocation.reviewer_id,
                "reviewer_name": allocation.reviewer.user.full_name,
            }
            actor = icb_staff.lac if transition == "allocate" else death.reviewer.user
            return actor, details
        if transition in ("start_focused_review", "submit_to_panel", "submit_for_qa"):
            return death.reviewer.user, {}
        if transition == "qa_approve":
            return icb_staff.senior, {"qa_round": 1}
        if transition == "panel_sign_off":
            return icb_staff.chair, {}
        return icb_staff.lac, {}

    def _erase_opted_out(self, notifications: list[Notification]) -> None:
        """What `case_record_opt_out` keeps of a person who opted out: the fact of the death."""
        from leder.casework.services.triage import OPTED_OUT_NAME

        for n in notifications:
            n.given_name, n.family_name, n.other_names = OPTED_OUT_NAME, "", ""
            n.nhs_number = n.address = n.postcode = n.gp_practice_text = ""
            n.circumstances = n.care_concerns = n.place_of_death_detail = ""
            n.date_of_birth = n.date_of_birth.replace(month=1, day=1)
            n.date_of_death = n.date_of_death.replace(day=1)
        fields = [
            "given_name",
            "family_name",
            "other_names",
            "nhs_number",
            "address",
            "postcode",
            "gp_practice_text",
            "circumstances",
            "care_concerns",
            "place_of_death_detail",
            "date_of_birth",
            "date_of_death",
        ]
        Notification.objects.bulk_update(notifications, fields, batch_size=BATCH)
        NotificationSource.objects.filter(notification__in=notifications).update(
            name=OPTED_OUT_NAME, relationship_detail="", organisation_name="", email="", phone=""
        )
