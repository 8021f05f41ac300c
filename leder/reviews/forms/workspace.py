"""Forms of the workspace's simple sections (family involvement, pen portrait) and the helpers
every simple section's page uses: binding a form for a draft or a complete save, and turning
cleaned data into the JSON kept in `ReviewSection.data`.

A simple section's form declares its fields as they must be for a *complete* section (Django's
`required`). A draft relaxes every `required`, so a reviewer can save half an answer and come
back later; anything they typed that is not valid (a date that does not exist) is still an
error, and nothing is saved until it is put right. A form that needs the review (a versioned
question set, say) sets `wants_review = True` and is given `review=` when it is made.
"""

from datetime import date, datetime
from decimal import Decimal

from django import forms

from leder.core.fields import NHSDateField, text_box

YES_NO = [("yes", "Yes"), ("no", "No")]


def bind_section_form(form_class, *, review, data=None, initial=None, draft: bool = False):
    """An instance of a simple section's form. For a draft every field is optional; the form
    can tell which with `form.is_draft` (for rules that only apply when complete)."""
    kwargs = {"review": review} if getattr(form_class, "wants_review", False) else {}
    form = form_class(data=data, initial=initial, **kwargs)
    form.is_draft = draft
    if draft:
        for bound_field in form.fields.values():
            bound_field.required = False
    return form


def json_ready(value):
    """Cleaned data as JSON: dates as ISO strings, decimals as strings, the rest unchanged."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _yes_no(label: str, *, required_message: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=hint,
        error_messages={"required": required_message},
    )


class FamilyInvolvementForm(forms.Form):
    """What the family (or the people closest to the person) were told and offered, and what
    they asked for. `asked_for_focused_review` ("yes"/"no") is read by the focused-review
    triggers: keep its name and values."""

    told_of_review = _yes_no(
        "Was the family told that the review is happening?",
        required_message="Select yes if the family was told about the review",
    )
    told_on = NHSDateField(
        subject="date the family was told",
        label="When were they told?",
        help_text="Only if they were told. For example, 15 3 2026",
        required=False,
    )
    invited_to_contribute = _yes_no(
        "Was the family invited to contribute to the review?",
        required_message="Select yes if the family was invited to contribute",
    )
    offered_pen_portrait = _yes_no(
        "Was the family offered the draft pen portrait to comment on?",
        required_message="Select yes if the family was offered the draft pen portrait",
    )
    pen_portrait_comments = text_box(
        "The family's comments on the pen portrait",
        help_text="If they commented, what they said, in their words where you can",
        rows=5,
        max_length=None,
    )
    wants_copy = _yes_no(
        "Does the family want a copy of the completed review?",
        required_message="Select yes if the family wants a copy of the completed review",
    )
    asked_for_focused_review = _yes_no(
        "Did the family ask for a focused review?",
        required_message="Select yes if the family asked for a focused review",
        hint="A family's request means a focused review is needed",
    )

    def clean(self):
        data = super().clean()
        told, told_on = data.get("told_of_review"), data.get("told_on")
        if told == "no" and told_on:
            self.add_error("told_on", "Remove the date, or select yes if the family was told")
        elif told == "yes" and not told_on and not self.is_draft and "told_on" not in self.errors:
            self.add_error("told_on", "Enter the date the family was told")
        return data


# Severity of learning disability as the LeDeR annual reports break it down (DOMAIN.md).
LD_SEVERITY_CHOICES = [
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
    ("pmld", "Profound and multiple"),
    ("none", "No learning disability (an autistic adult)"),
    ("not_known", "Not known"),
]


class PenPortraitForm(forms.Form):
    """Who the person was, in the words of the people who knew them."""

    who_they_were = text_box(
        "Who was the person?",
        required="Enter who the person was",
        help_text=(
            "Their life, personality, what they liked doing, the people and places important "
            "to them"
        ),
        rows=8,
        max_length=None,
    )
    what_mattered = text_box(
        "What mattered to them?",
        required="Enter what mattered to the person",
        help_text="What was important to them about how they lived and were cared for",
        rows=6,
        max_length=None,
    )
    what_people_said = text_box(
        "What did people who knew them say about them?",
        help_text="Optional. Family, friends, carers and staff",
        rows=6,
        max_length=None,
    )
    ld_severity = forms.ChoiceField(
        label="How severe was their learning disability?",
        help_text=(
            "From their records: the annual reports give median age at death by severity. "
            "Optional if it is not recorded anywhere"
        ),
        choices=LD_SEVERITY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )


class VersionCompareForm(forms.Form):
    """Two versions of a review to compare (`?from=N&to=M`), chosen from its version numbers."""

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        for name, label in (("from", "Compare version"), ("to", "with version")):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                coerce=int,
                choices=choices,
                error_messages={
                    "required": "Select two versions to compare",
                    "invalid_choice": "Select versions this review has",
                },
            )

    def clean(self):
        data = super().clean()
        first, second = data.get("from"), data.get("to")
        if first is not None and second is not None and first == second:
            self.add_error("to", "Select two different versions to compare")
        return data
