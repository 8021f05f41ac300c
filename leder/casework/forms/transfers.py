"""Forms for moving a death to another ICB."""

from django import forms

from leder.core.fields import radios, text_box
from leder.organisations.forms import icb_picker_field


class TransferRequestForm(forms.Form):
    to_icb = icb_picker_field(
        label="Which ICB should this death move to?",
        required="Choose the ICB the death should move to",
        help_text="The ICBs of your region are listed first",
    )
    reason = text_box(
        "Why should it move?",
        help_text="For example, the person lived in a care home in another area. The receiving "
        "ICB's local area contact reads this.",
        required="Enter why the death should move to another ICB",
    )

    def __init__(self, *args, icbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_icb"].shown = icbs.order_by("name")


class TransferDecisionForm(forms.Form):
    decision = radios(
        "Will your ICB take this death?",
        [("accept", "Yes, accept it"), ("return", "No, return it")],
        required="Select whether you accept the death",
    )
    reason = text_box("Reason (needed to return it)", rows=3)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter why you are returning the death")
        return cleaned
