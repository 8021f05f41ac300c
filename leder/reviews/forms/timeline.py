"""Forms of the timeline of care. The date rules live in the service (`event_date_problem`);
the form asks the same question so the reviewer sees every problem at once, next to the field."""

from django import forms

from leder.core.fields import NHSDateField, text_box
from leder.reviews.models import Review, TimelineEventKind
from leder.reviews.services.timeline import event_date_problem, organisations_for


class TimelineEventForm(forms.Form):
    occurred_on = NHSDateField(
        subject="date of the event",
        label="Date of the event",
        help_text="For example, 15 3 2019. If you only know the month, use the 1st.",
    )
    kind = forms.ChoiceField(
        label="What kind of event was it?",
        choices=TimelineEventKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of event it was"},
    )
    organisation = forms.ChoiceField(
        label="Organisation (optional)",
        help_text="Organisations involved in the person's care and their GP practice.",
        required=False,
    )
    organisation_name = forms.CharField(
        label="Or type the organisation's name (optional)",
        help_text="If it is not in the list, for example a day centre or a dentist.",
        required=False,
        max_length=200,
    )
    description = text_box(
        "What happened",
        required="Enter what happened",
        help_text="What happened, who was involved and what it meant for the person.",
        rows=5,
        max_length=None,
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.organisations = {str(org.pk): org for org in organisations_for(review)}
        self.fields["organisation"].choices = [("", "Not in the list")] + [
            (key, org.name) for key, org in self.organisations.items()
        ]

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        problem = event_date_problem(value, review=self.review) if value else None
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if not value:
            raise forms.ValidationError("Enter what happened")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation") and cleaned.get("organisation_name", "").strip():
            self.add_error(
                "organisation_name",
                "Select an organisation from the list or type its name, not both",
            )
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned data as the service's keyword arguments."""
        data = self.cleaned_data
        return {
            "occurred_on": data["occurred_on"],
            "kind": data["kind"],
            "organisation": self.organisations.get(data.get("organisation") or ""),
            "organisation_name": data.get("organisation_name", ""),
            "description": data["description"],
        }

    @staticmethod
    def initial_for(event) -> dict:
        return {
            "occurred_on": event.occurred_on,
            "kind": event.kind,
            "organisation": str(event.organisation_id or ""),
            "organisation_name": event.organisation_name,
            "description": event.description,
        }


class TimelineCompleteForm(forms.Form):
    complete = forms.BooleanField(
        label="I have added the key episodes of their life and care: the timeline is complete",
        required=False,
    )
