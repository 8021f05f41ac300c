"""Dashboards: who sees which scope, suppressed cells, downloads equal to the table, and a failed
reconciliation that stops the figures and names the records to those who may see them."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_password_only, sign_in_verified, user_with_role
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.metrics import REGISTRY
from leder.casework.models import CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core.models import AuditAction, AuditEvent
from leder.reports.charts import SPECS, chart_points
from leder.reports.figures import published_figures
from leder.reports.tables import figure_table
from leder.reports.tests.conftest import QUERY

pytestmark = pytest.mark.django_db

ICB_FIGURE_ROLES = [
    Role.ICB_LEAD,
    Role.LAC,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.SENIOR_REVIEWER,
]


def icb_url(organisation) -> str:
    return f"/staff/reports/dashboards/icb/{organisation.ods_code}"


def region_url(organisation) -> str:
    return f"/staff/reports/dashboards/region/{organisation.ods_code}"


ENGLAND_URL = "/staff/reports/dashboards/england"


def get_as(client, user, url, query=None):
    sign_in_verified(client, user)
    return client.get(url, query or QUERY)


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ICB_FIGURE_ROLES)
def test_icb_roles_see_their_icbs_dashboard(client, area, role):
    response = get_as(client, user_with_role(role, area["icb"]), icb_url(area["icb"]))
    assert response.status_code == 200
    assert "Deaths by stage of review" in response.text


@pytest.mark.parametrize("role", ICB_FIGURE_ROLES)
def test_another_icbs_dashboard_is_not_found(client, area, role):
    user = user_with_role(role, area["other"])
    assert get_as(client, user, icb_url(area["icb"])).status_code == 404


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_reviewers_and_administrators_have_no_dashboards(client, area, role):
    organisation = area["icb"] if role == Role.REVIEWER else None
    user = user_with_role(role, organisation)
    for url in (icb_url(area["icb"]), region_url(area["region"]), ENGLAND_URL):
        assert get_as(client, user, url).status_code == 403
    assert client.get("/staff/reports/").status_code == 403


def test_regional_coordinator_sees_the_region_and_its_icbs_only(client, area):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, area["region"])
    assert get_as(client, coordinator, region_url(area["region"])).status_code == 200
    assert client.get(icb_url(area["icb"]), QUERY).status_code == 200
    assert client.get(icb_url(area["other"]), QUERY).status_code == 200
    assert client.get(icb_url(area["far"]), QUERY).status_code == 404
    assert client.get(region_url(area["far_region"]), QUERY).status_code == 404
    assert client.get(ENGLAND_URL, QUERY).status_code == 403


def test_icb_roles_cannot_open_a_region_or_england(client, area):
    lac = area["lac"]
    assert get_as(client, lac, region_url(area["region"])).status_code == 403
    assert client.get(ENGLAND_URL, QUERY).status_code == 403


def test_national_analyst_sees_england_regions_and_icbs(client, area):
    analyst = user_with_role(Role.NATIONAL_ANALYST)
    assert get_as(client, analyst, ENGLAND_URL).status_code == 200
    assert client.get(region_url(area["far_region"]), QUERY).status_code == 200
    assert client.get(icb_url(area["far"]), QUERY).status_code == 200
    assert client.get(icb_url(area["icb"]) + "X", QUERY).status_code == 404


def test_signed_out_and_password_only_users_are_sent_to_sign_in(client, area):
    response = client.get(icb_url(area["icb"]), QUERY)
    assert response.status_code == 302 and "next=" in response["Location"]
    sign_in_password_only(client, area["lac"])
    response = client.get(icb_url(area["icb"]), QUERY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_index_lists_the_dashboards_the_user_may_open(client, area):
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, area["region"])
    response = get_as(client, coordinator, "/staff/reports/")
    assert response.status_code == 200
    assert region_url(area["region"]) in response.text
    assert icb_url(area["icb"]) in response.text and icb_url(area["other"]) in response.text
    assert icb_url(area["far"]) not in response.text
    assert ENGLAND_URL not in response.text


# --- the figures -------------------------------------------------------------------------------


def test_every_metric_is_shown_with_its_cohort_version_chart_and_table(client, area, cases):
    response = get_as(client, area["lac"], icb_url(area["icb"]))
    text = response.text
    for key, metric in REGISTRY.items():
        assert f'id="figure-{key.replace("_", "-")}"' in text, key
        assert metric.title in text
    about = re.findall(r'leder-figure__about">\s*([^<]*?)\s*(?:<br>|</p>)', text)
    assert about == [
        f"Deaths in 2026, NHS Test Alpha ICB. Definition version {m.version}."
        for m in REGISTRY.values()
    ]
    # every figure names the population it is about (ADR 0146)
    populations = re.findall(r"<strong>Population:</strong>\s*([^<]*?)\.\s*</p>", text)
    assert len(populations) == len(REGISTRY)
    assert all(populations)
    # a chart is an image with a title, and always comes with its table
    assert text.count('role="img"') >= 5
    assert text.count("<caption") >= len(REGISTRY)
    assert "<script" not in text.split("<main", 1)[1].split("</main>")[0]
    # viewing figures computed from identifiable data is audited
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=area["lac"]).last()
    assert event.object_id == f"icb:{area['icb'].ods_code}"
    assert event.details["cohort"]["name"] == "Deaths in 2026"


def test_suppressed_cells_are_shown_as_suppressed_and_not_drawn(client, area, cases):
    response = get_as(client, area["lac"], icb_url(area["icb"]))
    states = response.text.split('id="figure-counts-by-state"')[1].split("</section>")[0]
    # 3 awaiting allocation is under 5; the 6 in initial review would give it away (9 − 6)
    awaiting = states.split("Awaiting allocation</th>")[1].split("</tr>")[0]
    review = states.split("Initial review</th>")[1].split("</tr>")[0]
    assert "[c]" in awaiting and ">3<" not in awaiting
    assert "[c]" in review and ">6<" not in review
    assert "fewer than 5" in states
    assert ">9<" in states.split("Total</th>")[1]

    published = published_figures(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    result = published.results["counts_by_state"]
    points = {p["category"]: p for p in chart_points(result, SPECS["counts_by_state"])}
    # A suppressed category keeps its place, labelled [c], with no bar: never a zero.
    for name in ("Awaiting allocation", "Initial review"):
        assert points[name]["label"] == "[c]" and points[name]["value"] is None
    assert points["Completed"]["value"] == 0  # a real zero is a zero


def test_every_chart_shows_the_values_its_table_shows(area, cases):
    """Each chart's points are its table's cells, rounded and written as the table writes them,
    suppressed cells included; and the drawn SVG carries each of those labels."""
    from leder.reports.charts import render_chart

    published = published_figures(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    charted = suppressed = 0
    for key, result in published.results.items():
        spec = SPECS.get(key)
        if spec is None:
            continue
        table = figure_table(result)
        points = chart_points(result, spec)
        for point in points:
            cell = table.cell(point["row"], point["column"])
            assert point["label"] == cell.text, (key, point)
            assert point["suppressed"] == cell.suppressed, (key, point)
            if point["value"] is not None:
                assert point["value"] == cell.value, (key, point)
            suppressed += point["suppressed"]
        chart = render_chart(result)
        if chart is None:
            assert all(p["value"] is None for p in points), key
            continue
        charted += 1
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", chart.svg)
        for point in points:
            assert point["label"] in labels, (key, point["label"])
        # No unrounded number is printed: every number in a label is one the table shows.
        shown = {cell.text for row in table.rows for cell in row}
        for text in labels:
            if re.fullmatch(r"-?[\d,]+\.\d{2,}", text):
                assert text in shown, (key, text)
    assert charted >= 5 and suppressed >= 1


def test_figures_filter_by_year_and_cohort(client, area, cases):
    response = get_as(client, area["lac"], icb_url(area["icb"]), {**QUERY, "year": "2025"})
    states = response.text.split('id="figure-counts-by-state"')[1].split("</section>")[0]
    assert ">0<" in states.split("Total</th>")[1]
    assert "Deaths in 2025" in response.text
    response = client.get(icb_url(area["icb"]), {**QUERY, "period": "financial"})
    assert "Deaths in 2026 to 2027 (financial year)" in response.text


def test_bad_filters_are_explained_and_nothing_is_computed_or_recorded(client, area, cases):
    sign_in_verified(client, area["lac"])
    before = AuditEvent.objects.count()
    response = client.get(icb_url(area["icb"]), {"year": "1990", "cohort": "people"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select a year from 2018 to" in response.text
    assert "Select who the figures are about" in response.text
    assert 'id="figure-counts-by-state"' not in response.text
    assert AuditEvent.objects.count() == before


# --- downloads ---------------------------------------------------------------------------------


def download(client, area, key, fmt):
    return client.get(f"{icb_url(area['icb'])}/{key}.{fmt}", QUERY)


@pytest.mark.parametrize("key", ["counts_by_state", "median_age", "avoidable_deaths"])
def test_csv_and_xlsx_downloads_equal_the_table(client, area, cases, key):
    sign_in_verified(client, area["lac"])
    published = published_figures(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    table = figure_table(published.results[key])

    response = download(client, area, key, "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == table.headings
    assert rows[1:] == table.text_rows()

    response = download(client, area, key, "xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = [list(row) for row in book["Figures"].iter_rows(values_only=True)]
    assert sheet[0] == table.headings
    assert sheet[1:] == table.value_rows()
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Cohort"] == "Deaths in 2026"
    assert about["Definition version"] == REGISTRY[key].version

    # the page shows the same cells
    page = client.get(icb_url(area["icb"]), QUERY).text
    section = page.split(f'id="figure-{key.replace("_", "-")}"')[1].split("</table>")[0]
    for row in table.rows:
        for cell in row:
            assert cell.text.replace("'", "&#39;") in section


def test_suppressed_cells_download_as_suppressed(client, area, cases):
    sign_in_verified(client, area["lac"])
    rows = list(
        csv.reader(
            io.StringIO(
                download(client, area, "counts_by_state", "csv").content.decode("utf-8-sig")
            )
        )
    )
    awaiting = next(r for r in rows if r[0] == "Awaiting allocation")
    assert awaiting[1] == "[c]"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).last()
    assert event.details["metric"] == "counts_by_state" and event.details["format"] == "csv"


def test_downloads_follow_the_dashboards_permissions(client, area, cases):
    other_lac = user_with_role(Role.LAC, area["other"])
    sign_in_verified(client, other_lac)
    assert download(client, area, "counts_by_state", "csv").status_code == 404
    sign_in_verified(client, user_with_role(Role.REVIEWER, area["icb"]))
    assert download(client, area, "counts_by_state", "csv").status_code == 403
    sign_in_verified(client, area["lac"])
    assert download(client, area, "no_such_metric", "csv").status_code == 404
    assert client.get(f"{icb_url(area['icb'])}/actions.csv", {"year": "x"}).status_code == 404


# --- reconciliation ----------------------------------------------------------------------------


@pytest.fixture
def broken(area, cases):
    """A case held by a reviewer from another ICB's register: one case in two ICBs."""
    case = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    foreign = make_reviewer(area["other"])
    type(case).objects.filter(pk=case.pk).update(reviewer=foreign, state="allocated")
    return case


