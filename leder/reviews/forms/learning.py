"""Forms for grading of care, learning, the focused-review decision and the focused review's
further evidence and meeting.

The simple sections' forms follow the workspace's convention (`forms.workspace`): fields are
declared as a *complete* section needs them, a draft relaxes every `required`, and rules that
only apply to a complete section check `self.is_draft`. Forms that need the review set
`wants_review = True`.
"""

from django import forms
from django.db.models import Q

from leder.core.fields import NHSDateField, text_box
from leder.core.time import today
from leder.reviews import sections
from leder.reviews.models import GradingScale, LearningKind, LearningTheme
from leder.reviews.services.focused import ReviewerReason, focused_review_decision
from leder.reviews.services.learning import GRADING_KEY, grading_scale_for

YES_NO = [("yes", "Yes"), ("no", "No")]


def sentence(text: str) -> str:
    """The scale's wording starts in lower case (it reads on from a number); a hint is a
    sentence."""
    return text[:1].upper() + text[1:]


def _draft(form) -> bool:
    # Made outside `bind_section_form` (a test, the admin) a form checks as for a complete save.
    return getattr(form, "is_draft", False)


class GradingForm(forms.Form):
    """The grade of care on the scale the review is graded against, and why. The scale's
    version goes into the saved answers, so the grade always says which scale it is on."""

    wants_review = True

    level = forms.TypedChoiceField(
        label="How would you grade the care the person received?",
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a grade for the care the person received",
            "invalid_choice": "Select a grade from the scale",
        },
    )
    rationale = text_box(
        "Why did you choose this grade?",
        required="Enter why you chose this grade",
        help_text="What in the person's care led you to it: what went well and what did not",
        rows=8,
        max_length=None,
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            row = sections.stored(review, GRADING_KEY.get(review.kind, "grading"))
            stored = row.data.get("scale_version") if row else None
            self.scale = grading_scale_for(review, stored_version=stored)
        else:
            self.scale = GradingScale.objects.in_force_on(today())
        levels = list(self.scale.levels.all()) if self.scale else []
        field = self.fields["level"]
        field.choices = [(lv.level, f"Grade {lv.level}: {lv.title}") for lv in levels]
        field.choice_hints = {str(lv.level): sentence(lv.description) for lv in levels}

    def clean(self):
        data = super().clean()
        if self.scale is not None:
            data["scale_version"] = self.scale.version
        return data


class LearningSectionForm(forms.Form):
    """Finishing the learning section: at least one piece of learning, or why there is none."""

    wants_review = True

    no_learning_reason = text_box(
        "If the review found no learning, say why",
        help_text=(
            "Only if you have recorded no learning above. This is unusual: most reviews find "
            "good practice or something that could have been better"
        ),
        max_length=None,
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_count = review.learning_items.count() if review is not None else 0

    def clean(self):
        data = super().clean()
        reason = (data.get("no_learning_reason") or "").strip()
        if self.item_count and reason:
            self.add_error(
                "no_learning_reason",
                "You have recorded learning, so delete the reason for finding none",
            )
        elif not self.item_count and not reason and not _draft(self):
            self.add_error(
                "no_learning_reason", "Add a piece of learning, or say why the review found none"
            )
        return data


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LearningTheme) -> str:
        return str(obj)


class LearningItemForm(forms.Form):
    """One piece of learning. Active themes are offered; a theme retired since it was chosen
    stays on offer for the item that has it."""

    kind = forms.ChoiceField(
        label="What kind of learning is it?",
        choices=LearningKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of learning it is"},
    )
    text = text_box(
        "Describe the learning",
        required="Describe the learning",
        help_text=(
            "What happened and what it shows. Name organisations and roles, not members of staff"
        ),
        rows=6,
        max_length=None,
    )
    themes = ThemeChoiceField(
        label="Which themes does it relate to?",
        help_text="Select all that apply",
        queryset=LearningTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one theme",
            "invalid_choice": "Select themes from the list",
            "invalid_pk_value": "Select themes from the list",
        },
    )

    KIND_HINTS = {
        LearningKind.GOOD_PRACTICE: "Care that went well, that others could learn from",
        LearningKind.IMPROVEMENT: "Something that could have been done better",
        LearningKind.CONCERN: (
            "Something that went wrong or may have harmed the person. Concerns go to the "
            "governance panel, which agrees actions with the organisations involved"
        ),
    }

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        keep = list(item.themes.values_list("pk", flat=True)) if item is not None else []
        themes = LearningTheme.objects.filter(Q(active=True) | Q(pk__in=keep)).select_related(
            "parent"
        )
        self.fields["themes"].queryset = themes
        self.fields["themes"].choice_hints = {
            str(t.pk): t.description for t in themes if t.description
        }
        self.fields["kind"].choice_hints = {str(k): v for k, v in self.KIND_HINTS.items()}


