from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "leder.families"
    label = "families"
