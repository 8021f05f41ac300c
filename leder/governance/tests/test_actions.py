"""Actions: SMART validation, who may agree and update them, the status rules, overdue at the
day boundary in Europe/London, progress figures, the action plan, and reminders sent once."""

import smtplib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.models import AuditEvent
from leder.core.time import now
from leder.governance.models import (
    Action,
    ActionPlan,
    ActionReminder,
    ActionReminderKind,
    ActionStatus,
)
from leder.governance.presenters.actions import ActionPresenter, due_text, progress
from leder.governance.selectors.actions import ActionFilters, action_counts, action_list
from leder.governance.services import actions as services
from leder.governance.services.actions import reminders as reminder_services
from leder.governance.services.actions import smart as smart_services
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import LearningTheme, Review, ReviewKind

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


# Set-up ---------------------------------------------------------------------------------------


@pytest.fixture
def icb():
    return make_icb(name="NHS Test ICB", short_name="Test ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb, email="lac@leder.test")


@pytest.fixture
def chair(icb):
    return user_with_role(Role.PANEL_CHAIR, icb)


@pytest.fixture
def member(icb):
    return user_with_role(Role.PANEL_MEMBER, icb)


@pytest.fixture
def trust():
    return Organisation.objects.create(
        ods_code="TSTRX1", name="Test Hospitals NHS Trust", kind=OrganisationKind.TRUST
    )


@pytest.fixture
def theme():
    return LearningTheme.objects.filter(active=True).order_by("name").first()


def make_review(icb, lac, *, kind=ReviewKind.FOCUSED) -> Review:
    case = CaseMaker(icb=icb, lac=lac).make(CaseState.AWAITING_ALLOCATION)
    return Review.objects.create(case=case, kind=kind, started_at=now(), started_by=lac)


@pytest.fixture
def review(icb, lac):
    return make_review(icb, lac)


def smart(icb, trust, review, theme, **overrides) -> dict:
    answers = {
        "icb": icb,
        "title": "Train ward staff at the district hospital to use hospital passports",
        "description": "",
        "owner_organisation": trust,
        "owner_name": "Director of Nursing",
        "owner_email": "owner@trust.test",
        "due_on": timezone.localdate() + timedelta(days=90),
        "measure": "90% of ward staff trained, from the training records",
        "reviews": [review],
        "themes": [theme],
    }
    answers.update(overrides)
    return answers


def agree(actor, icb, trust, review, theme, **overrides) -> Action:
    return services.action_create(actor=actor, **smart(icb, trust, review, theme, **overrides))


@pytest.fixture
def action(member, icb, trust, review, theme):
    return agree(member, icb, trust, review, theme)


def due(action: Action, on: date) -> Action:
    """Set the due date directly: the due-date service is tested on its own."""
    Action.objects.filter(pk=action.pk).update(due_on=on)
    action.refresh_from_db()
    return action


# Creating -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LAC])
def test_the_icbs_panel_and_lac_agree_actions(role, icb, trust, review, theme):
    actor = user_with_role(role, icb)
    action = agree(actor, icb, trust, review, theme)
    assert action.status == ActionStatus.OPEN
    assert action.reference == f"ACT-{timezone.localdate().year}-0001"
    assert list(action.reviews.all()) == [review]
    assert list(action.themes.all()) == [theme]
    assert action.updates.get().note == "Action agreed"
    event = AuditEvent.objects.filter(object_type="governance.Action").get()
    assert event.details["reviews"] == [review.case.reference]


@pytest.mark.parametrize(
    "role", [Role.REVIEWER, Role.SENIOR_REVIEWER, Role.ICB_LEAD, Role.NATIONAL_ANALYST]
)
def test_other_roles_cannot_agree_actions(role, icb, trust, review, theme):
    actor = user_with_role(role, icb if role != Role.NATIONAL_ANALYST else None)
    with pytest.raises(PermissionDenied):
        agree(actor, icb, trust, review, theme)
    assert not Action.objects.exists()


def test_another_icbs_panel_cannot_agree_this_icbs_actions(icb, trust, review, theme):
    outsider = user_with_role(Role.PANEL_CHAIR, make_icb())
    with pytest.raises(PermissionDenied):
        agree(outsider, icb, trust, review, theme)


def test_references_are_numbered_in_sequence_per_year(member, icb, trust, review, theme):
    first = agree(member, icb, trust, review, theme)
    second = agree(member, icb, trust, review, theme)
    year = timezone.localdate().year
    assert [first.reference, second.reference] == [f"ACT-{year}-0001", f"ACT-{year}-0002"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "Improve care"}, "title", "Say specifically what will be done"),
        ({"title": ""}, "title", "Enter what will be done"),
        ({"owner_organisation": None}, "owner_organisation", "Select the organisation"),
        ({"owner_name": "  "}, "owner_name", "Enter the name or job title"),
        ({"owner_email": "not-an-address"}, "owner_email", "right format"),
        ({"due_on": None}, "due_on", "Enter the date the action is due"),
        ({"measure": ""}, "measure", "Enter how you will know the action is complete"),
        ({"measure": "done"}, "measure", "Say how completion will be measured"),
        ({"reviews": []}, "reviews", "Give at least one review"),
        ({"themes": []}, "themes", "Select at least one learning theme"),
    ],
)
def test_smart_rules_are_explained_in_plain_words(
    member, icb, trust, review, theme, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        agree(member, icb, trust, review, theme, **overrides)
    assert message in refused.value.message_dict[field][0]
    assert not Action.objects.exists()
    assert not AuditEvent.objects.filter(object_type="governance.Action").exists()


@pytest.mark.parametrize("days", [0, -1])
def test_the_due_date_must_be_in_the_future(member, icb, trust, review, theme, days):
    on = timezone.localdate() + timedelta(days=days)
    with pytest.raises(ValidationError) as refused:
        agree(member, icb, trust, review, theme, due_on=on)
    assert refused.value.message_dict["due_on"] == ["The due date must be in the future"]


def test_reviews_must_be_the_icbs(member, icb, trust, theme):
    other = make_icb()
    foreign = make_review(other, user_with_role(Role.LAC, other))
    with pytest.raises(ValidationError) as refused:
        agree(member, icb, trust, foreign, theme, reviews=[foreign])
    assert refused.value.message_dict["reviews"] == [
        "Every review must be one of this ICB’s reviews"
    ]


def test_retired_themes_are_refused(member, icb, trust, review):
    retired = LearningTheme.objects.create(name="Retired theme for a test", active=False)
    with pytest.raises(ValidationError) as refused:
        agree(member, icb, trust, review, retired)
    assert "current list" in refused.value.message_dict["themes"][0]


def test_a_priority_must_be_from_the_icbs_plan(member, icb, trust, review, theme):
    other = make_icb()
    keeper = user_with_role(Role.ICB_LEAD, other)
    plan = services.action_plan_create(
        actor=keeper, icb=other, title="Theirs", starts_on=TODAY, ends_on=date(2029, 3, 31)
    )
    priority = services.action_plan_priority_save(actor=keeper, plan=plan, title="Theirs")
    with pytest.raises(ValidationError) as refused:
        agree(member, icb, trust, review, theme, priority=priority)
    assert "priority" in refused.value.message_dict


# Status rules ---------------------------------------------------------------------------------


def test_open_to_in_progress_to_completed_with_evidence(action, lac):
    services.action_update(
        actor=lac, action=action, note="Training booked", to_status=ActionStatus.IN_PROGRESS
    )
    assert action.status == ActionStatus.IN_PROGRESS
    services.action_update(
        actor=lac,
        action=action,
        note="",
        to_status=ActionStatus.COMPLETED,
        evidence="Training register: 94% trained",
    )
    assert action.status == ActionStatus.COMPLETED
    assert action.completion_evidence == "Training register: 94% trained"
    assert action.completed_on == timezone.localdate()
    notes = list(action.updates.order_by("at", "pk").values_list("to_status", "note"))
    assert notes[-1] == ("completed", "Completed. Evidence: Training register: 94% trained")


def test_completing_needs_evidence(action, lac):
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=lac, action=action, note="", to_status="completed")
    assert refused.value.message_dict["evidence"] == [
        "Enter the evidence that the action is complete"
    ]
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert action.updates.count() == 1