class FocusedDecisionForm(forms.Form):
    """The reviewer's own reasons for a focused review. What the data already says is shown
    above the form (`self.decision`) and applies whatever is chosen here."""

    wants_review = True

    reasons = forms.MultipleChoiceField(
        label="Do you have reasons of your own for a focused review?",
        help_text="Select all that apply. Select none if you have no reasons of your own",
        choices=ReviewerReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select reasons from the list"},
    )
    other_reason = text_box("If you have another reason, what is it?", rows=3, max_length=None)

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = focused_review_decision(review) if review is not None else None

    def clean(self):
        data = super().clean()
        reasons = data.get("reasons") or []
        other = (data.get("other_reason") or "").strip()
        if other and ReviewerReason.OTHER not in reasons:
            self.add_error(
                "other_reason",
                "Select ‘Another reason’, or delete what you typed about another reason",
            )
        elif ReviewerReason.OTHER in reasons and not other and not _draft(self):
            self.add_error("other_reason", "Enter your other reason for a focused review")
        data["other_reason"] = other
        return data


class FurtherEvidenceForm(forms.Form):
    """What the focused review found beyond the initial review, and where it came from."""

    evidence = text_box(
        "What further evidence did you gather, and what did it show?",
        required="Enter the further evidence and what it showed",
        rows=10,
        max_length=None,
    )
    sources = text_box(
        "Where did it come from?",
        required="Enter where the further evidence came from",
        help_text=(
            "For example, records from the hospital trust, conversations with staff, the care "
            "provider's incident reports"
        ),
        max_length=None,
    )


def attendee_lines(text: str) -> list[tuple[str, str]]:
    """ "Sam Patel, ward manager, Anytown NHS Trust" → ("Sam Patel, ward manager", "Anytown NHS
    Trust"): the organisation is what follows the last comma. Lines without one are skipped."""
    rows = []
    for line in (text or "").splitlines():
        who, comma, organisation = line.strip().rpartition(",")
        if comma and who.strip() and organisation.strip():
            rows.append((who.strip(), organisation.strip()))
    return rows


class MeetingForm(forms.Form):
    """The optional multi-agency review meeting. Its details are asked only once the reviewer
    says a meeting was held (the page shows them then, decided on the server), and are cleared
    if they say it was not."""

    held = forms.ChoiceField(
        label="Was a multi-agency review meeting held?",
        help_text=(
            "A meeting of the organisations involved in the person's care, to look together at "
            "what happened. It is optional"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if a multi-agency review meeting was held"},
    )
    meeting_date = NHSDateField(
        subject="date of the meeting",
        label="Date of the meeting",
        help_text="For example, 15 3 2026",
        required=False,
    )
    attendees = text_box(
        "Who attended?",
        help_text=(
            "One person a line: their name or role, a comma, then their organisation. For "
            "example: Sam Patel, ward manager, Anytown Hospitals NHS Trust"
        ),
        rows=6,
        max_length=None,
    )
    discussion = text_box("What was discussed?", rows=6, max_length=None)
    findings = text_box("What did the meeting find?", rows=6, max_length=None)

    DETAILS = {
        "meeting_date": "Enter the date of the meeting",
        "attendees": "Enter who attended and their organisations",
        "discussion": "Enter what was discussed",
        "findings": "Enter what the meeting found",
    }

    def clean_attendees(self):
        text = self.cleaned_data.get("attendees") or ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(attendee_lines("\n".join(lines))) != len(lines):
            raise forms.ValidationError(
                "Give each attendee's organisation after a comma, one person a line"
            )
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        if data.get("held") != "yes":
            # Details of a meeting that was not held are not kept.
            for name in self.DETAILS:
                self.errors.pop(name, None)
                data[name] = None if name == "meeting_date" else ""
            return data
        if not _draft(self):
            for name, message in self.DETAILS.items():
                if name not in self.errors and not data.get(name):
                    self.add_error(name, message)
        return data
