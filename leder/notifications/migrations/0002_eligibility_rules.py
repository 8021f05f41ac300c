"""The eligibility rules as versioned data. A death is judged by the version in force on its date.

2016-1: a person with a learning disability aged 4 or over at death (LeDeR reviews from 2016;
        deaths before the first version are judged by it).
2022-1: autistic adults without a learning disability come into scope, for deaths on or after
        LEDER_AUTISM_IN_SCOPE_FROM (default 1 January 2022).
"""

from datetime import date

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    EligibilityRules = apps.get_model("notifications", "EligibilityRules")
    EligibilityRules.objects.update_or_create(
        version="2016-1",
        defaults={
            "effective_from": date(2016, 1, 1),
            "minimum_age": 4,
            "adult_age": 18,
            "autistic_adults_in_scope": False,
            "description": "People with a learning disability aged 4 or over who died in England.",
        },
    )
    EligibilityRules.objects.update_or_create(
        version="2022-1",
        defaults={
            "effective_from": settings.LEDER_AUTISM_IN_SCOPE_FROM,
            "minimum_age": 4,
            "adult_age": 18,
            "autistic_adults_in_scope": True,
            "description": (
                "People with a learning disability aged 4 or over, and autistic adults aged 18 or "
                "over without a learning disability, who died in England."
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
