"""Forms of the panel pages (setting the panel up, meetings, attendance, minutes, decisions) and
of reopening a signed-off review. They only parse what was typed; the services decide."""

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from leder.core.fields import NHSDateField, text_box
from leder.governance.models import PanelDecision
from leder.governance.services.panels import MAX_QUORUM


class PanelForm(forms.Form):
    name = forms.CharField(
        label="Name of the panel",
        max_length=200,
        error_messages={"required": "Enter the panel's name"},
    )
    quorum = forms.IntegerField(
        label="Quorum",
        help_text=(
            "How many panel members, including a chair, must attend for the panel to make decisions"
        ),
        min_value=1,
        max_value=MAX_QUORUM,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": 2}),
        error_messages={
            "required": "Enter the quorum",
            "invalid": "The quorum must be a whole number",
            "min_value": f"The quorum must be a whole number from 1 to {MAX_QUORUM}",
            "max_value": f"The quorum must be a whole number from 1 to {MAX_QUORUM}",
        },
    )
    terms_of_reference = text_box("Terms of reference", rows=8, max_length=None)


TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class MeetingForm(forms.Form):
    date = NHSDateField(
        subject="date of the meeting",
        allow_future=True,
        label="Date of the meeting",
        help_text="For example, 15 3 2027",
    )
    time = forms.CharField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 14:30",
        max_length=5,
        widget=forms.TextInput(attrs={"width": 5}),
        error_messages={"required": "Enter the start time"},
    )
    location = forms.CharField(
        label="Where the meeting is held",
        help_text="A room and building, or how to join online",
        required=False,
        max_length=200,
    )

    def clean_time(self) -> time:
        match = TIME.match(self.cleaned_data["time"])
        hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise forms.ValidationError(
                "Enter the start time as hours and minutes on the 24-hour clock, like 14:30"
            )
        return time(hour, minute)

    def starts_at(self) -> datetime:
        """The meeting's start, aware, in Europe/London."""
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


class AttendanceForm(forms.Form):
    attendees = forms.MultipleChoiceField(
        label="Panel members who attended",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = text_box(
        "Others who attended",
        help_text="One a line: their name, role and organisation",
        max_length=None,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.user.pk): m.user for m in members}
        self.fields["attendees"].choices = [
            (str(m.user.pk), m.user.full_name + (" (chair)" if m.is_chair else "")) for m in members
        ]

    def chosen_users(self) -> list:
        return [self.members[pk] for pk in self.cleaned_data["attendees"]]


class MinutesForm(forms.Form):
    minutes = text_box(
        "Minutes",
        required="Enter the minutes of the meeting",
        help_text=(
            "What the panel discussed and agreed. Decisions on each review are recorded "
            "on the review's agenda item."
        ),
        rows=14,
        max_length=None,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The panel's decision",
        choices=[c for c in PanelDecision.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel's decision"},
    )
    comments = text_box(
        "Comments",
        help_text="Needed when the panel returns the review: they go to the reviewer",
        rows=6,
        max_length=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choice_hints = {
            PanelDecision.SIGNED_OFF: "The review is locked as it stands and the case completed",
            PanelDecision.RETURNED: "The review goes back to the reviewer with the comments",
            PanelDecision.DEFERRED: "The review waits for a later meeting",
        }

    def clean(self):
        data = super().clean()
        if data.get("decision") == PanelDecision.RETURNED and not data.get("comments", "").strip():
            self.add_error("comments", "Enter the panel's comments for the reviewer")
        return data


class ReopenForm(forms.Form):
    reason = text_box(
        "Why does the review need to be reopened?",
        required="Enter the reason for reopening the review",
        help_text="This is kept with the signed-off version and in the audit log for ever",
        rows=6,
        max_length=None,
    )
    confirm = forms.BooleanField(
        label="I understand that the review will be unlocked for the reviewer to change, and "
        "that the signed-off version stays readable",
        error_messages={"required": "Confirm that you want to reopen the review"},
    )
