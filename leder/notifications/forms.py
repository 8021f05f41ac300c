"""The questions of a notification, one form per topic.

The public form shows one of these a page (`leder.notifications.wizard`); a local area contact
taking a call sees them all on one page (`staff_views.telephone_entry`). Both validate with these
classes and turn the answers into the service's inputs with `submission_inputs`, so there is one
set of rules and one set of error messages. Messages follow the NHS.UK design system: specific,
in plain words, saying how to put the problem right.
"""

import re

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from nhs_number import is_valid as nhs_number_is_valid

from leder.core.fields import NHSDateField, NHSDateWidget
from leder.core.time import today
from leder.notifications.models import (
    Answer,
    CovidStatus,
    PlaceOfDeath,
    Relationship,
    Sex,
)
from leder.notifications.services import NotifierInput, PersonInput
from leder.organisations.forms import OrganisationNameChoiceField
from leder.organisations.models import Organisation, OrganisationKind
from leder.reference.models import EthnicCategory

# People who notify as part of their work: we ask which organisation they work for.
PROFESSIONAL_RELATIONSHIPS = frozenset(
    {
        Relationship.GP,
        Relationship.HOSPITAL,
        Relationship.CARE_PROVIDER,
        Relationship.PROFESSIONAL,
    }
)

# A full UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# UK numbers have 10 or 11 digits (with the leading 0), international ones up to 15.
PHONE_PATTERN = re.compile(r"^\+?[0-9()\- ]+$")

LONG_TEXT = 5000


def _text(label: str, *, required_message: str | None = None, max_length: int = 200, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required_message is not None,
        error_messages={
            "required": required_message or "",
            "max_length": f"{label.removesuffix(' (optional)')} must be {max_length} "
            "characters or fewer",
        },
        widget=forms.TextInput(attrs=attrs),
    )


