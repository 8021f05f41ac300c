"""Reads for the reviewer's corrections: the case, as the user may see it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from leder.casework.models import Case
from leder.casework.selectors import cases_visible_to
from leder.casework.selectors.case import can_see_cases


def case_to_correct(*, user, reference: str) -> Case:
    """The case `reference` if `user` may see it: 403 for a role that never sees cases, 404 for
    a case they may not see (whether it exists or not). Whether they may correct it is the
    service's rule (`corrections.correcting_reviewer_case`)."""
    if not can_see_cases(user):
        raise PermissionDenied("Your role does not show case details.")
    try:
        return (
            cases_visible_to(user)
            .select_related(
                "notification__icb",
                "notification__gp_practice",
                "notification__ethnic_category",
                "reviewer__user",
            )
            .get(notification__reference=reference)
        )
    except Case.DoesNotExist:
        raise Http404("No case with that reference") from None
