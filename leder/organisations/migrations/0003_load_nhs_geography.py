"""Load England, its 7 regions, the 42 ICBs of July 2022, the CCGs before them and the
restructure of 1 April 2026 (pending) from the CSV files in `leder/organisations/data/`.

The files are the project's copy of the reference data (see their README in the design
documents, sections 1–5). A later correction to a file needs a new migration: this one has run
on every installation already.

History is loaded as applied successions, so `organisation_current` can follow any old code to
today's organisation:

    older CCG code --merger (2021-04-01)--> April 2021 CCG --ccg_to_icb (2022-07-01)--> ICB

The 2026 successions are loaded as pending (`applied_at` empty, predecessors still open):
`manage.py restructure_apply --date 2026-04-01` moves the records and closes the predecessors.
"""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data"

NATIONAL_CODE = "X26"
CCG_2021_OPENED = date(2021, 4, 1)
ICBS_OPENED = date(2022, 7, 1)
RESTRUCTURE_2026 = date(2026, 4, 1)

# For each ICB split on 1 April 2026, the successor that holds the records that cannot be placed
# by GP practice or by the placements file until a person decides. Chosen as the successor
# judged to take the largest part of the population (Hertfordshire, Suffolk, East Berkshire);
# how the splits were drawn is unconfirmed in the reference data, so the administrator can
# choose another before applying (Succession admin, "make default").
SPLIT_DEFAULTS_2026 = {"QM7": "S1Y5D", "QJG": "T6Y0W", "QNQ": "S0E4D"}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _short_icb_name(name: str) -> str:
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def load(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Succession = apps.get_model("organisations", "Succession")
    loaded_at = timezone.now()

    Organisation.objects.create(
        ods_code=NATIONAL_CODE, name="NHS England", short_name="NHS England", kind="national"
    )

    regions = {
        row["ods_code"]: Organisation.objects.create(
            ods_code=row["ods_code"],
            name=row["name"],
            kind="region",
            gss_code=row["gss_code_2022"],
        )
        for row in _rows("nhs_regions.csv")
    }
    assert len(regions) == 7, f"expected 7 NHS England regions, found {len(regions)}"

    # The 2023 GSS code: two ICBs (QXU, QNX) changed code after a boundary change in April 2023
    # and the later code is the one current data uses.
    icbs = {
        row["ods_code"]: Organisation.objects.create(
            ods_code=row["ods_code"],
            name=row["name"],
            short_name=row["short_name"],
            kind="icb",
            region=regions[row["region_ods_code"]],
            gss_code=row["gss_code_2023"],
            opened_on=ICBS_OPENED,
        )
        for row in _rows("icbs.csv")
    }
    assert len(icbs) == 42, f"expected 42 ICBs of July 2022, found {len(icbs)}"

    predecessors = _rows("ccg_predecessor_codes.csv")
    # A CCG that replaced older codes was created on 1 April 2021; the others existed before
    # and their opening date is not in the reference data.
    merged_in_2021 = {row["ccg_2021_ods_code"] for row in predecessors}
    ccgs = {}
    for row in _rows("ccg_to_icb_2022.csv"):
        icb = icbs[row["icb_ods_code"]]
        ccg = Organisation.objects.create(
            ods_code=row["ccg_ods_code"],
            name=row["ccg_name"],
            kind="ccg",
            icb=icb,
            gss_code=row["ccg_gss_code_2021"],
            opened_on=CCG_2021_OPENED if row["ccg_ods_code"] in merged_in_2021 else None,
            closed_on=ICBS_OPENED,
        )
        Succession.objects.create(
            predecessor=ccg,
            successor=icb,
            effective_on=ICBS_OPENED,
            kind="ccg_to_icb",
            applied_at=loaded_at,
        )
        ccgs[ccg.ods_code] = ccg
    assert len(ccgs) == 106, f"expected 106 CCGs of April 2021, found {len(ccgs)}"

    for row in predecessors:
        ccg_2021 = ccgs[row["ccg_2021_ods_code"]]
        # Some of these closed before 2021; the mapping says only that they were gone by
        # 1 April 2021. `icb` is the ICB that in the end took over their area.
        old = Organisation.objects.create(
            ods_code=row["predecessor_ccg_ods_code"],
            name=f"Former CCG {row['predecessor_ccg_ods_code']} (now part of {ccg_2021.name})",
            kind="ccg",
            icb=ccg_2021.icb,
            closed_on=CCG_2021_OPENED,
        )
        Succession.objects.create(
            predecessor=old,
            successor=ccg_2021,
            effective_on=CCG_2021_OPENED,
            kind="merger",
            applied_at=loaded_at,
        )

    successions = _rows("icb_successions_2026.csv")
    assert len(successions) == 16, f"expected 16 successions in 2026, found {len(successions)}"
    new_icbs: dict[str, dict] = {}
    for row in successions:
        assert date.fromisoformat(row["succession_date"]) == RESTRUCTURE_2026, row
        assert row["predecessor_ods_code"] in icbs, f"unknown predecessor {row}"
        if row["successor_ods_code"] not in icbs:
            entry = new_icbs.setdefault(
                row["successor_ods_code"], {"name": row["successor_name"], "regions": set()}
            )
            entry["regions"].add(icbs[row["predecessor_ods_code"]].region.ods_code)

    for ods_code, entry in new_icbs.items():
        # The reference data does not give the new ICBs' regions; each one's predecessors all
        # sit in one region, which is therefore its region. Refuse to guess if that changes.
        assert len(entry["regions"]) == 1, f"{ods_code} has predecessors in {entry['regions']}"
        icbs[ods_code] = Organisation.objects.create(
            ods_code=ods_code,
            name=entry["name"],
            short_name=_short_icb_name(entry["name"]),
            kind="icb",
            region=regions[entry["regions"].pop()],
            opened_on=RESTRUCTURE_2026,
        )
    assert sorted(new_icbs) == sorted(["S1Y5D", "D7T5G", "T6Y0W", "S0E4D", "S9B9J", "Z9B2Z"])

    for row in successions:
        predecessor = row["predecessor_ods_code"]
        Succession.objects.create(
            predecessor=icbs[predecessor],
            successor=icbs[row["successor_ods_code"]],
            effective_on=RESTRUCTURE_2026,
            kind=row["succession_type"],
            takes_unplaced=SPLIT_DEFAULTS_2026.get(predecessor) == row["successor_ods_code"],
        )
    split = {r["predecessor_ods_code"] for r in successions if r["succession_type"] == "split"}
    assert split == set(SPLIT_DEFAULTS_2026), f"split ICBs changed: {split}"


def unload(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Succession = apps.get_model("organisations", "Succession")
    Succession.objects.all().delete()
    # From the bottom of the hierarchy up, as each level points at the one above. Fails, as it
    # should, if providers or records still point at the geography.
    for kind in ("ccg", "icb", "region", "national"):
        Organisation.objects.filter(kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_restructure_defaults_and_unplaced_records")]

    operations = [migrations.RunPython(load, unload)]
