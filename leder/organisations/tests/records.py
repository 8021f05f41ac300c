"""Records from other apps that point at organisations, made directly for these tests (their
own apps' services are tested there)."""

import datetime
import itertools

from leder.core.time import now
from leder.notifications.models import Notification

_numbers = itertools.count(1)


def make_notification(*, icb, gp_practice=None, reference: str | None = None) -> Notification:
    number = next(_numbers)
    return Notification.objects.create(
        reference=reference or f"LDR-TEST-{number:06d}",
        received_at=now(),
        channel="online",
        given_name="Test",
        family_name=f"Person {number}",
        date_of_birth=datetime.date(1970, 1, 1),
        date_of_death=datetime.date(2025, 6, 1),
        icb=icb,
        gp_practice=gp_practice,
        has_learning_disability="yes",
        is_autistic="no",
        place_of_death="hospital",
        covid="no",
        has_care_concerns="no",
    )
