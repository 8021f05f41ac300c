from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "leder.accounts"
    label = "accounts"

    def ready(self):
        from leder.accounts import (
            checks,  # noqa: F401  (registers the system checks)
            sealing,
        )

        sealing.install()
