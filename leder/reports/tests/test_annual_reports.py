"""The annual report: prepared, generated in the background (ImmediateBackend in tests),
rendered as HTML and a tagged PDF with its easy-read version, published and then immutable."""

import re
import shutil
import subprocess
import zlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core import readability
from leder.core.models import AuditAction, AuditEvent
from leder.core.readability import MINIMUM_SCORE
from leder.core.time import now
from leder.governance.models import Action, ActionStatus
from leder.reports import services, tasks
from leder.reports.models import Report, ReportStatus
from leder.reports.tests.conftest import YEAR
from leder.reviews.models import LearningTheme

pytestmark = pytest.mark.django_db


def generate(report, actor, django_capture_on_commit_callbacks) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.report_generate(actor=actor, report=report)
    report.refresh_from_db()
    return report


@pytest.fixture
def lead(area):
    return user_with_role(Role.ICB_LEAD, area["icb"])


@pytest.fixture
def draft(area, lead):
    return services.report_create(actor=area["lac"], organisation=area["icb"], year=YEAR)


@pytest.fixture
def ready(draft, area, cases, django_capture_on_commit_callbacks):
    services.report_narrative_save(
        actor=area["lac"],
        report=draft,
        sections={
            "introduction": "This is our third LeDeR report.",
            "what_we_learned": "Annual health checks were missed too often.",
            "next_steps": "We will train GP practice staff.",
        },
    )
    return generate(draft, area["lac"], django_capture_on_commit_callbacks)


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, so that the
    catalogue's entries can be searched for."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def assert_tagged(pdf: bytes, tmp_path) -> None:
    objects = pdf_objects(pdf)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.MULTILINE)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(data))
    result = subprocess.run(
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout


def test_generation_makes_the_report_pdf_easy_read_and_manifest(ready, area, tmp_path):
    assert ready.status == ReportStatus.READY and ready.progress == 100
    html = ready.html
    for heading in (
        "Introduction",
        "Notifications and reviews",
        "Age at death",
        "Place and cause of death",
        "Avoidable deaths",
        "Quality of care and learning",
        "Actions taken as a result of reviews",
        "Timeliness of reviews",
        "Next steps",
        "About these figures",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "This is our third LeDeR report." in html
    assert "Annual health checks were missed too often." in html
    # Every figure names its population (ADR 0146); an ICB's report has no national sections.
    assert "<strong>Population:</strong> Each population separately" in html
    assert "<strong>Population:</strong> All reviews: both populations combined" in html
    assert "Autistic adults without a learning disability" in html
    assert 'id="avoidable_groups"' not in html and 'id="care_questions"' not in html
    assert "[c]" in html  # 3 awaiting allocation, suppressed
    assert ready.manifest["extract_sha256"] in html
    assert ready.manifest["row_counts"]["deaths"] == 9
    assert ready.manifest["cohort"]["name"] == f"Deaths in {YEAR}"
    assert all(check["passed"] for check in ready.manifest["reconciliation"])

    # the PDF is tagged (PDF/UA: a structure tree, marked content) and its text extractable
    pdf = bytes(ready.pdf)
    assert pdf.startswith(b"%PDF-")
    assert_tagged(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert "Notifications and reviews" in text
    assert "This is our third LeDeR report." in text
    assert "Deaths by stage of review" in text

    easy = bytes(ready.easy_read_pdf)
    assert_tagged(easy, tmp_path)
    easy_text = pdf_text(easy, tmp_path)
    assert "We were told about 9 deaths." in easy_text

    # generating read identifiable records: audited
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(ready.pk)).last()
    assert event.details["extract_sha256"] == ready.manifest["extract_sha256"]


def test_easy_read_meets_the_readability_threshold(ready):
    assert ready.readability_score >= MINIMUM_SCORE
    assert "Flesch" not in ready.easy_read_html  # the author's figure, not the readers'
    assert readability.sentence_problems(readability.text_of_html(ready.easy_read_html)) == []
    assert "We were told about 9 deaths." in ready.easy_read_html
    # icons are images with words for people who cannot see them
    icons = re.findall(
        r'<svg class="leder-easy-read__icon" role="img" aria-label="([^"]+)"', ready.easy_read_html
    )
    assert len(icons) >= 3 and all(icons)
    assert "We have not finished any reviews yet." in ready.easy_read_html


def test_same_data_gives_the_same_manifest_hash(ready, area, django_capture_on_commit_callbacks):
    first = ready.manifest["extract_sha256"]
    again = generate(ready, area["lac"], django_capture_on_commit_callbacks)
    assert again.manifest["extract_sha256"] == first
    area["maker"].make(CaseState.AWAITING_ALLOCATION)
    changed = generate(again, area["lac"], django_capture_on_commit_callbacks)
    assert changed.manifest["extract_sha256"] != first


def test_failed_reconciliation_stops_the_report_and_names_the_records(
    draft, area, cases, django_capture_on_commit_callbacks
):
    case = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    foreign = make_reviewer(area["other"])
    type(case).objects.filter(pk=case.pk).update(reviewer=foreign, state="allocated")
    report = generate(draft, area["lac"], django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED
    assert [f["key"] for f in report.failure] == ["one_icb"]
    assert report.failure[0]["references"] == [case.reference]
    assert not report.html and report.pdf is None and report.manifest is None
    with pytest.raises(ValidationError):
        services.report_publish(actor=user_with_role(Role.ICB_LEAD, area["icb"]), report=report)
    event = AuditEvent.objects.filter(object_id=str(report.pk)).last()
    assert event.details["records"] == [case.reference]


def test_actions_taken_are_listed_by_theme(area, lead, cases, django_capture_on_commit_callbacks):
    theme = LearningTheme.objects.filter(parent__isnull=True).first()
    common = {
        "icb": area["icb"],
        "owner_organisation": area["icb"],
        "owner_name": "Alex Owner",
        "due_on": date(YEAR, 12, 1),
        "measure": "Audit of records",
        "agreed_on": date(YEAR, 2, 1),
        "created_at": now(),
        "created_by": lead,
    }
    done = Action.objects.create(
        reference="ACT-T-1",
        title="Train GP staff on reasonable adjustments",
        status=ActionStatus.COMPLETED,
        completed_on=date(YEAR, 6, 1),
        completion_evidence="Training records",
        **common,
    )
    done.themes.add(theme)
    Action.objects.create(
        reference="ACT-T-2", title="Review DNACPR decisions", status=ActionStatus.IN_PROGRESS,
        **common,
    )  # fmt: skip
    Action.objects.create(
        reference="ACT-T-3", title="An open action not started", status=ActionStatus.OPEN,
        **common,
    )  # fmt: skip
    report = services.report_create(actor=lead, organisation=area["icb"], year=YEAR)
    report = generate(report, lead, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY, report.progress_step
    html = report.html
    assert f">{theme.name}</h4>" in html
    assert "Train GP staff on reasonable adjustments (completed, 1 June" in html
    assert "Review DNACPR decisions (in progress)" in html
    assert "An open action not started" not in html


# --- publishing and immutability ---------------------------------------------------------------


def test_publishing_makes_the_report_immutable(
    ready, area, lead, django_capture_on_commit_callbacks
):
    published = services.report_publish(actor=lead, report=ready)
    assert published.status == ReportStatus.PUBLISHED
    assert published.published_by == lead and published.published_at
    html, manifest = published.html, published.manifest

    with pytest.raises(ValidationError):
        services.report_narrative_save(
            actor=area["lac"], report=published, sections={"introduction": "Changed"}
        )
    with pytest.raises(ValidationError):
        tasks.report_generate(actor=area["lac"], report=published)
    with pytest.raises(ValidationError):
        services.report_publish(actor=lead, report=published)
    # and underneath the services, the model refuses to write or delete a published row
    stored = Report.objects.get(pk=published.pk)
    stored.html = "<p>rewritten</p>"
    with pytest.raises(ValidationError):
        stored.save()
    with pytest.raises(ValidationError):
        stored.delete()
    stored = Report.objects.get(pk=published.pk)
    assert stored.html == html and stored.manifest == manifest
    assert stored.narrative["introduction"] == "This is our third LeDeR report."


def test_only_one_report_is_published_per_area_year_and_cohort(
    ready, area, lead, django_capture_on_commit_callbacks
):
    services.report_publish(actor=lead, report=ready)
    second = services.report_create(actor=lead, organisation=area["icb"], year=YEAR)
    second = generate(second, lead, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="already been published"):
        services.report_publish(actor=lead, report=second)
    assert Report.objects.get(pk=second.pk).status == ReportStatus.READY


def test_a_report_cannot_be_published_before_it_is_generated(draft, lead):
    with pytest.raises(ValidationError, match="Generate the report"):
        services.report_publish(actor=lead, report=draft)


def test_an_easy_read_below_the_threshold_cannot_be_published(ready, lead):
    Report.objects.filter(pk=ready.pk).update(readability_score=MINIMUM_SCORE - 1)
    ready.refresh_from_db()
    with pytest.raises(ValidationError, match="reading ease"):
        services.report_publish(actor=lead, report=ready)


def test_an_easy_read_with_one_hard_sentence_cannot_be_published_and_names_it(ready, lead):
    # Issue 16: jargon was published because the whole document scored 76.5.
    hard = "Notwithstanding the multifactorial aetiology of the excess mortality observed."
    html = ready.easy_read_html.replace("</ul>", f"<li>{hard}</li></ul>", 1)
    Report.objects.filter(pk=ready.pk).update(easy_read_html=html)
    ready.refresh_from_db()
    with pytest.raises(ValidationError, match="not easy to read") as refused:
        services.report_publish(actor=lead, report=ready)
    assert hard in str(refused.value)
    ready.refresh_from_db()
    assert ready.status == ReportStatus.READY


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.SENIOR_REVIEWER, Role.REVIEWER]
)
def test_other_icb_roles_cannot_prepare_a_report(area, role):
    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=user_with_role(role, area["icb"]), organisation=area["icb"], year=YEAR
        )


def test_a_lac_of_another_icb_cannot_prepare_or_publish(draft, area):
    other_lac = user_with_role(Role.LAC, area["other"])
    other_lead = user_with_role(Role.ICB_LEAD, area["other"])
    with pytest.raises(PermissionDenied):
        services.report_narrative_save(actor=other_lac, report=draft, sections={})
    with pytest.raises(PermissionDenied):
        tasks.report_generate(actor=other_lac, report=draft)
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=other_lead, report=draft)


def test_only_the_icb_lead_publishes_an_icb_report(ready, area):
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=area["lac"], report=ready)


def test_only_national_analysts_prepare_englands_report(area):
    analyst = user_with_role(Role.NATIONAL_ANALYST)
    report = services.report_create(actor=analyst, organisation=None, year=YEAR)
    assert report.area_name == "England"
    with pytest.raises(PermissionDenied):
        services.report_create(actor=area["lac"], organisation=None, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=user_with_role(Role.ADMINISTRATOR), organisation=None, year=YEAR
        )


def test_bad_input_is_refused_and_nothing_is_written(draft, area):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.report_create(actor=area["lac"], organisation=area["icb"], year=1999)
    with pytest.raises(ValidationError):
        services.report_narrative_save(
            actor=area["lac"], report=draft, sections={"introduction": "x" * 10_001}
        )
    with pytest.raises(ValidationError):
        services.report_narrative_save(actor=area["lac"], report=draft, sections={"secret": "x"})
    assert AuditEvent.objects.count() == before
    assert Report.objects.count() == 1
    draft.refresh_from_db()
    assert draft.narrative == {}
