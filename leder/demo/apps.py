from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "leder.demo"
    label = "demo"
