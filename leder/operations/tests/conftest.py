"""The reports tests' area and cases, and the real-process fixture."""

from leder.operations.tests.processes import processes  # noqa: F401
from leder.reports.tests.conftest import area, cases  # noqa: F401
