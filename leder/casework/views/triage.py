"""Triage: the local area contact's queue of notifications waiting for a decision, the decision
page, the national data opt-out (with its confirmation) and reconsidering a closed decision.

Reads go through `selectors.triage` and the notification selectors (the ICBs where the user is
a local area contact), writes through `services.triage`. Another ICB's notification is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import organisations_where
from leder.casework.forms.triage import OptOutForm, ReconsiderForm, TriageForm
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import CaseState
from leder.casework.presenters.triage import QueueRow, TriagePresenter, days_waiting
from leder.casework.selectors import triage as selectors
from leder.casework.services.lifecycle import TransitionRefused, check_transition
from leder.casework.services.triage import case_reconsider, case_triage
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.core.presenters import count
from leder.notifications.selectors import notification_for

PAGE_SIZE = 50

DONE_MESSAGES = {
    "eligible": "{reference}: eligible, waiting for a reviewer",
    "child_death_review": "{reference}: routed to the child death review",
    "not_eligible": "{reference}: recorded as not eligible",
}


def _lac_only(request: HttpRequest) -> None:
    if not organisations_where(request.user, Role.LAC).exists():
        raise PermissionDenied("Triage is for local area contacts.")


def _load(request: HttpRequest, reference: str) -> TriagePresenter:
    notification = notification_for(user=request.user, reference=reference)
    case = selectors.case_of(user=request.user, notification=notification)
    return TriagePresenter(notification, case=case)


def _seen(request, n: TriagePresenter, **context) -> dict:
    """Every page here shows the person's details: record that they were seen."""
    audit.record_view(
        actor=request.user,
        obj=n.notification,
        summary=f"Viewed notification {n.reference} for triage",
        request=request,
    )
    return {"n": n, **context}


@verified_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    _lac_only(request)
    icbs = list(organisations_where(request.user, Role.LAC).order_by("name"))
    raw = request.GET.get("icb", "")
    icb_id = int(raw) if raw.isdigit() and any(i.pk == int(raw) for i in icbs) else None
    queryset = selectors.triage_queue(user=request.user, icb_id=icb_id)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    oldest = queryset.values_list("received_at", flat=True).first()
    audit.record_list_view(
        actor=request.user,
        listing="casework.TriageQueue",
        summary=f"Viewed the triage queue ({len(page.object_list)} shown)",
        references=[n.reference for n in page.object_list],
        details={"page": page.number},
        request=request,
    )
    return render(
        request,
        "casework/triage/queue.jinja",
        {
            "icbs": icbs,
            "icb_id": icb_id,
            "page": page,
            "rows": [QueueRow(n) for n in page.object_list],
            "total": count(page.paginator.count, "notification"),
            "longest_wait": count(days_waiting(oldest), "day") if oldest else None,
        },
    )


def _next_after(request: HttpRequest, n: TriagePresenter) -> HttpResponse:
    following = selectors.next_to_triage(user=request.user, after=n.notification)
    if following is None:
        messages.info(request, "There are no more notifications waiting for triage.")
        return redirect("casework:triage_queue")
    return redirect("casework:triage", reference=following.reference)


@verified_staff_required
def triage(request: HttpRequest, reference: str) -> HttpResponse:
    _lac_only(request)
    n = _load(request, reference)
    form = TriageForm(posted(request))

    def decide(data) -> str:
        if data["decision"] != "opted_out":
            case_triage(
                actor=request.user,
                notification=n.notification,
                decision=data["decision"],
                reason=data["reason"],
            )
        return data["decision"]

    def then(decision: str) -> HttpResponse:
        if decision == "opted_out":
            # Erasure cannot be undone: ask again on its own page, with the reason carried over.
            return _opt_out_page(
                request, n, OptOutForm(initial={"reason": form.cleaned_data["reason"]})
            )
        return _next_after(request, n)

    return form_page(
        request,
        form=form,
        template="casework/triage/decide.jinja",
        save=decide,
        success=then,
        message=lambda decision: DONE_MESSAGES.get(decision, "").format(reference=n.reference),
        context=lambda: _seen(
            request,
            n,
            reconsider_form=ReconsiderForm(),
            opt_out_allowed=_opt_out_refusal(request, n) is None,
        ),
        refusals=(TransitionRefused,),
        # A notification decided already (in another tab) is shown, not decided again.
        valid_on=() if n.is_triaged else ("POST",),
    )


def _opt_out_refusal(request: HttpRequest, n: TriagePresenter) -> str | None:
    """Why an opt-out cannot be recorded on this notification now, or None if it can."""
    if n.is_merged:
        return (
            f"This notification was merged into {n.merged_into.reference}: record the opt-out "
            "there."
        )
    if n.case is None or n.case.state == CaseState.NOTIFIED:
        return None if not n.open_flags else "Decide about the possible duplicates first."
    refusal = check_transition(
        actor=request.user,
        case=n.case,
        transition=TRANSITIONS["record_opt_out"],
        reason="(checked before asking)",
    )
    return refusal.message if refusal else None


def _opt_out_page(request: HttpRequest, n: TriagePresenter, form: OptOutForm) -> HttpResponse:
    refusal = _opt_out_refusal(request, n)
    return form_page(
        request,
        form=form,
        template="casework/triage/opt_out.jinja",
        save=lambda data: case_triage(
            actor=request.user,
            notification=n.notification,
            decision="opted_out",
            reason=data["reason"],
        ),
        # Back to this notification, so the LAC sees what is kept (the fact, not the person).
        success=lambda _: redirect("casework:triage", reference=n.reference),
        message=f"{n.reference}: national data opt-out recorded and the person's details erased",
        context=lambda: _seen(request, n, refusal=refusal),
        refusals=(TransitionRefused,),
        valid_on=("POST",) if refusal is None else (),
    )


@verified_staff_required
def opt_out(request: HttpRequest, reference: str) -> HttpResponse:
    _lac_only(request)
    n = _load(request, reference)
    return _opt_out_page(request, n, OptOutForm(posted(request)))


@verified_staff_required
def reconsider(request: HttpRequest, reference: str) -> HttpResponse:
    _lac_only(request)
    n = _load(request, reference)
    if not n.can_reconsider:
        return redirect("casework:triage", reference=reference)
    return form_page(
        request,
        form=ReconsiderForm(posted(request)),
        template="casework/triage/reconsider.jinja",
        save=lambda data: case_reconsider(actor=request.user, case=n.case, reason=data["reason"]),
        success=lambda _: redirect("casework:triage", reference=reference),
        message=f"{n.reference}: reconsidered, waiting for a reviewer",
        context=lambda: _seen(request, n),
        refusals=(TransitionRefused,),
    )
