"""Allocation: the local area contact chooses a reviewer from ranked suggestions and confirms;
the reviewer accepts or declines the offer. Reads go through `selectors`, writes through
`services.allocation`, which checks conflicts and capacity again whatever the page showed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.casework.forms.allocation import AllocateForm, DeclineForm
from leder.casework.models import CaseState
from leder.casework.presenters.allocation import SuggestionRow
from leder.casework.presenters.case import CasePresenter, may, refusal_for
from leder.casework.selectors import case as case_selectors
from leder.casework.selectors.allocation import allocation_suggestions, suggestion_for
from leder.casework.services.allocation import (
    allocation_accept,
    allocation_decline,
    case_allocate,
    case_reallocate,
)
from leder.casework.services.lifecycle import TransitionRefused
from leder.casework.views.case import require_lac
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.core.time import today


def _allocation_mode(request: HttpRequest, case):
    """ "allocate" or "reallocate", whichever the case's state allows the LAC now; otherwise a
    redirect to the case page saying why (403 if their role never could)."""
    for transition in ("allocate", "reallocate"):
        if may(request.user, case, transition):
            return transition
    refusal = refusal_for(request.user, case, "allocate")
    if refusal.permission:
        raise PermissionDenied(refusal.message)
    messages.info(request, "This case cannot be allocated now: it is not awaiting allocation.")
    return redirect("casework:case", reference=case.reference)


def _audit_view(request: HttpRequest, case, page: str) -> None:
    audit.record_view(
        actor=request.user,
        obj=case,
        summary=f"Viewed case {case.reference} ({page})",
        request=request,
    )


@verified_staff_required
def allocate(request: HttpRequest, reference: str) -> HttpResponse:
    require_lac(request)
    case = case_selectors.case_for_lac(user=request.user, reference=reference)
    mode = _allocation_mode(request, case)
    if not isinstance(mode, str):
        return mode
    _audit_view(request, case, "allocation")
    rows = [
        SuggestionRow(s, reference=case.reference, rank=i)
        for i, s in enumerate(allocation_suggestions(case=case), start=1)
    ]
    return render(
        request,
        "casework/allocation/suggestions.jinja",
        {
            "c": CasePresenter(case, user=request.user, today=today()),
            "mode": mode,
            "rows": rows,
            "available": sum(1 for r in rows if r.can_allocate),
        },
    )


@verified_staff_required
def allocate_confirm(request: HttpRequest, reference: str, reviewer_id: int) -> HttpResponse:
    require_lac(request)
    case = case_selectors.case_for_lac(user=request.user, reference=reference)
    mode = _allocation_mode(request, case)
    if not isinstance(mode, str):
        return mode
    suggestion = suggestion_for(case=case, reviewer_id=reviewer_id)
    if suggestion is None:
        raise Http404("No reviewer with that number can be allocated cases of this ICB")
    reviewer = suggestion.reviewer

    def offer(data):
        if mode == "reallocate":
            case_reallocate(actor=request.user, case=case, reviewer=reviewer, reason=data["reason"])
        else:
            case_allocate(actor=request.user, case=case, reviewer=reviewer)

    def shown() -> dict:
        if request.method == "GET":
            _audit_view(request, case, "allocation")
        return {
            "c": CasePresenter(case, user=request.user, today=today()),
            "mode": mode,
            "row": SuggestionRow(suggestion, reference=case.reference),
        }

    return form_page(
        request,
        form=AllocateForm(posted(request), reallocating=mode == "reallocate"),
        template="casework/allocation/confirm.jinja",
        save=offer,
        success=lambda _: redirect("casework:case", reference=case.reference),
        message=f"{case.reference} offered to {reviewer.user.full_name}. "
        "They have been asked to accept it.",
        context=shown,
        refusals=(TransitionRefused,),
    )


def _offered_case(request: HttpRequest, reference: str):
    """The case offered to the signed-in reviewer, or a response: 403 for a role that is never
    allocated cases, 404 for a case they cannot see, 403 for one they see but were not offered
    (a senior reviewer), and back to their list if it no longer waits for their answer."""
    if not case_selectors.can_review(request.user):
        raise PermissionDenied("This page is for reviewers.")
    case = case_selectors.case_for(user=request.user, reference=reference)
    if not case.is_reviewer(request.user):
        raise PermissionDenied("Only the reviewer the case is offered to can accept or decline it.")
    if case.state != CaseState.ALLOCATED:
        messages.info(request, f"{case.reference} is not waiting for your answer.")
        return None, redirect("casework:my_cases")
    return case, None


@verified_staff_required
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    case, stop = _offered_case(request, reference)
    if stop:
        return stop
    error = None
    if request.method == "POST":
        try:
            allocation_accept(actor=request.user, case=case)
        except TransitionRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"You have accepted the review {case.reference}")
            return redirect("casework:case", reference=case.reference)
    else:
        _audit_view(request, case, "accept")
    return render(
        request,
        "casework/allocation/accept.jinja",
        {
            "c": CasePresenter(case, user=request.user, today=today()),
            "error": error,
            "has_errors": bool(error),
        },
    )


@verified_staff_required
def decline(request: HttpRequest, reference: str) -> HttpResponse:
    case, stop = _offered_case(request, reference)
    if stop:
        return stop

    def shown() -> dict:
        if request.method == "GET":
            _audit_view(request, case, "decline")
        return {"c": CasePresenter(case, user=request.user, today=today())}

    return form_page(
        request,
        form=DeclineForm(posted(request)),
        template="casework/allocation/decline.jinja",
        save=lambda data: allocation_decline(actor=request.user, case=case, reason=data["reason"]),
        success="casework:my_cases",
        message=f"You have declined the review {case.reference}. The local area contact will "
        "offer it to someone else.",
        context=shown,
        refusals=(TransitionRefused,),
    )