class TextareaField(forms.CharField):
    """Free text from a textarea. Browsers send line breaks as CRLF but count them as one
    character for `maxlength`; keeping LF makes the length check agree with the browser."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def _long_text(label: str, *, help_text: str = "", rows: int = 5):
    return TextareaField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=LONG_TEXT,
        error_messages={
            "max_length": f"{label.removesuffix(' (optional)')} must be {LONG_TEXT:,} "
            "characters or fewer"
        },
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _radios(label: str, choices, *, required_message: str | None, help_text: str = ""):
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=required_message is not None,
        error_messages={
            "required": required_message or "",
            "invalid_choice": required_message or "Select one of the options",
        },
        widget=forms.RadioSelect,
    )


# The same messages worded for a local area contact typing in a call: "the caller", not "you".
STAFF_MESSAGES = {
    "Select how you knew the person who died": "Select how the caller knew the person who died",
    "Tell us how you knew the person": "Enter how the caller knew the person",
    "Enter your full name": "Enter the caller's full name",
    "Enter the name of the organisation you work for": "Enter the caller's organisation",
    "Enter an e-mail address or a phone number, so that we can contact you": (
        "Enter an e-mail address or a phone number for the caller"
    ),
    "Select yes if you have concerns about the care the person received": (
        "Select yes if the caller has concerns about the care the person received"
    ),
    "Tell us about your concerns": "Enter the caller's concerns",
}


class QuestionForm(forms.Form):
    """One topic of the notification. With `for_staff`, `staff_labels` and `STAFF_MESSAGES`
    reword it for a local area contact entering a telephone call ("the caller", not "you")."""

    staff_labels: dict[str, str] = {}

    def __init__(self, *args, for_staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_staff = for_staff
        if for_staff:
            for name, label in self.staff_labels.items():
                if name in self.fields:
                    self.fields[name].label = label
            for field in self.fields.values():
                for code, message in field.error_messages.items():
                    field.error_messages[code] = self.say(message)

    def say(self, message: str) -> str:
        """`message`, reworded for staff when the form is theirs."""
        return STAFF_MESSAGES.get(message, message) if self.for_staff else message

    def data_keys(self) -> list[str]:
        """The request keys this form reads: what the public form keeps in the session."""
        keys = []
        for name, field in self.fields.items():
            if isinstance(field.widget, NHSDateWidget):
                keys.extend(f"{name}_{part}" for part in ("day", "month", "year"))
            else:
                keys.append(name)
        return keys

    def initial_from(self, data: dict) -> dict:
        """Turn answers kept as request data back into `initial` for showing the form again."""
        initial = {}
        for name, field in self.fields.items():
            if isinstance(field.widget, NHSDateWidget):
                initial[name] = {
                    part: data.get(f"{name}_{part}", "") for part in ("day", "month", "year")
                }
            elif name in data:
                initial[name] = data[name]
        return initial


class RelationshipForm(QuestionForm):
    relationship = _radios(
        "How did you know the person who died?",
        Relationship.choices,
        required_message="Select how you knew the person who died",
    )

    staff_labels = {"relationship": "How did the caller know the person who died?"}


class NotifierDetailsForm(QuestionForm):
    """Who is telling us. `relationship` (from `RelationshipForm`) decides the questions asked on
    the server, so they work without JavaScript: "someone else" says how they knew the person,
    and people notifying as part of their work must name their organisation. Staff entering a
    call see every question (the relationship is not known until they submit)."""

    relationship_detail = _text("How did you know them?", max_length=100)
    name = _text("Full name", required_message="Enter your full name", max_length=150)
    organisation_name = _text("Organisation you work for", max_length=200)
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
            "max_length": "E-mail address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = _text("Phone number", max_length=30)

    staff_labels = {
        "relationship_detail": "If someone else: how did the caller know them?",
        "name": "Caller's full name",
        "organisation_name": "Caller's organisation (if calling as part of their work)",
        "email": "Caller's e-mail address",
        "phone": "Caller's phone number",
    }

    def __init__(self, *args, relationship: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "spellcheck": "false"})
        self.fields["email"].help_text = "We will e-mail you your reference number"
        self.fields["phone"].help_text = "For example, 07700 900 982"
        phone = self.fields["phone"].widget
        phone.input_type = "tel"
        phone.attrs.update({"autocomplete": "tel", "width": 20})
        self.fields["organisation_name"].widget.attrs.update({"autocomplete": "organization"})
        self.relationship = relationship
        if relationship == Relationship.OTHER:
            detail = self.fields["relationship_detail"]
            detail.required = True
            detail.error_messages["required"] = self.say("Tell us how you knew the person")
            detail.help_text = "For example, a neighbour or a volunteer"
        elif not self.for_staff:
            del self.fields["relationship_detail"]
        self.professional = relationship in PROFESSIONAL_RELATIONSHIPS
        if self.professional:
            organisation = self.fields["organisation_name"]
            organisation.required = True
            organisation.error_messages["required"] = self.say(
                "Enter the name of the organisation you work for"
            )
            organisation.help_text = "For example, the hospital, GP practice or care provider"
        elif not self.for_staff:
            # Family and friends are not asked: the question would make no sense to them.
            del self.fields["organisation_name"]

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        digits = re.sub(r"\D", "", phone)
        if not PHONE_PATTERN.match(phone) or not 10 <= len(digits) <= 15:
            raise forms.ValidationError(
                "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        contact_errors = "email" in self.errors or "phone" in self.errors
        if not contact_errors and not cleaned.get("email") and not cleaned.get("phone"):
            self.add_error(
                "email",
                self.say("Enter an e-mail address or a phone number, so that we can contact you"),
            )
        cleaned.setdefault("organisation_name", "")
        if self.relationship != Relationship.OTHER:
            cleaned["relationship_detail"] = ""
        return cleaned


class PersonNameForm(QuestionForm):
    # autocomplete="off": the browser would otherwise offer the notifier's own name.
    given_name = _text(
        "First name",
        required_message="Enter the first name of the person who died",
        max_length=100,
        autocomplete="off",
    )
    family_name = _text(
        "Last name",
        required_message="Enter the last name of the person who died",
        max_length=100,
        autocomplete="off",
    )
    other_names = _text("Other names they were known by (optional)", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_names"].help_text = (
            "For example, a nickname, a family name they used before marriage, or the name "
            "people who supported them used"
        )
        self.fields["other_names"].widget.attrs.update({"autocomplete": "off"})


class DatesForm(QuestionForm):
    date_of_birth = NHSDateField(
        subject="date of birth", label="Date of birth", help_text="For example, 15 3 1984"
    )
    date_of_death = NHSDateField(
        subject="date of death", label="Date of death", help_text="For example, 27 2 2026"
    )

    def clean(self):
        cleaned = super().clean()
        born, died = cleaned.get("date_of_birth"), cleaned.get("date_of_death")
        if born and died and died < born:
            self.add_error(
                "date_of_death", "Date of death must be the same as or after the date of birth"
            )
        return cleaned


class NHSNumberForm(QuestionForm):
    nhs_number = forms.CharField(
        label="What was their NHS number? (optional)",
        help_text=(
            "This is a 10 digit number, like 999 000 0018. You can find it on letters from the "
            "NHS or on a prescription. If you do not know it, leave this blank."
        ),
        required=False,
        max_length=20,
        error_messages={"max_length": "NHS number must be 10 numbers"},
        widget=forms.TextInput(
            attrs={
                "width": 10,
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocomplete": "off",
            }
        ),
    )

    staff_labels = {"nhs_number": "NHS number (optional)"}

    def clean_nhs_number(self) -> str:
        """Spaces and dashes are how people copy NHS numbers from letters: accept them."""
        value = self.cleaned_data.get("nhs_number", "")
        digits = re.sub(r"[\s-]", "", value)
        if not digits:
            return ""
        if not digits.isdigit() or len(digits) != 10:
            raise forms.ValidationError("NHS number must be 10 numbers")
        if not nhs_number_is_valid(digits):
            raise forms.ValidationError(
                "Enter a valid NHS number, or leave this blank if you do not know it"
            )
        return digits


class AddressForm(QuestionForm):
    address = TextareaField(
        label="Address",
        help_text=(
            "If you do not know the full address, tell us as much as you know, for example the "
            "street and the town"
        ),
        max_length=1000,
        error_messages={
            "required": "Enter the address where the person usually lived, or as much of it "
            "as you know",
            "max_length": "Address must be 1,000 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )
    postcode = _text("Postcode (optional)", max_length=10, autocomplete="off", width=10)

    staff_labels = {"address": "Usual address"}

    def clean_postcode(self) -> str:
        compact = re.sub(r"\s", "", self.cleaned_data.get("postcode", "")).upper()
        if not compact:
            return ""
        match = POSTCODE_PATTERN.match(compact)
        if not match:
            raise forms.ValidationError("Enter a full UK postcode, like LS1 4AP")
        return f"{match.group(1)} {match.group(2)}"


def gp_practice_matching(text: str) -> Organisation | None:
    """The GP practice the notifier named, if their answer is exactly one practice's ODS code or
    name. A partial or ambiguous answer is kept as text for the local area contact to check."""
    text = " ".join(text.split())
    if not text:
        return None
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).filter(
        Q(ods_code__iexact=text) | Q(name__iexact=text)
    )
    found = list(practices.select_related("icb")[:2])
    return found[0] if len(found) == 1 else None


class GPForm(QuestionForm):
    gp_practice_text = _text(
        "What was their GP practice? (optional)", max_length=200, autocomplete="off"
    )

    staff_labels = {"gp_practice_text": "GP practice name or code (optional)"}

    def __init__(self, *args, practice_matching=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The bulk import resolves a whole batch's practices in one query and passes its answer
        # (ADR 0155); the rule is the same: exactly one practice's ODS code or name.
        self._practice_matching = practice_matching or gp_practice_matching
        self.fields["gp_practice_text"].help_text = (
            "The name of the GP surgery, or its code if you know it (like A81001). "
            "If you do not know, leave this blank."
        )

    def clean(self):
        cleaned = super().clean()
        text = " ".join(cleaned.get("gp_practice_text", "").split())
        cleaned["gp_practice_text"] = text
        cleaned["gp_practice"] = self._practice_matching(text)
        return cleaned

    def derived_icb(self) -> Organisation | None:
        """The open ICB of the matched GP practice, which answers "which area"."""
        practice = self.cleaned_data.get("gp_practice")
        icb = practice.icb if practice else None
        return icb if icb is not None and icb.is_open_on(today()) else None


# The area answer of a notifier who does not know it (docs/adr/0150).
AREA_UNKNOWN = "unknown"


class _AreaIterator(ModelChoiceIterator):
    def __iter__(self):
        yield from super().__iter__()
        yield (AREA_UNKNOWN, "I do not know")

    def __len__(self):
        return super().__len__() + 1


class _AreaChoiceField(OrganisationNameChoiceField):
    """The ICBs, and "I do not know", which cleans to None."""

    iterator = _AreaIterator

    def to_python(self, value):
        if value == AREA_UNKNOWN:
            return AREA_UNKNOWN
        return super().to_python(value)

    def clean(self, value):
        cleaned = super().clean(value)
        return None if cleaned == AREA_UNKNOWN else cleaned


class AreaForm(QuestionForm):
    """The ICB responsible for the review. `icbs` limits the choice (a local area contact records
    calls for their own ICBs); by default every ICB open today."""

    icb = _AreaChoiceField(
        queryset=Organisation.objects.none(),
        label="Which area did the person live in?",
        help_text=(
            "Choose the integrated care board (ICB) for the place where the person lived. "
            "If they lived in a care home or hospital, choose the area it is in. "
            'If you do not know, choose "I do not know" and we will find the right area.'
        ),
        empty_label="Select an area",
        error_messages={
            "required": "Select the area where the person lived",
            "invalid_choice": "Select the area where the person lived",
        },
    )

    staff_labels = {"icb": "Responsible ICB"}

    def __init__(self, *args, icbs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if icbs is None:
            icbs = Organisation.objects.icbs().open_on(today())
        self.fields["icb"].queryset = icbs.order_by("name")


LEARNING_DISABILITY_HINTS = {
    Answer.NOT_SURE: "A local team will check their records",
}


class DiagnosisForm(QuestionForm):
    has_learning_disability = _radios(
        "Did the person have a learning disability?",
        Answer.choices,
        required_message="Select whether the person had a learning disability",
    )
    is_autistic = _radios(
        "Was the person autistic?",
        Answer.choices,
        required_message="Select whether the person was autistic",
        help_text="Answer yes if they had a diagnosis of autism, including Asperger's syndrome",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("has_learning_disability", "is_autistic"):
            self.fields[name].choice_hints = LEARNING_DISABILITY_HINTS


class _EthnicCategoryField(forms.ModelChoiceField):
    # Said by someone else about the person: "not stated" and "not known" in their words.
    LABELS = {"Z": "I would rather not say", "99": "I do not know"}

    def label_from_instance(self, obj) -> str:
        return self.LABELS.get(obj.code, obj.description)


class EqualityForm(QuestionForm):
    sex = _radios(
        "What was their sex? (optional)",
        [(Sex.FEMALE, "Female"), (Sex.MALE, "Male"), (Sex.NOT_KNOWN, "I do not know")],
        required_message=None,
    )
    ethnic_category = _EthnicCategoryField(
        queryset=EthnicCategory.objects.all(),
        label="What was their ethnic group? (optional)",
        required=False,
        error_messages={"invalid_choice": "Select the person's ethnic group"},
        widget=forms.RadioSelect,
    )

    def clean_sex(self) -> str:
        return self.cleaned_data.get("sex") or Sex.NOT_KNOWN


class DeathForm(QuestionForm):
    place_of_death = _radios(
        "Where did they die?",
        PlaceOfDeath.choices,
        required_message="Select where the person died",
    )
    place_of_death_detail = _text("Name of the place (optional)", max_length=200)
    died_in_england = _radios(
        "Did they die in England?",
        Answer.choices,
        required_message="Select whether the person died in England",
        help_text="Wales, Scotland and Northern Ireland have their own reviews",
    )
    circumstances = _long_text(
        "What happened? (optional)",
        help_text=(
            "In your own words, tell us what you know about how the person died. "
            "You do not need to know everything."
        ),
    )

    staff_labels = {"circumstances": "What happened (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        detail = self.fields["place_of_death_detail"]
        detail.help_text = "For example, the name of the hospital, hospice or care home"

    def clean(self):
        cleaned = super().clean()
        detail = cleaned.get("place_of_death_detail", "").strip()
        if cleaned.get("place_of_death") == PlaceOfDeath.OTHER and not detail:
            self.add_error("place_of_death_detail", "Tell us where the person died")
        return cleaned


class CovidForm(QuestionForm):
    covid = _radios(
        "Did they have COVID-19 when they died?",
        CovidStatus.choices,
        required_message="Select whether the person had COVID-19 when they died",
    )


class ConcernsForm(QuestionForm):
    has_care_concerns = _radios(
        "Do you have any concerns about the care the person received?",
        [(Answer.YES, "Yes"), (Answer.NO, "No")],
        required_message="Select yes if you have concerns about the care the person received",
        help_text=(
            "For example, care from their GP, a hospital, or the people who supported them. "
            "Your answer does not change whether we review the death."
        ),
    )

    staff_labels = {
        "has_care_concerns": "Does the caller have concerns about the care the person received?"
    }


class ConcernsDetailForm(QuestionForm):
    """The concerns themselves, asked only after "yes" (`has_care_concerns`): a question of its
    own rather than a reveal, so it is decided on the server and works without JavaScript."""

    care_concerns = _long_text(
        "Tell us about your concerns",
        help_text=(
            "For example, what happened, when it happened, and which service was involved. "
            "The local team will read this."
        ),
        rows=8,
    )

    staff_labels = {"care_concerns": "If yes: the caller's concerns"}

    def __init__(self, *args, has_care_concerns: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_care_concerns = has_care_concerns

    def clean(self):
        cleaned = super().clean()
        # "No" never keeps text typed before the notifier changed their mind.
        if self.has_care_concerns != Answer.YES:
            cleaned["care_concerns"] = ""
        elif not cleaned.get("care_concerns", "").strip() and "care_concerns" not in self.errors:
            self.add_error("care_concerns", self.say("Tell us about your concerns"))
        return cleaned


def submission_inputs(answers: dict) -> tuple[PersonInput, NotifierInput]:
    """The service's inputs from the cleaned answers of every question form, merged."""
    icb = answers.get("icb")
    practice = answers.get("gp_practice")
    ethnic_category = answers.get("ethnic_category")
    person = PersonInput(
        given_name=answers["given_name"].strip(),
        family_name=answers["family_name"].strip(),
        other_names=answers.get("other_names", "").strip(),
        date_of_birth=answers["date_of_birth"],
        date_of_death=answers["date_of_death"],
        nhs_number=answers.get("nhs_number", ""),
        sex=answers.get("sex") or Sex.NOT_KNOWN,
        ethnic_category_id=ethnic_category.pk if ethnic_category else None,
        address=answers.get("address", "").strip(),
        postcode=answers.get("postcode", ""),
        gp_practice_id=practice.pk if practice else None,
        gp_practice_text=answers.get("gp_practice_text", ""),
        icb_id=icb.pk if icb is not None else None,
        has_learning_disability=answers["has_learning_disability"],
        is_autistic=answers["is_autistic"],
        died_in_england=answers["died_in_england"],
        place_of_death=answers["place_of_death"],
        place_of_death_detail=answers.get("place_of_death_detail", "").strip(),
        circumstances=answers.get("circumstances", "").strip(),
        covid=answers["covid"],
        has_care_concerns=answers["has_care_concerns"],
        care_concerns=answers.get("care_concerns", "").strip(),
    )
    notifier = NotifierInput(
        relationship=answers["relationship"],
        relationship_detail=answers.get("relationship_detail", "").strip(),
        name=answers["name"].strip(),
        organisation_name=answers.get("organisation_name", "").strip(),
        email=answers.get("email", ""),
        phone=answers.get("phone", ""),
    )
    return person, notifier
