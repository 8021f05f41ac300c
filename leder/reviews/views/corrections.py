"""Correcting the person's details (issue 15): the local area contact of the death's ICB, from
the notification; the reviewer, from the review, for what the review establishes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from leder.accounts.decorators import verified_staff_required
from leder.casework.models import CaseState
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.notifications import selectors
from leder.notifications.inbox_presenters import NotificationPresenter
from leder.reviews.forms.corrections import CorrectionForm, ReviewerCorrectionForm
from leder.reviews.models import ReviewKind
from leder.reviews.selectors.corrections import case_to_correct
from leder.reviews.services.corrections import (
    CORRECTABLE,
    REVIEW_ESTABLISHES,
    CorrectionResult,
    correcting_reviewer_case,
)
from leder.reviews.tasks import person_correct_and_tell


def _correct(request: HttpRequest, notification, data: dict, names) -> CorrectionResult:
    """Correct `names` from the form's `data`; what the checks found after the first message
    (the page's banner) is shown as further messages."""
    result = person_correct_and_tell(
        actor=request.user,
        notification=notification,
        changes={name: data[name] for name in names},
        reason=data["reason"],
    )
    for said in result.messages[1:]:
        messages.info(request, said)
    return result


@verified_staff_required
def person_correct_page(request: HttpRequest, reference: str) -> HttpResponse:
    notification = selectors.notification_for(user=request.user, reference=reference)
    form = CorrectionForm(posted(request), initial=CorrectionForm.initial_for(notification))

    def save(data):
        return _correct(request, notification, data, CORRECTABLE)

    def shown() -> dict:
        audit.record_view(
            actor=request.user,
            obj=notification,
            summary=f"Viewed {notification.reference} to correct it",
            request=request,
        )
        return {"n": NotificationPresenter(notification)}

    return form_page(
        request,
        form=form,
        template="reviews/corrections/correct.jinja",
        save=save,
        success=lambda _: redirect("notifications:inbox_detail", reference=reference),
        message=lambda result: result.messages[0],
        context=lambda: {
            **shown(),
            "names": [*CORRECTABLE, "reason"],
            "back": reverse("notifications:inbox_detail", kwargs={"reference": reference}),
        },
    )


@verified_staff_required
def review_person_correct_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The reviewer writing the review corrects what it establishes (date of birth, sex, ethnic
    group, GP practice, learning disability, autism), with what in the review shows it."""
    case = case_to_correct(user=request.user, reference=reference)
    notification = case.notification
    if correcting_reviewer_case(request.user, notification) is None:
        raise PermissionDenied(
            "Only the reviewer writing the review corrects the person's details here; the "
            "local area contact corrects them from the notification."
        )
    kind = ReviewKind.FOCUSED if case.state == CaseState.FOCUSED_REVIEW else ReviewKind.INITIAL
    back = reverse("reviews:workspace", kwargs={"reference": reference, "kind": kind})
    form = ReviewerCorrectionForm(
        posted(request), initial=CorrectionForm.initial_for(notification), names=REVIEW_ESTABLISHES
    )

    def save(data):
        result = _correct(request, notification, data, REVIEW_ESTABLISHES)
        messages.info(
            request,
            "The local area contact has been told by e-mail what was corrected and what the "
            "checks found.",
        )
        return result

    def shown() -> dict:
        audit.record_view(
            actor=request.user,
            obj=notification,
            summary=f"Viewed {notification.reference} to correct it from the review",
            request=request,
        )
        return {
            "n": NotificationPresenter(notification),
            "names": [*REVIEW_ESTABLISHES, "reason"],
            "back": back,
            "reviewer": True,
        }

    return form_page(
        request,
        form=form,
        template="reviews/corrections/correct.jinja",
        save=save,
        success=lambda _: redirect(back),
        message=lambda result: result.messages[0],
        context=shown,
    )
