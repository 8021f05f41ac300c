"""The Django admin for the review record's reference data: the learning themes administrators
maintain, and the grading scale (read only).

Administrators have no case access, so nothing holding review content is registered here:
not reviews, their sections, versions or learning. Themes change through
`services.learning.learning_theme_save`, so each change is audited; they are retired (made
inactive), never deleted, because past learning is tagged with them. The grading scale is loaded
by migrations: a new version is a new scale with its own start date, never an edit, so a grade
always means what it meant when it was given.
"""

from django import forms
from django.contrib import admin

from leder.accounts import rules
from leder.accounts.admin_access import AdministratorsOnly
from leder.reviews.models import GradingLevel, GradingScale, LearningTheme
from leder.reviews.services.learning import learning_theme_save


class LearningThemeForm(forms.ModelForm):
    class Meta:
        model = LearningTheme
        fields = ("name", "description", "parent", "active")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        # One level of nesting keeps the list reviewers choose from readable, and rules out
        # cycles.
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            raise forms.ValidationError("A theme cannot belong to itself")
        if parent is not None and parent.parent_id is not None:
            raise forms.ValidationError("Choose a top-level theme: themes nest one level deep")
        return parent


@admin.register(LearningTheme)
class LearningThemeAdmin(AdministratorsOnly, admin.ModelAdmin):
    may_manage = staticmethod(rules.can_manage_organisations)

    form = LearningThemeForm
    list_display = ("name", "parent", "active")
    list_filter = ("active",)
    search_fields = ("name", "description")
    list_select_related = ("parent",)
    ordering = ("name",)

    def save_model(self, request, obj, form, change):
        learning_theme_save(actor=request.user, theme=obj)


class GradingLevelInline(admin.TabularInline):
    model = GradingLevel
    fields = ("level", "title", "description")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        from leder.accounts import rules

        return rules.can_manage_organisations(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GradingScale)
class GradingScaleAdmin(AdministratorsOnly, admin.ModelAdmin):
    may_manage = staticmethod(rules.can_manage_organisations)

    list_display = ("version", "effective_from", "description")
    readonly_fields = ("version", "effective_from", "description")
    inlines = (GradingLevelInline,)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