def test_failed_reconciliation_stops_the_dashboard_and_names_the_records(client, area, broken):
    response = get_as(client, area["lac"], icb_url(area["icb"]))
    assert response.status_code == 200
    assert "These figures cannot be published" in response.text
    assert "No case belongs to two ICBs" in response.text
    assert broken.reference in response.text
    assert 'id="figure-counts-by-state"' not in response.text
    assert "<caption" not in response.text
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=area["lac"]).last()
    assert event.details["published"] is False


def test_failed_reconciliation_names_no_records_to_those_who_cannot_open_them(client, area, broken):
    lead = user_with_role(Role.ICB_LEAD, area["icb"])
    response = get_as(client, lead, icb_url(area["icb"]))
    assert "No case belongs to two ICBs" in response.text
    assert broken.reference not in response.text
    assert "1 record affected" in response.text


def test_failed_reconciliation_stops_downloads(client, area, broken):
    sign_in_verified(client, area["lac"])
    response = download(client, area, "counts_by_state", "csv")
    assert response.status_code == 409
    assert b"Deaths" not in response.content


def test_national_analyst_downloads_englands_tables(client, area, cases):
    sign_in_verified(client, user_with_role(Role.NATIONAL_ANALYST))
    response = client.get(f"{ENGLAND_URL}/place_of_death.xlsx", QUERY)
    assert response.status_code == 200
    assert "leder-place-of-death-england-deaths-2026.xlsx" in response["Content-Disposition"]
    sign_in_verified(client, area["lac"])
    assert client.get(f"{ENGLAND_URL}/place_of_death.csv", QUERY).status_code == 403


