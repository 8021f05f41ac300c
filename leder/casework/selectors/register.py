"""Reads of the reviewer register: who is on an ICB's register, how much work they hold, and
whether they have a conflict of interest with a case.

The register belongs to an ICB. Local area contacts manage it; senior reviewers may read it
(they support the reviewers). Nobody else sees it. Every query here starts from the ICBs where
the user holds one of those roles (`organisations_where`), except `reviewer_workload` and
`conflicts_for`, which the allocation pages call for an ICB or a case they have already scoped.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, IntegerField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.http import Http404
from nhs_number import standardise_format
from rapidfuzz import fuzz

from leder.accounts.models import Membership, Role, User
from leder.accounts.rules import organisations_where
from leder.casework.models import (
    ACTIVE_STATES,
    CaseState,
    ConflictKind,
    Reviewer,
    ReviewerConflict,
    ReviewerTraining,
)
from leder.notifications.duplicates import NAME_THRESHOLD, dates_match

# Who may read an ICB's register, and who may change it.
REGISTER_READERS = (Role.LAC, Role.SENIOR_REVIEWER)
REGISTER_MANAGERS = (Role.LAC,)

SHOW_CHOICES = [
    ("active", "Active reviewers"),
    ("inactive", "Inactive reviewers"),
    ("all", "All reviewers"),
]


# A case counts against its reviewer's capacity from the offer until it is completed: quality
# assurance and the panel can return it for amendment, and a case on hold will resume, so the
# reviewer still holds it in all of these (the allocation pages count the same way).
OPEN_REVIEW_STATES = (
    *(state for state in ACTIVE_STATES if state != CaseState.AWAITING_ALLOCATION),
    CaseState.ON_HOLD,
)


def _with_workload(queryset: QuerySet[Reviewer]) -> QuerySet[Reviewer]:
    """Annotate `open_cases` (cases the reviewer holds now in `OPEN_REVIEW_STATES`) and
    `free_capacity` (capacity less open cases, never below 0), in the same query."""
    return queryset.annotate(
        open_cases=Count("cases", filter=Q(cases__state__in=OPEN_REVIEW_STATES), distinct=True),
    ).annotate(
        free_capacity=Greatest(
            F("capacity") - F("open_cases"), Value(0), output_field=IntegerField()
        ),
    )


def register_icbs(user) -> QuerySet:
    """The ICBs whose register `user` may read (local area contact or senior reviewer there)."""
    return organisations_where(user, *REGISTER_READERS)


def register_for(*, user, show: str = "active", icb_id: int | None = None) -> QuerySet[Reviewer]:
    """The register entries `user` may read, with `open_cases` and `free_capacity` annotated,
    by name. A fixed number of queries however many reviewers there are. `show` is "active",
    "inactive" or "all"; `icb_id` narrows to one of the user's ICBs (another ICB gives none)."""
    queryset = Reviewer.objects.filter(icb__in=register_icbs(user)).select_related(
        "user", "icb", "employer"
    )
    if icb_id is not None:
        queryset = queryset.filter(icb_id=icb_id)
    if show == "active":
        queryset = queryset.filter(is_active=True)
    elif show == "inactive":
        queryset = queryset.filter(is_active=False)
    return _with_workload(queryset).order_by("user__full_name", "pk")


def reviewer_for(*, user, pk: int) -> Reviewer:
    """One register entry `user` may read, with its workload, training and conflicts; 404
    otherwise (the same 404 for another ICB's reviewer as for none, so nothing leaks)."""
    queryset = _with_workload(
        Reviewer.objects.filter(icb__in=register_icbs(user)).select_related(
            "user", "icb", "employer"
        )
    ).prefetch_related(
        Prefetch("training", queryset=ReviewerTraining.objects.order_by("-completed_on", "-pk")),
        Prefetch(
            "conflicts",
            queryset=ReviewerConflict.objects.select_related("organisation").order_by(
                "declared_at", "pk"
            ),
        ),
    )
    try:
        return queryset.get(pk=pk)
    except Reviewer.DoesNotExist:
        raise Http404("No reviewer with that number on your register") from None


