"""The governance panel pages: the ICB's panel and its members, its meetings, each meeting's
agenda of focused reviews, attendance and quorum, minutes, the panel's decision on each review,
and the papers pack (a tagged PDF of every review on the agenda, in full).

Who: the local area contacts, panel members and panel chairs of the ICB read (every other role
gets 403; another ICB's panel or meeting is a 404). The LAC and the panel chair set the panel up
and run its meetings; a panel member or chair records decisions (the services check again).
Reads go through `selectors.panels`, writes through `services.panels`, whose ValidationErrors
are shown on the form. Pages showing people's names and cases are audited as views.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import fields, form_page, posted
from leder.governance.forms.panels import (
    AttendanceForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    PanelForm,
)
from leder.governance.models import PanelDecision
from leder.governance.presenters import panels as present
from leder.governance.selectors import panels as selectors
from leder.governance.services import panels as services


def _check_runs(request: HttpRequest, icb) -> None:
    if not services.can_run_panel(request.user, icb=icb):
        raise PermissionDenied(
            "Only the local area contact or the panel chair of this ICB can do this."
        )


def _meeting(request: HttpRequest, pk: int):
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    return meeting, services.meeting_quorum(meeting)


def _meeting_context(request: HttpRequest, meeting, quorum, **extra) -> dict:
    return {
        "m": present.MeetingPresenter(meeting, quorum=quorum),
        "can_run": services.can_run_panel(request.user, icb=meeting.panel.icb),
        "is_member": services.is_panel_member(request.user, icb=meeting.panel.icb),
        **extra,
    }


def _to_meeting(meeting) -> HttpResponse:
    return redirect("governance:panel_meeting", pk=meeting.pk)


# -- The panel ----------------------------------------------------------------------------------


@verified_staff_required
def panels(request: HttpRequest) -> HttpResponse:
    """The panels the user may see; straight to it when there is one."""
    selectors.panel_reader_check(request.user)
    icbs = list(selectors.panel_icbs(request.user))
    if len(icbs) == 1:
        return redirect("governance:panel", icb_id=icbs[0].pk)
    rows = [
        {
            "icb": icb.name,
            "name": (panel.name if (panel := selectors.panel_of(icb)) else "Not set up yet"),
            "href": reverse("governance:panel", kwargs={"icb_id": icb.pk}),
        }
        for icb in icbs
    ]
    return render(request, "governance/panels/list.jinja", {"rows": rows})


@verified_staff_required
def panel(request: HttpRequest, icb_id: int) -> HttpResponse:
    icb = selectors.panel_icb_for(user=request.user, icb_id=icb_id)
    found = selectors.panel_of(icb)
    meetings = [present.MeetingRow(m) for m in selectors.meetings_of(found)] if found else []
    return render(
        request,
        "governance/panels/panel.jinja",
        {
            "icb": icb,
            "panel": found,
            "members": present.member_rows(selectors.panel_members(icb)),
            "meetings": meetings,
            "can_run": services.can_run_panel(request.user, icb=icb),
        },
    )


@verified_staff_required
def panel_edit(request: HttpRequest, icb_id: int) -> HttpResponse:
    icb = selectors.panel_icb_for(user=request.user, icb_id=icb_id)
    _check_runs(request, icb)
    found = selectors.panel_of(icb)
    initial = (
        {"name": found.name, "quorum": found.quorum, "terms_of_reference": found.terms_of_reference}
        if found
        else {"name": f"{icb.name} LeDeR governance panel", "quorum": 3}
    )
    return form_page(
        request,
        form=PanelForm(posted(request), initial=initial),
        template="governance/panels/panel_edit.jinja",
        save=lambda data: services.panel_save(actor=request.user, icb=icb, **data),
        success=lambda _: redirect("governance:panel", icb_id=icb.pk),
        message="Panel details saved" if found else "Panel set up",
        context={"icb": icb, "panel": found},
    )


@verified_staff_required
def meeting_new(request: HttpRequest, icb_id: int) -> HttpResponse:
    icb = selectors.panel_icb_for(user=request.user, icb_id=icb_id)
    _check_runs(request, icb)
    found = selectors.panel_of(icb)
    if found is None:
        messages.info(request, "Set up the panel before scheduling its meetings")
        return redirect("governance:panel_edit", icb_id=icb.pk)
    form = MeetingForm(posted(request))
    return form_page(
        request,
        form=form,
        template="governance/panels/meeting_new.jinja",
        save=lambda data: services.panel_meeting_schedule(
            actor=request.user, panel=found, starts_at=form.starts_at(), location=data["location"]
        ),
        success=_to_meeting,
        message="Meeting scheduled",
        context={"icb": icb, "panel": found},
    )


# -- A meeting ----------------------------------------------------------------------------------


@verified_staff_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, quorum = _meeting(request, pk)
    items = selectors.agenda(user=request.user, meeting=meeting)
    audit.record_view(
        actor=request.user,
        obj=meeting,
        summary=f"Viewed the agenda of {meeting}",
        details={"cases": [i.review.case.reference for i in items]},
        request=request,
    )
    return render(
        request,
        "governance/panels/meeting.jinja",
        _meeting_context(
            request,
            meeting,
            quorum,
            rows=present.agenda_rows(meeting, items),
            quorate=quorum.is_quorate,
        ),
    )


@verified_staff_required
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The focused reviews ready for sign-off; each has a button that puts it on the agenda."""
    meeting, quorum = _meeting(request, pk)
    _check_runs(request, meeting.panel.icb)
    errors: list[str] = []
    if request.method == "POST":
        raw = request.POST.get("review", "")
        if not raw.isdigit():
            errors = ["Choose a review to add to the agenda"]
        else:
            review = selectors.review_on_agenda_candidate(
                user=request.user, meeting=meeting, pk=int(raw)
            )
            try:
                services.agenda_item_add(actor=request.user, meeting=meeting, review=review)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"{review.case.reference} added to the agenda")
                return _to_meeting(meeting)
    ready = selectors.reviews_ready_for_panel(user=request.user, meeting=meeting)
    audit.record_view(
        actor=request.user,
        obj=meeting,
        summary=f"Viewed the reviews ready for the agenda of {meeting}",
        details={"cases": [r.case.reference for r in ready]},
        request=request,
    )
    rows = present.ready_rows(ready)
    return render(
        request,
        "governance/panels/agenda_add.jinja",
        _meeting_context(
            request, meeting, quorum, rows=rows, errors=errors, has_errors=bool(errors)
        ),
    )


