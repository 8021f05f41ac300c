from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "leder.messaging"
    label = "messaging"

    def ready(self):
        # The services hand queued messages to the outbox; the sending task takes them
        # (ADR 0196), so the services never import the task that calls them back.
        from leder.messaging import outbox, tasks

        outbox.connect(tasks.send_later)
