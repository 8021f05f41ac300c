"""The export API: scope, the client's own recipient only, starting an export, its status and
files, refusals in the API's one error format."""

from datetime import date, timedelta

import pytest

from leder.api.tests.factories import api_client, bearer, token_for
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.exports.models import DatasetExport
from leder.exports.tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("leder.exports.tests.api_urls")]

URL = "/api/v1/exports"


@pytest.fixture
def linked():
    """An API client with the dataset scope, linked to a recipient with an agreement in force."""
    client = api_client(scopes=["dataset:export"])
    recipient = factories.recipient(name="Linked analysis team", api_client=client)
    agreement = factories.agreement(recipient, reference="DSA-API-1")
    return client, bearer(token_for(client)), recipient, agreement


@pytest.fixture
def deaths():
    cases = factories.area()
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=date(2025, 3, 1))
    cases.make(CaseState.INITIAL_REVIEW, date_of_death=date(2025, 8, 1))


def _start(client, headers, capture, **body):
    with capture(execute=True):
        return client.post(
            URL, {"cohort_year": 2025, **body}, content_type="application/json", **headers
        )


def test_a_linked_client_starts_an_export_follows_it_and_fetches_its_files(
    client, linked, deaths, django_capture_on_commit_callbacks
):
    api, headers, _, _ = linked
    response = _start(client, headers, django_capture_on_commit_callbacks, formats=["csv"])
    assert response.status_code == 202, response.json()
    export = DatasetExport.objects.get()
    assert export.requested_by_label == f"api-client:{api.name}"

    status = client.get(f"{URL}/{export.pk}", **headers).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["row_count"] == 2
    assert status["agreement_reference"] == "DSA-API-1"
    assert status["manifest"]["rows"] == 2
    kinds = {f["kind"]: f["url"] for f in status["files"]}
    assert set(kinds) == {"csv", "spec_csv", "spec_json", "manifest"}

    fetched = client.get(kinds["csv"], **headers)
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content).startswith(b"pseudonym,")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor_label == f"api-client:{api.name}"
    assert [e["id"] for e in client.get(URL, **headers).json()] == [export.pk]


def test_a_client_without_the_scope_is_refused(client, linked):
    other = api_client(scopes=["reference:read"])
    headers = bearer(token_for(other))
    for response in (
        client.post(URL, {"cohort_year": 2025}, content_type="application/json", **headers),
        client.get(URL, **headers),
    ):
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "scope_missing"
    assert not DatasetExport.objects.exists()


def test_a_client_with_the_scope_but_no_recipient_is_refused(client):
    headers = bearer(token_for(api_client(scopes=["dataset:export"])))
    response = client.post(URL, {"cohort_year": 2025}, content_type="application/json", **headers)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "no_recipient"


def test_a_client_cannot_see_or_fetch_another_recipients_export(
    client, linked, django_capture_on_commit_callbacks
):
    _, headers, _, _ = linked
    other = factories.recipient(name="Someone else")
    theirs = factories.export(
        django_capture_on_commit_callbacks,
        actor=factories.analyst(),
        recipient=other,
        agreement=factories.agreement(other),
    )
    assert client.get(f"{URL}/{theirs.pk}", **headers).status_code == 404
    response = client.get(f"{URL}/{theirs.pk}/files/csv", **headers)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert client.get(URL, **headers).json() == []
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_expired_agreement_blocks_the_export_with_a_clear_message(client):
    api = api_client(scopes=["dataset:export"])
    recipient = factories.recipient(name="Lapsed team", api_client=api)
    factories.agreement(
        recipient, starts_on=date(2023, 1, 1), expires_on=today() - timedelta(days=1)
    )
    response = client.post(
        URL, {"cohort_year": 2025}, content_type="application/json", **bearer(token_for(api))
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "agreement_reference"
    assert "expired on" in error["message"]
    assert not DatasetExport.objects.exists()


def test_bad_bodies_are_refused_field_by_field(client, linked):
    _, headers, _, _ = linked
    response = client.post(
        URL,
        {"cohort_year": 1990, "formats": ["csv"], "agreement_reference": "NOPE"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "agreement_reference"
    response = client.post(URL, {"cohort_year": 1990}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cohort_year"
    response = client.post(URL, {"formats": ["pdf"]}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"cohort_year"}
    assert not DatasetExport.objects.exists()


def test_a_format_a_finished_export_lacks_is_not_found_and_references_ignore_case(
    client, linked, deaths, django_capture_on_commit_callbacks
):
    _, headers, _, _ = linked
    response = _start(
        client,
        headers,
        django_capture_on_commit_callbacks,
        formats=["csv"],
        agreement_reference="dsa-api-1",
    )
    assert response.status_code == 202, response.json()
    export = DatasetExport.objects.get()
    response = client.get(f"{URL}/{export.pk}/files/parquet", **headers)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_file_of_an_export_not_done_yet_is_a_conflict(client, linked):
    api, headers, recipient, agreement = linked
    from leder.exports import tasks

    queued = tasks.dataset_export_request(
        actor=api, recipient=recipient, agreement=agreement, cohort_year=2025
    )  # not run: its task waits for a commit this test never makes
    response = client.get(f"{URL}/{queued.pk}/files/csv", **headers)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "not_ready"
    assert client.get(f"{URL}/{queued.pk}", **headers).json()["files"] == []


def test_no_token_is_unauthenticated(client):
    assert client.get(URL).status_code == 401