def reviewer_workload(*, icb) -> QuerySet[Reviewer]:
    """Every reviewer on `icb`'s register with `open_cases` and `free_capacity` annotated,
    most free capacity first (then by name): what allocation ranks its suggestions from.

    Active and inactive, trained and in training, are all returned so that a page can say why
    someone is not offered; filter with `.filter(is_active=True, recruitment_status="trained")`
    for those who can be allocated. Declared conflicts are prefetched, so calling
    `conflicts_for(reviewer=r, case=c)` for each row costs no further query (prefetch
    `involved_organisations` on the case too). Two queries in all, whatever the number of
    reviewers. The caller must already have checked that the user may allocate at `icb`."""
    return (
        _with_workload(Reviewer.objects.filter(icb=icb))
        .select_related("user", "icb", "employer")
        .prefetch_related(
            Prefetch("conflicts", queryset=ReviewerConflict.objects.select_related("organisation"))
        )
        .order_by("-free_capacity", "user__full_name", "pk")
    )


def users_who_can_join(*, icb) -> list:
    """People who hold the reviewer or senior reviewer role at `icb` today and are not yet on
    its register: the only people a local area contact can add. By name."""
    holders = Membership.objects.current().filter(
        organisation=icb, role__in=(Role.REVIEWER, Role.SENIOR_REVIEWER)
    )
    return list(
        User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
        .exclude(reviewer_entries__icb=icb)
        .order_by("full_name", "email")
    )


# -- Conflicts of interest ------------------------------------------------------------------

# Apostrophes are removed rather than treated as a space: "O'Brien" and "OBrien" are one name.
_APOSTROPHES = re.compile(r"['’‘`ʼ]")
# "Other names they were known by" is free text: "Jo; Joey", "Jo, or Joey", "Jo / Joey".
_OTHER_NAME_SEPARATORS = re.compile(r"[,;/]|\bor\b|\band\b", re.IGNORECASE)


