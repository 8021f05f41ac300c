"""Submitting a notification through the API and reading its status: the form's rules, the
idempotency key, and which organisation may read what."""

import uuid
from datetime import timedelta

import pytest

from leder.accounts.tests.factories import icb as make_icb
from leder.api.models import ApiScope, ApiSubmission
from leder.api.tests.factories import api_client, bearer, token_for
from leder.api.tests.payloads import changed, notification_payload
from leder.casework.models import Case, CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now, today
from leder.notifications.models import Channel, Notification, NotificationState
from leder.organisations.models import Organisation, OrganisationKind, Succession

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"


@pytest.fixture
def area():
    return make_icb()


def trust(code="TSTRX1"):
    return Organisation.objects.create(
        ods_code=code, name=f"Test Hospital Trust {code}", kind=OrganisationKind.TRUST
    )


@pytest.fixture
def sender():
    client = api_client(organisation=trust())
    return client, bearer(token_for(client))


def post(client, payload, headers, **extra):
    return client.post(URL, data=payload, content_type="application/json", **headers, **extra)


def errors_by_field(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        found.setdefault(error.get("field"), []).append(error["message"])
    return found


# --- submitting ----------------------------------------------------------------------------


def test_submission_creates_an_api_notification_and_says_its_status(client, sender, area):
    api, headers = sender
    response = post(client, notification_payload(area), headers)

    assert response.status_code == 201
    body = response.json()
    notification = Notification.objects.get(reference=body["reference"])
    assert notification.channel == Channel.API
    assert notification.icb == area
    assert notification.sources.get().organisation_name == api.organisation.name
    assert body["eligibility"] == {
        "outcome": "eligible",
        "description": "Eligible for a LeDeR review",
    }
    assert body["status"]["code"] == CaseState.NOTIFIED
    assert set(body) == {"reference", "received_at", "eligibility", "status"}
    assert ApiSubmission.objects.get(notification=notification).client == api


def test_submission_is_audited_with_the_client_as_actor(client, sender, area):
    api, headers = sender
    reference = post(client, notification_payload(area), headers).json()["reference"]
    notification = Notification.objects.get(reference=reference)
    rows = AuditEvent.objects.filter(object_id=str(notification.pk), action=AuditAction.CREATE)
    # The receipt itself names the client (not "the public").
    received = rows.get(summary=f"Notification {reference} received (api)")
    assert received.actor_label == f"api-client:{api.name}"


def test_same_idempotency_key_returns_the_same_notification_with_200(client, sender, area):
    _, headers = sender
    key = str(uuid.uuid4())
    payload = notification_payload(area)
    first = post(client, payload, headers, HTTP_IDEMPOTENCY_KEY=key)
    again = post(client, payload, headers, HTTP_IDEMPOTENCY_KEY=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert Notification.objects.count() == 1


def test_submission_key_in_the_body_is_the_idempotency_key(client, sender, area):
    _, headers = sender
    payload = {**notification_payload(area), "submission_key": str(uuid.uuid4())}
    first = post(client, payload, headers)
    again = post(client, payload, headers, HTTP_IDEMPOTENCY_KEY=payload["submission_key"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert Notification.objects.count() == 1


def test_without_a_key_each_request_is_a_new_notification(client, sender, area):
    _, headers = sender
    payload = notification_payload(area)
    assert post(client, payload, headers).status_code == 201
    assert post(client, payload, headers).status_code == 201
    assert Notification.objects.count() == 2


def test_a_key_reused_for_a_different_notification_is_409_and_writes_nothing(client, sender, area):
    _, headers = sender
    key = str(uuid.uuid4())
    post(client, notification_payload(area), headers, HTTP_IDEMPOTENCY_KEY=key)
    other = notification_payload(area, given_name="Someone", family_name="Else")
    response = post(client, other, headers, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert Notification.objects.count() == 1


def test_header_and_body_keys_that_differ_are_422(client, sender, area):
    _, headers = sender
    payload = {**notification_payload(area), "submission_key": str(uuid.uuid4())}
    response = post(client, payload, headers, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 422
    assert "submission_key" in errors_by_field(response)
    assert not Notification.objects.exists()


def test_two_clients_using_the_same_key_get_their_own_notifications(client, sender, area):
    _, headers = sender
    other = api_client(organisation=trust("TSTRX2"))
    key = str(uuid.uuid4())
    first = post(client, notification_payload(area), headers, HTTP_IDEMPOTENCY_KEY=key)
    second = post(
        client, notification_payload(area), bearer(token_for(other)), HTTP_IDEMPOTENCY_KEY=key
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["reference"] != second.json()["reference"]


def test_the_icb_is_derived_from_a_known_gp_practice_as_the_form_does(client, sender, area):
    _, headers = sender
    Organisation.objects.create(
        ods_code="TSTGP1", name="Test Surgery", kind=OrganisationKind.GP_PRACTICE, icb=area
    )
    payload = notification_payload(area, icb=None, gp_practice="tstgp1")
    response = post(client, payload, headers)
    assert response.status_code == 201
    assert Notification.objects.get().icb == area


def test_a_closed_icb_code_is_followed_to_its_successor(client, sender, area):
    _, headers = sender
    closed = make_icb(closed_on=today() - timedelta(days=30))
    Succession.objects.create(
        predecessor=closed,
        successor=area,
        effective_on=today() - timedelta(days=30),
        kind="merger",
        applied_at=now(),
    )
    response = post(client, notification_payload(closed), headers)
    assert response.status_code == 201
    assert Notification.objects.get().icb == area


def test_not_eligible_death_is_recorded_with_its_outcome(client, sender, area):
    _, headers = sender
    payload = notification_payload(area, has_learning_disability="no", is_autistic="no")
    response = post(client, payload, headers)
    assert response.status_code == 201
    assert response.json()["eligibility"]["outcome"] == "not_eligible"


def test_response_does_not_say_whether_the_death_was_notified_before(client, sender, area):
    _, headers = sender
    first = post(client, notification_payload(area), headers).json()
    second = post(client, notification_payload(area), headers).json()
    assert set(first) == set(second)
    assert first["status"] == second["status"]


# --- validation: the form's rules, in the one error format, nothing written ----------------


@pytest.mark.parametrize(
    ("section", "fields", "expected_field", "expected_message"),
    [
        (
            "person",
            {"date_of_death": "2099-01-01"},
            "person.date_of_death",
            "Date of death must be today or in the past",
        ),
        (
            "person",
            {"date_of_birth": "2026-01-02", "date_of_death": "2026-01-01"},
            "person.date_of_death",
            "Date of death must be the same as or after the date of birth",
        ),
        (
            "person",
            {"nhs_number": "9990000019"},
            "person.nhs_number",
            "Enter a valid NHS number, or leave this blank if you do not know it",
        ),
        (
            "person",
            {"given_name": ""},
            "person.given_name",
            "Enter the first name of the person who died",
        ),
        (
            "person",
            {"address": ""},
            "person.address",
            "Enter the address where the person usually lived, or as much of it as you know",
        ),
        (
            "person",
            {"postcode": "NOPE"},
            "person.postcode",
            "Enter a full UK postcode, like LS1 4AP",
        ),
        (
            "person",
            {"place_of_death": "other"},
            "person.place_of_death_detail",
            "Tell us where the person died",
        ),
        (
            "person",
            {"has_care_concerns": "yes"},
            "person.care_concerns",
            "Tell us about your concerns",
        ),
        (
            "person",
            {"ethnic_category": "ZZ"},
            "person.ethnic_category",
            "Select the person's ethnic group",
        ),
        (
            "notifier",
            {"email": "", "phone": ""},
            "notifier.email",
            "Enter an e-mail address or a phone number, so that we can contact you",
        ),
        (
            "notifier",
            {"relationship": "other"},
            "notifier.relationship_detail",
            "Tell us how you knew the person",
        ),
    ],
)
def test_form_rules_apply_with_the_form_messages(
    client, sender, area, section, fields, expected_field, expected_message
):
    _, headers = sender
    response = post(client, changed(notification_payload(area), section, **fields), headers)
    assert response.status_code == 422
    assert expected_message in errors_by_field(response).get(expected_field, [])
    assert not Notification.objects.exists()
    assert not ApiSubmission.objects.exists()


def test_unknown_icb_code_is_422(client, sender, area):
    _, headers = sender
    payload = notification_payload(area, icb="NOPE1")
    response = post(client, payload, headers)
    assert response.status_code == 422
    assert "person.icb" in errors_by_field(response)
    assert not Notification.objects.exists()


def test_no_icb_and_no_known_gp_practice_is_422(client, sender, area):
    _, headers = sender
    payload = notification_payload(area, icb=None, gp_practice="Somewhere unknown")
    response = post(client, payload, headers)
    assert response.status_code == 422
    assert "person.icb" in errors_by_field(response)


def test_wrong_types_are_422_with_the_field_named(client, sender, area):
    _, headers = sender
    payload = notification_payload(area, date_of_birth="not a date", covid="maybe")
    response = post(client, payload, headers)
    assert response.status_code == 422
    fields = errors_by_field(response)
    assert {"person.date_of_birth", "person.covid"} <= set(fields)
    assert all(e["code"] == "invalid" for e in response.json()["errors"])


def test_body_that_is_not_json_is_400_in_the_error_format(client, sender):
    _, headers = sender
    response = client.post(URL, data="{not json", content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"


def test_submitting_needs_the_submit_scope(client, area):
    api = api_client(organisation=trust(), scopes=[ApiScope.NOTIFICATIONS_READ])
    response = post(client, notification_payload(area), bearer(token_for(api)))
    assert response.status_code == 403
    assert not Notification.objects.exists()


# --- reading the status --------------------------------------------------------------------


def _submit(client, headers, area) -> str:
    return post(client, notification_payload(area), headers).json()["reference"]


def test_client_reads_the_status_of_its_own_notification_and_the_read_is_audited(
    client, sender, area
):
    api, headers = sender
    reference = _submit(client, headers, area)
    response = client.get(f"{URL}/{reference}", **headers)
    assert response.status_code == 200
    assert response.json()["reference"] == reference
    assert response.json()["status"]["code"] == CaseState.NOTIFIED
    notification = Notification.objects.get(reference=reference)
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_id=str(notification.pk),
        actor_label=f"api-client:{api.name}",
    ).exists()


def test_another_organisations_notification_is_404_like_an_unknown_one(client, sender, area):
    _, headers = sender
    reference = _submit(client, headers, area)
    outsider = api_client(organisation=trust("TSTRX9"))
    theirs = client.get(f"{URL}/{reference}", **bearer(token_for(outsider)))
    unknown = client.get(f"{URL}/LDR-2026-999999", **bearer(token_for(outsider)))
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()


def test_a_notification_sent_on_the_online_form_is_404_to_every_client(client, sender, area):
    from leder.notifications.tests.factories import notify

    _, headers = sender
    online = notify(area).notification
    assert client.get(f"{URL}/{online.reference}", **headers).status_code == 404


def test_another_client_of_the_same_organisation_can_read_it(client, sender, area):
    api, headers = sender
    reference = _submit(client, headers, area)
    colleague = api_client(organisation=api.organisation, name="Second system")
    response = client.get(f"{URL}/{reference}", **bearer(token_for(colleague)))
    assert response.status_code == 200


def test_status_shows_the_case_state_in_plain_words(client, sender, area):
    _, headers = sender
    reference = _submit(client, headers, area)
    notification = Notification.objects.get(reference=reference)
    Case.objects.create(
        notification=notification,
        state=CaseState.AWAITING_ALLOCATION,
        state_changed_at=now(),
        opened_at=now(),
        notified_on=today(),
        due_on=today() + timedelta(days=180),
    )
    status = client.get(f"{URL}/{reference}", **headers).json()["status"]
    assert status == {"code": "awaiting_allocation", "description": "Awaiting allocation"}


def test_status_of_a_merged_notification_says_only_that_it_was_received(client, sender, area):
    _, headers = sender
    first = Notification.objects.get(reference=_submit(client, headers, area))
    second = Notification.objects.get(reference=_submit(client, headers, area))
    second.state = NotificationState.MERGED
    second.merged_into = first
    second.save(update_fields=["state", "merged_into"])
    Case.objects.create(
        notification=first,
        state=CaseState.AWAITING_ALLOCATION,
        state_changed_at=now(),
        opened_at=now(),
        notified_on=today(),
        due_on=today() + timedelta(days=180),
    )
    body = client.get(f"{URL}/{second.reference}", **headers).json()
    assert body["status"] == {"code": "received", "description": "Received"}
    text = str(body).lower()
    assert first.reference.lower() not in text
    assert "merged" not in text and "allocation" not in text and "earlier" not in text


def test_reading_needs_the_read_scope(client, sender, area):
    api, headers = sender
    reference = _submit(client, headers, area)
    submit_only = api_client(
        organisation=api.organisation, name="Submit only", scopes=[ApiScope.NOTIFICATIONS_SUBMIT]
    )
    response = client.get(f"{URL}/{reference}", **bearer(token_for(submit_only)))
    assert response.status_code == 403
