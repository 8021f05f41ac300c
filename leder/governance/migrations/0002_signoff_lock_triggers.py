"""Refuse, in the database itself, any change to a signed-off review's content, any rewrite or
deletion of a sign-off, and any change to the review version history (ADR 0017)."""

from django.db import migrations

from leder.governance import lock_triggers


def forwards(apps, schema_editor):
    lock_triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    lock_triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("reviews", "0006_timeline"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
