"""A family member's own link: invitation, the second factor (date of birth or a code, limited),
expiry and withdrawal, a forwarded link without the factor, nothing of another case reachable,
every contribution audited and shown to the reviewer as new."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leder.accounts.tests.factories import sign_in_verified
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now
from leder.families import services
from leder.families.models import (
    ContributionKind,
    FamilyContribution,
    FamilyInvitation,
    SharedDraft,
)
from leder.families.selectors import draft_content
from leder.reviews.services.contacts import contact_add
from leder.reviews.services.records import review_section_save, review_start

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://leder\.test(/family/[A-Za-z0-9_-]{43})")


def invite(sister, reviewer, capture, factor="date_of_birth"):
    mail.outbox.clear()
    with capture(execute=True):
        invitation = services.invitation_create(
            actor=reviewer, contact=sister, second_factor=factor
        )
    path = LINK.search(mail.outbox[-1].body).group(1)
    return invitation, path


def dob_post(case):
    born = case.notification.date_of_birth
    return {
        "action": "verify",
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
    }


def open_link(client, path, case):
    response = client.post(path, dob_post(case))
    assert response.status_code == 302 and response.url == path + "/home"
    return response


@pytest.fixture
def invited(sister, reviewer, django_capture_on_commit_callbacks):
    return invite(sister, reviewer, django_capture_on_commit_callbacks)


def test_the_start_page_names_no_one_until_the_factor_is_passed(client, invited, case):
    invitation, path = invited
    page = client.get(path).content.decode()
    assert "Check it is you" in page
    assert case.notification.family_name not in page
    # Every page behind it sends a visitor without the factor back to the start.
    for name in ("home", "story", "care", "concerns", "about"):
        response = client.get(f"{path}/{name}")
        assert response.status_code == 302 and response.url == path
    open_link(client, path, case)
    home = client.get(path + "/home").content.decode()
    assert case.notification.family_name in home
    invitation.refresh_from_db()
    assert invitation.first_opened_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN, object_id=str(invitation.pk)
    ).exists()


def test_wrong_dates_of_birth_are_counted_and_lock_the_link(client, invited, case, settings):
    settings.LEDER_FAMILY_FACTOR_ATTEMPTS = 3
    invitation, path = invited
    wrong = dob_post(case) | {"date_of_birth_year": "1901"}
    for _ in range(2):
        page = client.post(path, wrong)
        assert page.status_code == 200
        assert "does not match our records" in page.content.decode()
    locked = client.post(path, wrong)
    assert locked.status_code == 410 and "Too many tries" in locked.content.decode()
    # Locked: even the right answer is refused now.
    assert client.post(path, dob_post(case)).status_code == 410
    invitation.refresh_from_db()
    assert invitation.locked_until > now()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.SIGN_IN_FAILED, object_id=str(invitation.pk)
        ).count()
        == 3
    )


def test_a_code_is_sent_to_their_own_email_and_opens_the_link_once(
    client, sister, reviewer, case, django_capture_on_commit_callbacks
):
    _, path = invite(sister, reviewer, django_capture_on_commit_callbacks, "code")
    page = client.get(path).content.decode()
    assert "Send me a code" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"action": "send_code"})
    [message] = mail.outbox
    assert message.to == ["jane@example.org"]
    assert case.notification.given_name not in message.subject + message.body
    code = re.search(r"is (\d{6})", message.body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert (
        "The code is not right"
        in client.post(path, {"action": "verify", "code": wrong}).content.decode()
    )
    assert client.post(path, {"action": "verify", "code": code}).status_code == 302
    # A code works once: another browser (the forwarded letter) cannot reuse it.
    other = client.__class__()
    assert (
        "The code is not right"
        in other.post(path, {"action": "verify", "code": code}).content.decode()
    )


def test_codes_are_limited_per_hour(sister, reviewer, django_capture_on_commit_callbacks):
    invitation, _ = invite(sister, reviewer, django_capture_on_commit_callbacks, "code")
    for _ in range(services.CODES_PER_HOUR):
        services.code_send(invitation=invitation)
    with pytest.raises(ValidationError):
        services.code_send(invitation=invitation)


def test_a_forwarded_link_without_the_factor_opens_nothing(client, invited, case):
    _, path = invited
    open_link(client, path, case)
    stranger = client.__class__()
    assert stranger.get(path + "/home").status_code == 302
    assert stranger.get(path + "/story").url == path


def test_an_expired_or_withdrawn_link_does_not_open(client, invited, case, reviewer):
    invitation, path = invited
    open_link(client, path, case)
    FamilyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=now() - timedelta(minutes=1)
    )
    page = client.get(path + "/home")
    assert page.status_code == 410 and "expired" in page.content.decode()
    FamilyInvitation.objects.filter(pk=invitation.pk).update(expires_at=now() + timedelta(days=1))
    assert client.get(path + "/home").status_code == 200
    services.invitation_withdraw(actor=reviewer, invitation=invitation)
    page = client.get(path + "/home")
    assert page.status_code == 410 and "no longer works" in page.content.decode()
    assert client.get("/family/" + "A" * 43).status_code == 404


def test_only_the_reviewer_invites_and_only_family(sister, review, lac, reviewer):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=lac, contact=sister, second_factor="date_of_birth")
    gp = contact_add(
        actor=reviewer, review=review, name="Dr Test", kind="gp", email="gp@example.org"
    )
    with pytest.raises(ValidationError):
        services.invitation_create(actor=reviewer, contact=gp, second_factor="date_of_birth")
    nowhere = contact_add(actor=reviewer, review=review, name="No Details", kind="family")
    with pytest.raises(ValidationError) as refused:
        services.invitation_create(actor=reviewer, contact=nowhere, second_factor="code")
    assert "second_factor" in refused.value.message_dict


def test_story_care_and_comment_are_contributions_audited_and_new_to_the_reviewer(
    client, invited, case, reviewer, review, django_capture_on_commit_callbacks
):
    invitation, path = invited
    open_link(client, path, case)
    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    response = client.post(path + "/story", {"story": "She loved the sea.", "file": photo})
    assert response.status_code == 302
    client.post(
        path + "/care", {"worked": "Her GP", "not_worked": "Nights", "focused_review": "yes"}
    )
    review_section_save(
        actor=reviewer,
        review=review,
        key="pen_portrait",
        data={"who_they_were": "A keen swimmer", "what_mattered": "Her family"},
        complete=False,
    )
    staff = client.__class__()
    sign_in_verified(staff, reviewer)
    response = staff.post(
        reverse(
            "families_staff:share", kwargs={"reference": case.reference, "kind": "pen_portrait"}
        )
    )
    assert response.status_code == 302
    draft = SharedDraft.objects.get(case=case)
    page = client.get(path + f"/drafts/{draft.pk}").content.decode()
    assert "A keen swimmer" in page
    assert (
        client.post(
            path + f"/drafts/{draft.pk}", {"comment": "Say she swam for Leicester"}
        ).status_code
        == 302
    )
    contributions = FamilyContribution.objects.filter(invitation=invitation)
    assert sorted(contributions.values_list("kind", flat=True)) == sorted(
        [ContributionKind.STORY, ContributionKind.CARE, ContributionKind.COMMENT]
    )
    story = contributions.get(kind=ContributionKind.STORY)
    assert story.files.get().original_name == "photo.png"
    for c in contributions:
        event = AuditEvent.objects.get(
            object_type="families.FamilyContribution", object_id=str(c.pk)
        )
        assert event.actor_label == f"family:{invitation.pk}"
        assert "sea" not in str(event.details) and "Leicester" not in str(event.details)
    # The reviewer sees each, marked new, then no longer new.
    page = staff.get(reverse("families_staff:page", kwargs={"reference": case.reference}))
    text = page.content.decode()
    assert "She loved the sea." in text and "Say she swam for Leicester" in text
    assert text.count("New\n") + text.count("New<") >= 3
    assert "3 new items" in text
    assert not FamilyContribution.objects.filter(
        invitation=invitation, seen_at__isnull=True
    ).exists()
    again = staff.get(reverse("families_staff:page", kwargs={"reference": case.reference}))
    assert "new items" not in again.content.decode()


def test_nothing_of_another_case_is_reachable(
    client, invited, case, cases, reviewer, django_capture_on_commit_callbacks
):
    _, path = invited
    other_case = cases.make(CaseState.INITIAL_REVIEW)
    other_reviewer = other_case.reviewer.user
    other_review = review_start(actor=other_reviewer, case=other_case)
    brother = contact_add(
        actor=other_reviewer,
        review=other_review,
        name="Other Person",
        kind="family",
        email="other@example.org",
    )
    invite(brother, other_reviewer, django_capture_on_commit_callbacks)
    other_draft = services.draft_share(
        actor=other_reviewer, case=other_case, kind="summary", content=[["A", "Other case text"]]
    )
    open_link(client, path, case)
    assert client.get(path + f"/drafts/{other_draft.pk}").status_code == 404
    assert client.post(path + f"/drafts/{other_draft.pk}", {"comment": "x"}).status_code == 404
    home = client.get(path + "/home").content.decode()
    assert other_case.notification.family_name not in home
    assert "Other case text" not in home
    # The session of one link does not open another's pages.
    _, other_path = invite(brother, other_reviewer, django_capture_on_commit_callbacks)
    assert client.get(other_path + "/home").status_code == 302


def test_the_family_copy_is_readable_once_completed(client, invited, case):
    _, path = invited
    open_link(client, path, case)
    assert "not finished yet" in client.get(path + "/review").content.decode()
    type(case).objects.filter(pk=case.pk).update(state=CaseState.COMPLETED)
    page = client.get(path + "/review")
    assert "life and care" in page.content.decode()
    assert "Read this in easy read" in page.content.decode()
    easy = client.get(path + "/review/easy-read").content.decode()
    assert "We are very sorry that" in easy
    # Nothing can be added after sign-off.
    assert client.post(path + "/story", {"story": "late"}).status_code == 302
    assert not FamilyContribution.objects.exists()


def test_the_concerns_page_gives_the_routes_outside_leder(client, invited, case):
    _, path = invited
    open_link(client, path, case)
    page = client.get(path + "/concerns").content.decode()
    for route in ("PALS", "complaints team", "coroner", "Care Quality Commission", "advocacy"):
        assert route in page


def test_draft_content_holds_the_pen_portrait_or_the_summary(review, reviewer):
    assert draft_content(review, "pen_portrait") == []
    review_section_save(
        actor=reviewer,
        review=review,
        key="pen_portrait",
        data={"who_they_were": "A keen swimmer", "what_mattered": "Her family"},
        complete=False,
    )
    portrait = draft_content(review, "pen_portrait")
    assert [text for _, text in portrait] == ["A keen swimmer", "Her family"]
    summary = draft_content(review, "summary")
    assert all(heading.startswith("Pen portrait") for heading, _ in summary[:2])
