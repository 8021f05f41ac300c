"""People, panels, meetings and focused reviews at the panel, for the panel, sign-off and lock
tests and the panel journey. No tests in this module.

A focused review here is written in full by `leder.demo.reviews.write_focused_review` (every
section, through the services, as the case's reviewer) and submitted, so the case is at the
panel with a review exactly as a reviewer would have left it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import Case, CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.time import now
from leder.demo.reviews import write_focused_review
from leder.governance.models import AgendaItem, Panel, PanelMeeting
from leder.governance.services import panels as services
from leder.reviews.models import Review


@dataclass
class PanelWorld:
    """An ICB with its LAC, a panel chair, two panel members and a panel (quorum 3)."""

    icb: object
    lac: object
    chair: object
    members: list
    cases: CaseMaker
    panel: Panel | None = None
    extra: dict = field(default_factory=dict)

    def focused_at_panel(self, **fields) -> tuple[Case, Review]:
        """A case at the panel whose focused review is written in full and submitted."""
        case = self.cases.make(CaseState.FOCUSED_REVIEW, **fields)
        review = write_focused_review(case=case)
        case.refresh_from_db()
        assert case.state == CaseState.PANEL, case.state
        return case, review

    def meeting(self, *, days: int = 0, location: str = "Room 4, ICB offices") -> PanelMeeting:
        """A meeting `days` from now: today by default, so that what happens at it (attendance,
        decisions, actions, minutes) can be recorded; those are refused before its day."""
        return services.panel_meeting_schedule(
            actor=self.lac,
            panel=self.panel,
            starts_at=now() + timedelta(days=days),
            location=location,
        )

    def quorate(self, meeting: PanelMeeting) -> PanelMeeting:
        services.meeting_attendance_record(
            actor=self.lac, meeting=meeting, attendees=[self.chair, *self.members]
        )
        return meeting

    def on_agenda(self, meeting: PanelMeeting, review: Review) -> AgendaItem:
        return services.agenda_item_add(actor=self.lac, meeting=meeting, review=review)


def panel_world(name: str = "NHS Panel ICB") -> PanelWorld:
    icb = make_icb(name=name, short_name=name.replace("NHS ", ""))
    lac = user_with_role(Role.LAC, icb, full_name="Lena Achebe")
    chair = user_with_role(Role.PANEL_CHAIR, icb, full_name="Priya Chaudhry")
    members = [
        user_with_role(Role.PANEL_MEMBER, icb, full_name="Tom Baxter"),
        user_with_role(Role.PANEL_MEMBER, icb, full_name="Grace Owusu"),
    ]
    world = PanelWorld(
        icb=icb, lac=lac, chair=chair, members=members, cases=CaseMaker(icb=icb, lac=lac)
    )
    world.panel = services.panel_save(
        actor=lac, icb=icb, name=f"{name} LeDeR governance panel", quorum=3
    )
    return world
