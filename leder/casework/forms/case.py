"""Forms on the case page: holds and the organisations involved in the person's care."""

from django import forms

from leder.casework.models import HoldKind
from leder.core.fields import NHSDateField, radios, text_box
from leder.organisations.forms import OrganisationPickerField


class HoldForm(forms.Form):
    kind = radios(
        "Which process is the review waiting for?",
        HoldKind.choices,
        required="Select the process the review is waiting for",
    )
    other_organisation = forms.CharField(
        label="Organisation running it (optional)",
        help_text="For example, the coroner's office or the police force.",
        required=False,
        max_length=200,
    )
    other_reference = forms.CharField(
        label="Their reference (optional)", required=False, max_length=100
    )
    expected_end_on = NHSDateField(
        label="When is it expected to end? (optional)",
        subject="expected end date",
        allow_future=True,
        required=False,
        help_text="You will be reminded when this date passes. For example, 31 3 2027",
    )
    reason = text_box(
        "Why is the review being put on hold?",
        help_text="The time on hold is added to the due date.",
        required="Enter why the review is being put on hold",
    )


class ResumeForm(forms.Form):
    outcome = text_box(
        "What was the outcome of the process?",
        help_text="For example, the coroner's conclusion, or that the investigation closed.",
        rows=3,
        required="Enter the outcome of the process",
    )
    reason = text_box(
        "Why can the review continue?",
        help_text="For example, the inquest has concluded.",
        required="Enter why the review can continue",
    )


class InvolvedOrganisationForm(forms.Form):
    organisation = OrganisationPickerField(
        label="Which organisation was involved in the person's care?",
        help_text="GP practices, trusts, care providers and councils of the ICB's area and its "
        "cases are listed first",
        required_message="Choose the organisation involved in the person's care",
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].shown = organisations
