"""The national performance table's page and downloads: who may see which, and what they get."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import today
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db


def _quarter_of_today() -> dict:
    day = today()
    financial_year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return {"year": financial_year, "quarter": quarter, "period": "financial"}


@pytest.fixture
def completed():
    cases = factories.area()
    return factories.completed_case(cases)


def test_a_national_analyst_sees_every_icb_region_and_england(client, completed):
    analyst = user_with_role(Role.NATIONAL_ANALYST)
    sign_in_verified(client, analyst)
    page = client.get(reverse("reports:performance_england"), _quarter_of_today())
    assert page.status_code == 200
    html = page.content.decode()
    assert "NHS Test Valley ICB" in html or "Test Valley ICB" in html
    assert "Test North Region" in html and ">England<" in html
    assert "within-6-months v2" in html  # the definition version on the figure
    # The one completed review is a count below 5: suppressed.
    assert "[c]" in html
    assert AuditEvent.objects.filter(object_type="reports.PerformanceTable").exists()


def test_the_csv_and_xlsx_downloads_have_the_same_rows(client, completed):
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))
    query = _quarter_of_today()
    got = client.get(reverse("reports:performance_england_download", kwargs={"fmt": "csv"}), query)
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Level", "ODS code", "Area"]
    assert "Completed within 6 months" in rows[0] and "Backlog: total" in rows[0]
    assert rows[-1][0] == "England"
    book = client.get(
        reverse("reports:performance_england_download", kwargs={"fmt": "xlsx"}), query
    )
    sheet = load_workbook(io.BytesIO(book.content))["Figures"]
    assert [c.value for c in sheet[1]] == rows[0]
    assert sheet.max_row == len(rows)
    assert (
        AuditEvent.objects.filter(
            object_type="reports.PerformanceTable", action=AuditAction.EXPORT
        ).count()
        == 2
    )


def test_a_regional_coordinator_sees_their_region_only(client, completed):
    region = completed.notification.icb.region
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, region)
    sign_in_verified(client, coordinator)
    url = reverse("reports:performance", kwargs={"kind": "region", "code": region.ods_code})
    page = client.get(url, _quarter_of_today())
    assert page.status_code == 200 and ">England<" not in page.content.decode()
    assert client.get(reverse("reports:performance_england")).status_code == 403
    other = reverse("reports:performance", kwargs={"kind": "region", "code": "Y56"})
    assert client.get(other).status_code == 404
    csv_url = reverse(
        "reports:performance_download",
        kwargs={"kind": "region", "code": region.ods_code, "fmt": "csv"},
    )
    assert client.get(csv_url, _quarter_of_today()).status_code == 200


def test_an_icb_lead_has_no_performance_table(client, completed):
    icb = completed.notification.icb
    sign_in_verified(client, user_with_role(Role.ICB_LEAD, icb))
    url = reverse("reports:performance", kwargs={"kind": "icb", "code": icb.ods_code})
    assert client.get(url).status_code == 404


def test_a_bad_period_is_an_error_not_a_table(client):
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))
    page = client.get(reverse("reports:performance_england"), {"quarter": "7"})
    assert page.status_code == 200 and "Select a quarter or the year" in page.content.decode()
