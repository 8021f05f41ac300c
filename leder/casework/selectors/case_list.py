"""Reads for the case list and its export.

Every query starts from `cases_visible_to(user)`, so a filter, a search or an export can only
ever narrow what the user may already see. Filters that depend on today (due status) or on two
dates (age at death) are translated into SQL, never applied in Python, so that counting and
pagination happen in the database over exactly the rows shown.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import F, Min, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.deadlines import DueStatus
from leder.casework.models import ACTIVE_STATES, Case, CaseState, Reviewer
from leder.casework.selectors import cases_visible_to
from leder.casework.selectors.deadlines import due_status_q
from leder.core.time import today as today_in_london
from leder.organisations.models import Organisation
from leder.reference.models import EthnicCategory

# The roles that see every case of their ICB, and so may filter by reviewer.
WHOLE_ICB_ROLES = (Role.LAC, Role.SENIOR_REVIEWER)

# Age at death bands: (key, label, lowest age, highest age or None).
AGE_BANDS = (
    ("under_18", "Under 18", 0, 17),
    ("18_24", "18 to 24", 18, 24),
    ("25_49", "25 to 49", 25, 49),
    ("50_64", "50 to 64", 50, 64),
    ("65_74", "65 to 74", 65, 74),
    ("75_plus", "75 and over", 75, None),
)

DUE_FILTERS = (
    DueStatus.ON_TRACK,
    DueStatus.DUE_SOON,
    DueStatus.OVERDUE,
    DueStatus.LONG_OVERDUE,
    DueStatus.ON_HOLD,
)

# Whoever's ethnic category was not recorded counts as "not stated or known".
NOT_KNOWN_ETHNIC_GROUP = "Not stated/known"

SORTS = {
    # Cases with a running deadline first (soonest due first), then the rest: a completed case
    # due two years ago is not the most urgent thing on the list.
    "due": ("deadline_rank", "due_on", "notified_on", "pk"),
    "notified_newest": ("-notified_on", "-pk"),
    "notified_oldest": ("notified_on", "pk"),
    "reference": ("notification__reference",),
}
DEFAULT_SORT = "due"


@dataclass(frozen=True)
class CaseListFilters:
    """What the user asked the list for. Empty values do not filter."""

    states: tuple[str, ...] = ()
    due_statuses: tuple[str, ...] = ()
    # A reviewer's pk, or "none" for cases nobody holds.
    reviewer: str = ""
    notified_from: date | None = None
    notified_to: date | None = None
    age_band: str = ""
    ethnic_group: str = ""
    icb_id: int | None = None
    search: str = ""
    sort: str = DEFAULT_SORT

    def as_details(self) -> dict:
        """The filters as recorded in the audit log: only those in use."""
        details = {
            "states": list(self.states),
            "due_statuses": list(self.due_statuses),
            "reviewer": self.reviewer,
            "notified_from": self.notified_from.isoformat() if self.notified_from else "",
            "notified_to": self.notified_to.isoformat() if self.notified_to else "",
            "age_band": self.age_band,
            "ethnic_group": self.ethnic_group,
            "icb": self.icb_id,
            "search": self.search,
        }
        return {key: value for key, value in details.items() if value} | {"sort": self.sort}


def can_see_case_list(user) -> bool:
    """True if `user` holds, today, a role for which the case list can show anything."""
    return rules.has_any_role(user, *rules.CASE_CONTENT_ROLES)


def can_export_case_list(user) -> bool:
    """Exports are for local area contacts (issue 3: "CSV and XLSX export of the list for the
    LAC"): other roles may read their rows on screen but not take them away in a file."""
    return rules.has_role(user, Role.LAC)


def can_filter_by_reviewer(user) -> bool:
    """True for users who see every case of an ICB (local area contacts, senior reviewers)."""
    return rules.has_any_role(user, *WHOLE_ICB_ROLES)


def icb_ids_where(user, *roles: str) -> set[int]:
    """The ids of the ICBs where `user` holds any of `roles` today (from the roles already
    loaded for the request: no query)."""
    return {org_id for role, org_id in rules.current_roles(user) if role in roles}


def audit_scope(*, filters: CaseListFilters, icb_ids: set[int]) -> int | str:
    """What the audit log names as the list looked at or exported: the ICB chosen, or the one
    ICB whose cases the user sees, or "mine" (several ICBs, or only the user's own cases)."""
    if filters.icb_id is not None:
        return filters.icb_id
    return next(iter(icb_ids)) if len(icb_ids) == 1 else "mine"


def case_list_icbs(user) -> QuerySet[Organisation]:
    """The ICBs the user may filter the list by: where they hold a list role."""
    return rules.organisations_where(user, *rules.CASE_CONTENT_ROLES).order_by("name")


def case_export_icbs(user) -> QuerySet[Organisation]:
    """The ICBs whose cases the user may export: where they are a local area contact."""
    return rules.organisations_where(user, Role.LAC).order_by("name")


def case_list_reviewers(user) -> QuerySet[Reviewer]:
    """The register entries the user may filter by: the reviewers of the ICBs where they see
    every case (local area contacts and senior reviewers). None for anyone else."""
    return (
        Reviewer.objects.filter(icb__in=rules.organisations_where(user, *WHOLE_ICB_ROLES))
        .select_related("user", "icb")
        .order_by("user__full_name", "icb__name")
    )


def ethnic_groups() -> list[str]:
    """The ethnic groups of the reference data, in the data dictionary's order."""
    return list(
        EthnicCategory.objects.values("group")
        .annotate(first=Min("sort_order"))
        .order_by("first", "group")
        .values_list("group", flat=True)
    )


def with_age_at_death(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `age_at_death`: whole years from date of birth to date of death, exactly as
    `core.time.age_on` counts them (the birthday has not come if its month and day are later
    than the date of death's), computed by the database so it can filter and paginate."""
    born, died = "notification__date_of_birth", "notification__date_of_death"
    return queryset.alias(
        _born_md=ExtractMonth(born) * 100 + ExtractDay(born),
        _died_md=ExtractMonth(died) * 100 + ExtractDay(died),
    ).annotate(
        age_at_death=ExtractYear(died)
        - ExtractYear(born)
        - models.Case(
            When(_born_md__gt=F("_died_md"), then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
    )


def _age_band_q(key: str) -> Q:
    for band, _label, lowest, highest in AGE_BANDS:
        if band == key:
            q = Q(age_at_death__gte=lowest)
            return q & Q(age_at_death__lte=highest) if highest is not None else q
    raise ValueError(f"Unknown age band {key!r}")


def search_q(text: str) -> Q:
    """Cases matching a search box entry: a reference starting with it, an NHS number equal to
    it (spaces ignored; only a whole number matches, so the box cannot be used to guess one
    digit at a time), or names containing every word of it (given, family or other names)."""
    text = " ".join(text.split())
    if not text:
        return Q()
    q = Q(notification__reference__istartswith=text)
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) == 10:
        q |= Q(notification__nhs_number=digits)
    names = Q()
    for word in text.split(" "):
        names &= (
            Q(notification__given_name__icontains=word)
            | Q(notification__family_name__icontains=word)
            | Q(notification__other_names__icontains=word)
        )
    return q | names


def case_list(*, user, filters: CaseListFilters, today: date | None = None) -> QuerySet[Case]:
    """The cases `user` may see that match `filters`, in the chosen order, with everything a
    row shows joined in (a fixed number of queries whatever the number of rows). Never wider
    than `cases_visible_to(user)`."""
    today = today or today_in_london()
    queryset = with_age_at_death(
        cases_visible_to(user).select_related(
            "notification__icb", "notification__ethnic_category", "reviewer__user"
        )
    )
    if filters.states:
        queryset = queryset.filter(state__in=filters.states)
    if filters.due_statuses:
        due = Q()
        for status in filters.due_statuses:
            due |= due_status_q(status, today=today)
        queryset = queryset.filter(due)
    if filters.reviewer == "none":
        queryset = queryset.filter(reviewer__isnull=True)
    elif filters.reviewer:
        queryset = queryset.filter(reviewer_id=int(filters.reviewer))
    if filters.notified_from:
        queryset = queryset.filter(notified_on__gte=filters.notified_from)
    if filters.notified_to:
        queryset = queryset.filter(notified_on__lte=filters.notified_to)
    if filters.age_band:
        queryset = queryset.filter(_age_band_q(filters.age_band))
    if filters.ethnic_group == NOT_KNOWN_ETHNIC_GROUP:
        queryset = queryset.filter(
            Q(notification__ethnic_category__isnull=True)
            | Q(notification__ethnic_category__group=NOT_KNOWN_ETHNIC_GROUP)
        )
    elif filters.ethnic_group:
        queryset = queryset.filter(notification__ethnic_category__group=filters.ethnic_group)
    if filters.icb_id is not None:
        queryset = queryset.filter(notification__icb_id=filters.icb_id)
    if filters.search:
        queryset = queryset.filter(search_q(filters.search))
    queryset = queryset.annotate(
        deadline_rank=models.Case(
            When(state__in=[*ACTIVE_STATES, CaseState.ON_HOLD], then=Value(0)),
            default=Value(1),
            output_field=models.IntegerField(),
        )
    )
    return queryset.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def case_export(*, user, filters: CaseListFilters, today: date | None = None) -> QuerySet[Case]:
    """The rows of an export: the list's rows limited to the ICBs where `user` is a local area
    contact (a user who is also, say, a reviewer elsewhere exports only their LAC ICBs' cases).
    Empty for anyone who is not a local area contact."""
    return case_list(user=user, filters=filters, today=today).filter(
        notification__icb__in=rules.organisations_where(user, Role.LAC)
    )
