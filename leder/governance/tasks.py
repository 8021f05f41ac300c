"""Background work for governance, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from leder.governance.services.actions import action_reminders_send


@task
def send_action_reminders() -> dict:
    """The same run as `manage.py send_action_reminders`, for installations that schedule work
    through the task worker (enqueue it once a day). Returns the run's counts."""
    return action_reminders_send().summary()
