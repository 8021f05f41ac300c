"""Exports through the services: pseudonyms, agreements, who may export, progress, the cohort's
records, downloads and their audit, recipients and agreements managed by administrators."""

from datetime import date, timedelta

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.api.tests.factories import api_client
from leder.casework.models import CaseState
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.exports import formats, services, tasks
from leder.exports.models import DatasetExport, ExportStatus, Recipient
from leder.exports.pseudonyms import pseudonym, recipient_key
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db

DIED = date(2025, 5, 20)


@pytest.fixture
def cases():
    return factories.area()


@pytest.fixture
def analyst():
    return factories.analyst()


@pytest.fixture
def recipient():
    return factories.recipient()


@pytest.fixture
def agreement(recipient):
    return factories.agreement(recipient)


def _frame(export: DatasetExport) -> pl.DataFrame:
    return pl.read_parquet(formats.export_dir(export) / export.files["parquet"])


# --- pseudonyms ----------------------------------------------------------------------------------


def test_pseudonyms_are_stable_for_one_recipient_and_differ_between_recipients(
    cases, analyst, django_capture_on_commit_callbacks
):
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED, nhs_number="9434765919")
    cases.make(
        CaseState.AWAITING_ALLOCATION,
        date_of_death=DIED,
        nhs_number="",
        given_name="Wilhelmina",
        family_name="Tarrant",
        date_of_birth=date(1971, 8, 9),
    )
    first, second = factories.recipient(name="First team"), factories.recipient(name="Second team")
    run = django_capture_on_commit_callbacks

    def pseudonyms(recipient):
        made = factories.export(
            run, actor=analyst, recipient=recipient, agreement=factories.agreement(recipient)
        )
        return sorted(_frame(made)["pseudonym"].to_list())

    once, again = pseudonyms(first), pseudonyms(first)
    other = pseudonyms(second)

    assert once == again
    assert len(set(once)) == 2
    assert not set(once) & set(other)
    assert all(len(p) == 64 and "9434765919" not in p for p in once)


def test_a_pseudonym_needs_the_installation_key_as_well_as_the_stored_salt(settings, recipient):
    with_one_key = pseudonym(recipient_key(recipient), nhs_number="9434765919", reference="x")
    settings.LEDER_PSEUDONYM_KEY = "another installation's key"
    with_another = pseudonym(recipient_key(recipient), nhs_number="9434765919", reference="x")
    assert with_one_key != with_another


def test_a_person_without_an_nhs_number_is_keyed_by_the_reference(recipient):
    key = recipient_key(recipient)
    assert pseudonym(key, nhs_number="", reference="LDR-2025-000001") != pseudonym(
        key, nhs_number="", reference="LDR-2025-000002"
    )
    assert pseudonym(key, nhs_number="943 476 5919", reference="a") == pseudonym(
        key, nhs_number="9434765919", reference="b"
    )


# --- the cohort ----------------------------------------------------------------------------------


def test_the_cohort_holds_eligible_deaths_of_the_year_and_leaves_out_the_rest(
    cases, analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED)
    cases.make(CaseState.INITIAL_REVIEW, date_of_death=DIED)
    cases.make(CaseState.NOTIFIED, date_of_death=DIED)
    cases.make(CaseState.NOT_ELIGIBLE, date_of_death=DIED)
    cases.make(CaseState.OPTED_OUT, date_of_death=DIED)
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=date(2024, 12, 31))

    made = factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )

    frame = _frame(made)
    assert sorted(frame["review_status"].to_list()) == [
        "awaiting_triage",
        "in_progress",
        "in_progress",
    ]
    # No review fields without a signed-off review.
    assert frame["grading_level"].null_count() == 3
    assert made.manifest["reconciliation"] == {
        "notified_deaths_in_cohort": 5,
        "included": 3,
        "left_out": {"not_eligible": 1, "opted_out": 1},
        "left_out_because": {
            "not_eligible": "not eligible",
            "opted_out": "national data opt-out",
            "suppressed_k_anonymity": "suppressed by the re-identification check (k-anonymity)",
        },
        "balanced": True,
    }


def test_a_financial_year_cohort_runs_from_april_to_march(
    cases, analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=date(2025, 3, 31))
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=date(2025, 4, 1))
    made = factories.export(
        django_capture_on_commit_callbacks,
        actor=analyst,
        recipient=recipient,
        agreement=agreement,
        year=2025,
        financial=True,
    )
    frame = _frame(made)
    assert frame.select("death_year", "death_month").rows() == [(2025, 4)]
    assert made.manifest["cohort"]["name"] == "Deaths in 2025 to 2026 (financial year)"


