"""The local area contact's notification inbox: new notifications with their eligibility
outcome and duplicate flags, the audited detail page, the eligibility override and duplicate
decisions. Reads go through `selectors`, writes through `services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import organisations_where
from leder.core import audit
from leder.notifications import selectors, services
from leder.notifications.inbox_forms import DuplicateDecisionForm, EligibilityOverrideForm
from leder.notifications.inbox_presenters import InboxFilter, NotificationPresenter

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
    return render(
        request,
        "notifications/inbox/list.jinja",
        {
            "filter": chosen,
            "icbs": icbs,
            "page": page,
            "rows": [NotificationPresenter(n) for n in page.object_list],
        },
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
    form = EligibilityOverrideForm(request.POST or None, current=notification.eligibility_outcome)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_override(
                actor=request.user,
                notification=notification,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Eligibility decision changed")
            return redirect("notifications:inbox_detail", reference=reference)
    return render(
        request,
        "notifications/inbox/eligibility.jinja",
        {"n": NotificationPresenter(notification), "form": form, "has_errors": bool(form.errors)},
    )


@verified_staff_required
def duplicate_decision(request: HttpRequest, reference: str, flag_id: int) -> HttpResponse:
    _lac_only(request)
    flag = selectors.duplicate_flag_for(user=request.user, reference=reference, flag_id=flag_id)
    form = DuplicateDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                merged_into = services.duplicate_confirm(
                    actor=request.user, flag=flag, note=form.cleaned_data["note"]
                )
                messages.success(
                    request, f"{flag.notification.reference} merged into {merged_into.reference}"
                )
            else:
                services.duplicate_dismiss(
                    actor=request.user, flag=flag, note=form.cleaned_data["note"]
                )
                messages.success(request, "Marked as not a duplicate")
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages[0] if hasattr(error, "messages") else str(error))
        else:
            return redirect("notifications:inbox_detail", reference=reference)
    return render(
        request,
        "notifications/inbox/duplicate.jinja",
        {
            "flag": flag,
            "n": NotificationPresenter(flag.notification),
            "candidate": NotificationPresenter(flag.candidate),
            "same_icb": flag.candidate.icb_id == flag.notification.icb_id,
            "form": form,
            "has_errors": bool(form.errors),
        },
    )
