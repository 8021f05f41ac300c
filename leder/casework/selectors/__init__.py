"""Reads of cases. Every query for case data in a view starts from `cases_visible_to(user)`.
Reads for one part of the work live in a module beside this one (`selectors.allocation`, …)."""

from django.db.models import Q, QuerySet

from leder.accounts.models import Role
from leder.accounts.rules import organisations_where
from leder.casework.models import Case, CaseState


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases whose identifiable content `user` may see:

    - local area contacts and senior reviewers: every case of their ICBs;
    - panel members and chairs: their ICBs' cases at or past the panel;
    - reviewers: the cases allocated to them now;
    - everyone else (ICB leads, regional, national, administrators): none. They see counts.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    whole_icb = organisations_where(user, Role.LAC, Role.SENIOR_REVIEWER)
    panel_icbs = organisations_where(user, Role.PANEL_MEMBER, Role.PANEL_CHAIR)
    reviewing_icbs = organisations_where(user, Role.REVIEWER, Role.SENIOR_REVIEWER)
    return Case.objects.filter(
        Q(notification__icb__in=whole_icb)
        | Q(notification__icb__in=panel_icbs, state__in=[CaseState.PANEL, CaseState.COMPLETED])
        | Q(reviewer__user=user, notification__icb__in=reviewing_icbs)
    )
