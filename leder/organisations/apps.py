from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "leder.organisations"
    label = "organisations"
