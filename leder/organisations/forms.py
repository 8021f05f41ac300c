"""Forms of the organisations pages (an ICB's LeDeR contact details: they check what was typed;
the service checks again and owns the rules), and the organisation picker every staff form uses
to choose an organisation (ADR 0167)."""

from collections.abc import Iterable

from django import forms
from django.urls import reverse

from leder.core.picker import SearchableModelChoiceField
from leder.organisations.models import PROVIDER_KINDS, Organisation, OrganisationKind
from leder.organisations.selectors import organisations_matching, organisations_open


def organisation_label(organisation: Organisation) -> str:
    """How an organisation reads in a picker: the name people know and the ODS code, so that
    two of one name differ (the endpoint and the select use this one function)."""
    return f"{organisation.display_name} ({organisation.ods_code})"


def organisation_choices(kinds: Iterable[str]):
    """The organisations a picker of `kinds` accepts: those open today."""
    return organisations_open().filter(kind__in=list(kinds))


def picker_source(kinds: Iterable[str]) -> str:
    return reverse("organisations:choices") + "?kinds=" + ",".join(sorted(kinds))


class OrganisationPickerField(SearchableModelChoiceField):
    """Choose one open organisation of `kinds`: the select offers `shown` (set it to those
    relevant to the ICB, see `casework.selectors.organisations_relevant_to`), the search and
    the autocomplete any other open organisation of those kinds."""

    def __init__(
        self,
        *,
        label: str,
        required_message: str,
        kinds: Iterable[str] = PROVIDER_KINDS,
        empty_label: str = "Choose an organisation",
        **kwargs,
    ):
        kinds = tuple(str(k) for k in kinds)
        super().__init__(
            queryset=organisation_choices(kinds),
            label=label,
            required_message=required_message,
            search=lambda query, within: organisations_matching(query=query, within=within),
            row_label=organisation_label,
            source=lambda: picker_source(kinds),
            search_label="Not in the list? Search all organisations by name or ODS code",
            empty_label=empty_label,
            **kwargs,
        )
        self.kinds = kinds

    def __deepcopy__(self, memo):
        # Each form gets the organisations open on its own day, not on the day of the import.
        copied = super().__deepcopy__(memo)
        copied.queryset = organisation_choices(self.kinds)
        return copied


def icb_picker_field(*, label: str, required: str, help_text: str = "") -> OrganisationPickerField:
    """Choose one open ICB; set `shown` to those to offer first (all open ICBs by default)."""
    field = OrganisationPickerField(
        label=label,
        required_message=required,
        kinds=(OrganisationKind.ICB,),
        empty_label="Choose an ICB",
        help_text=help_text,
    )
    field.search_label = "Not in the list? Search ICBs by name or ODS code"
    return field


class OrganisationNameChoiceField(forms.ModelChoiceField):
    """A choice of organisations, each named as people know it (`display_name`)."""

    def label_from_instance(self, obj) -> str:
        return obj.display_name


def icb_choice_field(*, label: str, required: str, help_text: str = ""):
    """Choose one ICB from those the form sets as the field's queryset; `required` is the
    message when none (or one not offered) is chosen."""
    return OrganisationNameChoiceField(
        queryset=None,
        label=label,
        help_text=help_text,
        empty_label="Select an ICB",
        error_messages={"required": required, "invalid_choice": required},
    )


def _text(label: str, *, max_length: int = 200, help_text: str = "", width: int | None = None):
    attrs = {"autocomplete": "off"}
    if width:
        attrs["width"] = width
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def _email(label: str):
    return forms.CharField(
        label=label,
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _url(label: str):
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        help_text="Starting https://",
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class IcbContactDetailsForm(forms.Form):
    team_name = _text(
        "Name of the team", help_text="As people should ask for it, for example LeDeR team"
    )
    telephone = _text("Telephone", max_length=30, width=20)
    email = _email("Email address")
    address = forms.CharField(
        label="Postal address (optional)",
        required=False,
        help_text="Without the postcode",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    postcode = _text("Postcode", max_length=10, width=10)
    opening_hours = _text(
        "When the telephone is answered (optional)",
        help_text="For example, Monday to Friday, 9am to 5pm",
    )
    complaints_telephone = _text("Telephone", max_length=30, width=20)
    complaints_email = _email("Email address")
    complaints_url = _url("Web page")
    pals_telephone = _text("Telephone", max_length=30, width=20)
    pals_email = _email("Email address")
    pals_url = _url("Web page")
    advocacy_name = _text("Name of the service")
    advocacy_telephone = _text("Telephone", max_length=30, width=20)
    advocacy_url = _url("Web page")
    coroner_name = _text(
        "Name of the coroner's office",
        help_text="For example, Leicester City and South Leicestershire Coroner's Office",
    )
    coroner_telephone = _text("Telephone", max_length=30, width=20)
