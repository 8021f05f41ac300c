"""A valid notification as a trust's system would send it, to change one field at a time."""

import copy
from datetime import timedelta

from leder.core.time import today


def notification_payload(area, **person_overrides) -> dict:
    died = today() - timedelta(days=10)
    payload = {
        "notifier": {
            "relationship": "hospital",
            "name": "Alex Morgan",
            "email": "alex.morgan@example.invalid",
        },
        "person": {
            "given_name": "Joanne",
            "family_name": "Walsh",
            "date_of_birth": "1965-02-11",
            "date_of_death": died.isoformat(),
            "address": "1 Example Street, Exampletown",
            "icb": area.ods_code,
            "has_learning_disability": "yes",
            "is_autistic": "no",
            "died_in_england": "yes",
            "place_of_death": "hospital",
            "covid": "no",
            "has_care_concerns": "no",
        },
    }
    payload["person"].update(person_overrides)
    return payload


def changed(payload: dict, section: str, **fields) -> dict:
    result = copy.deepcopy(payload)
    result[section].update(fields)
    return result
