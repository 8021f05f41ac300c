"""Models of leder.analytics."""

from django.db import models


class DataChange(models.Model):
    """One write to a table the figures are computed from, appended by a database trigger (see
    `leder.analytics.data_version`, ADR 0170). Never written by the application, except when
    `data_version.compact` folds old rows into one whose `weight` is their number, so the sum of
    `weight` (the data version) never goes down."""

    id = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=63)
    weight = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.table} ×{self.weight}"
