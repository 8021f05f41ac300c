from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "leder.operations"
    label = "operations"
    verbose_name = "Operations: the scheduler, worker heartbeats and stuck-job recovery"

    def ready(self) -> None:
        from leder.core.jobs import provide_worker_status
        from leder.operations.heartbeats import worker_status

        provide_worker_status(worker_status)
