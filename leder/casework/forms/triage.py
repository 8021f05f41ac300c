"""Forms for the local area contact's triage decisions."""

from django import forms

from leder.core.fields import radios, text_box

# Decisions that need a reason, and what to ask for when it is missing.
REASON_NEEDED = {
    "not_eligible": "Enter why the death is not eligible for a LeDeR review",
    "opted_out": "Enter how the national data opt-out was confirmed",
}
REASON_TOO_LONG = "The reason must be 2,000 characters or fewer"


class TriageForm(forms.Form):
    decision = radios(
        "What is your decision?",
        [
            ("eligible", "Eligible for a LeDeR review"),
            ("child_death_review", "Reviewed through the child death review"),
            ("not_eligible", "Not eligible"),
            ("opted_out", "A national data opt-out is registered for the person"),
        ],
        required="Select your triage decision",
    )
    reason = text_box(
        "Reason",
        help_text=(
            "Needed if the death is not eligible or for a national data opt-out. It is kept in "
            "the case history and the audit log: do not write the person's name in it."
        ),
        too_long=REASON_TOO_LONG,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choice_hints = {
            "eligible": "The case will wait for a reviewer to be allocated",
            "child_death_review": (
                "For a child aged 4 to 17: the child death review process reviews the death, "
                "and LeDeR keeps the record and counts the death"
            ),
            "not_eligible": "For example, the person did not have a learning disability",
            "opted_out": ("You will be asked to confirm: the person's details will then be erased"),
        }

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in REASON_NEEDED and not cleaned.get("reason", "").strip():
            self.add_error("reason", REASON_NEEDED[decision])
        return cleaned


class OptOutForm(forms.Form):
    reason = text_box(
        "How was the opt-out confirmed?",
        help_text=(
            "For example, checked with the national data opt-out service on a date. Do not "
            "write the person's name or details here."
        ),
        required=REASON_NEEDED["opted_out"],
        too_long=REASON_TOO_LONG,
    )
    confirm = forms.BooleanField(
        label="I understand that the person's details will be erased and this cannot be undone",
        error_messages={
            "required": (
                "Confirm that you understand the person's details will be erased and this "
                "cannot be undone"
            )
        },
    )


class ReconsiderForm(forms.Form):
    reason = text_box(
        "Why are you reconsidering this decision?",
        help_text="The case will wait for a reviewer to be allocated.",
        required="Enter why you are reconsidering this decision",
        too_long=REASON_TOO_LONG,
    )
