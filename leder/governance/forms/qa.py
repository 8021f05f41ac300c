"""Forms of quality assurance: the checklist (an answer and a note per item), a comment on a
section, the decision's overall comments, and the reviewer's response to a comment. They only
shape the input; the services (`services.qa`) decide what is allowed."""

from django import forms

from leder.core.fields import text_box
from leder.governance.models import QARound
from leder.governance.services.qa import (
    COMMENT_MAX,
    MET_CHOICES,
    NOTE_MAX,
    SUMMARY_MAX,
    comment_field_name,
)


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


class AssessmentForm(ChecklistForm):
    """The whole QA page as one form: the checklist, a new comment beside each section and on
    the review as a whole, and a "remove" box on each comment already made. Whichever button is
    pressed (save, approve, return), everything typed is posted and saved together, so nothing
    on the page can be lost by using another part of it."""

    def __init__(self, data=None, *, round: QARound, sections, existing_comments=(), **kwargs):
        super().__init__(data=data, round=round, **kwargs)
        self.sections = list(sections)  # (key, title), "" first for the review as a whole
        for key, title in self.sections:
            about = "the review as a whole" if not key else title[:1].lower() + title[1:]
            self.fields[comment_field_name(key)] = text_box(
                f"New comment on {about} (optional)",
                help_text="Say what the reviewer should change or add, and why.",
                rows=3,
                max_length=COMMENT_MAX,
            )
        self.existing_ids = {str(c.pk) for c in existing_comments}
        self.fields["remove"] = forms.MultipleChoiceField(
            required=False,
            choices=[(str(c.pk), str(c.pk)) for c in existing_comments],
            widget=forms.CheckboxSelectMultiple,
        )

    def comment_field(self, key: str):
        return self[comment_field_name(key)]

    def new_comments(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(comment_field_name(key)) or "" for key, _ in self.sections
        }

    def removed_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data.get("remove") or ()}

    def removing(self, pk) -> bool:
        """Whether the box to remove comment `pk` is ticked (as posted, when the page is shown
        again after an error)."""
        return self.is_bound and str(pk) in self.data.getlist("remove")


class DecisionForm(forms.Form):
    summary = text_box("Overall comments", max_length=SUMMARY_MAX)

    def __init__(self, data=None, *, label=None, hint="", **kwargs):
        super().__init__(data=data, **kwargs)
        if label:
            self.fields["summary"].label = label
        self.fields["summary"].help_text = hint


class ResponseForm(forms.Form):
    response = text_box(
        "Your response",
        required="Enter your response to the comment.",
        help_text="Say what you changed, or why you did not change it.",
        rows=5,
        max_length=COMMENT_MAX,
    )
