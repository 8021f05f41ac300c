"""The case page, holds, the organisations involved in the person's care, and the reviewer's
own list. Reads go through `selectors.case`, writes through services.

Who gets what: a role that never shows case content (ICB lead, regional, national,
administrator) gets 403 from every page here; anyone else gets 404 for a case they may not see,
whether it belongs to another ICB or is allocated to someone else, so nothing leaks.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from leder.accounts.decorators import verified_staff_required
from leder.casework.forms.case import (
    HoldForm,
    InvolvedOrganisationForm,
    ResumeForm,
)
from leder.casework.presenters.case import (
    CasePresenter,
    MyCaseRow,
    NotifierPresenter,
    refusal_for,
)
from leder.casework.selectors import case as selectors
from leder.casework.services.allocation import case_involved_organisation_add
from leder.casework.services.lifecycle import TransitionRefused, case_transition
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.core.time import today


def require_lac(request: HttpRequest) -> None:
    if not selectors.can_allocate(request.user):
        raise PermissionDenied("This page is for local area contacts.")


def refused(request: HttpRequest, case, transition: str):
    """A redirect back to the case page, with the reason, if the user cannot make `transition`
    on `case` now; 403 if their role never could; None if they may go on."""
    refusal = refusal_for(request.user, case, transition)
    if refusal is None:
        return None
    if refusal.permission:
        raise PermissionDenied(refusal.message)
    messages.info(request, refusal.message)
    return redirect("casework:case", reference=case.reference)


@verified_staff_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    if not selectors.can_see_cases(request.user):
        raise PermissionDenied("Your role does not show case details.")
    case = selectors.case_for(user=request.user, reference=reference)
    audit.record_view(
        actor=request.user, obj=case, summary=f"Viewed case {case.reference}", request=request
    )
    return render(
        request,
        "casework/case/detail.jinja",
        {"c": CasePresenter(case, user=request.user, today=today())},
    )


@verified_staff_required
@require_GET
def notified_by(request: HttpRequest, reference: str) -> HttpResponse:
    """Who notified the death and how to reach them (name, relationship, telephone, e-mail),
    and the concerns they wrote: for the reviewer and everyone else who can see the case. The
    notifier's contact details are personal data, so they are on their own page, reached by a
    link, and each view is audited."""
    if not selectors.can_see_cases(request.user):
        raise PermissionDenied("Your role does not show case details.")
    case = selectors.case_for(user=request.user, reference=reference)
    sources = selectors.notifiers_of(case=case)
    audit.record_view(
        actor=request.user,
        obj=case,
        summary=f"Viewed who notified the death of case {case.reference} and their contact details",
        details={"page": "notified by", "notifiers": len(sources)},
        request=request,
    )
    return render(
        request,
        "casework/case/notified_by.jinja",
        {
            "c": CasePresenter(case, user=request.user, today=today()),
            "notifiers": [NotifierPresenter(source) for source in sources],
            "concerns": NotifierPresenter.concerns_of(case.notification),
        },
    )


def _reason_page(
    request: HttpRequest,
    reference: str,
    *,
    transition: str,
    form_class,
    done: str,
    details=lambda data: {},
):
    require_lac(request)
    case = selectors.case_for_lac(user=request.user, reference=reference)
    stop = refused(request, case, transition)
    if stop:
        return stop
    return form_page(
        request,
        form=form_class(posted(request)),
        template=f"casework/case/{transition}.jinja",
        save=lambda data: case_transition(
            actor=request.user,
            case=case,
            transition=transition,
            reason=data["reason"],
            details=details(data),
        ),
        success=lambda _: redirect("casework:case", reference=case.reference),
        message=done,
        context=lambda: _shown(request, case, transition),
        refusals=(TransitionRefused,),
    )


def _shown(request: HttpRequest, case, page: str, **context) -> dict:
    """Record the view of the case when its page is shown; return the page's context."""
    audit.record_view(
        actor=request.user,
        obj=case,
        summary=f"Viewed case {case.reference} ({page})",
        request=request,
    )
    return {"c": CasePresenter(case, user=request.user, today=today()), **context}


@verified_staff_required
def hold(request: HttpRequest, reference: str) -> HttpResponse:
    return _reason_page(
        request,
        reference,
        transition="hold",
        form_class=HoldForm,
        done="Review put on hold",
        details=lambda data: {
            "hold_kind": data["kind"],
            "other_organisation": data["other_organisation"],
            "other_reference": data["other_reference"],
            "expected_end_on": (
                data["expected_end_on"].isoformat() if data["expected_end_on"] else ""
            ),
        },
    )


@verified_staff_required
def resume(request: HttpRequest, reference: str) -> HttpResponse:
    return _reason_page(
        request,
        reference,
        transition="resume",
        form_class=ResumeForm,
        done="Review resumed",
        details=lambda data: {"outcome": data["outcome"].strip()},
    )


@verified_staff_required
def organisation_add(request: HttpRequest, reference: str) -> HttpResponse:
    """Choose an open provider: the organisation picker offers those relevant to the case's ICB
    and finds any other by its search (a plain select and a Search button without JavaScript)."""
    require_lac(request)
    case = selectors.case_for_lac(user=request.user, reference=reference)
    involved = case.involved_organisations.values("pk")
    form = InvolvedOrganisationForm(
        posted(request),
        organisations=selectors.organisations_relevant_to([case.notification.icb]).exclude(
            pk__in=involved
        ),
    )

    def add(data):
        organisation = data["organisation"]
        case_involved_organisation_add(actor=request.user, case=case, organisation=organisation)
        return organisation

    return form_page(
        request,
        form=form,
        template="casework/case/organisation_add.jinja",
        save=add,
        success=lambda _: redirect("casework:case", reference=case.reference),
        message=lambda organisation: f"{organisation.name} added",
        context=lambda: _shown(request, case, "add an organisation"),
        rename={NON_FIELD_ERRORS: "organisation"},
    )


@verified_staff_required
def my_cases(request: HttpRequest) -> HttpResponse:
    if not selectors.can_review(request.user):
        raise PermissionDenied("This page is for reviewers.")
    show = request.GET.get("show", "")
    if show not in selectors.MY_CASES_SHOWN:
        show = ""
    cases = selectors.cases_allocated_to_shown(user=request.user, show=show, today=today())
    rows = [MyCaseRow(case, today=today()) for case in cases]
    audit.record_list_view(
        actor=request.user,
        listing="casework.MyCases",
        summary=f"Viewed my cases ({len(rows)} shown"
        + (f", {selectors.MY_CASES_SHOWN[show]})" if show else ")"),
        references=[case.reference for case in cases],
        request=request,
    )
    return render(
        request,
        "casework/case/my_cases.jinja",
        {
            "offered": [r for r in rows if r.is_offered],
            "in_review": [r for r in rows if not r.is_offered],
            "shown": selectors.MY_CASES_SHOWN.get(show, ""),
            "count": len(rows),
        },
    )
