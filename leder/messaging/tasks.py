"""Background work for messages, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from leder.messaging.services import message_send


@task
def send_message(*, message_id: int) -> None:
    """Send one queued message. Its content, and any link token in it, is made here: the task's
    arguments (kept in the task table) hold only the message's id (ADR 0181)."""
    message_send(message_id)


def send_later(message_id: int) -> None:
    """How a queued message leaves `outbox`: the sending task, enqueued (connected by
    `MessagingConfig.ready`)."""
    send_message.enqueue(message_id=message_id)
