"""Reads for allocating a case: who could review it, how busy they are, and what conflicts of
interest stand in the way.

A conflict blocks allocation outright (DOMAIN.md "Data protection": looking up people you know
is forbidden). So does a reviewer with no free capacity: the LAC raises a reviewer's capacity on
the register if they agree to take more, rather than overriding it here (ADR 0008).
"""

from dataclasses import dataclass, field

from leder.casework.models import Allocation, AllocationStatus, Case, RecruitmentStatus, Reviewer
from leder.casework.selectors.register import conflicts_for, reviewer_workload
from leder.core.presenters import count


@dataclass
class Suggestion:
    """One reviewer as the LAC sees them when allocating a case."""

    reviewer: Reviewer
    open_cases: int
    conflicts: list[str] = field(default_factory=list)
    is_current: bool = False
    declined: list[Allocation] = field(default_factory=list)

    @property
    def capacity(self) -> int:
        return self.reviewer.capacity

    @property
    def free(self) -> int:
        return self.reviewer.capacity - self.open_cases

    @property
    def has_capacity(self) -> bool:
        return self.free > 0

    @property
    def can_allocate(self) -> bool:
        return not self.conflicts and self.has_capacity and not self.is_current

    @property
    def blocks(self) -> list[str]:
        """Why this reviewer cannot be chosen, conflicts first."""
        reasons = list(self.conflicts)
        if self.is_current:
            reasons.append("The case is allocated to them now.")
        if not self.has_capacity:
            reasons.append(
                f"No free capacity: {count(self.open_cases, 'open review')} of a maximum of "
                f"{self.capacity}."
            )
        return reasons


def allocation_suggestions(*, case: Case) -> list[Suggestion]:
    """The reviewers the LAC may consider for `case`: the active, trained reviewers on the
    register of the case's ICB, most free capacity first (then fewest open reviews, then name).

    Conflicted and full reviewers are included, with `blocks` saying why they cannot be chosen,
    so the LAC sees why someone is missing. Workload and conflicts come from the register's
    `reviewer_workload` and `conflicts_for`, so this page and the register agree. A fixed number
    of queries, whatever the number of reviewers, if `case` was loaded with its notification
    (and GP practice), involved organisations and allocations (`selectors.case.case_for_lac`).
    `case` must have come from a scoped selector."""
    reviewers = reviewer_workload(icb=case.notification.icb_id).filter(
        is_active=True, recruitment_status=RecruitmentStatus.TRAINED
    )
    declined: dict[int, list[Allocation]] = {}
    for allocation in case.allocations.all():
        if allocation.status == AllocationStatus.DECLINED:
            declined.setdefault(allocation.reviewer_id, []).append(allocation)
    suggestions = [
        Suggestion(
            reviewer=reviewer,
            open_cases=reviewer.open_cases,
            conflicts=conflicts_for(reviewer=reviewer, case=case),
            is_current=reviewer.pk == case.reviewer_id,
            declined=declined.get(reviewer.pk, []),
        )
        for reviewer in reviewers
    ]
    suggestions.sort(key=lambda s: (-s.free, s.open_cases, s.reviewer.user.full_name.casefold()))
    return suggestions


def suggestion_for(*, case: Case, reviewer_id: int) -> Suggestion | None:
    """The suggestion for one reviewer (None if they are not an active, trained reviewer of the
    case's ICB): what the confirm page shows, computed as on the list."""
    suggestions = allocation_suggestions(case=case)
    return next((s for s in suggestions if s.reviewer.pk == reviewer_id), None)


def reviewer_open_cases(*, reviewer: Reviewer) -> int:
    """How many open reviews `reviewer` holds now, counted as the register counts them."""
    return reviewer_workload(icb=reviewer.icb_id).get(pk=reviewer.pk).open_cases