def test_cancelling_needs_a_reason(action, lac):
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=lac, action=action, note="", to_status="cancelled")
    assert refused.value.message_dict["reason"] == ["Enter why the action is cancelled"]
    services.action_update(
        actor=lac, action=action, note="", to_status="cancelled", reason="Service closed"
    )
    assert action.status == ActionStatus.CANCELLED
    assert action.cancellation_reason == "Service closed"


def test_a_plain_update_needs_a_note(action, lac):
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=lac, action=action, note=" ")
    assert "note" in refused.value.message_dict


def test_in_progress_cannot_go_back_to_open(action, lac):
    services.action_update(actor=lac, action=action, note="Started", to_status="in_progress")
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=lac, action=action, note="Oops", to_status="open")
    assert "cannot be moved to open" in refused.value.message_dict["to_status"][0]


@pytest.mark.parametrize("final", ["completed", "cancelled"])
def test_finished_actions_are_final_for_everyone_but_the_chair(action, lac, member, final):
    services.action_update(
        actor=lac, action=action, note="", to_status=final, evidence="Done", reason="Gone"
    )
    with pytest.raises(ValidationError):
        services.action_update(actor=lac, action=action, note="More news")
    for actor in (lac, member):
        with pytest.raises(PermissionDenied):
            services.action_update(
                actor=actor, action=action, note="", to_status="in_progress", reason="Not done"
            )
    action.refresh_from_db()
    assert action.status == final


