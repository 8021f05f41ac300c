"""Reads of cases. Every query for case data in a view starts from `cases_visible_to(user)`.
Reads for one part of the work live in a module beside this one (`selectors.allocation`, …)."""

from django.db.models import Q, QuerySet

from leder.accounts.models import Role
from leder.accounts.rules import current_roles
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
    # The ICBs are resolved from the roles already loaded for the request (no query), and only
    # the clauses the user has are OR-ed, each on literal ids: three "ICB in (subquery)"
    # clauses made PostgreSQL scan every case in England for a user of one ICB (issue 17).
    roles = current_roles(user)

    def icbs(*wanted: str) -> set[int]:
        return {organisation for role, organisation in roles if role in wanted}

    whole_icb = icbs(Role.LAC, Role.SENIOR_REVIEWER)
    panel_icbs = icbs(Role.PANEL_MEMBER, Role.PANEL_CHAIR) - whole_icb
    reviewing_icbs = icbs(Role.REVIEWER, Role.SENIOR_REVIEWER) - whole_icb
    visible = Q()
    if whole_icb:
        visible |= Q(notification__icb_id__in=sorted(whole_icb))
    if panel_icbs:
        visible |= Q(
            notification__icb_id__in=sorted(panel_icbs),
            state__in=[CaseState.PANEL, CaseState.COMPLETED],
        )
    if reviewing_icbs:
        visible |= Q(reviewer__user=user, notification__icb_id__in=sorted(reviewing_icbs))
    if not visible:
        return Case.objects.none()
    return Case.objects.filter(visible)
