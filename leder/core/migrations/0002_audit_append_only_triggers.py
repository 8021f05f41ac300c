"""Refuse UPDATE and DELETE on the audit log inside the database itself, so that nothing (a
shell, a bulk operation, another application) can change history without first dropping these
triggers, an act that needs DDL rights and leaves the hash chain to expose any edit."""

from django.db import migrations

from leder.core import audit_triggers


def forwards(apps, schema_editor):
    audit_triggers.install(schema_editor.connection, version=1)


def backwards(apps, schema_editor):
    audit_triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
