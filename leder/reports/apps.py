from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "leder.reports"
    label = "reports"
    verbose_name = "Reports: dashboards and the annual reports"
