"""The Django admin for governance reference data: the quality assurance checklist.

Administrators maintain checklist versions and their items; they have no case access, so no QA
round, comment or anything holding review content is registered here. Every change goes through
`services.qa` (audited). A version that rounds were assessed with is frozen: its items are shown
read-only and only whether it is active can change, so a new checklist is a new version.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from leder.accounts.admin_access import AdministratorsOnly
from leder.governance.models import QAChecklist, QAChecklistItem
from leder.governance.services.qa import (
    checklist_in_use,
    qa_checklist_item_delete,
    qa_checklist_item_save,
    qa_checklist_version_save,
)


class QAChecklistItemInline(admin.TabularInline):
    model = QAChecklistItem
    fields = ("order", "key", "text", "hint", "section_key")
    extra = 0
    ordering = ("order",)

    def _allowed(self, request) -> bool:
        from leder.accounts import rules

        return rules.can_manage_organisations(request.user)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def _editable(self, request, obj) -> bool:
        return self._allowed(request) and not (obj is not None and checklist_in_use(obj))

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(QAChecklist)
class QAChecklistAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ("version", "title", "effective_from", "active")
    list_filter = ("active",)
    ordering = ("-effective_from",)
    inlines = (QAChecklistItemInline,)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and checklist_in_use(obj):
            return ("version", "title", "effective_from")
        return ()

    def save_model(self, request, obj, form, change):
        qa_checklist_version_save(actor=request.user, checklist=obj)

    def save_formset(self, request, form, formset, change):
        """Route the inline's rows through the services, so each change is checked and
        audited."""
        items = formset.save(commit=False)
        try:
            for item in formset.deleted_objects:
                qa_checklist_item_delete(actor=request.user, item=item)
            for item in items:
                qa_checklist_item_save(actor=request.user, item=item)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))


# The other parts of governance keep their admin in modules of their own; autodiscovery only
# imports this one.
from leder.governance import admin_surveys  # noqa: E402, F401
