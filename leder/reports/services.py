"""Writes to annual reports: create, save the narrative, generate (in the background), publish.

Every service checks permission (`selectors.can_prepare` / `can_publish`), refuses to touch a
published report (it is the record: immutable), changes state and writes the audit row in one
transaction. Generation runs in the task worker (`tasks.report_generate` queues it, and the task
`tasks.generate_report` runs `report_generate_run`):
it reads the data, reconciles them (a failed check stops the report and names the records),
computes the published figures, renders the report, its easy-read version and their tagged PDFs,
and stores them with the manifest.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from leder.analytics.cohorts import Cohort
from leder.analytics.reconcile import ReconciliationFailed
from leder.core import audit, readability
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.reports import documents, selectors
from leder.reports.figures import published_figures
from leder.reports.forms import FIRST_YEAR, NARRATIVE_MAX_LENGTH, NARRATIVE_SECTIONS
from leder.reports.models import Report, ReportScope, ReportStatus

logger = logging.getLogger(__name__)

PUBLISHED_IS_FINAL = "This report has been published. A published report cannot be changed."


def _locked(report: Report) -> Report:
    """The report's row, locked for this transaction; refused if published."""
    fresh = (
        Report.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=report.pk)
    )
    if fresh.status == ReportStatus.PUBLISHED:
        raise ValidationError(PUBLISHED_IS_FINAL)
    return fresh


def _check_prepare(actor, report: Report) -> None:
    if not selectors.can_prepare(actor, organisation=report.organisation):
        raise PermissionDenied(
            "Only a local area contact or the ICB lead can prepare the ICB's annual report; "
            "only a regional coordinator the region's; only a national analyst England's."
        )


def report_create(
    *, actor, organisation, year: int, cohort_kind: str = "deaths", financial: bool = False
) -> Report:
    """A new draft report for an ICB or a region (`organisation`) or England (None). Permission: see
    `selectors.can_prepare`. Audited."""
    if not selectors.can_prepare(actor, organisation=organisation):
        raise PermissionDenied("You cannot prepare an annual report for this area.")
    if not FIRST_YEAR <= int(year) <= today().year:
        raise ValidationError({"year": f"Select a year from {FIRST_YEAR} to {today().year}"})
    Cohort.for_year(cohort_kind, year)  # a cohort kind that does not exist raises ValueError
    with transaction.atomic():
        report = Report.objects.create(
            scope_kind=(ReportScope(organisation.kind) if organisation else ReportScope.ENGLAND),
            organisation=organisation,
            year=year,
            financial=financial,
            cohort_kind=cohort_kind,
            created_at=now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=report,
            summary=f"Started {report.title}",
            details={"cohort": report.cohort.as_dict(), "scope": report.scope.as_dict()},
        )
    return report


def report_narrative_save(*, actor, report: Report, sections: dict[str, str]) -> Report:
    """Save the sections the ICB writes. Only known sections, each at most
    `NARRATIVE_MAX_LENGTH` characters. Saving changes the text only: the stored report shows
    it once it is generated again. Refused on a published report. Audited."""
    _check_prepare(actor, report)
    known = {key for key, _, _ in NARRATIVE_SECTIONS}
    unknown = set(sections) - known
    if unknown:
        raise ValidationError(f"Unknown sections: {', '.join(sorted(unknown))}")
    errors = {
        key: f"{dict((k, t) for k, t, _ in NARRATIVE_SECTIONS)[key]} must be "
        f"{NARRATIVE_MAX_LENGTH:,} characters or fewer"
        for key, text in sections.items()
        if len(text or "") > NARRATIVE_MAX_LENGTH
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = _locked(report)
        if report.status == ReportStatus.GENERATING:
            raise ValidationError("The report is being generated. Save your text when it is done.")
        before = dict(report.narrative or {})
        report.narrative = {**before, **{k: (v or "").strip() for k, v in sections.items()}}
        report.save(update_fields=["narrative"])
        changed = sorted(k for k in sections if before.get(k, "") != report.narrative[k])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=report,
            summary=f"Saved the narrative of {report.title}",
            details={"sections_changed": changed},
        )
    return report


