"""Forms for moving a death to another ICB."""

from django import forms


class _IcbChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class TransferRequestForm(forms.Form):
    to_icb = _IcbChoiceField(
        queryset=None,
        label="Which ICB should this death move to?",
        empty_label="Select an ICB",
        error_messages={
            "required": "Select the ICB the death should move to",
            "invalid_choice": "Select the ICB the death should move to",
        },
    )
    reason = forms.CharField(
        label="Why should it move?",
        help_text="For example, the person lived in a care home in another area. The receiving "
        "ICB's local area contact reads this.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the death should move to another ICB"},
    )

    def __init__(self, *args, icbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_icb"].queryset = icbs.order_by("name")


class TransferDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Will your ICB take this death?",
        choices=[("accept", "Yes, accept it"), ("return", "No, return it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept the death"},
    )
    reason = forms.CharField(
        label="Reason (needed to return it)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why you are returning the death")
        return cleaned
