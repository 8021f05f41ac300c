"""Forms of quality assurance: the checklist (an answer and a note per item), a comment on a
section, the decision's overall comments, and the reviewer's response to a comment. They only
shape the input; the services (`services.qa`) decide what is allowed."""

from django import forms

from leder.governance.models import QARound
from leder.governance.services.qa import COMMENT_MAX, MET_CHOICES, NOTE_MAX, SUMMARY_MAX


class ChecklistForm(forms.Form):
    """One radio question and one optional note per checklist item, named by the item's key.
    Every answer is optional here: the checklist is a draft until the review is approved."""

    def __init__(self, data=None, *, round: QARound, **kwargs):
        super().__init__(data=data, **kwargs)
        self.items = list(round.checklist.items.all())
        for number, item in enumerate(self.items, start=1):
            given = round.answers.get(item.key) or {}
            self.fields[f"met_{item.key}"] = forms.ChoiceField(
                label=f"{number}. {item.text}",
                help_text=item.hint,
                choices=MET_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=given.get("met") or None,
            )
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=f"Note on item {number} (optional)",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=given.get("note", ""),
            )

    def rows(self):
        """(met field, note field) for each item, in order, for the template."""
        return [(self[f"met_{item.key}"], self[f"note_{item.key}"]) for item in self.items]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            item.key: {
                "met": data.get(f"met_{item.key}") or "",
                "note": data.get(f"note_{item.key}"),
            }
            for item in self.items
        }


class CommentForm(forms.Form):
    section_key = forms.ChoiceField(label="Which section is the comment about?", required=False)
    text = forms.CharField(
        label="Comment",
        help_text="Say what the reviewer should change or add, and why.",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your comment."},
    )

    def __init__(self, data=None, *, choices, **kwargs):
        super().__init__(data=data, **kwargs)
        self.fields["section_key"].choices = choices


class DecisionForm(forms.Form):
    summary = forms.CharField(
        label="Overall comments",
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data=None, *, label=None, hint="", **kwargs):
        super().__init__(data=data, **kwargs)
        if label:
            self.fields["summary"].label = label
        self.fields["summary"].help_text = hint


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your response",
        help_text="Say what you changed, or why you did not change it.",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your response to the comment."},
    )
