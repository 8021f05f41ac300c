"""The outbox between writing a message and sending it (ADR 0196): the sending task is connected
at start-up, a queued message leaves only once its transaction commits, and with nothing
connected a message is refused rather than left unsent."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from leder.messaging import outbox, tasks


def test_the_sending_task_is_connected_at_start_up():
    assert outbox._senders == [tasks.send_later]


@pytest.mark.django_db
def test_a_message_leaves_once_its_transaction_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(outbox, "_senders", [sent.append])
    with django_capture_on_commit_callbacks(execute=True):
        outbox.hand_over(41)
        assert sent == []  # not before the commit
    assert sent == [41]


def test_with_nothing_connected_a_message_is_refused(monkeypatch):
    monkeypatch.setattr(outbox, "_senders", [])
    with pytest.raises(ImproperlyConfigured, match="Nothing sends messages"):
        outbox.hand_over(41)
