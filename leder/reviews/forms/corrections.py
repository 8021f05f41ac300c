"""The form a local area contact corrects the person's details with."""

import re

from django import forms

from leder.core.fields import NHSDateField
from leder.notifications.models import Answer, Sex
from leder.organisations.models import Organisation, OrganisationKind
from leder.reference.models import EthnicCategory


class _EthnicField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.description


class CorrectionForm(forms.Form):
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    date_of_birth = NHSDateField(label="Date of birth", subject="date of birth")
    date_of_death = NHSDateField(label="Date of death", subject="date of death")
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices)
    ethnic_category = _EthnicField(
        label="Ethnic group",
        queryset=EthnicCategory.objects.order_by("code"),
        required=False,
        empty_label="Not recorded",
    )
    has_learning_disability = forms.ChoiceField(label="Learning disability", choices=Answer.choices)
    is_autistic = forms.ChoiceField(label="Autistic", choices=Answer.choices)
    address = forms.CharField(
        label="Usual address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    gp_practice = forms.CharField(
        label="GP practice ODS code",
        required=False,
        max_length=12,
        help_text="For example, C99901. Leave empty if not known.",
    )
    reason = forms.CharField(
        label="Why are you correcting these details?",
        help_text="Kept with the values before and after in the audit log.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the details are being corrected"},
    )

    def clean_nhs_number(self) -> str:
        return re.sub(r"\s", "", self.cleaned_data.get("nhs_number", ""))

    def clean_postcode(self) -> str:
        compact = re.sub(r"\s", "", self.cleaned_data.get("postcode", "")).upper()
        return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact

    def clean_gp_practice(self):
        code = self.cleaned_data.get("gp_practice", "").strip().upper()
        if not code:
            return None
        practice = Organisation.objects.filter(
            kind=OrganisationKind.GP_PRACTICE, ods_code=code
        ).first()
        if practice is None:
            raise forms.ValidationError("Enter the ODS code of a GP practice we know")
        return practice

    @classmethod
    def initial_for(cls, n) -> dict:
        return {
            "given_name": n.given_name,
            "family_name": n.family_name,
            "date_of_birth": n.date_of_birth,
            "date_of_death": n.date_of_death,
            "nhs_number": n.nhs_number,
            "sex": n.sex,
            "ethnic_category": n.ethnic_category_id,
            "has_learning_disability": n.has_learning_disability,
            "is_autistic": n.is_autistic,
            "address": n.address,
            "postcode": n.postcode,
            "gp_practice": n.gp_practice.ods_code if n.gp_practice_id else "",
        }


class ReviewerCorrectionForm(CorrectionForm):
    """The reviewer's form: only what the review establishes (`REVIEW_ESTABLISHES`)."""

    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in names and name != "reason":
                del self.fields[name]
        self.fields["reason"].label = "What in the review shows these details were wrong?"
        self.fields["reason"].help_text = (
            "For example, the GP record gives another date of birth. Kept with the values "
            "before and after in the audit log."
        )
