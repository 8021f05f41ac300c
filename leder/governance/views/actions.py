"""Actions and the three-year action plan: the ICB's list of actions (with its CSV), an action's
page, agreeing one (standalone or from a panel agenda item), recording progress, completion,
cancellation, reopening, a new due date and its place in the plan; the plans and priorities.

Reads go through `selectors.actions` (the ICB's oversight group, and regional coordinators for
their region's ICBs); a role that never reads actions gets a 403 and another ICB's action or
plan a 404. Writes go through `services.actions`, whose `ValidationError`s are shown on the
form, and whose `PermissionDenied` is a 403.
"""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import fields, form_page, posted
from leder.core.models import AuditAction
from leder.core.presenters import count
from leder.core.time import today
from leder.governance.forms import actions as forms
from leder.governance.models import ActionStatus
from leder.governance.presenters import actions as presenters
from leder.governance.selectors import actions as selectors
from leder.governance.services import actions as services


def _readers_only(request: HttpRequest) -> None:
    if not selectors.can_read_actions(request.user):
        raise PermissionDenied(
            "Actions are for the ICB’s local area contacts, senior reviewers, panel and executive "
            "lead, and for regional coordinators."
        )


def _action(request: HttpRequest, reference: str):
    _readers_only(request)
    return selectors.action_for(user=request.user, reference=reference)


def _list_form(request: HttpRequest) -> forms.ActionListForm:
    form = forms.ActionListForm(
        request.GET,
        icbs=selectors.action_icbs(request.user),
        owners=selectors.owner_organisations_in_use(request.user),
        themes=selectors.themes_offered(),
        priorities=selectors.priorities_visible_to(request.user),
    )
    form.is_valid()  # invalid filters are shown and left out; the rest still apply
    return form


