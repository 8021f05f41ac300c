"""Forms for actions and the action plan. They collect answers; the SMART rules and the status
rules are the services' (`smart_problems`, `plan_problems`, `action_update`), whose
`ValidationError`s the views put back on these forms' fields."""

import re

from django import forms

from leder.core.fields import NHSDateField
from leder.governance.models import ActionStatus

# Case references as the service prints them: LDR-2026-000123.
REFERENCE = re.compile(r"LDR-\d{4}-\d{6}", re.IGNORECASE)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.ods_code})"


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.plan.title}: {obj.order}. {obj.title}"


class IcbChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


def _text(label: str, *, required: bool, message: str = "", max_length: int = 300, **kwargs):
    errors = {"max_length": f"{label} must be {max_length} characters or fewer"}
    if message:
        errors["required"] = message
    return forms.CharField(
        label=label, required=required, max_length=max_length, error_messages=errors, **kwargs
    )


def parse_references(text: str) -> list[str]:
    """Case references typed in any mix of commas, spaces and lines, upper-cased, each once."""
    found: list[str] = []
    for match in REFERENCE.findall(text or ""):
        ref = match.upper()
        if ref not in found:
            found.append(ref)
    return found


class ActionForm(forms.Form):
    icb = IcbChoiceField(
        queryset=None,
        label="ICB",
        empty_label=None,
        error_messages={"invalid_choice": "Select one of your ICBs"},
    )
    title = _text(
        "What will be done",
        required=False,
        help_text="Specific enough that anyone can tell whether it has been done, for example "
        "‘Train ward staff at the district hospital to use hospital passports’.",
    )
    description = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_organisation = OrganisationChoiceField(
        queryset=None,
        label="Organisation that owns the action",
        required=False,
        error_messages={"invalid_choice": "Select the organisation from the list"},
    )
    owner_name = _text(
        "Person who owns the action",
        required=False,
        max_length=150,
        help_text="Their name or job title. They do not need an account.",
    )
    owner_email = forms.CharField(
        label="Owner’s e-mail address (optional)",
        required=False,
        max_length=254,
        help_text="Reminders go here and to the local area contacts when the action is due.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    due_on = NHSDateField(
        label="Due date",
        subject="due date",
        allow_future=True,
        required=False,
        help_text="For example, 31 3 2027",
    )
    measure = forms.CharField(
        label="How completion will be measured",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case_references = forms.CharField(
        label="Reviews the action comes from",
        required=False,
        help_text="Case references, separated by commas, for example LDR-2026-000123.",
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )
    themes = ThemeChoiceField(
        queryset=None,
        label="Learning themes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select themes from the list"},
    )
    priority = PriorityChoiceField(
        queryset=None,
        label="Priority of the action plan (optional)",
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a priority from the list"},
    )

    def __init__(self, *args, icbs, owners, themes, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = icbs
        self.fields["owner_organisation"].queryset = owners
        self.fields["themes"].queryset = themes
        self.fields["priority"].queryset = priorities
        self.show_icb = len(icbs) > 1
        self.only_icb = None if self.show_icb else icbs.first()
        if not self.show_icb:
            del self.fields["icb"]

    def chosen_icb(self):
        return self.cleaned_data.get("icb") if self.show_icb else self.only_icb

    @property
    def references(self) -> list[str]:
        return parse_references(self.cleaned_data.get("case_references", ""))

    def clean_case_references(self):
        text = self.cleaned_data.get("case_references", "")
        leftover = REFERENCE.sub("", text or "")
        if re.search(r"[^\s,;]", leftover):
            raise forms.ValidationError(
                "Enter case references like LDR-2026-000123, separated by commas"
            )
        return text


class ActionUpdateForm(forms.Form):
    """A progress note, optionally moving an open action to in progress."""

    note = forms.CharField(
        label="What has happened since the last update?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say who told you, if you are recording it for the owner.",
    )
    started = forms.BooleanField(label="The work has started (mark it in progress)", required=False)


class ActionCompleteForm(forms.Form):
    evidence = forms.CharField(
        label="Evidence that the action is complete",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows the measure was met, and where the evidence is kept.",
    )
    note = forms.CharField(
        label="Anything else (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the action cancelled?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionReopenForm(forms.Form):
    to_status = forms.ChoiceField(
        label="Reopen the action as",
        choices=[
            (ActionStatus.OPEN, ActionStatus.OPEN.label),
            (ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the action is open or in progress"},
    )
    reason = forms.CharField(
        label="Why is it being reopened?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DueDateForm(forms.Form):
    due_on = NHSDateField(
        label="New due date",
        subject="new due date",
        allow_future=True,
        required=False,
        help_text="For example, 31 3 2027",
    )
    reason = forms.CharField(
        label="Why is the due date changing?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PriorityPlacementForm(forms.Form):
    priority = PriorityChoiceField(
        queryset=None,
        label="Priority of the action plan",
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a priority from the list"},
    )

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities


class ActionListForm(forms.Form):
    """The list's filters. Invalid choices are shown and left out; the rest still apply."""

    icb = IcbChoiceField(queryset=None, label="ICB", required=False, empty_label="All")
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All"), *ActionStatus.choices]
    )
    owner = OrganisationChoiceField(
        queryset=None, label="Owner organisation", required=False, empty_label="All"
    )
    theme = ThemeChoiceField(queryset=None, label="Learning theme", required=False)
    priority = PriorityChoiceField(
        queryset=None, label="Priority", required=False, empty_label="All"
    )
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, icbs, owners, themes, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = icbs
        self.fields["owner"].queryset = owners
        # One theme at a time: a select, not the checkboxes of the create form.
        self.fields["theme"] = forms.ModelChoiceField(
            queryset=themes, label="Learning theme", required=False, empty_label="All"
        )
        self.fields["priority"].queryset = priorities
        self.show_icb = len(icbs) > 1

    def filters(self):
        from leder.governance.selectors.actions import ActionFilters

        data = self.cleaned_data if self.is_bound else {}
        ok = {name: value for name, value in data.items() if name not in self.errors}
        return ActionFilters(
            icb_id=ok["icb"].pk if ok.get("icb") else None,
            status=ok.get("status") or "",
            owner_organisation_id=ok["owner"].pk if ok.get("owner") else None,
            theme_id=ok["theme"].pk if ok.get("theme") else None,
            priority_id=ok["priority"].pk if ok.get("priority") else None,
            overdue=bool(ok.get("overdue")),
        )


class PlanForm(forms.Form):
    icb = IcbChoiceField(queryset=None, label="ICB", empty_label=None)
    title = _text("Title", required=False, max_length=200, help_text="For example, ‘2025 to 2028’")
    starts_on = NHSDateField(
        label="Start date", subject="start date", allow_future=True, required=False
    )
    ends_on = NHSDateField(label="End date", subject="end date", allow_future=True, required=False)
    summary = forms.CharField(
        label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, icbs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if icbs is None:
            del self.fields["icb"]
            self.show_icb = False
        else:
            self.fields["icb"].queryset = icbs
            self.show_icb = len(icbs) > 1
            self.only_icb = None if self.show_icb else icbs.first()
            if not self.show_icb:
                del self.fields["icb"]

    def chosen_icb(self):
        return self.cleaned_data.get("icb") if self.show_icb else self.only_icb


class PriorityForm(forms.Form):
    title = _text("Priority", required=False, max_length=200)
    description = forms.CharField(
        label="What it means (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    themes = ThemeChoiceField(
        queryset=None,
        label="Learning themes (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select themes from the list"},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
