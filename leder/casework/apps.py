from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "leder.casework"
    label = "casework"
    verbose_name = "Casework: triage, allocation and deadlines"
