"""Periodic jobs of governance, run by the scheduler (`manage.py scheduler`)."""

from datetime import time

from leder.core.schedule import periodic


@periodic(
    name="action-reminders",
    daily_at=time(7, 20),
    description="E-mail action owners and LACs about actions due soon or overdue (each once)",
)
def action_reminders() -> dict:
    from leder.governance.services.actions import action_reminders_send

    return action_reminders_send().summary()
