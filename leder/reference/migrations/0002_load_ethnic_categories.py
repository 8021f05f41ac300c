"""Load the NHS Data Dictionary ethnic categories from reference/data/ethnic_category.csv
(sources in docs/reference-data.md)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "ethnic_category.csv"


def load(apps, schema_editor):
    EthnicCategory = apps.get_model("reference", "EthnicCategory")
    with DATA.open(newline="") as handle:
        for order, row in enumerate(csv.DictReader(handle), start=1):
            EthnicCategory.objects.update_or_create(
                code=row["code"],
                defaults={
                    "description": row["description"],
                    "group": row["group"],
                    "census_2021_codes": row["census_2021_code"],
                    "sort_order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
