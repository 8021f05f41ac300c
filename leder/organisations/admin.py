"""Django admin for organisations, successions and records a restructure could not place.

Every change goes through a service, so the admin writes the same audit rows as any other
caller. Nothing here is ever deleted: organisations close, successions are history.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from leder.accounts import rules
from leder.accounts.admin_access import AdministratorsOnly
from leder.core.time import today
from leder.organisations import followers
from leder.organisations.errors import (
    OrganisationChangeError,
    RestructureError,
    UnplacedRecordError,
)
from leder.organisations.models import (
    Organisation,
    Succession,
    UnplacedRecord,
    UnplacedStatus,
)
from leder.organisations.selectors import icbs_open
from leder.organisations.services import (
    EDITABLE_FIELDS,
    organisation_check,
    organisation_create,
    organisation_update,
    succession_make_default,
    unplaced_record_resolve,
)


class OpenOnTodayFilter(admin.SimpleListFilter):
    title = "open or closed"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open today"), ("closed", "Closed"), ("future", "Not yet open")]

    def queryset(self, request, queryset):
        day = today()
        if self.value() == "open":
            return queryset.open_on(day)
        if self.value() == "closed":
            return queryset.filter(closed_on__lte=day)
        if self.value() == "future":
            return queryset.filter(opened_on__gt=day)
        return queryset


class RegionFilter(admin.SimpleListFilter):
    """An ICB's region, or the region of a provider's or CCG's ICB."""

    title = "region"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(r.ods_code, r.name) for r in Organisation.objects.regions().order_by("name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            Q(region__ods_code=self.value()) | Q(icb__region__ods_code=self.value())
        )


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = EDITABLE_FIELDS

    def _post_clean(self):
        super()._post_clean()
        try:
            organisation_check(organisation=self.instance)
        except OrganisationChangeError as error:
            self.add_error(None, str(error))


@admin.register(Organisation)
class OrganisationAdmin(AdministratorsOnly, admin.ModelAdmin):
    may_manage = staticmethod(rules.can_manage_organisations)

    form = OrganisationAdminForm
    list_display = ("ods_code", "name", "kind", "region", "icb", "opened_on", "closed_on")
    list_filter = ("kind", RegionFilter, OpenOnTodayFilter)
    search_fields = ("ods_code", "name", "short_name")
    list_select_related = ("region", "icb")
    autocomplete_fields = ("region", "icb")
    ordering = ("kind", "name")

    def get_readonly_fields(self, request, obj=None):
        # The ODS code is the identity successions and imports use; a new code is a new
        # organisation with a succession from the old one.
        return ("ods_code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            organisation_update(
                organisation=Organisation.objects.get(pk=obj.pk),
                actor=request.user,
                changes=changes,
            )
            return
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in {f.name for f in Organisation._meta.concrete_fields}
        }
        created = organisation_create(actor=request.user, values=values)
        obj.pk = created.pk
        obj._state.adding = False


class AppliedFilter(admin.SimpleListFilter):
    title = "applied"
    parameter_name = "applied"

    def lookups(self, request, model_admin):
        return [("yes", "Applied"), ("no", "Pending")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(applied_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(applied_at__isnull=True)
        return queryset


@admin.register(Succession)
class SuccessionAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Successions are loaded by migrations and applied by `manage.py restructure_apply`; the
    one choice left to an administrator is which successor of a split holds what cannot be
    placed."""

    may_manage = staticmethod(rules.can_manage_organisations)

    list_display = (
        "predecessor",
        "successor",
        "kind",
        "effective_on",
        "applied_at",
        "takes_unplaced",
    )
    list_filter = (AppliedFilter, "kind", "effective_on", "takes_unplaced")
    search_fields = (
        "predecessor__ods_code",
        "predecessor__name",
        "successor__ods_code",
        "successor__name",
    )
    list_select_related = ("predecessor", "successor")
    actions = ("make_default",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Make this successor hold the split's unplaced records")
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one succession.", messages.ERROR)
            return
        try:
            chosen = succession_make_default(succession=queryset.get(), actor=request.user)
        except (RestructureError, PermissionDenied) as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            f"{chosen.successor} will hold {chosen.predecessor.ods_code}'s unplaced records.",
            messages.SUCCESS,
        )


class UnplacedRecordAdminForm(forms.ModelForm):
    resolved_to = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Place it at",
        help_text="An open ICB. For a role, leave empty to not grant it again.",
    )

    class Meta:
        model = UnplacedRecord
        fields = ("resolved_to", "resolution_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolved_to"].queryset = icbs_open()

    def clean(self):
        cleaned = super().clean()
        follower = followers.get(self.instance.follower)
        if cleaned.get("resolved_to") is None and not follower.ends_when_unplaced:
            self.add_error("resolved_to", "Choose the ICB it belongs to.")
        return cleaned


@admin.register(UnplacedRecord)
class UnplacedRecordAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Administrators decide unplaced roles and providers here. Notifications are the local
    area contact's to decide, outside the admin (administrators have no case access)."""

    may_manage = staticmethod(rules.can_manage_organisations)

    form = UnplacedRecordAdminForm
    list_display = (
        "reference",
        "follower",
        "predecessor",
        "held_by",
        "status",
        "effective_on",
        "reason",
    )
    list_filter = ("status", "follower", "effective_on")
    search_fields = ("reference",)
    list_select_related = ("predecessor", "held_by")
    readonly_fields = (
        "reference",
        "follower",
        "effective_on",
        "predecessor",
        "held_by",
        "reason",
        "created_at",
        "status",
        "resolved_at",
        "resolved_by",
    )
    fields = (*readonly_fields, "resolved_to", "resolution_note")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return (
            obj.status == UnplacedStatus.OPEN
            and obj.follower != "notification"
            and super().has_change_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        try:
            unplaced_record_resolve(
                unplaced=obj,
                organisation=form.cleaned_data.get("resolved_to"),
                actor=request.user,
                note=form.cleaned_data.get("resolution_note", ""),
            )
        except UnplacedRecordError as error:
            self.message_user(request, str(error), messages.ERROR)
