"""Forms for the local area contact's decisions on a notification."""

from django import forms

from leder.core.fields import radios, text_box
from leder.notifications.models import EligibilityOutcome
from leder.organisations.forms import icb_choice_field


class EligibilityOverrideForm(forms.Form):
    outcome = radios(
        "What is your decision?",
        EligibilityOutcome.choices,
        required="Select your eligibility decision",
    )
    reason = text_box(
        "Why are you changing the decision?",
        help_text="This is kept in the notification's history and the audit log.",
        required="Enter why you are changing the eligibility decision",
    )

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if outcome == self.current:
            raise forms.ValidationError("Select a different decision: this is the current one")
        return outcome


class DuplicateDecisionForm(forms.Form):
    decision = radios(
        "Are these notifications about the same death?",
        [
            ("confirm", "Yes, merge them"),
            ("dismiss", "No, they are different people"),
        ],
        required="Select whether these notifications are about the same death",
    )
    note = text_box("Note (optional)", rows=3)


class AssignAreaForm(forms.Form):
    """Place an unassigned notification in an ICB: `icbs` are the ICBs the user may choose."""

    icb = icb_choice_field(
        label="Which ICB is responsible for this death?",
        help_text="The ICB for the place where the person usually lived.",
        required="Select the ICB responsible for this death",
    )
    note = text_box(
        "How did you decide? (optional)",
        help_text="For example, the local authority that confirmed the address.",
        rows=3,
        max_length=250,
    )

    def __init__(self, *args, icbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = icbs.order_by("name")
