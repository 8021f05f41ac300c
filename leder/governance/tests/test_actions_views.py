"""The action pages: the permission matrix of every page (each role, another ICB, anonymous),
bad input (a clear message, nothing written), filters, counts and the CSV."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditEvent
from leder.governance.models import Action, ActionPlan, ActionPlanPriority, ActionStatus
from leder.governance.services import actions as services
from leder.governance.tests.test_actions import agree, make_review
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import LearningTheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return make_region(name="Test Region")


@pytest.fixture
def icb(region):
    return make_icb(name="NHS Test ICB", short_name="Test ICB", region=region)


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


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


@pytest.fixture
def review(icb, lac):
    return make_review(icb, lac)


@pytest.fixture
def action(member, icb, trust, review, theme):
    return agree(member, icb, trust, review, theme)


@pytest.fixture
def finished(member, icb, trust, review, theme):
    done = agree(member, icb, trust, review, theme)
    services.action_update(
        actor=member, action=done, note="", to_status="completed", evidence="Audit report"
    )
    return done


@pytest.fixture
def plan(icb):
    lead = user_with_role(Role.ICB_LEAD, icb)
    plan = services.action_plan_create(
        actor=lead, icb=icb, title="2026 to 2029", starts_on=date(2026, 4, 1),
        ends_on=date(2029, 3, 31),
    )  # fmt: skip
    services.action_plan_priority_save(actor=lead, plan=plan, title="Hospital passports")
    return plan


def user_for(who: str, icb, region):
    """A user for a row of the matrix: a role at the ICB, a regional coordinator of its region
    or of another, another ICB's LAC, or a national role."""
    if who == "other_icb_lac":
        return user_with_role(Role.LAC, make_icb())
    if who == "other_region_coordinator":
        elsewhere = make_region()
        make_icb(region=elsewhere)
        return user_with_role(Role.REGIONAL_COORDINATOR, elsewhere)
    if who == Role.REGIONAL_COORDINATOR:
        return user_with_role(who, region)
    if who in (Role.NATIONAL_ANALYST, Role.ADMINISTRATOR):
        return user_with_role(who)
    return user_with_role(who, icb)


READERS = {
    Role.LAC,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
    Role.REGIONAL_COORDINATOR,
}
AGREERS = {Role.LAC, Role.PANEL_MEMBER, Role.PANEL_CHAIR}
UPDATERS = AGREERS | {Role.ICB_LEAD}
KEEPERS = {Role.LAC, Role.PANEL_CHAIR, Role.ICB_LEAD}
WHO = [
    Role.LAC,
    Role.REVIEWER,
    Role.SENIOR_REVIEWER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.ICB_LEAD,
    Role.REGIONAL_COORDINATOR,
    Role.NATIONAL_ANALYST,
    Role.ADMINISTRATOR,
    "other_icb_lac",
    "other_region_coordinator",
]
# Pages of one action or plan: (url name, which object, who may open it).
OBJECT_PAGES = [
    ("action_detail", "action", READERS),
    ("action_update", "action", UPDATERS),
    ("action_complete", "action", UPDATERS),
    ("action_cancel", "action", UPDATERS),
    ("action_due_date", "action", AGREERS),
    ("action_priority", "action", AGREERS),
    ("action_reopen", "finished", {Role.PANEL_CHAIR}),
    ("plan_detail", "plan", READERS),
    ("plan_edit", "plan", KEEPERS),
    ("priority_add", "plan", KEEPERS),
    ("priority_edit", "priority", KEEPERS),
]
# Pages not about one object: a user from elsewhere sees their own (empty) list or form.
LIST_PAGES = [
    ("action_list", READERS | {"other_icb_lac", "other_region_coordinator"}),
    ("action_list_csv", READERS | {"other_icb_lac", "other_region_coordinator"}),
    ("plan_list", READERS | {"other_icb_lac", "other_region_coordinator"}),
    ("action_create", AGREERS | {"other_icb_lac"}),
    ("plan_create", KEEPERS | {"other_icb_lac"}),
]
READS_SOMETHING = READERS | {"other_icb_lac", "other_region_coordinator"}


