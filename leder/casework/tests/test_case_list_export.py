"""The local area contact's CSV and XLSX export of the case list: who may, what the files hold,
formula injection, the audit of each export, and nothing of another ICB."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import (
    MembershipFactory,
    sign_in_password_only,
    sign_in_verified,
    user_with_role,
)
from leder.casework.models import Case, CaseState
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.notifications.models import Notification

pytestmark = pytest.mark.django_db

CSV_URL = reverse("casework:case_list_export_csv")
XLSX_URL = reverse("casework:case_list_export_xlsx")
HEADERS = [
    "Reference",
    "Name",
    "NHS number",
    "Date of death",
    "Age at death",
    "Ethnic group",
    "Ethnic category",
    "State",
    "Reviewer",
    "Date notified",
    "Due date",
    "Due status",
    "ICB",
]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


@pytest.fixture
def signed_in_lac(client, lac):
    sign_in_verified(client, lac)
    return client


@pytest.fixture
def two_cases(icb, cases):
    reviewer = make_reviewer(icb, user=user_with_role(Role.REVIEWER, icb, full_name="Sam Reviewer"))
    reviewing = cases.make(
        CaseState.INITIAL_REVIEW,
        reviewer=reviewer,
        given_name="Priya",
        family_name="Shah",
        nhs_number="9434765919",
        date_of_birth=date(1980, 5, 20),
        date_of_death=date(2026, 9, 1),
        ethnic_category_id="H",
    )
    waiting = cases.make(
        given_name="Tomasz", family_name="Nowak", date_of_birth=date(1961, 2, 3), nhs_number=""
    )
    return reviewing, waiting


# --- Who may export ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/account/sign-in" in response.url


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_password_only_sessions_must_enter_their_code(client, lac, url):
    sign_in_password_only(client, lac)
    response = client.get(url)
    assert response.status_code == 302 and "/account/two-factor" in response.url


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize(
    "role",
    [Role.REVIEWER, Role.SENIOR_REVIEWER, Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.ICB_LEAD],
)
def test_other_roles_of_the_icb_cannot_export(client, icb, two_cases, role, url):
    sign_in_verified(client, user_with_role(role, icb))
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize(
    "role", [Role.ADMINISTRATOR, Role.NATIONAL_ANALYST, Role.REGIONAL_COORDINATOR]
)
def test_national_and_regional_roles_and_administrators_cannot_export(client, two_cases, role, url):
    sign_in_verified(client, user_with_role(role))
    assert client.get(url).status_code == 403


def test_the_list_offers_the_export_to_the_lac_only(client, icb, lac, two_cases):
    sign_in_verified(client, lac)
    response = client.get(reverse("casework:case_list"), {"state": "initial_review"})
    assert f'href="{CSV_URL}?state=initial_review"' in response.text
    assert f'href="{XLSX_URL}?state=initial_review"' in response.text
    client.logout()
    sign_in_verified(client, user_with_role(Role.SENIOR_REVIEWER, icb))
    response = client.get(reverse("casework:case_list"))
    assert response.status_code == 200 and CSV_URL not in response.text


def test_a_lac_of_another_icb_exports_nothing_of_this_icb(client, icb, other_icb, two_cases):
    other_lac = user_with_role(Role.LAC, other_icb)
    CaseMaker(icb=other_icb, lac=other_lac).make(given_name="Aisha", family_name="Okafor")
    sign_in_verified(client, other_lac)
    rows = csv_rows(client.get(CSV_URL))
    assert [r[1] for r in rows[1:]] == ["Aisha Okafor"]
    sheet = xlsx_sheet(client.get(XLSX_URL))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Aisha Okafor"]
    # Asking for this ICB by its id, or searching for its people, finds nothing.
    assert client.get(CSV_URL, {"icb": icb.pk}).status_code == 404
    assert client.get(XLSX_URL, {"icb": icb.pk}).status_code == 404
    assert csv_rows(client.get(CSV_URL, {"q": "Priya"})) == [HEADERS]
    assert csv_rows(client.get(CSV_URL, {"q": "943 476 5919"})) == [HEADERS]


def test_a_lac_who_is_a_reviewer_elsewhere_exports_only_their_lac_icb(client, icb, other_icb, lac):
    elsewhere = make_reviewer(other_icb, user=lac)
    MembershipFactory(user=lac, role=Role.REVIEWER, organisation=other_icb)
    CaseMaker(icb=other_icb, lac=user_with_role(Role.LAC, other_icb)).make(
        CaseState.INITIAL_REVIEW, reviewer=elsewhere, given_name="Aisha", family_name="Okafor"
    )
    here = CaseMaker(icb=icb, lac=lac).make(given_name="Priya", family_name="Shah")
    sign_in_verified(client, lac)
    listed = client.get(reverse("casework:case_list"))
    assert "Aisha Okafor" in listed.text and "Priya Shah" in listed.text
    rows = csv_rows(client.get(CSV_URL))
    assert [r[0] for r in rows[1:]] == [here.reference]
    # Narrowed to the ICB where they are a reviewer, the list offers no export.
    narrowed = client.get(reverse("casework:case_list"), {"icb": other_icb.pk})
    assert "Aisha Okafor" in narrowed.text and CSV_URL not in narrowed.text
    assert client.get(CSV_URL, {"icb": other_icb.pk}).status_code == 404


# --- What the files hold ------------------------------------------------------------------------


def test_csv_has_every_matching_row_with_nhs_number_and_icb(signed_in_lac, icb, two_cases):
    reviewing, _waiting = two_cases
    rows = csv_rows(signed_in_lac.get(CSV_URL, {"sort": "reference"}))
    assert rows[0] == HEADERS
    assert len(rows) == 3
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first == {
        "Reference": reviewing.reference,
        "Name": "Priya Shah",
        "NHS number": "943 476 5919",
        "Date of death": "2026-09-01",
        "Age at death": "46",
        "Ethnic group": "Asian",
        "Ethnic category": "Asian or Asian British - Indian",
        "State": "Initial review",
        "Reviewer": "Sam Reviewer",
        "Date notified": reviewing.notified_on.isoformat(),
        "Due date": reviewing.due_on.isoformat(),
        "Due status": "On track",
        "ICB": "Test ICB",
    }
    second = dict(zip(HEADERS, rows[2], strict=True))
    assert (second["Name"], second["NHS number"], second["Reviewer"]) == ("Tomasz Nowak", "", "")
    assert (second["Ethnic group"], second["Ethnic category"]) == ("Not known", "")


def test_the_export_applies_the_lists_filters_across_every_page(signed_in_lac, cases, two_cases):
    reviewing, _waiting = two_cases
    rows = csv_rows(signed_in_lac.get(CSV_URL, {"state": "initial_review"}))
    assert [r[0] for r in rows[1:]] == [reviewing.reference]
    for i in range(30):
        cases.make(date_of_birth=date(1935 + i, 1 + i % 12, 1 + i % 28))
    everything = csv_rows(signed_in_lac.get(CSV_URL, {"page": "2"}))
    assert len(everything) == 1 + 32


def test_an_invalid_filter_exports_nothing_and_shows_the_error(signed_in_lac, two_cases):
    response = signed_in_lac.get(
        CSV_URL, {"state": "nonsense", "notified_from_day": "40", "notified_from_month": "1"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("casework:case_list") + "?state=nonsense")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    page = signed_in_lac.get(response.url)
    assert "Select states from the list" in page.text


def test_xlsx_is_a_real_workbook_with_a_frozen_header_widths_and_dates(signed_in_lac, two_cases):
    reviewing, _waiting = two_cases
    sheet = xlsx_sheet(signed_in_lac.get(XLSX_URL, {"sort": "reference"}))
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 28
    row = dict(zip(HEADERS, [c.value for c in sheet[2]], strict=True))
    assert row["Reference"] == reviewing.reference
    assert row["Date of death"] == datetime(2026, 9, 1)
    assert sheet["D2"].is_date and sheet["D2"].number_format == "DD/MM/YYYY"
    assert row["Age at death"] == 46
    assert row["NHS number"] == "943 476 5919"
    assert sheet.max_row == 3


def test_formula_injection_is_neutralised(signed_in_lac, two_cases):
    reviewing, waiting = two_cases
    Notification.objects.filter(pk=reviewing.notification_id).update(
        given_name='=HYPERLINK("http://evil.example","x")', family_name=""
    )
    Notification.objects.filter(pk=waiting.notification_id).update(
        given_name="@SUM(1+1)", family_name="-2+3"
    )
    rows = csv_rows(signed_in_lac.get(CSV_URL, {"sort": "reference"}))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[2][1] == "'@SUM(1+1) -2+3"
    sheet = xlsx_sheet(signed_in_lac.get(XLSX_URL, {"sort": "reference"}))
    cell = sheet["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil.example","x")'


def test_csv_safe_prefixes_each_formula_start():
    from leder.casework.exports import csv_safe

    for text in ["=1", "+1", "-1", "@A1", "\t=1", "\r=1"]:
        assert csv_safe(text) == "'" + text
    assert csv_safe("Priya") == "Priya"
    assert csv_safe(date(2026, 1, 2)) == "2026-01-02"
    assert csv_safe(None) == ""
    assert csv_safe(46) == "46"


# --- Audit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "export_format"), [(CSV_URL, "csv"), (XLSX_URL, "xlsx")])
def test_each_export_is_audited_with_its_filters_and_rows(
    signed_in_lac, lac, icb, two_cases, url, export_format
):
    reviewing, _waiting = two_cases
    response = signed_in_lac.get(url, {"state": "initial_review"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.object_type, event.object_id) == (
        lac,
        "casework.CaseList",
        str(icb.pk),
    )
    assert event.details["format"] == export_format
    assert event.details["filters"]["states"] == ["initial_review"]
    assert event.details["rows"] == 1
    assert event.details["references"] == [reviewing.reference]


def test_export_query_count_does_not_grow_with_the_number_of_cases(signed_in_lac, cases):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for url in (CSV_URL, XLSX_URL):
                response = signed_in_lac.get(url)
                if url == CSV_URL:
                    csv_rows(response)
        return len(captured)

    for i in range(3):
        cases.make(date_of_birth=date(1935 + i, 1, 1 + i))
    small = queries()
    for i in range(30):
        cases.make(date_of_birth=date(1940 + i, 1 + i % 12, 1 + i % 28))
    assert queries() <= small
    assert Case.objects.count() == 33
