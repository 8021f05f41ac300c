from django import forms

from leder.core.fields import NHSDateField, text_box
from leder.families.models import CopyWay, SecondFactor


class DateOfBirthForm(forms.Form):
    date_of_birth = NHSDateField(
        subject="date of birth",
        label="What was their date of birth?",
        help_text="For example, 15 3 1984. This checks it is you.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Enter the code we sent you",
        help_text="It has 6 numbers",
        max_length=10,
        error_messages={"required": "Enter the code we sent you"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class StoryForm(forms.Form):
    story = text_box(
        "Tell us about them in your own words",
        help_text=(
            "Who they were, what they liked, what mattered to them, what they were proud of. "
            "Write as much or as little as you like."
        ),
        rows=12,
        max_length=None,
    )
    file = forms.FileField(
        label="Add a photograph or document (optional)",
        help_text="A PDF, Word document or image (JPEG, PNG or TIFF), up to 20MB",
        required=False,
    )


FOCUSED_CHOICES = [
    ("yes", "Yes, I would like a focused review"),
    ("no", "No"),
    ("not_sure", "I am not sure: I would like to talk about it"),
]


class CareForm(forms.Form):
    worked = text_box("What worked well in their care?", rows=6, max_length=None)
    not_worked = text_box("What did not work, or worried you?", rows=6, max_length=None)
    focused_review = forms.ChoiceField(
        label="Would you like a focused review?",
        help_text=(
            "A focused review looks more closely at the care, with the people who gave it. "
            "You can ask for one for any reason."
        ),
        choices=FOCUSED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )


class CommentForm(forms.Form):
    comment = text_box(
        "Your comments",
        required="Write your comments",
        help_text=(
            "Tell us anything that is wrong, missing, or that you would like said differently"
        ),
        rows=8,
        max_length=None,
    )


class InviteForm(forms.Form):
    contact = forms.TypedChoiceField(
        label="Who to invite",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who to invite"},
    )
    second_factor = forms.ChoiceField(
        label="How they will show it is them",
        help_text="So that a forwarded letter or e-mail is not enough to open their page",
        choices=SecondFactor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they will show it is them"},
    )

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [(c.pk, c.label) for c in contacts]


class CopySentForm(forms.Form):
    """The family copy sent another way than through the family member's own link."""

    sent_to = forms.CharField(
        label="Who was it sent to?",
        help_text="Their name, and who they are to the person",
        max_length=150,
        error_messages={"required": "Enter who the family copy was sent to"},
    )
    way = forms.ChoiceField(
        label="How was it sent?",
        choices=CopyWay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the family copy was sent"},
    )
    sent_on = NHSDateField(
        subject="date it was sent",
        label="When was it sent?",
        help_text="For example, 15 3 2027",
    )
    easy_read = forms.BooleanField(
        label="They were sent the easy-read version",
        required=False,
    )
    note = forms.CharField(
        label="Anything else to record (optional)",
        help_text="For example, the address it was posted to, or who was at the meeting",
        max_length=200,
        required=False,
    )
