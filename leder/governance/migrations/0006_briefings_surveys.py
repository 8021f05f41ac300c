"""The briefings and surveys part of governance: a named survey is answered once a person (the
service checks first; the constraint settles two submissions at the same moment)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_actions")]
    operations = [
        migrations.AddConstraint(
            model_name="surveyresponse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("respondent__isnull", False)),
                fields=("survey", "respondent"),
                name="one_named_response_a_person",
            ),
        ),
    ]
