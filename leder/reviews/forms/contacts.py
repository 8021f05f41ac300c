"""Forms of the contacts and records sections. They check what was typed; the services check
again (they are the only way in) and own the rules."""

from django import forms

from leder.core.fields import NHSDateField
from leder.organisations.forms import OrganisationPickerField
from leder.reviews.models import ContactKind, ContactMethod, ContactOutcome, ContactPreference
from leder.reviews.services.contacts import DETAIL_FIELDS
from leder.reviews.services.uploads import ACCEPTED_DESCRIPTION, max_bytes, size_label


def _telephone(label: str, **options) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "width": 20}),
        **options,
    )


def _email(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ContactForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the contact's name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label="How did they know the person?",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact knew the person"},
    )
    organisation = OrganisationPickerField(
        label="Organisation (if any)",
        required=False,
        required_message="Choose their organisation from the list, or type its name below",
        help_text="The person's GP practice and the organisations involved in their care are "
        "listed first",
    )
    organisation_name = forms.CharField(
        label="Another organisation",
        max_length=200,
        required=False,
        help_text="If their organisation is not in the list above",
    )
    role = forms.CharField(
        label="Role or relationship",
        max_length=200,
        required=False,
        help_text="For example, sister, support worker, community learning disability nurse",
    )
    telephone = _telephone(
        "Telephone (optional)", help_text="For example, 01632 960 001 or 07700 900 982"
    )
    email = _email("Email address (optional)")
    address = forms.CharField(
        label="Postal address (optional)",
        required=False,
        help_text="Without the postcode. Letters are sent here",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "width": 10}),
    )
    preferred_contact = forms.ChoiceField(
        label="How would they like to be contacted?",
        required=False,
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        help_text="Every message the review sends them uses this way",
    )
    language = forms.CharField(
        label="Language, if not English (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    needs_interpreter = forms.BooleanField(label="They need an interpreter", required=False)
    easy_read = forms.BooleanField(label="They need easy read", required=False)
    large_print = forms.BooleanField(label="They need large print", required=False)
    advocate_name = forms.CharField(
        label="Advocate's name (optional)",
        max_length=200,
        required=False,
        help_text="Someone they have asked to support them or speak for them",
    )
    advocate_telephone = _telephone("Advocate's telephone (optional)")
    advocate_email = _email("Advocate's email address (optional)")
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # Sent to `contact_add`/`contact_update` as they are (the organisation is chosen apart).
    SERVICE_FIELDS = ("name", "kind", *DETAIL_FIELDS)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].shown = organisations

    @property
    def chosen_organisation(self):
        return self.cleaned_data.get("organisation")


class ContactAttemptForm(forms.Form):
    made_on = NHSDateField(subject="date of the attempt", label="Date of the attempt")
    method = forms.ChoiceField(
        label="How did you try to reach them?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you tried to reach them"},
    )
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        help_text="What you talked about, or what to try next",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FamilyNotPossibleForm(forms.Form):
    reason = forms.CharField(
        label="Why was no conversation with family or someone close to the person possible?",
        help_text=(
            "For example, the person had no family and nobody close to them could be found, or "
            "the family asked not to take part"
        ),
        error_messages={
            "required": "Enter why no conversation with family or someone close was possible"
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class GpRecordReviewedForm(forms.Form):
    reviewed_on = NHSDateField(
        subject="date you reviewed the GP record",
        label="When did you review the GP record?",
        help_text="For example, 27 3 2026",
    )


class RecordsRequestForm(forms.Form):
    organisation = OrganisationPickerField(
        label="Which organisation are you asking?",
        help_text="The person's GP practice and the organisations involved in their care are "
        "listed first",
        required_message="Choose the organisation to ask for records",
    )
    email = forms.EmailField(
        label="Email address to send the upload link to",
        help_text="A shared team mailbox is best, such as a practice's records team",
        max_length=254,
        error_messages={
            "required": "Enter the email address to send the upload link to",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    requested = forms.CharField(
        label="Which records are you asking for?",
        help_text=(
            "For example, GP records for the last 2 years of the person's life. Do not write "
            "the person's name: the email gives only the case reference, and the upload page "
            "shows their name and date of birth to the link's holder"
        ),
        error_messages={"required": "Enter which records you are asking for"},
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].shown = organisations

    @property
    def chosen_organisation(self):
        return self.cleaned_data.get("organisation")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File to upload",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"The file must be {ACCEPTED_DESCRIPTION}, smaller than {size_label(max_bytes())}"
        )

    def refuse(self, message: str) -> None:
        """Replace whatever was said about the file with `message` (the upload was stopped)."""
        self.full_clean()
        self._errors.pop("file", None)
        self.add_error("file", message)
