"""Every view of a person is recorded (issue 12, ADR 0120).

Every staff URL the permission matrix covers (the casework namespace and the notifications app's
staff pages, found by walking the URL configuration: `test_every_staff_url_is_in_the_matrix`
fails when one is missing) is requested, with the matrix's world of data present, by everyone in
ICB B and its region. Whenever a response shows a person's name, NHS number or date of birth, the
request must have written a view audit row for that person: about their notification, case or
review, or naming their case reference in its details. A page that shows a person unrecorded
fails the test, naming the page, the actor and the person.
"""

import json
from urllib.parse import unquote_plus

import pytest

from leder.casework.models import Case
from leder.casework.tests.test_permission_matrix import (  # noqa: F401  (the world fixture)
    B_LAC,
    B_PANEL,
    B_RC,
    B_REVIEWER,
    B_SENIOR,
    DUAL,
    ROUTES,
    client_for,
    nhs_texts,
    request,
    world,
)
from leder.core.models import AuditAction
from leder.core.presenters import date_long
from leder.notifications.models import Notification
from leder.reviews.models import Review

pytestmark = pytest.mark.django_db

ACTORS = (B_LAC, B_SENIOR, B_REVIEWER, *B_PANEL, B_RC, DUAL)


def people(w) -> dict[str, dict]:
    """Each person of the world: what identifies them on a page, and what an audit row about
    them may name (their notification, case and review rows, their references)."""
    found: dict[str, dict] = {}
    for notification in Notification.objects.filter(
        pk__in=[int(pk) for (label, pk) in w.objects if label == "notifications.Notification"]
    ):
        shown = (
            notification.family_name,
            *nhs_texts(notification.nhs_number),
            date_long(notification.date_of_birth),
        )
        objects = {("notifications.Notification", str(notification.pk))}
        references = {notification.reference}
        for case in Case.objects.filter(notification=notification):
            objects.add(("casework.Case", str(case.pk)))
            references.add(case.reference)
            objects |= {
                ("reviews.Review", str(pk))
                for pk in Review.objects.filter(case=case).values_list("pk", flat=True)
            }
        # The same person notified twice (a duplicate) is one person with two notifications.
        person = found.setdefault(
            notification.nhs_number, {"shown": shown, "objects": set(), "references": set()}
        )
        person["objects"] |= objects
        person["references"] |= references
    return found


def recorded(person: dict, rows: list[dict]) -> bool:
    for row in rows:
        if row["action"] not in (AuditAction.VIEW, AuditAction.EXPORT):
            continue
        if (row["object_type"], row["object_id"]) in person["objects"]:
            return True
        text = json.dumps(row["details"]) + row["summary"]
        if any(reference in text for reference in person["references"]):
            return True
    return False


def test_every_page_that_shows_a_person_records_the_view(world):  # noqa: F811
    everyone = people(world)
    unrecorded, shown_at_all = [], 0
    for name, route in ROUTES.items():
        for variant in route.variants(world):
            url = _url(name, variant)
            for actor in ACTORS:
                result = request(world, client_for(world, actor), "get", url)
                if result.status != 200:
                    continue
                asked = unquote_plus(variant.query)
                for person in everyone.values():
                    # What the actor typed may be echoed (the search box): not a view.
                    seen = [
                        text
                        for text in person["shown"]
                        if text in result.text and text not in asked
                    ]
                    if not seen:
                        continue
                    shown_at_all += 1
                    if not recorded(person, result.audit):
                        unrecorded.append(f"{url} as {actor} shows {seen[0]!r} unrecorded")
    assert shown_at_all > 50  # not vacuous: people are on many pages
    assert not unrecorded, "\n".join(sorted(set(unrecorded)))


def _url(name: str, variant) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=variant.kwargs) + (f"?{variant.query}" if variant.query else "")