def object_url(name: str, which: str, *, action, finished, plan) -> str:
    if which in ("action", "finished"):
        target = action if which == "action" else finished
        return reverse(f"governance:{name}", kwargs={"reference": target.reference})
    if which == "priority":
        priority = plan.priorities.get()
        return reverse(f"governance:{name}", kwargs={"pk": plan.pk, "priority_pk": priority.pk})
    return reverse(f"governance:{name}", kwargs={"pk": plan.pk})


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "which", "allowed"), OBJECT_PAGES)
def test_object_pages_permission_matrix(
    client, icb, region, action, finished, plan, who, name, which, allowed
):
    sign_in_verified(client, user_for(who, icb, region))
    response = client.get(object_url(name, which, action=action, finished=finished, plan=plan))
    if who in allowed:
        expected = 200
    elif who in ("other_icb_lac", "other_region_coordinator"):
        expected = 404  # another ICB's action or plan is not found, as if it did not exist
    elif who in READS_SOMETHING:
        expected = 403
    else:
        expected = 403  # a role that never reads actions
    assert response.status_code == expected


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "allowed"), LIST_PAGES)
def test_list_pages_permission_matrix(client, icb, region, action, who, name, allowed):
    sign_in_verified(client, user_for(who, icb, region))
    response = client.get(reverse(f"governance:{name}"))
    assert response.status_code == (200 if who in allowed else 403)
    if name == "action_list" and response.status_code == 200:
        shown = action.reference in response.content.decode()
        assert shown == (who not in ("other_icb_lac", "other_region_coordinator"))


@pytest.mark.parametrize(
    "url",
    [
        "governance:action_list",
        "governance:action_create",
        "governance:plan_list",
        "governance:plan_create",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302 and "/account/sign-in" in response.url


def test_anonymous_visitors_cannot_open_an_action(client, action):
    response = client.get(reverse("governance:action_detail", args=[action.reference]))
    assert response.status_code == 302 and "/account/sign-in" in response.url


def test_an_unknown_reference_is_not_found(client, lac):
    sign_in_verified(client, lac)
    assert (
        client.get(reverse("governance:action_detail", args=["ACT-2026-9999"])).status_code == 404
    )


# The list ------------------------------------------------------------------------------------


@pytest.fixture
def three_actions(member, icb, trust, review, theme):
    """Overdue (open), completed, and open not yet due."""
    other_owner = Organisation.objects.create(
        ods_code="TSTLA1", name="Test Borough Council", kind=OrganisationKind.LOCAL_AUTHORITY
    )
    other_theme = LearningTheme.objects.filter(active=True).exclude(pk=theme.pk).first()
    late = agree(
        member, icb, trust, review, theme, title="Audit epilepsy reviews in all GP practices"
    )
    done = agree(member, icb, other_owner, review, other_theme,
                 title="Publish an easy read guide to annual health checks")  # fmt: skip
    later = agree(member, icb, trust, review, theme, title="Train care home staff to spot sepsis")
    Action.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=4))
    services.action_update(
        actor=member, action=done, note="", to_status="completed", evidence="Guide published"
    )
    return late, done, later, other_owner, other_theme


def test_the_list_shows_counts_progress_and_overdue(client, member, three_actions):
    late, done, later, *_ = three_actions
    sign_in_verified(client, member)
    body = client.get(reverse("governance:action_list")).content.decode()
    assert "1 of 3 actions completed (33%)" in body
    assert "Overdue by 4 days" in body
    assert all(a.reference in body for a in (late, done, later))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "completed"}, ["done"]),
        ({"overdue": "on"}, ["late"]),
        ({"owner": "other_owner"}, ["done"]),
        ({"theme": "other_theme"}, ["done"]),
        ({"status": "open"}, ["late", "later"]),
    ],
)
def test_the_list_filters(client, member, three_actions, query, expected):
    late, done, later, other_owner, other_theme = three_actions
    named = {"late": late, "done": done, "later": later}
    values = {"other_owner": other_owner.pk, "other_theme": other_theme.pk}
    params = {k: values.get(v, v) for k, v in query.items()}
    sign_in_verified(client, member)
    body = client.get(reverse("governance:action_list"), params).content.decode()
    for key, action in named.items():
        assert (action.reference in body) == (key in expected), key


def test_the_list_filters_by_priority(client, member, plan, three_actions):
    late, _done, later, *_ = three_actions
    priority = plan.priorities.get()
    services.action_priority_change(actor=member, action=later, priority=priority)
    sign_in_verified(client, member)
    body = client.get(reverse("governance:action_list"), {"priority": priority.pk}).content
    assert later.reference in body.decode() and late.reference not in body.decode()


