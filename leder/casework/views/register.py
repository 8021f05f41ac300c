"""The reviewer register of an ICB: the list, a reviewer's page, adding a reviewer, changing their
details, recording training and declaring conflicts of interest.

Local area contacts manage their ICB's register; senior reviewers may read it; every other role
gets a 403. Another ICB's reviewer is a 404. Reads go through `selectors.register`, writes
through `services.register`, whose `ValidationError`s are shown on the form.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.accounts.rules import organisations_where
from leder.casework.forms.register import (
    OrganisationConflictForm,
    PersonConflictForm,
    ReviewerAddForm,
    ReviewerEditForm,
    TrainingForm,
)
from leder.casework.models import ConflictKind, RecruitmentStatus
from leder.casework.presenters.register import ReviewerPresenter
from leder.casework.selectors import register as selectors
from leder.casework.selectors.case import organisations_relevant_to
from leder.casework.services import register as services
from leder.core import audit
from leder.core.form_page import fields, form_page, posted
from leder.core.presenters import count


def _readers_only(request: HttpRequest) -> None:
    if not selectors.register_icbs(request.user).exists():
        raise PermissionDenied(
            "The reviewer register is for local area contacts and senior reviewers."
        )


def _managed_icbs(request: HttpRequest) -> list:
    return list(organisations_where(request.user, *selectors.REGISTER_MANAGERS).order_by("name"))


def _reviewer_to_change(request: HttpRequest, pk: int):
    """The reviewer, if the user may read them (404 otherwise) and may change them (403)."""
    _readers_only(request)
    reviewer = selectors.reviewer_for(user=request.user, pk=pk)
    if not services.can_manage_register(request.user, icb=reviewer.icb):
        raise PermissionDenied("Only a local area contact for this ICB can change its register.")
    return reviewer


@verified_staff_required
def register(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    icbs = list(selectors.register_icbs(request.user).order_by("name"))
    show = request.GET.get("show", "active")
    if show not in dict(selectors.SHOW_CHOICES):
        show = "active"
    raw = request.GET.get("icb", "")
    icb_id = int(raw) if raw.isdigit() and any(i.pk == int(raw) for i in icbs) else None
    reviewers = selectors.register_for(user=request.user, show=show, icb_id=icb_id)
    rows = [ReviewerPresenter(r) for r in reviewers]
    return render(
        request,
        "casework/register/list.jinja",
        {
            "rows": rows,
            "total": count(len(rows), "reviewer"),
            "show": show,
            "show_choices": selectors.SHOW_CHOICES,
            "icbs": icbs,
            "icb_id": icb_id,
            "can_add": bool(_managed_icbs(request)),
        },
    )


@verified_staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _readers_only(request)
    reviewer = selectors.reviewer_for(user=request.user, pk=pk)
    # The page lists people the reviewer declared they knew: a view of personal data.
    audit.record_view(
        actor=request.user,
        obj=reviewer,
        summary=f"Viewed the register entry of {reviewer.user.full_name}",
        request=request,
    )
    return render(
        request,
        "casework/register/detail.jinja",
        {
            "r": ReviewerPresenter(reviewer),
            "can_manage": services.can_manage_register(request.user, icb=reviewer.icb),
        },
    )


@verified_staff_required
def add(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    icbs = _managed_icbs(request)
    if not icbs:
        raise PermissionDenied("Only a local area contact can add a reviewer to the register.")
    candidates = [(icb, user) for icb in icbs for user in selectors.users_who_can_join(icb=icb)]
    form = ReviewerAddForm(
        posted(request),
        candidates=candidates,
        show_icb=len(icbs) > 1,
        employers=organisations_relevant_to(icbs),
        initial={"capacity": 2, "recruitment_status": RecruitmentStatus.IN_TRAINING},
    )

    def save(data):
        icb, user = data["person"]
        return services.reviewer_add(
            actor=request.user,
            icb=icb,
            user=user,
            **fields(
                data,
                "profession",
                "employer",
                "employer_name",
                "capacity",
                "recruitment_status",
            ),
        )

    return form_page(
        request,
        form=form,
        template="casework/register/add.jinja",
        save=save,
        success=lambda reviewer: redirect("casework:register_detail", pk=reviewer.pk),
        message=lambda reviewer: f"{reviewer.user.full_name} added to the register",
        context={"has_candidates": bool(candidates)},
        rename={"user": "person"},
    )


@verified_staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    reviewer = _reviewer_to_change(request, pk)
    form = ReviewerEditForm(
        posted(request),
        employers=organisations_relevant_to([reviewer.icb]),
        initial={
            "profession": reviewer.profession,
            "employer": reviewer.employer_id,
            "employer_name": reviewer.employer_name,
            "capacity": reviewer.capacity,
            "recruitment_status": reviewer.recruitment_status,
            "is_active": "yes" if reviewer.is_active else "no",
        },
    )

    def saved_message(changed) -> str:
        text = "Changes saved" if changed else "Nothing was changed"
        if "is_active" in changed and not form.cleaned_data["is_active"] and reviewer.open_cases:
            text += (
                f". {reviewer.user.full_name} still holds "
                f"{count(reviewer.open_cases, 'open review')}: reallocate them if needed"
            )
        return text

    return form_page(
        request,
        form=form,
        template="casework/register/edit.jinja",
        save=lambda data: services.reviewer_update(
            actor=request.user,
            reviewer=reviewer,
            **fields(
                data,
                "profession",
                "employer",
                "employer_name",
                "capacity",
                "is_active",
                "recruitment_status",
            ),
        ),
        success=lambda changed: redirect("casework:register_detail", pk=reviewer.pk),
        message=saved_message,
        context={"r": ReviewerPresenter(reviewer)},
    )


def _register_entry_page(request, *, reviewer, form, template, save, message) -> HttpResponse:
    """A form on one reviewer's register entry: saved, it returns to the entry."""
    return form_page(
        request,
        form=form,
        template=template,
        save=save,
        success=lambda _: redirect("casework:register_detail", pk=reviewer.pk),
        message=message,
        context={"r": ReviewerPresenter(reviewer)},
    )


