"""Staff pages for notifications.

Telephone entry: a local area contact takes a call from someone telling us about a death and
types it in. The questions are the public form's (the same form classes, so the same rules and
messages) on one page, and the notification is recorded with channel "telephone" and the LAC as
`recorded_by`. The service checks that the LAC may record for the chosen ICB.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leder.accounts.models import Role
from leder.accounts.rules import organisations_where, verified_staff_required
from leder.core.audit import client_ip
from leder.core.form_page import form_page, posted
from leder.core.time import today
from leder.notifications import forms
from leder.notifications.eligibility import explanation_for
from leder.notifications.models import Channel, EligibilityOutcome
from leder.notifications.services import notification_submit
from leder.notifications.wizard import QUESTION_FORMS
from leder.organisations.models import Organisation

TELEPHONE_DONE_KEY = "leder_telephone_done"

# Every question of the public form, in the order a call usually goes.
TELEPHONE_FORMS = QUESTION_FORMS


def lac_icbs(user):
    """The open ICBs where `user` is a local area contact: the ICBs they may record calls for."""
    return (
        Organisation.objects.icbs()
        .open_on(today())
        .filter(pk__in=organisations_where(user, Role.LAC))
    )


def _telephone_forms(data, *, icbs) -> dict[type, forms.QuestionForm]:
    relationship = data.get("relationship") if data is not None else None
    has_care_concerns = data.get("has_care_concerns") if data is not None else None
    built = {}
    for form_class in TELEPHONE_FORMS:
        kwargs = {"for_staff": True}
        if form_class is forms.NotifierDetailsForm:
            kwargs["relationship"] = relationship
        if form_class is forms.ConcernsDetailForm:
            kwargs["has_care_concerns"] = has_care_concerns
        if form_class is forms.AreaForm:
            kwargs["icbs"] = icbs
            if data is None and icbs.count() == 1:
                kwargs["initial"] = {"icb": icbs.get().pk}
        built[form_class] = form_class(data, **kwargs)
    return built


class TelephoneForms:
    """Every question of the public form on one page, standing as one form for `form_page`:
    valid when each of them is, its answers theirs together, and an error put on the form that
    asks the question (a refusal about no question goes with the dates, which it is about)."""

    def __init__(self, data, *, icbs):
        self.by_class = _telephone_forms(data, icbs=icbs)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.by_class.values()])

    @property
    def cleaned_data(self) -> dict:
        return {k: v for form in self.by_class.values() for k, v in form.cleaned_data.items()}

    @property
    def errors(self) -> dict:
        return {k: v for form in self.by_class.values() for k, v in form.errors.items()}

    @property
    def fields(self) -> dict:
        return {k: v for form in self.by_class.values() for k, v in form.fields.items()}

    def add_error(self, name: str | None, errors) -> None:
        owner = next(
            (form for form in self.by_class.values() if name in form.fields),
            self.by_class[forms.DatesForm],
        )
        owner.add_error(name, errors)


def _submission_key(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return uuid.uuid4()


@verified_staff_required
@require_http_methods(["GET", "POST"])
def telephone_entry(request: HttpRequest) -> HttpResponse:
    icbs = lac_icbs(request.user)
    if not icbs.exists():
        raise PermissionDenied("Only a local area contact can record a telephone notification.")
    form = TelephoneForms(posted(request), icbs=icbs)
    submission_key = _submission_key(request.POST.get("submission_key"))

    def record(data):
        person, notifier = forms.submission_inputs(data)
        return notification_submit(
            person=person,
            notifier=notifier,
            channel=Channel.TELEPHONE,
            submission_key=submission_key,
            recorded_by=request.user,
            ip_address=client_ip(request),
        )

    def done(result) -> HttpResponse:
        reference = result.notification.reference
        recent = dict(request.session.get(TELEPHONE_DONE_KEY, {}))
        recent.setdefault(
            reference,
            {
                "outcome": result.assessment.outcome,
                "reason": result.assessment.reason,
                "possible_duplicates": len(result.duplicate_flags),
            },
        )
        request.session[TELEPHONE_DONE_KEY] = dict(list(recent.items())[-10:])
        return redirect("notifications:telephone_done", reference=reference)

    return form_page(
        request,
        form=form,
        template="notifications/staff/telephone.jinja",
        save=record,
        success=done,
        context={
            "f": {form_class.__name__: each for form_class, each in form.by_class.items()},
            "all_forms": list(form.by_class.values()),
            "submission_key": str(submission_key),
        },
    )


@verified_staff_required
@require_GET
def telephone_done(request: HttpRequest, reference: str) -> HttpResponse:
    entry = request.session.get(TELEPHONE_DONE_KEY, {}).get(reference)
    if entry is None:
        raise Http404
    return render(
        request,
        "notifications/staff/telephone_done.jinja",
        {
            "reference": reference,
            "outcome": EligibilityOutcome(entry["outcome"]).label,
            "explanation": explanation_for(entry["reason"]),
            "possible_duplicates": entry["possible_duplicates"],
        },
    )
