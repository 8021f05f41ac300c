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


@pytest.fixture(autouse=True)
def _transactional_tests_keep_reference_data(request):
    """Transactional tests (the browser journeys) end with pytest-django flushing every table.

    - The audit log's append-only triggers and the sign-off locks rightly refuse that flush: they
      are lifted for it (this fixture's teardown runs just before the flush).
    - The flush also empties the reference data the migrations loaded, which Django's serialized
      rollback does not reliably restore. A finalizer registered before the flush's own runs
      after it, outside any transaction: it restores the data from a snapshot taken at the start
      of the session and puts the triggers back, so whatever test runs next in this process,
      transactional or not, finds the database as the migrations left it.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    from django.db import connection

    from leder.core import audit_triggers
    from leder.governance import lock_triggers

    snapshot = request.getfixturevalue("_reference_data_snapshot")
    blocker = request.getfixturevalue("django_db_blocker")

    def after_the_flush():
        with blocker.unblock():
            _restore_reference_data(snapshot)
            audit_triggers.install(connection)
            lock_triggers.install(connection)

    request.addfinalizer(after_the_flush)
    request.getfixturevalue("transactional_db")
    _restore_reference_data(snapshot)
    audit_triggers.install(connection)
    lock_triggers.install(connection)
    yield
    audit_triggers.remove(connection)
    lock_triggers.remove(connection)
