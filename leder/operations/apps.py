from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "leder.operations"
    label = "operations"
    verbose_name = "Operations: the scheduler, worker heartbeats and stuck-job recovery"