@verified_staff_required
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    reviewer = _reviewer_to_change(request, pk)
    return _register_entry_page(
        request,
        reviewer=reviewer,
        form=TrainingForm(posted(request)),
        template="casework/register/training.jinja",
        save=lambda data: services.reviewer_training_add(
            actor=request.user, reviewer=reviewer, **fields(data, "course", "completed_on")
        ),
        message="Training recorded",
    )


def _conflict_page(request, pk: int, *, kind: str, form, template: str, answers) -> HttpResponse:
    """Declare a reviewer's conflict of interest of `kind`, from the form's `answers`."""
    reviewer = _reviewer_to_change(request, pk)
    return _register_entry_page(
        request,
        reviewer=reviewer,
        form=form,
        template=template,
        save=lambda data: services.reviewer_conflict_declare(
            actor=request.user, reviewer=reviewer, kind=kind, **fields(data, *answers)
        ),
        message="Conflict of interest recorded",
    )


@verified_staff_required
def conflict_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    icb = _reviewer_to_change(request, pk).icb
    return _conflict_page(
        request,
        pk,
        kind=ConflictKind.ORGANISATION,
        form=OrganisationConflictForm(
            posted(request), organisations=organisations_relevant_to([icb])
        ),
        template="casework/register/conflict_organisation.jinja",
        answers=("organisation", "note"),
    )


@verified_staff_required
def conflict_person(request: HttpRequest, pk: int) -> HttpResponse:
    return _conflict_page(
        request,
        pk,
        kind=ConflictKind.PERSON,
        form=PersonConflictForm(posted(request)),
        template="casework/register/conflict_person.jinja",
        answers=("person_name", "person_date_of_birth", "person_nhs_number", "note"),
    )
