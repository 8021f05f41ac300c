"""An ICB's LeDeR contact details: set by its local area contact (checked, audited), read by
its staff, and shown through `icb_contact` to messages and public pages whether set or not."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.organisations.models import IcbContactDetails
from leder.organisations.presenters import icb_contact
from leder.organisations.services.contact_details import icb_contact_details_set

pytestmark = pytest.mark.django_db

DETAILS = {
    "team_name": "LeDeR team",
    "telephone": "0116 295 0000",
    "email": "llr.leder@nhs.net",
    "address": "Room 5, County Hall\nGlenfield",
    "postcode": "le3 8tb",
    "opening_hours": "Monday to Friday, 9am to 5pm",
    "complaints_telephone": "0116 295 7572",
    "complaints_email": "llricb-llr.enquiries@nhs.net",
    "complaints_url": "https://leicesterleicestershireandrutland.icb.nhs.uk/contact/complaints/",
    "pals_telephone": "0116 258 4200",
    "advocacy_name": "Voiceability",
    "advocacy_telephone": "0300 303 1660",
    "coroner_name": "Leicester City and South Leicestershire Coroner's Office",
    "coroner_telephone": "0116 454 1030",
}


@pytest.fixture
def icb():
    return make_icb(name="NHS Leicester, Leicestershire and Rutland ICB")


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


def test_the_lac_sets_the_details_and_every_message_can_show_them(icb, lac):
    icb_contact_details_set(actor=lac, icb=icb, **DETAILS)
    contact = icb_contact(icb)
    assert contact.is_set
    assert contact.team.title == "The LeDeR team at NHS Leicester, Leicestershire and Rutland ICB"
    assert contact.team.address_lines == ("Room 5, County Hall", "Glenfield", "LE3 8TB")
    text = contact.text()
    assert "Telephone: 0116 295 0000 (Monday to Friday, 9am to 5pm)" in text
    assert "Email: llr.leder@nhs.net" in text
    assert contact.personalisation() == {
        "icb_name": "NHS Leicester, Leicestershire and Rutland ICB",
        "leder_contact": text,
    }
    assert contact.complaints.is_set and contact.advocacy.title == "Voiceability"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type__endswith="Details")
    assert "telephone" in event.details["changed"]


def test_without_details_a_message_still_says_who_to_ask_for(icb):
    contact = icb_contact(icb)
    assert not contact.is_set
    assert contact.text() == (
        "Contact NHS Leicester, Leicestershire and Rutland ICB and ask for its LeDeR team."
    )
    assert contact.cqc.telephone  # the national regulator is always there


def test_only_a_lac_of_that_icb_may_set_them(icb):
    other_lac = user_with_role(Role.LAC, make_icb(name="NHS Elsewhere ICB"))
    reviewer = user_with_role(Role.REVIEWER, icb)
    for actor in (other_lac, reviewer):
        with pytest.raises(PermissionDenied):
            icb_contact_details_set(actor=actor, icb=icb, **DETAILS)
    assert not IcbContactDetails.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"telephone": "", "email": ""}, "telephone"),
        ({"telephone": "not a number"}, "telephone"),
        ({"email": "leder@"}, "email"),
        ({"complaints_url": "http://insecure.example"}, "complaints_url"),
        ({"postcode": ""}, "postcode"),
        ({"postcode": "LE3"}, "postcode"),
    ],
)
def test_each_detail_is_checked(icb, lac, change, field):
    with pytest.raises(ValidationError) as refused:
        icb_contact_details_set(actor=lac, icb=icb, **{**DETAILS, **change})
    assert field in refused.value.message_dict
    assert not IcbContactDetails.objects.exists()


def test_a_save_that_changes_nothing_writes_nothing(icb, lac):
    icb_contact_details_set(actor=lac, icb=icb, **DETAILS)
    before = AuditEvent.objects.count()
    icb_contact_details_set(actor=lac, icb=icb, **DETAILS)
    assert AuditEvent.objects.count() == before


def test_the_lac_changes_them_on_the_page_and_colleagues_read_them(client, icb, lac):
    sign_in_verified(client, lac)
    response = client.get(reverse("organisations:leder_contact_mine"))
    page_url = reverse("organisations:leder_contact", kwargs={"ods_code": icb.ods_code})
    assert response.status_code == 302 and response["Location"] == page_url
    assert "No contact details yet" in client.get(page_url).content.decode()

    change_url = reverse("organisations:leder_contact_change", kwargs={"ods_code": icb.ods_code})
    response = client.post(change_url, {**DETAILS, "email": "wrong@", "telephone": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "0116 295 7572" in page  # what was typed stays
    response = client.post(change_url, DETAILS)
    assert response.status_code == 302

    reviewer = user_with_role(Role.REVIEWER, icb)
    sign_in_verified(client, reviewer)
    page = client.get(page_url).content.decode()
    assert "0116 295 0000" in page and "Change the contact details" not in page
    assert client.get(change_url).status_code == 403


def test_staff_of_another_icb_do_not_find_the_page(client, icb):
    stranger = user_with_role(Role.LAC, make_icb(name="NHS Elsewhere ICB"))
    sign_in_verified(client, stranger)
    page_url = reverse("organisations:leder_contact", kwargs={"ods_code": icb.ods_code})
    assert client.get(page_url).status_code == 404
