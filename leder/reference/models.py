"""Reference data kept as rows, with its source, so that a decision can name what it used."""

from django.db import models


class EthnicCategory(models.Model):
    """NHS Data Dictionary ETHNIC CATEGORY (2001 census categories), with its group.
    Loaded from `reference/data/ethnic_category.csv` by a data migration."""

    code = models.CharField(max_length=2, primary_key=True)
    description = models.CharField(max_length=100)
    group = models.CharField(max_length=40)
    census_2021_codes = models.CharField(max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name_plural = "ethnic categories"

    def __str__(self) -> str:
        return self.description

    @property
    def is_white_british(self) -> bool:
        return self.code == "A"
