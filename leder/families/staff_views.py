"""The reviewer's view of the family's part: invite a family member, withdraw a link, share a
draft, tell the family the copy is ready, print letters; and everything each family member did
and added, with times, new items marked (ADR 0184).

Who: the case's reviewer changes things; the local area contacts and senior reviewers of its
ICB read. Anyone else who can see the case gets 403; a case they cannot see, 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import has_any_role
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.core.models import AuditAction
from leder.families import selectors, services
from leder.families.copy import family_copy_for
from leder.families.forms import CopySentForm, InviteForm
from leder.families.models import DraftKind, FamilyFile, FamilyInvitation
from leder.messaging.models import Channel, Message, MessageStatus
from leder.messaging.routing import route
from leder.messaging.sending import letters_root
from leder.messaging.services import letter_posted
from leder.reviews.models import Contact
from leder.reviews.selectors.workspace import review_access


def _case(request: HttpRequest, reference: str):
    access = review_access(user=request.user, reference=reference, kind="initial")
    case = access.case
    is_reviewer = case.is_reviewer(request.user)
    if not (
        is_reviewer
        or has_any_role(
            request.user, Role.LAC, Role.SENIOR_REVIEWER, organisation=case.notification.icb
        )
    ):
        raise PermissionDenied("The family's part is for the reviewer, LACs and senior reviewers.")
    return access, is_reviewer


def _invitable(access) -> list[Contact]:
    if access.review is None:
        return []
    contacts = selectors.invitable_contacts(access.review)
    for c in contacts:
        how = route(c, (Channel.EMAIL, Channel.LETTER))
        if how is None:
            way = "cannot be sent: no email or postal address"
        else:
            way = f"by {Channel(how.channel).label.lower()}" + (
                " to their advocate" if how.via_advocate else ""
            )
        needs = [
            n
            for n, on in (
                ("easy read", c.easy_read),
                ("large print", c.large_print),
                (
                    f"{c.language}" + (" interpreter" if c.needs_interpreter else ""),
                    bool(c.language),
                ),
            )
            if on
        ]
        c.label = f"{c.name} ({c.get_kind_display().lower()}) – {way}" + (
            f"; {', '.join(needs)}" if needs else ""
        )
    return contacts


@verified_staff_required
def family_page(request: HttpRequest, reference: str) -> HttpResponse:
    access, is_reviewer = _case(request, reference)
    case = access.case
    contacts = _invitable(access) if is_reviewer else []
    form = InviteForm(posted(request), contacts=contacts)

    def save(data):
        contact = next((c for c in contacts if c.pk == data["contact"]), None)
        if contact is None:
            raise ValidationError({"contact": "Select who to invite"})
        return services.invitation_create(
            actor=request.user, contact=contact, second_factor=data["second_factor"]
        )

    def context():
        rows = selectors.invitation_rows(case)
        audit.record_view(
            actor=request.user,
            obj=case,
            summary=f"Viewed the family's part in {case.reference}",
            request=request,
        )
        new = sum(r.new_count for r in rows)
        if is_reviewer and new:
            services.contributions_seen(actor=request.user, case=case)
        return {
            "case": case,
            "reference": case.reference,
            "rows": [
                (r, [(c, selectors.contribution_lines(c)) for c in r.contributions]) for r in rows
            ],
            "new_count": new,
            "is_reviewer": is_reviewer,
            "can_invite": is_reviewer
            and case.state in services.OPEN_FOR_CONTRIBUTIONS
            and bool(contacts),
            "can_share": is_reviewer
            and access.review is not None
            and case.state in services.OPEN_FOR_CONTRIBUTIONS,
            "can_announce": is_reviewer and case.state == "completed",
            "drafts": selectors.latest_drafts(case),
            "letters": list(selectors.letters_to_print(case)),
            "review_started": access.review is not None,
        }

    if request.method == "POST" and not is_reviewer:
        raise PermissionDenied("Only the case's reviewer can invite")
    return form_page(
        request,
        form=form,
        template="families/staff/page.jinja",
        save=save,
        success=lambda _: redirect("families_staff:page", reference=reference),
        message=lambda inv: f"{inv.contact.name} has been sent their own link",
        context=context,
        rename={"contact": "contact", "second_factor": "second_factor"},
    )


@verified_staff_required
def not_contacted(request: HttpRequest) -> HttpResponse:
    """The reviews whose family has not been contacted in time: the user's own as reviewer and
    those of the ICBs where they are a local area contact."""
    rows = selectors.families_not_contacted(request.user)
    return render(
        request,
        "families/staff/not_contacted.jinja",
        {"rows": rows, "days": settings.LEDER_FAMILY_CONTACT_DAYS},
    )


@verified_staff_required
@require_POST
def withdraw(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    access, _ = _case(request, reference)
    invitation = get_object_or_404(FamilyInvitation, pk=pk, case=access.case)
    services.invitation_withdraw(actor=request.user, invitation=invitation)
    messages.success(request, f"{invitation.contact.name}'s link no longer works")
    return redirect("families_staff:page", reference=reference)


@verified_staff_required
@require_POST
def share(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access, _ = _case(request, reference)
    if kind not in DraftKind.values or access.review is None:
        raise Http404()
    try:
        draft = services.draft_share(
            actor=request.user,
            case=access.case,
            kind=kind,
            content=selectors.draft_content(access.review, kind),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"The {draft.get_kind_display().lower()} is shared with the family"
        )
    return redirect("families_staff:page", reference=reference)


@verified_staff_required
@require_POST
def announce(request: HttpRequest, reference: str) -> HttpResponse:
    access, _ = _case(request, reference)
    try:
        sent = services.family_copy_announce(actor=request.user, case=access.case)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Told {sent} family member{'s' if sent != 1 else ''}")
    return redirect("families_staff:page", reference=reference)


@verified_staff_required
def letter_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    access, _ = _case(request, reference)
    message = get_object_or_404(Message, pk=pk, case=access.case, channel=Channel.LETTER)
    if not message.letter_file:
        raise Http404()
    return _download(
        request,
        letters_root().parent / message.letter_file,
        obj=message,
        summary=f"Downloaded a letter to print for {access.case.reference}",
        filename=f"letter-{access.case.reference}-{message.pk}.pdf",
    )


@verified_staff_required
@require_POST
def letter_mark_posted(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    access, _ = _case(request, reference)
    message = get_object_or_404(
        Message, pk=pk, case=access.case, channel=Channel.LETTER, status=MessageStatus.TO_PRINT
    )
    letter_posted(message, actor=request.user)
    messages.success(request, "Marked as posted")
    return redirect("families_staff:page", reference=reference)


@verified_staff_required
def file_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    access, _ = _case(request, reference)
    found = get_object_or_404(FamilyFile, pk=pk, contribution__invitation__case=access.case)
    from leder.reviews.services.uploads import private_root

    return _download(
        request,
        private_root() / found.stored_name,
        obj=found,
        summary=f"Downloaded a file a family member added to {access.case.reference}",
        filename=found.original_name,
        content_type=found.content_type,
    )


def _download(request, path, *, obj, summary: str, **attachment) -> FileResponse:
    """A stored file as an attachment (404 if it is no longer stored), audited as an export."""
    if not path.is_file():
        raise Http404()
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=obj,
        summary=summary,
        ip_address=audit.client_ip(request),
    )
    return FileResponse(path.open("rb"), as_attachment=True, **attachment)


def _copy_case(request: HttpRequest, reference: str):
    """The case whose family copy the user may read: its reviewer, and the local area contacts
    and senior reviewers of its ICB (403 for anyone else who can see the case)."""
    access, is_reviewer = _case(request, reference)
    case = access.case
    can_record = is_reviewer or has_any_role(
        request.user, Role.LAC, organisation=case.notification.icb
    )
    return case, can_record


@verified_staff_required
def copy_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The family copy as the family reads it, how and when it was sent, and a form to record a
    copy sent another way (ADR 0166). Before sign-off it is a draft, for checking."""
    case, can_record = _copy_case(request, reference)
    completed = case.state == "completed"
    if request.method == "POST" and not (can_record and completed):
        raise PermissionDenied("Only the reviewer or a local area contact records a copy sent")
    form = CopySentForm(posted(request))

    def save(data):
        return services.copy_sent_record(actor=request.user, case=case, **data)

    def context():
        copy = family_copy_for(case, is_draft=not completed)
        audit.record_view(
            actor=request.user,
            obj=case,
            summary=f"Viewed the family copy of {case.reference}"
            + ("" if completed else " (draft)"),
            request=request,
        )
        return {
            "case": case,
            "reference": case.reference,
            "copy": copy,
            "sendings": selectors.copy_sendings(case),
            "can_record": can_record and completed,
        }

    return form_page(
        request,
        form=form,
        template="families/staff/copy.jinja",
        save=save,
        success=lambda _: redirect("families_staff:copy", reference=reference),
        message=lambda record: f"Recorded: the family copy was sent to {record.sent_to}",
        context=context,
    )


