"""How to reach a contact and what they prefer and need: telephone, email, postal address, the
way they would like to be contacted, language and interpreter, easy read, large print and an
advocate. The service checks each; the page keeps what was typed when something is wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leder.accounts.tests.factories import sign_in_verified
from leder.core.models import AuditAction, AuditEvent
from leder.reviews.models import Contact, ContactPreference, ReviewVersion
from leder.reviews.services import contacts as services

pytestmark = pytest.mark.django_db


def url(name: str, case, **kwargs) -> str:
    return reverse(
        f"reviews:{name}", kwargs={"reference": case.reference, "kind": "initial", **kwargs}
    )


FULL = {
    "telephone": "07700 900 982",
    "email": "ann.baker@example.com",
    "address": "12 Mill Lane\n\n  Leicester  ",
    "postcode": "le1 4ap",
    "preferred_contact": ContactPreference.LETTER,
    "language": "Polish",
    "needs_interpreter": True,
    "easy_read": True,
    "large_print": True,
    "advocate_name": "Sam Patel",
    "advocate_telephone": "0116 496 0123",
    "advocate_email": "sam@advocacy.example",
}


def test_a_contact_keeps_how_to_reach_them_and_what_they_need(review, reviewer):
    contact = services.contact_add(
        actor=reviewer, review=review, name="Ann Baker", kind="family", **FULL
    )
    contact.refresh_from_db()
    assert contact.telephone == "07700 900 982"
    assert contact.email == "ann.baker@example.com"
    assert contact.address == "12 Mill Lane\nLeicester"
    assert contact.postcode == "LE1 4AP"
    assert contact.postal_address_lines == ["Ann Baker", "12 Mill Lane", "Leicester", "LE1 4AP"]
    assert (contact.language, contact.needs_interpreter) == ("Polish", True)
    assert contact.easy_read and contact.large_print
    assert contact.advocate_name == "Sam Patel"
    snapshot = ReviewVersion.objects.latest("number").snapshot["contacts"]["contacts"][0]
    assert snapshot["telephone"] == "07700 900 982" and snapshot["preferred_contact"] == "Letter"


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter an email address in the correct format"),
        ({"telephone": "call me"}, "telephone", "Enter a telephone number"),
        ({"telephone": "0116"}, "telephone", "Enter a telephone number"),
        ({"address": "12 Mill Lane"}, "postcode", "Enter the postcode of their address"),
        ({"postcode": "LE1 4AP"}, "address", "Enter their address"),
        ({"address": "1 Lane", "postcode": "NOT A CODE"}, "postcode", "Enter a full UK postcode"),
        ({"preferred_contact": "email"}, "email", "Enter their email address, or choose"),
        ({"preferred_contact": "letter"}, "address", "Enter their postal address"),
        ({"preferred_contact": "phone"}, "telephone", "Enter their telephone number"),
        (
            {"preferred_contact": "text", "telephone": "0116 496 0123"},
            "telephone",
            "Enter a mobile number for text messages",
        ),
        ({"preferred_contact": "advocate"}, "advocate_name", "Enter their advocate's name"),
        ({"preferred_contact": "pigeon"}, "preferred_contact", "Select how they would like"),
        ({"needs_interpreter": True}, "language", "Enter the language they need"),
        ({"advocate_email": "sam@advocacy.example"}, "advocate_name", "Enter the advocate's name"),
        ({"advocate_email": "sam@"}, "advocate_email", "Enter the advocate's email address"),
    ],
)
def test_each_detail_is_checked_and_nothing_is_written(review, reviewer, details, field, message):
    before = (Contact.objects.count(), ReviewVersion.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.contact_add(actor=reviewer, review=review, name="Ann", kind="family", **details)
    assert refused.value.message_dict[field][0].startswith(message)
    assert (Contact.objects.count(), ReviewVersion.objects.count()) == before


def test_a_change_of_details_is_audited_by_field_name_never_by_value(review, reviewer):
    contact = services.contact_add(actor=reviewer, review=review, name="Ann", kind="family")
    services.contact_update(
        actor=reviewer,
        contact=contact,
        name="Ann",
        kind="family",
        email="ann@example.com",
        preferred_contact="email",
    )
    event = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="reviews.Contact", object_id=str(contact.pk)
    ).get()
    assert sorted(event.details["changed"]) == ["email", "preferred_contact"]
    assert "ann@example.com" not in str(event.details) + event.summary


def test_the_reviewer_records_details_through_the_page(client, review, reviewer):
    case = review.case
    sign_in_verified(client, reviewer)
    page = client.get(url("contact_add", case)).content.decode()
    for label in ("Telephone", "Email address", "Postal address", "How would they like"):
        assert label in page
    response = client.post(
        url("contact_add", case),
        {
            "name": "Ann Baker",
            "kind": "family",
            "role": "Sister",
            "telephone": "07700 900 982",
            "email": "ann.baker@example.com",
            "address": "12 Mill Lane\r\nLeicester",
            "postcode": "LE1 4AP",
            "preferred_contact": "email",
            "language": "Polish",
            "needs_interpreter": "on",
            "easy_read": "on",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.email == "ann.baker@example.com" and contact.needs_interpreter
    page = client.get(url("contacts", case)).content.decode()
    assert "07700 900 982" in page and "12 Mill Lane, Leicester, LE1 4AP" in page
    assert "Polish, with an interpreter; Easy read" in page
    assert "Email" in page


def test_a_wrong_detail_on_the_page_is_shown_beside_it_and_keeps_the_rest(client, review, reviewer):
    sign_in_verified(client, reviewer)
    response = client.post(
        url("contact_add", review.case),
        {
            "name": "Ann Baker",
            "kind": "family",
            "telephone": "07700 900 982",
            "preferred_contact": "letter",
            "notes": "Prefers afternoons",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter their postal address and postcode, or choose another way" in page
    assert "07700 900 982" in page and "Prefers afternoons" in page
    assert Contact.objects.count() == 0
