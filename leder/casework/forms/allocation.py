"""Forms for allocating a case and for the reviewer's answer to an offer."""

from django import forms

from leder.core.fields import text_box


class AllocateForm(forms.Form):
    """Confirming an allocation. A reallocation needs a reason; a first allocation does not."""

    reason = text_box(
        "Why are you reallocating this case?",
        help_text="This is kept in the case's history and told to the reviewer it is taken from.",
    )

    def __init__(self, *args, reallocating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.reallocating = reallocating
        if not reallocating:
            del self.fields["reason"]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if self.reallocating and not reason:
            raise forms.ValidationError("Enter why you are reallocating this case")
        return reason


class DeclineForm(forms.Form):
    reason = text_box(
        "Why are you declining this review?",
        help_text=(
            "For example, you have no time to take it on, you knew the person, or you work for "
            "an organisation involved in their care. The local area contact will see this."
        ),
        required="Enter why you are declining this review",
    )
