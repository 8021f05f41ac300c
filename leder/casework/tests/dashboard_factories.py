"""People for the dashboard and reminder tests who never look like each other's duplicates
(duplicate detection is tolerant of typos, so "Person1" and "Person2" born a day apart match)."""

from datetime import date

from leder.notifications.tests.factories import nhs_number

GIVEN = ["Amara", "Bartholomew", "Cordelia", "Dmitri", "Eleanora", "Fergus", "Gwendolyn", "Horace"]
FAMILY = ["Abernethy", "Blenkinsop", "Castellano", "Drummond", "Eriksson", "Fitzwilliam", "Gallo"]


def person(i: int, **fields) -> dict:
    """Notification fields for the `i`th distinct person: a different name, NHS number and year
    of birth for each `i`."""
    return {
        "given_name": f"{GIVEN[i % len(GIVEN)]}{'x' * (i // len(GIVEN))}",
        "family_name": f"{FAMILY[i % len(FAMILY)]}-{i}",
        "date_of_birth": date(1930 + (i * 7) % 70, 1 + i % 12, 1 + i % 28),
        "nhs_number": nhs_number(),
        **fields,
    }
