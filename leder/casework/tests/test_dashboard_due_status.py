"""`selectors.deadlines.due_status_q` says in SQL what `deadlines.due_status` says in Python: the
same status for every case at every boundary (due today, the last due-soon day, the first day
overdue, the last day before escalation, the first escalated day)."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from leder.casework.deadlines import DueStatus, due_status
from leder.casework.models import ACTIVE_STATES, Case, CaseState
from leder.casework.selectors.deadlines import due_status_q, past_due_q
from leder.casework.tests.dashboard_factories import person

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
STATES = [
    CaseState.AWAITING_ALLOCATION,
    CaseState.INITIAL_REVIEW,
    CaseState.PANEL,
    CaseState.ON_HOLD,
    CaseState.COMPLETED,
    CaseState.NOTIFIED,
]


def offsets() -> list[int]:
    soon, late = settings.LEDER_DUE_SOON_DAYS, settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS
    return sorted({soon + 1, soon, soon - 1, 1, 0, -1, -late + 1, -late, -late - 1, -late - 2})


def test_every_case_has_the_same_status_in_sql_as_in_python(cases):
    made = []
    for i, state in enumerate(STATES):
        case = cases.make(state, **person(i))
        for offset in offsets():
            # One case per state, moved through every boundary by its due date.
            Case.objects.filter(pk=case.pk).update(due_on=TODAY + timedelta(days=offset))
            expected = due_status(
                due_on=TODAY + timedelta(days=offset),
                today=TODAY,
                active=state in ACTIVE_STATES,
                on_hold=state == CaseState.ON_HOLD,
            )
            matching = [
                status
                for status in DueStatus.LABELS
                if Case.objects.filter(due_status_q(status, today=TODAY), pk=case.pk).exists()
            ]
            assert matching == [expected], (state, offset)
            is_past_due = Case.objects.filter(past_due_q(today=TODAY), pk=case.pk).exists()
            assert is_past_due == (expected in (DueStatus.OVERDUE, DueStatus.LONG_OVERDUE))
        made.append(case)
    assert len(made) == len(STATES)


def test_the_prefix_filters_through_another_model(cases):
    from leder.notifications.models import Notification

    case = cases.make(CaseState.INITIAL_REVIEW, **person(0))
    Case.objects.filter(pk=case.pk).update(due_on=TODAY - timedelta(days=3))

    found = Notification.objects.filter(
        due_status_q(DueStatus.OVERDUE, today=TODAY, prefix="case__")
    )

    assert list(found) == [case.notification]
