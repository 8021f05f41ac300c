"""The form a survey is answered on, built from its questions (NHS.UK radios, checkboxes,
textareas through the project's form macros), and the area chooser. The rules per answer type
are the service's (`services.surveys.answer_clean`): the form asks it, so a page and any other
caller refuse the same answers with the same words."""

from django import forms

from leder.governance.models import AnswerType
from leder.governance.services.surveys import (
    SCALE,
    answer_clean,
    answer_field_name,
    question_choices,
)

SCALE_LABELS = {"1": "1 (lowest)", "5": "5 (highest)"}
YES_NO_LABELS = {"yes": "Yes", "no": "No"}


def _field_for(question) -> forms.Field:
    label = question.text if question.required else f"{question.text} (optional)"
    common = {"label": label, "help_text": question.hint, "required": False}
    choices = question_choices(question)
    if question.answer_type == AnswerType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if question.answer_type == AnswerType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            widget=forms.CheckboxSelectMultiple,
            choices=[(c, c) for c in choices],
            **common,
        )
    labels = {AnswerType.SCALE: SCALE_LABELS, AnswerType.YES_NO: YES_NO_LABELS}.get(
        question.answer_type, {}
    )
    field = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[(c, labels.get(c, c)) for c in choices],
        **common,
    )
    if question.answer_type == AnswerType.SCALE and not question.hint:
        field.help_text = f"From {SCALE[0]}, the lowest, to {SCALE[-1]}, the highest."
    return field


class IcbChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class SurveyAnswerForm(forms.Form):
    """One field per question (named `q<id>`), and `icb` when the respondent chooses their area:
    a select of every ICB for the public, radios of their ICBs for staff with several."""

    def __init__(
        self,
        *args,
        questions,
        icbs=None,
        icb_label: str = "",
        icb_hint: str = "",
        icb_as_select: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if icbs is not None:
            self.fields["icb"] = IcbChoiceField(
                queryset=icbs,
                label=icb_label,
                help_text=icb_hint,
                empty_label="Select your area" if icb_as_select else None,
                widget=forms.Select if icb_as_select else forms.RadioSelect,
                error_messages={
                    "required": "Select your area"
                    if icb_as_select
                    else "Select the ICB you are answering for",
                    "invalid_choice": "Select an area from the list",
                },
            )
        for question in self.questions:
            self.fields[answer_field_name(question)] = _field_for(question)

    def clean(self):
        """Each answer checked by the service's rules for its answer type, so that every problem
        shows at once beside its question."""
        cleaned = super().clean()
        for question in self.questions:
            name = answer_field_name(question)
            if name in self.errors:
                continue
            try:
                answer_clean(question, cleaned.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error.messages[0])
        return cleaned

    def answers(self) -> dict:
        return {
            answer_field_name(q): self.cleaned_data.get(answer_field_name(q))
            for q in self.questions
        }
