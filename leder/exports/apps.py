from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "leder.exports"
    label = "exports"
    verbose_name = "Exports: the de-identified national dataset"
