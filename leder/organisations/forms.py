"""Forms of the organisations pages: an ICB's LeDeR contact details. They check what was typed;
the service checks again and owns the rules."""

from django import forms


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
