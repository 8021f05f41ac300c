"""The case list's name search has trigram indexes on PostgreSQL (ADR 0171), on exactly the
expression Django writes for `icontains`, so the planner can use them; SQLite has none."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'notifications_notification' AND indexname LIKE %s",
            ["%_trgm"],
        )
        return dict(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_names_and_reference_have_trigram_indexes_on_the_search_expression():
    found = _indexes()
    for column in ("given_name", "family_name", "other_names", "reference"):
        definition = found[f"notifications_{column}_trgm"]
        assert "gin" in definition and "gin_trgm_ops" in definition
        assert f"upper(({column})::text)" in definition
