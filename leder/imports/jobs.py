"""The imports app's retention kind (ADR 0122): uploaded import files left on disk."""

from datetime import timedelta

from django.conf import settings

from leder.core.retention import retention_kind


@retention_kind("import_files")
class ImportFiles:
    @staticmethod
    def due(now):
        from leder.imports.models import ImportBatch

        days = settings.RETENTION_IMPORT_FILES_DAYS
        if days <= 0:
            return ImportBatch.objects.none()
        return ImportBatch.objects.filter(uploaded_at__lt=now - timedelta(days=days)).exclude(
            stored_name=""
        )

    @staticmethod
    def purge(rows) -> None:
        from leder.imports.services import imports_folder

        for batch in rows:
            (imports_folder() / batch.stored_name).unlink(missing_ok=True)
        rows.update(stored_name="")
