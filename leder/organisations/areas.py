"""Working out the area (the responsible ICB) of a death the notifier could not place.

Order (docs/adr/0150-notifications-without-an-area.md):

1. the GP practice, when it is one we know and its ICB is open: a practice belongs to one ICB;
2. else the **published postcode lookup**, when one has been loaded (ONS NSPL or ONSPD, its
   source and publication date named: `services.postcodes`, docs/adr/0158): the postcode's
   sector ("LE11 3"), else its district ("LE11"), when every live postcode of it is in one ICB;
3. else the postcode's **district** (the outward code, "LE11" of "LE11 3AB"), when every open GP
   practice of the register with a postcode in that district belongs to one open ICB;
4. else nothing: the notification waits in the unassigned queue. If the practice's ICB or the
   district's practices at least agree on an NHS England region, the region is kept so that its
   regional coordinators see it.

No published postcode → ICB lookup is shipped with the reference data (none could be had from
a package registry: docs/adr/0158); until an operator loads one, the postcode lookup is the GP
practice register itself (ODS codes, postcodes and ICBs, maintained from NHS ODS data). Both
are deliberately cautious: a sector or district shared by two ICBs places nothing.
"""

import re
from dataclasses import dataclass
from datetime import date

from leder.core.time import today
from leder.organisations.models import Organisation, OrganisationKind, PostcodeArea, PostcodeLookup


class AreaSource:
    CHOSEN = "chosen"
    GP_PRACTICE = "gp_practice"
    POSTCODE = "postcode"
    ASSIGNED = "assigned"
    TRANSFERRED = "transferred"
    UNKNOWN = "unknown"

    CHOICES = (
        (CHOSEN, "Chosen by the notifier"),
        (GP_PRACTICE, "From the GP practice"),
        (POSTCODE, "From the postcode district"),
        (ASSIGNED, "Assigned from the unassigned queue"),
        (TRANSFERRED, "Transferred from another ICB"),
        (UNKNOWN, "Not known: in the unassigned queue"),
    )


@dataclass(frozen=True)
class AreaFinding:
    icb: Organisation | None
    region: Organisation | None
    source: str
    # Why, in words a local area contact or coordinator reads on the notification.
    explanation: str


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode ("LE11" of "le11 3ab"), or "" if it is not one."""
    compact = re.sub(r"\s", "", postcode or "").upper()
    if not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", compact):
        return ""
    return compact[:-3]


def sector_and_district(postcode: str) -> tuple[str, str]:
    """("LS1 4", "LS1") of "ls1 4ap"; ("", "") if it is not a full UK postcode."""
    district = postcode_district(postcode)
    if not district:
        return "", ""
    inward = re.sub(r"\s", "", postcode).upper()[-3:]
    return f"{district} {inward[0]}", district


def postcode_lookup_in_use() -> PostcodeLookup | None:
    """The published postcode lookup loaded last, if any."""
    return PostcodeLookup.objects.order_by("-loaded_at", "-pk").first()


def published_area(postcode: str, *, on: date | None = None) -> AreaFinding | None:
    """The ICB the published lookup puts the postcode's sector (else district) wholly in, if it
    is open; None if no lookup is loaded or it does not place the postcode."""
    sector, district = sector_and_district(postcode)
    lookup = postcode_lookup_in_use() if sector else None
    if lookup is None:
        return None
    day = on or today()
    areas = {
        area.prefix: area
        for area in PostcodeArea.objects.filter(
            lookup=lookup, prefix__in=[sector, district]
        ).select_related("icb", "icb__region")
    }
    for prefix, what in ((sector, "sector"), (district, "district")):
        area = areas.get(prefix)
        icb = _open_icb(area.icb, day) if area else None
        if icb is not None:
            return AreaFinding(
                icb=icb,
                region=icb.region,
                source=AreaSource.POSTCODE,
                explanation=(
                    f"From the postcode {what} {prefix}: every postcode of it is in "
                    f"{icb.display_name} in the {lookup.source} "
                    f"(published {lookup.published_on:%-d %B %Y})"
                )[:300],
            )
    return None


def _open_icb(organisation: Organisation | None, day: date) -> Organisation | None:
    if organisation is None or organisation.kind != OrganisationKind.ICB:
        return None
    return organisation if organisation.is_open_on(day) else None


def icbs_for_district(district: str, *, on: date | None = None) -> list[Organisation]:
    """The open ICBs of the open GP practices whose postcode is in `district`."""
    if not district:
        return []
    day = on or today()
    practices = (
        Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE, icb__isnull=False)
        .open_on(day)
        .filter(postcode__istartswith=district)
        .select_related("icb", "icb__region")
    )
    icbs = {}
    for practice in practices:
        if postcode_district(practice.postcode) != district:
            continue  # "LE1" must not take "LE11 …"
        icb = _open_icb(practice.icb, day)
        if icb is not None:
            icbs[icb.pk] = icb
    return sorted(icbs.values(), key=lambda icb: icb.name)


def find_area(
    *, gp_practice: Organisation | None, postcode: str, on: date | None = None
) -> AreaFinding:
    """The area of a death whose notifier did not know it (see the module's docstring)."""
    day = on or today()
    region = None
    if gp_practice is not None:
        icb = _open_icb(gp_practice.icb, day)
        if icb is not None:
            return AreaFinding(
                icb=icb,
                region=icb.region,
                source=AreaSource.GP_PRACTICE,
                explanation=f"From their GP practice, {gp_practice.name}",
            )
        if gp_practice.icb is not None and gp_practice.icb.region_id:
            region = gp_practice.icb.region
    published = published_area(postcode, on=day)
    if published is not None:
        return published
    district = postcode_district(postcode)
    icbs = icbs_for_district(district, on=day)
    if len(icbs) == 1:
        return AreaFinding(
            icb=icbs[0],
            region=icbs[0].region,
            source=AreaSource.POSTCODE,
            explanation=f"From the postcode district {district}: every GP practice we know "
            f"there is in {icbs[0].display_name}",
        )
    if len(icbs) > 1:
        regions = {icb.region_id for icb in icbs}
        if region is None and len(regions) == 1 and icbs[0].region_id:
            region = icbs[0].region
        names = ", ".join(icb.display_name for icb in icbs)
        explanation = f"The postcode district {district} has GP practices in {names}"
    elif district:
        explanation = f"No GP practice we know has a postcode in {district}"
    else:
        explanation = "No GP practice or postcode that places the person"
    return AreaFinding(icb=None, region=region, source=AreaSource.UNKNOWN, explanation=explanation)
