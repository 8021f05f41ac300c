"""The reviewer's page of the family's part: who may read it and who may change things, inviting
through the form, withdrawing, locally printed letters (download audited, marked posted), files
the family added (download audited), and the link from the case page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.families import services
from leder.families.models import FamilyInvitation
from leder.messaging.models import Channel, Message, MessageStatus

pytestmark = pytest.mark.django_db


def page_url(case):
    return reverse("families_staff:page", kwargs={"reference": case.reference})


def test_who_reads_and_who_changes(client, case, review, reviewer, lac, sister, icb):
    url = page_url(case)
    sign_in_verified(client, reviewer)
    assert "Send their link" in client.get(url).content.decode()
    case_page = client.get(reverse("casework:case", kwargs={"reference": case.reference}))
    assert url in case_page.content.decode()
    lac_client = client.__class__()
    sign_in_verified(lac_client, lac)
    page = lac_client.get(url)
    assert page.status_code == 200 and "Send their link" not in page.content.decode()
    assert lac_client.post(url, {"contact": sister.pk, "second_factor": "code"}).status_code == 403
    panel = client.__class__()
    sign_in_verified(panel, user_with_role(Role.PANEL_MEMBER, icb))
    assert panel.get(url).status_code == 404  # cannot see a case in review
    assert not FamilyInvitation.objects.exists()


def test_the_reviewer_invites_by_letter_and_prints_it_when_notify_is_not_set_up(
    client, case, review, reviewer, sister, settings, django_capture_on_commit_callbacks
):
    settings.LEDER_NOTIFY_API_KEY = ""
    sister.email = ""
    sister.preferred_contact = "letter"
    sister.save()
    sign_in_verified(client, reviewer)
    url = page_url(case)
    refused = client.post(url, {"contact": sister.pk, "second_factor": "code"})
    assert refused.status_code == 200 and "no email address" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"contact": sister.pk, "second_factor": "date_of_birth"})
    assert response.status_code == 302
    letter = Message.objects.get(channel=Channel.LETTER)
    assert letter.status == MessageStatus.TO_PRINT
    page = client.get(url).content.decode()
    download = reverse(
        "families_staff:letter", kwargs={"reference": case.reference, "pk": letter.pk}
    )
    assert download in page and "Letters to print and post" in page
    pdf = client.get(download)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(letter.pk)).exists()
    client.post(
        reverse(
            "families_staff:letter_posted", kwargs={"reference": case.reference, "pk": letter.pk}
        )
    )
    letter.refresh_from_db()
    assert letter.status == MessageStatus.POSTED
    invitation = FamilyInvitation.objects.get()
    client.post(
        reverse(
            "families_staff:withdraw", kwargs={"reference": case.reference, "pk": invitation.pk}
        )
    )
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None


def test_a_file_the_family_added_is_downloaded_by_staff_with_audit(
    client, case, review, reviewer, sister, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=reviewer, contact=sister, second_factor="date_of_birth"
        )
    contribution = services.contribution_add(
        invitation=invitation,
        kind="story",
        answers={"story": "Photographs of her at the beach"},
        uploads=[SimpleUploadedFile("beach.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)],
    )
    refused = None
    try:
        services.contribution_add(
            invitation=invitation,
            kind="story",
            answers={"story": "x"},
            uploads=[SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 64)],
        )
    except Exception as error:
        refused = error
    assert refused is not None and "must be" in str(refused)
    assert invitation.contributions.count() == 1
    stored = contribution.files.get()
    sign_in_verified(client, reviewer)
    response = client.get(
        reverse("families_staff:file", kwargs={"reference": case.reference, "pk": stored.pk})
    )
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(stored.pk)).exists()


def test_the_reviewer_tells_the_family_when_the_review_is_finished(
    client, case, review, reviewer, sister, django_capture_on_commit_callbacks
):
    from django.core import mail

    from leder.casework.models import CaseState

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=reviewer, contact=sister, second_factor="date_of_birth")
    sign_in_verified(client, reviewer)
    announce = reverse("families_staff:announce", kwargs={"reference": case.reference})
    client.post(announce)
    assert not Message.objects.filter(kind="family_copy_ready").exists()  # not signed off yet
    type(case).objects.filter(pk=case.pk).update(state=CaseState.COMPLETED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(announce)
    [sent] = mail.outbox
    assert sent.subject == f"LeDeR review {case.reference}: the review is finished"
    assert "/family/" not in sent.body  # no link: they use the one they have
    assert Message.objects.get(kind="family_copy_ready").contact == sister
