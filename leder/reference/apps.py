from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "leder.reference"
    label = "reference"
    verbose_name = "Reference data"