def test_the_chair_reopens_with_a_reason_and_the_trail_keeps_the_evidence(action, lac, chair):
    services.action_update(
        actor=lac, action=action, note="", to_status="completed", evidence="Register"
    )
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=chair, action=action, note="", to_status="in_progress")
    assert refused.value.message_dict["reason"] == ["Enter why the action is being reopened"]
    services.action_update(
        actor=chair, action=action, note="", to_status="in_progress", reason="Audit found gaps"
    )
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.completion_evidence == ""
    assert action.completed_on is None
    notes = [u.note for u in action.updates.order_by("at", "pk")]
    assert "Completed. Evidence: Register" in notes
    assert "Reopened. Reason: Audit found gaps" in notes


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.LAC, Role.ICB_LEAD, Role.PANEL_CHAIR])
def test_the_oversight_group_records_updates(action, icb, role):
    actor = user_with_role(role, icb)
    update = services.action_update(actor=actor, action=action, note="Owner phoned: on track")
    assert update.by == actor
    assert update.from_status == update.to_status == ActionStatus.OPEN


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SENIOR_REVIEWER])
def test_reviewers_cannot_update_actions(action, icb, role):
    with pytest.raises(PermissionDenied):
        services.action_update(actor=user_with_role(role, icb), action=action, note="x")
    assert action.updates.count() == 1


def test_another_icbs_lead_cannot_update(action):
    with pytest.raises(PermissionDenied):
        services.action_update(
            actor=user_with_role(Role.ICB_LEAD, make_icb()), action=action, note="x"
        )


# Due dates ------------------------------------------------------------------------------------


