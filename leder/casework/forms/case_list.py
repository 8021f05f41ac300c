"""The case list's filters: a GET form, so that a filtered view is a URL that can be bookmarked.

An invalid value is shown in the error summary and does not filter; the other filters still
apply (`CaseListForm.filters()` takes only the values that passed).
"""

from django import forms

from leder.casework.deadlines import DueStatus
from leder.casework.models import CaseState
from leder.casework.selectors.case_list import (
    AGE_BANDS,
    DEFAULT_SORT,
    DUE_FILTERS,
    NOT_KNOWN_ETHNIC_GROUP,
    CaseListFilters,
)
from leder.core.fields import NHSDateField

SORT_CHOICES = [
    ("due", "Due date, soonest first"),
    ("notified_newest", "Date notified, newest first"),
    ("notified_oldest", "Date notified, oldest first"),
    ("reference", "Reference"),
]

DUE_HINTS = {
    DueStatus.DUE_SOON: "Due within the next few weeks",
    DueStatus.LONG_OVERDUE: "Overdue long enough to be escalated to the region",
}

# Every field's parameter name in the URL, so that the view can tell filters from other
# parameters (the page number) when it builds links.
FILTER_PARAMETERS = (
    "q",
    "state",
    "due",
    "reviewer",
    "notified_from_day",
    "notified_from_month",
    "notified_from_year",
    "notified_to_day",
    "notified_to_month",
    "notified_to_year",
    "age",
    "ethnic_group",
    "icb",
    "sort",
)


class CaseListForm(forms.Form):
    q = forms.CharField(
        label="Search by reference, NHS number or name",
        required=False,
        max_length=100,
        help_text="For example, LDR-2026-000123, 943 476 5919 or a name",
        error_messages={"max_length": "Search must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    state = forms.MultipleChoiceField(
        label="State",
        required=False,
        choices=CaseState.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select states from the list"},
    )
    due = forms.MultipleChoiceField(
        label="Due status",
        required=False,
        choices=[(status, DueStatus.LABELS[status]) for status in DUE_FILTERS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select due statuses from the list"},
    )
    reviewer = forms.ChoiceField(
        label="Reviewer",
        required=False,
        error_messages={"invalid_choice": "Select a reviewer from the list"},
    )
    notified_from = NHSDateField(
        label="Notified on or after",
        subject="start date",
        allow_future=True,
        required=False,
        help_text="For example, 1 4 2026",
    )
    notified_to = NHSDateField(
        label="Notified on or before",
        subject="end date",
        allow_future=True,
        required=False,
        help_text="For example, 30 9 2026",
    )
    age = forms.ChoiceField(
        label="Age at death",
        required=False,
        choices=[("", "Any age"), *[(key, label) for key, label, _low, _high in AGE_BANDS]],
        error_messages={"invalid_choice": "Select an age band from the list"},
    )
    ethnic_group = forms.ChoiceField(
        label="Ethnic group",
        required=False,
        error_messages={"invalid_choice": "Select an ethnic group from the list"},
    )
    icb = forms.ChoiceField(
        label="ICB",
        required=False,
        error_messages={"invalid_choice": "Select an ICB from the list"},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": "Select an order from the list"},
    )

    def __init__(
        self,
        data=None,
        *,
        icbs,
        reviewers,
        ethnic_groups: list[str],
        reviewer_filter: bool,
        **kwargs,
    ):
        """`icbs` and `reviewers` are what the user may filter by (from the selectors); a value
        outside them is an invalid choice, so another ICB's id or reviewer finds nothing and
        says nothing about whether it exists. `reviewer_filter` is False for users who see
        only some cases (reviewers, panel members): a reviewer filter means nothing to them,
        and a reviewer in their URL is ignored."""
        super().__init__(data, **kwargs)
        self.fields["due"].choice_hints = DUE_HINTS
        several_icbs = len({r.icb_id for r in reviewers}) > 1
        self.fields["reviewer"].choices = [
            ("", "Any reviewer"),
            ("none", "No reviewer"),
            *[
                (
                    str(r.pk),
                    f"{r.user.full_name} ({r.icb.display_name})"
                    if several_icbs
                    else r.user.full_name,
                )
                for r in reviewers
            ],
        ]
        self.fields["ethnic_group"].choices = [
            ("", "Any ethnic group"),
            *[
                (
                    group,
                    "Not stated, not known or not recorded"
                    if group == NOT_KNOWN_ETHNIC_GROUP
                    else group,
                )
                for group in ethnic_groups
            ],
        ]
        self.fields["icb"].choices = [("", "All my ICBs")] + [
            (str(icb.pk), icb.display_name) for icb in icbs
        ]
        self.show_reviewer = reviewer_filter
        self.show_icb = len(icbs) > 1
        if not reviewer_filter:
            del self.fields["reviewer"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("notified_from"), cleaned.get("notified_to")
        if start and end and end < start:
            self.add_error("notified_to", "End date must be the same as or after the start date")
        return cleaned

    def filters(self) -> CaseListFilters:
        """The filters that passed validation (call after `is_valid()`); invalid ones are left
        out, so they do not filter."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        icb = data.get("icb") or ""
        return CaseListFilters(
            states=tuple(data.get("state") or ()),
            due_statuses=tuple(data.get("due") or ()),
            reviewer=data.get("reviewer") or "",
            notified_from=data.get("notified_from"),
            notified_to=data.get("notified_to"),
            age_band=data.get("age") or "",
            ethnic_group=data.get("ethnic_group") or "",
            icb_id=int(icb) if icb else None,
            search=(data.get("q") or "").strip(),
            sort=data.get("sort") or DEFAULT_SORT,
        )

    @property
    def has_filters(self) -> bool:
        """True if any filter other than the order is in use (the filter section opens)."""
        f = self.filters()
        return any(
            [
                f.states,
                f.due_statuses,
                f.reviewer,
                f.notified_from,
                f.notified_to,
                f.age_band,
                f.ethnic_group,
                f.icb_id,
                f.sort != DEFAULT_SORT,
            ]
        ) or bool(self.errors)
