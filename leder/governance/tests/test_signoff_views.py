"""The sign-off pages: the signed-off versions of a review, each readable in full from its
snapshot, and reopening with a reason and a confirmation; after reopening and a second sign-off,
both versions stay readable and the review's comparison page shows what changed."""

import html

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.models import CaseEvent, CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.audit import verify_chain
from leder.core.models import AuditAction, AuditEvent
from leder.governance import lock_triggers
from leder.governance.models import SignOff
from leder.governance.services import panels as services
from leder.governance.services.signoff import is_locked
from leder.governance.tests.test_panels_factories import panel_world
from leder.reviews.models import ReviewSection
from leder.reviews.services.records import review_section_save, review_submit

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "evidence": "The ward escalated within the hour; the inquest found the care was good.",
    "sources": "Records from the hospital trust and the coroner's findings.",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world():
    return panel_world()


def sign_off(world, review, *, days=0):
    meeting = world.quorate(world.meeting(days=days))
    item = world.on_agenda(meeting, review)
    services.panel_decision_record(actor=world.members[0], item=item, decision="signed_off")
    return SignOff.objects.get(review=review, reopened_at__isnull=True)


@pytest.fixture
def signed(world):
    """A completed case whose focused review the panel signed off."""
    case, review = world.focused_at_panel(given_name="Maya", family_name="Okafor")
    signoff = sign_off(world, review)
    case.refresh_from_db()
    review.refresh_from_db()
    return case, review, signoff


def url(name: str, case, **kwargs) -> str:
    return reverse(
        f"governance:{name}", kwargs={"reference": case.reference, "kind": "focused", **kwargs}
    )


def written():
    return (
        list(SignOff.objects.values_list("pk", "reopened_at", "reopen_reason")),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action=AuditAction.VIEW).count(),
    )


# -- The permission matrix ----------------------------------------------------------------------


def test_who_reads_the_sign_offs_and_who_may_reopen(client, world, signed):
    case, _, signoff = signed
    pages = [url("signoffs", case), url("signoff_version", case, pk=signoff.pk)]
    reopen = url("signoff_reopen", case)
    other = panel_world("NHS Other ICB")
    expected = [
        # (who, reading pages, the reopen page)
        (world.lac, 200, 200),
        (world.chair, 200, 200),
        (world.members[0], 200, 403),
        (case.reviewer.user, 200, 403),
        (user_with_role(Role.SENIOR_REVIEWER, world.icb), 200, 403),
        (make_reviewer(world.icb).user, 404, 404),  # a reviewer of another case
        (other.lac, 404, 404),
        (other.chair, 404, 404),
        (user_with_role(Role.ICB_LEAD, world.icb), 403, 403),
        (user_with_role(Role.REGIONAL_COORDINATOR), 403, 403),
        (user_with_role(Role.NATIONAL_ANALYST), 403, 403),
        (user_with_role(Role.ADMINISTRATOR), 403, 403),
    ]
    before = written()
    for user, reading, reopening in expected:
        sign_in_verified(client, user)
        for page in pages:
            assert client.get(page).status_code == reading, (user, page)
        assert client.get(reopen).status_code == reopening, user
        if reopening != 200:
            assert client.post(reopen, {"reason": "x", "confirm": "on"}).status_code == reopening
    assert written() == before and is_locked(signed[1])

    client.logout()
    for page in [*pages, reopen]:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_another_reviews_sign_off_is_not_found_on_this_review(client, world, signed):
    case, _, _ = signed
    _, other_review = world.focused_at_panel()
    other_signoff = sign_off(world, other_review)
    sign_in_verified(client, world.lac)
    assert client.get(url("signoff_version", case, pk=other_signoff.pk)).status_code == 404


# -- Reading --------------------------------------------------------------------------------------


def test_the_sign_offs_page_lists_each_signed_off_version(client, world, signed):
    case, _, signoff = signed
    sign_in_verified(client, world.members[1])
    page = text(client.get(url("signoffs", case)))
    assert f"Version {signoff.version_number}" in page
    assert "Signed off by the governance panel" in page and "Signed off and locked" in page
    assert world.members[0].full_name in page
    assert "Reopen this review" not in page  # a panel member cannot reopen
    sign_in_verified(client, world.chair)
    assert "Reopen this review" in text(client.get(url("signoffs", case)))


