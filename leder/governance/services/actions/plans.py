"""The ICB's three-year action plan and its priorities: kept by the ICB's executive lead, its
panel chair and its local area contacts. Every write with its rules and audit."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.governance.models import (
    ActionPlan,
    ActionPlanPriority,
)
from leder.governance.services.actions.smart import can_keep_plans, refuse
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import LearningTheme

PLAN_MAX_YEARS = 3


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def plan_problems(
    *,
    icb: Organisation,
    title: str,
    starts_on: date | None,
    ends_on: date | None,
    plan: ActionPlan | None = None,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "Enter a title for the plan"
    if starts_on is None:
        problems["starts_on"] = "Enter the date the plan starts"
    if ends_on is None:
        problems["ends_on"] = "Enter the date the plan ends"
    if starts_on and ends_on:
        if ends_on <= starts_on:
            problems["ends_on"] = "The end date must be after the start date"
        elif ends_on >= _years_later(starts_on, PLAN_MAX_YEARS):
            problems["ends_on"] = (
                f"A plan covers at most {PLAN_MAX_YEARS} years: the end date must be before "
                f"{_years_later(starts_on, PLAN_MAX_YEARS):%-d %B %Y}"
            )
        else:
            overlapping = ActionPlan.objects.filter(
                icb=icb, starts_on__lte=ends_on, ends_on__gte=starts_on
            ).exclude(pk=plan.pk if plan else None)
            other = overlapping.first()
            if other is not None:
                problems["starts_on"] = (
                    f"The ICB’s plan ‘{other.title}’ already covers some of these dates"
                )
    return problems


def _check_plan_keeper(actor, icb: Organisation) -> None:
    if not can_keep_plans(actor, icb=icb):
        raise PermissionDenied(
            "Only the ICB’s executive lead, panel chair or local area contacts can change its "
            "action plan."
        )


def action_plan_create(
    *,
    actor,
    icb: Organisation,
    title: str,
    starts_on: date | None,
    ends_on: date | None,
    summary: str = "",
) -> ActionPlan:
    """Start a three-year action plan for `icb` (at most three years, not overlapping another
    of its plans). By the ICB's executive lead, panel chair or a local area contact. Audited."""
    _check_plan_keeper(actor, icb)
    if icb.kind != OrganisationKind.ICB:
        raise ValidationError({"icb": ["Select an ICB"]})
    refuse(plan_problems(icb=icb, title=title, starts_on=starts_on, ends_on=ends_on))
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            icb=icb,
            title=title.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            summary=(summary or "").strip(),
            created_at=now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=plan,
            summary=f"Action plan ‘{plan.title}’ started for {icb.display_name}",
            details={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        )
    return plan


def action_plan_update(
    *,
    actor,
    plan: ActionPlan,
    title: str,
    starts_on: date | None,
    ends_on: date | None,
    summary: str = "",
) -> list[str]:
    """Change the plan's title, dates or summary, under the same rules as creating it. Returns
    the names of the fields that changed (an audit row only when something did)."""
    _check_plan_keeper(actor, plan.icb)
    refuse(
        plan_problems(icb=plan.icb, title=title, starts_on=starts_on, ends_on=ends_on, plan=plan)
    )
    new = {
        "title": title.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "summary": (summary or "").strip(),
    }
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        changed = {
            name: (getattr(locked, name), value)
            for name, value in new.items()
            if getattr(locked, name) != value
        }
        if changed:
            for name, (_, value) in changed.items():
                setattr(locked, name, value)
            locked.save(update_fields=sorted(changed))
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                summary=f"Action plan ‘{locked.title}’ changed",
                details={name: [str(a), str(b)] for name, (a, b) in changed.items()},
            )
    plan.refresh_from_db()
    return sorted(changed)


def action_plan_priority_save(
    *,
    actor,
    plan: ActionPlan,
    title: str,
    description: str = "",
    themes: Iterable[LearningTheme] = (),
    priority: ActionPlanPriority | None = None,
) -> ActionPlanPriority:
    """Add a priority to `plan` (numbered after the last) or, given `priority`, change it.
    Same keepers as the plan. Audited."""
    _check_plan_keeper(actor, plan.icb)
    if priority is not None and priority.plan_id != plan.pk:
        raise ValidationError({"priority": ["That priority belongs to another plan"]})
    themes = list(themes)
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "Enter the priority"
    if any(not theme.active for theme in themes):
        problems["themes"] = "Select learning themes from the current list"
    refuse(problems)
    with transaction.atomic():
        if priority is None:
            last = plan.priorities.order_by("-order").values_list("order", flat=True).first()
            priority = ActionPlanPriority.objects.create(
                plan=plan,
                order=(last or 0) + 1,
                title=title.strip(),
                description=(description or "").strip(),
            )
            verb, action = "added to", AuditAction.CREATE
        else:
            priority.title = title.strip()
            priority.description = (description or "").strip()
            priority.save(update_fields=["title", "description"])
            verb, action = "changed in", AuditAction.UPDATE
        priority.themes.set(themes)
        audit.record(
            actor=actor,
            action=action,
            obj=priority,
            summary=f"Priority {priority.order} {verb} action plan ‘{plan.title}’",
            details={
                "title": priority.title,
                "description": priority.description,
                "themes": sorted(t.name for t in themes),
            },
        )
    return priority
