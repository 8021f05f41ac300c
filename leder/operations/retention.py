"""Retention: delete or blank personal data once its configured period has passed (ADR 0122).

One function, `retention_apply`, works out what is due for every kind of data and, unless asked
for a dry run, removes it (files from storage too) and writes one audit row with the counts per
kind. The daily `retention` job and the `retention` management command call it.

Periods are settings in days (`RETENTION_*_DAYS`, documented in docs/deployment.md); 0 means
"keep for ever" for every kind. The start of the audit log past `AUDIT_RETENTION_DAYS` is pruned
by `leder.core.audit_prune` (only up to a signed checkpoint, leaving a signed anchor: ADR 0123);
its count is reported as "audit_rows".
"""

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from leder.core import audit
from leder.core.audit_prune import AuditPruneRefused, audit_prune
from leder.core.models import AuditAction
from leder.core.time import now as current_time

ACTOR = "system:retention"


@dataclass
class RetentionReport:
    """What is due (a dry run) or what went, by kind."""

    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    # What the audit prune did or would do (rows, range, anchor), or why it did nothing.
    audit_prune: dict = field(default_factory=dict)

    def as_counts(self) -> dict:
        return dict(self.counts)


def _cutoff(days: int, now: datetime) -> datetime | None:
    return None if days <= 0 else now - timedelta(days=days)


def _due_uploaded_records(now):
    """Records uploaded to a review whose case was completed before the cut-off and whose file is
    still stored. Only the file goes: the row (name, size, SHA-256) is part of the review, which
    a sign-off locks (ADR 0017), and its sign-off snapshot lists it anyway (ADR 0123)."""
    from leder.casework.models import CaseState
    from leder.reviews.models import UploadedRecord
    from leder.reviews.services.uploads import stored_path

    cutoff = _cutoff(settings.RETENTION_UPLOADED_RECORDS_DAYS, now)
    if cutoff is None:
        return UploadedRecord.objects.none()
    candidates = UploadedRecord.objects.filter(
        request__review__case__state=CaseState.COMPLETED,
        request__review__case__state_changed_at__lt=cutoff,
    ).exclude(stored_name="")
    stored = [record.pk for record in candidates if stored_path(record).exists()]
    return UploadedRecord.objects.filter(pk__in=stored)


def _due_notifier_contacts(now):
    from django.db.models import Q

    from leder.casework.models import CaseState
    from leder.notifications.models import NotificationSource

    cutoff = _cutoff(settings.RETENTION_NOTIFIER_CONTACT_DAYS, now)
    if cutoff is None:
        return NotificationSource.objects.none()
    return NotificationSource.objects.filter(
        notification__case__state=CaseState.COMPLETED,
        notification__case__state_changed_at__lt=cutoff,
    ).filter(~Q(email="") | ~Q(phone=""))


def _due_export_files(now):
    from leder.exports.models import DatasetExport

    cutoff = _cutoff(settings.RETENTION_EXPORT_FILES_DAYS, now)
    if cutoff is None:
        return DatasetExport.objects.none()
    return DatasetExport.objects.filter(finished_at__lt=cutoff).exclude(files={})


def _due_survey_free_text(now):
    from leder.governance.models import AnswerType, SurveyAnswer

    cutoff = _cutoff(settings.RETENTION_SURVEY_FREE_TEXT_DAYS, now)
    if cutoff is None:
        return SurveyAnswer.objects.none()
    return SurveyAnswer.objects.filter(
        question__answer_type=AnswerType.TEXT, response__submitted_on__lt=cutoff.date()
    ).exclude(value="")


def _due_task_results(now):
    from django_tasks_db.models import DBTaskResult

    cutoff = _cutoff(settings.LEDER_TASK_RESULTS_KEEP_DAYS, now)
    if cutoff is None:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)


def _due_sessions(now):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=now)


DUE = {
    "uploaded_records": _due_uploaded_records,
    "notifier_contacts": _due_notifier_contacts,
    "export_files": _due_export_files,
    "survey_free_text": _due_survey_free_text,
    "task_results": _due_task_results,
    "sessions": _due_sessions,
}


def _purge(kind: str, rows) -> None:
    from leder.exports.formats import export_dir
    from leder.reviews.services.uploads import stored_path

    if kind == "uploaded_records":
        # The file only: the row is locked with the signed-off review (see `_due_uploaded_records`).
        for record in rows:
            stored_path(record).unlink(missing_ok=True)
    elif kind == "notifier_contacts":
        rows.update(email="", phone="")
    elif kind == "export_files":
        for export in rows:
            shutil.rmtree(export_dir(export), ignore_errors=True)
        rows.update(files={})
    elif kind == "survey_free_text":
        rows.update(value="")
    else:
        rows.delete()


def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Remove what is due under each retention period; with `dry_run`, only count it."""
    now = now or current_time()
    report = RetentionReport(dry_run=dry_run)
    from leder.core.retention import declared_kinds

    declared = {kind.name: kind for kind in declared_kinds()}
    due = {kind: find(now) for kind, find in DUE.items()}
    due.update({name: kind.due(now) for name, kind in declared.items()})
    for kind, rows in due.items():
        report.counts[kind] = rows.count()
    try:
        # Its own transaction and audit row, with the range pruned and the anchor.
        pruned = audit_prune(now=now, dry_run=dry_run)
        report.counts["audit_rows"] = pruned.rows
        report.audit_prune = pruned.as_details()
    except AuditPruneRefused as refused:
        report.counts["audit_rows"] = 0
        report.audit_prune = {"refused": str(refused)[:1000]}
    if dry_run:
        return report
    with transaction.atomic():
        for kind, rows in due.items():
            if report.counts[kind]:
                if kind in declared:
                    declared[kind].purge(rows)
                else:
                    _purge(kind, rows)
        audit.record(
            actor=ACTOR,
            action=AuditAction.DELETE,
            summary="Retention: removed what was past its retention period",
            details={"counts": report.counts, "audit_prune": report.audit_prune},
        )
    return report