def normalise_name(value: str) -> str:
    """A person's name reduced for comparison: case folded, accents removed ("Zoë" = "Zoe"),
    apostrophes dropped ("O’Brien" = "OBrien"), hyphens and other punctuation read as spaces
    ("Mary-Jane" = "Mary Jane"), runs of white space collapsed and trimmed."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _APOSTROPHES.sub("", folded)
    kept = "".join(
        c if c.isalnum() or unicodedata.category(c).startswith("M") else " " for c in folded
    )
    return " ".join(kept.split())


def names_match(declared: str, candidate: str) -> bool:
    """Whether two names (already normalised) are taken to be the same person's name: equal; or
    both of two words or more with the same first and last word (a middle name given on one side
    only); or at least `NAME_THRESHOLD` similar, forgiving a typo and the order of the words, as
    duplicate notifications are matched (`leder.notifications.duplicates`)."""
    if not declared or not candidate:
        return False
    if declared == candidate:
        return True
    a, b = declared.split(), candidate.split()
    if len(a) >= 2 and len(b) >= 2 and a[0] == b[0] and a[-1] == b[-1]:
        return True
    score = max(fuzz.ratio(declared, candidate), fuzz.token_sort_ratio(declared, candidate))
    return score >= NAME_THRESHOLD


def person_names(*, given: str, family: str, other: str = "") -> set[str]:
    """The normalised names a person may be declared by: their given and family name, each of
    the other names they were known by, and a one-word other name with the family name
    ("Jo" → "Jo Walsh")."""
    family_n = normalise_name(family)
    names = {normalise_name(f"{given} {family}")}
    for part in _OTHER_NAME_SEPARATORS.split(other or ""):
        other_n = normalise_name(part)
        if not other_n:
            continue
        names.add(other_n)
        if len(other_n.split()) == 1 and family_n:
            names.add(f"{other_n} {family_n}")
    names.discard("")
    return names


def _nhs_digits(value: str | None) -> str:
    return standardise_format(value or "") if value else ""


@dataclass(frozen=True)
class PersonDeclared:
    """What a reviewer declared about a person they knew."""

    name: str
    date_of_birth: date | None
    nhs_number: str


def person_match(*, declared: PersonDeclared, notification) -> str | None:
    """Why the person who died is taken to be the person the reviewer declared they knew, or
    None. The same tests as for duplicate notifications, leaning towards a match, because a
    missed conflict breaks the rule that nobody reviews the death of someone they knew, while a
    false match only means choosing another reviewer (the reason is shown):

    - both NHS numbers known: the same number is a match, whatever the names say; two
      different (valid) numbers are two different people;
    - otherwise the declared name must match the person's name or one of the other names they
      were known by (`names_match`), and
      - if a date of birth was declared, it must match the person's, allowing a mistyped date
        as duplicates do (`dates_match`: day and month swapped, one keystroke);
      - if none was declared, the name alone is a match.
    """
    declared_nhs = _nhs_digits(declared.nhs_number)
    person_nhs = _nhs_digits(notification.nhs_number)
    if declared_nhs and person_nhs:
        if declared_nhs == person_nhs:
            return "The reviewer declared that they knew the person (the same NHS number)."
        return None
    name = normalise_name(declared.name)
    candidates = person_names(
        given=notification.given_name,
        family=notification.family_name,
        other=notification.other_names,
    )
    if not any(names_match(name, candidate) for candidate in candidates):
        return None
    if declared.date_of_birth is None:
        return (
            "The reviewer declared that they knew someone of the same name "
            "(they gave no date of birth)."
        )
    if dates_match(declared.date_of_birth, notification.date_of_birth):
        return "The reviewer declared that they knew the person (the same name and date of birth)."
    return None


def conflicts_for(*, reviewer: Reviewer, case) -> list[str]:
    """Why `reviewer` must not review `case`, as sentences to show the local area contact; an
    empty list if there is no conflict. Allocation is blocked when the list is not empty.

    A conflict is:
    1. the reviewer's employer is one of the organisations involved in the person's care (the
       case's `involved_organisations`, and the notification's GP practice); an employer typed
       as free text counts when it is, once normalised, the name of an involved organisation;
    2. the reviewer declared a conflict with an involved organisation;
    3. the reviewer declared that they knew the person (see `person_match`).

    Reads `reviewer.conflicts`, `reviewer.employer`, `case.notification` and
    `case.involved_organisations` through Django's caches, so prefetching them (as
    `reviewer_workload` does for conflicts) makes a list of suggestions cost no query per row.
    """
    notification = case.notification
    involved = {o.pk: o for o in case.involved_organisations.all()}
    if notification.gp_practice_id and notification.gp_practice_id not in involved:
        involved[notification.gp_practice_id] = notification.gp_practice
    reasons: list[str] = []

    if reviewer.employer_id and reviewer.employer_id in involved:
        reasons.append(
            f"The reviewer's employer, {involved[reviewer.employer_id].name}, is involved in "
            "the person's care."
        )
    elif reviewer.employer_name.strip():
        typed = normalise_name(reviewer.employer_name)
        for organisation in involved.values():
            names = {normalise_name(organisation.name), normalise_name(organisation.short_name)}
            if typed in names:
                reasons.append(
                    f"The reviewer's employer, {organisation.name}, is involved in the "
                    "person's care."
                )
                break

    for conflict in reviewer.conflicts.all():
        if conflict.kind == ConflictKind.ORGANISATION:
            if conflict.organisation_id in involved:
                name = involved[conflict.organisation_id].name
                reasons.append(
                    f"The reviewer declared a conflict with {name}, which is involved in the "
                    "person's care."
                )
        elif conflict.kind == ConflictKind.PERSON:
            reason = person_match(
                declared=PersonDeclared(
                    name=conflict.person_name,
                    date_of_birth=conflict.person_date_of_birth,
                    nhs_number=conflict.person_nhs_number,
                ),
                notification=notification,
            )
            if reason:
                reasons.append(reason)
    # Two declarations can give the same sentence; say it once.
    return list(dict.fromkeys(reasons))
