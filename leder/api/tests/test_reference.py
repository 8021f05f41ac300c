"""Reference data endpoints: what each returns, and that each needs `reference:read`."""

from datetime import date, timedelta

import pytest

from leder.accounts.tests.factories import icb as make_icb
from leder.api.models import ApiScope
from leder.api.tests.factories import api_client, bearer, token_for
from leder.core.time import now, today
from leder.organisations.models import Organisation, OrganisationKind, Succession
from leder.reference import avoidable
from leder.reference.models import EthnicCategory
from leder.reviews.models import GradingLevel, GradingScale

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/regions", "/icbs", "/ethnic-categories", "/grading-scale", "/avoidable-causes"]


def get(client, headers, path):
    response = client.get(f"/api/v1{path}", **headers)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_each_reference_endpoint_needs_the_reference_scope(client, path):
    api = api_client(scopes=[ApiScope.NOTIFICATIONS_SUBMIT])
    response = client.get(f"/api/v1{path}", **bearer(token_for(api)))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "scope_missing"


def test_regions_are_the_seven_nhs_england_regions(client, trust_client):
    _, headers = trust_client
    regions = get(client, headers, "/regions")
    codes = {r["ods_code"] for r in regions}
    assert codes == set(Organisation.objects.regions().values_list("ods_code", flat=True))
    assert len(regions) == 7


def test_icbs_have_their_region_ccgs_and_restructures(client, trust_client):
    _, headers = trust_client
    region = Organisation.objects.regions().first()
    old = make_icb(region=region, closed_on=today() - timedelta(days=1))
    new = make_icb(region=region)
    Organisation.objects.create(
        ods_code="TSTCCG", name="Test CCG", kind=OrganisationKind.CCG, icb=old
    )
    Succession.objects.create(
        predecessor=old,
        successor=new,
        effective_on=today() - timedelta(days=1),
        kind="merger",
        applied_at=now(),
    )
    icbs = {i["ods_code"]: i for i in get(client, headers, "/icbs")}

    assert icbs[old.ods_code]["open"] is False
    assert icbs[old.ods_code]["region"] == {"ods_code": region.ods_code, "name": region.name}
    assert icbs[old.ods_code]["ccg_codes"] == ["TSTCCG"]
    assert icbs[old.ods_code]["successors"][0]["ods_code"] == new.ods_code
    assert icbs[old.ods_code]["successors"][0]["applied"] is True
    assert icbs[new.ods_code]["predecessors"][0]["ods_code"] == old.ods_code
    assert icbs[new.ods_code]["open"] is True
    assert len(icbs) == Organisation.objects.icbs().count()


def test_ethnic_categories_are_the_data_dictionary_codes(client, trust_client):
    _, headers = trust_client
    categories = get(client, headers, "/ethnic-categories")
    assert [c["code"] for c in categories] == list(
        EthnicCategory.objects.order_by("sort_order", "code").values_list("code", flat=True)
    )
    assert categories[0] == {
        "code": "A",
        "description": "White - British",
        "group": "White",
        "census_2021_codes": EthnicCategory.objects.get(code="A").census_2021_codes,
    }


def test_grading_scale_has_the_current_version_and_every_version(client, trust_client):
    _, headers = trust_client
    newer = GradingScale.objects.create(version="9", effective_from=date(2099, 1, 1))
    GradingLevel.objects.create(scale=newer, level=1, title="Future", description="Later")
    body = get(client, headers, "/grading-scale")

    current = GradingScale.objects.in_force_on(today())
    assert body["current"]["version"] == current.version
    assert [level["level"] for level in body["current"]["levels"]] == list(
        current.levels.order_by("level").values_list("level", flat=True)
    )
    assert [v["version"] for v in body["versions"]][-1] == "9"


def test_avoidable_causes_are_the_reference_list(client, trust_client):
    _, headers = trust_client
    body = get(client, headers, "/avoidable-causes")
    rows = avoidable.avoidable_list()
    assert body["version"] == avoidable.VERSION
    assert len(body["causes"]) == len(rows)
    assert body["causes"][0]["icd10_codes"] == rows[0].icd10_codes
    assert body["causes"][0]["preventable_weight"] == rows[0].preventable_weight
