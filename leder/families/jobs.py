"""The families app's retention kind (ADR 0122, ADR 0123): photographs and documents a family
member added through their link, once the case is completed and the period has passed."""

from datetime import timedelta

from django.conf import settings

from leder.core.retention import retention_kind


@retention_kind("family_files")
class FamilyFiles:
    @staticmethod
    def due(now):
        from leder.casework.models import CaseState
        from leder.families.models import FamilyFile

        days = settings.RETENTION_FAMILY_FILES_DAYS
        if days <= 0:
            return FamilyFile.objects.none()
        return FamilyFile.objects.filter(
            contribution__invitation__case__state=CaseState.COMPLETED,
            contribution__invitation__case__state_changed_at__lt=now - timedelta(days=days),
        )

    @staticmethod
    def purge(rows) -> None:
        """The file from storage and its row; the contribution (what they wrote) stays."""
        from leder.reviews.services.uploads import private_root

        for found in rows:
            (private_root() / found.stored_name).unlink(missing_ok=True)
        rows.delete()
