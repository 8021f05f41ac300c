from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "leder.notifications"
    label = "notifications"
