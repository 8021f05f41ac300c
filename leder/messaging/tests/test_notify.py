"""Messages through GOV.UK Notify, against a local server that speaks its API (JWT auth, template
and personalisation checks, precompiled letters, delivery-status callbacks); the SMTP and
local-print fallback without Notify; and the fallback from a failed e-mail to a letter."""

import hashlib
import json
import re
import smtplib

import pytest
import requests
from django.core import mail
from django.urls import reverse
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.notifications import NotificationsAPIClient

from leder.core.models import AuditEvent
from leder.families.models import FamilyInvitation
from leder.families.services import invitation_create
from leder.messaging.models import Channel, DeliveryEvent, Message, MessageStatus
from leder.messaging.sending import letters_root

pytestmark = pytest.mark.django_db

CALLBACK = "callback-secret-for-tests"


def invite(sister, reviewer, capture, factor="date_of_birth"):
    with capture(execute=True):
        return invitation_create(actor=reviewer, contact=sister, second_factor=factor)


def post_callback(client, payload, token=CALLBACK):
    return client.post(
        reverse("messaging:notify_callback"),
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_an_invitation_goes_through_notify_with_its_template_reference_and_link(
    notify, sister, reviewer, case, django_capture_on_commit_callbacks, settings
):
    invitation = invite(sister, reviewer, django_capture_on_commit_callbacks)
    [sent] = notify.sent.values()
    assert sent.type == "email" and sent.recipient == "jane@example.org"
    assert sent.template_id == settings.LEDER_NOTIFY_TEMPLATE_IDS["family_invitation.email"]
    assert sent.personalisation["reference"] == case.reference
    # The subject names the review by reference only, never the person.
    person = case.notification
    assert case.reference in sent.subject
    assert person.given_name not in sent.subject and person.family_name not in sent.subject
    assert person.given_name not in json.dumps(sent.personalisation)
    link = sent.personalisation["link"]
    token = link.rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    message = Message.objects.get()
    assert message.status == MessageStatus.SENDING and message.provider_id == sent.id
    assert message.reference == sent.reference
    # The token is nowhere in the database: not on the message, its events, nor the audit.
    for row in [
        *Message.objects.values(),
        *DeliveryEvent.objects.values(),
        *AuditEvent.objects.values(),
    ]:
        assert token not in json.dumps(row, default=str)


def test_the_server_checks_the_jwt_as_notify_does(notify):
    wrong = NotificationsAPIClient(f"x-{notify.service_id}-{'0' * 36}", base_url=notify.base_url)
    with pytest.raises(Exception) as refused:
        wrong.get_notification_by_id("00000000-0000-0000-0000-000000000000")
    assert refused.value.status_code == 403
    old = create_jwt_token(notify.secret, notify.service_id)
    header = {"Authorization": "Bearer " + old.split(".")[0] + ".e30." + old.split(".")[2]}
    assert (
        requests.get(f"{notify.base_url}/v2/notifications/x", headers=header, timeout=5).status_code
        == 403
    )
    assert requests.get(f"{notify.base_url}/v2/notifications/x", timeout=5).status_code == 403


def test_status_can_be_read_back_and_a_callback_records_delivery(
    client, notify, sister, reviewer, django_capture_on_commit_callbacks
):
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    message = Message.objects.get()
    api = NotificationsAPIClient(notify.api_key, base_url=notify.base_url)
    assert api.get_notification_by_id(message.provider_id)["status"] == "created"
    payload = notify.deliver(message.provider_id)
    assert api.get_notification_by_id(message.provider_id)["status"] == "delivered"
    assert post_callback(client, payload, token="wrong").status_code == 401
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert post_callback(client, payload).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert list(message.events.values_list("status", "source")) == [
        ("queued", "queue"),
        ("sending", "send"),
        ("delivered", "callback"),
    ]


def test_a_permanent_failure_falls_back_to_a_precompiled_letter_once(
    client, notify, sister, reviewer, django_capture_on_commit_callbacks
):
    sister.email = "perm-fail@simulator.notify"
    sister.save()
    invitation = invite(sister, reviewer, django_capture_on_commit_callbacks)
    email = Message.objects.get()
    first_hash = FamilyInvitation.objects.get(pk=invitation.pk).token_hash
    payload = notify.deliver(email.provider_id)
    assert payload["status"] == "permanent-failure"
    with django_capture_on_commit_callbacks(execute=True):
        assert post_callback(client, payload).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(client, payload)  # Notify retries: no second letter
    email.refresh_from_db()
    assert email.status == MessageStatus.PERMANENT_FAILURE
    letter = Message.objects.get(fallback_of=email)
    assert letter.channel == Channel.LETTER and letter.status == MessageStatus.SENDING
    assert Message.objects.count() == 2
    [sent_letter] = [s for s in notify.sent.values() if s.type == "letter"]
    assert sent_letter.pdf.startswith(b"%PDF-") and sent_letter.reference == letter.reference
    # The letter carries a new link; the e-mail's (never delivered) no longer works.
    assert FamilyInvitation.objects.get(pk=invitation.pk).token_hash != first_hash


def test_notify_refusing_a_message_falls_back_to_a_letter(
    notify, sister, reviewer, settings, django_capture_on_commit_callbacks
):
    template_id = settings.LEDER_NOTIFY_TEMPLATE_IDS["family_invitation.email"]
    notify.templates[template_id].body += "\n((something_we_do_not_send))"
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    email = Message.objects.get(channel=Channel.EMAIL)
    assert email.status == MessageStatus.FAILED
    assert "Missing personalisation: something_we_do_not_send" in email.failure
    assert Message.objects.get(fallback_of=email).status == MessageStatus.SENDING


def test_without_notify_email_goes_by_the_mailer_and_letters_are_printed_locally(
    settings, sister, reviewer, case, django_capture_on_commit_callbacks
):
    settings.LEDER_NOTIFY_API_KEY = ""
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    assert sent.subject == f"LeDeR review {case.reference}: you are invited to take part"
    assert case.notification.given_name not in sent.subject + sent.body
    assert re.search(r"https://leder.test/family/[A-Za-z0-9_-]{43}\n", sent.body)
    assert Message.objects.get().status == MessageStatus.SENT
    sister.preferred_contact = "letter"
    sister.save()
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    letter = Message.objects.get(channel=Channel.LETTER)
    assert letter.status == MessageStatus.TO_PRINT
    pdf = (letters_root().parent / letter.letter_file).read_bytes()
    assert pdf.startswith(b"%PDF-")


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no")})


def test_an_smtp_failure_falls_back_to_a_letter(
    settings, sister, reviewer, django_capture_on_commit_callbacks
):
    settings.LEDER_NOTIFY_API_KEY = ""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    email = Message.objects.get(channel=Channel.EMAIL)
    assert email.status == MessageStatus.FAILED
    assert Message.objects.get(fallback_of=email).status == MessageStatus.TO_PRINT


def test_easy_read_and_advocate_are_honoured(
    notify, sister, reviewer, settings, django_capture_on_commit_callbacks
):
    sister.easy_read = True
    sister.preferred_contact = "advocate"
    sister.advocate_name = "Sam Advocate"
    sister.advocate_email = "sam@advocacy.example"
    sister.language = "Polish"
    sister.needs_interpreter = True
    sister.save()
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    [sent] = notify.sent.values()
    assert sent.recipient == "sam@advocacy.example"
    assert (
        sent.template_id == settings.LEDER_NOTIFY_TEMPLATE_IDS["family_invitation.email.easy_read"]
    )
    assert "Jane Testperson" in sent.personalisation["for_whom"]
    assert "Polish" in sent.personalisation["language_help"]
    message = Message.objects.get()
    assert message.via_advocate and message.easy_read


def test_a_callback_for_an_unknown_message_is_accepted_and_ignored(client, notify):
    response = post_callback(
        client, {"id": "00000000-0000-0000-0000-000000000000", "status": "delivered"}
    )
    assert response.status_code == 200 and response.json() == {"recorded": False}


def test_statuses_are_read_back_from_notify_when_no_callback_came(
    notify, sister, reviewer, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from leder.core.schedule import periodic_jobs
    from leder.messaging.services import statuses_refresh

    invite(sister, reviewer, django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert statuses_refresh() == {"checked": 0, "changed": 0}  # too recent to ask
    notify.deliver(message.provider_id)  # Notify knows; no callback reaches us
    assert statuses_refresh(older_than=timedelta(0)) == {"checked": 1, "changed": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.events.filter(source="poll", status="delivered").exists()
    assert "notify-statuses" in {job.name for job in periodic_jobs()}


def test_a_code_goes_by_text_message_to_someone_who_prefers_texts(
    notify, sister, reviewer, settings, django_capture_on_commit_callbacks
):
    from leder.families.services import code_send

    sister.telephone = "07700 900123"
    sister.preferred_contact = "text"
    sister.save()
    invitation = invite(sister, reviewer, django_capture_on_commit_callbacks, factor="code")
    # The invitation itself cannot go by text (it goes by e-mail); the code can.
    assert Message.objects.get().channel == Channel.EMAIL
    invitation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        code_send(invitation=invitation)
    [sms] = [s for s in notify.sent.values() if s.type == "sms"]
    assert sms.template_id == settings.LEDER_NOTIFY_TEMPLATE_IDS["family_code.sms"]
    assert re.fullmatch(r"\d{6}", sms.personalisation["code"])
    assert sms.recipient == "07700 900123"


def test_an_easy_read_large_print_letter_is_the_easy_read_one_in_large_type(
    settings, sister, reviewer, case, django_capture_on_commit_callbacks, tmp_path
):
    import subprocess

    settings.LEDER_NOTIFY_API_KEY = ""
    sister.preferred_contact = "letter"
    sister.easy_read = True
    sister.large_print = True
    sister.save()
    invite(sister, reviewer, django_capture_on_commit_callbacks)
    letter = Message.objects.get()
    assert letter.easy_read and letter.large_print
    pdf = letters_root().parent / letter.letter_file
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Please help us learn" in text and "LE1 4AP" in text
    assert case.notification.family_name not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert fonts  # the PDF embeds its fonts for printing
    sizes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    heights = [
        float(y2) - float(y1)
        for y1, y2, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(\w+)<', sizes
        )
        if word == "help"
    ]
    assert heights and min(heights) >= 16  # large print: at least 16 pt text
