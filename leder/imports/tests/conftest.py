import pytest

from leder.imports.tests.factories import install_import_step


@pytest.fixture(autouse=True)
def _import_lifecycle_step(monkeypatch):
    """The lifecycle step an imported completed review needs (proposed to the lead)."""
    install_import_step(monkeypatch)
