"""Recipients, agreements, completed and signed-off reviews, and exports for the dataset tests.
Everything is made through the services (the review ones through `leder.demo.reviews`, the
lock through the governance lock service, as QA approval and the panel call it)."""

from datetime import date, timedelta

from django.db import transaction

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import Case, CaseState
from leder.casework.services.lifecycle import case_transition
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.time import today
from leder.demo.reviews import ReviewContent, write_focused_review, write_initial_review
from leder.exports import services, tasks
from leder.governance.models import SignOffRoute
from leder.governance.services.signoff import review_lock

DIED_ON = date(2025, 6, 14)
WRITTEN_ON = date(2025, 9, 1)


def administrator():
    return user_with_role(Role.ADMINISTRATOR)


def analyst():
    return user_with_role(Role.NATIONAL_ANALYST)


def recipient(*, name="University of Bristol analysis team", api_client=None, admin=None):
    return services.recipient_create(
        actor=admin or administrator(),
        name=name,
        organisation=name.split(" analysis")[0],
        contact_name="Analysis lead",
        contact_email="analysis@example.invalid",
        api_client=api_client,
    )


_references = iter(range(1, 10_000))


def agreement(recipient, *, starts_on=None, expires_on=None, admin=None, reference=None):
    return services.agreement_create(
        actor=admin or administrator(),
        recipient=recipient,
        reference=reference or f"DSA-{next(_references):04d}",
        purpose="Annual analysis of deaths of people with a learning disability.",
        legal_basis="Section 251 of the NHS Act 2006",
        starts_on=starts_on or today() - timedelta(days=30),
        expires_on=expires_on or today() + timedelta(days=365),
    )


def area():
    """A region with one ICB, its LAC and a CaseMaker."""
    region = make_region(name="Test North Region")
    icb = make_icb(name="NHS Test Valley ICB", short_name="Test Valley ICB", region=region)
    return CaseMaker(icb=icb, lac=user_with_role(Role.LAC, icb))


def _lock(review, route: str, transition: str, icb) -> None:
    role = Role.SENIOR_REVIEWER if route == SignOffRoute.QA_APPROVAL else Role.PANEL_CHAIR
    signer = user_with_role(role, icb, full_name="Quentin Ashdown-Lyle")
    with transaction.atomic():
        review_lock(actor=signer, review=review, route=route)
        case_transition(
            actor=signer,
            case=review.case,
            transition=transition,
            service=(
                "governance.services.qa.qa_approve"
                if route == SignOffRoute.QA_APPROVAL
                else "governance.services.panels.panel_decision_record"
            ),
        )


def completed_case(
    cases: CaseMaker,
    *,
    content: ReviewContent | None = None,
    focused_content: ReviewContent | None = None,
    reviewer_name: str = "Robin Ferris",
    **person,
) -> Case:
    """A case whose review is written in full and signed off. With White British ethnicity (the
    default here) and no focused reasons, the initial review is approved in QA; otherwise the
    focused review is written and signed off by the panel."""
    person.setdefault("date_of_death", DIED_ON)
    person.setdefault("ethnic_category_id", "A")
    content = content or ReviewContent(written_on=WRITTEN_ON)
    user = user_with_role(Role.REVIEWER, cases.icb, full_name=reviewer_name)
    case = cases.make(
        CaseState.INITIAL_REVIEW, reviewer=make_reviewer(cases.icb, user=user), **person
    )
    review = write_initial_review(case=case, content=content)
    case.refresh_from_db()
    if case.state == CaseState.QUALITY_ASSURANCE:
        _lock(review, SignOffRoute.QA_APPROVAL, "qa_approve", cases.icb)
    else:
        focused = write_focused_review(case=case, content=focused_content or content)
        case.refresh_from_db()
        _lock(focused, SignOffRoute.PANEL, "panel_sign_off", cases.icb)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    return case


def export(capture, *, actor, recipient, agreement, year=2025, financial=False, formats=None):
    """Request an export and run its task (ImmediateBackend) when the request commits.
    `capture` is pytest-django's `django_capture_on_commit_callbacks`."""
    kwargs = {} if formats is None else {"formats": formats}
    with capture(execute=True):
        made = tasks.dataset_export_request(
            actor=actor,
            recipient=recipient,
            agreement=agreement,
            cohort_year=year,
            financial=financial,
            **kwargs,
        )
    made.refresh_from_db()
    return made


def spec_fields_filled_by_review():
    """The specification's fields that only a completed, signed-off review fills."""
    from leder.exports import spec

    return [f for f in spec.FIELDS if not f.always_present]
