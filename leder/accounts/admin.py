"""The Django admin for accounts and roles, for administrators only.

Every save goes through `leder.accounts.services`, so each change is checked and audited exactly
as it would be from anywhere else. Nothing is deleted: accounts are deactivated and roles are
ended, because who held which role when is part of the record. The admin shows no case content:
only accounts and roles are registered here, and other apps register only reference data.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from leder.accounts import rules, services
from leder.accounts.admin_access import AdministratorsOnly
from leder.accounts.models import ROLE_ORGANISATION_KIND, Membership, Role, User
from leder.core.time import today
from leder.organisations.models import Organisation

# --- the admin site itself ----------------------------------------------------------------------

admin.site.site_header = "LeDeR administration"
admin.site.site_title = "LeDeR administration"
admin.site.index_title = "Accounts, roles and organisations"


def _admin_sign_in(request, extra_context=None):
    # One way in for everybody: the service's sign-in with its lockout, audit and second factor,
    # not the admin's own login form.
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def _admin_sign_out(request, extra_context=None):
    if request.method == "POST" and request.user.is_authenticated:
        services.user_sign_out(request=request)
        messages.success(request, "You have signed out")
        return redirect("accounts:sign_in")
    return redirect("accounts:sign_out")


def _admin_password_change(request, extra_context=None):
    # The service's own page, which is audited and keeps the NHS.UK design.
    return redirect("accounts:password_change")


admin.site.login = _admin_sign_in
admin.site.logout = _admin_sign_out
admin.site.password_change = _admin_password_change

# Second-factor devices hold secret keys and change only through the audited services (an
# administrator resets them from the user list); axes' attempt records are cleared the same way.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
# Roles, not Django groups or permissions, decide what anyone may do: the group admin (where
# permissions could be gathered and handed out) is closed (ADR 0120).
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
try:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for _model in (AccessAttempt, AccessFailureLog, AccessLog):
        if admin.site.is_registered(_model):
            admin.site.unregister(_model)
except ImportError:  # pragma: no cover - axes is always installed here
    pass


# --- roles --------------------------------------------------------------------------------------


class MembershipForm(forms.ModelForm):
    """A new role: who, which, where, from when. An existing role can only be given an end date;
    to change anything else, end it and grant a new one, so the history stays true."""

    class Meta:
        model = Membership
        fields = ("user", "role", "organisation", "starts_on", "ends_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("user", "role", "organisation", "starts_on"):
                if name in self.fields:
                    self.fields[name].disabled = True
            if self.instance.ends_on and self.instance.ends_on <= today():
                self.fields["ends_on"].disabled = True
        else:
            # Roles are held at ICBs, regions and NHS England only, and only while they are open:
            # offer those rather than thousands of providers.
            if "organisation" in self.fields:
                day = today()
                self.fields["organisation"].queryset = Organisation.objects.filter(
                    kind__in=set(ROLE_ORGANISATION_KIND.values())
                ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
            if "ends_on" in self.fields:
                self.fields["ends_on"].disabled = True
                self.fields["ends_on"].help_text = "End a role after it has been given."

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            if (
                self.instance.ends_on
                and "ends_on" in self.changed_data
                and not cleaned.get("ends_on")
            ):
                self.add_error("ends_on", "An ended role cannot restart: give a new role instead")
            return cleaned
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        if role and organisation:
            user = cleaned.get("user") or getattr(self.instance, "user", None)
            try:
                services.membership_validate(
                    user=user,
                    role=role,
                    organisation=organisation,
                    starts_on=cleaned.get("starts_on") or today(),
                )
            except ValidationError as error:
                self._update_errors(error)
        return cleaned


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # `membership_validate` sees saved roles only; check the rows added together as well.
        new_roles = {
            form.cleaned_data.get("role")
            for form in self.forms
            if form.instance.pk is None and form.has_changed() and form.cleaned_data
        }
        new_roles.discard(None)
        if Role.ADMINISTRATOR in new_roles and len(new_roles) > 1:
            raise ValidationError(
                "An administrator cannot hold other roles: administrators need an account of "
                "their own"
            )


def _save_memberships(request, formset, user: User) -> None:
    """Route the inline's rows through the services, and tell the admin what happened (it builds
    its change message from these lists)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed() or not form.cleaned_data:
            continue
        if form.instance.pk is None:
            membership = _grant_or_propose(request, user=user, data=form.cleaned_data)
            if membership is not None:
                formset.new_objects.append(membership)
        elif "ends_on" in form.changed_data:
            membership = Membership.objects.get(pk=form.instance.pk)
            services.membership_end(
                actor=request.user,
                membership=membership,
                ends_on=form.cleaned_data["ends_on"],
                request=request,
            )
            formset.changed_objects.append((membership, ["ends_on"]))


