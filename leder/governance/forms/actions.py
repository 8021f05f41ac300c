"""Forms for actions and the action plan. They collect answers; the SMART rules and the status
rules are the services' (`smart_problems`, `plan_problems`, `action_update`), whose
`ValidationError`s the views put back on these forms' fields."""

import re

from django import forms

from leder.core.fields import NHSDateField
from leder.governance.models import ActionStatus
from leder.governance.selectors.actions import OWNER_KINDS
from leder.organisations.forms import OrganisationPickerField

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


def _long_text(label: str, *, rows: int, **kwargs) -> forms.CharField:
    """An optional answer of a few lines (the services say when one is needed)."""
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _date(label: str, subject: str, **kwargs) -> NHSDateField:
    return NHSDateField(label=label, subject=subject, allow_future=True, required=False, **kwargs)


def _due_date(label: str, subject: str) -> NHSDateField:
    return _date(label, subject, help_text="For example, 31 3 2027")


def _themes(label: str) -> ThemeChoiceField:
    return ThemeChoiceField(
        queryset=None,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select themes from the list"},
    )


def _priority(label: str) -> PriorityChoiceField:
    return PriorityChoiceField(
        queryset=None,
        label=label,
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a priority from the list"},
    )


class _OneOfTheirIcbs:
    """The ICB is asked only of someone who holds a role in more than one; otherwise it is
    theirs, and the field is taken away."""

    def _offer_icbs(self, icbs) -> None:
        self.fields["icb"].queryset = icbs
        self.show_icb = len(icbs) > 1
        self.only_icb = None if self.show_icb else icbs.first()
        if not self.show_icb:
            del self.fields["icb"]

    def chosen_icb(self):
        return self.cleaned_data.get("icb") if self.show_icb else self.only_icb


def parse_references(text: str) -> list[str]:
    """Case references typed in any mix of commas, spaces and lines, upper-cased, each once."""
    found: list[str] = []
    for match in REFERENCE.findall(text or ""):
        ref = match.upper()
        if ref not in found:
            found.append(ref)
    return found


class ActionForm(_OneOfTheirIcbs, forms.Form):
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
    description = _long_text("More detail (optional)", rows=3)
    owner_organisation = OrganisationPickerField(
        label="Organisation that owns the action",
        required=False,
        kinds=OWNER_KINDS,
        required_message="Choose the organisation that owns the action from the list",
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
    due_on = _due_date("Due date", "due date")
    measure = _long_text("How completion will be measured", rows=3)
    case_references = forms.CharField(
        label="Reviews the action comes from",
        required=False,
        help_text="Case references, separated by commas, for example LDR-2026-000123.",
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )
    themes = _themes("Learning themes")
    priority = _priority("Priority of the action plan (optional)")

    def __init__(self, *args, icbs, owners, themes, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].shown = owners
        self.fields["themes"].queryset = themes
        self.fields["priority"].queryset = priorities
        self._offer_icbs(icbs)

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

    note = _long_text(
        "What has happened since the last update?",
        rows=4,
        help_text="Say who told you, if you are recording it for the owner.",
    )
    started = forms.BooleanField(label="The work has started (mark it in progress)", required=False)


class ActionCompleteForm(forms.Form):
    evidence = _long_text(
        "Evidence that the action is complete",
        rows=4,
        help_text="What shows the measure was met, and where the evidence is kept.",
    )
    note = _long_text("Anything else (optional)", rows=2)


class ActionCancelForm(forms.Form):
    reason = _long_text("Why is the action cancelled?", rows=4)


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
    reason = _long_text("Why is it being reopened?", rows=4)


class DueDateForm(forms.Form):
    due_on = _due_date("New due date", "new due date")
    reason = _long_text("Why is the due date changing?", rows=3)


class PriorityPlacementForm(forms.Form):
    priority = _priority("Priority of the action plan")

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


class PlanForm(_OneOfTheirIcbs, forms.Form):
    icb = IcbChoiceField(queryset=None, label="ICB", empty_label=None)
    title = _text("Title", required=False, max_length=200, help_text="For example, ‘2025 to 2028’")
    starts_on = _date("Start date", "start date")
    ends_on = _date("End date", "end date")
    summary = _long_text("Summary (optional)", rows=4)

    def __init__(self, *args, icbs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if icbs is None:  # an existing plan keeps its ICB
            del self.fields["icb"]
            self.show_icb = False
        else:
            self._offer_icbs(icbs)


class PriorityForm(forms.Form):
    title = _text("Priority", required=False, max_length=200)
    description = _long_text("What it means (optional)", rows=3)
    themes = _themes("Learning themes (optional)")

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
