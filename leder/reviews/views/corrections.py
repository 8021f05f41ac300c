"""Correcting the person's details (issue 15): the local area contact of the death's ICB."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.form_page import form_page, posted
from leder.notifications import selectors
from leder.notifications.inbox_presenters import NotificationPresenter
from leder.reviews.forms.corrections import CorrectionForm
from leder.reviews.services.corrections import CORRECTABLE, person_correct


@verified_staff_required
def person_correct_page(request: HttpRequest, reference: str) -> HttpResponse:
    notification = selectors.notification_for(user=request.user, reference=reference)
    form = CorrectionForm(posted(request), initial=CorrectionForm.initial_for(notification))

    def save(data):
        result = person_correct(
            actor=request.user,
            notification=notification,
            changes={name: data[name] for name in CORRECTABLE},
            reason=data["reason"],
        )
        for said in result.messages[1:]:
            messages.info(request, said)
        return result

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
        context=shown,
    )
