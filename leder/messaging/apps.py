from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "leder.messaging"
    label = "messaging"
