"""The annual report pages: who may read, prepare and publish (the permission matrix), the
progress page, and bad input shown on the form with nothing written."""

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditEvent
from leder.reports import services, tasks
from leder.reports.models import Report, ReportStatus
from leder.reports.tests.conftest import YEAR

pytestmark = pytest.mark.django_db

READERS = [Role.ICB_LEAD, Role.LAC, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.SENIOR_REVIEWER]


def url(report, page=""):
    return f"/staff/reports/annual/{report.pk}" + (f"/{page}" if page else "")


@pytest.fixture
def ready(area, cases, django_capture_on_commit_callbacks):
    report = services.report_create(actor=area["lac"], organisation=area["icb"], year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.report_generate(actor=area["lac"], report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


@pytest.mark.parametrize("role", READERS)
def test_the_icbs_roles_read_its_report_and_its_pdfs(client, area, ready, role):
    sign_in_verified(client, user_with_role(role, area["icb"]))
    assert client.get(url(ready)).status_code == 200
    page = client.get(url(ready, "report"))
    assert page.status_code == 200 and "Notifications and reviews" in page.text
    easy = client.get(url(ready, "easy-read"))
    # Issue 16: the readability figure is for the author, never printed for easy-read readers.
    assert easy.status_code == 200 and "Flesch" not in easy.text
    for pdf in ("report.pdf", "easy-read.pdf"):
        response = client.get(url(ready, pdf))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", READERS)
def test_another_icbs_report_is_not_found(client, area, ready, role):
    sign_in_verified(client, user_with_role(role, area["other"]))
    for page in ("", "report", "easy-read", "report.pdf", "progress", "publish"):
        assert client.get(url(ready, page)).status_code == 404, page
    assert client.post(url(ready, "generate")).status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_roles_without_figures_are_refused(client, area, ready, role):
    sign_in_verified(client, user_with_role(role, area["icb"] if role == Role.REVIEWER else None))
    for page in ("", "report", "easy-read.pdf"):
        assert client.get(url(ready, page)).status_code == 403
    assert client.get("/staff/reports/annual").status_code == 403
    assert client.get("/staff/reports/annual/new").status_code == 403
    assert client.get("/staff/reports/annual/published").status_code == 403


def test_signed_out_users_are_sent_to_sign_in(client, ready):
    response = client.get(url(ready, "report"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_regional_coordinator_and_national_analyst_read_but_cannot_prepare(client, area, ready):
    for user in (
        user_with_role(Role.REGIONAL_COORDINATOR, area["region"]),
        user_with_role(Role.NATIONAL_ANALYST),
    ):
        sign_in_verified(client, user)
        assert client.get(url(ready, "report")).status_code == 200
        assert client.post(url(ready), {"introduction": "x"}).status_code == 403
        assert client.post(url(ready, "generate")).status_code == 403
        assert client.get(url(ready, "publish")).status_code == 403
    far = user_with_role(Role.REGIONAL_COORDINATOR, area["far_region"])
    sign_in_verified(client, far)
    assert client.get(url(ready)).status_code == 404


def test_panel_members_read_but_cannot_write_generate_or_publish(client, area, ready):
    sign_in_verified(client, user_with_role(Role.PANEL_MEMBER, area["icb"]))
    page = client.get(url(ready))
    assert "Save the text" not in page.text and "Publish the report" not in page.text
    assert client.post(url(ready), {"introduction": "x"}).status_code == 403
    assert client.post(url(ready, "generate")).status_code == 403
    assert client.post(url(ready, "publish")).status_code == 403


def test_lac_writes_the_narrative_and_generates_with_a_progress_page(
    client, area, ready, django_capture_on_commit_callbacks
):
    sign_in_verified(client, area["lac"])
    response = client.post(url(ready), {"introduction": "Our year in LeDeR.", "next_steps": ""})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.narrative["introduction"] == "Our year in LeDeR."
    # the progress page offers a refresh (no meta refresh) while the task runs, and leaves when
    # it is done
    Report.objects.filter(pk=ready.pk).update(status=ReportStatus.GENERATING, progress=40)
    progress = client.get(url(ready, "progress"))
    assert 'http-equiv="refresh"' not in progress.text and "40%" in progress.text
    assert "data-progress-refresh>Refresh</a>" in progress.text
    Report.objects.filter(pk=ready.pk).update(status=ReportStatus.READY, progress=100)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(ready, "generate"))
    assert response.status_code == 302 and response["Location"].endswith("/progress")
    ready.refresh_from_db()
    assert ready.status == ReportStatus.READY
    assert "Our year in LeDeR." in ready.html
    assert client.get(url(ready, "progress"))["Location"].endswith(f"/annual/{ready.pk}")


def test_a_long_narrative_is_refused_on_the_form_and_nothing_is_saved(client, area, ready):
    sign_in_verified(client, area["lac"])
    before = AuditEvent.objects.count()
    response = client.post(url(ready), {"introduction": "x" * 10_001})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Introduction must be 10,000 characters or fewer" in response.text
    ready.refresh_from_db()
    assert ready.narrative == {}
    assert AuditEvent.objects.count() == before


def test_start_a_report_with_bad_and_good_input(client, area):
    sign_in_verified(client, area["lac"])
    page = client.get("/staff/reports/annual/new")
    assert page.status_code == 200 and "NHS Test Alpha ICB" in page.text
    response = client.post(
        "/staff/reports/annual/new",
        {"area": "england", "year": "1990", "period": "calendar", "cohort": "deaths"},
    )
    assert response.status_code == 200
    assert "Select a year from 2018 to" in response.text
    assert "Select an area from the list" in response.text
    assert not Report.objects.exists()
    response = client.post(
        "/staff/reports/annual/new",
        {
            "area": f"icb:{area['icb'].ods_code}",
            "year": str(YEAR),
            "period": "calendar",
            "cohort": "deaths",
        },
    )
    report = Report.objects.get()
    assert response["Location"] == url(report)
    assert report.organisation == area["icb"] and report.created_by == area["lac"]


def test_panel_members_cannot_start_a_report(client, area):
    sign_in_verified(client, user_with_role(Role.PANEL_MEMBER, area["icb"]))
    assert client.get("/staff/reports/annual/new").status_code == 403


def test_icb_lead_publishes_and_the_report_is_listed_with_its_manifest(client, area, ready):
    lead = user_with_role(Role.ICB_LEAD, area["icb"])
    sign_in_verified(client, lead)
    assert client.get(url(ready, "publish")).status_code == 200
    response = client.post(url(ready, "publish"))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == ReportStatus.PUBLISHED
    listing = client.get("/staff/reports/annual/published")
    assert ready.title in listing.text
    assert ready.manifest["extract_sha256"] in listing.text
    # published: no form to change it
    page = client.get(url(ready))
    assert "Save the text" not in page.text and "cannot be changed" in page.text
    sign_in_verified(client, area["lac"])
    response = client.post(url(ready), {"introduction": "Changed"})
    ready.refresh_from_db()
    assert ready.narrative.get("introduction", "") != "Changed"
    response = client.post(url(ready, "generate"), follow=True)
    assert "cannot be changed" in response.text


def test_lac_cannot_publish(client, area, ready):
    sign_in_verified(client, area["lac"])
    assert client.post(url(ready, "publish")).status_code == 403
    ready.refresh_from_db()
    assert ready.status == ReportStatus.READY


def test_a_failed_report_shows_the_failed_checks(
    client, area, cases, django_capture_on_commit_callbacks
):
    from leder.casework.models import CaseState
    from leder.casework.tests.factories import make_reviewer

    case = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    type(case).objects.filter(pk=case.pk).update(
        reviewer=make_reviewer(area["other"]), state="allocated"
    )
    report = services.report_create(actor=area["lac"], organisation=area["icb"], year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.report_generate(actor=area["lac"], report=report)
    sign_in_verified(client, area["lac"])
    page = client.get(url(report))
    assert "This report was not generated" in page.text and case.reference in page.text
    assert client.get(url(report, "report")).status_code == 404
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, area["icb"]))
    page = client.get(url(report))
    assert "No case belongs to two ICBs" in page.text and case.reference not in page.text
