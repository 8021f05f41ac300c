"""Retention (issue 12 item 7, ADR 0122), with a frozen clock passed as `now=`: what is past its
period goes (files from storage too), what is not stays, one audit row records the counts, and a
dry run changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import Case, CaseState
from leder.casework.tests.factories import CaseMaker
from leder.core.models import AuditEvent
from leder.core.time import now as real_now
from leder.exports.formats import export_dir
from leder.exports.models import DatasetExport, ExportStatus
from leder.exports.tests.factories import agreement, recipient
from leder.families.models import (
    ContributionKind,
    FamilyContribution,
    FamilyFile,
    FamilyInvitation,
    SecondFactor,
)
from leder.governance.models import (
    AnswerType,
    SignOff,
    SignOffRoute,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyQuestion,
    SurveyResponse,
)
from leder.imports.models import BatchStatus, ImportBatch
from leder.imports.services import imports_folder
from leder.notifications.models import NotificationSource
from leder.operations.jobs import retention
from leder.operations.retention import retention_apply
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import Contact, ContactKind, RecordsRequest, ScanStatus, UploadedRecord
from leder.reviews.services.records import review_start
from leder.reviews.services.uploads import private_root, stored_path

pytestmark = pytest.mark.django_db

NOW = real_now() + timedelta(days=3 * 365)  # the frozen clock: three years from today
OLD = NOW - timedelta(days=800)  # past every default period
RECENT = NOW - timedelta(days=5)  # inside every default period


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.LEDER_PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def icb():
    return make_icb(name="NHS Retention ICB", short_name="Retention ICB")


@pytest.fixture
def maker(icb):
    return CaseMaker(icb=icb, lac=user_with_role(Role.LAC, icb))


def completed_case_with_upload(maker, *, completed_at, name):
    case = maker.make(CaseState.INITIAL_REVIEW)
    review = review_start(actor=case.reviewer.user, case=case)
    organisation = Organisation.objects.create(
        ods_code=f"TST{name[:6].upper()}", name=name, kind=OrganisationKind.GP_PRACTICE
    )
    request = RecordsRequest.objects.create(
        review=review,
        organisation=organisation,
        email="records@example.nhs.uk",
        requested="GP records",
        requested_by=case.reviewer.user,
        requested_at=completed_at - timedelta(days=30),
        token_hash=name.encode().hex().ljust(64, "0")[:64],
        expires_at=completed_at,
    )
    record = UploadedRecord.objects.create(
        request=request,
        original_name="notes.pdf",
        stored_name=f"stored-{name}",
        size=4,
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_at=completed_at - timedelta(days=20),
        scan_status=ScanStatus.CLEAN,
    )
    stored_path(record).parent.mkdir(parents=True, exist_ok=True)
    stored_path(record).write_bytes(b"%PDF")
    family_file = _family_file(case, review, name=name, at=completed_at - timedelta(days=10))
    Case.objects.filter(pk=case.pk).update(state=CaseState.COMPLETED, state_changed_at=completed_at)
    # A completed case's review is signed off, and the sign-off locks its content (ADR 0017).
    SignOff.objects.create(
        review=review,
        version_number=review.current_version,
        route=SignOffRoute.QA_APPROVAL,
        signed_off_at=completed_at,
        signed_off_by=case.reviewer.user,
        snapshot={},
        content_hash="0" * 64,
    )
    return case, record, family_file


def _family_file(case, review, *, name, at):
    """A photograph the person's sister added through her family link."""
    user = case.reviewer.user
    contact = Contact.objects.create(
        review=review, name="Jane Sister", kind=ContactKind.FAMILY, created_at=at, created_by=user
    )
    invitation = FamilyInvitation.objects.create(
        case=case,
        contact=contact,
        second_factor=SecondFactor.DATE_OF_BIRTH,
        created_at=at,
        created_by=user,
        expires_at=at + timedelta(days=90),
    )
    contribution = FamilyContribution.objects.create(
        invitation=invitation,
        kind=ContributionKind.STORY,
        answers={"story": "He loved the seaside."},
        created_at=at,
    )
    found = FamilyFile.objects.create(
        contribution=contribution,
        original_name="photo.png",
        stored_name=f"family-{name}",
        size=4,
        content_type="image/png",
        sha256="0" * 64,
        scan_status=ScanStatus.CLEAN,
        uploaded_at=at,
    )
    (private_root() / found.stored_name).write_bytes(b"\x89PNG")
    return found


