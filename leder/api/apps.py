from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "leder.api"
    label = "api"
    verbose_name = "API: clients, tokens and the REST API"

    def ready(self):
        from leder.api.errors import json_error
        from leder.core import edges

        # Input refused at the edge (NUL bytes, over-long values, too large a body) is answered
        # in the API's one error format.
        edges.api_refusal = json_error