@verified_staff_required
def copy_easy_read(request: HttpRequest, reference: str) -> HttpResponse:
    """The easy-read family copy as the family reads it, with the reviewer's sentences left out
    of it because they did not pass the easy-read check, so they can be said more simply."""
    case, _ = _copy_case(request, reference)
    completed = case.state == "completed"
    copy = family_copy_for(case, is_draft=not completed)
    audit.record_view(
        actor=request.user,
        obj=case,
        summary=f"Viewed the easy-read family copy of {case.reference}"
        + ("" if completed else " (draft)"),
        request=request,
    )
    return render(
        request,
        "families/staff/copy_easy_read.jinja",
        {"case": case, "reference": case.reference, "copy": copy, "easy": copy.easy_read},
    )


def _copy_pdf(request: HttpRequest, case, copy, *, easy_read: bool) -> HttpResponse:
    """The family copy (or its easy read) as a tagged PDF (PDF/UA-1), to print and post: the same
    words as the page, from the same macros."""
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which pages do not need

    from leder.core.pdf_fetcher import static_only

    fetch = static_only()
    html = render_to_string(
        "families/copy/document.jinja",
        {"copy": copy, "easy": copy.easy_read if easy_read else None},
        request=request,
    )
    stylesheet = CSS(filename=finders.find("reviews/family_copy_pdf.css"), url_fetcher=fetch)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetch).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
    what = "easy-read family copy" if easy_read else "family copy"
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=case,
        summary=f"Downloaded the {what} of {case.reference} as a PDF"
        + (" (draft)" if copy.is_draft else ""),
        details={"format": "pdf", "draft": copy.is_draft, "easy_read": easy_read},
        ip_address=audit.client_ip(request),
    )
    name = "family-copy" + ("-easy-read" if easy_read else "") + f"-{case.reference}"
    name += "-DRAFT" if copy.is_draft else ""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@verified_staff_required
def copy_pdf(request: HttpRequest, reference: str, easy_read: bool = False) -> HttpResponse:
    case, _ = _copy_case(request, reference)
    copy = family_copy_for(case, is_draft=case.state != "completed")
    return _copy_pdf(request, case, copy, easy_read=easy_read)
