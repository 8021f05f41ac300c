"""How the case list reads: one row per case, state and due-status tags, and the links that keep
the filters (pagination, exports)."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from leder.casework.deadlines import DueStatus, due_status
from leder.casework.models import ACTIVE_STATES, Case, CaseState
from leder.casework.selectors.case_list import NOT_KNOWN_ETHNIC_GROUP
from leder.core import presenters

# NHS.UK tag colours for each state: what needs the LAC's action stands out.
STATE_TAG_CLASSES = {
    CaseState.NOTIFIED: "nhsuk-tag--white",
    CaseState.AWAITING_ALLOCATION: "nhsuk-tag--orange",
    CaseState.ALLOCATED: "nhsuk-tag--yellow",
    CaseState.INITIAL_REVIEW: "nhsuk-tag--blue",
    CaseState.QUALITY_ASSURANCE: "nhsuk-tag--purple",
    CaseState.FOCUSED_REVIEW: "nhsuk-tag--blue",
    CaseState.PANEL: "nhsuk-tag--purple",
    CaseState.COMPLETED: "nhsuk-tag--green",
    CaseState.ON_HOLD: "nhsuk-tag--grey",
    CaseState.NOT_ELIGIBLE: "nhsuk-tag--grey",
    CaseState.CHILD_DEATH_REVIEW: "nhsuk-tag--grey",
    CaseState.OPTED_OUT: "nhsuk-tag--grey",
}

DUE_TAG_CLASSES = {
    DueStatus.ON_TRACK: "nhsuk-tag--green",
    DueStatus.DUE_SOON: "nhsuk-tag--yellow",
    DueStatus.OVERDUE: "nhsuk-tag--red",
    DueStatus.LONG_OVERDUE: "nhsuk-tag--red",
    DueStatus.ON_HOLD: "nhsuk-tag--grey",
    DueStatus.NOT_APPLICABLE: "nhsuk-tag--white",
}

NOT_ALLOCATED = "No reviewer"


def case_due_status(case: Case, *, today: date) -> str:
    return due_status(
        due_on=case.due_on,
        today=today,
        active=case.state in ACTIVE_STATES,
        on_hold=case.state == CaseState.ON_HOLD,
    )


class CaseRow:
    """One case as the list and the export show it. Expects the case from
    `selectors.case_list.case_list` (with `age_at_death` and the joins it makes)."""

    def __init__(self, case: Case, *, today: date):
        self.case = case
        self.notification = case.notification
        self.today = today

    @property
    def reference(self) -> str:
        return self.notification.reference

    @property
    def href(self) -> str:
        return reverse("casework:case", kwargs={"reference": self.reference})

    @property
    def person_name(self) -> str:
        n = self.notification
        return presenters.person_name(given=n.given_name, family=n.family_name)

    @property
    def date_of_death(self) -> str:
        return presenters.date_short(self.notification.date_of_death)

    @property
    def age(self) -> int:
        return self.case.age_at_death

    @property
    def ethnic_group(self) -> str:
        """The group (as the filter offers it); "Not known" also when nothing was recorded."""
        category = self.notification.ethnic_category
        if category is None or category.group == NOT_KNOWN_ETHNIC_GROUP:
            return "Not known"
        return category.group

    @property
    def ethnic_category(self) -> str:
        category = self.notification.ethnic_category
        return category.description if category else ""

    @property
    def state_label(self) -> str:
        return CaseState(self.case.state).label

    @property
    def state_tag(self) -> dict:
        return {"text": self.state_label, "classes": STATE_TAG_CLASSES[self.case.state]}

    @property
    def reviewer_name(self) -> str:
        reviewer = self.case.reviewer
        return reviewer.user.full_name if reviewer else NOT_ALLOCATED

    @property
    def due_on(self) -> str:
        return presenters.date_short(self.case.due_on)

    @property
    def due_status(self) -> str:
        return case_due_status(self.case, today=self.today)

    @property
    def due_label(self) -> str:
        return DueStatus.LABELS[self.due_status]

    @property
    def has_deadline(self) -> bool:
        return self.due_status != DueStatus.NOT_APPLICABLE

    @property
    def due_tag(self) -> dict:
        return {"text": self.due_label, "classes": DUE_TAG_CLASSES[self.due_status]}


def query_string(params, *, page: int | None = None, drop: tuple[str, ...] = ()) -> str:
    """`?…` for the list with the same filters (a QueryDict or a list of pairs), on `page`,
    without the parameters named in `drop`."""
    pairs = [(k, v) for k, v in _pairs(params) if k != "page" and k not in drop and v != ""]
    if page and page > 1:
        pairs.append(("page", str(page)))
    return "?" + urlencode(pairs) if pairs else "?"


def _pairs(params):
    if hasattr(params, "lists"):
        return [(k, v) for k, values in params.lists() for v in values]
    return list(params)


def pagination(page, params) -> dict | None:
    """Parameters of the NHS.UK pagination component (numbered), every link keeping the filters;
    None when there is only one page. Shows the first, last, current and neighbouring pages."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    shown = sorted(
        {1, paginator.num_pages, page.number - 1, page.number, page.number + 1}
        & set(range(1, paginator.num_pages + 1))
    )
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": number,
                "href": query_string(params, page=number),
                "current": number == page.number,
            }
        )
        previous = number
    return {
        "previous": {"href": query_string(params, page=page.previous_page_number())}
        if page.has_previous()
        else None,
        "next": {"href": query_string(params, page=page.next_page_number())}
        if page.has_next()
        else None,
        "items": items,
    }


def results_summary(page) -> str:
    """`Showing 26 to 50 of 73 cases`, or `No cases match`."""
    total = page.paginator.count
    if not total:
        return "No cases match"
    if page.paginator.num_pages == 1:
        return f"Showing {presenters.count(total, 'case')}"
    return (
        f"Showing {page.start_index():,} to {page.end_index():,} of "
        f"{presenters.count(total, 'case')}"
    )
