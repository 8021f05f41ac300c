"""Forms for the local area contact's decisions on a notification."""

from django import forms

from leder.notifications.models import EligibilityOutcome


class EligibilityOverrideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What is your decision?",
        choices=EligibilityOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your eligibility decision"},
    )
    reason = forms.CharField(
        label="Why are you changing the decision?",
        help_text="This is kept in the notification's history and the audit log.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why you are changing the eligibility decision"},
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
    decision = forms.ChoiceField(
        label="Are these notifications about the same death?",
        choices=[
            ("confirm", "Yes, merge them"),
            ("dismiss", "No, they are different people"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these notifications are about the same death"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class _IcbChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class AssignAreaForm(forms.Form):
    """Place an unassigned notification in an ICB: `icbs` are the ICBs the user may choose."""

    icb = _IcbChoiceField(
        queryset=None,
        label="Which ICB is responsible for this death?",
        help_text="The ICB for the place where the person usually lived.",
        empty_label="Select an ICB",
        error_messages={
            "required": "Select the ICB responsible for this death",
            "invalid_choice": "Select the ICB responsible for this death",
        },
    )
    note = forms.CharField(
        label="How did you decide? (optional)",
        help_text="For example, the local authority that confirmed the address.",
        required=False,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, icbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = icbs.order_by("name")
