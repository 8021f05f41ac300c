from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "leder.accounts"
    label = "accounts"