# --- computed once per data version (ADR 0170) ------------------------------------------------


def _total_deaths(text: str) -> str:
    states = text.split('id="figure-counts-by-state"')[1].split("</section>")[0]
    return states.split("Total</th>")[1].split("</tr>")[0]


def test_figures_are_computed_once_until_the_data_change(client, area, cases, monkeypatch):
    from leder.reports import charts, figures

    built = []
    real_build = figures.build_extract
    monkeypatch.setattr(
        figures, "build_extract", lambda *a, **k: built.append(1) or real_build(*a, **k)
    )
    drawn = []
    real_vega = charts._vega_lite
    monkeypatch.setattr(charts, "_vega_lite", lambda *a, **k: drawn.append(1) or real_vega(*a, **k))

    first = get_as(client, area["lac"], icb_url(area["icb"]))
    assert len(built) == 1 and drawn
    charts_drawn = len(drawn)
    second = client.get(icb_url(area["icb"]), QUERY)
    assert len(built) == 1 and len(drawn) == charts_drawn  # neither the extract nor a chart
    assert ">9<" in _total_deaths(second.text)
    assert first.text.count('role="img"') == second.text.count('role="img"')
    # the download reads the same computed figures
    assert download(client, area, "counts_by_state", "csv").status_code == 200
    assert len(built) == 1

    # a write to the data (a new case) makes the next view compute them again
    area["maker"].make(CaseState.AWAITING_ALLOCATION)
    third = client.get(icb_url(area["icb"]), QUERY)
    assert len(built) == 2
    assert ">10<" in _total_deaths(third.text)
    # and every view is still audited, computed or not
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=area["lac"])
    assert views.count() == 3


