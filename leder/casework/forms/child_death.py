"""The child death overview panel's conclusion, as the local area contact records it."""

from django import forms

from leder.core.fields import NHSDateField, text_box

GRADE_CHOICES = [
    ("", "The panel gave no grade"),
    *((str(g), f"Grade {g}") for g in range(1, 7)),
]


class ChildDeathReviewForm(forms.Form):
    panel_reference = forms.CharField(
        label="The panel's reference",
        max_length=100,
        error_messages={"required": "Enter the panel's reference"},
    )
    panel_area = forms.CharField(
        label="The panel's area",
        max_length=200,
        help_text="The child death overview panel that reviewed the death, for example Leeds",
        error_messages={"required": "Enter the panel's area"},
    )
    concluded_on = NHSDateField(
        label="When did the panel's review conclude?",
        subject="date the panel's review concluded",
        help_text="For example, 14 3 2026",
    )
    cause_text = forms.CharField(
        label="Underlying cause of death the panel found",
        max_length=500,
        error_messages={"required": "Enter the underlying cause of death the panel found"},
    )
    cause_code = forms.CharField(
        label="ICD-10 code of the underlying cause",
        max_length=8,
        help_text="The code the reviews use, for example J69.0",
        error_messages={"required": "Enter an ICD-10 code for the cause, like J69.0"},
    )
    learning = text_box("Learning from the panel's findings (optional)", rows=5, max_length=None)
    grade = forms.TypedChoiceField(
        label="Grade of care (optional)",
        help_text="Only where the panel graded the care, on the LeDeR scale of 1 to 6",
        choices=GRADE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
