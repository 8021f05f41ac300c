"""The child death overview panel's conclusion on a death routed to the child death review:
the local area contact records it (`services.child_death`), and the death counts in the
figures (ADR 0154)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from leder.accounts.decorators import verified_staff_required
from leder.casework.forms.child_death import ChildDeathReviewForm
from leder.casework.models import CaseState
from leder.casework.selectors import case as selectors
from leder.casework.services.child_death import child_death_review_record
from leder.casework.views.case import _shown, require_lac
from leder.core.form_page import fields, form_page, posted

FIELDS = (
    "panel_reference",
    "panel_area",
    "concluded_on",
    "cause_text",
    "cause_code",
    "learning",
    "grade",
)


@verified_staff_required
def child_death_review(request: HttpRequest, reference: str) -> HttpResponse:
    require_lac(request)
    case = selectors.case_for_lac(user=request.user, reference=reference)
    if case.state != CaseState.CHILD_DEATH_REVIEW:
        return redirect("casework:case", reference=case.reference)
    existing = selectors.child_death_review_of(case)
    initial = {}
    if existing:
        initial = {name: getattr(existing, name) for name in FIELDS}
        initial["grade"] = str(existing.grade) if existing.grade else ""
    return form_page(
        request,
        form=ChildDeathReviewForm(posted(request), initial=initial),
        template="casework/case/child_death_review.jinja",
        save=lambda data: child_death_review_record(
            actor=request.user, case=case, **fields(data, *FIELDS)
        ),
        success=lambda _: redirect("casework:case", reference=case.reference),
        message="The child death review's conclusion is recorded",
        context=lambda: _shown(
            request, case, "record the child death review", recorded=existing is not None
        ),
    )
