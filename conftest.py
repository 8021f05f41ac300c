"""Shared pytest set-up."""

import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test gets its own media and private folders, and an empty cache (rate limits live in
    the cache)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LEDER_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def _reference_data_snapshot(django_db_setup, django_db_blocker) -> str:
    """The data the migrations load (regions, ICBs, ethnic categories, eligibility rules, the
    grading scale, learning themes), serialised once per test session before any test runs."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


def _restore_reference_data(snapshot: str) -> None:
    """Put back the reference data the migrations loaded, if a flush emptied it."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from leder.notifications.models import EligibilityRules

    if EligibilityRules.objects.exists():
        return
    # The flush's post_migrate signal recreated content types under new ids; the snapshot's own
    # ones (with the ids the rest of the snapshot refers to) replace them.
    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(snapshot)


# The session's snapshot of the reference data, once taken (see below).
_SNAPSHOT: dict[str, str] = {}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _transactional_tests_keep_reference_data(request):
    """Transactional tests (the browser journeys) end with pytest-django flushing every table.

    - The audit log's append-only triggers and the sign-off locks rightly refuse that flush: they
      are lifted for it (this fixture's teardown runs before the flush).
    - The flush also empties the reference data the migrations loaded, which Django's serialized
      rollback does not reliably restore. After the whole teardown, `pytest_runtest_teardown`
      below restores it from a snapshot taken at the start of the session and puts the triggers
      back, outside any transaction, so whatever test runs next in this process, transactional
      or not, finds the database as the migrations left it.
    """
    if not _is_transactional(request.node):
        yield
        return
    from django.db import connection

    from leder.core import audit_triggers
    from leder.governance import lock_triggers

    _SNAPSHOT["reference"] = request.getfixturevalue("_reference_data_snapshot")
    request.getfixturevalue("transactional_db")
    _restore_reference_data(_SNAPSHOT["reference"])
    audit_triggers.install(connection)
    lock_triggers.install(connection)
    yield
    audit_triggers.remove(connection)
    lock_triggers.remove(connection)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the session's last test the test databases are gone (nothing to restore).
    if nextitem is None or not (_is_transactional(item) and "reference" in _SNAPSHOT):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from leder.core import audit_triggers
    from leder.governance import lock_triggers

    with item.config.stash[blocking_manager_key].unblock():
        _restore_reference_data(_SNAPSHOT["reference"])
        audit_triggers.install(connection)
        lock_triggers.install(connection)