# --- agreements ----------------------------------------------------------------------------------


def test_an_expired_agreement_blocks_the_export_with_a_clear_message(analyst, recipient):
    expired = factories.agreement(
        recipient, starts_on=date(2023, 1, 1), expires_on=today() - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as refused:
        tasks.dataset_export_request(
            actor=analyst, recipient=recipient, agreement=expired, cohort_year=2025
        )
    assert "expired on" in refused.value.message_dict["agreement"][0]
    assert not DatasetExport.objects.exists()


def test_an_agreement_not_yet_started_blocks_the_export(analyst, recipient):
    future = factories.agreement(
        recipient, starts_on=today() + timedelta(days=3), expires_on=today() + timedelta(days=30)
    )
    with pytest.raises(ValidationError) as refused:
        tasks.dataset_export_request(
            actor=analyst, recipient=recipient, agreement=future, cohort_year=2025
        )
    assert "does not start until" in refused.value.message_dict["agreement"][0]


def test_another_recipients_agreement_cannot_be_used(analyst, recipient):
    other = factories.recipient(name="Other team")
    with pytest.raises(ValidationError) as refused:
        tasks.dataset_export_request(
            actor=analyst,
            recipient=recipient,
            agreement=factories.agreement(other),
            cohort_year=2025,
        )
    assert refused.value.message_dict["agreement"] == [f"This agreement is not with {recipient}"]


def test_an_agreement_that_expires_before_the_task_runs_fails_the_export(
    analyst, recipient, agreement
):
    made = tasks.dataset_export_request(
        actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2025
    )  # not run: no on_commit in this test transaction
    agreement.expires_on = today() - timedelta(days=1)
    agreement.starts_on = today() - timedelta(days=10)
    agreement.save()
    done = services.dataset_export_run(export_id=made.pk)
    assert done.status == ExportStatus.FAILED
    assert "expired on" in done.failure
    assert done.files == {}


def test_bad_requests_say_what_is_wrong_and_write_nothing(analyst, recipient, agreement):
    with pytest.raises(ValidationError) as refused:
        tasks.dataset_export_request(
            actor=analyst,
            recipient=recipient,
            agreement=agreement,
            cohort_year=1999,
            formats=["pdf"],
        )
    assert set(refused.value.message_dict) == {"cohort_year", "formats"}
    with pytest.raises(ValidationError) as refused:
        tasks.dataset_export_request(
            actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2025, formats=[]
        )
    assert refused.value.message_dict["formats"] == ["Choose at least one format"]
    assert not DatasetExport.objects.exists()


# --- who may export ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.ADMINISTRATOR,
        Role.LAC,
        Role.ICB_LEAD,
        Role.REVIEWER,
        Role.SENIOR_REVIEWER,
        Role.PANEL_CHAIR,
        Role.REGIONAL_COORDINATOR,
    ],
)
def test_only_a_national_analyst_can_request_an_export(role, recipient, agreement):
    with pytest.raises(PermissionDenied):
        tasks.dataset_export_request(
            actor=user_with_role(role), recipient=recipient, agreement=agreement, cohort_year=2025
        )


def test_an_api_client_may_export_for_its_own_recipient_only(recipient, agreement):
    client = api_client(scopes=["dataset:export"])
    other = factories.recipient(name="Linked team", api_client=client)
    with pytest.raises(PermissionDenied):
        tasks.dataset_export_request(
            actor=client, recipient=recipient, agreement=agreement, cohort_year=2025
        )
    made = tasks.dataset_export_request(
        actor=client, recipient=other, agreement=factories.agreement(other), cohort_year=2025
    )
    assert made.requested_by is None
    assert made.requested_by_label == f"api-client:{client.name}"


# --- progress and downloads ----------------------------------------------------------------------


def test_the_task_reports_progress_up_to_done(
    cases, analyst, recipient, agreement, monkeypatch, django_capture_on_commit_callbacks
):
    for _ in range(3):
        cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED)
    seen = []
    original = services._set_progress

    def spy(export_id, percent):
        seen.append(percent)
        original(export_id, percent)

    monkeypatch.setattr(services, "_set_progress", spy)
    made = factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )
    assert made.status == ExportStatus.DONE
    assert made.progress == 100
    assert seen == sorted(seen) and seen[0] < 100 and len(seen) >= 3
    assert made.row_count == 3


