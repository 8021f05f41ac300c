"""Turn a submitted notification (JSON) into the notification service's inputs, validated by
the notification form's own classes.

The public form and the telephone form validate with `leder.notifications.forms`; so does the
API, by presenting the JSON as the request data those forms read (a date becomes its day, month
and year boxes). The rules and messages are therefore the form's, and a rule changed there
changes here. Errors come back keyed by the JSON field ("person.date_of_death").

The responsible ICB is found as the form finds it: the ICB given (by ODS code, following a
restructure's succession to the open successor), else the ICB of the GP practice named, if we
know it.
"""

import hashlib
import json

from django.core.exceptions import ValidationError

from leder.api.models import ApiClient
from leder.api.schemas import NotificationIn
from leder.core.time import today
from leder.notifications import forms
from leder.notifications.services import NotifierInput, PersonInput
from leder.notifications.wizard import QUESTION_FORMS
from leder.organisations.errors import AmbiguousSuccessionError
from leder.organisations.models import Organisation, OrganisationKind
from leder.organisations.selectors import icbs_open, organisation_current

NOTIFIER_FIELDS = {
    "relationship",
    "relationship_detail",
    "name",
    "organisation_name",
    "email",
    "phone",
}
# Form field → JSON field, where the names differ.
RENAMED = {
    "gp_practice_text": "gp_practice",
    "gp_practice": "gp_practice",
    "icb_id": "icb",
    "ethnic_category_id": "ethnic_category",
}


def request_hash(payload: NotificationIn) -> str:
    """A fingerprint of what was submitted (not of the key), to tell a retry from a different
    notification sent with a reused key."""
    data = payload.model_dump(mode="json", exclude={"submission_key"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def json_field(form_field: str) -> str:
    """The JSON path of a form (or service) field, for error messages."""
    name = RENAMED.get(form_field, form_field)
    if name == "__all__":
        return ""
    section = "notifier" if name in NOTIFIER_FIELDS else "person"
    return f"{section}.{name}"


def _date_parts(name: str, value) -> dict:
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def _as_form_data(payload: NotificationIn, client: ApiClient, icb: Organisation | None) -> dict:
    notifier, person = payload.notifier, payload.person
    data = {
        "relationship": notifier.relationship.value,
        "relationship_detail": notifier.relationship_detail,
        "name": notifier.name,
        "organisation_name": notifier.organisation_name or client.organisation.name,
        "email": notifier.email,
        "phone": notifier.phone,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "other_names": person.other_names,
        **_date_parts("date_of_birth", person.date_of_birth),
        **_date_parts("date_of_death", person.date_of_death),
        "nhs_number": person.nhs_number,
        "address": person.address,
        "postcode": person.postcode,
        "gp_practice_text": person.gp_practice,
        "has_learning_disability": person.has_learning_disability.value,
        "is_autistic": person.is_autistic.value,
        "sex": person.sex.value,
        "ethnic_category": person.ethnic_category or "",
        "place_of_death": person.place_of_death.value,
        "place_of_death_detail": person.place_of_death_detail,
        "died_in_england": person.died_in_england.value,
        "circumstances": person.circumstances,
        "covid": person.covid.value,
        "has_care_concerns": person.has_care_concerns,
        "care_concerns": person.care_concerns,
    }
    if icb is not None:
        data["icb"] = str(icb.pk)
    return {key: ("" if value is None else str(value)) for key, value in data.items()}


def _icb_given(code: str) -> Organisation:
    """The open ICB holding the work of the ICB with this ODS code today."""
    message = "Enter the ODS code of an ICB (see GET /icbs)"
    try:
        organisation = organisation_current(ods_code=code)
    except AmbiguousSuccessionError as error:
        raise ValidationError(
            {"icb": f"{error} Send the ICB of the place where the person lived."}
        ) from None
    if organisation is None or organisation.kind != OrganisationKind.ICB:
        raise ValidationError({"icb": message})
    if not icbs_open().filter(pk=organisation.pk).exists():
        raise ValidationError({"icb": f"{organisation.ods_code} is closed. {message}"})
    return organisation


def submission_inputs(
    payload: NotificationIn, *, client: ApiClient
) -> tuple[PersonInput, NotifierInput]:
    """Validate `payload` with the notification form's classes. ValidationError keyed by JSON
    field paths if anything is wrong, with every problem found, not only the first."""
    errors: dict[str, list[str]] = {}
    icb = None
    if payload.person.icb:
        try:
            icb = _icb_given(payload.person.icb)
        except ValidationError as error:
            errors["person.icb"] = error.message_dict["icb"]

    data = _as_form_data(payload, client, icb)
    relationship = data["relationship"]
    built = {
        form_class: form_class(data, **_form_kwargs(form_class, data, relationship))
        for form_class in _FORMS
    }
    answers: dict = {}
    for form in built.values():
        if form.is_valid():
            answers.update(form.cleaned_data)
        else:
            for name, messages in form.errors.items():
                if name == "icb":
                    continue  # explained by _icb_given, or derived from the GP practice below
                errors.setdefault(json_field(name), []).extend(messages)

    if icb is None and not payload.person.icb:
        gp_form = built[forms.GPForm]
        derived = gp_form.derived_icb() if gp_form.is_valid() else None
        if derived is None:
            errors["person.icb"] = [
                "Enter the ODS code of the responsible ICB, or a GP practice code we can place "
                "the person by"
            ]
        else:
            answers["icb"] = derived
    if errors:
        raise ValidationError(errors)
    return forms.submission_inputs(answers)


_FORMS = QUESTION_FORMS


def _form_kwargs(form_class, data: dict, relationship: str) -> dict:
    if form_class is forms.NotifierDetailsForm:
        return {"relationship": relationship}
    if form_class is forms.ConcernsDetailForm:
        return {"has_care_concerns": data["has_care_concerns"]}
    if form_class is forms.AreaForm:
        return {"icbs": Organisation.objects.icbs().open_on(today())}
    return {}
