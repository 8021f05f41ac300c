from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "leder.analytics"
    label = "analytics"
    verbose_name = "Analytics: the analysis extract, metrics, disclosure control, reconciliation"
