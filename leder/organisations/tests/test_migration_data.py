"""What the data migration loads: the NHS geography and the pending 2026 restructure."""

import csv
import datetime
from pathlib import Path

import pytest

from leder.organisations.models import Organisation, OrganisationKind, Succession, SuccessionKind

DATA = Path(__file__).resolve().parent.parent / "data"
NEW_ICBS_2026 = {"S1Y5D", "D7T5G", "T6Y0W", "S0E4D", "S9B9J", "Z9B2Z"}


def _rows(name):
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


pytestmark = pytest.mark.django_db


def test_england_and_its_seven_regions_are_loaded():
    england = Organisation.objects.get(ods_code="X26")
    assert (england.name, england.kind) == ("NHS England", OrganisationKind.NATIONAL)
    regions = Organisation.objects.regions()
    assert regions.count() == 7
    assert set(regions.values_list("ods_code", flat=True)) == {
        "Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63",
    }  # fmt: skip


def test_forty_two_icbs_of_2022_and_six_of_2026_each_with_a_region():
    icbs = Organisation.objects.icbs()
    assert icbs.count() == 48
    assert icbs.filter(opened_on=datetime.date(2022, 7, 1)).count() == 42
    assert (
        set(icbs.filter(opened_on=datetime.date(2026, 4, 1)).values_list("ods_code", flat=True))
        == NEW_ICBS_2026
    )
    assert not icbs.filter(region__isnull=True).exists()
    leicester = Organisation.objects.get(ods_code="QK1")
    assert leicester.region.ods_code == "Y60"
    assert leicester.short_name == "Leicester, Leicestershire and Rutland"


def test_new_icbs_take_the_region_of_their_predecessors():
    regions = {
        icb.ods_code: icb.region.ods_code
        for icb in Organisation.objects.filter(ods_code__in=NEW_ICBS_2026)
    }
    assert regions == {
        "S1Y5D": "Y61",
        "D7T5G": "Y61",
        "T6Y0W": "Y61",
        "S0E4D": "Y59",
        "S9B9J": "Y59",
        "Z9B2Z": "Y56",
    }
    for succession in Succession.objects.filter(effective_on=datetime.date(2026, 4, 1)):
        assert succession.predecessor.region_id == succession.successor.region_id


def test_every_2021_ccg_is_closed_and_points_at_the_icb_that_took_it_over():
    rows = _rows("ccg_to_icb_2022.csv")
    assert len(rows) == 106
    ccgs = {
        ccg.ods_code: ccg
        for ccg in Organisation.objects.filter(
            kind=OrganisationKind.CCG, ods_code__in=[r["ccg_ods_code"] for r in rows]
        ).select_related("icb")
    }
    assert len(ccgs) == 106
    for row in rows:
        ccg = ccgs[row["ccg_ods_code"]]
        assert ccg.icb.ods_code == row["icb_ods_code"], row
        assert ccg.closed_on == datetime.date(2022, 7, 1)
        succession = Succession.objects.get(predecessor=ccg)
        assert succession.kind == SuccessionKind.CCG_TO_ICB
        assert succession.successor == ccg.icb
        assert succession.applied_at is not None


def test_older_ccg_codes_are_closed_and_succeeded_by_their_2021_ccg():
    rows = _rows("ccg_predecessor_codes.csv")
    assert len(rows) == 118
    for row in rows:
        old = Organisation.objects.get(ods_code=row["predecessor_ccg_ods_code"])
        assert old.kind == OrganisationKind.CCG
        assert old.closed_on == datetime.date(2021, 4, 1)
        succession = Succession.objects.get(predecessor=old)
        assert succession.successor.ods_code == row["ccg_2021_ods_code"]
        assert succession.applied_at is not None
    # A CCG created by the 2021 mergers opened then; one that already existed has no date.
    assert Organisation.objects.get(ods_code="16C").opened_on == datetime.date(2021, 4, 1)
    assert Organisation.objects.get(ods_code="15E").opened_on is None


def test_the_2026_restructure_is_pending_with_its_predecessors_still_open():
    pending = Succession.objects.filter(effective_on=datetime.date(2026, 4, 1))
    assert pending.count() == 16
    assert not pending.filter(applied_at__isnull=False).exists()
    predecessors = Organisation.objects.filter(successions_out__in=pending).distinct()
    assert predecessors.count() == 12
    assert not predecessors.filter(closed_on__isnull=False).exists()
    frimley = pending.filter(predecessor__ods_code="QNQ")
    assert {(s.successor.ods_code, s.kind) for s in frimley} == {
        ("S0E4D", SuccessionKind.SPLIT),
        ("S9B9J", SuccessionKind.SPLIT),
        ("QRL", SuccessionKind.ACQUISITION),
    }


def test_each_split_icb_has_exactly_one_default_successor():
    pending = Succession.objects.filter(effective_on=datetime.date(2026, 4, 1))
    defaults = {
        s.predecessor.ods_code: s.successor.ods_code for s in pending.filter(takes_unplaced=True)
    }
    assert defaults == {"QM7": "S1Y5D", "QJG": "T6Y0W", "QNQ": "S0E4D"}
