"""Errors with messages meant for the person who gave the input: a management command prints
them as they are, and a view can show them beside the field."""

from datetime import date

from leder.core.presenters import date_long


class RestructureError(Exception):
    """The restructure cannot be applied as asked. Nothing was changed."""


class AmbiguousSuccessionError(Exception):
    """An organisation's work was split, so its code alone does not say who holds a record."""

    def __init__(self, *, organisation, successors: list, effective_on: date):
        self.organisation = organisation
        self.successors = successors
        self.effective_on = effective_on
        codes = ", ".join(s.ods_code for s in successors)
        super().__init__(
            f"{organisation.ods_code} ({organisation}) was split on {date_long(effective_on)} "
            f"between {codes}: which one holds a record depends on where the person lived "
            "(for example their GP practice)."
        )


class ProvidersLoadError(Exception):
    """The providers file has problems; `problems` lists each with its line. Nothing was saved."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class OrganisationChangeError(Exception):
    """The change to an organisation would break the hierarchy's rules. Nothing was saved."""


class UnplacedRecordError(Exception):
    """The unplaced record cannot be decided as asked. Nothing was saved."""
