"""The local area contact's notification inbox: new notifications with their eligibility
outcome and duplicate flags, the audited detail page, the eligibility override and duplicate
decisions. Reads go through `selectors`, writes through `services`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts import rules
from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import organisations_where
from leder.core import audit
from leder.core.form_page import fields, form_page, posted
from leder.notifications import selectors, services
from leder.notifications.inbox_forms import (
    AssignAreaForm,
    DuplicateDecisionForm,
    EligibilityOverrideForm,
)
from leder.notifications.inbox_presenters import InboxFilter, NotificationPresenter
from leder.organisations.selectors import icbs_open

PAGE_SIZE = 25


def _lac_only(request: HttpRequest) -> None:
    if not organisations_where(request.user, Role.LAC).exists():
        raise PermissionDenied("The notification inbox is for local area contacts.")


@verified_staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    _lac_only(request)
    icbs = organisations_where(request.user, Role.LAC)
    chosen = InboxFilter.from_query(request.GET, icbs=icbs)
    queryset = selectors.notification_inbox(
        user=request.user, icb_id=chosen.icb_id, show=chosen.show
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [NotificationPresenter(n) for n in page.object_list]
    audit.record_list_view(
        actor=request.user,
        listing="notifications.Inbox",
        summary=f"Viewed the notification inbox ({len(rows)} shown)",
        references=[n.reference for n in page.object_list],
        details={"page": page.number},
        request=request,
    )
    return render(
        request,
        "notifications/inbox/list.jinja",
        {"filter": chosen, "icbs": icbs, "page": page, "rows": rows},
    )


@verified_staff_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    _lac_only(request)
    notification = selectors.notification_for(user=request.user, reference=reference)
    audit.record_view(
        actor=request.user,
        obj=notification,
        summary=f"Viewed notification {notification.reference}",
        request=request,
    )
    return render(
        request,
        "notifications/inbox/detail.jinja",
        {"n": NotificationPresenter(notification)},
    )


@verified_staff_required
def eligibility_override(request: HttpRequest, reference: str) -> HttpResponse:
    _lac_only(request)
    notification = selectors.notification_for(user=request.user, reference=reference)
    return form_page(
        request,
        form=EligibilityOverrideForm(posted(request), current=notification.eligibility_outcome),
        template="notifications/inbox/eligibility.jinja",
        save=lambda data: services.eligibility_override(
            actor=request.user, notification=notification, **fields(data, "outcome", "reason")
        ),
        success=lambda _: redirect("notifications:inbox_detail", reference=reference),
        message="Eligibility decision changed",
        context=lambda: _viewed(
            request,
            notification,
            f"Viewed the eligibility decision of notification {notification.reference}",
            {"n": NotificationPresenter(notification)},
        ),
    )


def _viewed(request, notification, summary: str, context: dict, *, also=()) -> dict:
    """Record the view of the notification (and of `also`, the other notifications the page
    shows) when the page is shown; return the page's context."""
    for shown in (notification, *also):
        audit.record_view(actor=request.user, obj=shown, summary=summary, request=request)
    return context


@verified_staff_required
def duplicate_decision(request: HttpRequest, reference: str, flag_id: int) -> HttpResponse:
    _lac_only(request)
    flag = selectors.duplicate_flag_for(user=request.user, reference=reference, flag_id=flag_id)

    def decide(data) -> str:
        try:
            if data["decision"] == "confirm":
                merged_into = services.duplicate_confirm(
                    actor=request.user, flag=flag, note=data["note"]
                )
                return f"{flag.notification.reference} merged into {merged_into.reference}"
            services.duplicate_dismiss(actor=request.user, flag=flag, note=data["note"])
            return "Marked as not a duplicate"
        except PermissionDenied as refused:
            # The flag was found among the user's own, so the role has ended since: say so here.
            raise ValidationError(str(refused)) from refused

    return form_page(
        request,
        form=DuplicateDecisionForm(posted(request)),
        template="notifications/inbox/duplicate.jinja",
        save=decide,
        success=lambda _: redirect("notifications:inbox_detail", reference=reference),
        message=lambda done: done,
        context=lambda: _viewed(
            request,
            flag.notification,
            f"Viewed possible duplicates {flag.notification.reference} and "
            f"{flag.candidate.reference}",
            {
                "flag": flag,
                "n": NotificationPresenter(flag.notification),
                "candidate": NotificationPresenter(flag.candidate),
                "same_icb": flag.candidate.icb_id == flag.notification.icb_id,
            },
            also=(flag.candidate,),
        ),
    )


# --- the unassigned queue: deaths the notifier could not place


def _queue_only(request: HttpRequest) -> None:
    if not rules.sees_unassigned_queue(request.user):
        raise PermissionDenied(
            "Notifications without an area are for regional coordinators and the national team."
        )


@verified_staff_required
def unassigned(request: HttpRequest) -> HttpResponse:
    _queue_only(request)
    queryset = selectors.unassigned_visible_to(request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_list_view(
        actor=request.user,
        listing="notifications.Unassigned",
        summary=f"Viewed notifications without an area ({len(page.object_list)} shown)",
        references=[n.reference for n in page.object_list],
        request=request,
    )
    return render(
        request,
        "notifications/unassigned/list.jinja",
        {"page": page, "rows": [NotificationPresenter(n) for n in page.object_list]},
    )


@verified_staff_required
def unassigned_place(request: HttpRequest, reference: str) -> HttpResponse:
    """The details that place a death (address, postcode, GP practice, where they died) and the
    choice of ICB. Viewing them is audited like any view of a person's details."""
    _queue_only(request)
    notification = selectors.unassigned_for(user=request.user, reference=reference)
    icbs = icbs_open()
    if not rules.is_national_team(request.user):
        icbs = icbs.filter(region_id=notification.region_id)

    def shown() -> dict:
        audit.record_view(
            actor=request.user,
            obj=notification,
            summary=f"Viewed unassigned notification {notification.reference} to place it",
            request=request,
        )
        return {"n": NotificationPresenter(notification)}

    return form_page(
        request,
        form=AssignAreaForm(posted(request), icbs=icbs),
        template="notifications/unassigned/place.jinja",
        save=lambda data: services.notification_assign_area(
            actor=request.user, notification=notification, **fields(data, "icb", "note")
        ),
        success=lambda _: redirect("notifications:unassigned"),
        message=lambda placed: f"{placed.reference} placed in {placed.icb.display_name}",
        context=shown,
    )
