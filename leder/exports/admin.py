"""Django admin for dataset recipients and data-sharing agreements, for administrators only.

Every change goes through `leder.exports.services`, so it is checked and audited as from anywhere
else. A recipient's pseudonym salt is never shown. Nothing is deleted: an agreement that ends is
left to expire, so past exports keep pointing at the agreement they were made under. Exports are
not in the admin: administrators have no access to the data.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from leder.accounts.admin_access import AdministratorsOnly
from leder.exports import services
from leder.exports.models import DataSharingAgreement, Recipient


def _errors_on_form(form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, messages)
        elif field not in form.fields:
            form.add_error(None, messages)


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = ("name", "organisation", "contact_name", "contact_email", "api_client")

    def _post_clean(self):
        # The service's rules, not the model's full_clean, so its messages are the only ones.
        values = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        try:
            services.recipient_validate(
                values, instance=self.instance if self.instance.pk else None
            )
        except ValidationError as error:
            _errors_on_form(self, error)


@admin.register(Recipient)
class RecipientAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = RecipientForm
    list_display = ("name", "organisation", "contact_email", "api_client", "created_at")
    search_fields = ("name", "organisation")
    list_select_related = ("api_client",)
    readonly_fields = ("created_at", "created_by")

    def get_fields(self, request, obj=None):
        fields = ["name", "organisation", "contact_name", "contact_email", "api_client"]
        return fields + (list(self.readonly_fields) if obj else [])

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in form._meta.fields}
        if change:
            services.recipient_update(
                actor=request.user, recipient=Recipient.objects.get(pk=obj.pk), **values
            )
            return
        created = services.recipient_create(actor=request.user, **values)
        obj.pk = created.pk
        obj._state.adding = False


class AgreementForm(forms.ModelForm):
    class Meta:
        model = DataSharingAgreement
        fields = (
            "recipient",
            "reference",
            "purpose",
            "legal_basis",
            "starts_on",
            "expires_on",
            "spec_version",
            "documents_note",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "recipient" in self.fields:
            self.fields["recipient"].disabled = True

    def _post_clean(self):
        values = {name: self.cleaned_data.get(name) for name in services.AGREEMENT_FIELDS}
        try:
            services.agreement_validate(
                values, instance=self.instance if self.instance.pk else None
            )
        except ValidationError as error:
            _errors_on_form(self, error)


@admin.register(DataSharingAgreement)
class AgreementAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = AgreementForm
    list_display = ("reference", "recipient", "starts_on", "expires_on")
    list_filter = ("recipient",)
    search_fields = ("reference", "recipient__name")
    list_select_related = ("recipient",)
    readonly_fields = ("created_at", "created_by")

    def get_fields(self, request, obj=None):
        fields = list(AgreementForm.Meta.fields)
        return fields + (list(self.readonly_fields) if obj else [])

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in services.AGREEMENT_FIELDS}
        if change:
            services.agreement_update(
                actor=request.user,
                agreement=DataSharingAgreement.objects.get(pk=obj.pk),
                **values,
            )
            return
        created = services.agreement_create(
            actor=request.user, recipient=form.cleaned_data["recipient"], **values
        )
        obj.pk = created.pk
        obj._state.adding = False
