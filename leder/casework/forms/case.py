"""Forms on the case page: holds and the organisations involved in the person's care."""

from django import forms


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Why is the review being put on hold?",
        help_text=(
            "For example, a coroner's inquest or a police investigation. The time on hold is "
            "added to the due date."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why the review is being put on hold"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why the review is being put on hold")
        return reason


class ResumeForm(forms.Form):
    reason = forms.CharField(
        label="Why can the review continue?",
        help_text="For example, the inquest has concluded.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why the review can continue"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why the review can continue")
        return reason


class ProviderSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or ODS code of the organisation",
        help_text="For example, a GP practice, hospital trust, care provider or council.",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class InvolvedOrganisationForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Which organisation was involved in the person's care?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation involved in the person's care",
            "invalid_choice": "Select one of the organisations listed",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}
        self.fields["organisation"].choices = [
            (o.pk, f"{o.name} ({o.ods_code})") for o in organisations
        ]
        self.fields["organisation"].choice_hints = {
            str(o.pk): o.get_kind_display() for o in organisations
        }