@verified_staff_required
def action_list(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    form = _list_form(request)
    day = today()
    actions = selectors.action_list(user=request.user, filters=form.filters(), today=day)
    counts = selectors.action_counts(actions, today=day)
    rows = [presenters.ActionPresenter(a, today=day) for a in actions]
    query = request.GET.urlencode()
    return render(
        request,
        "governance/actions/list.jinja",
        {
            "form": form,
            "has_errors": bool(form.errors),
            "rows": rows,
            "counts": counts,
            "progress": counts.progress,
            "total": count(len(rows), "action"),
            "csv_href": reverse("governance:action_list_csv") + (f"?{query}" if query else ""),
            "can_agree": selectors.agreeing_icbs(request.user).exists(),
        },
    )


@verified_staff_required
def action_list_csv(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV. Audited as an export: who, which filters, which actions."""
    _readers_only(request)
    form = _list_form(request)
    day = today()
    filters = form.filters()
    actions = list(selectors.action_list(user=request.user, filters=filters, today=day))
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=("governance.ActionList", "csv"),
        summary=f"Exported {count(len(actions), 'action')} as CSV",
        details={"filters": filters.as_details(), "references": [a.reference for a in actions]},
        ip_address=audit.client_ip(request),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(presenters.CSV_HEADERS)
    for action in actions:
        writer.writerow(presenters.csv_row(action, today=day))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="actions-{day.isoformat()}.csv"'
    return response


@verified_staff_required
def action_detail(request: HttpRequest, reference: str) -> HttpResponse:
    action = _action(request, reference)
    user, icb = request.user, action.icb
    is_open = action.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    return render(
        request,
        "governance/actions/detail.jinja",
        {
            "a": presenters.ActionPresenter(action, today=today()),
            "updates": [presenters.UpdatePresenter(u) for u in selectors.action_updates(action)],
            "is_open": is_open,
            "can_update": is_open and services.can_update_actions(user, icb=icb),
            "can_agree": is_open and services.can_agree_actions(user, icb=icb),
            "can_place": services.can_agree_actions(user, icb=icb)
            and selectors.priorities_of(icb).exists(),
            "can_reopen": not is_open and services.can_reopen_actions(user, icb=icb),
        },
    )


@verified_staff_required
def action_create(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    icbs = selectors.agreeing_icbs(request.user)
    if not icbs.exists():
        raise PermissionDenied(
            "Only the ICB’s panel members, panel chair or local area contacts can agree actions."
        )
    item = None
    raw_item = request.GET.get("item", "")
    if raw_item:
        if not raw_item.isdigit():
            raise PermissionDenied("That is not an agenda item.")
        item = selectors.agenda_item_for(user=request.user, pk=int(raw_item))
        icbs = icbs.filter(pk=item.meeting.panel.icb_id)
    initial = {}
    if item is not None:
        initial["case_references"] = item.review.case.reference
    form = forms.ActionForm(
        posted(request),
        initial=initial,
        icbs=icbs,
        owners=selectors.owner_organisation_choices(icbs),
        themes=selectors.themes_offered(),
        priorities=selectors.priorities_visible_to(request.user).filter(plan__icb__in=icbs),
    )

    def agree(data):
        icb = form.chosen_icb()
        reviews, missing = selectors.reviews_for_references(icb=icb, references=form.references)
        if missing:
            raise ValidationError(
                {"reviews": f"No review of this ICB has the case reference {', '.join(missing)}"}
            )
        return services.action_create(
            actor=request.user,
            icb=icb,
            reviews=reviews,
            agenda_item=item,
            **fields(
                data,
                "title",
                "description",
                "owner_organisation",
                "owner_name",
                "owner_email",
                "due_on",
                "measure",
                "themes",
                "priority",
            ),
        )

    return form_page(
        request,
        form=form,
        template="governance/actions/create.jinja",
        save=agree,
        success=lambda action: redirect("governance:action_detail", reference=action.reference),
        message=lambda action: f"Action {action.reference} agreed",
        context={"item": item},
        rename={"reviews": "case_references"},
    )


def _change_page(request, reference, *, allowed, refusal):
    action = _action(request, reference)
    if not allowed(request.user, icb=action.icb):
        raise PermissionDenied(refusal)
    return action


UPDATE_REFUSAL = "Only the ICB’s panel, local area contacts or executive lead can update actions."
AGREE_REFUSAL = (
    "Only the ICB’s panel members, panel chair or local area contacts can change what was agreed."
)


def _action_page(request, action, *, form, template, save, message, rename=None) -> HttpResponse:
    """A form about one action: saved, it returns to the action's page."""
    return form_page(
        request,
        form=form,
        template=template,
        save=save,
        success=lambda _: redirect("governance:action_detail", reference=action.reference),
        message=message,
        context={"a": presenters.ActionPresenter(action, today=today())},
        rename=rename,
    )


def _status_page(request, reference, *, form_class, template, status, answers, message):
    """Recording progress, completion or cancellation: one call of `action_update` with the
    status `status(data)` and the form's `answers`."""
    action = _change_page(
        request, reference, allowed=services.can_update_actions, refusal=UPDATE_REFUSAL
    )
    form = form_class(posted(request))
    return _action_page(
        request,
        action,
        form=form,
        template=template,
        save=lambda data: services.action_update(
            actor=request.user,
            action=action,
            to_status=status(data),
            **{"note": "", **fields(data, *answers)},
        ),
        message=message,
    )


@verified_staff_required
def action_update(request: HttpRequest, reference: str) -> HttpResponse:
    return _status_page(
        request,
        reference,
        form_class=forms.ActionUpdateForm,
        template="governance/actions/update.jinja",
        status=lambda data: ActionStatus.IN_PROGRESS if data["started"] else None,
        answers=("note",),
        message="Update recorded",
    )


@verified_staff_required
def action_complete(request: HttpRequest, reference: str) -> HttpResponse:
    return _status_page(
        request,
        reference,
        form_class=forms.ActionCompleteForm,
        template="governance/actions/complete.jinja",
        status=lambda data: ActionStatus.COMPLETED,
        answers=("note", "evidence"),
        message="Action completed",
    )


@verified_staff_required
def action_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    return _status_page(
        request,
        reference,
        form_class=forms.ActionCancelForm,
        template="governance/actions/cancel.jinja",
        status=lambda data: ActionStatus.CANCELLED,
        answers=("reason",),
        message="Action cancelled",
    )


@verified_staff_required
def action_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    action = _change_page(
        request,
        reference,
        allowed=services.can_reopen_actions,
        refusal="Only the ICB’s panel chair can reopen a completed or cancelled action.",
    )
    return _action_page(
        request,
        action,
        form=forms.ActionReopenForm(posted(request)),
        template="governance/actions/reopen.jinja",
        save=lambda data: services.action_update(
            actor=request.user, action=action, note="", **fields(data, "to_status", "reason")
        ),
        message="Action reopened",
        rename={"note": "reason"},
    )


@verified_staff_required
def action_due_date(request: HttpRequest, reference: str) -> HttpResponse:
    action = _change_page(
        request, reference, allowed=services.can_agree_actions, refusal=AGREE_REFUSAL
    )
    return _action_page(
        request,
        action,
        form=forms.DueDateForm(posted(request)),
        template="governance/actions/due_date.jinja",
        save=lambda data: services.action_due_date_change(
            actor=request.user, action=action, **fields(data, "due_on", "reason")
        ),
        message="Due date changed",
    )


@verified_staff_required
def action_priority(request: HttpRequest, reference: str) -> HttpResponse:
    action = _change_page(
        request, reference, allowed=services.can_agree_actions, refusal=AGREE_REFUSAL
    )
    return _action_page(
        request,
        action,
        form=forms.PriorityPlacementForm(
            posted(request),
            initial={"priority": action.priority_id},
            priorities=selectors.priorities_of(action.icb),
        ),
        template="governance/actions/priority.jinja",
        save=lambda data: services.action_priority_change(
            actor=request.user, action=action, priority=data["priority"]
        ),
        message="Priority saved",
    )


# Action plans ----------------------------------------------------------------------------------


@verified_staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    plans = selectors.plans_visible_to(request.user).order_by("icb__name", "-starts_on")
    return render(
        request,
        "governance/actions/plan_list.jinja",
        {
            "plans": [presenters.PlanPresenter(p) for p in plans],
            "can_create": selectors.plan_keeping_icbs(request.user).exists(),
            "show_icb": selectors.action_icbs(request.user).count() > 1,
        },
    )


@verified_staff_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _readers_only(request)
    plan = selectors.plan_for(user=request.user, pk=pk)
    day = today()
    return render(
        request,
        "governance/actions/plan_detail.jinja",
        {
            "plan": presenters.PlanPresenter(plan),
            "priorities": [
                presenters.PriorityPresenter(p, today=day)
                for p in selectors.plan_priorities_with_actions(plan)
            ],
            "can_keep": services.can_keep_plans(request.user, icb=plan.icb),
        },
    )


@verified_staff_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    icbs = selectors.plan_keeping_icbs(request.user)
    if not icbs.exists():
        raise PermissionDenied(
            "Only the ICB’s executive lead, panel chair or local area contacts can start a plan."
        )
    form = forms.PlanForm(posted(request), icbs=icbs)
    return form_page(
        request,
        form=form,
        template="governance/actions/plan_form.jinja",
        save=lambda data: services.action_plan_create(
            actor=request.user,
            icb=form.chosen_icb(),
            **fields(data, *PLAN_ANSWERS),
        ),
        success=lambda plan: redirect("governance:plan_detail", pk=plan.pk),
        message="Action plan started: add its priorities",
        context={"plan": None},
    )


PLAN_ANSWERS = ("title", "starts_on", "ends_on", "summary")


def _plan_to_keep(request: HttpRequest, pk: int):
    _readers_only(request)
    plan = selectors.plan_for(user=request.user, pk=pk)
    if not services.can_keep_plans(request.user, icb=plan.icb):
        raise PermissionDenied(
            "Only the ICB’s executive lead, panel chair or local area contacts can change its "
            "action plan."
        )
    return plan


@verified_staff_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_to_keep(request, pk)
    return form_page(
        request,
        form=forms.PlanForm(
            posted(request), initial={name: getattr(plan, name) for name in PLAN_ANSWERS}
        ),
        template="governance/actions/plan_form.jinja",
        save=lambda data: services.action_plan_update(
            actor=request.user, plan=plan, **fields(data, *PLAN_ANSWERS)
        ),
        success=lambda _: redirect("governance:plan_detail", pk=plan.pk),
        message=lambda changed: "Changes saved" if changed else "Nothing was changed",
        context={"plan": plan},
    )


@verified_staff_required
def priority_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _priority_page(request, pk, priority_pk=None)


@verified_staff_required
def priority_edit(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    return _priority_page(request, pk, priority_pk=priority_pk)


def _priority_page(request: HttpRequest, pk: int, *, priority_pk: int | None) -> HttpResponse:
    plan = _plan_to_keep(request, pk)
    priority = selectors.priority_for(plan=plan, pk=priority_pk) if priority_pk else None
    initial = {}
    if priority is not None:
        initial = {
            "title": priority.title,
            "description": priority.description,
            "themes": list(priority.themes.values_list("pk", flat=True)),
        }
    return form_page(
        request,
        form=forms.PriorityForm(
            posted(request), initial=initial, themes=selectors.themes_offered()
        ),
        template="governance/actions/priority_form.jinja",
        save=lambda data: services.action_plan_priority_save(
            actor=request.user,
            plan=plan,
            priority=priority,
            **fields(data, "title", "description", "themes"),
        ),
        success=lambda _: redirect("governance:plan_detail", pk=plan.pk),
        message="Priority saved",
        context={"plan": plan, "priority": priority},
    )
