"""The data version (ADR 0170): every write to a table the figures read makes it bigger,
however it is written; writes elsewhere (the audit log) do not; compacting keeps it."""

import pytest
from django.db import connection

from leder.accounts.tests.factories import icb as make_icb
from leder.analytics import data_version
from leder.analytics.models import DataChange
from leder.core import audit
from leder.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_every_way_of_writing_a_tracked_table_moves_the_version():
    icb = make_icb(name="NHS Version Test ICB")
    before = data_version.current()
    Organisation.objects.filter(pk=icb.pk).update(ld_population=1234)  # no signals
    after_update = data_version.current()
    assert after_update > before
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:  # raw SQL, as a bulk loader might write
        cursor.execute(f"UPDATE {table} SET ld_population = 4321 WHERE id = %s", [icb.pk])
    after_raw = data_version.current()
    assert after_raw > after_update
    Organisation.objects.bulk_create(
        [Organisation(kind="icb", name="NHS Bulk ICB", ods_code="QZZ", region=icb.region)]
    )
    after_bulk = data_version.current()
    assert after_bulk > after_raw
    Organisation.objects.filter(ods_code="QZZ").delete()
    assert data_version.current() > after_bulk


def test_the_audit_log_does_not_move_the_version():
    icb = make_icb(name="NHS Audit Test ICB")
    before = data_version.current()
    audit.record_view(actor=None, obj=icb, summary="Looked at an ICB", details={})
    assert data_version.current() == before


def test_compacting_keeps_the_version_and_leaves_one_row():
    for number in range(3):
        make_icb(name=f"NHS Compact Test ICB {number}")
    before = data_version.current()
    assert DataChange.objects.count() > 1
    data_version.compact()
    assert DataChange.objects.count() == 1
    assert data_version.current() == before
    make_icb(name="NHS After Compact ICB")
    assert data_version.current() > before


def test_installing_again_changes_nothing():
    icb = make_icb(name="NHS Twice Installed ICB")
    data_version.install(connection)
    data_version.install(connection)
    before = data_version.current()
    # one trigger per table and event, not two: one row updated counts once
    Organisation.objects.filter(pk=icb.pk).update(ld_population=99)
    assert data_version.current() == before + 1


def test_every_tracked_table_exists():
    assert set(data_version.tracked_tables()) <= set(connection.introspection.table_names())
