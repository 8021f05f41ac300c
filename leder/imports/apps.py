from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "leder.imports"
    label = "imports"
    verbose_name = "Imports: bulk import of historic notifications and reviews"
