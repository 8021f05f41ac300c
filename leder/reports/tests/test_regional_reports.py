"""Regional annual reports (issue 14, item 5): prepared and published by the region's
coordinators, with the same outputs as an ICB's or England's (HTML, tagged PDF, easy read, their
manifest and reconciliation), over the region's ICBs only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.reports import selectors, services
from leder.reports.models import ReportScope, ReportStatus
from leder.reports.tests.conftest import YEAR
from leder.reports.tests.test_annual_reports import assert_tagged, generate, pdf_text

pytestmark = pytest.mark.django_db


def test_a_regional_coordinator_prepares_generates_and_publishes_the_regions_report(
    area, cases, tmp_path, django_capture_on_commit_callbacks
):
    region = area["region"]
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)
    assert (f"region:{region.ods_code}", region.display_name, region) in (
        selectors.areas_to_prepare(coordinator)
    )
    report = services.report_create(actor=coordinator, organisation=region, year=YEAR)
    assert report.scope_kind == ReportScope.REGION and report.area_name == region.display_name
    services.report_narrative_save(
        actor=coordinator,
        report=report,
        sections={"introduction": "Our regional LeDeR report.", "next_steps": "More training."},
    )
    ready = generate(report, coordinator, django_capture_on_commit_callbacks)
    assert ready.status == ReportStatus.READY, ready.failure
    # The region's 9 deaths are all in NHS Test Alpha ICB; NHS Test Gamma ICB is in another
    # region and has none anyway. The manifest names the region as the scope.
    assert ready.manifest["row_counts"]["deaths"] == 9
    assert ready.manifest["scope"]["kind"] == "region"
    assert all(check["passed"] for check in ready.manifest["reconciliation"])
    assert "Our regional LeDeR report." in ready.html and "[c]" in ready.html
    assert_tagged(bytes(ready.pdf), tmp_path)
    assert "We were told about 9 deaths." in pdf_text(bytes(ready.easy_read_pdf), tmp_path)
    published = services.report_publish(actor=coordinator, report=ready)
    assert published.status == ReportStatus.PUBLISHED


def test_only_the_regions_coordinators_prepare_and_read_it(area, client):
    region, far_region = area["region"], area["far_region"]
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)
    report = services.report_create(actor=coordinator, organisation=region, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=user_with_role(Role.REGIONAL_COORDINATOR, far_region),
            organisation=region,
            year=YEAR,
        )
    with pytest.raises(PermissionDenied):
        services.report_create(actor=area["lac"], organisation=region, year=YEAR)
    # Readers: the coordinator and national analysts; not another region's coordinator.
    assert report in selectors.reports_visible_to(coordinator)
    assert report in selectors.reports_visible_to(user_with_role(Role.NATIONAL_ANALYST))
    other = user_with_role(Role.REGIONAL_COORDINATOR, far_region)
    assert report not in selectors.reports_visible_to(other)
    sign_in_verified(client, coordinator)
    page = client.get(reverse("reports:report_new"))
    assert page.status_code == 200 and region.display_name in page.content.decode()


NATIONAL_HEADINGS = (
    "Avoidable deaths by region, ethnic group, severity, sex and age",
    "Long-term conditions, where people lived and Down&#39;s syndrome",
    "The care people received: the care questions as rates",
)


@pytest.mark.parametrize("scope", ["england", "region"])
def test_england_and_regional_reports_have_the_national_sections(
    scope, area, cases, tmp_path, django_capture_on_commit_callbacks
):
    """The national report's figures (analytics.national) are sections of the England and
    regional reports (ADR 0146), disclosure-controlled, in the manifest, in the tagged PDF."""
    from leder.analytics import national

    if scope == "england":
        actor, organisation = user_with_role(Role.NATIONAL_ANALYST), None
    else:
        actor = user_with_role(Role.REGIONAL_COORDINATOR, area["region"])
        organisation = area["region"]
    report = services.report_create(actor=actor, organisation=organisation, year=YEAR)
    ready = generate(report, actor, django_capture_on_commit_callbacks)
    assert ready.status == ReportStatus.READY, ready.failure
    html = ready.html
    for heading in NATIONAL_HEADINGS:
        assert f">{heading}</h2>" in html, heading
    for key, entry in national.NATIONAL.items():
        assert f'id="figure-{key.replace("_", "-")}"' in html, key
        assert ready.manifest["definitions"]["metrics"][key] == entry.version
    # Both populations are named in the rows; the 9 deaths (all with a learning disability,
    # none profiled or answered) give the care questions' denominators as zeros, shown.
    assert "Autistic adults without a learning disability" in html
    assert "Had an annual health check in the last year" in html
    text = pdf_text(bytes(ready.pdf), tmp_path)
    assert "Care questions as rates" in text and "Deaths by where the person lived" in text
    assert_tagged(bytes(ready.pdf), tmp_path)