def export_with_files(*, finished_at, rec, dsa, admin):
    export = DatasetExport.objects.create(
        recipient=rec,
        agreement=dsa,
        cohort_year=2025,
        spec_version="1",
        formats=["csv"],
        status=ExportStatus.DONE,
        requested_at=finished_at,
        requested_by=admin,
        requested_by_label="Admin",
        finished_at=finished_at,
        files={"csv": "dataset.csv"},
    )
    export_dir(export).mkdir(parents=True)
    (export_dir(export) / "dataset.csv").write_text("a,b\n")
    return export


def import_with_file(*, uploaded_at, icb, user, name):
    imports_folder().mkdir(parents=True, exist_ok=True)
    (imports_folder() / name).write_text("a,b\n")
    return ImportBatch.objects.create(
        icb=icb,
        uploaded_by=user,
        uploaded_at=uploaded_at,
        file_name="reviews.csv",
        sha256=name.encode().hex().ljust(64, "0")[:64],
        stored_name=name,
        status=BatchStatus.CHECKED,
        checked_at=uploaded_at,
    )


@pytest.fixture
def data(maker, icb):
    admin = user_with_role(Role.ADMINISTRATOR)
    old_case, old_record, old_family_file = completed_case_with_upload(
        maker, completed_at=OLD, name="oldsurgery"
    )
    new_case, new_record, new_family_file = completed_case_with_upload(
        maker, completed_at=RECENT, name="newsurgery"
    )
    open_case = maker.make(CaseState.INITIAL_REVIEW)
    rec = recipient(admin=admin)
    dsa = agreement(rec, admin=admin)
    survey = Survey.objects.create(
        slug="feedback",
        title="Feedback",
        audience=SurveyAudience.choices[0][0],
        created_at=OLD,
        created_by=admin,
    )
    question = SurveyQuestion.objects.create(
        survey=survey, order=1, text="Anything else?", answer_type=AnswerType.TEXT, required=False
    )
    scale = SurveyQuestion.objects.create(
        survey=survey, order=2, text="How good?", answer_type=AnswerType.SCALE
    )
    answers = {}
    for label, when in (("old", OLD), ("new", RECENT)):
        response = SurveyResponse.objects.create(survey=survey, icb=icb, submitted_on=when.date())
        answers[label] = SurveyAnswer.objects.create(
            response=response, question=question, value=f"{label} free text"
        )
        answers[f"{label}_scale"] = SurveyAnswer.objects.create(
            response=response, question=scale, value=4
        )
    return {
        "old_case": old_case,
        "new_case": new_case,
        "open_case": open_case,
        "old_record": old_record,
        "new_record": new_record,
        "old_family_file": old_family_file,
        "new_family_file": new_family_file,
        "old_export": export_with_files(finished_at=OLD, rec=rec, dsa=dsa, admin=admin),
        "new_export": export_with_files(finished_at=RECENT, rec=rec, dsa=dsa, admin=admin),
        "old_import": import_with_file(uploaded_at=OLD, icb=icb, user=admin, name="old-import"),
        "new_import": import_with_file(uploaded_at=RECENT, icb=icb, user=admin, name="new-import"),
        "answers": answers,
    }


def source(case):
    return NotificationSource.objects.filter(notification=case.notification).get()


def test_what_is_due_goes_and_what_is_not_stays(data):
    assert source(data["old_case"]).email or source(data["old_case"]).phone
    audit_before = AuditEvent.objects.count()

    report = retention_apply(now=NOW)

    assert report.counts["uploaded_records"] == 1
    # The file goes; the row (name, size, hash), part of the signed-off review, stays.
    assert not stored_path(data["old_record"]).exists()
    assert UploadedRecord.objects.filter(pk=data["old_record"].pk).exists()
    assert UploadedRecord.objects.filter(pk=data["new_record"].pk).exists()
    assert stored_path(data["new_record"]).exists()

    assert report.counts["family_files"] == 1
    old_file, new_file = data["old_family_file"], data["new_family_file"]
    assert not FamilyFile.objects.filter(pk=old_file.pk).exists()
    assert not (private_root() / old_file.stored_name).exists()
    assert FamilyContribution.objects.filter(pk=old_file.contribution_id).exists()  # their words
    assert FamilyFile.objects.filter(pk=new_file.pk).exists()
    assert (private_root() / new_file.stored_name).exists()

    assert report.counts["notifier_contacts"] == 1
    old_source = source(data["old_case"])
    assert (old_source.email, old_source.phone) == ("", "")
    assert old_source.name  # the row and the name stay
    for kept in ("new_case", "open_case"):
        assert source(data[kept]).email or source(data[kept]).phone

    assert report.counts["export_files"] == 1
    old_export, new_export = data["old_export"], data["new_export"]
    assert not export_dir(old_export).exists()
    old_export.refresh_from_db()
    assert old_export.files == {}
    assert (export_dir(new_export) / "dataset.csv").exists()
    new_export.refresh_from_db()
    assert new_export.files == {"csv": "dataset.csv"}

    assert report.counts["import_files"] == 1
    assert not (imports_folder() / "old-import").exists()
    assert ImportBatch.objects.get(pk=data["old_import"].pk).stored_name == ""
    assert (imports_folder() / "new-import").exists()
    assert ImportBatch.objects.get(pk=data["new_import"].pk).stored_name == "new-import"

    answers = data["answers"]
    assert report.counts["survey_free_text"] == 1
    assert SurveyAnswer.objects.get(pk=answers["old"].pk).value == ""
    assert SurveyAnswer.objects.get(pk=answers["new"].pk).value == "new free text"
    assert SurveyAnswer.objects.get(pk=answers["old_scale"].pk).value == 4

    # Nothing is deleted from the audit (none of it is 20 years old); one row is added.
    assert AuditEvent.objects.count() == audit_before + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.actor_label == "system:retention"
    assert event.details["counts"] == report.counts

    # A second run finds nothing more to do.
    assert not any(retention_apply(now=NOW).counts.values())


