"""Background work for messages, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task


@task
def send_message(*, message_id: int) -> None:
    """Send one queued message. Its content, and any link token in it, is made here: the task's
    arguments (kept in the task table) hold only the message's id (ADR 0181)."""
    from leder.messaging.sending import deliver

    deliver(message_id)
