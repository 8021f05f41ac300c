"""The demo history's bulk writes of notifications, cases, their transitions, allocations and
holds, and the blanking of those who opted out: the part of `history_cases._Builder` that
writes what it planned. See `history`."""

from functools import partial

from leder.casework.bulk_writes import NewCase, cases_insert
from leder.casework.models import CaseState
from leder.demo.history_data import (
    BATCH,
    HOLD_REASON,
    _Death,
    _name,
    _Staff,
)
from leder.notifications.bulk_writes import notifications_insert
from leder.notifications.models import (
    Notification,
    NotificationSource,
    Relationship,
)


class _Writes:
    """Mixed into `_Builder`: writes the planned deaths in bulk, through the writers the bulk
    import uses too (`notifications.bulk_writes`, `casework.bulk_writes`, ADR 0178)."""

    def _write_notifications(self, deaths: list[_Death]) -> None:
        rng = self.rng
        notifications = [d.notification for d in deaths]
        sources = []
        for _ in notifications:
            relationship = rng.choice(list(Relationship))
            family = relationship in (Relationship.FAMILY, Relationship.FRIEND)
            sources.append(
                {
                    "relationship": relationship,
                    "name": _name(rng, "female"),
                    "organisation_name": "" if family else "Synthetic Health Trust",
                }
            )
        notifications_insert(
            notifications, sources=sources, rules=[n._rules for n in notifications]
        )

    def _write_cases(self, deaths: list[_Death], staff: dict[int, _Staff]) -> None:
        opened, opted_out = [], []
        for death in deaths:
            if not death.events:
                continue
            n = death.notification
            events = death.events
            last = events[-1]
            allocated = next((e[3] for e in events if e[0] == "allocate"), None)
            death.reviewer = death.reviewer if allocated is not None else None
            icb_staff = staff.get(n.icb_id)
            new = NewCase(
                notification=n,
                steps=events,
                opened_at=events[0][3],
                actor_of=partial(self._event_actor, death, icb_staff=icb_staff),
                held_from_state=CaseState.INITIAL_REVIEW if last[0] == "hold" else "",
                reviewer=death.reviewer,
                allocated_by=icb_staff.lac if allocated is not None else None,
                allocated_at=allocated,
                responded_at=next((e[3] for e in events if e[0] == "accept"), None),
                hold=(
                    {
                        "started_at": death.hold_at,
                        "started_by": icb_staff.lac,
                        "reason": HOLD_REASON,
                    }
                    if death.hold_at is not None and last[0] == "hold"
                    else None
                ),
            )
            opened.append((death, new))
            if last[2] == CaseState.OPTED_OUT:
                opted_out.append(n)
        self.counts["case_events"] = cases_insert([new for _, new in opened])
        for death, new in opened:
            death.case, death.allocation = new.case, new.allocation
        self._erase_opted_out(opted_out)

    def _event_actor(self, death: _Death, transition: str, icb_staff: _Staff):
        """Who took a step of the death's case, and what its event's details add (the
        allocation's own are added by `cases_insert`)."""
        if transition in ("allocate", "accept"):
            return (icb_staff.lac if transition == "allocate" else death.reviewer.user), {}
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