def test_a_chart_seen_before_is_not_drawn_again(area, cases, monkeypatch):
    from leder.reports import charts

    published = published_figures(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    result = published.results["place_of_death"]
    first = charts.render_chart(result)
    monkeypatch.setattr(charts, "_vega_lite", lambda *a, **k: pytest.fail("drawn again"))
    again = charts.render_chart(result)
    assert again == first
    # another prefix is another SVG (ids must stay unique on a page)
    monkeypatch.undo()
    other = charts.render_chart(result, prefix="report-chart-place_of_death")
    assert 'id="report-chart-place_of_death-title"' in other.svg


def test_the_index_groups_dashboards_by_region_with_former_icbs_apart(client, area):
    """Issue 16 item 10: 57 ICBs, closed and current mixed, not by region."""
    from datetime import date

    from leder.accounts.tests.factories import icb as make_icb

    make_icb(region=area["region"], name="NHS Test Closed ICB", closed_on=date(2022, 6, 30))
    analyst = user_with_role(Role.NATIONAL_ANALYST)
    sign_in_verified(client, analyst)
    page = client.get(reverse("reports:index")).content.decode()
    headings = re.findall(r'<h3 class="nhsuk-heading-s">([^<]+)</h3>', page)
    assert headings[0] == "England"
    assert headings.index("Test North Region") < headings.index("Test South Region")
    assert headings[-1] == "Former ICBs"
    north = page.split(">Test North Region</h3>")[1].split("</ul>")[0]
    assert "NHS Test Alpha ICB" in north and "NHS Test Beta ICB" in north
    assert "Closed ICB" not in north and "Gamma" not in north
    former = page.split(">Former ICBs</h3>")[1].split("</ul>")[0]
    assert "NHS Test Closed ICB</a> (closed 30 June 2022)" in former