def test_only_requested_formats_are_written(
    analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    made = factories.export(
        django_capture_on_commit_callbacks,
        actor=analyst,
        recipient=recipient,
        agreement=agreement,
        formats=["parquet", "csv"],
    )
    assert made.formats == ["csv", "parquet"]
    assert set(made.files) == {"csv", "parquet", "spec_csv", "spec_json", "manifest"}


def test_every_download_is_audited_with_the_file_hash(
    analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    made = factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )
    for kind in ("csv", "csv", "manifest"):
        download = services.dataset_download(actor=analyst, export=made, kind=kind)
        assert download.path.exists()
    rows = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(made.pk))
    assert rows.count() == 3
    first = rows.order_by("sequence").first()
    assert first.actor == analyst
    assert first.details["sha256"] == formats.sha256_of(
        formats.export_dir(made) / made.files["csv"]
    )


def test_reading_the_records_is_audited_once_per_export(
    cases, analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED)
    cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED)
    made = factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="exports.DatasetExport", object_id=str(made.pk)
    )
    assert views.count() == 1
    assert views.get().details["rows"] == 2


def test_downloads_stop_when_the_agreement_expires(
    analyst, recipient, agreement, django_capture_on_commit_callbacks
):
    made = factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )
    services.agreement_update(
        actor=factories.administrator(),
        agreement=agreement,
        starts_on=today() - timedelta(days=60),
        expires_on=today() - timedelta(days=1),
    )
    made.refresh_from_db()
    with pytest.raises(PermissionDenied, match="expired on"):
        services.dataset_download(actor=analyst, export=made, kind="csv")


def test_a_download_is_refused_to_anyone_but_an_analyst_and_before_it_is_ready(
    analyst, recipient, agreement
):
    queued = tasks.dataset_export_request(
        actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2025
    )
    with pytest.raises(ValidationError, match="not ready"):
        services.dataset_download(actor=analyst, export=queued, kind="csv")
    with pytest.raises(PermissionDenied):
        services.dataset_download(actor=factories.administrator(), export=queued, kind="csv")


# --- recipients and agreements -------------------------------------------------------------------


def test_administrators_manage_recipients_and_agreements_and_it_is_audited():
    admin = factories.administrator()
    made = factories.recipient(admin=admin)
    assert len(made.pseudonym_salt) == 64
    services.recipient_update(actor=admin, recipient=made, contact_name="New lead")
    dsa = factories.agreement(made, admin=admin)
    summaries = list(
        AuditEvent.objects.filter(actor=admin)
        .order_by("sequence")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        f"Dataset recipient {made.name} created",
        f"Dataset recipient {made.name} changed",
        f"Data-sharing agreement {dsa.reference} with {made.name} recorded",
    ]


def test_an_analyst_cannot_manage_recipients(analyst):
    with pytest.raises(PermissionDenied):
        services.recipient_create(actor=analyst, name="X", organisation="Y")
    assert not Recipient.objects.exists()


def test_agreement_dates_must_make_sense(recipient):
    with pytest.raises(ValidationError) as refused:
        services.agreement_create(
            actor=factories.administrator(),
            recipient=recipient,
            reference="DSA-X",
            purpose="Analysis",
            legal_basis="s251",
            starts_on=date(2026, 5, 1),
            expires_on=date(2026, 4, 1),
        )
    assert refused.value.message_dict == {
        "expires_on": ["The expiry date must be on or after the start date"]
    }


def test_an_api_client_without_the_dataset_scope_cannot_be_linked():
    client = api_client(scopes=["reference:read"])
    with pytest.raises(ValidationError) as refused:
        factories.recipient(api_client=client)
    assert "dataset:export" in refused.value.message_dict["api_client"][0]


def test_reading_deaths_without_reviews_takes_the_same_queries_however_many(cases, recipient):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leder.analytics.cohorts import Cohort
    from leder.exports.dataset import build_dataset

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_dataset(cohort=Cohort.deaths_in(2025), pseudonym_key=recipient_key(recipient))
        return len(captured)

    for _ in range(2):
        cases.make(CaseState.AWAITING_ALLOCATION, date_of_death=DIED)
    few = queries()
    for _ in range(4):
        cases.make(CaseState.INITIAL_REVIEW, date_of_death=DIED)
    assert queries() == few


def test_an_export_that_breaks_is_marked_failed_with_no_files_left(
    analyst, recipient, agreement, monkeypatch, django_capture_on_commit_callbacks
):
    import leder.exports.dataset

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(leder.exports.dataset, "build_dataset", broken)
    made = factories.export(
        django_capture_on_commit_callbacks, actor=analyst, recipient=recipient, agreement=agreement
    )
    assert made.status == ExportStatus.FAILED
    assert made.failure == "The export could not be made."  # no internals shown
    assert made.files == {} and not formats.export_dir(made).exists()
    # A second run (a retried task) does nothing.
    assert services.dataset_export_run(export_id=made.pk).status == ExportStatus.FAILED
