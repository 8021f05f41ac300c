"""What waits on the home page from the family's part: cases whose family has not been contacted
within `LEDER_FAMILY_CONTACT_DAYS` of allocation, for the case's reviewer and the LACs of its ICB
(ADR 0184). Counted through the selector of the list it links to."""

from datetime import date

from django.urls import reverse

from leder.core.worklist import Waiting, worklist
from leder.families.selectors import families_not_contacted


@worklist(order=25)
def families_to_contact(user, *, today: date) -> list[Waiting]:
    found = len(families_not_contacted(user))
    if not found:
        return []
    return [
        Waiting(
            key="families_not_contacted",
            label="Reviews where no one in the family has been contacted",
            count=found,
            href=reverse("families_staff:not_contacted"),
            late=True,
            hint="No invitation, and no attempt to reach them, since allocation",
        )
    ]
