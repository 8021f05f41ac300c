"""Issue 15: the LAC corrects the person's details with a reason; the audit keeps before and
after; eligibility, duplicate checks and focused-review triggers are run again and their changes
shown."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.core.models import AuditEvent
from leder.notifications.models import DuplicateFlag, EligibilityOutcome
from leder.notifications.services import eligibility_override
from leder.organisations.tests.factories import GpPracticeFactory
from leder.reference.models import EthnicCategory
from leder.reviews.services.corrections import person_correct

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(cases):
    return cases.notification(ethnic_category_id="A", nhs_number="")


def test_a_correction_is_audited_with_before_after_and_reason(lac, notification):
    result = person_correct(
        actor=lac,
        notification=notification,
        changes={"nhs_number": "9990000018", "address": "3 New Road"},
        reason="The GP record shows the right number",
    )
    assert set(result.changes) == {"nhs_number", "address"}
    notification.refresh_from_db()
    assert notification.nhs_number == "9990000018"
    entry = AuditEvent.objects.filter(
        object_id=str(notification.pk), summary__startswith="Corrected"
    ).get()
    assert entry.details["changes"]["nhs_number"] == {"from": "", "to": "9990000018"}
    assert entry.details["reason"] == "The GP record shows the right number"


def test_correcting_the_ethnic_group_changes_the_focused_review_trigger(lac, notification):
    result = person_correct(
        actor=lac,
        notification=notification,
        changes={"ethnic_category": EthnicCategory.objects.get(code="N")},
        reason="The family told us",
    )
    assert result.triggers_before == []
    assert any("minority ethnic" in t for t in result.triggers_after)
    assert any("Focused-review triggers" in m for m in result.messages)


def test_correcting_the_date_of_birth_reruns_eligibility(lac, notification):
    # Died aged 2: under 4, not eligible for LeDeR.
    result = person_correct(
        actor=lac,
        notification=notification,
        changes={"date_of_birth": date(2024, 6, 1)},
        reason="Birth year was mistyped",
    )
    assert result.eligibility_before == EligibilityOutcome.ELIGIBLE
    assert result.eligibility_after == EligibilityOutcome.NOT_ELIGIBLE
    notification.refresh_from_db()
    assert notification.eligibility_outcome == EligibilityOutcome.NOT_ELIGIBLE
    latest = notification.eligibility_decisions.order_by("decided_at", "id").last()
    assert latest.decided_by == lac and "mistyped" in latest.override_reason


def test_a_persons_override_stands_and_the_result_says_what_the_rule_would_decide(
    lac, notification
):
    eligibility_override(
        actor=lac, notification=notification, outcome="to_confirm", reason="Checking"
    )
    result = person_correct(
        actor=lac,
        notification=notification,
        changes={"date_of_birth": date(2024, 6, 1)},
        reason="Typo",
    )
    notification.refresh_from_db()
    assert notification.eligibility_outcome == "to_confirm"
    assert "a person's decision stands" in result.eligibility_note


def test_correcting_the_nhs_number_flags_a_new_possible_duplicate(lac, cases, notification):
    other = cases.notification(
        nhs_number="9990000026",
        given_name="Zebedee",
        family_name="Quillfeather",
        date_of_birth=date(1931, 7, 19),
    )
    assert not DuplicateFlag.objects.exists()
    result = person_correct(
        actor=lac,
        notification=notification,
        changes={"nhs_number": "9990000026"},
        reason="Right number",
    )
    assert result.new_duplicates == [other.reference]
    assert DuplicateFlag.objects.filter(notification=notification, candidate=other).exists()
    # Correcting again does not flag the same pair twice.
    person_correct(actor=lac, notification=notification, changes={"address": "x"}, reason="r")
    assert DuplicateFlag.objects.filter(notification=notification, candidate=other).count() == 1


def test_gp_practice_correction_adds_it_to_the_involved_organisations(
    icb, lac, cases, notification
):
    from leder.casework.services.triage import case_open

    case = case_open(actor=lac, notification=notification)
    practice = GpPracticeFactory(icb=icb)
    person_correct(
        actor=lac, notification=notification, changes={"gp_practice": practice}, reason="GP"
    )
    assert practice in case.involved_organisations.all()


def test_who_may_correct_and_what_is_refused(icb, lac, notification):
    reviewer = user_with_role(Role.REVIEWER, icb)
    with pytest.raises(PermissionDenied):
        person_correct(actor=reviewer, notification=notification, changes={}, reason="x")
    with pytest.raises(ValidationError):
        person_correct(actor=lac, notification=notification, changes={"address": "y"}, reason="")
    with pytest.raises(ValidationError):
        person_correct(
            actor=lac, notification=notification, changes={"nhs_number": "1234567890"}, reason="r"
        )
    with pytest.raises(ValidationError):
        person_correct(
            actor=lac,
            notification=notification,
            changes={"date_of_death": date(1900, 1, 1)},
            reason="r",
        )
    notification.refresh_from_db()
    assert notification.nhs_number == "" and notification.address != "y"


def test_the_correction_page_shows_what_changed(client, lac, notification):
    from django.urls import reverse

    from leder.accounts.tests.factories import sign_in_verified

    sign_in_verified(client, lac)
    url = reverse("reviews:person_correct", args=[notification.reference])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "given_name": notification.given_name,
        "family_name": notification.family_name,
        "date_of_birth_day": "1",
        "date_of_birth_month": "6",
        "date_of_birth_year": "2024",
        "date_of_death_day": str(notification.date_of_death.day),
        "date_of_death_month": str(notification.date_of_death.month),
        "date_of_death_year": str(notification.date_of_death.year),
        "nhs_number": "",
        "sex": notification.sex,
        "ethnic_category": "N",
        "has_learning_disability": notification.has_learning_disability,
        "is_autistic": notification.is_autistic,
        "address": notification.address,
        "postcode": notification.postcode,
        "gp_practice": "",
        "reason": "",
    }
    assert client.post(url, data).status_code == 200  # a reason is needed
    data["reason"] = "Family corrected us"
    response = client.post(url, data, follow=True)
    text = response.content.decode()
    assert "Corrected: date of birth, ethnic group." in text
    assert "Eligibility is now" in text
    assert "Focused-review triggers from the data are now" in text
    other_lac = user_with_role(Role.LAC, user_with_role(Role.LAC).memberships.get().organisation)
    client.logout()
    sign_in_verified(client, other_lac)
    assert client.get(url).status_code == 404


# -- The reviewer corrects what the review establishes (issue 15 item 3) -------------------------


def test_the_reviewer_corrects_what_the_review_establishes_and_the_checks_run_again(
    lac, case, reviewer, django_capture_on_commit_callbacks
):
    from django.core import mail

    from leder.reviews.tasks import person_correct_and_tell

    notification = case.notification
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = person_correct_and_tell(
            actor=reviewer,
            notification=notification,
            changes={
                "ethnic_category": EthnicCategory.objects.get(code="N"),
                "date_of_birth": date(2024, 6, 1),
            },
            reason="The GP record gives both",
        )
    assert result.corrected_as == "reviewer"
    assert result.eligibility_after == EligibilityOutcome.NOT_ELIGIBLE
    assert any("minority ethnic" in t for t in result.triggers_after)
    entry = AuditEvent.objects.filter(
        object_id=str(notification.pk), summary__startswith="Corrected"
    ).get()
    assert entry.actor == reviewer and entry.details["corrected_as"] == "reviewer"
    assert entry.details["changes"]["ethnic_category"]["to"] == "N"
    assert entry.details["eligibility"]["to"] == EligibilityOutcome.NOT_ELIGIBLE
    # The LACs are told what was corrected and what the checks found, never the values.
    [told] = mail.outbox
    assert told.to == [lac.email]
    assert "ethnic group, date of birth" in told.body and "Not eligible" in told.body
    assert "2024" not in told.body and notification.family_name not in told.body


def test_the_reviewer_may_not_correct_who_the_person_was_nor_outside_the_review(
    lac, cases, case, reviewer
):
    from leder.casework.services.lifecycle import case_transition

    notification = case.notification
    for name, value in (
        ("nhs_number", "9990000018"),
        ("family_name", "Someone"),
        ("date_of_death", date(2025, 1, 1)),
        ("address", "1 Other Road"),
    ):
        with pytest.raises(PermissionDenied):
            person_correct(
                actor=reviewer, notification=notification, changes={name: value}, reason="r"
            )
    # Another reviewer of the ICB, and the reviewer once the case has left their hands.
    other = cases.make(CaseState.INITIAL_REVIEW)
    with pytest.raises(PermissionDenied):
        person_correct(
            actor=other.reviewer.user,
            notification=notification,
            changes={"sex": "male"},
            reason="r",
        )
    case_transition(actor=lac, case=case, transition="hold", reason="Inquest")
    with pytest.raises(PermissionDenied):
        person_correct(
            actor=reviewer, notification=notification, changes={"sex": "male"}, reason="r"
        )
    notification.refresh_from_db()
    assert notification.nhs_number != "9990000018"


def test_the_reviewers_page_from_the_review(client, lac, case, reviewer, review):
    from django.urls import reverse

    from leder.accounts.tests.factories import sign_in_verified

    notification = case.notification
    url = reverse("reviews:review_person_correct", args=[notification.reference])
    workspace = reverse("reviews:workspace", args=[notification.reference, "initial"])
    sign_in_verified(client, reviewer)
    assert url in client.get(workspace).content.decode()
    page = client.get(url).content.decode()
    assert 'name="ethnic_category"' in page and 'name="nhs_number"' not in page
    data = {
        "date_of_birth_day": str(notification.date_of_birth.day),
        "date_of_birth_month": str(notification.date_of_birth.month),
        "date_of_birth_year": str(notification.date_of_birth.year),
        "sex": notification.sex,
        "ethnic_category": "N",
        "has_learning_disability": notification.has_learning_disability,
        "is_autistic": notification.is_autistic,
        "gp_practice": "",
        # Not on the reviewer's form: ignored, not corrected.
        "nhs_number": "9990000018",
        "reason": "The family told the reviewer",
    }
    response = client.post(url, data, follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == workspace
    assert "Corrected: ethnic group." in text
    assert "Focused-review triggers from the data are now" in text
    notification.refresh_from_db()
    assert notification.ethnic_category_id == "N" and notification.nhs_number != "9990000018"
    # The LAC reaches the case but is not its reviewer: their page is the notification's.
    client.logout()
    sign_in_verified(client, lac)
    assert client.get(url).status_code == 403
