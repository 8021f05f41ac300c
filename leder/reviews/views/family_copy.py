"""The family copy of a review: a printable page and a tagged PDF of the completed review without
internal notes (what is shown is decided in `presenters.family_copy`).

Who: the case's reviewer, and the local area contacts and senior reviewers of its ICB; 403 for
anyone else who can see the case (the panel), 404 for a case the user cannot see. Until the case
is completed the page says the copy is not available yet; those same people can preview it,
marked DRAFT, to check it. Each view is audited; each PDF as an export."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import has_any_role
from leder.casework.models import CaseState
from leder.core import audit
from leder.core.models import AuditAction
from leder.reviews.presenters.family_copy import FamilyCopy
from leder.reviews.selectors.workspace import review_access


def _access(request: HttpRequest, reference: str, kind: str):
    access = review_access(user=request.user, reference=reference, kind=kind)
    case = access.case
    is_reviewer = case.is_reviewer(request.user)
    if not (
        is_reviewer
        or has_any_role(
            request.user, Role.LAC, Role.SENIOR_REVIEWER, organisation=case.notification.icb
        )
    ):
        raise PermissionDenied(
            "The family copy is for the reviewer, local area contacts and senior reviewers."
        )
    if access.review is None:
        raise Http404("The review has not been started")
    return access


def _wants_draft(request: HttpRequest) -> bool:
    return request.GET.get("draft") == "1"


def _links(reference: str, kind: str, *, draft: bool) -> dict:
    suffix = "?draft=1" if draft else ""
    kwargs = {"reference": reference, "kind": kind}
    return {
        "page": reverse("reviews:family_copy", kwargs=kwargs),
        "draft": reverse("reviews:family_copy", kwargs=kwargs) + "?draft=1",
        "pdf": reverse("reviews:family_copy_pdf", kwargs=kwargs) + suffix,
    }


@verified_staff_required
def family_copy(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    completed = access.case.state == CaseState.COMPLETED
    links = _links(reference, kind, draft=not completed)
    if not completed and not _wants_draft(request):
        return render(
            request,
            "reviews/family_copy/not_yet.jinja",
            {"reference": reference, "links": links, "case": access.case},
        )
    copy = FamilyCopy(access.review, is_draft=not completed)
    audit.record_view(
        actor=request.user,
        obj=access.review,
        summary=f"Viewed the family copy of {access.case.reference}"
        + (" (draft)" if copy.is_draft else ""),
        request=request,
    )
    return render(
        request, "reviews/family_copy/page.jinja", {"copy": copy, "links": links, "pdf": False}
    )


def render_pdf(request: HttpRequest, copy: FamilyCopy) -> bytes:
    """The family copy as a tagged PDF (PDF/UA-1), from the same content template as the page."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which pages do not need

    from leder.core.pdf_fetcher import static_only

    fetch = static_only()  # the project's own static files only

    html = render_to_string(
        "reviews/family_copy/document.jinja", {"copy": copy, "pdf": True}, request=request
    )
    stylesheet = CSS(filename=finders.find("reviews/family_copy_pdf.css"), url_fetcher=fetch)
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetch).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )


@verified_staff_required
def family_copy_pdf(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    completed = access.case.state == CaseState.COMPLETED
    if not completed and not _wants_draft(request):
        return redirect("reviews:family_copy", reference=reference, kind=kind)
    copy = FamilyCopy(access.review, is_draft=not completed)
    pdf = render_pdf(request, copy)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=access.review,
        summary=f"Downloaded the family copy of {access.case.reference} as a PDF"
        + (" (draft)" if copy.is_draft else ""),
        details={"format": "pdf", "draft": copy.is_draft, "bytes": len(pdf)},
        ip_address=audit.client_ip(request),
    )
    name = f"family-copy-{access.case.reference}{'-DRAFT' if copy.is_draft else ''}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
