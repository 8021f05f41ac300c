"""An ICB's LeDeR contact details: staff of the ICB read them, its local area contacts change
them. They are not personal data, so viewing them is not audited; every change is."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from leder.accounts.decorators import verified_staff_required
from leder.accounts.models import ICB_ROLES, Role
from leder.accounts.rules import has_any_role, has_role, organisations_where
from leder.core.form_page import fields, form_page, posted
from leder.organisations.forms import (
    IcbContactDetailsForm,
    organisation_label,
)
from leder.organisations.forms import (
    organisation_choices as open_organisations_of,
)
from leder.organisations.models import PROVIDER_KINDS, Organisation, OrganisationKind
from leder.organisations.presenters import icb_contact
from leder.organisations.selectors import (
    icb_contact_details,
    normalise_ods_code,
    organisations_matching,
)
from leder.organisations.services.contact_details import FIELDS, icb_contact_details_set


def _icb(request: HttpRequest, ods_code: str) -> Organisation:
    """The ICB `ods_code`, if the user holds a role there (404 otherwise: whether another ICB's
    page exists is not for them to learn)."""
    icb = Organisation.objects.filter(
        ods_code=normalise_ods_code(ods_code), kind=OrganisationKind.ICB
    ).first()
    if icb is None or not has_any_role(request.user, *ICB_ROLES, organisation=icb):
        raise Http404("No such ICB")
    return icb


@verified_staff_required
def leder_contact_mine(request: HttpRequest) -> HttpResponse:
    """The contact details of the user's ICB; a list to choose from if they work for several."""
    icbs = list(organisations_where(request.user, *ICB_ROLES).filter(kind=OrganisationKind.ICB))
    if not icbs:
        raise PermissionDenied("Contact details are kept by each ICB's staff.")
    if len(icbs) == 1:
        return redirect("organisations:leder_contact", ods_code=icbs[0].ods_code)
    return render(request, "organisations/leder_contact_choose.jinja", {"icbs": icbs})


@verified_staff_required
def leder_contact(request: HttpRequest, ods_code: str) -> HttpResponse:
    icb = _icb(request, ods_code)
    return render(
        request,
        "organisations/leder_contact.jinja",
        {
            "contact": icb_contact(icb),
            "can_change": has_role(request.user, Role.LAC, icb),
        },
    )


@verified_staff_required
def leder_contact_change(request: HttpRequest, ods_code: str) -> HttpResponse:
    icb = _icb(request, ods_code)
    if not has_role(request.user, Role.LAC, icb):
        raise PermissionDenied("Only a local area contact of the ICB can change these details.")
    details = icb_contact_details(icb)
    initial = {name: getattr(details, name) for name in FIELDS} if details else {}
    form = IcbContactDetailsForm(posted(request), initial=initial or {"team_name": "LeDeR team"})
    return form_page(
        request,
        form=form,
        template="organisations/leder_contact_change.jinja",
        save=lambda data: icb_contact_details_set(
            actor=request.user, icb=icb, **fields(data, *FIELDS)
        ),
        success=lambda saved: redirect("organisations:leder_contact", ods_code=icb.ods_code),
        message="Contact details saved",
        context={"icb": icb},
    )


@verified_staff_required
def organisation_choices(request: HttpRequest) -> JsonResponse:
    """The organisation pickers' search (ADR 0167): open organisations of `kinds` (comma
    separated; providers by default) matching `q`, as `{"results": [{"value", "label"}]}`.
    Staff only; organisations are not personal data, so it is not audited."""
    kinds = [k for k in request.GET.get("kinds", "").split(",") if k in OrganisationKind.values]
    query = " ".join(request.GET.get("q", "").split())[:100]
    found = []
    if len(query) >= 2:
        found = organisations_matching(
            query=query, within=open_organisations_of(kinds or PROVIDER_KINDS)
        )
    response = JsonResponse(
        {"results": [{"value": o.pk, "label": organisation_label(o)} for o in found]}
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