def _grant_or_propose(request, *, user: User, data: dict) -> Membership | None:
    """Grant the role, or, for a role that opens case content, only propose it: a second person
    approves it from their home page (ADR 0120). None when proposed."""
    role = {
        "actor": request.user,
        "user": user,
        "role": data["role"],
        "organisation": data["organisation"],
        "starts_on": data.get("starts_on"),
        "request": request,
    }
    if data["role"] in rules.CASE_CONTENT_ROLES:
        grant = services.role_grant_propose(**role)
        messages.warning(
            request,
            f"{grant} is proposed, not granted: it opens case content, so a second person "
            "(the ICB's executive lead) must approve it.",
        )
        return None
    return services.membership_grant(**role)


class MembershipInline(AdministratorsOnly, admin.TabularInline):
    may_manage = staticmethod(rules.can_manage_users)

    model = Membership
    form = MembershipForm
    formset = MembershipInlineFormSet
    fields = ("role", "organisation", "starts_on", "ends_on")
    extra = 1
    can_delete = False
    verbose_name = "role"
    verbose_name_plural = "roles"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(Membership)
class MembershipAdmin(AdministratorsOnly, admin.ModelAdmin):
    may_manage = staticmethod(rules.can_manage_users)

    form = MembershipForm
    list_display = ("user", "role", "organisation", "starts_on", "ends_on")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation")
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change):
        if change:
            if "ends_on" in form.changed_data:
                services.membership_end(
                    actor=request.user,
                    membership=Membership.objects.get(pk=obj.pk),
                    ends_on=form.cleaned_data["ends_on"],
                    request=request,
                )
            obj.refresh_from_db()
            return
        created = _grant_or_propose(request, user=form.cleaned_data["user"], data=form.cleaned_data)
        if created is None:  # proposed only: nothing to show as added
            obj.pk = None
            return
        obj.pk = created.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def log_addition(self, request, obj, message):
        # A proposal adds no membership (the audit log has the proposal).
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return redirect("admin:accounts_membership_changelist")
        return super().response_add(request, obj, post_url_continue)


# --- accounts -----------------------------------------------------------------------------------


class UserAdminForm(forms.ModelForm):
    """Name and e-mail address, and optionally a new password (the administrator tells the
    person it by a separate channel)."""

    new_password = forms.CharField(
        label="New password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current password. At least 12 characters.",
    )
    new_password_again = forms.CharField(
        label="New password again",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ("email", "full_name", "job_title")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("An account with this e-mail address already exists")
        return email

    def clean(self):
        cleaned = super().clean()
        first, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if first or again:
            if first != again:
                self.add_error("new_password_again", "The two passwords are different")
            else:
                candidate = User(
                    email=cleaned.get("email", ""), full_name=cleaned.get("full_name", "")
                )
                try:
                    validate_password(first, candidate)
                except ValidationError as error:
                    self.add_error("new_password", error)
        return cleaned


@admin.register(User)
class UserAdmin(AdministratorsOnly, admin.ModelAdmin):
    may_manage = staticmethod(rules.can_manage_users)

    form = UserAdminForm
    inlines = [MembershipInline]
    list_display = ("email", "full_name", "job_title", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "memberships__role")
    search_fields = ("email", "full_name")
    ordering = ("full_name",)
    readonly_fields = ("is_active", "is_staff", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "full_name", "job_title")}),
        ("Password", {"fields": ("new_password", "new_password_again")}),
        ("Status", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    actions = ["deactivate", "reactivate", "reset_two_factor", "unlock"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:2]
        return self.fieldsets

    def save_model(self, request, obj, form, change):
        password = form.cleaned_data.get("new_password") or None
        if not change:
            created = services.user_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                job_title=form.cleaned_data.get("job_title", ""),
                password=password,
                request=request,
            )
            # The admin goes on to save the inline roles against `obj`.
            obj.pk = created.pk
            obj.refresh_from_db()
            obj._state.adding = False
            return
        current = User.objects.get(pk=obj.pk)
        services.user_update(
            actor=request.user,
            user=current,
            request=request,
            **{name: form.cleaned_data[name] for name in services.USER_EDITABLE_FIELDS},
        )
        if password:
            services.user_set_password(
                actor=request.user, user=current, password=password, request=request
            )
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            _save_memberships(request, formset, form.instance)
        else:  # pragma: no cover - there are no other inlines
            super().save_formset(request, form, formset, change)

    def _each(self, request, queryset, service, done: str):
        count = 0
        for user in queryset:
            try:
                service(actor=request.user, user=user, request=request)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"{done}: {count}", messages.SUCCESS)

    @admin.action(description="Deactivate the selected accounts (ends their roles)")
    def deactivate(self, request, queryset):
        self._each(request, queryset, services.user_deactivate, "Accounts deactivated")

    @admin.action(description="Reactivate the selected accounts")
    def reactivate(self, request, queryset):
        self._each(request, queryset, services.user_reactivate, "Accounts reactivated")

    @admin.action(description="Reset two-factor authentication (lost phone)")
    def reset_two_factor(self, request, queryset):
        self._each(
            request, queryset, services.user_reset_two_factor, "Two-factor authentication reset"
        )

    @admin.action(description="Unblock sign-in after too many failed attempts")
    def unlock(self, request, queryset):
        self._each(request, queryset, services.user_unlock, "Accounts unblocked")
