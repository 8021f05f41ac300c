"""What waits on the home page from governance: reviews waiting for quality assurance, reviews
for the next panel and to place on an agenda, overdue actions. Each count is taken through the
selector of the page it links to."""

from datetime import date

from django.urls import reverse

from leder.core.presenters import date_long
from leder.core.worklist import Waiting, worklist
from leder.governance.selectors.actions import ActionFilters, action_list, can_read_actions
from leder.governance.selectors.panels import (
    next_meetings_for,
    panel_icbs,
    reviews_waiting_for_agenda,
)
from leder.governance.selectors.qa import can_quality_assure, qa_queue


@worklist(order=25)
def quality_assurance(user, *, today: date) -> list[Waiting]:
    """Senior reviewers: the reviews in their QA queue."""
    if not can_quality_assure(user):
        return []
    return [
        Waiting(
            key="qa",
            label="Reviews waiting for quality assurance",
            count=qa_queue(user=user).count(),
            href=reverse("governance:qa_queue"),
        )
    ]


@worklist(order=50)
def panels(user, *, today: date) -> list[Waiting]:
    """Local area contacts, panel members and chairs: the reviews on the next meeting's agenda
    (one count a panel), and the focused reviews still to be placed on an agenda."""
    if not panel_icbs(user).exists():
        return []
    several = panel_icbs(user).count() > 1
    items = []
    for meeting in next_meetings_for(user=user, today=today):
        where = f" of {meeting.panel.icb.display_name}" if several else ""
        items.append(
            Waiting(
                key=f"next_panel_{meeting.pk}",
                label=f"Reviews for the next panel{where}, {date_long(meeting.starts_at)}",
                count=meeting.pending_items,
                href=reverse("governance:panel_meeting", args=[meeting.pk]),
            )
        )
    if not items:
        items.append(
            Waiting(
                key="next_panel",
                label="Reviews for the next panel",
                count=0,
                href=reverse("governance:panels"),
                hint="No panel meeting is scheduled",
            )
        )
    items.append(
        Waiting(
            key="to_agenda",
            label="Focused reviews to place on a panel's agenda",
            count=reviews_waiting_for_agenda(user=user),
            href=reverse("governance:panels"),
        )
    )
    return items


@worklist(order=60)
def overdue_actions(user, *, today: date) -> list[Waiting]:
    """Everyone who reads actions: those past their due date and not completed."""
    if not can_read_actions(user):
        return []
    overdue = action_list(user=user, filters=ActionFilters(overdue=True), today=today)
    return [
        Waiting(
            key="actions_overdue",
            label="Actions overdue",
            count=overdue.count(),
            href=reverse("governance:action_list") + "?overdue=on",
            late=True,
        )
    ]
