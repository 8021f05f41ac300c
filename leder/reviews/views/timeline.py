"""The timeline of care: the events in date order, adding, changing and removing one, marking the
timeline complete, and a printable version. Reads go through `selectors.workspace.review_access`
(403 for a role that never sees cases, 404 for a case the user cannot see); writes through
`services.timeline`, which refuses anyone but the case's reviewer while the review is editable."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import form_page, posted
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


def _timeline_page(request, access) -> HttpResponse:
    page = TimelinePresenter(access.review, can_edit=access.can_edit)
    complete_form = TimelineCompleteForm(initial={"complete": page.is_complete})
    return render(
        request,
        "reviews/timeline/timeline.jinja",
        {"t": page, "complete_form": complete_form},
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

    def shown() -> dict:
        _viewed(request, access, "the timeline")
        return {
            "t": TimelinePresenter(access.review, can_edit=access.can_edit),
            "complete_form": form,
        }

    return form_page(
        request,
        form=form,
        template="reviews/timeline/timeline.jinja",
        save=lambda data: services.timeline_mark_complete(
            actor=request.user, review=access.review, complete=data["complete"]
        ),
        success=lambda _: redirect("reviews:timeline", reference=reference, kind=kind),
        message=lambda _: (
            "Timeline marked as complete"
            if form.cleaned_data["complete"]
            else "Timeline marked as not complete"
        ),
        context=shown,
        rename={NON_FIELD_ERRORS: "complete"},
    )


def _event_form_page(request, access, *, form, save, message, event=None) -> HttpResponse:
    def shown() -> dict:
        # Called only when the page is shown (with the form, or its errors): it shows the
        # person, so the view is recorded, whether an event is added or changed.
        _viewed(request, access, "a timeline event" if event is not None else "the timeline")
        return {"t": TimelinePresenter(access.review, can_edit=access.can_edit), "event": event}

    return form_page(
        request,
        form=form,
        template="reviews/timeline/event_form.jinja",
        # The form turns its answers into the service's (a date or a period, and so on).
        save=lambda _: save(**form.service_fields()),
        success=lambda _: redirect(
            "reviews:timeline", reference=access.case.reference, kind=access.kind
        ),
        message=message,
        context=shown,
    )


@verified_staff_required
def timeline_event_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    return _event_form_page(
        request,
        access,
        form=TimelineEventForm(posted(request), review=access.review),
        save=lambda **answers: services.timeline_event_add(
            actor=request.user, review=access.review, **answers
        ),
        message="Event added to the timeline",
    )


@verified_staff_required
def timeline_event_edit(
    request: HttpRequest, reference: str, kind: str, event_id: int
) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    event = _event(access, event_id)
    return _event_form_page(
        request,
        access,
        form=TimelineEventForm(
            posted(request), review=access.review, initial=TimelineEventForm.initial_for(event)
        ),
        save=lambda **answers: services.timeline_event_update(
            actor=request.user, event=event, **answers
        ),
        message="Event changed",
        event=event,
    )


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
