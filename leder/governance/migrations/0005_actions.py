"""Reserved for the actions part of governance: its data (and any schema change it needs)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_panels")]
    operations = []
