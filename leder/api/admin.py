"""Django admin for API clients and tokens, for administrators only.

Every change goes through `leder.api.services`, so it is checked and audited as from anywhere
else. A new token's plaintext is shown once, on the page that answers the request that issued
it; it is never put in a message, the session or the database. Nothing is deleted: clients and
tokens are revoked, so the audit trail keeps pointing at something.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from leder.accounts.admin_access import AdministratorsOnly
from leder.api import services
from leder.api.models import ApiClient, ApiScope, ApiToken
from leder.core.time import now

ROTATION_GRACE = timedelta(hours=24)


def _show_tokens(modeladmin, request, issued: list[services.IssuedToken]):
    """The page that shows new tokens, once."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Copy the new token" if len(issued) == 1 else "Copy the new tokens",
        "issued": issued,
        "opts": modeladmin.model._meta,
    }
    response = TemplateResponse(request, "admin/api/token_issued.html", context)
    # The page holds a secret: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiClient
        fields = ("name", "organisation", "scopes", "contact_email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("name", "organisation", "contact_email"):
                self.fields[name].disabled = True

    def _post_clean(self):
        # The service's rules, not the model's full_clean, so that its messages are the only
        # ones; shown next to the fields.
        if self.instance.pk:
            return
        try:
            services.api_client_validate(
                name=self.cleaned_data.get("name", ""),
                organisation=self.cleaned_data.get("organisation"),
                scopes=self.cleaned_data.get("scopes", []),
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages_)


@admin.register(ApiClient)
class ApiClientAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "organisation", "scope_list", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "organisation__name", "organisation__ods_code")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    readonly_fields = ("created_at", "created_by", "revoked_at")
    actions = ("issue_token", "revoke_clients")

    @admin.display(description="scopes")
    def scope_list(self, obj) -> str:
        return ", ".join(obj.scopes or [])

    def get_fields(self, request, obj=None):
        fields = ["name", "organisation", "scopes", "contact_email"]
        return fields + (list(self.readonly_fields) if obj else [])

    def save_model(self, request, obj, form, change):
        if change:
            services.api_client_update_scopes(
                actor=request.user,
                client=ApiClient.objects.get(pk=obj.pk),
                scopes=form.cleaned_data["scopes"],
            )
            return
        created = services.api_client_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            scopes=form.cleaned_data["scopes"],
            contact_email=form.cleaned_data.get("contact_email", ""),
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description="Issue a new token to the selected clients")
    def issue_token(self, request, queryset):
        issued = []
        for client in queryset:
            try:
                issued.append(services.api_token_issue(actor=request.user, client=client))
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{client}: {_text(error)}", messages.ERROR)
        return _show_tokens(self, request, issued) if issued else None

    @admin.action(description="Revoke the selected clients and all their tokens")
    def revoke_clients(self, request, queryset):
        for client in queryset:
            services.api_client_revoke(actor=request.user, client=client)
        self.message_user(request, f"Revoked {queryset.count()} API client(s).", messages.SUCCESS)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("client", "expires_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "client" in self.fields:
            self.fields["client"].queryset = ApiClient.objects.filter(revoked_at__isnull=True)

    def _post_clean(self):
        # The service checks the client; only the expiry can be wrong on this form.
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= now():
            self.add_error("expires_at", "The expiry must be in the future")


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Tokens are issued here (or from a client's page) and then only read, revoked or
    rotated: a token has nothing to edit."""

    form = ApiTokenForm
    list_display = ("prefix", "client", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at", "client")
    search_fields = ("prefix", "client__name")
    list_select_related = ("client",)
    actions = ("revoke_tokens", "rotate_now", "rotate_with_grace")

    def has_change_permission(self, request, obj=None):
        # Needed for actions on the list; the change form itself has nothing editable.
        return self._allowed(request)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "client",
            "prefix",
            "created_at",
            "created_by",
            "expires_at",
            "revoked_at",
            "last_used_at",
        )

    def get_fields(self, request, obj=None):
        return ("client", "expires_at") if obj is None else self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued = services.api_token_issue(
            actor=request.user,
            client=form.cleaned_data["client"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        request._leder_issued_token = issued
        obj.pk = issued.token.pk
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "_leder_issued_token", None)
        if issued is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_tokens(self, request, [issued])

    def log_addition(self, request, obj, message):
        # The audit log records issuing (the service); Django's LogEntry is not needed.
        return None

    @admin.action(description="Revoke the selected tokens now")
    def revoke_tokens(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(actor=request.user, token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).", messages.SUCCESS)

    def _rotate(self, request, queryset, grace: timedelta):
        issued = []
        for token in queryset:
            try:
                rotated = services.api_token_rotate(actor=request.user, token=token, grace=grace)
                issued.append(rotated)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{token}: {_text(error)}", messages.ERROR)
        return _show_tokens(self, request, issued) if issued else None

    @admin.action(description="Rotate: new token, old one stops now")
    def rotate_now(self, request, queryset):
        return self._rotate(request, queryset, timedelta(0))

    @admin.action(description="Rotate: new token, old one works for 24 more hours")
    def rotate_with_grace(self, request, queryset):
        return self._rotate(request, queryset, ROTATION_GRACE)


def _text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
