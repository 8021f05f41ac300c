from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "leder.api"
    label = "api"
    verbose_name = "API: clients, tokens and the REST API"
