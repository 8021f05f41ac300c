"""The timeline of care: the events in date order, adding, changing and removing one, marking the
timeline complete, and a printable version. Reads go through `selectors.workspace.review_access`
(403 for a role that never sees cases, 404 for a case the user cannot see); writes through
`services.timeline`, which refuses anyone but the case's reviewer while the review is editable."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.reviews.forms.timeline import TimelineCompleteForm, TimelineEventForm
from leder.reviews.models import TimelineEvent
from leder.reviews.presenters.timeline import TimelinePresenter
from leder.reviews.selectors.timeline import timeline_event_for
from leder.reviews.selectors.workspace import review_access
from leder.reviews.services import timeline as services


def _access(request: HttpRequest, reference: str, kind: str, *, edit: bool = False):
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        raise Http404("The review has not been started")
    if edit and not access.can_edit:
        raise PermissionDenied(access.refusal)
    return access


def _viewed(request: HttpRequest, access, what: str) -> None:
    audit.record_view(
        actor=request.user,
        obj=access.review,
        summary=f"Viewed {what} of {access.case.reference}",
        request=request,
    )


def _event(access, event_id: int) -> TimelineEvent:
    return timeline_event_for(access=access, event_id=event_id)


def _timeline_page(request, access, *, complete_form=None, status=200) -> HttpResponse:
    page = TimelinePresenter(access.review, can_edit=access.can_edit)
    complete_form = complete_form or TimelineCompleteForm(initial={"complete": page.is_complete})
    return render(
        request,
        "reviews/timeline/timeline.jinja",
        {
            "t": page,
            "complete_form": complete_form,
            "has_errors": bool(complete_form.errors),
        },
        status=status,
    )


@verified_staff_required
def timeline(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    _viewed(request, access, "the timeline")
    return _timeline_page(request, access)


@verified_staff_required
@require_POST
def timeline_complete(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    form = TimelineCompleteForm(request.POST)
    if form.is_valid():
        complete = form.cleaned_data["complete"]
        try:
            services.timeline_mark_complete(
                actor=request.user, review=access.review, complete=complete
            )
        except ValidationError as error:
            form.add_error("complete", error.messages[0])
        else:
            messages.success(
                request,
                "Timeline marked as complete" if complete else "Timeline marked as not complete",
            )
            return redirect("reviews:timeline", reference=reference, kind=kind)
    _viewed(request, access, "the timeline")
    return _timeline_page(request, access, complete_form=form)


def _event_form_page(request, access, *, form, event=None) -> HttpResponse:
    return render(
        request,
        "reviews/timeline/event_form.jinja",
        {
            "t": TimelinePresenter(access.review, can_edit=access.can_edit),
            "form": form,
            "event": event,
            "has_errors": bool(form.errors),
        },
    )


def _save_event(request, access, form, *, event=None) -> HttpResponse | None:
    """Call the service with the form's data; a redirect to the timeline when it saved, None
    (with the service's objections on the form) when it did not."""
    try:
        if event is None:
            services.timeline_event_add(
                actor=request.user, review=access.review, **form.service_fields()
            )
            done = "Event added to the timeline"
        else:
            services.timeline_event_update(actor=request.user, event=event, **form.service_fields())
            done = "Event changed"
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return None
    messages.success(request, done)
    return redirect("reviews:timeline", reference=access.case.reference, kind=access.kind)


@verified_staff_required
def timeline_event_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    form = TimelineEventForm(
        request.POST if request.method == "POST" else None, review=access.review
    )
    if request.method == "POST" and form.is_valid():
        done = _save_event(request, access, form)
        if done:
            return done
    return _event_form_page(request, access, form=form)


@verified_staff_required
def timeline_event_edit(
    request: HttpRequest, reference: str, kind: str, event_id: int
) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    event = _event(access, event_id)
    form = TimelineEventForm(
        request.POST if request.method == "POST" else None,
        review=access.review,
        initial=TimelineEventForm.initial_for(event),
    )
    if request.method == "POST" and form.is_valid():
        done = _save_event(request, access, form, event=event)
        if done:
            return done
    if request.method == "GET":
        _viewed(request, access, "a timeline event")
    return _event_form_page(request, access, form=form, event=event)


@verified_staff_required
def timeline_event_remove(
    request: HttpRequest, reference: str, kind: str, event_id: int
) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    event = _event(access, event_id)
    if request.method == "POST":
        services.timeline_event_remove(actor=request.user, event=event)
        messages.success(request, "Event removed from the timeline")
        return redirect("reviews:timeline", reference=reference, kind=kind)
    _viewed(request, access, "a timeline event")
    page = TimelinePresenter(access.review, can_edit=access.can_edit)
    row = next(row for row in page.rows if row.event.pk == event.pk)
    return render(request, "reviews/timeline/event_remove.jinja", {"t": page, "row": row})


@verified_staff_required
def timeline_print(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    _viewed(request, access, "the printable timeline")
    return render(
        request,
        "reviews/timeline/print.jinja",
        {"t": TimelinePresenter(access.review, can_edit=False)},
    )
