"""The import services: the dry run's exact report, the all-or-nothing commit, re-imports, both
file kinds, bad files and who may import."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import Case, CaseEvent, CaseState
from leder.core.models import AuditEvent
from leder.governance.models import SignOff
from leder.imports import services, tasks, writing
from leder.imports.models import BatchStatus, ImportBatch, ImportedReview, ImportRow
from leder.imports.tests.factories import as_csv, as_xlsx, completed, row
from leder.notifications.models import Channel, Notification
from leder.notifications.tests.factories import nhs_number, notify
from leder.reviews.models import LearningItem, Review, ReviewSection

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb()


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


def upload(lac, icb, content, name="deaths.csv"):
    return tasks.import_batch_upload(actor=lac, icb=icb, file_name=name, content=content)


def mixed_rows():
    """Rows 2..8 of a file: two good, a duplicate of the database, a duplicate of row 2, and
    three bad rows."""
    first, second, known = nhs_number(), nhs_number(), nhs_number()
    return known, [
        row(nhs_number=first),  # 2: good, notified
        completed(  # 3: good, completed review
            nhs_number=second, given_name="Peter", family_name="Ansah", date_of_birth="1958-06-02"
        ),
        row(nhs_number=known, given_name="Sam", family_name="Okafor"),  # 4: in the database
        row(nhs_number=first, given_name="Jo", family_name="Walsh"),  # 5: same as row 2
        row(  # 6: bad person and notifier
            given_name="",
            date_of_birth="31/02/1970",
            nhs_number="1234567890",
            notifier_email="",
            outcome="finished",
        ),
        completed(  # 7: bad review
            given_name="Ann",
            family_name="Lee",
            nhs_number=nhs_number(),
            grading="9",
            underlying_cause_code="XYZ",
            learning_themes="Reasonable adjustments; Nope",
            review_summary="",
        ),
        row(  # 8: not eligible without a reason, with a review column filled in
            given_name="Bill",
            family_name="Stone",
            nhs_number=nhs_number(),
            outcome="not_eligible",
            grading="3",
        ),
    ]


EXPECTED_ERRORS = {
    6: [
        ("given_name", "Enter the first name of the person who died"),
        ("date_of_birth", "Date of birth must be a real date"),
        ("nhs_number", "Enter a valid NHS number, or leave this blank if you do not know it"),
        ("notifier_email", "Enter an e-mail address or a phone number for the notifier"),
        (
            "outcome",
            "“finished” is not a case outcome: use one of notified, awaiting_allocation, "
            "allocated, in_review, on_hold, child_death_review, not_eligible, completed",
        ),
    ],
    7: [
        (
            "grading",
            "“9” is not a grade on the grading scale in force when the review was "
            "completed: use one of 1, 2, 3, 4, 5, 6",
        ),
        (
            "underlying_cause_code",
            "“XYZ” is not an ICD-10 code that can be given as a cause of "
            "death. Enter a code like J18.9",
        ),
        (
            "learning_themes",
            "“Nope” is not a learning theme. Use the theme names in the import "
            "guide, separated by semicolons",
        ),
        ("review_summary", "Enter the summary of the review"),
    ],
    8: [
        ("outcome_reason", "Enter why the death was not eligible for review"),
        (
            "grading",
            "Leave this empty: review details are imported only when the outcome is completed",
        ),
    ],
}


def test_a_mixed_file_gives_the_exact_report(icb, lac):
    known, rows = mixed_rows()
    existing = notify(icb, nhs_number=known, given_name="Samuel", family_name="Okafor")
    before = Notification.objects.count()

    batch = upload(lac, icb, as_csv(rows))

    assert batch.status == BatchStatus.CHECKED
    assert batch.report["counts"] == {"total": 7, "ready": 2, "duplicate": 2, "rejected": 3}
    by_row = {r["row"]: r for r in batch.report["rows"]}
    assert [r["row"] for r in batch.report["rows"]] == [2, 3, 4, 5, 6, 7, 8]
    assert by_row[2]["outcome"] == by_row[3]["outcome"] == "ready"
    assert by_row[4] == {
        "row": 4,
        "outcome": "duplicate",
        "reason": f"Already notified as {existing.notification.reference}: same NHS number",
        "case_outcome": "notified",
        "errors": [],
    }
    assert by_row[5]["outcome"] == "duplicate"
    assert by_row[5]["reason"] == "Same death as row 2 of this file: same NHS number"
    for number, expected in EXPECTED_ERRORS.items():
        assert by_row[number]["outcome"] == "rejected"
        got = [(e["column"], e["message"]) for e in by_row[number]["errors"]]
        assert got == expected, number
    # The per-row outcomes are kept too, and nothing but the batch was written.
    assert list(ImportRow.objects.filter(batch=batch).values_list("row_number", "outcome")) == [
        (2, "ready"),
        (3, "ready"),
        (4, "duplicate"),
        (5, "duplicate"),
        (6, "rejected"),
        (7, "rejected"),
        (8, "rejected"),
    ]
    assert Notification.objects.count() == before
    assert (services.imports_folder() / batch.stored_name).read_bytes() == as_csv(rows)


def test_commit_imports_exactly_the_good_rows_and_accounts_for_every_row(
    icb, lac, django_capture_on_commit_callbacks
):
    known, rows = mixed_rows()
    notify(icb, nhs_number=known, given_name="Samuel", family_name="Okafor")
    batch = upload(lac, icb, as_csv(rows))
    stored = services.imports_folder() / batch.stored_name
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_batch_commit(actor=lac, batch=batch)

    assert batch.status == BatchStatus.COMMITTED
    assert (batch.rows_imported, batch.rows_duplicate, batch.rows_rejected) == (2, 2, 3)
    assert batch.rows_imported + batch.rows_duplicate + batch.rows_rejected == batch.rows_total
    outcomes = dict(ImportRow.objects.filter(batch=batch).values_list("row_number", "outcome"))
    assert outcomes == {
        2: "imported",
        3: "imported",
        4: "duplicate",
        5: "duplicate",
        6: "rejected",
        7: "rejected",
        8: "rejected",
    }
    assert Notification.objects.count() == before + 2
    notified = ImportRow.objects.get(batch=batch, row_number=2).notification
    reviewed = ImportRow.objects.get(batch=batch, row_number=3).notification
    for notification in (notified, reviewed):
        assert notification.channel == Channel.IMPORT
        assert timezone.localtime(notification.received_at).date() == date(2024, 10, 2)
        assert notification.sources.get().recorded_by == lac
    # A notified row opens no case; the completed row's case is completed with a locked review.
    assert not Case.objects.filter(notification=notified).exists()
    case = Case.objects.get(notification=reviewed)
    assert case.state == CaseState.COMPLETED
    assert case.notified_on == date(2024, 10, 2)
    review = Review.objects.get(case=case)
    imported = ImportedReview.objects.get(review=review)
    assert (imported.batch, imported.row_number, imported.completed_on) == (
        batch,
        3,
        date(2025, 3, 14),
    )
    assert timezone.localtime(review.submitted_at).date() == date(2025, 3, 14)
    assert timezone.localtime(review.started_at).date() == date(2024, 10, 2)
    assert SignOff.objects.get(review=review, reopened_at__isnull=True).route == "imported"
    grading = ReviewSection.objects.get(review=review, key="grading").data
    assert grading["level"] == 2
    cause = ReviewSection.objects.get(review=review, key="cause_of_death").data
    assert (cause["underlying_cause_code"], cause["place_of_death"]) == ("J69.0", "hospital")
    item = LearningItem.objects.get(review=review)
    assert sorted(t.name for t in item.themes.all()) == ["Communication", "Reasonable adjustments"]
    # The audit says "imported", with the batch and the row.
    review_audit = AuditEvent.objects.get(
        object_type="reviews.Review", object_id=str(review.pk), action="create"
    )
    assert review_audit.details["imported"] is True
    assert (review_audit.details["batch"], review_audit.details["row"]) == (batch.pk, 3)
    assert review_audit.details["completed_on"] == "2025-03-14"
    event = CaseEvent.objects.get(case=case, to_state=CaseState.COMPLETED)
    assert event.details == {"imported": True, "batch": batch.pk, "row": 3}
    # The file is not kept once the batch is committed.
    assert not stored.exists()


def test_outcomes_other_than_completed_are_recorded_by_triage(icb, lac):
    rows = [
        row(nhs_number=nhs_number(), outcome="eligible"),
        row(
            nhs_number=nhs_number(),
            given_name="Amy",
            outcome="not_eligible",
            outcome_reason="Not known to have a learning disability",
            has_learning_disability="no",
        ),
        row(
            nhs_number=nhs_number(),
            given_name="Tom",
            date_of_birth="2012-01-01",
            outcome="Child death review",
        ),
    ]
    batch = services.import_batch_commit(actor=lac, batch=upload(lac, icb, as_csv(rows)))
    rows_in_order = ImportRow.objects.filter(batch=batch).order_by("row_number")
    states = [r.notification.case.state for r in rows_in_order]
    assert states == [
        CaseState.AWAITING_ALLOCATION,
        CaseState.NOT_ELIGIBLE,
        CaseState.CHILD_DEATH_REVIEW,
    ]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Notification, Case, CaseEvent, Review, ReviewSection, SignOff, ImportedReview)
    }


def test_a_failure_part_way_leaves_the_database_unchanged(icb, lac, monkeypatch):
    rows = [
        row(nhs_number=nhs_number()),
        completed(nhs_number=nhs_number(), given_name="Peter", family_name="Ansah"),
        row(nhs_number=nhs_number(), given_name="Amy", family_name="Lee"),
    ]
    batch = upload(lac, icb, as_csv(rows))
    before = _counts()
    audit_before = AuditEvent.objects.count()

    def refuse(*args, **kwargs):
        raise ValidationError("the review could not be locked.")

    # The notifications and cases are written before the reviews refuse.
    monkeypatch.setattr(writing, "_reviews", refuse)
    with pytest.raises(services.ImportFailed) as failed:
        services.import_batch_commit(actor=lac, batch=batch)

    assert str(failed.value) == (
        "The import could not be completed: the review could not be locked. Nothing was imported."
    )
    assert _counts() == before
    # Only the failure itself is audited.
    assert AuditEvent.objects.count() == audit_before + 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED
    assert batch.failure == str(failed.value)
    assert set(ImportRow.objects.filter(batch=batch).values_list("outcome", flat=True)) == {"ready"}
    # The file is kept, so the contact can try again once the problem is put right.
    assert (services.imports_folder() / batch.stored_name).exists()


def test_reimporting_the_same_file_imports_nothing_new(icb, lac):
    content = as_csv(
        [
            row(nhs_number=nhs_number()),
            completed(nhs_number=nhs_number(), given_name="Peter", family_name="Ansah"),
        ]
    )
    first = services.import_batch_commit(actor=lac, batch=upload(lac, icb, content))
    references = set(first.rows.values_list("notification__reference", flat=True))
    before = _counts()

    again = upload(lac, icb, content)
    assert again.report["counts"] == {"total": 2, "ready": 0, "duplicate": 2, "rejected": 0}
    assert {r["reason"] for r in again.report["rows"]} == {
        f"Already imported from this file as {ref}" for ref in references
    }
    again = services.import_batch_commit(actor=lac, batch=again)
    assert again.rows_imported == 0
    assert _counts() == before


def test_an_xlsx_file_gives_the_same_report_as_the_csv(icb, lac):
    known, rows = mixed_rows()
    notify(icb, nhs_number=known, given_name="Samuel", family_name="Okafor")
    from_csv = upload(lac, icb, as_csv(rows))
    # Spreadsheet date cells are real dates, not text.
    as_dates = [
        {**r, "date_of_death": date(2024, 9, 30)} if r.get("given_name") == "Joanne" else r
        for r in rows
    ]
    from_xlsx = upload(lac, icb, as_xlsx(as_dates), name="deaths.xlsx")
    assert from_xlsx.report == from_csv.report
    assert services.import_batch_commit(actor=lac, batch=from_xlsx).rows_imported == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "deaths.txt",
            b"given_name\nJo\n",
            "The file must be a CSV (.csv) or Excel (.xlsx) file made from the import template.",
        ),
        ("deaths.csv", b"", "The file is empty. Fill in the import template and upload it again."),
        (
            "deaths.csv",
            b"\n\n",
            "The file is empty. Fill in the import template and upload it again.",
        ),
        (
            "deaths.xlsx",
            b"not a spreadsheet",
            "The file is not a valid Excel (.xlsx) file. Save it as .xlsx again.",
        ),
        (
            "deaths.xlsx",
            b"PK\x03\x04broken",
            "The file is not a valid Excel (.xlsx) file. Save it as .xlsx again.",
        ),
    ],
)
def test_a_bad_file_gives_a_clear_message_and_writes_nothing(icb, lac, name, content, message):
    with pytest.raises(ValidationError) as refused:
        upload(lac, icb, content, name=name)
    assert refused.value.message_dict == {"file": [message]}
    assert not services.imports_folder().exists() or not any(services.imports_folder().iterdir())
    assert not ImportBatch.objects.exists()


def test_missing_columns_are_named(icb, lac):
    from leder.imports.columns import NAMES

    columns = [c for c in NAMES if c not in ("grading", "notifier_name")]
    with pytest.raises(ValidationError) as refused:
        upload(lac, icb, as_csv([row()], columns=columns))
    assert refused.value.message_dict == {
        "file": [
            "The file is missing these columns: notifier_name, grading. Start from the import "
            "template, which has every column."
        ]
    }


def test_headings_without_rows_are_refused(icb, lac):
    with pytest.raises(ValidationError) as refused:
        upload(lac, icb, as_csv([]))
    assert refused.value.message_dict["file"] == [
        "The file has column headings but no rows. Add one row for each death and upload it again."
    ]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SENIOR_REVIEWER, Role.PANEL_CHAIR])
def test_only_a_local_area_contact_of_the_icb_may_import(icb, lac, role):
    other = user_with_role(role, icb)
    content = as_csv([row(nhs_number=nhs_number())])
    with pytest.raises(PermissionDenied):
        upload(other, icb, content)
    batch = upload(lac, icb, content)
    with pytest.raises(PermissionDenied):
        services.import_batch_commit(actor=other, batch=batch)
    with pytest.raises(PermissionDenied):
        services.import_batch_discard(actor=other, batch=batch)
    elsewhere = user_with_role(Role.LAC, make_icb())
    with pytest.raises(PermissionDenied):
        services.import_batch_commit(actor=elsewhere, batch=batch)
    assert Notification.objects.count() == 0


def test_discard_drops_the_batch_and_its_file(icb, lac, django_capture_on_commit_callbacks):
    batch = upload(lac, icb, as_csv([row(nhs_number=nhs_number())]))
    stored = services.imports_folder() / batch.stored_name
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_batch_discard(actor=lac, batch=batch)
    assert batch.status == BatchStatus.DISCARDED
    assert not stored.exists()
    with pytest.raises(ValidationError):
        services.import_batch_commit(actor=lac, batch=batch)
    assert Notification.objects.count() == 0


def test_a_commit_is_refused_when_the_rows_no_longer_check_the_same(icb, lac):
    number = nhs_number()
    batch = upload(lac, icb, as_csv([row(nhs_number=number)]))
    notify(icb, nhs_number=number)  # someone notified the same death meanwhile
    before = Notification.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.import_batch_commit(actor=lac, batch=batch)
    assert "no longer check as they did" in refused.value.messages[0]
    assert Notification.objects.count() == before
    batch.refresh_from_db()
    assert batch.report["counts"]["duplicate"] == 1
    assert batch.status == BatchStatus.CHECKED
    # The new check is in the audit, with who made it.
    event = AuditEvent.objects.get(summary__contains="checked again at commit")
    assert event.actor == lac and event.details["counts"]["duplicate"] == 1
