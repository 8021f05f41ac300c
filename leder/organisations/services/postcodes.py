"""The published postcode lookup: a postcode directory of the Office for National Statistics
(the National Statistics Postcode Lookup, NSPL, or the ONS Postcode Directory, ONSPD; Open
Government Licence v3.0) reduced to what places a death without a doubt (docs/adr/0158).

Every live postcode of the directory (no date of termination) in England names its ICB (the
`icb` column, or `icbYYcd` in the 2025 layout, an ONS E54 code). A postcode **sector** ("LS1 4")
or **district** ("LS1") is kept only when all its live postcodes are in the same ICB; one shared
by two ICBs is left out, so it places nothing and the notification waits for a person. ICB codes
are matched to the installation's ICBs by their ONS code (`Organisation.gss_code`); a code of an
ICB that has since closed follows its succession when that gives one open ICB (a merger), and
places nothing otherwise (a split). Codes that match no ICB are counted and kept on the load.

The directory is not shipped (no registry package carries the ICB column; see the ADR): an
operator downloads it from the ONS Open Geography Portal and runs
`manage.py postcode_lookup_load <file.zip or .csv> --source "NSPL May 2026" --published 2026-05-20`.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.organisations.areas import sector_and_district
from leder.organisations.models import (
    Organisation,
    OrganisationKind,
    PostcodeArea,
    PostcodeLookup,
    Succession,
)

# The columns a directory names its postcode by, best first (pcds: "LS1 4AP").
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8")
TERMINATED_COLUMNS = ("doterm",)
# An English ICB's ONS code; Wales and Scotland carry pseudo codes (W99999999, S99999999).
_ICB_CODE = re.compile(r"E54[0-9]{6}")


class DirectoryError(ValueError):
    """The file is not a postcode directory this can read."""


@dataclass(frozen=True)
class DirectoryColumns:
    postcode: int
    icb: int
    terminated: int | None


def directory_columns(header: Sequence[str]) -> DirectoryColumns:
    """Where the postcode, its ICB and its date of termination are, in a directory's header
    (the NSPL and ONSPD name them `pcds`, `icb`, `doterm`; the 2025 layout `icb25cd`…)."""
    names = [name.strip().lower() for name in header]
    postcode = next((names.index(c) for c in POSTCODE_COLUMNS if c in names), None)
    icb_columns = [n for n in names if n == "icb" or re.fullmatch(r"icb\d{2}cd", n)]
    # The latest ICB vintage when the file has several (icb23cd, icb25cd…).
    icb = names.index(sorted(icb_columns)[-1]) if icb_columns else None
    terminated = next((names.index(c) for c in TERMINATED_COLUMNS if c in names), None)
    missing = [
        what for what, found in (("postcode (pcds)", postcode), ("ICB (icb)", icb)) if found is None
    ]
    if missing:
        raise DirectoryError(
            "This is not an ONS postcode directory: its first line has no "
            + " and no ".join(missing)
            + " column."
        )
    return DirectoryColumns(postcode=postcode, icb=icb, terminated=terminated)


def _one_icb(codes: set[str], icbs: dict[str, Organisation]) -> Organisation | None:
    """The ICB all of `codes` lead to, or None if any is unknown or they lead to two."""
    found = {icbs[code].pk: icbs[code] for code in codes if code in icbs}
    if len(found) != 1 or any(code not in icbs for code in codes):
        return None
    return next(iter(found.values()))


def _icbs_by_code(codes: Iterable[str], *, day: date) -> dict[str, Organisation]:
    """Open ICBs by ONS code; a closed ICB's code follows its succession to one open ICB."""
    icbs = {
        icb.gss_code: icb
        for icb in Organisation.objects.filter(kind=OrganisationKind.ICB, gss_code__in=codes)
    }
    found = {}
    for code, icb in icbs.items():
        if icb.is_open_on(day):
            found[code] = icb
            continue
        successors = {
            s.successor
            for s in Succession.objects.filter(predecessor=icb, effective_on__lte=day)
            .select_related("successor")
            .filter(successor__kind=OrganisationKind.ICB)
        }
        open_successors = [s for s in successors if s.is_open_on(day)]
        if len(open_successors) == 1:
            found[code] = open_successors[0]
    return found


def postcode_lookup_load(
    *,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    source: str,
    published_on: date,
    file_name: str,
    file_sha256: str,
    actor="system:postcode_lookup_load",
) -> PostcodeLookup:
    """Build the lookup from a directory's rows and make it the one in use, replacing the
    areas of any earlier load, in one transaction (audited)."""
    if not source.strip():
        raise DirectoryError("Say what the file is, as published (for example NSPL May 2026).")
    columns = directory_columns(header)
    sectors: dict[str, set[str]] = {}
    districts: dict[str, set[str]] = {}
    live = 0
    for row in rows:
        if columns.terminated is not None and row[columns.terminated].strip():
            continue
        code = row[columns.icb].strip().upper()
        if not _ICB_CODE.fullmatch(code):
            continue
        sector, district = sector_and_district(row[columns.postcode])
        if not sector:
            continue
        live += 1
        sectors.setdefault(sector, set()).add(code)
        districts.setdefault(district, set()).add(code)
    if not live:
        raise DirectoryError("The file has no live postcode in an English ICB.")
    used = set().union(*districts.values())
    icbs = _icbs_by_code(used, day=today())
    unknown = sorted(used - set(icbs))
    placed = {
        prefix: icb
        for places in (sectors, districts)
        for prefix, codes in places.items()
        if (icb := _one_icb(codes, icbs)) is not None
    }
    with transaction.atomic():
        PostcodeArea.objects.all().delete()
        lookup = PostcodeLookup.objects.create(
            source=source.strip(),
            published_on=published_on,
            file_name=file_name,
            file_sha256=file_sha256,
            loaded_at=now(),
            live_postcodes=live,
            sectors=0,
            districts=0,
            unknown_icb_codes=unknown,
        )
        areas = [
            PostcodeArea(lookup=lookup, prefix=prefix, icb=icb) for prefix, icb in placed.items()
        ]
        PostcodeArea.objects.bulk_create(areas, batch_size=2000)
        lookup.sectors = sum(1 for a in areas if " " in a.prefix)
        lookup.districts = len(areas) - lookup.sectors
        lookup.save(update_fields=["sectors", "districts"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=lookup,
            summary=f"Postcode lookup loaded from {lookup.source}",
            details={
                "file": file_name,
                "sha256": file_sha256,
                "published_on": published_on.isoformat(),
                "live_postcodes": live,
                "sectors": lookup.sectors,
                "districts": lookup.districts,
                "sectors_left_out": len(sectors) - lookup.sectors,
                "districts_left_out": len(districts) - lookup.districts,
                "unknown_icb_codes": unknown,
            },
        )
    return lookup