@verified_staff_required
def agenda_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """A page asking to confirm; the POST takes the review off the agenda."""
    meeting, quorum = _meeting(request, pk)
    _check_runs(request, meeting.panel.icb)
    found = selectors.agenda_item_for(user=request.user, meeting=meeting, pk=item)
    if request.method == "POST":
        try:
            services.agenda_item_remove(actor=request.user, item=found)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, f"{found.review.case.reference} taken off the agenda")
        return _to_meeting(meeting)
    row = present.agenda_rows(meeting, [found])[0]
    audit.record_view(
        actor=request.user,
        obj=found.review.case,
        summary=f"Viewed {row.reference} on the agenda of {meeting}, to take it off",
        details={"agenda_item": found.pk},
        request=request,
    )
    return render(
        request,
        "governance/panels/agenda_remove.jinja",
        _meeting_context(request, meeting, quorum, row=row),
    )


@verified_staff_required
@require_POST
def agenda_move(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    meeting, _ = _meeting(request, pk)
    _check_runs(request, meeting.panel.icb)
    found = selectors.agenda_item_for(user=request.user, meeting=meeting, pk=item)
    try:
        services.agenda_item_move(
            actor=request.user, item=found, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    return _to_meeting(meeting)


@verified_staff_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, quorum = _meeting(request, pk)
    _check_runs(request, meeting.panel.icb)
    members = selectors.panel_members(meeting.panel.icb)
    form = AttendanceForm(
        posted(request),
        members=members,
        initial={
            "attendees": [str(u.pk) for u in meeting.attendees.all()],
            "other_attendees": meeting.other_attendees,
        },
    )
    return form_page(
        request,
        form=form,
        template="governance/panels/attendance.jinja",
        save=lambda data: services.meeting_attendance_record(
            actor=request.user,
            meeting=meeting,
            attendees=form.chosen_users(),
            other_attendees=data["other_attendees"],
        ),
        success=lambda _: _to_meeting(meeting),
        message=lambda quorum: f"Attendance recorded. {present.quorum_text(quorum)}",
        context=lambda: _meeting_context(request, meeting, quorum),
    )


@verified_staff_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, quorum = _meeting(request, pk)
    _check_runs(request, meeting.panel.icb)
    return form_page(
        request,
        form=MinutesForm(posted(request), initial={"minutes": meeting.minutes}),
        template="governance/panels/minutes.jinja",
        save=lambda data: services.meeting_minutes_save(
            actor=request.user, meeting=meeting, minutes=data["minutes"]
        ),
        success=lambda _: _to_meeting(meeting),
        message="Minutes saved",
        context=lambda: _meeting_context(request, meeting, quorum),
    )


@verified_staff_required
def decision(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The panel's decision on one review: signed off, returned with comments, or deferred."""
    meeting, quorum = _meeting(request, pk)
    found = selectors.agenda_item_for(user=request.user, meeting=meeting, pk=item)
    refusal = services.decision_refusal(user=request.user, item=found)
    if refusal:
        raise PermissionDenied(refusal)
    row = present.agenda_rows(meeting, [found])[0]
    if found.decision != PanelDecision.PENDING:
        messages.info(request, f"The panel has already decided on {row.reference}")
        return _to_meeting(meeting)

    def decided(data):
        services.panel_decision_record(
            actor=request.user, item=found, **fields(data, "decision", "comments")
        )
        return PanelDecision(data["decision"]).label

    def shown() -> dict:
        audit.record_view(
            actor=request.user,
            obj=found.review.case,
            summary=f"Viewed {row.reference} on the agenda of {meeting}",
            details={"agenda_item": found.pk},
            request=request,
        )
        return _meeting_context(request, meeting, quorum, row=row, quorate=quorum.is_quorate)

    return form_page(
        request,
        form=DecisionForm(posted(request)),
        template="governance/panels/decision.jinja",
        save=decided,
        success=lambda _: _to_meeting(meeting),
        message=lambda label: f"{row.reference}: {label.lower()}",
        context=shown,
    )


# -- The papers pack ----------------------------------------------------------------------------


def render_papers(request: HttpRequest, context: dict) -> bytes:
    """The papers pack as a tagged PDF (PDF/UA-1): the family copy's print stylesheet and the
    pack's own (the marking on every page, each case on a new page)."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which pages do not need

    from leder.core.pdf_fetcher import static_only

    fetch = static_only()  # the project's own static files only

    html = render_to_string("governance/panels/papers.jinja", context, request=request)
    sheets = [
        CSS(filename=finders.find(name), url_fetcher=fetch)
        for name in ("reviews/family_copy_pdf.css", "governance/panel_pack_pdf.css")
    ]
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetch).write_pdf(
        stylesheets=sheets, pdf_variant="pdf/ua-1"
    )


def _papers(request: HttpRequest, pk: int) -> dict:
    meeting, quorum = _meeting(request, pk)
    items = selectors.agenda(user=request.user, meeting=meeting)
    rows = present.agenda_rows(meeting, items)
    reviews = present.paper_reviews(
        rows,
        selectors.latest_snapshots(items),
        initial=selectors.initial_snapshots(items),
        actions=selectors.proposed_actions(items),
    )
    return {
        "m": present.MeetingPresenter(meeting, quorum=quorum),
        "rows": rows,
        "reviews": reviews,
    }


def _audit_papers(request: HttpRequest, context: dict, fmt: str) -> None:
    meeting = context["m"].meeting
    verb = "Downloaded" if fmt == "pdf" else "Read"
    for paper in context["reviews"]:
        audit.record_view(
            actor=request.user,
            obj=paper.row.item.review,
            summary=f"{verb} the papers pack of {meeting}, with {paper.row.reference}",
            details={"meeting": meeting.pk, "version": paper.version_number, "format": fmt},
            request=request,
        )


@verified_staff_required
def papers(request: HttpRequest, pk: int) -> HttpResponse:
    """Every review on the agenda, in the order a panel works, as one tagged PDF. Each review in
    it is audited as viewed."""
    context = _papers(request, pk)
    pdf = render_papers(request, context)
    _audit_papers(request, context, "pdf")
    meeting = context["m"].meeting
    name = f"panel-papers-{meeting.starts_at:%Y-%m-%d}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@verified_staff_required
def papers_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The papers pack as a page: the same content as the PDF, in the site's layout."""
    context = _papers(request, pk)
    _audit_papers(request, context, "html")
    return render(request, "governance/panels/papers_page.jinja", context)
