"""The Django admin where administrators define feedback surveys and their questions.

Saves go through `services.surveys` (`survey_save`, `survey_question_save`,
`survey_question_delete`), so each is checked and audited like any other write; the services'
refusals are shown on the form. Responses are not in the admin: results are read on the results
pages, with small counts suppressed. Surveys are closed, never deleted (answers refer to them).

Imported by `leder.governance.admin` (Django's admin autodiscovery looks for that module).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from leder.accounts.admin_access import AdministratorsOnly
from leder.governance.models import Survey, SurveyQuestion
from leder.governance.services import surveys as services


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ("title", "slug", "introduction", "audience", "anonymous", "status")

    def _post_clean(self):
        super()._post_clean()
        for name, message in services.survey_problems(self.instance).items():
            self.add_error(name if name in self.fields else None, message)


class OptionsField(forms.CharField):
    """The options of a choice question, one a line; stored as a list."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        return services.clean_options(value or "")


class QuestionForm(forms.ModelForm):
    options = OptionsField(
        required=False,
        help_text="For questions answered by choosing options only: one option a line.",
    )

    class Meta:
        model = SurveyQuestion
        fields = ("order", "text", "hint", "answer_type", "options", "required")

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("DELETE"):
            return
        for name, message in services.question_problems(self.instance).items():
            self.add_error(name if name in self.fields else None, message)


class QuestionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        survey = self.instance
        changing = any(form.has_changed() for form in self.forms) or self.deleted_forms
        if survey.pk and changing and survey.responses.exists():
            raise ValidationError(
                "People have answered this survey, so its questions cannot change. Close it and "
                "make a new survey instead."
            )


class QuestionInline(AdministratorsOnly, admin.TabularInline):
    may_manage = staticmethod(services.can_manage_surveys)

    model = SurveyQuestion
    form = QuestionForm
    formset = QuestionFormSet
    extra = 1
    ordering = ("order",)

    def has_delete_permission(self, request, obj=None):
        # A question nobody has answered can be removed; one with answers stays.
        return self._allowed(request) and not (obj is not None and obj.responses.exists())


@admin.register(Survey)
class SurveyAdmin(AdministratorsOnly, admin.ModelAdmin):
    may_manage = staticmethod(services.can_manage_surveys)

    form = SurveyForm
    inlines = (QuestionInline,)
    list_display = ("title", "audience", "anonymous", "status", "created_at")
    list_filter = ("audience", "status", "anonymous")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "created_by")

    def save_model(self, request, obj, form, change):
        services.survey_save(actor=request.user, survey=obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            if deleted.pk:
                services.survey_question_delete(actor=request.user, question=deleted)
        for question in instances:
            question.survey = form.instance
            services.survey_question_save(actor=request.user, question=question)


__all__ = ["SurveyAdmin"]
