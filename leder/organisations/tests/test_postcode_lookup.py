"""Issue 15 item 1: the area worked out from the postcode where a published lookup (ONS NSPL or
ONSPD, with its source and date) places it unambiguously (docs/adr/0158). Tested on a small
synthetic directory in the published NSPL column layout: no real postcode data is shipped."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from leder.core.models import AuditEvent
from leder.organisations.areas import AreaSource, find_area, sector_and_district
from leder.organisations.models import PostcodeArea, PostcodeLookup, Succession
from leder.organisations.services.postcodes import DirectoryError, postcode_lookup_load
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory, RegionFactory

pytestmark = pytest.mark.django_db

# The NSPL's columns, in its published order (User Guide, 2022 onwards). Only pcds, doterm and
# icb are read.
NSPL_COLUMNS = [
    "pcd",
    "pcd2",
    "pcds",
    "dointr",
    "doterm",
    "usertype",
    "oseast1m",
    "osnrth1m",
    "osgrdind",
    "oa21",
    "cty",
    "ced",
    "laua",
    "ward",
    "nhser",
    "ctry",
    "rgn",
    "pcon",
    "ttwa",
    "itl",
    "park",
    "lsoa21",
    "msoa21",
    "wz11",
    "sicbl",
    "bua22",
    "ruc21",
    "oac11",
    "lat",
    "long",
    "lep1",
    "lep2",
    "pfa",
    "imd",
    "icb",
]

WEST, HUMBER, GONE, MERGED_INTO = "E54900001", "E54900002", "E54900003", "E54900004"


def nspl_row(pcds: str, icb: str, *, doterm: str = "") -> list[str]:
    values = dict.fromkeys(NSPL_COLUMNS, "")
    compact = pcds.replace(" ", "")
    values.update(
        pcd=f"{compact[:-3]:<4}{compact[-3:]}",
        pcd2=f"{compact[:-3]:<5}{compact[-3:]}",
        pcds=pcds,
        dointr="198001",
        doterm=doterm,
        usertype="0",
        ctry="E92000001" if icb.startswith("E") else "W92000004",
        icb=icb,
    )
    return [values[c] for c in NSPL_COLUMNS]


DIRECTORY = [
    # LS1: wholly West Yorkshire, in two sectors.
    nspl_row("LS1 3EX", WEST),
    nspl_row("LS1 4AP", WEST),
    # HG1: shared; its sector HG1 2 is wholly West Yorkshire, HG1 5 wholly Humber.
    nspl_row("HG1 2AB", WEST),
    nspl_row("HG1 2AD", WEST),
    nspl_row("HG1 5XY", HUMBER),
    # YO1 7: one live postcode in Humber; the other, in West Yorkshire, was terminated.
    nspl_row("YO1 7HH", HUMBER),
    nspl_row("YO1 7ZZ", WEST, doterm="202001"),
    # An ICB that closed, merged into one open ICB: its code follows the merger.
    nspl_row("DN1 1AA", GONE),
    # Wales: a pseudo code, never placed.
    nspl_row("CF10 1AA", "W99999999"),
    # A code no ICB here carries.
    nspl_row("ZZ1 1AA", "E54999999"),
]


@pytest.fixture
def icbs():
    region = RegionFactory(name="Test North")
    west = IcbFactory(short_name="West Yorkshire", region=region, gss_code=WEST)
    humber = IcbFactory(short_name="Humber and North Yorkshire", region=region, gss_code=HUMBER)
    gone = IcbFactory(short_name="Gone", region=region, gss_code=GONE, closed_on=date(2026, 4, 1))
    successor = IcbFactory(short_name="Successor", region=region, gss_code=MERGED_INTO)
    Succession.objects.create(
        predecessor=gone, successor=successor, effective_on=date(2026, 4, 1), kind="merger"
    )
    return {"west": west, "humber": humber, "successor": successor}


def load(rows=DIRECTORY, **kwargs):
    return postcode_lookup_load(
        header=NSPL_COLUMNS,
        rows=rows,
        source=kwargs.pop("source", "NSPL May 2026 (synthetic test file)"),
        published_on=date(2026, 5, 20),
        file_name="NSPL_MAY_2026_UK.csv",
        file_sha256="0" * 64,
        **kwargs,
    )


def test_sectors_and_districts_are_kept_only_when_wholly_in_one_icb(icbs):
    lookup = load()
    placed = {a.prefix: a.icb.short_name for a in PostcodeArea.objects.filter(lookup=lookup)}
    assert placed == {
        "LS1": "West Yorkshire",
        "LS1 3": "West Yorkshire",
        "LS1 4": "West Yorkshire",
        "HG1 2": "West Yorkshire",
        "HG1 5": "Humber and North Yorkshire",
        "YO1": "Humber and North Yorkshire",
        "YO1 7": "Humber and North Yorkshire",
        "DN1": "Successor",
        "DN1 1": "Successor",
    }
    assert "HG1" not in placed  # shared by two ICBs: places nothing
    assert (lookup.live_postcodes, lookup.sectors, lookup.districts) == (8, 6, 3)
    assert lookup.unknown_icb_codes == ["E54999999"]
    entry = AuditEvent.objects.get(object_id=str(lookup.pk), summary__startswith="Postcode")
    assert entry.details["districts_left_out"] == 2  # HG1 and ZZ1


def test_find_area_uses_the_published_lookup_naming_its_source_and_date(icbs):
    # The GP register alone places HG1 2AB by the one practice it knows in HG1 (in Humber) …
    GpPracticeFactory(icb=icbs["humber"], postcode="HG1 9ZZ")
    assert find_area(gp_practice=None, postcode="HG1 2AB").icb == icbs["humber"]
    load()
    # … the published directory knows every postcode of its sector is in West Yorkshire.
    found = find_area(gp_practice=None, postcode="hg12ab")
    assert (found.icb, found.source) == (icbs["west"], AreaSource.POSTCODE)
    assert "postcode sector HG1 2" in found.explanation
    assert "NSPL May 2026" in found.explanation and "20 May 2026" in found.explanation
    # A new sector of a district wholly in one ICB is placed by the district.
    found = find_area(gp_practice=None, postcode="LS1 9QQ")
    assert found.icb == icbs["west"] and "postcode district LS1" in found.explanation
    # A shared district with an unknown sector: the published lookup does not place it; the
    # GP register then does, as before (its one practice in HG1 is in Humber).
    assert find_area(gp_practice=None, postcode="HG1 7AA").icb == icbs["humber"]
    # The GP practice still comes first.
    practice = GpPracticeFactory(icb=icbs["humber"], postcode="LS1 3EX")
    assert find_area(gp_practice=practice, postcode="LS1 3EX").icb == icbs["humber"]


def test_an_icb_that_has_closed_since_the_load_places_nothing(icbs):
    load()
    icbs["west"].closed_on = date(2026, 4, 2)
    icbs["west"].save()
    assert find_area(gp_practice=None, postcode="LS1 4AP").icb is None


def test_a_new_load_replaces_the_last_and_a_bad_file_changes_nothing(icbs):
    first = load()
    with pytest.raises(DirectoryError):
        postcode_lookup_load(
            header=["postcode", "area"],
            rows=[["LS1 4AP", "x"]],
            source="Not a directory",
            published_on=date(2026, 5, 20),
            file_name="x.csv",
            file_sha256="0" * 64,
        )
    assert PostcodeArea.objects.filter(lookup=first).count() == 9
    second = load(rows=[nspl_row("LS1 4AP", HUMBER)], source="NSPL Aug 2026")
    assert not PostcodeArea.objects.filter(lookup=first).exists()
    assert find_area(gp_practice=None, postcode="LS1 4AP").icb == icbs["humber"]
    assert second.districts == 1 and PostcodeLookup.objects.count() == 2


def test_the_command_reads_the_published_zip(icbs, tmp_path):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(NSPL_COLUMNS)
    writer.writerows(DIRECTORY)
    path = tmp_path / "NSPL_MAY_2026.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Documents/Read me.csv", "a,b\n1,2\n")
        archive.writestr("Data/NSPL_MAY_2026_UK.csv", text.getvalue())
    out = io.StringIO()
    call_command(
        "postcode_lookup_load",
        str(path),
        "--source",
        "NSPL May 2026",
        "--published",
        "2026-05-20",
        stdout=out,
    )
    assert "8 live postcodes" in out.getvalue() and "E54999999" in out.getvalue()
    lookup = PostcodeLookup.objects.get()
    assert lookup.file_name == "NSPL_MAY_2026.zip" and len(lookup.file_sha256) == 64
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,area\nLS1 4AP,x\n")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("postcode_lookup_load", str(bad), "--source", "x", "--published", "2026-01-01")


def test_sector_and_district():
    assert sector_and_district("ls1 4ap") == ("LS1 4", "LS1")
    assert sector_and_district("EC1A1BB") == ("EC1A 1", "EC1A")
    assert sector_and_district("LS1") == ("", "")
