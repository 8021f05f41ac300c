"""The questions part's tables. Fill `operations` from `makemigrations reviews --dry-run -v 3`
(only this part's models); the lead regenerates one migration when the parts are joined."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_contacts")]
    operations: list = []
