"""Issue 15 items 4 and 6: a case imported "on hold" is a hold like one made in the service. Its
process (kind, organisation, reference, expected end) is kept; it is counted on the dashboard by
kind; the reminder goes when its expected end has passed; it can be ended with an outcome, the
due date then moving later by its days on hold; and its history reads like a hold made here."""

from datetime import date, timedelta

import pytest
from django.core import mail

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework import deadlines
from leder.casework.models import Case, CaseHold, CaseState, HoldKind
from leder.casework.selectors.dashboard import figures_by_icb
from leder.casework.services.hold_reminders import hold_reminders_send
from leder.casework.services.lifecycle import case_transition
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.time import today
from leder.imports import services, tasks
from leder.imports.models import ImportRow
from leder.imports.tests.factories import as_csv, row
from leder.notifications.tests.factories import nhs_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb()


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def reviewer(icb):
    return make_reviewer(icb)


def _import(lac, icb, rows):
    batch = tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="holds.csv", content=as_csv(rows)
    )
    problems = [r for r in batch.report["rows"] if r["outcome"] != "ready"]
    assert problems == []
    services.import_batch_commit(actor=lac, batch=batch)
    numbers = dict(ImportRow.objects.filter(batch=batch).values_list("row_number", "notification"))
    return [Case.objects.get(notification_id=numbers[n]) for n in range(2, len(rows) + 2)]


def held(kind: str, n: int, *, expected: date, reviewer=None) -> dict:
    return row(
        given_name=f"Held{n}",
        family_name=f"Person{n}",
        nhs_number=nhs_number(),
        outcome="on_hold",
        reviewer_email=reviewer.user.email if reviewer else "",
        allocated_on="2025-01-05" if reviewer else "",
        hold_kind=kind,
        hold_started_on="2025-02-01",
        hold_reason="Waiting for the other process" if kind == "other" else "",
        hold_organisation="HM Coroner for West Yorkshire" if kind == "coroner" else "",
        hold_reference=f"REF-{n}",
        hold_expected_end_on=expected.isoformat(),
    )


def test_an_imported_hold_is_counted_reminded_and_ended_like_a_hold_made_here(icb, lac, reviewer):
    passed, coming = today() - timedelta(days=10), today() + timedelta(days=30)
    kinds = HoldKind.values
    rows = [
        held(kind, n, expected=passed, reviewer=reviewer if n % 2 else None)
        for n, kind in enumerate(kinds)
    ]
    rows.append(held(HoldKind.POLICE, 99, expected=coming))
    cases = _import(lac, icb, rows)

    # The process is kept, open.
    for case, r in zip(cases, rows, strict=True):
        hold = CaseHold.objects.get(case=case)
        assert (hold.kind, hold.other_reference, hold.expected_end_on, hold.ended_at) == (
            r["hold_kind"],
            r["hold_reference"],
            date.fromisoformat(r["hold_expected_end_on"]),
            None,
        )
        assert case.state == CaseState.ON_HOLD

    # The dashboard counts them by kind.
    figures = figures_by_icb(icb_ids=[icb.pk], today=today())[icb.pk]
    assert figures.on_hold == len(rows)
    for kind in kinds:
        expected = 2 if kind == HoldKind.POLICE else 1
        assert getattr(figures, f"on_hold_{kind}") == expected, kind

    # The reminder goes for each hold whose expected end has passed, not for the one to come.
    mail.outbox.clear()
    run = hold_reminders_send()
    assert sorted(run.reminded) == sorted(c.reference for c in cases[: len(kinds)])
    assert all(lac.email in m.to for m in mail.outbox)
    assert hold_reminders_send().reminded == []  # once a day

    # Each ends with an outcome, back to the state it was held from, the due date moving later
    # by its days on hold (the clock stopped from the file's date put on hold).
    for case in cases:
        before = case.held_from_state
        case_transition(
            actor=lac,
            case=case,
            transition="resume",
            reason="The process has ended",
            details={"outcome": "Concluded"},
        )
        case.refresh_from_db()
        hold = CaseHold.objects.get(case=case)
        assert (case.state, hold.outcome) == (before, "Concluded")
        days = (today() - date(2025, 2, 1)).days
        assert deadlines.days_on_hold([hold]) in (days, days + 1)
        assert case.due_on == deadlines.due_date(
            notified_on=case.notified_on, hold_days=deadlines.days_on_hold([hold])
        )
    figures = figures_by_icb(icb_ids=[icb.pk], today=today())[icb.pk]
    assert figures.on_hold == 0


def test_an_imported_holds_history_names_its_process_as_one_made_here_does(icb, lac, reviewer):
    [imported] = _import(
        lac, icb, [held(HoldKind.CORONER, 1, expected=date(2026, 3, 1), reviewer=reviewer)]
    )
    made = CaseMaker(icb=icb, lac=lac).make(CaseState.AWAITING_ALLOCATION)
    case_transition(
        actor=lac,
        case=made,
        transition="hold",
        reason="Coroner's inquest",
        details={
            "hold_kind": "coroner",
            "other_organisation": "HM Coroner for West Yorkshire",
            "other_reference": "REF-1",
            "expected_end_on": "2026-03-01",
        },
    )
    here = made.events.get(transition="hold").details
    there = imported.events.get(transition="hold").details
    for key in ("hold_kind", "other_organisation", "other_reference", "expected_end_on"):
        assert there[key] == here[key], key
