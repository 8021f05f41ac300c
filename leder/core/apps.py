from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    """`migrate` makes the database cache's table (rate limits shared by every process, ADR 0111)
    so no deployment step can forget `createcachetable`. It does nothing when the table exists or
    the cache is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "leder.core"
    label = "core"
    verbose_name = "Core: audit and shared presentation"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="leder-cache-table")
