"""The demo ICBs' LeDeR contact details, set through the service a local area contact's page
calls. Numbers are from Ofcom's ranges kept for drama (never a real line); addresses at
`.invalid` domains."""

from leder.organisations.models import Organisation
from leder.organisations.services.contact_details import icb_contact_details_set

# By demo label: the LeDeR team's number (Ofcom drama range for the area code) and postcode.
AREAS = {
    "llr": {"area_code": "0116", "postcode": "LE3 8TB", "town": "Leicester"},
    "bsol": {"area_code": "0121", "postcode": "B1 1TT", "town": "Birmingham"},
}


def icb_contact_details(*, icb: Organisation, label: str, lac) -> None:
    """Set `icb`'s LeDeR contact details as its local area contact `lac`."""
    area = AREAS[label]
    code = area["area_code"]
    icb_contact_details_set(
        actor=lac,
        icb=icb,
        team_name="LeDeR team",
        telephone=f"{code} 496 0100",
        email=f"leder.{label}@demo.leder.invalid",
        address=f"LeDeR team, {icb.short_name or icb.name}\nFreepost LEDER\n{area['town']}",
        postcode=area["postcode"],
        opening_hours="Monday to Friday, 9am to 5pm",
        complaints_telephone=f"{code} 496 0200",
        complaints_email=f"complaints.{label}@demo.leder.invalid",
        complaints_url=f"https://{label}.demo.leder.invalid/complaints",
        pals_telephone=f"{code} 496 0300",
        pals_email=f"pals.{label}@demo.leder.invalid",
        advocacy_name=f"{area['town']} Independent Advocacy (demo)",
        advocacy_telephone=f"{code} 496 0400",
        advocacy_url=f"https://advocacy.{label}.demo.leder.invalid",
        coroner_name=f"{area['town']} Coroner's Office (demo)",
        coroner_telephone=f"{code} 496 0500",
    )
