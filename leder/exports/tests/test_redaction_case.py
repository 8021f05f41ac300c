"""`identifiers_for_case` reads every identifier the case's record holds, from the notification,
its notifiers, the review's contacts and timeline, and the staff who worked on the case."""

from datetime import date

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.exports.redaction import identifiers_for_case, redact
from leder.notifications.models import Relationship
from leder.notifications.services import NotifierInput
from leder.reviews.models import ContactKind, ContactMethod, ContactOutcome, TimelineEventKind
from leder.reviews.services.contacts import contact_add, contact_attempt_add
from leder.reviews.services.records import review_start
from leder.reviews.services.timeline import timeline_event_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    area = make_icb()
    lac = user_with_role(Role.LAC, area, full_name="Hannah Featherstone")
    reviewer_user = user_with_role(Role.REVIEWER, area, full_name="Priya Shah")
    reviewer = make_reviewer(area, user=reviewer_user)
    case = CaseMaker(icb=area, lac=lac).make(
        CaseState.INITIAL_REVIEW,
        reviewer=reviewer,
        given_name="Maya",
        family_name="Okafor",
        other_names="Mimi",
        date_of_birth=date(1961, 3, 3),
        date_of_death=date(2026, 9, 30),
        nhs_number="9991234578",
        address="12 Acacia Avenue\nLeeds",
        postcode="LS6 2AB",
        gp_practice_text="Oakwood Surgery",
        source=NotifierInput(
            relationship=Relationship.FAMILY,
            name="Rose Okafor",
            email="rose.okafor@example.com",
            phone="07700 900123",
        ),
    )
    review = review_start(actor=reviewer_user, case=case)
    contact = contact_add(
        actor=reviewer_user, review=review, name="Tomasz Nowak", kind=ContactKind.PAID_CARER
    )
    contact_attempt_add(
        actor=reviewer_user,
        contact=contact,
        made_on=date(2026, 10, 14),
        method=ContactMethod.PHONE,
        outcome=ContactOutcome.SPOKE,
    )
    timeline_event_add(
        actor=reviewer_user,
        review=review,
        occurred_on=date(2026, 8, 21),
        kind=TimelineEventKind.GP,
        description="Seen by the GP.",
    )
    return case


def test_identifiers_cover_the_person_notifier_contacts_and_staff(case):
    ids = identifiers_for_case(case)
    for name in ("Maya", "Okafor", "Mimi", "Rose", "Tomasz", "Nowak", "Priya", "Shah"):
        assert name in ids.name_tokens
    assert "Featherstone" in ids.name_tokens  # the LAC who triaged the case
    assert ids.nhs_numbers == ("9991234578",)
    assert "12 Acacia Avenue" in ids.addresses
    assert "Leeds" not in ids.addresses
    assert ids.postcodes == ("LS6 2AB",)
    assert {date(1961, 3, 3), date(2026, 9, 30), date(2026, 10, 14), date(2026, 8, 21)} <= set(
        ids.dates
    )
    assert "07700 900123" in ids.phones
    assert "rose.okafor@example.com" in ids.emails
    assert "Oakwood Surgery" in ids.places


def test_a_narrative_about_the_case_keeps_no_identifier(case):
    text = (
        "Mimi (Maya Okafor, NHS 999 123 4578, born 3rd March 1961) lived at 12 Acacia Avenue, "
        "LS6 2AB, and was registered at Oakwood Surgery. Her sister Rose (07700900123, "
        "rose.okafor@example.com) spoke to Priya on 14/10/2026; Tomasz Nowak, her carer, said "
        "Maya's Down's syndrome was well managed. Hannah Featherstone triaged the case."
    )
    result = redact(text, identifiers_for_case(case))
    assert result.text == (
        "[NAME] ([NAME], NHS [NHS NUMBER], born [DATE]) lived at [ADDRESS], [POSTCODE], and was "
        "registered at [ADDRESS]. Her sister [NAME] ([PHONE], [EMAIL]) spoke to [NAME] on [DATE]; "
        "[NAME], her carer, said [NAME]'s Down's syndrome was well managed. [NAME] triaged the "
        "case."
    )
