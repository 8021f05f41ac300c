"""Reads for imports, scoped to the local area contact's ICBs: another ICB's batch is not found."""

from django.http import Http404

from leder.accounts.models import Role
from leder.accounts.rules import organisations_where
from leder.imports.models import ImportBatch, ImportRow
from leder.organisations.selectors import icbs_open


def import_icbs(user):
    """The open ICBs `user` may import for: where they are a local area contact."""
    return icbs_open().filter(pk__in=organisations_where(user, Role.LAC)).order_by("name")


def batches_visible_to(user):
    """Batches of the ICBs where `user` is a local area contact, newest first."""
    return ImportBatch.objects.filter(icb__in=organisations_where(user, Role.LAC)).select_related(
        "icb", "uploaded_by"
    )


def batch_for(user, pk: int) -> ImportBatch:
    """One batch `user` may see; Http404 for another ICB's batch and for one that is not there."""
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def rows_of(batch: ImportBatch):
    return (
        ImportRow.objects.filter(batch=batch).select_related("notification").order_by("row_number")
    )


def active_theme_names() -> list[str]:
    """The learning themes a file may name (reference data, not personal)."""
    from leder.reviews.models import LearningTheme

    themes = LearningTheme.objects.filter(active=True).order_by("name")
    return list(themes.values_list("name", flat=True))
