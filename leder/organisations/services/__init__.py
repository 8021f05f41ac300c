"""Writes for the organisations app. Import services from here:

from leder.organisations.services import restructure_apply
"""

from leder.organisations.services.organisations import (
    EDITABLE_FIELDS,
    PROVIDER_COLUMNS,
    ProvidersLoadResult,
    organisation_check,
    organisation_create,
    organisation_update,
    providers_load,
    succession_make_default,
)
from leder.organisations.services.restructures import (
    RESTRUCTURE_ACTOR,
    RestructureReport,
    UnplacedLine,
    restructure_apply,
    unplaced_record_resolve,
)

__all__ = [
    "EDITABLE_FIELDS",
    "PROVIDER_COLUMNS",
    "RESTRUCTURE_ACTOR",
    "ProvidersLoadResult",
    "RestructureReport",
    "UnplacedLine",
    "organisation_check",
    "organisation_create",
    "organisation_update",
    "providers_load",
    "restructure_apply",
    "succession_make_default",
    "unplaced_record_resolve",
]