def test_a_signed_off_version_reads_in_full_from_its_snapshot_and_is_audited(client, world, signed):
    case, _, signoff = signed
    sign_in_verified(client, world.lac)
    page = text(client.get(url("signoff_version", case, pk=signoff.pk)))
    assert signoff.content_hash in page
    assert "Checked: this content is exactly what was signed off" in page
    for title in ("Further evidence", "Multi-agency review meeting", "Timeline of care"):
        assert title in page
    assert "escalated within the hour" in page
    assert "Ward manager, Riverside Hospitals NHS Trust" in page
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert event.actor == world.lac and event.details["signoff"] == signoff.pk


def test_a_tampered_snapshot_is_flagged_on_its_page(client, world, signed):
    case, review, signoff = signed
    lock_triggers.remove(connection)
    try:
        ReviewSection.objects.filter(review=review, key="focused_evidence").update(
            data={"evidence": "Nothing of note", "sources": "None"}
        )
    finally:
        lock_triggers.install(connection)
    sign_in_verified(client, world.lac)
    page = text(client.get(url("signoff_version", case, pk=signoff.pk)))
    assert "does not check out" in page
    assert "differs from what was signed off" in page


# -- Reopening ------------------------------------------------------------------------------------


def test_reopening_needs_a_reason_and_a_confirmation(client, world, signed):
    case, review, _ = signed
    sign_in_verified(client, world.lac)
    before = written()
    page = text(client.post(url("signoff_reopen", case), {"reason": " "}))
    assert "Enter the reason for reopening the review" in page
    assert "Confirm that you want to reopen the review" in page
    page = text(client.post(url("signoff_reopen", case), {"reason": "The inquest", "confirm": ""}))
    assert "Confirm that you want to reopen the review" in page
    assert written() == before and is_locked(review)


def test_reopen_sign_off_again_and_compare_the_two_versions(client, world, signed):
    case, review, first = signed
    sign_in_verified(client, world.chair)
    response = client.post(
        url("signoff_reopen", case),
        {"reason": "The coroner's findings arrived", "confirm": "on"},
        follow=True,
    )
    assert "Focused review reopened" in text(response)
    # The chair sees a case only at the panel: they are back on the panel's page.
    assert response.redirect_chain[-1][0].endswith(
        reverse("governance:panel", kwargs={"icb_id": world.icb.pk})
    )
    case.refresh_from_db()
    first.refresh_from_db()
    assert case.state == CaseState.FOCUSED_REVIEW and not is_locked(review)
    assert first.reopened_by == world.chair and first.reopen_reason.startswith("The coroner")
    reopened_event = AuditEvent.objects.filter(
        object_type="reviews.Review", object_id=str(review.pk), summary__contains="reopened"
    ).last()
    assert reopened_event.actor == world.chair
    assert reopened_event.details["reason"] == "The coroner's findings arrived"

    # Reopening again is refused while it is open (the LAC still sees the case).
    sign_in_verified(client, world.lac)
    page = text(client.get(url("signoff_reopen", case), follow=True))
    assert "Only a signed-off review of a completed case can be reopened" in page

    # The reviewer amends and resubmits; the panel signs it off again.
    reviewer = case.reviewer.user
    review.refresh_from_db()
    review.case = case
    review_section_save(
        actor=reviewer, review=review, key="focused_evidence", data=EVIDENCE, complete=True
    )
    review_submit(actor=reviewer, review=review)
    second = sign_off(world, review)
    assert second.version_number > first.version_number

    page = text(client.get(url("signoffs", case)))
    assert "Reopened" in page and "The coroner's findings arrived" in page
    assert f"Version {first.version_number}" in page and f"Version {second.version_number}" in page
    first_page = text(client.get(url("signoff_version", case, pk=first.pk)))
    second_page = text(client.get(url("signoff_version", case, pk=second.pk)))
    assert "escalated within the hour." in first_page and "inquest found" not in first_page
    assert "inquest found the care was good" in second_page

    compare = reverse("reviews:compare", kwargs={"reference": case.reference, "kind": "focused"})
    link = f"{compare}?from={first.version_number}&to={second.version_number}"
    assert html.escape(link).replace("&amp;", "&") in page or link in page
    changed = text(client.get(link))
    assert "Further evidence" in changed and "inquest" in changed
    assert verify_chain()[1] is None