def test_an_invalid_filter_is_shown_and_the_rest_apply(client, member, three_actions):
    late, done, *_ = three_actions
    sign_in_verified(client, member)
    response = client.get(reverse("governance:action_list"), {"status": "nonsense"})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert late.reference in body and done.reference in body


def test_the_csv_holds_the_filtered_list_and_is_audited(client, member, three_actions):
    late, _done, later, *_ = three_actions
    sign_in_verified(client, member)
    response = client.get(reverse("governance:action_list_csv"), {"status": "open"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Reference", "ICB", "What will be done"]
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_reference) == {late.reference, later.reference}
    assert by_reference[late.reference]["Days overdue"] == "4"
    assert by_reference[late.reference]["Status"] == "Open"
    assert by_reference[later.reference]["Days overdue"] == ""
    assert by_reference[late.reference]["Reviews (case references)"] == (
        late.reviews.get().case.reference
    )
    export = AuditEvent.objects.get(action="export", object_type="governance.ActionList")
    assert sorted(export.details["references"]) == sorted([late.reference, later.reference])


def test_the_csv_guards_against_formulas(client, member, icb, trust, review, theme):
    agree(member, icb, trust, review, theme, title='=HYPERLINK("http://x") train all ward staff')
    sign_in_verified(client, member)
    response = client.get(reverse("governance:action_list_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][2].startswith("'=HYPERLINK")


# Agreeing ------------------------------------------------------------------------------------


def create_data(review, trust, theme, **overrides) -> dict:
    due_on = timezone.localdate() + timedelta(days=60)
    data = {
        "title": "Train ward staff at the district hospital to use hospital passports",
        "description": "",
        "owner_organisation": trust.pk,
        "owner_name": "Director of Nursing",
        "owner_email": "owner@trust.test",
        "due_on_day": due_on.day,
        "due_on_month": due_on.month,
        "due_on_year": due_on.year,
        "measure": "90% of ward staff trained, from the training records",
        "case_references": review.case.reference.lower(),
        "themes": [theme.pk],
        "priority": "",
    }
    data.update(overrides)
    return data


def test_a_panel_member_agrees_an_action(client, member, review, trust, theme):
    sign_in_verified(client, member)
    response = client.post(reverse("governance:action_create"), create_data(review, trust, theme))
    action = Action.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "governance:action_detail", args=[action.reference]
    )
    assert list(action.reviews.all()) == [review]
    page = client.get(response.url).content.decode()
    assert review.case.reference in page and "Action agreed" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "Do better"}, "Say specifically what will be done"),
        ({"measure": ""}, "Enter how you will know the action is complete"),
        ({"owner_organisation": ""}, "Select the organisation that owns the action"),
        ({"due_on_day": "", "due_on_month": "", "due_on_year": ""}, "Enter the date the action"),
        ({"due_on_day": "31", "due_on_month": "2"}, "Due date must be a real date"),
        ({"due_on_year": "2020"}, "The due date must be in the future"),
        ({"case_references": ""}, "Give at least one review"),
        ({"case_references": "LDR-2026-999999"}, "No review of this ICB has the case reference"),
        ({"case_references": "the one from May"}, "Enter case references like"),
        ({"themes": []}, "Select at least one learning theme"),
        ({"themes": ["999999"]}, "Select themes from the list"),
    ],
)
def test_bad_answers_are_explained_and_nothing_is_written(
    client, member, review, trust, theme, overrides, message
):
    sign_in_verified(client, member)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("governance:action_create"), create_data(review, trust, theme, **overrides)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert not Action.objects.exists()
    assert AuditEvent.objects.count() == before


def test_another_icbs_review_cannot_be_linked(client, member, trust, theme):
    other = make_icb()
    foreign = make_review(other, user_with_role(Role.LAC, other))
    sign_in_verified(client, member)
    response = client.post(reverse("governance:action_create"), create_data(foreign, trust, theme))
    assert "No review of this ICB has the case reference" in response.content.decode()
    assert not Action.objects.exists()


def test_an_agenda_item_of_another_icb_is_not_found(client, member):
    sign_in_verified(client, member)
    assert client.get(reverse("governance:action_create"), {"item": "999999"}).status_code == 404


# Progress, completion, cancellation, reopening -------------------------------------------------


