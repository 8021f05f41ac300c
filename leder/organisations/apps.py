from django.apps import AppConfig, apps


class OrganisationsConfig(AppConfig):
    name = "leder.organisations"
    label = "organisations"

    def ready(self):
        from leder.organisations import followers

        followers.register_builtin(
            name for name in ("leder.notifications", "leder.accounts") if apps.is_installed(name)
        )
