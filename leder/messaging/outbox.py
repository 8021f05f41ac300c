"""Where a queued message goes to be sent.

The services write a message as queued and hand its id over here; once their transaction
commits, the sender connected at start-up takes it. `MessagingConfig.ready` connects the sending
task (`tasks.send_later`), which calls `services.message_send` back. So the services know
nothing of the task module, and the files depend one way: tasks → services → outbox and sending
(ADR 0196).
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

_senders: list[Callable[[int], None]] = []  # the one connected, once connected


def connect(send: Callable[[int], None]) -> None:
    """Make `send(message_id)` what takes each queued message (in place of any before)."""
    _senders[:] = [send]


def hand_over(message_id: int) -> None:
    """Have the message sent once the current transaction commits."""
    if not _senders:
        raise ImproperlyConfigured("Nothing sends messages: MessagingConfig.ready connects it")
    (send,) = _senders
    transaction.on_commit(lambda: send(message_id))
