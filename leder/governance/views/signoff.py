"""The sign-offs of a review and reopening it.

For a review that has been signed off: each signed-off version (version, route, who, when, its
SHA-256 and, once reopened, who reopened it and why), each readable in full from its frozen
snapshot, with a check that the snapshot still matches its hash; links to the review's own
version comparison to see what changed since. The LAC or the panel chair of the ICB can reopen
a signed-off review of a completed case, with a reason and a confirmation
(`services.signoff.review_reopen`).

Who reads: whoever may read the review (`reviews.selectors.workspace.review_access`: a role that
never sees case content gets 403, a case the user cannot see is 404). Every page is audited.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import Role
from leder.accounts.rules import has_any_role
from leder.casework.selectors import cases_visible_to
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.core.time import today
from leder.governance.forms.panels import ReopenForm
from leder.governance.presenters import signoff as present
from leder.governance.selectors.panels import review_signoffs
from leder.governance.services.signoff import reopen_refusal, review_reopen, signoff_verify
from leder.reviews.presenters.workspace import WorkspacePresenter
from leder.reviews.selectors.workspace import review_access


def _access(request: HttpRequest, reference: str, kind: str):
    access = review_access(user=request.user, reference=reference, kind=kind)
    if access.review is None:
        raise Http404("The review has not been started")
    return access


def _audit(request: HttpRequest, access, page: str, **details) -> None:
    audit.record_view(
        actor=request.user,
        obj=access.case,
        summary=f"Viewed the {access.kind_label.lower()} of {access.case.reference}: {page}",
        details={"kind": access.kind, "page": page, **details},
        request=request,
    )


def _context(access, **extra) -> dict:
    return {"p": WorkspacePresenter(access, today=today()), **extra}


@verified_staff_required
def signoffs(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    access = _access(request, reference, kind)
    review = access.review
    rows = present.signoff_rows(review_signoffs(review), reference=reference, kind=kind)
    compare = [
        {
            "text": f"Compare signed-off version {row.version} with the current version "
            f"({review.current_version})",
            "href": present.compare_href(
                reference=reference,
                kind=kind,
                first=row.version,
                second=review.current_version,
            ),
        }
        for row in rows
        if review.current_version > row.version
    ]
    _audit(request, access, "sign-offs")
    return render(
        request,
        "governance/signoff/list.jinja",
        _context(
            access,
            rows=rows,
            compare=compare,
            can_reopen=reopen_refusal(user=request.user, review=review) is None,
        ),
    )


@verified_staff_required
def signoff_version(request: HttpRequest, reference: str, kind: str, pk: int) -> HttpResponse:
    access = _access(request, reference, kind)
    found = next((s for s in review_signoffs(access.review) if s.pk == pk), None)
    if found is None:
        raise Http404("No such sign-off")
    row = present.signoff_rows([found], reference=reference, kind=kind)[0]
    _audit(request, access, f"signed-off version {found.version_number}", signoff=found.pk)
    return render(
        request,
        "governance/signoff/version.jinja",
        _context(
            access,
            row=row,
            sections=present.snapshot_sections(kind, found.snapshot),
            problems=signoff_verify(found),
        ),
    )


@verified_staff_required
def reopen(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Reopen a signed-off review: the LAC or the panel chair, with a reason, confirmed."""
    access = _access(request, reference, kind)
    review = access.review
    if not has_any_role(
        request.user, Role.LAC, Role.PANEL_CHAIR, organisation=access.case.notification.icb
    ):
        raise PermissionDenied(
            "Only the local area contact or the panel chair of this ICB can reopen a review."
        )
    back = redirect("governance:signoffs", reference=reference, kind=kind)
    refusal = reopen_refusal(user=request.user, review=review)
    if refusal:
        messages.info(request, refusal)
        return back

    def reopened(_) -> HttpResponse:
        if not cases_visible_to(request.user).filter(pk=access.case.pk).exists():
            # The panel sees a case only at or after the panel: the chair who reopened it
            # goes back to the panel until it returns.
            return redirect("governance:panels")
        return back

    def shown() -> dict:
        _audit(request, access, "reopen")
        return _context(access)

    return form_page(
        request,
        form=ReopenForm(posted(request)),
        template="governance/signoff/reopen.jinja",
        save=lambda data: review_reopen(actor=request.user, review=review, reason=data["reason"]),
        success=reopened,
        message=f"{access.kind_label} reopened. The signed-off version stays readable; the "
        "reviewer can now change the review and submit it again",
        context=shown,
        rename={NON_FIELD_ERRORS: "reason"},
    )
