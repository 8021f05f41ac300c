"""The form a national analyst requests an export with."""

from django import forms

from leder.core.presenters import date_long
from leder.core.time import today
from leder.exports.models import AgreementState, ExportFormat


def agreement_label(agreement) -> str:
    when = {
        AgreementState.EXPIRED: f"expired on {date_long(agreement.expires_on)}",
        AgreementState.NOT_STARTED: f"starts on {date_long(agreement.starts_on)}",
        AgreementState.IN_FORCE: f"in force until {date_long(agreement.expires_on)}",
    }[agreement.state_on(today())]
    return f"{agreement.recipient.name}: {agreement.reference} ({when})"


class ExportRequestForm(forms.Form):
    # Every agreement is offered, expired ones included and labelled, so that choosing one
    # gives the service's plain-words refusal rather than a bare "not a valid choice".
    agreement = forms.TypedChoiceField(
        label="Recipient and data-sharing agreement",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the recipient and the agreement to share under"},
    )
    cohort_year = forms.IntegerField(
        label="Year of death",
        help_text="For a financial year, the year it starts in: 2025 for April 2025 to March 2026.",
        error_messages={
            "required": "Enter the year of death",
            "invalid": "Enter the year as a number, like 2025",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    financial = forms.TypedChoiceField(
        label="Kind of year",
        choices=[
            ("calendar", "Calendar year (January to December)"),
            ("financial", "Financial year (April to March)"),
        ],
        coerce=lambda value: value == "financial",
        widget=forms.RadioSelect,
        initial="calendar",
        error_messages={"required": "Choose a calendar or a financial year"},
    )
    formats = forms.MultipleChoiceField(
        label="Formats",
        help_text="The data specification and the manifest come with every export.",
        choices=ExportFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(ExportFormat.values),
        error_messages={"required": "Choose at least one format"},
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreements = {a.pk: a for a in agreements}
        self.fields["agreement"].choices = [
            (a.pk, agreement_label(a)) for a in self.agreements.values()
        ]
        self.fields["cohort_year"].initial = today().year - 1


# --- The free-text release queue ---------------------------------------------------------------


class RedactionAddForm(forms.Form):
    """Add a redaction: the words to remove and what kind of identifier they are. Every
    occurrence in the text is removed (the service says when the words are not there)."""

    sha256 = forms.CharField(widget=forms.HiddenInput)
    words = forms.CharField(
        label="Words to remove",
        help_text="Copy them exactly as they appear in the original text. Every place they "
        "appear is removed.",
        max_length=200,
        error_messages={"required": "Enter the words to remove, exactly as they appear"},
    )
    kind = forms.ChoiceField(
        label="What kind of identifier are they?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of identifier the words are"},
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds


class RedactionToggleForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ReleaseForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read the redacted text and nothing in it could identify the person, their "
        "family or the staff involved",
        error_messages={
            "required": "Confirm that you have read the redacted text and it identifies no one"
        },
    )
