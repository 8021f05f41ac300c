"""The upload form: which ICB (when the contact has more than one) and the file."""

from django import forms

from leder.imports.reading import MAX_BYTES
from leder.organisations.forms import icb_choice_field


class UploadForm(forms.Form):
    icb = icb_choice_field(
        label="Which ICB are these deaths for?", required="Select the ICB the deaths are for"
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=(
            "A CSV (.csv) or Excel (.xlsx) file made from the import template, up to 100 MB "
            "and 50,000 rows"
        ),
        error_messages={
            "required": "Select a CSV or Excel file to upload",
            "empty": "The file is empty. Fill in the import template and upload it again.",
            "invalid": "Select a CSV or Excel file to upload",
        },
    )

    def __init__(self, *args, icbs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = icbs
        # With one ICB there is nothing to ask: the question is not shown.
        self.only_icb = icbs.get() if icbs.count() == 1 else None
        if self.only_icb is not None:
            self.fields["icb"].required = False

    def clean_icb(self):
        return self.only_icb or self.cleaned_data.get("icb")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "The file must be smaller than 100 MB. Split it into smaller files."
            )
        return upload
