"""The home page's prompt about families not contacted within `LEDER_FAMILY_CONTACT_DAYS` of a
case's allocation: for the case's reviewer, and for the local area contacts of its ICB."""

from django.urls import reverse

from leder.core.prompts import Prompt, home_prompt
from leder.families.selectors import families_not_contacted


@home_prompt
def families_to_contact(user) -> list[Prompt]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        Prompt(
            text=f"No one in the family has been contacted about {row.case.reference}",
            href=reverse("families_staff:page", kwargs={"reference": row.case.reference}),
            detail=(
                f"Allocated {row.allocated_on} ({row.days} days ago)"
                + ("" if row.is_own else f"; reviewer {row.reviewer_name}")
            ),
        )
        for row in families_not_contacted(user)
    ]