def test_the_due_date_moves_with_a_reason_and_is_audited(action, member):
    new = action.due_on + timedelta(days=30)
    services.action_due_date_change(
        actor=member, action=action, due_on=new, reason="Training provider delayed"
    )
    assert action.due_on == new
    assert "Reason: Training provider delayed" in action.updates.order_by("-pk").first().note
    event = AuditEvent.objects.filter(summary__startswith="Due date of action").get()
    assert event.details["reason"] == "Training provider delayed"


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(0, "Because", "due_on"), (-3, "Because", "due_on"), (30, "", "reason")],
)
def test_due_date_changes_are_checked(action, member, days, reason, field):
    before = action.due_on
    with pytest.raises(ValidationError) as refused:
        services.action_due_date_change(
            actor=member,
            action=action,
            due_on=timezone.localdate() + timedelta(days=days),
            reason=reason,
        )
    assert field in refused.value.message_dict
    action.refresh_from_db()
    assert action.due_on == before


def test_the_icb_lead_cannot_move_a_due_date(action, icb):
    with pytest.raises(PermissionDenied):
        services.action_due_date_change(
            actor=user_with_role(Role.ICB_LEAD, icb),
            action=action,
            due_on=action.due_on + timedelta(days=1),
            reason="x",
        )


# Overdue and progress -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [
        ("open", date(2026, 6, 14), "Overdue by 1 day"),
        ("in_progress", date(2026, 6, 5), "Overdue by 10 days"),
        ("open", date(2026, 6, 15), "Due today"),
        ("open", date(2026, 6, 29), "Due in 14 days"),
        ("open", date(2026, 6, 30), ""),
        ("completed", date(2026, 6, 1), ""),
        ("cancelled", date(2026, 6, 1), ""),
    ],
)
def test_due_text(status, due_on, expected):
    assert due_text(status=status, due_on=due_on, today=TODAY) == expected


def _at(monkeypatch, instant: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: instant)


def test_overdue_starts_at_midnight_in_london_not_utc(monkeypatch, action):
    due(action, date(2026, 6, 15))
    day = date(2026, 6, 15)
    # 23:59 BST on the due date is 22:59 UTC: not yet overdue.
    _at(monkeypatch, datetime(2026, 6, 15, 22, 59, tzinfo=UTC))
    assert timezone.localdate() == day
    assert not ActionPresenter(action, today=timezone.localdate()).overdue
    visible = Action.objects.filter(pk=action.pk)
    assert action_counts(visible, today=timezone.localdate()).overdue == 0
    # 00:00 BST the next day is 23:00 UTC on the due date: overdue by one day, though UTC
    # still says it is the due date.
    _at(monkeypatch, datetime(2026, 6, 15, 23, 0, tzinfo=UTC))
    presenter = ActionPresenter(action, today=timezone.localdate())
    assert presenter.overdue
    assert presenter.due_text == "Overdue by 1 day"
    assert presenter.due_tag == {"text": "Overdue by 1 day", "classes": "nhsuk-tag--red"}
    assert action_counts(visible, today=timezone.localdate()).overdue == 1


def test_the_overdue_filter_uses_the_same_rule(action, member, icb, trust, review, theme):
    later = agree(member, icb, trust, review, theme)
    finished = agree(member, icb, trust, review, theme)
    due(action, TODAY - timedelta(days=1))
    due(later, TODAY)
    due(finished, TODAY - timedelta(days=5))
    services.action_update(
        actor=member, action=finished, note="", to_status="cancelled", reason="Merged"
    )
    listed = action_list(user=member, filters=ActionFilters(overdue=True), today=TODAY)
    assert [a.reference for a in listed] == [action.reference]


def test_progress_is_completed_out_of_all_but_cancelled(member, icb, trust, review, theme):
    made = [agree(member, icb, trust, review, theme) for _ in range(5)]
    services.action_update(actor=member, action=made[0], note="", to_status="completed",
                           evidence="Report")  # fmt: skip
    services.action_update(actor=member, action=made[1], note="", to_status="cancelled",
                           reason="Duplicate")  # fmt: skip
    services.action_update(actor=member, action=made[2], note="Begun", to_status="in_progress")
    counts = action_counts(Action.objects.all(), today=TODAY)
    assert (counts.total, counts.open, counts.in_progress) == (5, 2, 1)
    assert (counts.completed, counts.cancelled) == (1, 1)
    assert counts.progress.text == "1 of 4 actions completed (25%)"