def test_task_results_and_sessions_use_their_own_settings(settings, data):
    settings.LEDER_TASK_RESULTS_KEEP_DAYS = 30
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=NOW - timedelta(1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=NOW + timedelta(1))
    counts = retention_apply(now=NOW).counts
    assert counts["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert counts["task_results"] == DBTaskResult.objects.none().count() == 0


def test_zero_keeps_for_ever(settings, data):
    settings.RETENTION_UPLOADED_RECORDS_DAYS = 0
    settings.RETENTION_SURVEY_FREE_TEXT_DAYS = 0
    counts = retention_apply(now=NOW).counts
    assert counts["uploaded_records"] == 0 and counts["survey_free_text"] == 0
    assert stored_path(data["old_record"]).exists()
    assert SurveyAnswer.objects.get(pk=data["answers"]["old"].pk).value == "old free text"
    assert counts["export_files"] == 1  # the others still apply


def test_a_dry_run_changes_nothing_and_reports_what_would_go(data, monkeypatch):
    monkeypatch.setattr("leder.operations.retention.current_time", lambda: NOW)
    audit_before = AuditEvent.objects.count()
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Would remove (dry run):" in text
    assert "uploaded records: 1" in text and "survey free text: 1" in text
    assert "family files: 1" in text
    assert (private_root() / data["old_family_file"].stored_name).exists()
    assert "audit rows: none" in text  # 20 years by default: nothing is that old
    assert AuditEvent.objects.count() == audit_before
    assert stored_path(data["old_record"]).exists()
    assert UploadedRecord.objects.count() == 2
    assert (export_dir(data["old_export"]) / "dataset.csv").exists()
    assert SurveyAnswer.objects.get(pk=data["answers"]["old"].pk).value == "old free text"


def test_the_daily_job_is_registered_and_applies(data, monkeypatch):
    from leder.core.schedule import periodic_jobs

    assert "retention" in {job.name for job in periodic_jobs()}
    monkeypatch.setattr("leder.operations.retention.current_time", lambda: NOW)
    counts = retention()
    assert counts["uploaded_records"] == 1
    assert not stored_path(data["old_record"]).exists()


def test_the_retention_job_prunes_the_audit_up_to_a_signed_checkpoint(settings, tmp_path):
    """AUDIT_RETENTION_DAYS past: the start of the audit goes up to the newest signed checkpoint
    (ADR 0123), the retention row reports the count and the anchor, and the rest verifies."""
    from leder.core.audit import verify_chain
    from leder.core.audit_checkpoints import write_checkpoint

    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    settings.AUDIT_RETENTION_DAYS = 365
    from leder.core import audit
    from leder.core.models import AuditAction

    for i in range(3):
        audit.record(actor="system:test", action=AuditAction.CREATE, obj=("test.Thing", i))
    checkpoint = write_checkpoint()
    before = AuditEvent.objects.count()
    assert retention_apply(now=NOW, dry_run=True).counts["audit_rows"] == before
    assert AuditEvent.objects.count() == before
    report = retention_apply(now=NOW)
    assert report.counts["audit_rows"] == before
    assert report.audit_prune["pruned_to"] == checkpoint.sequence
    assert report.audit_prune["anchor_hash"] == checkpoint.head_hash
    # Left: the prune's own row and the retention row, verified from the signed anchor.
    assert verify_chain() == (2, None)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.details["counts"]["audit_rows"] == before
    assert event.details["audit_prune"]["pruned_to"] == checkpoint.sequence
