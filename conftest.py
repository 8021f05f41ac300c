"""Shared pytest set-up."""

import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test gets its own media folder and an empty cache (rate limits live in the cache)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request):
    """Transactional tests end with pytest-django flushing every table, which the audit log's
    append-only triggers rightly refuse. Lift them for the flush only: this fixture is torn down
    just before the flush, and puts them back when the next test starts."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    from django.db import connection

    from leder.core import audit_triggers

    request.getfixturevalue("transactional_db")
    audit_triggers.install(connection)
    yield
    audit_triggers.remove(connection)
