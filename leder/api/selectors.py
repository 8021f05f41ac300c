"""Reads for the API.

Reference data (regions, ICBs, ethnic categories, the grading scale, the avoidable mortality
list) holds nothing about any person, so it is the same for every client with the
`reference:read` scope. A notification's status is read only through
`api_notification_status_for`, scoped to the notifications the client's organisation submitted
through the API; another organisation's reference is the same 404 as an unknown one. It returns
references and status words, never the person's details.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from leder.api.models import ApiClient, ApiSubmission
from leder.casework.models import CaseState
from leder.notifications.models import EligibilityOutcome, NotificationState
from leder.organisations.models import Organisation, OrganisationKind, Succession
from leder.reference import avoidable
from leder.reference.models import EthnicCategory
from leder.reviews.models import GradingLevel, GradingScale

# --- notifications -------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationStatus:
    reference: str
    received_at: datetime
    eligibility_outcome: str
    eligibility_description: str
    status: str
    status_description: str


# A merged notification says only that it was received (issue 12): that someone else notified
# the same death first, and how far that review has got, is not the submitter's to know.
RECEIVED_STATUS = "received"
RECEIVED_DESCRIPTION = "Received"


def submissions_of(client: ApiClient) -> QuerySet[ApiSubmission]:
    """The API submissions of the client's organisation (by any of its clients)."""
    return ApiSubmission.objects.filter(client__organisation_id=client.organisation_id)


def api_submission_for(*, client: ApiClient, reference: str) -> ApiSubmission:
    """The submission of `reference` by the client's organisation; 404 otherwise, whether the
    reference is unknown or another organisation's."""
    submission = (
        submissions_of(client)
        .select_related("notification")
        .filter(notification__reference=reference)
        .first()
    )
    if submission is None:
        raise Http404("No notification with that reference was submitted by this organisation")
    return submission


def notification_status(submission: ApiSubmission) -> NotificationStatus:
    """What happened to the notification, in words a trust's system can show its users. A
    merged notification says only that it was received: never that another notification of the
    same death came first, nor the state of that one's case."""
    notification = submission.notification
    if notification.state == NotificationState.MERGED:
        status, description = RECEIVED_STATUS, RECEIVED_DESCRIPTION
    else:
        try:
            case = notification.case
        except ObjectDoesNotExist:
            case = None
        if case is not None:
            status, description = case.state, CaseState(case.state).label
        else:
            status, description = CaseState.NOTIFIED.value, CaseState.NOTIFIED.label
    outcome = notification.eligibility_outcome
    return NotificationStatus(
        reference=notification.reference,
        received_at=notification.received_at,
        eligibility_outcome=outcome,
        eligibility_description=_outcome_label(outcome),
        status=status,
        status_description=description,
    )


def _outcome_label(outcome: str) -> str:
    try:
        return EligibilityOutcome(outcome).label
    except ValueError:
        return outcome


# --- reference data ------------------------------------------------------------------------


def regions() -> QuerySet[Organisation]:
    """The NHS England regions, open or closed, by name."""
    return Organisation.objects.regions().order_by("name")


def icbs() -> QuerySet[Organisation]:
    """Every ICB, open or closed, with its region, predecessors and successors loaded."""
    return (
        Organisation.objects.icbs()
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "successions_out",
                queryset=Succession.objects.select_related("successor").order_by(
                    "effective_on", "successor__ods_code"
                ),
            ),
            Prefetch(
                "successions_in",
                queryset=Succession.objects.select_related("predecessor").order_by(
                    "effective_on", "predecessor__ods_code"
                ),
            ),
        )
        .order_by("name")
    )


def ccg_codes_by_icb() -> dict[int, list[str]]:
    """The ODS codes of the CCGs each ICB took over (for matching historic records)."""
    codes: dict[int, list[str]] = {}
    rows = (
        Organisation.objects.filter(kind=OrganisationKind.CCG, icb__isnull=False)
        .order_by("ods_code")
        .values_list("icb_id", "ods_code")
    )
    for icb_id, code in rows:
        codes.setdefault(icb_id, []).append(code)
    return codes


def ethnic_categories() -> QuerySet[EthnicCategory]:
    return EthnicCategory.objects.order_by("sort_order", "code")


def grading_scales() -> QuerySet[GradingScale]:
    """Every version of the grading of care, oldest first, with its levels."""
    return GradingScale.objects.prefetch_related(
        Prefetch("levels", queryset=GradingLevel.objects.order_by("level"))
    ).order_by("effective_from")


def grading_scale_current(*, on: date) -> GradingScale | None:
    return GradingScale.objects.in_force_on(on)


def avoidable_causes() -> list[avoidable.ListRow]:
    """The current avoidable mortality list, row by row."""
    return avoidable.avoidable_list()
