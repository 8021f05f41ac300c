"""Moving a death to another ICB: ask (local area contact or regional coordinator), and accept
or return (the receiving local area contact). Writes go through `services.transfers`."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts import rules
from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.casework.forms.transfers import TransferDecisionForm, TransferRequestForm
from leder.casework.models import TransferStatus
from leder.casework.selectors import transfers as selectors
from leder.casework.services import transfers as services
from leder.core import audit, presenters
from leder.core.form_page import fields, form_page, posted
from leder.notifications.inbox_presenters import NotificationPresenter
from leder.organisations.selectors import icbs_open


def _transfer_roles_only(request: HttpRequest) -> None:
    if not rules.has_any_role(request.user, Role.LAC, Role.REGIONAL_COORDINATOR):
        raise PermissionDenied("Transfers are for local area contacts and regional coordinators.")


def _row(transfer) -> dict:
    return {
        "pk": transfer.pk,
        "reference": transfer.notification.reference,
        "from": transfer.from_icb.display_name,
        "to": transfer.to_icb.display_name,
        "reason": transfer.reason,
        "asked": presenters.date_short(transfer.requested_at),
        "status": transfer.get_status_display(),
        "decision_reason": transfer.decision_reason,
        "pending": transfer.status == TransferStatus.PENDING,
    }


@verified_staff_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Transfers to and from the user's ICBs or regions, and a box to start one by reference
    (how a regional coordinator reaches a death: the LAC, the escalation list or the family
    gives them its reference)."""
    _transfer_roles_only(request)
    typed = request.GET.get("reference", "").strip().upper()
    not_found = ""
    if "reference" in request.GET:
        if not typed:
            not_found = "Enter the reference of the death to transfer"
        elif selectors.transferable_by(request.user).filter(reference=typed).exists():
            return redirect("casework:transfer_request", reference=typed)
        else:
            # The same words whether the reference does not exist or is another area's.
            not_found = "No death in your ICBs or regions has that reference"
    mine = rules.organisations_where(request.user, Role.LAC)
    rows = list(selectors.transfers_visible_to(request.user)[:100])
    incoming = [
        _row(t)
        for t in rows
        if t.status == TransferStatus.PENDING and mine.filter(pk=t.to_icb_id).exists()
    ]
    return render(
        request,
        "casework/transfers/list.jinja",
        {
            "incoming": incoming,
            "rows": [_row(t) for t in rows],
            "typed": typed,
            "not_found": not_found,
        },
    )


@verified_staff_required
def transfer_request(request: HttpRequest, reference: str) -> HttpResponse:
    _transfer_roles_only(request)
    notification = selectors.transferable_for(user=request.user, reference=reference)
    # Offered first: the other ICBs of its region (the picker's search finds any other).
    neighbours = icbs_open().exclude(pk=notification.icb_id)
    if notification.icb.region_id:
        neighbours = neighbours.filter(region_id=notification.icb.region_id)

    def shown() -> dict:
        audit.record_view(
            actor=request.user,
            obj=notification,
            summary=f"Viewed {notification.reference} to transfer it",
            request=request,
        )
        return {
            "reference": notification.reference,
            "from_icb": notification.icb.display_name,
            "refusal": services.transfer_refusal(notification),
            "rows": _where_it_stands(notification),
        }

    return form_page(
        request,
        form=TransferRequestForm(posted(request), icbs=neighbours),
        template="casework/transfers/request.jinja",
        save=lambda data: services.transfer_request(
            actor=request.user, notification=notification, **fields(data, "to_icb", "reason")
        ),
        success=lambda _: redirect("casework:transfers"),
        message=lambda t: (
            f"Transfer of {t.notification.reference} to "
            f"{t.to_icb.display_name} asked: their local area contact decides"
        ),
        context=shown,
    )


def _where_it_stands(notification) -> list[dict]:
    """What a regional coordinator needs to ask for a move, and nothing about who the person
    was: the ICB now, the case's state, how the area was decided, and where it has been."""
    case = selectors.case_of(notification)
    moves = [
        f"{t.from_icb.display_name} to {t.to_icb.display_name}, "
        f"{t.get_status_display().lower()} ({presenters.date_short(t.requested_at)})"
        for t in selectors.transfers_of(notification)
    ]
    how = notification.get_area_source_display() or "Not recorded"
    if notification.area_explanation:
        how = f"{how}: {notification.area_explanation}"
    return [
        {"key": {"text": "Now with"}, "value": {"text": notification.icb.display_name}},
        {
            "key": {"text": "Stage"},
            "value": {"text": case.get_state_display() if case else "Not triaged yet"},
        },
        {"key": {"text": "How its area was decided"}, "value": {"text": how}},
        {
            "key": {"text": "Transfers so far"},
            "value": {"text": "; ".join(moves) if moves else "None"},
        },
    ]


@verified_staff_required
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _transfer_roles_only(request)
    transfer = selectors.transfer_to_decide(user=request.user, pk=pk)

    def decide(data):
        if data["decision"] == "accept":
            services.transfer_accept(actor=request.user, transfer=transfer, reason=data["reason"])
            return f"{transfer.notification.reference} is now {transfer.to_icb.display_name}'s"
        services.transfer_return(actor=request.user, transfer=transfer, reason=data["reason"])
        return f"{transfer.notification.reference} returned to {transfer.from_icb.display_name}"

    def shown() -> dict:
        audit.record_view(
            actor=request.user,
            obj=transfer.notification,
            summary=f"Viewed {transfer.notification.reference} to decide its transfer",
            request=request,
        )
        return {"t": _row(transfer), "n": NotificationPresenter(transfer.notification)}

    return form_page(
        request,
        form=TransferDecisionForm(posted(request)),
        template="casework/transfers/decide.jinja",
        save=decide,
        success=lambda _: redirect("casework:transfers"),
        message=lambda said: said,
        context=shown,
    )
