"""The contacts section (contacts, their attempts, the two statements that stand in for a
conversation) and the records section (requests to organisations, their files, downloads).

Who gets what (`selectors.workspace.review_access`): a role that never shows case content gets
403; anyone who cannot see the case gets 404; the case's reviewer edits while the case is at the
review's stage; everyone else who can see the case reads only (no forms; a form page or a POST
is refused with 403, and the reviewer after submission is sent back to the workspace with the
reason). Files are downloaded only by the case's reviewer and its ICB's senior reviewers. Every
page showing the review is audited once; every download is audited.
"""

from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import fields, form_page, posted
from leder.core.time import today
from leder.reviews import tasks
from leder.reviews.forms.contacts import (
    ContactAttemptForm,
    ContactForm,
    FamilyNotPossibleForm,
    GpRecordReviewedForm,
    RecordsRequestForm,
)
from leder.reviews.presenters.contacts import ContactsPage, RecordsPage, RequestCard
from leder.reviews.presenters.workspace import WorkspacePresenter, review_url
from leder.reviews.selectors import contacts as selectors
from leder.reviews.selectors.workspace import ReviewAccess
from leder.reviews.services import contacts as services
from leder.reviews.services import uploads as upload_services


def _access(request: HttpRequest, reference: str, kind: str, *, edit: bool = False):
    access = selectors.started_review(user=request.user, reference=reference, kind=kind)
    if edit and not access.can_edit:
        raise _Refused(access)
    return access


class _Refused(Exception):
    def __init__(self, access: ReviewAccess):
        self.access = access


