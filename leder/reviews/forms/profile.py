"""The form of the person's profile (`leder.reviews.profile`), a simple section of the initial
review edited on the generic section page.

Its fields are built from the profile set the review is answered with, so an old review keeps
its questions. The class's own (`base_fields`) are the current set's, which is what readers of
a snapshot use for labels. When the section has never been saved, the form starts from what the
review already records elsewhere (`profile.prefill_for`) and says where each answer came from
(`prefill_sources`), for the reviewer to check before saving.
"""

from django import forms

from leder.reviews import profile


def _field(f: profile.ProfileField) -> forms.Field:
    if f.kind == profile.LIST:
        return forms.MultipleChoiceField(
            label=f.label,
            help_text=f.hint,
            choices=f.choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": f.required_message, "invalid_choice": f.required_message},
        )
    return forms.ChoiceField(
        label=f.label,
        help_text=f.hint,
        choices=f.choices,
        widget=forms.RadioSelect,
        error_messages={"required": f.required_message, "invalid_choice": f.required_message},
    )


def _fields(version: str) -> dict[str, forms.Field]:
    return {f.key: _field(f) for f in profile.profile_set(version).fields}


class _ProfileFields(forms.Form):
    pass


for _name, _form_field in _fields(profile.current_version()).items():
    _ProfileFields.base_fields[_name] = _form_field


class ProfileForm(_ProfileFields):
    """The profile, for a draft (every answer optional) or complete (every answer needed)."""

    wants_review = True
    is_draft = False

    def __init__(self, data=None, initial=None, *, review=None, **kwargs):
        from leder.reviews import sections

        self.review = review
        saved = sections.stored(review, profile.SECTION_KEY) if review is not None else None
        self.version = (
            profile.version_for(review, saved.data if saved else initial)
            if review is not None
            else None
        )
        self.prefill_sources: dict[str, str] = {}
        if saved is None and initial is None and data is None and review is not None and review.pk:
            found = profile.prefill_for(review, version=self.version)
            initial, self.prefill_sources = dict(found.values), found.sources
        super().__init__(data=data, initial=initial, **kwargs)
        if self.version and self.version != profile.current_version():
            self.fields = _fields(self.version)

    @property
    def prefill_rows(self) -> list[dict]:
        """Which answers were filled in from elsewhere in the review, and from where."""
        return [
            {"label": self.fields[key].label, "source": source}
            for key, source in self.prefill_sources.items()
            if key in self.fields
        ]

    def clean(self):
        data = super().clean()
        # The service's rules (values on the list, "none" alone), the same for the importer.
        problems = profile.errors(data, version=self.version, complete=False)
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return profile.record(data, version=self.version)