def test_the_icb_lead_records_progress(client, icb, action):
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, icb))
    url = reverse("governance:action_update", args=[action.reference])
    response = client.post(url, {"note": "Owner says training is booked", "started": "on"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert "Owner says training is booked" in client.get(response.url).content.decode()


def test_an_empty_update_is_refused(client, lac, action):
    sign_in_verified(client, lac)
    response = client.post(reverse("governance:action_update", args=[action.reference]), {})
    assert "Enter what has happened since the last update" in response.content.decode()
    assert action.updates.count() == 1


def test_completing_without_evidence_is_refused_then_done(client, lac, action):
    sign_in_verified(client, lac)
    url = reverse("governance:action_complete", args=[action.reference])
    response = client.post(url, {"evidence": " ", "note": ""})
    assert "Enter the evidence that the action is complete" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    response = client.post(url, {"evidence": "Training register shows 94%", "note": ""})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    page = client.get(response.url).content.decode()
    assert "Training register shows 94%" in page and "Reopen the action" not in page


def test_cancelling_without_a_reason_is_refused(client, lac, action):
    sign_in_verified(client, lac)
    url = reverse("governance:action_cancel", args=[action.reference])
    response = client.post(url, {"reason": ""})
    assert "Enter why the action is cancelled" in response.content.decode()
    assert client.post(url, {"reason": "The ward closed"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED


def test_a_finished_action_cannot_be_updated_through_the_forms(client, lac, finished):
    sign_in_verified(client, lac)
    response = client.post(
        reverse("governance:action_update", args=[finished.reference]), {"note": "More"}
    )
    assert "only the panel chair can reopen it" in response.content.decode()
    assert finished.updates.count() == 2


def test_the_chair_reopens_an_action(client, icb, finished):
    sign_in_verified(client, user_with_role(Role.PANEL_CHAIR, icb))
    url = reverse("governance:action_reopen", args=[finished.reference])
    response = client.post(url, {"to_status": "in_progress", "reason": ""})
    assert "Enter why the action is being reopened" in response.content.decode()
    response = client.post(url, {"to_status": "in_progress", "reason": "Audit found gaps"})
    assert response.status_code == 302
    finished.refresh_from_db()
    assert finished.status == ActionStatus.IN_PROGRESS


def test_the_due_date_form(client, member, action):
    sign_in_verified(client, member)
    url = reverse("governance:action_due_date", args=[action.reference])
    new = action.due_on + timedelta(days=20)
    data = {"due_on_day": new.day, "due_on_month": new.month, "due_on_year": new.year}
    response = client.post(url, {**data, "reason": ""})
    assert "Enter why the due date is changing" in response.content.decode()
    response = client.post(url, {**data, "reason": "Provider asked for more time"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_on == new


# Plans ----------------------------------------------------------------------------------------


def test_the_lead_starts_a_plan_and_adds_a_priority(client, icb, theme):
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, icb))
    data = {
        "title": "2026 to 2029",
        "starts_on_day": "1", "starts_on_month": "4", "starts_on_year": "2026",
        "ends_on_day": "31", "ends_on_month": "3", "ends_on_year": "2029",
        "summary": "",
    }  # fmt: skip
    response = client.post(reverse("governance:plan_create"), data)
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and plan.icb == icb
    response = client.post(
        reverse("governance:priority_add", args=[plan.pk]),
        {"title": "Annual health checks", "description": "", "themes": [theme.pk]},
    )
    assert response.status_code == 302
    assert ActionPlanPriority.objects.get().title == "Annual health checks"


def test_a_plan_longer_than_three_years_is_refused(client, icb):
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, icb))
    data = {
        "title": "Too long",
        "starts_on_day": "1", "starts_on_month": "4", "starts_on_year": "2026",
        "ends_on_day": "1", "ends_on_month": "4", "ends_on_year": "2030",
    }  # fmt: skip
    response = client.post(reverse("governance:plan_create"), data)
    assert "A plan covers at most 3 years" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_the_plan_page_shows_each_priority_with_its_actions_and_progress(
    client, member, plan, action, finished
):
    priority = plan.priorities.get()
    for a in (action, finished):
        services.action_priority_change(actor=member, action=a, priority=priority)
    sign_in_verified(client, member)
    body = client.get(reverse("governance:plan_detail", args=[plan.pk])).content.decode()
    assert "1. Hospital passports" in body
    assert "1 of 2 actions completed (50%)" in body
    assert action.reference in body and finished.reference in body
    assert 'value="50"' in body