def _refuse(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    """The case's own reviewer is told why they cannot change the review now (it was
    submitted); anyone else, who never could, gets 403."""
    case = access.case
    if case.is_reviewer(request.user):
        messages.info(request, access.refusal)
        return redirect(review_url("reviews:workspace", access))
    raise PermissionDenied(access.refusal)


def handles_refusal(view):
    """Turn a refusal to edit (raised by `_access(edit=True)` or by a service when the review
    was submitted meanwhile) into `_refuse`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refused as refused:
            return _refuse(request, refused.access)

    return wrapped


@contextmanager
def _refusing(access: ReviewAccess):
    """A service's refusal to edit (the review was submitted meanwhile) becomes `_Refused`."""
    try:
        yield
    except PermissionDenied:
        raise _Refused(access) from None


def _audit(request: HttpRequest, access: ReviewAccess, page: str) -> None:
    audit.record_view(
        actor=request.user,
        obj=access.case,
        summary=f"Viewed the {access.kind_label.lower()} of {access.case.reference}: {page}",
        details={"kind": access.kind, "page": page},
        request=request,
    )


def _render(request, template: str, access: ReviewAccess, **context):
    context.update(p=WorkspacePresenter(access, today=today()))
    return render(request, f"reviews/contacts/{template}.jinja", context)


def _section_form_page(request, access, *, form, template, save, message, page, back, **context):
    """A form of the contacts or records section: saved through `save`, back to `back`. A
    service's refusal to edit (the review was submitted meanwhile) is `_refuse`d."""

    def saving(data):
        with _refusing(access):
            return save(data)

    def shown() -> dict:
        _audit(request, access, page)
        return {"p": WorkspacePresenter(access, today=today()), "back_href": back, **context}

    return form_page(
        request,
        form=form,
        template=f"reviews/contacts/{template}.jinja",
        save=saving,
        success=lambda _: redirect(back),
        message=message,
        context=shown,
    )


# -- Contacts -----------------------------------------------------------------------------------


@verified_staff_required
def contacts(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    _audit(request, access, "contacts")
    page = ContactsPage(
        access, selectors.contacts_of(access.review), selectors.statement_of(access.review)
    )
    return _render(request, "list", access, c=page)


def _contact_page(request, access, *, contact=None):
    organisations = selectors.organisations_of_case(access.case)
    if contact is not None and contact.organisation and contact.organisation not in organisations:
        organisations.append(contact.organisation)
    initial = {}
    if contact is not None:
        initial = {name: getattr(contact, name) for name in ContactForm.SERVICE_FIELDS}
        initial["organisation"] = contact.organisation_id
    form = ContactForm(posted(request), initial=initial, organisations=organisations)

    def save(data):
        answers = {
            **fields(data, *ContactForm.SERVICE_FIELDS),
            "organisation": form.chosen_organisation,
        }
        if contact is None:
            return services.contact_add(actor=request.user, review=access.review, **answers)
        return services.contact_update(actor=request.user, contact=contact, **answers)

    return _section_form_page(
        request,
        access,
        form=form,
        template="contact_form",
        save=save,
        message="Contact added" if contact is None else "Contact saved",
        page="add a contact" if contact is None else "change a contact",
        back=review_url("reviews:contacts", access),
        contact=contact,
    )


@verified_staff_required
@handles_refusal
def contact_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    return _contact_page(request, _access(request, reference, kind, edit=True))


@verified_staff_required
@handles_refusal
def contact_edit(request: HttpRequest, reference: str, kind: str, contact_id: int) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    contact = selectors.contact_in(access.review, contact_id)
    contact.review = access.review
    return _contact_page(request, access, contact=contact)


@verified_staff_required
@handles_refusal
def contact_attempt_add(
    request: HttpRequest, reference: str, kind: str, contact_id: int
) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    contact = selectors.contact_in(access.review, contact_id)
    contact.review = access.review
    return _section_form_page(
        request,
        access,
        form=ContactAttemptForm(posted(request), initial={"made_on": today()}),
        template="attempt_form",
        save=lambda data: services.contact_attempt_add(
            actor=request.user,
            contact=contact,
            **fields(data, "made_on", "method", "outcome", "notes"),
        ),
        message=f"Attempt to reach {contact.name} recorded",
        page="record a contact attempt",
        back=review_url("reviews:contacts", access),
        contact=contact,
    )


def _statement_page(request, access, *, remove, removed: str, **page) -> HttpResponse:
    """A statement of the contacts section: saved by its form, or taken back by the "remove"
    button (`remove()`, then `removed` said)."""
    back = review_url("reviews:contacts", access)
    if request.method == "POST" and request.POST.get("action") == "remove":
        with _refusing(access):
            remove()
        messages.success(request, removed)
        return redirect(back)
    return _section_form_page(request, access, back=back, **page)


@verified_staff_required
@handles_refusal
def family_not_possible(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    statement = selectors.statement_of(access.review)
    current = statement.family_not_possible_reason if statement else ""
    return _statement_page(
        request,
        access,
        remove=lambda: services.family_contact_not_possible_withdraw(
            actor=request.user, review=access.review
        ),
        removed="Reason removed",
        form=FamilyNotPossibleForm(posted(request), initial={"reason": current}),
        template="family_not_possible",
        save=lambda data: services.family_contact_not_possible_record(
            actor=request.user, review=access.review, reason=data["reason"]
        ),
        message="Reason saved",
        page="no conversation with family",
        current=current,
    )


@verified_staff_required
@handles_refusal
def gp_record_reviewed(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind, edit=True)
    statement = selectors.statement_of(access.review)
    current = statement.gp_record_reviewed_on if statement else None
    return _statement_page(
        request,
        access,
        remove=lambda: services.gp_record_reviewed_record(
            actor=request.user, review=access.review, reviewed_on=None
        ),
        removed="GP record review removed",
        form=GpRecordReviewedForm(posted(request), initial={"reviewed_on": current or today()}),
        template="gp_record",
        save=lambda data: services.gp_record_reviewed_record(
            actor=request.user, review=access.review, reviewed_on=data["reviewed_on"]
        ),
        message="GP record review saved",
        page="GP record reviewed",
        current=current,
    )


# -- Records from organisations -----------------------------------------------------------------


@verified_staff_required
def records(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    _audit(request, access, "records from organisations")
    page = RecordsPage(
        access,
        selectors.records_requests_of(access.review),
        can_download=selectors.can_download(request.user, access.case),
    )
    return _render(request, "records", access, r=page)


@verified_staff_required
@handles_refusal
def records_request(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Choose the organisation (the person's GP practice and those involved in their care, or
    any open provider found by the search, which works without JavaScript), the address for the
    link and what is asked; the service sends the link."""
    access = _access(request, reference, kind, edit=True)
    form = RecordsRequestForm(
        posted(request), organisations=selectors.organisations_of_case(access.case)
    )
    return _section_form_page(
        request,
        access,
        form=form,
        template="records_request",
        save=lambda data: tasks.records_request_send(
            actor=request.user,
            review=access.review,
            organisation=form.chosen_organisation,
            base_url=request.build_absolute_uri("/"),
            **fields(data, "email", "requested"),
        ),
        message=lambda _: f"Upload link sent to {form.chosen_organisation.name}",
        page="request records",
        back=review_url("reviews:records", access),
        link_days=settings.LEDER_UPLOAD_LINK_DAYS,
    )


def _request_action(request, reference, kind, request_id, *, action: str):
    access = _access(request, reference, kind, edit=True)
    records_request_row = selectors.records_request_in(access.review, request_id)
    records_request_row.review = access.review
    if request.method == "POST":
        service = {
            "received": upload_services.records_request_mark_received,
            "withdraw": upload_services.records_request_withdraw,
        }[action]
        try:
            with _refusing(access):
                service(actor=request.user, request=records_request_row)
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(
                request,
                f"Records from {records_request_row.organisation.name} marked received"
                if action == "received"
                else f"Request to {records_request_row.organisation.name} withdrawn",
            )
        return redirect(review_url("reviews:records", access))
    _audit(request, access, f"records request: {action}")
    card = RequestCard(records_request_row, access, can_edit=True, can_download=False)
    return _render(
        request,
        "request_confirm",
        access,
        action=action,
        card=card,
        back_href=review_url("reviews:records", access),
    )


@verified_staff_required
@handles_refusal
def records_request_received(
    request: HttpRequest, reference: str, kind: str, request_id: int
) -> HttpResponse:
    return _request_action(request, reference, kind, request_id, action="received")


@verified_staff_required
@handles_refusal
def records_request_withdraw(
    request: HttpRequest, reference: str, kind: str, request_id: int
) -> HttpResponse:
    return _request_action(request, reference, kind, request_id, action="withdraw")


@verified_staff_required
def record_download(request: HttpRequest, reference: str, kind: str, file_id: int):
    """The file as an attachment (never shown in the browser, never sniffed as another type),
    for the case's reviewer and its ICB's senior reviewers; each download audited."""
    record = selectors.uploaded_record_for_download(
        user=request.user, reference=reference, kind=kind, file_id=file_id
    )
    path = upload_services.stored_path(record)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404("The file is no longer stored") from None
    upload_services.record_download_audit(actor=request.user, record=record, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
