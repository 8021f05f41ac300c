from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "leder.core"
    label = "core"
    verbose_name = "Core: audit and shared presentation"
