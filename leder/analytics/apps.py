from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnalyticsConfig(AppConfig):
    name = "leder.analytics"
    label = "analytics"
    verbose_name = "Analytics: the analysis extract, metrics, disclosure control, reconciliation"

    def ready(self) -> None:
        from leder.analytics import data_version

        # After every migrate, so the triggers outlive SQLite's table rebuilds (ADR 0170).
        post_migrate.connect(
            data_version.install_after_migrate,
            sender=self,
            dispatch_uid="analytics-data-version-triggers",
        )