def test_progress_with_nothing_to_count():
    assert progress(total=2, completed=0, cancelled=2).percent is None
    assert progress(total=0, completed=0, cancelled=0).text == "No actions to count yet"


# The action plan ------------------------------------------------------------------------------


@pytest.fixture
def lead(icb):
    return user_with_role(Role.ICB_LEAD, icb)


def test_the_lead_keeps_a_three_year_plan_with_priorities(lead, icb, theme):
    plan = services.action_plan_create(
        actor=lead, icb=icb, title="2026 to 2029", starts_on=date(2026, 4, 1),
        ends_on=date(2029, 3, 31),
    )  # fmt: skip
    first = services.action_plan_priority_save(
        actor=lead, plan=plan, title="Annual health checks", themes=[theme]
    )
    second = services.action_plan_priority_save(actor=lead, plan=plan, title="Epilepsy care")
    assert (first.order, second.order) == (1, 2)
    services.action_plan_priority_save(
        actor=lead, plan=plan, priority=first, title="Annual health checks for all"
    )
    first.refresh_from_db()
    assert first.title == "Annual health checks for all"
    assert AuditEvent.objects.filter(object_type="governance.ActionPlanPriority").count() == 3


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        (date(2026, 4, 1), date(2026, 4, 1), "ends_on", "The end date must be after"),
        (date(2026, 4, 1), date(2029, 4, 1), "ends_on", "at most 3 years"),
        (None, date(2029, 3, 31), "starts_on", "Enter the date the plan starts"),
    ],
)
def test_plan_dates_are_checked(lead, icb, starts_on, ends_on, field, message):
    with pytest.raises(ValidationError) as refused:
        services.action_plan_create(
            actor=lead, icb=icb, title="Plan", starts_on=starts_on, ends_on=ends_on
        )
    assert message in refused.value.message_dict[field][0]
    assert not ActionPlan.objects.exists()


def test_plans_of_one_icb_do_not_overlap(lead, icb):
    services.action_plan_create(
        actor=lead, icb=icb, title="First", starts_on=date(2026, 4, 1), ends_on=date(2029, 3, 31)
    )
    with pytest.raises(ValidationError) as refused:
        services.action_plan_create(
            actor=lead, icb=icb, title="Second", starts_on=date(2028, 4, 1),
            ends_on=date(2031, 3, 31),
        )  # fmt: skip
    assert "already covers" in refused.value.message_dict["starts_on"][0]


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.SENIOR_REVIEWER, Role.REVIEWER])
def test_only_the_lead_chair_and_lac_keep_the_plan(role, icb):
    with pytest.raises(PermissionDenied):
        services.action_plan_create(
            actor=user_with_role(role, icb), icb=icb, title="Plan", starts_on=date(2026, 4, 1),
            ends_on=date(2029, 3, 31),
        )  # fmt: skip


def test_an_action_is_placed_under_a_priority(action, lead, member, icb):
    plan = services.action_plan_create(
        actor=lead, icb=icb, title="Plan", starts_on=date(2026, 4, 1), ends_on=date(2029, 3, 31)
    )
    priority = services.action_plan_priority_save(actor=lead, plan=plan, title="Passports")
    services.action_priority_change(actor=member, action=action, priority=priority)
    assert action.priority == priority
    assert "Placed under ‘Passports’" in action.updates.order_by("-pk").first().note


# Reminders ------------------------------------------------------------------------------------


