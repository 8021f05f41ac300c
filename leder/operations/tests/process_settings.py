"""Settings for the real worker and scheduler processes the operations tests start: the test
settings, with tasks kept in the database (as in production) instead of run immediately. The
database comes from DATABASE_URL or SQLITE_PATH, which the tests point at their own database."""

from leder.config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
