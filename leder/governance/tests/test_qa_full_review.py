"""Quality assurance of a complete, realistic initial review (every section of the review, as
`leder.demo.reviews` writes it): the QA page shows each section's content, and approval signs
off and locks the whole review."""

import pytest
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker
from leder.demo.reviews import write_initial_review
from leder.governance.models import QAOutcome, QARound
from leder.governance.services import qa as services
from leder.governance.services.signoff import is_locked, live_signoff, signoff_verify
from leder.organisations.tests.factories import GpPracticeFactory
from leder.reviews import sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb(name="NHS Test ICB", short_name="Test ICB")


@pytest.fixture
def review(icb):
    lac = user_with_role(Role.LAC, icb)
    practice = GpPracticeFactory(icb=icb, name="Orchard Way Surgery")
    case = CaseMaker(icb=icb, lac=lac).make(
        CaseState.INITIAL_REVIEW,
        given_name="Maya",
        family_name="Okafor",
        gp_practice_id=practice.pk,
        ethnic_category_id="A",
    )
    review = write_initial_review(case=case)
    case.refresh_from_db()
    assert case.state == CaseState.QUALITY_ASSURANCE
    return review


def test_the_qa_page_shows_every_section_of_a_complete_review(client, icb, review):
    senior = user_with_role(Role.SENIOR_REVIEWER, icb)
    sign_in_verified(client, senior)
    url = reverse("governance:qa_review", kwargs={"reference": review.case.reference})
    page = client.get(url).content.decode()
    for section in sections.sections_for("initial"):
        assert f'id="section-{section.key}"' in page, section.key
    # Content from the sections that keep rows of their own, and from the structured pages.
    for text in (
        "Susan Okafor (Family member",  # contacts
        "Annual learning disability health check",  # timeline
        "Aspiration pneumonia",  # cause of death
        "The learning disability liaison nurse met Maya",  # learning
        "Reasonable adjustments",  # a theme
        "Eight months before they died.",  # a structured question's detail
    ):
        assert text in page, text


def test_approving_a_complete_review_locks_exactly_what_was_submitted(icb, review):
    senior = user_with_role(Role.SENIOR_REVIEWER, icb)
    round_ = QARound.objects.get(review=review)
    answers = {item.key: {"met": "yes", "note": ""} for item in round_.checklist.items.all()}
    services.qa_checklist_save(actor=senior, round=round_, answers=answers)
    services.qa_approve(actor=senior, review=review)
    round_.refresh_from_db()
    assert round_.outcome == QAOutcome.APPROVED
    assert is_locked(review)
    signoff = live_signoff(review)
    assert signoff.version_number == round_.submitted_version
    assert signoff_verify(signoff) == []