@pytest.fixture
def soon_and_late(action, member, icb, trust, review, theme):
    """One action due in 10 days, one 3 days overdue, one due in 30 days, one overdue but
    completed."""
    late = agree(member, icb, trust, review, theme, owner_email="late@trust.test")
    far = agree(member, icb, trust, review, theme)
    done = agree(member, icb, trust, review, theme)
    services.action_update(actor=member, action=done, note="", to_status="completed",
                           evidence="Report")  # fmt: skip
    due(action, TODAY + timedelta(days=10))
    due(late, TODAY - timedelta(days=3))
    due(far, TODAY + timedelta(days=30))
    due(done, TODAY - timedelta(days=3))
    return action, late


def test_reminders_go_to_the_owner_and_the_lacs_once(soon_and_late, lac, icb):
    soon, late = soon_and_late
    second_lac = user_with_role(Role.LAC, icb, email="lac2@leder.test")
    run = services.action_reminders_send(today=TODAY)
    assert sorted(run.sent) == sorted(
        [(soon.reference, ActionReminderKind.DUE_SOON), (late.reference, "overdue")]
    )
    by_subject = {m.subject: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    overdue_mail = by_subject[f"LeDeR action {late.reference} is overdue"]
    assert sorted(overdue_mail.to) == sorted(["late@trust.test", lac.email, second_lac.email])
    assert "it is overdue by 3 days" in overdue_mail.body
    assert f"/staff/governance/actions/{late.reference}" in overdue_mail.body

    again = services.action_reminders_send(today=TODAY)
    assert again.sent == [] and again.already_sent == 2
    assert len(mail.outbox) == 2
    assert ActionReminder.objects.count() == 2


def test_a_due_soon_action_is_reminded_again_when_overdue(soon_and_late):
    soon, _ = soon_and_late
    services.action_reminders_send(today=TODAY)
    mail.outbox.clear()
    run = services.action_reminders_send(today=soon.due_on + timedelta(days=1))
    assert (soon.reference, "overdue") in run.sent


def test_a_new_due_date_allows_new_reminders(soon_and_late, member, monkeypatch):
    soon, _ = soon_and_late
    services.action_reminders_send(today=TODAY)
    mail.outbox.clear()
    # The service checks "in the future" against the real today: pin it to TODAY.
    monkeypatch.setattr(smart_services, "today", lambda: TODAY)
    services.action_due_date_change(
        actor=member, action=soon, due_on=TODAY + timedelta(days=12), reason="Delayed"
    )
    run = services.action_reminders_send(today=TODAY)
    assert run.sent == [(soon.reference, "due_soon")]
    assert len(mail.outbox) == 1
    assert ActionReminder.objects.filter(action=soon).count() == 2


def test_a_failed_send_is_tried_again_next_run(soon_and_late, monkeypatch):
    def broken(**kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(reminder_services, "send_mail", broken)
    run = services.action_reminders_send(today=TODAY)
    assert len(run.failed) == 2 and not ActionReminder.objects.exists()
    monkeypatch.undo()
    assert len(services.action_reminders_send(today=TODAY).sent) == 2


def test_a_reminder_claimed_elsewhere_is_not_sent(soon_and_late):
    soon, late = soon_and_late
    # Another run (started at the same moment) has already claimed the overdue reminder.
    ActionReminder.objects.create(
        action=late, kind="overdue", due_on=late.due_on, sent_at=now(), recipients=[]
    )
    run = services.action_reminders_send(today=TODAY)
    assert run.sent == [(soon.reference, "due_soon")]
    assert len(mail.outbox) == 1


def test_the_command_runs_the_reminders(soon_and_late, capsys):
    call_command("send_action_reminders", "--date", TODAY.isoformat())
    assert "2 sent" in capsys.readouterr().out
    call_command("send_action_reminders", "--date", TODAY.isoformat())
    assert "0 sent" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_an_action_with_nobody_to_remind_is_reported(action, icb, lac):
    lac.is_active = False
    lac.save()
    Action.objects.filter(pk=action.pk).update(owner_email="", due_on=TODAY)
    run = services.action_reminders_send(today=TODAY)
    assert run.unreachable == [action.reference]
    assert not mail.outbox
