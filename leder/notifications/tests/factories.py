"""Notifications for tests, made through the real service so that eligibility, duplicates and
audit behave as they do in production."""

import random
import uuid
from datetime import date

from leder.demo.synthetic import synthetic_nhs_number
from leder.notifications import services
from leder.notifications.models import Answer, Channel, CovidStatus, PlaceOfDeath, Relationship

_rng = random.Random(4)


def person(icb, **overrides) -> services.PersonInput:
    fields = {
        "given_name": "Joanne",
        "family_name": "Walsh",
        "date_of_birth": date(1965, 2, 11),
        "date_of_death": date(2026, 9, 30),
        "icb_id": icb.pk,
        "has_learning_disability": Answer.YES,
        "is_autistic": Answer.NO,
        "place_of_death": PlaceOfDeath.HOSPITAL,
        "covid": CovidStatus.NO,
        "has_care_concerns": Answer.NO,
    }
    fields.update(overrides)
    return services.PersonInput(**fields)


def notifier(**overrides) -> services.NotifierInput:
    fields = {
        "relationship": Relationship.FAMILY,
        "name": "Grace Walsh",
        "email": "grace@example.invalid",
    }
    fields.update(overrides)
    return services.NotifierInput(**fields)


def notify(icb, *, channel=Channel.ONLINE, recorded_by=None, source=None, **person_fields):
    """Submit a notification and return the service's result."""
    return services.notification_submit(
        person=person(icb, **person_fields),
        notifier=source or notifier(),
        channel=channel,
        recorded_by=recorded_by,
        submission_key=uuid.uuid4(),
    )


def nhs_number() -> str:
    return synthetic_nhs_number(_rng)