def report_generate_queue(*, actor, report: Report) -> Report:
    """Mark the report as waiting to be generated (again, if it was generated or failed before).
    Refused on a published report or while generating. Audited. The task that generates it is
    enqueued by `tasks.report_generate`, which calls this."""
    _check_prepare(actor, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status == ReportStatus.GENERATING:
            raise ValidationError("The report is already being generated.")
        report.status = ReportStatus.GENERATING
        report.progress = 0
        report.progress_step = "Waiting to start"
        report.failure = []
        report.generated_by = actor
        report.save(
            update_fields=["status", "progress", "progress_step", "failure", "generated_by"]
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=report,
            summary=f"Asked for {report.title} to be generated",
        )
    return report


def _progress(report_id: int, percent: int, step: str) -> None:
    # Outside the run's own transaction, so the progress page sees it at once.
    Report.objects.filter(pk=report_id, status=ReportStatus.GENERATING).update(
        progress=percent, progress_step=step
    )


STOPPED_MESSAGE = (
    "The background worker stopped while generating this report, so it was not finished. "
    "Generate it again."
)


def report_generate_run(*, report_id: int) -> Report:
    """Generate a queued report (the task's body). Only a report in "generating" is touched,
    so a second run of the same task does nothing. A failed reconciliation marks the report
    failed with the failed checks (and the records they name); any other error marks it failed
    and is logged. A worker told to stop mid-run (SystemExit, KeyboardInterrupt) marks it failed
    with a reason the user sees before stopping, so it is never left "generating"."""
    try:
        return _report_generate_run(report_id=report_id)
    except BaseException:
        report_generate_lost(report_id=report_id, reason=STOPPED_MESSAGE)
        raise


def report_generate_lost(*, report_id: int, reason: str) -> Report | None:
    """End a report left "generating" by a worker that stopped (or died: the stuck-job
    recovery calls this) as failed, saying why; generating it again is then allowed."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return None
    return _fail(report, [], "stopped", message=reason)


def _report_generate_run(*, report_id: int) -> Report:
    report = Report.objects.select_related("organisation", "generated_by").get(pk=report_id)
    if report.status != ReportStatus.GENERATING:
        return report
    actor = report.generated_by
    try:
        _progress(report_id, 10, "Reading the data")
        figures = published_figures(
            report.cohort,
            report.scope,
            national_metrics=report.scope_kind != ReportScope.ICB,
        )
    except ReconciliationFailed as failed:
        return _fail(report, [f.as_dict() for f in failed.failures], "reconciliation")
    except Exception:
        logger.exception("Annual report %s failed", report_id)
        return _fail(report, [], "error")
    try:
        _progress(report_id, 40, "Drawing the charts and tables")
        manifest = figures.manifest(generated_by=actor)
        actions = selectors.actions_taken(scope=report.scope, cohort=report.cohort)
        rendered = documents.render_report(report, figures, manifest=manifest, actions=actions)
        _progress(report_id, 70, "Making the PDF")
        report_pdf = documents.pdf(rendered.html, title=report.title)
        _progress(report_id, 85, "Making the easy read PDF")
        easy_pdf = documents.pdf(
            rendered.easy_read_html, title=f"{report.title}: easy read", easy_read=True
        )
    except Exception:
        logger.exception("Annual report %s failed", report_id)
        return _fail(report, [], "error")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status != ReportStatus.GENERATING:
            return report
        report.html = rendered.html
        report.pdf = report_pdf
        report.easy_read_html = rendered.easy_read_html
        report.easy_read_pdf = easy_pdf
        report.readability_score = rendered.readability_score
        report.manifest = manifest
        report.status = ReportStatus.READY
        report.progress = 100
        report.progress_step = "Done"
        report.generated_at = now()
        report.save()
        # Reading identifiable records to compute the figures: recorded once for the report.
        audit.record(
            actor=actor or "system:annual-report",
            action=AuditAction.VIEW,
            obj=report,
            summary=f"Generated {report.title} from {manifest['row_counts']['deaths']} deaths",
            details={
                "extract_sha256": manifest["extract_sha256"],
                "row_counts": manifest["row_counts"],
                "readability_score": rendered.readability_score,
            },
        )
    return report


def _fail(report: Report, failures: list[dict], reason: str, message: str = "") -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.GENERATING:
            return report
        report.status = ReportStatus.FAILED
        report.failure = failures
        report.progress_step = message or (
            "The data failed a reconciliation check"
            if reason == "reconciliation"
            else "Something went wrong. Try again, or tell the system's administrator."
        )
        report.save(update_fields=["status", "failure", "progress_step"])
        audit.record(
            actor=report.generated_by or "system:annual-report",
            action=AuditAction.UPDATE,
            obj=report,
            summary=f"{report.title} was not generated: {report.progress_step}",
            details={
                "reason": reason,
                "failed_checks": [f["key"] for f in failures],
                "records": sorted({r for f in failures for r in f.get("references", ())}),
            },
        )
    return report


def report_publish(*, actor, report: Report) -> Report:
    """Publish a generated report: from then on it is immutable. Only a ready report whose easy
    read meets the readability threshold, and only one published report per area, year and
    cohort. Permission: `selectors.can_publish`. Audited."""
    if not selectors.can_publish(actor, organisation=report.organisation):
        raise PermissionDenied(
            "Only the ICB lead can publish the ICB's annual report, a regional coordinator the "
            "region's, and only a national analyst England's."
        )
    with transaction.atomic():
        report = _locked(report)
        if report.status != ReportStatus.READY:
            raise ValidationError("Generate the report before publishing it.")
        if not readability.meets_threshold(report.readability_score):
            raise ValidationError(
                f"The easy read version scores {report.readability_score} for reading ease; it "
                f"must score at least {readability.MINIMUM_SCORE:.0f}. Use shorter sentences "
                "and plainer words in the easy read summary, then generate it again."
            )
        hard = readability.sentence_problems(readability.text_of_html(report.easy_read_html))
        if hard:
            listed = " ".join(problem.message for problem in hard[:5])
            raise ValidationError(
                f"{len(hard)} sentence(s) of the easy read are not easy to read. Change them in "
                f"the easy read summary, then generate the report again. {listed}"
            )
        report.status = ReportStatus.PUBLISHED
        report.published_at = now()
        report.published_by = actor
        try:
            with transaction.atomic():
                report.save(update_fields=["status", "published_at", "published_by"])
        except IntegrityError:
            raise ValidationError(
                "A report for this area, year and cohort has already been published."
            ) from None
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=report,
            summary=f"Published {report.title}",
            details={"extract_sha256": (report.manifest or {}).get("extract_sha256")},
        )
    return report
