"""Forms for the reviewer register. They collect answers; the rules (who can be added, which
employers, capacity 0–20, dates not in the future, valid NHS numbers) are the services', whose
`ValidationError`s the views put back on these forms' fields."""

from django import forms

from leder.casework.models import Profession, RecruitmentStatus
from leder.casework.services.register import (
    MAX_CAPACITY,
    person_conflict_problems,
    reviewer_details_problems,
)
from leder.core.fields import NHSDateField, text_box
from leder.organisations.forms import OrganisationPickerField

NOTE_TOO_LONG = "The note must be 2,000 characters or fewer"


def _capacity_field() -> forms.IntegerField:
    out_of_range = f"The most reviews they can hold at once must be 0 to {MAX_CAPACITY}"
    return forms.IntegerField(
        label="Most reviews they can hold at once",
        help_text=f"A number from 0 to {MAX_CAPACITY}. Allocation stops offering them cases "
        "when they hold this many.",
        min_value=0,
        max_value=MAX_CAPACITY,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": 2}),
        error_messages={
            "required": "Enter the most reviews they can hold at once",
            "invalid": "Enter the most reviews they can hold at once, as a number",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class ReviewerDetailsForm(forms.Form):
    profession = forms.ChoiceField(
        label="Profession",
        choices=Profession.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reviewer's profession"},
    )
    employer = OrganisationPickerField(
        label="Employer",
        help_text=(
            "A reviewer is never allocated the review of a person their employer cared for."
        ),
        required=False,
        required_message="Choose the reviewer's employer from the list",
    )
    employer_name = forms.CharField(
        label="Employer, if it is not in the list",
        required=False,
        max_length=200,
        error_messages={"max_length": "The employer's name must be 200 characters or fewer"},
    )
    capacity = _capacity_field()
    recruitment_status = forms.ChoiceField(
        label="Training",
        choices=RecruitmentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they are trained or still in training"},
    )

    def __init__(self, *args, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employers is not None:
            self.fields["employer"].shown = employers
        self.fields["recruitment_status"].choice_hints = {
            RecruitmentStatus.IN_TRAINING: "Not offered cases until they are trained",
            RecruitmentStatus.TRAINED: "Can be offered cases",
        }

    def clean(self):
        """Show every problem at once: the service's rules (employer listed or typed, not both)
        on the fields the form itself found no problem with."""
        cleaned = super().clean()
        problems = reviewer_details_problems(
            profession=cleaned.get("profession"),
            employer=cleaned.get("employer"),
            employer_name=cleaned.get("employer_name", ""),
            capacity=cleaned.get("capacity"),
            recruitment_status=cleaned.get("recruitment_status"),
        )
        for name, message in problems.items():
            if name not in self.errors and name in self.fields:
                already = {"employer": "employer_name"}.get(name)
                if already is None or already not in self.errors:
                    self.add_error(name, message)
        return cleaned


class ReviewerAddForm(ReviewerDetailsForm):
    person = forms.ChoiceField(
        label="Who are you adding?",
        help_text=(
            "People who hold the reviewer or senior reviewer role at your ICB and are not on "
            "its register yet. An administrator gives people their roles."
        ),
        error_messages={
            "required": "Select the person you are adding to the register",
            "invalid_choice": (
                "Select a person who holds the reviewer or senior reviewer role at your ICB and "
                "is not on its register yet"
            ),
        },
    )
    field_order = ["person", "profession", "employer", "employer_name", "capacity"]

    def __init__(self, *args, candidates: list[tuple], show_icb: bool = False, **kwargs):
        """`candidates`: (icb, user) pairs who can join a register."""
        super().__init__(*args, **kwargs)
        self._candidates = {f"{icb.pk}:{user.pk}": (icb, user) for icb, user in candidates}
        self.fields["person"].choices = [("", "Select a person")] + [
            (
                key,
                f"{user.full_name} ({user.email})" + (f", {icb.display_name}" if show_icb else ""),
            )
            for key, (icb, user) in self._candidates.items()
        ]

    def clean_person(self):
        return self._candidates[self.cleaned_data["person"]]


class ReviewerEditForm(ReviewerDetailsForm):
    is_active = forms.TypedChoiceField(
        label="Can they be offered new cases?",
        choices=[("yes", "Yes, active"), ("no", "No, inactive")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they can be offered new cases"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_active"].choice_hints = {
            "no": "Their open cases stay with them until you reallocate them",
        }


class TrainingForm(forms.Form):
    course = forms.CharField(
        label="Course",
        max_length=200,
        error_messages={
            "required": "Enter the name of the course",
            "max_length": "The name of the course must be 200 characters or fewer",
        },
    )
    completed_on = NHSDateField(
        subject="date they completed the course",
        label="When did they complete it?",
        help_text="For example, 27 3 2026",
    )


class OrganisationConflictForm(forms.Form):
    organisation = OrganisationPickerField(
        label="Which organisation?",
        help_text="An organisation they work or worked for, or have another link with.",
        required_message="Choose the organisation",
    )
    note = text_box("Note (optional)", rows=3, too_long=NOTE_TOO_LONG)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].shown = organisations


class PersonConflictForm(forms.Form):
    person_name = forms.CharField(
        label="Full name of the person they knew",
        max_length=200,
        error_messages={
            "required": "Enter the name of the person they knew",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    person_date_of_birth = NHSDateField(
        subject="date of birth",
        label="Date of birth (optional)",
        help_text=(
            "If you give it, only a person with this name and date of birth is matched. Without "
            "it, anyone of this name is."
        ),
        required=False,
    )
    person_nhs_number = forms.CharField(
        label="NHS number (optional)",
        help_text="10 digits, like 943 476 5919",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": 10}),
        error_messages={
            "max_length": "Enter a valid NHS number, like 943 476 5919, or leave it blank"
        },
    )
    note = text_box("How did they know them? (optional)", rows=3, too_long=NOTE_TOO_LONG)

    def clean(self):
        """Show every problem at once: the service's rules (a valid NHS number) on the fields
        the form itself found no problem with."""
        cleaned = super().clean()
        problems = person_conflict_problems(
            person_name=cleaned.get("person_name", ""),
            person_date_of_birth=cleaned.get("person_date_of_birth"),
            person_nhs_number=cleaned.get("person_nhs_number", ""),
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned
